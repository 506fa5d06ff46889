package nearrepeat_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya/internal/nearrepeat"
)

// benchEvents returns n events over a 20 km × 20 km city and a year: half
// in 200 hotspots, half spread evenly.
func benchEvents(n int) []nearrepeat.Event {
	rng := rand.New(rand.NewPCG(2026, 6))
	hot := make([][2]float64, 200)
	for i := range hot {
		hot[i] = [2]float64{20000 * rng.Float64(), 20000 * rng.Float64()}
	}
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	ev := make([]nearrepeat.Event, n)
	for i := range ev {
		x, y := 20000*rng.Float64(), 20000*rng.Float64()
		if i%2 == 0 {
			h := hot[rng.IntN(len(hot))]
			x, y = h[0]+rng.NormFloat64()*150, h[1]+rng.NormFloat64()*150
		}
		ev[i] = nearrepeat.Event{X: x, Y: y, T: t0.AddDate(0, 0, rng.IntN(365))}
	}
	return ev
}

func BenchmarkKnox10k(b *testing.B) {
	ev := benchEvents(10000)
	opt := nearrepeat.Options{SpaceBands: []float64{0, 100, 200, 300, 400}, TimeBands: []float64{0, 7, 14, 21, 28}, Permutations: 99, Seed: 1}
	for b.Loop() {
		if _, err := nearrepeat.Knox(context.Background(), ev, opt); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBenchReport times the Knox test of 10,000 events with 999
// permutations against the naive method (every pair in every permutation)
// on a few permutations, scaled up. Only with ATALAYA_BENCH=1
// (scripts/bench-density.sh).
func TestBenchReport(t *testing.T) {
	if os.Getenv("ATALAYA_BENCH") == "" {
		t.Skip("set ATALAYA_BENCH=1 (scripts/bench-density.sh)")
	}
	const n, perms = 10000, 999
	ev := benchEvents(n)
	se, te := []float64{0, 100, 200, 300, 400}, []float64{0, 7, 14, 21, 28}
	start, cpu0 := time.Now(), cpuSeconds()
	res, err := nearrepeat.Knox(context.Background(), ev, nearrepeat.Options{SpaceBands: se, TimeBands: te, Permutations: perms, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	wall, cpu := time.Since(start).Seconds(), cpuSeconds()-cpu0

	// Naive: all n(n−1)/2 pairs, distances and time differences, for each
	// of 3 permutations (one goroutine per permutation), scaled to 999.
	const sample = 3
	start, cpu0 = time.Now(), cpuSeconds()
	done := make(chan [][]int, sample)
	for p := range sample {
		go func() {
			days := make([]float64, n)
			for i, e := range ev {
				days[i] = float64(e.T.Unix()) / 86400
			}
			rng := rand.New(rand.NewPCG(9, uint64(p)))
			rng.Shuffle(n, func(a, b int) { days[a], days[b] = days[b], days[a] })
			done <- naiveTable(ev, days, se, te)
		}()
	}
	for range sample {
		<-done
	}
	nwall := time.Since(start).Seconds() * perms / sample
	ncpu := (cpuSeconds() - cpu0) * perms / sample
	obs := 0
	for s := range len(res.Cells) - 1 {
		for _, c := range res.Cells[s] {
			obs += c.Observed
		}
	}
	fmt.Printf("Knox test, %d events, %d permutations, %d pairs within %g m, GOMAXPROCS %d\n", n, perms, obs, se[len(se)-1], runtime.GOMAXPROCS(0))
	fmt.Printf("%-24s %9s %9s %12s %12s %9s\n", "method", "wall (s)", "cpu (s)", "naive wall", "naive cpu", "ratio")
	fmt.Printf("%-24s %9.3f %9.3f %12.1f %12.1f %9.0f\n", "grid index + totals", wall, cpu, nwall, ncpu, nwall/wall)
}

func naiveTable(ev []nearrepeat.Event, days, se, te []float64) [][]int {
	out := make([][]int, len(se)+1)
	for i := range out {
		out[i] = make([]int, len(te))
	}
	for i := range ev {
		for j := i + 1; j < len(ev); j++ {
			d := math.Hypot(ev[i].X-ev[j].X, ev[i].Y-ev[j].Y)
			s := 0
			if d > 0 {
				s = 1
				for k := 1; k < len(se); k++ {
					if d >= se[k] {
						s = k + 1
					}
				}
			}
			dt := math.Abs(days[i] - days[j])
			c := 0
			for k := 1; k < len(te); k++ {
				if dt >= te[k] {
					c = k
				}
			}
			out[s][c]++
		}
	}
	return out
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}
