package spatial

import (
	"math"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the user and system CPU time of the process so far; on a
// shared machine it shows the work done where wall time shows the wait.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// denseMatrix returns w's effective weights as a dense n × n matrix.
func denseMatrix(w *Weights) [][]float64 {
	m := make([][]float64, w.N())
	for i := range m {
		m[i] = make([]float64, w.N())
		nb, wt := w.Neighbours(i)
		for q, j := range nb {
			m[i][j] = wt[q]
		}
	}
	return m
}

// denseGiStar is the naive baseline: Gi* with self-weight 1 from a dense
// weights matrix, each permutation a full shuffle of the other n−1 values
// and a dense row product, O(perms·n²) in all.
func denseGiStar(x []float64, W [][]float64, perms int, seed uint64) (z, p []float64) {
	n := len(x)
	mean, m2 := meanVar(x)
	z, p = make([]float64, n), make([]float64, n)
	rng := rand.New(rand.NewPCG(seed, 0))
	others := make([]float64, n)
	for i := range n {
		wi, s1, lag := 0.0, 0.0, 0.0
		for j := range n {
			wij := W[i][j]
			if j == i {
				wij = 1
			}
			wi += wij
			s1 += wij * wij
			lag += wij * x[j]
		}
		nf := float64(n)
		z[i] = (lag - wi*mean) / math.Sqrt(m2*(nf*s1-wi*wi)/(nf-1))
		larger := 0
		for range perms {
			// The value at i stays; the others are shuffled over the
			// other positions.
			k := 0
			for j := range n {
				if j != i {
					others[k] = x[j]
					k++
				}
			}
			rng.Shuffle(n-1, func(a, b int) { others[a], others[b] = others[b], others[a] })
			s, k := x[i], 0
			for j := range n {
				if j == i {
					continue
				}
				s += W[i][j] * others[k]
				k++
			}
			if s >= lag-1e-9*math.Abs(lag) {
				larger++
			}
		}
		larger = min(larger, perms-larger)
		p[i] = float64(larger+1) / float64(perms+1)
	}
	return z, p
}

// benchValues returns a deterministic count-like variable on n cells.
func benchValues(n int) []float64 {
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(rng.IntN(10))
	}
	return x
}

// BenchmarkGiStarGrid is Gi* with 999 conditional permutations on a
// 316 × 316 queen lattice (99,856 cells), the speed target.
func BenchmarkGiStarGrid(b *testing.B) {
	w := must(Grid(316, 316, true))
	x := benchValues(w.N())
	cpu0 := cpuTime()
	for b.Loop() {
		if _, err := GetisOrd(x, w, Options{Star: true, Permutations: 999, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/run")
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/run")
}

// BenchmarkGiStarDenseBaseline runs the naive dense Gi* on a 24 × 24
// subsample of the lattice and scales its time by (n_full/n_sub)² to the
// 316 × 316 lattice, the cost of the dense method being O(perms·n²).
func BenchmarkGiStarDenseBaseline(b *testing.B) {
	const side, full = 24, 316
	w := must(Grid(side, side, true))
	W := denseMatrix(w)
	x := benchValues(w.N())
	var elapsed, cpu time.Duration
	for b.Loop() {
		start, cpu0 := time.Now(), cpuTime()
		denseGiStar(x, W, 999, 1)
		elapsed += time.Since(start)
		cpu += cpuTime() - cpu0
	}
	scale := math.Pow(float64(full*full)/float64(side*side), 2)
	b.ReportMetric(elapsed.Seconds()/float64(b.N), "s/subsample")
	b.ReportMetric(elapsed.Seconds()/float64(b.N)*scale, "s/run")
	b.ReportMetric(cpu.Seconds()/float64(b.N)*scale, "cpu-s/run")
}

// BenchmarkLocalMoranGrid is Local Moran's I with 999 permutations on the
// same lattice, row-standardised.
func BenchmarkLocalMoranGrid(b *testing.B) {
	w := must(Grid(316, 316, true)).RowStandardise()
	x := benchValues(w.N())
	b.ResetTimer()
	for b.Loop() {
		if _, err := LocalMoran(x, w, Options{Permutations: 999, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKNearest builds 8-nearest-neighbour weights for 100,000 points.
func BenchmarkKNearest(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	pts := make([][2]float64, 100_000)
	for i := range pts {
		pts[i] = [2]float64{rng.Float64() * 1e4, rng.Float64() * 1e4}
	}
	for b.Loop() {
		must(KNearest(pts, 8))
	}
}
