package chart

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// sdcm is the sum of squared deviations from the class means of xs under
// breaks, the quantity Jenks minimises.
func sdcm(xs []float64, breaks []float64) float64 {
	classes := make([][]float64, len(breaks)-1)
	for _, x := range xs {
		c := Classify(x, breaks)
		classes[c] = append(classes[c], x)
	}
	var total float64
	for _, c := range classes {
		var m float64
		for _, x := range c {
			m += x
		}
		m /= float64(len(c))
		for _, x := range c {
			total += (x - m) * (x - m)
		}
	}
	return total
}

// bruteJenks tries every way to cut the distinct values of xs into k runs
// and returns the least sdcm.
func bruteJenks(xs []float64, k int) float64 {
	u := slices.Compact(slices.Sorted(slices.Values(xs)))
	best := math.Inf(1)
	cuts := make([]int, k-1) // class c ends at distinct index cuts[c]
	var rec func(c, from int)
	rec = func(c, from int) {
		if c == k-1 {
			b := []float64{u[0]}
			for _, i := range cuts {
				b = append(b, u[i])
			}
			b = append(b, u[len(u)-1])
			best = math.Min(best, sdcm(xs, b))
			return
		}
		for i := from; i < len(u)-(k-1-c); i++ {
			cuts[c] = i
			rec(c+1, i+1)
		}
	}
	rec(0, 0)
	return best
}

func TestJenksPublished(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		k      int
		want   []float64
	}{
		// The jenkspy README (github.com/mthh/jenkspy).
		{"jenkspy", []float64{1.3, 7.1, 7.3, 2.3, 3.9, 4.1, 7.8, 1.2, 4.3, 7.3, 5.0, 4.3}, 3, []float64{1.2, 2.3, 5.0, 7.8}},
		// The README of the npm package jenks (github.com/42arch/Jenks).
		{"jenks-npm", []float64{1, 2, 5, 15, 45, 89.3, 112, 31, 120, 0.5}, 3, []float64{0.5, 15, 45, 120}},
		// Two obvious clusters.
		{"clusters", []float64{10, 11, 12, 50, 51, 52}, 2, []float64{10, 12, 52}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Breaks(tt.values, tt.k, Jenks)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Breaks = %v, want %v", got, tt.want)
			}
			if a, b := sdcm(tt.values, got), bruteJenks(tt.values, tt.k); math.Abs(a-b) > 1e-9 {
				t.Errorf("sdcm %g, brute-force optimum %g", a, b)
			}
		})
	}
}

// TestJenksBruteForce checks on random small samples, with ties, that
// Jenks reaches the least sum of squared deviations over all partitions.
func TestJenksBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		n := 2 + r.IntN(11)
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = math.Round(r.ExpFloat64()*20) / 2 // skewed, with ties
		}
		u := len(slices.Compact(slices.Sorted(slices.Values(xs))))
		for k := 1; k <= min(6, u); k++ {
			b := Breaks(xs, k, Jenks)
			if u == 1 {
				continue
			}
			if len(b) != k+1 {
				t.Fatalf("trial %d: %v in %d classes gave %v", trial, xs, k, b)
			}
			if got, want := sdcm(xs, b), bruteJenks(xs, k); got > want+1e-9 {
				t.Fatalf("trial %d: %v, k=%d: breaks %v have sdcm %g, optimum %g", trial, xs, k, b, got, want)
			}
		}
	}
}

// quadratic is the plain O(k·m²) Fisher–Jenks recurrence on distinct
// values, the reference for the divide-and-conquer Jenks on inputs too
// large for brute force.
func quadratic(xs []float64, k int) float64 {
	u := slices.Compact(slices.Sorted(slices.Values(xs)))
	ssd := func(i, j int) float64 { // distinct values [i, j), weighted
		var n, s, q float64
		for _, x := range xs {
			if x >= u[i] && x <= u[j-1] {
				n, s, q = n+1, s+x, q+x*x
			}
		}
		return q - s*s/n
	}
	m := len(u)
	prev := make([]float64, m+1)
	for j := 1; j <= m; j++ {
		prev[j] = ssd(0, j)
	}
	for c := 1; c < k; c++ {
		cur := make([]float64, m+1)
		for j := c + 1; j <= m; j++ {
			cur[j] = math.Inf(1)
			for i := c; i < j; i++ {
				cur[j] = math.Min(cur[j], prev[i]+ssd(i, j))
			}
		}
		prev = cur
	}
	return prev[m]
}

func TestJenksQuadratic(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := range 5 {
		xs := make([]float64, 60+trial*20)
		for i := range xs {
			xs[i] = math.Round(r.ExpFloat64()*r.ExpFloat64()*400) / 10
		}
		for _, k := range []int{2, 5, 7} {
			b := Breaks(xs, k, Jenks)
			if got, want := sdcm(xs, b), quadratic(xs, k); math.Abs(got-want) > 1e-6*math.Max(1, want) {
				t.Errorf("trial %d, k=%d: sdcm %g, quadratic optimum %g", trial, k, got, want)
			}
		}
	}
}

func TestBreaksEdgeCases(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name   string
		values []float64
		k      int
		method Method
		want   []float64
	}{
		{"empty", nil, 5, Jenks, nil},
		{"all NaN", []float64{nan, nan}, 5, Quantile, nil},
		{"all equal", []float64{3, 3, 3}, 5, Jenks, []float64{3, 3}},
		{"all equal quantile", []float64{3, 3, nan}, 5, Quantile, []float64{3, 3}},
		{"all equal interval", []float64{3, 3}, 5, EqualInterval, []float64{3, 3}},
		{"fewer values than classes", []float64{1, 5, nan, 9}, 5, Jenks, []float64{1, 1, 5, 9}},
		{"ties fewer than classes", []float64{2, 2, 2, 7}, 3, Jenks, []float64{2, 2, 7}},
		{"NaN and Inf ignored", []float64{nan, 1, math.Inf(1), 2, 10, 11, math.Inf(-1)}, 2, Jenks, []float64{1, 2, 11}},
		{"k below 1", []float64{1, 2}, 0, Jenks, []float64{1, 2}},
		{"quantile", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}, 4, Quantile, []float64{1, 3, 5, 7, 9}},
		{"quantile merges", []float64{0, 0, 0, 0, 0, 0, 1, 2}, 4, Quantile, []float64{0, 0.25, 2}},
		{"equal interval", []float64{0, 10, 3}, 5, EqualInterval, []float64{0, 2, 4, 6, 8, 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Breaks(tt.values, tt.k, tt.method); !slices.Equal(got, tt.want) {
				t.Errorf("Breaks(%v, %d, %v) = %v, want %v", tt.values, tt.k, tt.method, got, tt.want)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	b := []float64{1, 2, 5, 9}
	tests := []struct {
		v    float64
		want int
	}{{0, 0}, {1, 0}, {2, 0}, {2.1, 1}, {5, 1}, {6, 2}, {9, 2}, {100, 2}, {math.NaN(), -1}, {math.Inf(1), -1}}
	for _, tt := range tests {
		if got := Classify(tt.v, b); got != tt.want {
			t.Errorf("Classify(%v) = %d, want %d", tt.v, got, tt.want)
		}
	}
	if Classify(1, []float64{1}) != -1 {
		t.Errorf("Classify with one limit is not -1")
	}
	if got := Classify(3, []float64{3, 3}); got != 0 {
		t.Errorf("Classify on a one-value class = %d", got)
	}
}

func TestParseMethod(t *testing.T) {
	for _, m := range []Method{Jenks, Quantile, EqualInterval} {
		if got, ok := ParseMethod(m.String()); !ok || got != m {
			t.Errorf("ParseMethod(%q) = %v, %v", m.String(), got, ok)
		}
	}
	if _, ok := ParseMethod("kmeans"); ok {
		t.Errorf("ParseMethod accepted kmeans")
	}
}

// BenchmarkJenks measures Jenks on 2,500 distinct values (municipalities).
func BenchmarkJenks(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	xs := make([]float64, 2500)
	for i := range xs {
		xs[i] = r.ExpFloat64() * 30
	}
	for b.Loop() {
		Breaks(xs, 7, Jenks)
	}
}
