// Package stats is the numeric core of Atalaya's indicators: rates per
// population, their exact confidence intervals, and directly age-standardised
// rates.
//
// A rate is Σ numerators ÷ Σ denominators × a base such as 100,000 (Rate);
// its interval treats the count as Poisson and uses the exact interval of
// Garwood (1936) (PoissonCI, RateCI). Standardised rates follow the direct
// method with the gamma interval of Fay and Feuer (1997), as R's
// epitools::ageadjust.direct computes it (DirectStandardised), against a
// standard population such as WHO's World Standard (2000–2025) or Segi's
// 1960 world standard (WHO2000, Segi1960). Two rates are compared by their
// ratio with the exact conditional interval (RateRatio), and proportions by
// the Clopper–Pearson interval (ClopperPearson).
//
// The gamma and beta quantiles behind these intervals are computed here from
// the regularised incomplete gamma and beta functions, with the standard
// library only; testdata/make_golden.py checks them against SciPy.
//
// Functions that return ok report false, and functions that return an error
// report an error, for inputs on which the quantity is undefined, such as a
// zero denominator; none of them panics.
package stats

import "math"

// Rate returns count ÷ denominator × per, for example homicides per 100,000
// inhabitants with per = 1e5. ok is false, and rate is NaN, when the
// denominator is not positive or the count is negative: a rate over no
// population is undefined, not zero.
func Rate(count, denominator int64, per float64) (rate float64, ok bool) {
	if denominator <= 0 || count < 0 {
		return nan, false
	}
	return float64(count) / float64(denominator) * per, true
}

// PoissonCI returns the exact two-sided confidence interval at the given
// level (0.95 for 95 %) for the mean of a Poisson variable observed as k,
// after Garwood (1936):
//
//	lo = χ²(α/2; 2k)/2    (0 when k = 0)
//	hi = χ²(1−α/2; 2k+2)/2
//
// with α = 1 − level. Each bound is computed as the equivalent gamma
// quantile (shape k, resp. k+1), so that no precision is lost in halving.
// The interval is conservative: it covers the true mean with probability at
// least level. It returns NaN, NaN for a negative k or a level outside
// (0, 1).
func PoissonCI(k int64, level float64) (lo, hi float64) {
	if k < 0 || !validLevel(level) {
		return nan, nan
	}
	a := tails(level)
	if k > 0 {
		lo = gammaInv(float64(k), a, 1-a)
	}
	hi = gammaInv(float64(k)+1, 1-a, a)
	return lo, hi
}

// RateCI returns the rate k ÷ den × per and its exact Poisson interval at
// the given level: PoissonCI(k, level) scaled by per ÷ den. The denominator
// is taken as known without error, as is usual for population estimates.
// ok is false, and all values are NaN, when den is not positive, k is
// negative or the level is outside (0, 1).
func RateCI(k, den int64, per, level float64) (rate, lo, hi float64, ok bool) {
	if den <= 0 || k < 0 || !validLevel(level) {
		return nan, nan, nan, false
	}
	lo, hi = PoissonCI(k, level)
	d := float64(den)
	return float64(k) / d * per, lo / d * per, hi / d * per, true
}

// ClopperPearson returns the exact two-sided confidence interval at the
// given level for a binomial proportion with k successes in n trials
// (Clopper and Pearson 1934):
//
//	lo = B⁻¹(α/2; k, n−k+1)      (0 when k = 0)
//	hi = B⁻¹(1−α/2; k+1, n−k)    (1 when k = n)
//
// where B⁻¹ is the beta quantile and α = 1 − level. Like the Poisson
// interval it is conservative. ok is false, and the bounds NaN, when n is
// not positive, k is outside [0, n] or the level is outside (0, 1).
func ClopperPearson(k, n int64, level float64) (lo, hi float64, ok bool) {
	if n <= 0 || k < 0 || k > n || !validLevel(level) {
		return nan, nan, false
	}
	a := tails(level)
	fk, fn := float64(k), float64(n)
	lo, hi = 0, 1
	if k > 0 {
		lo, _ = betaInv(fk, fn-fk+1, a, 1-a)
	}
	if k < n {
		hi, _ = betaInv(fk+1, fn-fk, 1-a, a)
	}
	return lo, hi, true
}

// RateRatio returns the ratio of two rates, (k1/den1) ÷ (k2/den2), and its
// exact confidence interval at the given level. Given k1 + k2, the count k1
// is binomial with proportion π = ρ·den1 / (ρ·den1 + den2), where ρ is the
// true ratio; the Clopper–Pearson interval (πL, πU) for π = k1/(k1+k2)
// becomes the interval for ρ through ρ = π/(1−π) · den2/den1. This is the
// conditional exact interval of R's poisson.test for two samples.
//
// When k1 = 0 the ratio and its lower bound are 0; when k2 = 0 the ratio
// and its upper bound are +Inf. ok is false, and all values NaN, when a
// denominator is not positive, a count is negative, both counts are zero
// (the ratio is then undefined) or the level is outside (0, 1).
func RateRatio(k1, den1, k2, den2 int64, level float64) (ratio, lo, hi float64, ok bool) {
	if den1 <= 0 || den2 <= 0 || k1 < 0 || k2 < 0 || k1 == 0 && k2 == 0 || !validLevel(level) {
		return nan, nan, nan, false
	}
	a := tails(level)
	f1, f2 := float64(k1), float64(k2)
	scale := float64(den2) / float64(den1)
	ratio = f1 / f2 * scale
	if k2 == 0 {
		ratio = math.Inf(1)
	}
	lo, hi = 0, math.Inf(1)
	if k1 > 0 {
		x, y := betaInv(f1, f2+1, a, 1-a)
		lo = x / y * scale
	}
	if k2 > 0 {
		x, y := betaInv(f1+1, f2, 1-a, a)
		hi = x / y * scale
	}
	return ratio, lo, hi, true
}

// validLevel reports whether level is a confidence level strictly between 0
// and 1.
func validLevel(level float64) bool {
	return level > 0 && level < 1
}

// tails returns the probability in each tail of a two-sided interval at the
// given confidence level.
func tails(level float64) float64 {
	return (1 - level) / 2
}

// nan is the value of every result that is undefined.
var nan = math.NaN()
