package chart

import (
	"math"
	"slices"
)

// Method is a way to divide values into classes for a choropleth legend.
type Method int

const (
	// Jenks is Fisher–Jenks natural breaks: the classes that minimise the
	// sum of squared deviations from the class means, found exactly by
	// dynamic programming (Fisher 1958; Jenks 1977).
	Jenks Method = iota
	// Quantile puts about the same number of values in each class, with
	// breaks at the sample quantiles (linear interpolation between order
	// statistics, R's type 7).
	Quantile
	// EqualInterval divides the range from the least to the greatest value
	// into classes of equal width.
	EqualInterval
)

// String returns the method's name as used in URLs: "jenks", "quantile" or
// "equal".
func (m Method) String() string {
	switch m {
	case Jenks:
		return "jenks"
	case Quantile:
		return "quantile"
	case EqualInterval:
		return "equal"
	}
	return "unknown"
}

// ParseMethod returns the Method named s (as written by String) and
// whether s named one.
func ParseMethod(s string) (Method, bool) {
	for _, m := range []Method{Jenks, Quantile, EqualInterval} {
		if m.String() == s {
			return m, true
		}
	}
	return Jenks, false
}

// Breaks divides values into at most k classes by method and returns the
// class limits in ascending order: the least value, then the upper limit of
// each class, so that len(result)-1 is the number of classes. Class 0 holds
// the values from result[0] to result[1] inclusive, and class i > 0 those
// above result[i] up to result[i+1] inclusive (see Classify).
//
// NaN and infinite values are no-data and are ignored. With no finite
// values Breaks returns nil; when all values are equal it returns that
// value twice (one class). There are never more classes than distinct
// values: with fewer distinct values than k, Jenks puts each in a class of
// its own, and Quantile merges classes whose limits coincide. A k below 1
// is taken as 1.
//
// Jenks is exact and runs in O(k·m·log m) time and O(k·m) memory for m
// distinct values: a few milliseconds for Mexico's 2,475 municipalities.
func Breaks(values []float64, k int, method Method) []float64 {
	xs := make([]float64, 0, len(values))
	for _, v := range values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			xs = append(xs, v)
		}
	}
	if len(xs) == 0 {
		return nil
	}
	slices.Sort(xs)
	lo, hi := xs[0], xs[len(xs)-1]
	if lo == hi {
		return []float64{lo, hi}
	}
	k = max(k, 1)
	switch method {
	case Quantile:
		b := []float64{lo}
		for i := 1; i <= k; i++ {
			q := quantile(xs, float64(i)/float64(k))
			if q > b[len(b)-1] {
				b = append(b, q)
			}
		}
		b[len(b)-1] = hi
		return b
	case EqualInterval:
		b := make([]float64, k+1)
		for i := range b {
			b[i] = lo + (hi-lo)*float64(i)/float64(k)
		}
		b[k] = hi
		return b
	default:
		return jenks(xs, k)
	}
}

// Classify returns the class of v under breaks as returned by Breaks: the
// first i with v ≤ breaks[i+1], so that values below the first limit fall
// in class 0 and values above the last in the last class. It returns -1
// for NaN or infinite v and when breaks has fewer than two limits.
func Classify(v float64, breaks []float64) int {
	if len(breaks) < 2 || math.IsNaN(v) || math.IsInf(v, 0) {
		return -1
	}
	for i := 1; i < len(breaks)-1; i++ {
		if v <= breaks[i] {
			return i - 1
		}
	}
	return len(breaks) - 2
}

// quantile returns the p-quantile of sorted xs by linear interpolation
// between order statistics (Hyndman and Fan's type 7).
func quantile(xs []float64, p float64) float64 {
	h := p * float64(len(xs)-1)
	i := int(math.Floor(h))
	if i >= len(xs)-1 {
		return xs[len(xs)-1]
	}
	return xs[i] + (h-float64(i))*(xs[i+1]-xs[i])
}

// jenks returns Fisher–Jenks breaks of sorted xs (at least two distinct
// values) in k classes. It works on the distinct values weighted by their
// counts, so that equal values always share a class.
func jenks(xs []float64, k int) []float64 {
	var u, wt []float64
	for _, x := range xs {
		if n := len(u); n > 0 && u[n-1] == x {
			wt[n-1]++
			continue
		}
		u = append(u, x)
		wt = append(wt, 1)
	}
	m := len(u)
	k = min(k, m)
	// Prefix sums of weight, sum and sum of squares, centred on the mean
	// to keep the differences accurate.
	var mean float64
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	W := make([]float64, m+1)
	S := make([]float64, m+1)
	Q := make([]float64, m+1)
	for i := range m {
		d := u[i] - mean
		W[i+1] = W[i] + wt[i]
		S[i+1] = S[i] + wt[i]*d
		Q[i+1] = Q[i] + wt[i]*d*d
	}
	// ssd is the sum of squared deviations of distinct values [i, j).
	ssd := func(i, j int) float64 {
		s := S[j] - S[i]
		return max(0, Q[j]-Q[i]-s*s/(W[j]-W[i]))
	}
	// cost[c][j] is the least total of c+1 classes over the first j
	// distinct values; from[c][j] is where the last of them starts.
	cost := make([][]float64, k)
	from := make([][]int, k)
	for c := range k {
		cost[c] = make([]float64, m+1)
		from[c] = make([]int, m+1)
	}
	for j := 1; j <= m; j++ {
		cost[0][j] = ssd(0, j)
	}
	// The best start of the last class never moves left as the classes
	// take in more values (the sum of squared deviations satisfies the
	// quadrangle inequality; Wang and Song 2011), so each row is filled by
	// divide and conquer: the middle cell by a full scan of its window,
	// then each half within the windows that cell's answer leaves.
	var fill func(c, jlo, jhi, ilo, ihi int)
	fill = func(c, jlo, jhi, ilo, ihi int) {
		if jlo > jhi {
			return
		}
		j := (jlo + jhi) / 2
		best, arg := math.Inf(1), ilo
		for i := ilo; i <= min(ihi, j-1); i++ {
			if v := cost[c-1][i] + ssd(i, j); v < best {
				best, arg = v, i
			}
		}
		cost[c][j], from[c][j] = best, arg
		fill(c, jlo, j-1, ilo, arg)
		fill(c, j+1, jhi, arg, ihi)
	}
	for c := 1; c < k; c++ {
		fill(c, c+1, m, c, m-1)
	}
	b := make([]float64, k+1)
	b[0] = u[0]
	j := m
	for c := k - 1; c >= 0; c-- {
		b[c+1] = u[j-1]
		j = from[c][j]
	}
	return b
}
