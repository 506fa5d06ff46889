package stats_test

import (
	"math"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/stats"
)

func TestRate(t *testing.T) {
	tests := []struct {
		count, den int64
		per        float64
		want       float64
		ok         bool
	}{
		{0, 10, 1e5, 0, true},
		{1, 3, 1, 1.0 / 3, true},
		{12752, 46494000, 1e5, 12752.0 / 46494000 * 1e5, true},
		{5, 0, 1e5, math.NaN(), false},
		{5, -1, 1e5, math.NaN(), false},
		{-1, 10, 1e5, math.NaN(), false},
	}
	for _, tt := range tests {
		got, ok := stats.Rate(tt.count, tt.den, tt.per)
		if ok != tt.ok || !same(got, tt.want) {
			t.Errorf("Rate(%d, %d, %g) = %g, %v; want %g, %v", tt.count, tt.den, tt.per, got, ok, tt.want, tt.ok)
		}
	}
}

// same reports whether a and b are equal, counting NaN equal to NaN.
func same(a, b float64) bool {
	return a == b || math.IsNaN(a) && math.IsNaN(b)
}

// near reports whether got is within rel of want, relative to want.
func near(got, want, rel float64) bool {
	return got == want || math.Abs(got-want) <= rel*math.Abs(want)
}

func TestPoissonCI_ClosedForm(t *testing.T) {
	// For k = 0 the upper bound solves e^(−x) = α/2, and for k = 1 the
	// lower bound solves 1 − e^(−x) = α/2.
	for _, level := range []float64{0.5, 0.9, 0.95, 0.99, 0.999} {
		a := (1 - level) / 2
		lo, hi := stats.PoissonCI(0, level)
		if lo != 0 || !near(hi, -math.Log(a), 1e-14) {
			t.Errorf("PoissonCI(0, %g) = %g, %g; want 0, %g", level, lo, hi, -math.Log(a))
		}
		lo, _ = stats.PoissonCI(1, level)
		if want := -math.Log1p(-a); !near(lo, want, 1e-14) {
			t.Errorf("PoissonCI(1, %g).lo = %.17g; want %.17g", level, lo, want)
		}
	}
}

func TestPoissonCI_Invalid(t *testing.T) {
	tests := []struct {
		k     int64
		level float64
	}{
		{-1, 0.95}, {5, 0}, {5, 1}, {5, -0.5}, {5, 1.5}, {5, math.NaN()}, {5, math.Inf(1)},
	}
	for _, tt := range tests {
		if lo, hi := stats.PoissonCI(tt.k, tt.level); !math.IsNaN(lo) || !math.IsNaN(hi) {
			t.Errorf("PoissonCI(%d, %g) = %g, %g; want NaN, NaN", tt.k, tt.level, lo, hi)
		}
	}
}

func TestPoissonCI_Levels(t *testing.T) {
	// Wider levels nest the narrower ones.
	for _, k := range []int64{0, 1, 10, 12752, 1e7} {
		lo90, hi90 := stats.PoissonCI(k, 0.9)
		lo95, hi95 := stats.PoissonCI(k, 0.95)
		lo99, hi99 := stats.PoissonCI(k, 0.99)
		if !(lo99 <= lo95 && lo95 <= lo90 && hi90 < hi95 && hi95 < hi99) {
			t.Errorf("PoissonCI(%d): 90%% [%g, %g], 95%% [%g, %g], 99%% [%g, %g] do not nest",
				k, lo90, hi90, lo95, hi95, lo99, hi99)
		}
	}
}

func TestPoissonCI_Huge(t *testing.T) {
	// Far beyond any real count the interval tends to k − z√k + (z²−1)/3
	// and k + z√k + (z²+2)/3 (Cornish–Fisher, to O(1/√k)), and the
	// computation still ends quickly.
	const z = 1.959963984540054
	for _, k := range []int64{1e9, 1e12, 1e15, 1e18, math.MaxInt64} {
		lo, hi := stats.PoissonCI(k, 0.95)
		fk := float64(k)
		wantLo := fk - z*math.Sqrt(fk) + (z*z-1)/3
		wantHi := fk + z*math.Sqrt(fk) + (z*z+2)/3
		if !near(lo, wantLo, 1e-12) || !near(hi, wantHi, 1e-12) {
			t.Errorf("PoissonCI(%d, 0.95) = %.17g, %.17g; want about %.17g, %.17g", k, lo, hi, wantLo, wantHi)
		}
	}
}

func TestRateCI(t *testing.T) {
	rate, lo, hi, ok := stats.RateCI(20, 50000, 1e5, 0.95)
	plo, phi := stats.PoissonCI(20, 0.95)
	if !ok || rate != 40 || !near(lo, plo*2, 1e-15) || !near(hi, phi*2, 1e-15) {
		t.Errorf("RateCI(20, 50000, 1e5, 0.95) = %g, %g, %g, %v; want 40, %g, %g, true", rate, lo, hi, ok, plo*2, phi*2)
	}
	for _, tt := range []struct {
		k, den int64
		level  float64
	}{{5, 0, 0.95}, {5, -10, 0.95}, {-1, 10, 0.95}, {5, 10, 1}} {
		if rate, lo, hi, ok := stats.RateCI(tt.k, tt.den, 1e5, tt.level); ok || !math.IsNaN(rate+lo+hi) {
			t.Errorf("RateCI(%d, %d, 1e5, %g) = %g, %g, %g, %v; want NaN, false", tt.k, tt.den, tt.level, rate, lo, hi, ok)
		}
	}
}

func TestGammaQuantile_Edges(t *testing.T) {
	tests := []struct{ p, shape, want float64 }{
		{0, 3, 0},
		{1, 3, math.Inf(1)},
		{0.5, 1, math.Ln2}, // exponential median
		{-0.1, 3, math.NaN()},
		{1.1, 3, math.NaN()},
		{math.NaN(), 3, math.NaN()},
		{0.5, 0, math.NaN()},
		{0.5, -1, math.NaN()},
		{0.5, math.Inf(1), math.NaN()},
		{1e-10, 0.01, 0}, // the quantile is about 1e-1000 and underflows
	}
	for _, tt := range tests {
		if got := stats.GammaQuantile(tt.p, tt.shape); !same(got, tt.want) && !near(got, tt.want, 1e-15) {
			t.Errorf("GammaQuantile(%g, %g) = %g; want %g", tt.p, tt.shape, got, tt.want)
		}
	}
}

func TestClopperPearson(t *testing.T) {
	// With no or all successes the open bound has a closed form.
	for _, n := range []int64{1, 7, 1000} {
		a := 0.025
		lo, hi, ok := stats.ClopperPearson(0, n, 0.95)
		if want := -math.Expm1(math.Log(a) / float64(n)); !ok || lo != 0 || !near(hi, want, 1e-13) {
			t.Errorf("ClopperPearson(0, %d, 0.95) = %g, %g, %v; want 0, %g, true", n, lo, hi, ok, want)
		}
		lo, hi, ok = stats.ClopperPearson(n, n, 0.95)
		if want := math.Pow(a, 1/float64(n)); !ok || hi != 1 || !near(lo, want, 1e-13) {
			t.Errorf("ClopperPearson(%d, %d, 0.95) = %g, %g, %v; want %g, 1, true", n, n, lo, hi, ok, want)
		}
	}
	for _, tt := range []struct {
		k, n  int64
		level float64
	}{{0, 0, 0.95}, {-1, 5, 0.95}, {6, 5, 0.95}, {1, 5, 0}, {1, 5, math.NaN()}} {
		if lo, hi, ok := stats.ClopperPearson(tt.k, tt.n, tt.level); ok || !math.IsNaN(lo) || !math.IsNaN(hi) {
			t.Errorf("ClopperPearson(%d, %d, %g) = %g, %g, %v; want NaN, NaN, false", tt.k, tt.n, tt.level, lo, hi, ok)
		}
	}
}

func TestRateRatio(t *testing.T) {
	// Swapping the two rates inverts the ratio and its interval.
	cases := [][4]int64{{25, 1, 16, 1}, {3, 10000, 40, 20000}, {12752, 46494000, 33742, 214300000}, {1, 7, 900, 3}}
	for _, c := range cases {
		r, lo, hi, ok := stats.RateRatio(c[0], c[1], c[2], c[3], 0.95)
		rr, rlo, rhi, rok := stats.RateRatio(c[2], c[3], c[0], c[1], 0.95)
		if !ok || !rok || !near(r, 1/rr, 1e-14) || !near(lo, 1/rhi, 1e-12) || !near(hi, 1/rlo, 1e-12) {
			t.Errorf("RateRatio%v = %g [%g, %g] and swapped %g [%g, %g]: not reciprocal", c, r, lo, hi, rr, rlo, rhi)
		}
		if !(lo < r && r < hi) {
			t.Errorf("RateRatio%v = %g outside its interval [%g, %g]", c, r, lo, hi)
		}
	}

	r, lo, hi, ok := stats.RateRatio(5, 1000, 0, 1000, 0.95)
	if !ok || !math.IsInf(r, 1) || !math.IsInf(hi, 1) || !(lo > 0) {
		t.Errorf("RateRatio(5, 1000, 0, 1000) = %g, %g, %g, %v; want +Inf, > 0, +Inf, true", r, lo, hi, ok)
	}
	r, lo, hi, ok = stats.RateRatio(0, 1000, 5, 1000, 0.95)
	if !ok || r != 0 || lo != 0 || !(hi > 0) || math.IsInf(hi, 1) {
		t.Errorf("RateRatio(0, 1000, 5, 1000) = %g, %g, %g, %v; want 0, 0, finite, true", r, lo, hi, ok)
	}
	for _, c := range [][4]int64{{0, 10, 0, 10}, {1, 0, 1, 10}, {1, 10, 1, -1}, {-1, 10, 1, 10}} {
		if r, lo, hi, ok := stats.RateRatio(c[0], c[1], c[2], c[3], 0.95); ok || !math.IsNaN(r+lo+hi) {
			t.Errorf("RateRatio%v = %g, %g, %g, %v; want NaN, false", c, r, lo, hi, ok)
		}
	}
}
