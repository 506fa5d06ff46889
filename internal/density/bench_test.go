package density_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya/internal/density"
)

// benchPoints returns n points in [0, 1000)²: half in 40 Gaussian
// clusters (hotspots), half spread evenly, as a city's incidents.
func benchPoints(n int) [][2]float64 {
	rng := rand.New(rand.NewPCG(2026, 11))
	centres := make([][2]float64, 40)
	for i := range centres {
		centres[i] = [2]float64{100 + 800*rng.Float64(), 100 + 800*rng.Float64()}
	}
	pts := make([][2]float64, n)
	for i := range pts {
		if i%2 == 0 {
			c := centres[rng.IntN(len(centres))]
			pts[i] = [2]float64{min(max(c[0]+rng.NormFloat64()*20, 0), 999.999), min(max(c[1]+rng.NormFloat64()*20, 0), 999.999)}
		} else {
			pts[i] = [2]float64{1000 * rng.Float64(), 1000 * rng.Float64()}
		}
	}
	return pts
}

// TestBenchReport times a 1,000,000-point surface on a 1000 × 1000 grid
// against the naive direct sum (every point for every cell) on a sample of
// cells, scaled up. It runs only with ATALAYA_BENCH=1
// (scripts/bench-density.sh).
func TestBenchReport(t *testing.T) {
	if os.Getenv("ATALAYA_BENCH") == "" {
		t.Skip("set ATALAYA_BENCH=1 (scripts/bench-density.sh)")
	}
	const n = 1_000_000
	pts := benchPoints(n)
	bounds := [4]float64{0, 0, 1000, 1000}
	fmt.Printf("KDE of %d points on a 1000 × 1000 grid, GOMAXPROCS %d\n", n, runtime.GOMAXPROCS(0))
	fmt.Printf("%-24s %9s %9s %12s %12s %9s   %s\n", "kernel, bandwidth", "wall (s)", "cpu (s)", "naive wall", "naive cpu", "ratio", "max rel. error (cells > 1% of max)")
	for _, c := range []struct {
		k density.Kernel
		h float64
	}{{density.Quartic, 10}, {density.Quartic, 25}, {density.Gaussian, 5}, {density.Gaussian, 10}} {
		opt := density.Options{Kernel: c.k, Bandwidth: c.h, CellSize: 1, Bounds: bounds}
		best, bestCPU := math.Inf(1), math.Inf(1)
		var g *density.Grid
		for range benchReps() {
			start, cpu0 := time.Now(), cpuSeconds()
			var err error
			g, err = density.Estimate(context.Background(), pts, opt)
			if err != nil {
				t.Fatal(err)
			}
			best = min(best, time.Since(start).Seconds())
			bestCPU = min(bestCPU, cpuSeconds()-cpu0)
		}
		// Naive: for each of 200 sampled cells, a direct sum over all
		// points, split over GOMAXPROCS goroutines; scaled to 1e6 cells.
		const sample = 200
		rng := rand.New(rand.NewPCG(5, 5))
		cells := make([][2]int, sample)
		for i := range cells {
			cells[i] = [2]int{rng.IntN(1000), rng.IntN(1000)}
		}
		sums := make([]float64, sample)
		start, cpu0 := time.Now(), cpuSeconds()
		var wg sync.WaitGroup
		workers := runtime.GOMAXPROCS(0)
		for wkr := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := wkr; i < sample; i += workers {
					x, y := g.Center(cells[i][0], cells[i][1])
					sums[i] = naiveSum(pts, c.k, c.h, x, y)
				}
			}()
		}
		wg.Wait()
		naive := time.Since(start).Seconds() * 1e6 / sample
		naiveCPU := (cpuSeconds() - cpu0) * 1e6 / sample
		maxRel := 0.0
		for i, want := range sums {
			if want > 0.01*g.Max() {
				maxRel = max(maxRel, math.Abs(g.At(cells[i][0], cells[i][1])-want)/want)
			}
		}
		fmt.Printf("%-24s %9.3f %9.3f %12.0f %12.0f %9.0f   %.2g\n",
			fmt.Sprintf("%v h=%g cells", c.k, c.h), best, bestCPU, naive, naiveCPU, naive/best, maxRel)
	}
}

func benchReps() int {
	if os.Getenv("ATALAYA_BENCH_QUICK") != "" {
		return 1
	}
	return 3
}

// cpuSeconds returns the process's user and system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

// naiveSum is the direct sum of the kernel over all points at (x, y).
func naiveSum(pts [][2]float64, k density.Kernel, h, x, y float64) float64 {
	s, h2 := 0.0, h*h
	for _, p := range pts {
		d2 := (p[0]-x)*(p[0]-x) + (p[1]-y)*(p[1]-y)
		if k == density.Gaussian {
			s += math.Exp(-d2/(2*h2)) / (2 * math.Pi * h2)
		} else if d2 < h2 {
			u := 1 - d2/h2
			s += 3 / (math.Pi * h2) * u * u
		}
	}
	return s
}
