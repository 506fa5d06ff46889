package stats_test

import (
	"math"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/stats"
)

// FuzzPoissonCI checks that the exact interval holds its count, grows with
// it, and never yields NaN, for any count and level.
func FuzzPoissonCI(f *testing.F) {
	for _, k := range []int64{0, 1, 2, 19, 20, 12752, 99999, 100000, 1e7, 1e12, math.MaxInt64} {
		for _, level := range []float64{0.9, 0.95, 0.99} {
			f.Add(k, level)
		}
	}
	f.Add(int64(5), 1e-300)
	f.Add(int64(5), math.Nextafter(1, 0))
	f.Add(int64(-3), 0.95)
	f.Add(int64(3), math.NaN())

	f.Fuzz(func(t *testing.T, k int64, level float64) {
		lo, hi := stats.PoissonCI(k, level)
		if k < 0 || !(level > 0 && level < 1) {
			if !math.IsNaN(lo) || !math.IsNaN(hi) {
				t.Fatalf("PoissonCI(%d, %g) = %g, %g; want NaN, NaN", k, level, lo, hi)
			}
			return
		}
		fk := float64(k)
		if math.IsNaN(lo) || math.IsNaN(hi) || !(0 <= lo && lo <= fk && fk <= hi) || math.IsInf(hi, 0) {
			t.Fatalf("PoissonCI(%d, %g) = %g, %g; want 0 ≤ lo ≤ k ≤ hi < ∞", k, level, lo, hi)
		}
		if k == 0 && lo != 0 {
			t.Fatalf("PoissonCI(0, %g).lo = %g; want 0", level, lo)
		}
		if k == math.MaxInt64 {
			return
		}
		// The bounds grow with k. Beyond 2^53 neighbouring counts share one
		// float64, and both bounds carry rounding of a few units in the last
		// place, so allow that much.
		lo1, hi1 := stats.PoissonCI(k+1, level)
		const slack = 1e-14
		if lo1 < lo*(1-slack) || hi1 < hi*(1-slack) {
			t.Fatalf("PoissonCI(%d, %g) = %.17g, %.17g but PoissonCI(k+1) = %.17g, %.17g: not monotone",
				k, level, lo, hi, lo1, hi1)
		}
	})
}
