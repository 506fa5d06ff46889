package stats

import "math"

// This file holds the regularised incomplete beta function and its inverse,
// behind the Clopper–Pearson interval and the exact rate-ratio interval.

// betaInv solves I_x(a,b) = p, where I is the regularised incomplete beta
// function, and returns the root x together with y = 1 − x. q = 1 − p is
// passed separately so that an upper-tail probability keeps its precision.
// The root is computed directly when it is at most ½, and otherwise through
// the symmetry I_x(a,b) = 1 − I_(1−x)(b,a) as y, so that both x and y
// carry full relative precision: a rate ratio needs x/y.
func betaInv(a, b, p, q float64) (x, y float64) {
	switch {
	case p <= 0:
		return 0, 1
	case q <= 0:
		return 1, 0
	}
	if half, _ := betaPQ(a, b, 0.5, 0.5); p <= half {
		x = betaInvLow(a, b, p, q)
		return x, 1 - x
	}
	y = betaInvLow(b, a, q, p)
	return 1 - y, y
}

// betaInvLow solves I_x(a,b) = p for a root known to lie in (0, ½]; see
// betaInv.
func betaInvLow(a, b, p, q float64) float64 {
	lower := p <= q
	target := math.Min(p, q)
	eval := func(x float64) (r, step float64) {
		y := 1 - x
		P, Q := betaPQ(a, b, x, y)
		got := P
		if !lower {
			got = Q
		}
		d := betaTerm(a, b, x, y) / (x * y) // the density x^(a−1)y^(b−1)/B(a,b)
		if target < 1e-3 {
			// Newton's method on ln P (or ln Q); see gammaInv.
			r = math.Log(got / target)
			if !lower {
				r = -r
			}
			return r, r * got / d
		}
		if lower {
			r = P - p
		} else {
			r = q - Q
		}
		t := r / d
		// Halley: the density's log-derivative is (a−1)/x − (b−1)/y.
		if h := 1 - 0.5*t*((a-1)/x-(b-1)/y); h > 0.5 && h < 2 {
			t /= h
		}
		return r, t
	}
	x := betaStart(a, b, p, q)
	if x == 0 {
		return 0 // below the smallest positive float64
	}
	return solve(x, 0, 0.5, eval)
}

// betaStart returns a starting point for the inverse, after Numerical
// Recipes' invbetai (3rd ed., §6.14): a normal approximation for a, b ≥ 1
// (Abramowitz and Stegun 26.5.22), and the leading terms of both tails
// otherwise.
func betaStart(a, b, p, q float64) float64 {
	if a >= 1 && b >= 1 {
		var z float64
		if p <= q {
			z = normalQuantile(p)
		} else {
			z = -normalQuantile(q)
		}
		al := (z*z - 3) / 6
		h := 2 / (1/(2*a-1) + 1/(2*b-1))
		w := z*math.Sqrt(al+h)/h - (1/(2*b-1)-1/(2*a-1))*(al+5.0/6-2/(3*h))
		return a / (a + b*math.Exp(2*w))
	}
	lna := math.Log(a / (a + b))
	lnb := math.Log(b / (a + b))
	t := math.Exp(a*lna) / a
	u := math.Exp(b*lnb) / b
	w := t + u
	if p < t/w {
		return math.Pow(a*w*p, 1/a)
	}
	return 1 - math.Pow(b*w*q, 1/b)
}

// betaPQ returns the regularised incomplete beta function I_x(a,b) and
// 1 − I_x(a,b), with y = 1 − x given separately, each computed directly
// where the continued fraction converges (Numerical Recipes, 3rd ed., §6.4).
func betaPQ(a, b, x, y float64) (p, q float64) {
	switch {
	case x <= 0:
		return 0, 1
	case y <= 0:
		return 1, 0
	}
	bt := betaTerm(a, b, x, y)
	if x < (a+1)/(a+b+2) {
		p = bt * betaFraction(a, b, x) / a
		return p, 1 - p
	}
	q = bt * betaFraction(b, a, y) / b
	return 1 - q, q
}

// betaFraction returns the continued fraction of I_x(a,b), evaluated by the
// modified Lentz method; it converges for x < (a+1)/(a+b+2) in O(√max(a,b))
// steps.
func betaFraction(a, b, x float64) float64 {
	const tiny = 1e-300
	guard := func(v float64) float64 {
		if math.Abs(v) < tiny {
			return tiny
		}
		return v
	}
	c := 1.0
	d := 1 / guard(1-(a+b)*x/(a+1))
	h := d
	for m := 1; m < maxTerms; m++ {
		fm := float64(m)
		num := fm * (b - fm) * x / ((a + 2*fm - 1) * (a + 2*fm))
		d = 1 / guard(1+num*d)
		c = guard(1 + num/c)
		h *= d * c
		num = -(a + fm) * (a + b + fm) * x / ((a + 2*fm) * (a + 2*fm + 1))
		d = 1 / guard(1+num*d)
		c = guard(1 + num/c)
		del := d * c
		h *= del
		if math.Abs(del-1) < 0x1p-53 {
			break
		}
	}
	return h
}

// betaTerm returns xᵃyᵇ/B(a,b) with y = 1 − x. For a, b ≥ 1 it uses the
// saddle-point form of Loader (2000), with n = a + b,
//
//	(ab/n) √(n/(2πab)) exp(stirlerr(n) − stirlerr(a) − stirlerr(b) − bd0(a, nx) − bd0(b, ny)),
//
// which keeps full precision when a and b are large.
func betaTerm(a, b, x, y float64) float64 {
	if a < 1 || b < 1 {
		return math.Exp(a*math.Log(x) + b*math.Log(y) - lgamma(a) - lgamma(b) + lgamma(a+b))
	}
	n := a + b
	e := stirlerr(n) - stirlerr(a) - stirlerr(b) - bd0(a, n*x) - bd0(b, n*y)
	return a * b / n * math.Sqrt(n/(2*math.Pi*a*b)) * math.Exp(e)
}
