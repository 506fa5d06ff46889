package stats

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// This file holds the binomial probabilities behind the exact test, written
// as R's nmath computes them so that ties between probabilities are broken
// the same way as in binom.test: dbinom by Loader's saddle-point expansion
// (stirlerr and bd0), pbinom through the regularised incomplete beta.

// dbinom returns P(X = x) for X ~ Bin(n, p), with q = 1 − p passed
// separately so that it keeps full precision.
func dbinom(x, n int, p, q float64) float64 {
	switch {
	case x < 0 || x > n:
		return 0
	case p == 0:
		if x == 0 {
			return 1
		}
		return 0
	case q == 0:
		if x == n {
			return 1
		}
		return 0
	}
	fx, fn := float64(x), float64(n)
	if x == 0 {
		if n == 0 {
			return 1
		}
		if p < 0.1 {
			return math.Exp(-bd0(fn, fn*q) - fn*p)
		}
		return math.Exp(fn * math.Log(q))
	}
	if x == n {
		if q < 0.1 {
			return math.Exp(-bd0(fn, fn*p) - fn*q)
		}
		return math.Exp(fn * math.Log(p))
	}
	lc := stirlerr(fn) - stirlerr(fx) - stirlerr(fn-fx) - bd0(fx, fn*p) - bd0(fn-fx, fn*q)
	lf := math.Log(2*math.Pi) + math.Log(fx) + math.Log1p(-fx/fn)
	return math.Exp(lc - 0.5*lf)
}

// pbinomLower returns P(X ≤ x) for X ~ Bin(n, p).
func pbinomLower(x, n int, p, q float64) float64 {
	switch {
	case x < 0:
		return 0
	case x >= n:
		return 1
	}
	return mathext.RegIncBeta(float64(n-x), float64(x+1), q)
}

// pbinomUpper returns P(X > x) for X ~ Bin(n, p).
func pbinomUpper(x, n int, p, q float64) float64 {
	switch {
	case x < 0:
		return 1
	case x >= n:
		return 0
	}
	return mathext.RegIncBeta(float64(x+1), float64(n-x), p)
}

// BinomTestP returns the exact two-sided p-value of binom.test(x, n, p):
// the probability of every outcome no more likely than x, where "no more
// likely" allows R's relative tolerance of 1e-7.
func BinomTestP(x, n int, p, q float64) float64 {
	const relErr = 1 + 1e-7
	d := dbinom(x, n, p, q)
	m := float64(n) * p
	fx := float64(x)
	var pv float64
	switch {
	case fx == m:
		return 1
	case fx < m:
		// Outcomes above the mean are counted from the top: dbinom is
		// non-increasing from ceil(m) to n, so the ones at most d form a
		// tail, found by bisection.
		lo := int(math.Ceil(m))
		first := firstAtMost(lo, n, func(i int) bool { return dbinom(i, n, p, q) <= d*relErr })
		y := n - first + 1
		pv = pbinomLower(x, n, p, q) + pbinomUpper(n-y, n, p, q)
	default:
		// dbinom is non-decreasing from 0 to floor(m).
		hi := int(math.Floor(m))
		first := firstAtMost(0, hi, func(i int) bool { return dbinom(i, n, p, q) > d*relErr })
		y := first // outcomes 0..first-1 are at most d
		pv = pbinomLower(y-1, n, p, q) + pbinomUpper(x-1, n, p, q)
	}
	return math.Min(1, pv)
}

// firstAtMost returns the smallest i in [lo, hi] for which ok(i) is true,
// where ok is false and then true over the range, or hi+1 when it is never
// true.
func firstAtMost(lo, hi int, ok func(int) bool) int {
	a, b := lo, hi+1
	for a < b {
		mid := a + (b-a)/2
		if ok(mid) {
			b = mid
		} else {
			a = mid + 1
		}
	}
	return a
}
