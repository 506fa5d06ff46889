package compstat

import (
	"math"

	"github.com/oas-atalaya/atalaya"
)

// STLOptions are the parameters of STL, named as in R's stats::stl. Start
// from DefaultSTLOptions, which sets R's defaults; a zero window, jump or
// loop count means R's default for it.
type STLOptions struct {
	// SWindow is the span in lags of the loess window for the seasonal
	// extraction, odd and at least 7; 0 means "periodic": the seasonal
	// component is the same every cycle (R's s.window = "periodic").
	SWindow int
	SDegree int // degree of the seasonal loess, 0 or 1 (R: 0; periodic forces 0)
	TWindow int // trend window; 0: nextodd(ceil(1.5·period / (1 − 1.5/SWindow)))
	TDegree int // degree of the trend loess, 0 or 1 (R: 1)
	LWindow int // low-pass window; 0: nextodd(period)
	LDegree int // degree of the low-pass loess, 0 or 1 (R: TDegree)
	SJump   int // 0: ceil(SWindow/10)
	TJump   int // 0: ceil(TWindow/10)
	LJump   int // 0: ceil(LWindow/10)
	// Robust sets R's robust defaults: Inner 1 and Outer 15 instead of 2
	// and 0. With Outer > 0 outliers are downweighted (bisquare weights of
	// the remainder) whether or not Robust is set, as in R.
	Robust bool
	Inner  int // inner loop passes; 0: 2, or 1 when Robust
	Outer  int // robustness iterations; 0: none, or 15 when Robust
}

// DefaultSTLOptions returns R's defaults for stl(x, s.window = sWindow),
// where sWindow 0 stands for s.window = "periodic".
func DefaultSTLOptions(sWindow int) STLOptions {
	return STLOptions{SWindow: sWindow, SDegree: 0, TDegree: 1, LDegree: 1}
}

// Decomposition is an additive decomposition y = Seasonal + Trend +
// Remainder. Weights are the final robustness weights (all 1 when the fit
// is not robust).
type Decomposition struct {
	Seasonal, Trend, Remainder, Weights []float64
	Options                             STLOptions // with every default filled in
}

// STL decomposes y, a series with the given period (12 for months), into
// seasonal, trend and remainder components by the method of Cleveland,
// Cleveland, McRae and Terpenning (1990), "STL: a seasonal-trend
// decomposition procedure based on loess", J. Official Statistics 6:3–73.
// It is a line-by-line port of the Fortran (stl.f) that R's stats::stl
// calls, with R's defaults and its final step for a periodic window
// (averaging the seasonal component over each position in the cycle), so
// that the results match R to rounding.
//
// y must be finite and longer than two periods, and the period at least 2;
// otherwise the error has code EINVALID.
func STL(y []float64, period int, opt STLOptions) (Decomposition, error) {
	n := len(y)
	if period < 2 {
		return Decomposition{}, atalaya.Errorf(atalaya.EINVALID, "STL needs a period of at least 2 (got %d)", period)
	}
	if n <= 2*period {
		return Decomposition{}, atalaya.Errorf(atalaya.EINVALID, "STL needs more than two periods of data (%d points for period %d)", n, period)
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Decomposition{}, atalaya.Errorf(atalaya.EINVALID, "STL needs finite values (point %d is %g)", i+1, v)
		}
	}
	o, err := stlDefaults(opt, n, period)
	if err != nil {
		return Decomposition{}, err
	}
	rw := make([]float64, n)
	season := make([]float64, n)
	trend := make([]float64, n)
	stlFortran(y, period, o, rw, season, trend)
	if opt.SWindow == 0 { // periodic: make the seasonal exactly periodic
		for j := 0; j < period; j++ {
			s, k := 0.0, 0
			for i := j; i < n; i += period {
				s += season[i]
				k++
			}
			for i := j; i < n; i += period {
				season[i] = s / float64(k)
			}
		}
	}
	rem := make([]float64, n)
	for i := range y {
		rem[i] = y[i] - season[i] - trend[i]
		if !isFinite(rem[i]) || !isFinite(season[i]) || !isFinite(trend[i]) || !isFinite(rw[i]) {
			return Decomposition{}, atalaya.Errorf(atalaya.EINVALID, "STL cannot decompose values this large (the components overflow)")
		}
	}
	return Decomposition{Seasonal: season, Trend: trend, Remainder: rem, Weights: rw, Options: o}, nil
}

// stlDefaults fills in R's defaults and checks the options.
func stlDefaults(o STLOptions, n, period int) (STLOptions, error) {
	if o.SWindow < 0 || o.TWindow < 0 || o.LWindow < 0 || o.SJump < 0 || o.TJump < 0 || o.LJump < 0 || o.Inner < 0 || o.Outer < 0 {
		return o, atalaya.Errorf(atalaya.EINVALID, "STL windows, jumps and loop counts must not be negative")
	}
	for _, d := range []int{o.SDegree, o.TDegree, o.LDegree} {
		if d != 0 && d != 1 {
			return o, atalaya.Errorf(atalaya.EINVALID, "STL loess degrees must be 0 or 1 (got %d)", d)
		}
	}
	if o.SWindow == 0 {
		o.SWindow = 10*n + 1
		o.SDegree = 0
	}
	if o.TWindow == 0 {
		o.TWindow = nextOdd(math.Ceil(1.5 * float64(period) / (1 - 1.5/float64(o.SWindow))))
	}
	if o.LWindow == 0 {
		o.LWindow = nextOdd(float64(period))
	}
	ceil10 := func(w int) int { return int(math.Ceil(float64(w) / 10)) }
	if o.SJump == 0 {
		o.SJump = ceil10(o.SWindow)
	}
	if o.TJump == 0 {
		o.TJump = ceil10(o.TWindow)
	}
	if o.LJump == 0 {
		o.LJump = ceil10(o.LWindow)
	}
	if o.Inner == 0 {
		o.Inner = 2
		if o.Robust {
			o.Inner = 1
		}
	}
	if o.Robust && o.Outer == 0 {
		o.Outer = 15
	}
	return o, nil
}

// nextOdd rounds x (half to even, as R's round) and adds one if even.
func nextOdd(x float64) int {
	r := int(math.RoundToEven(x))
	if r%2 == 0 {
		r++
	}
	return r
}

// stlFortran is subroutine stl of stl.f. Windows are made odd and at least
// 3 there, as in the Fortran.
func stlFortran(y []float64, np int, o STLOptions, rw, season, trend []float64) {
	n := len(y)
	odd3 := func(w int) int {
		w = max(3, w)
		if w%2 == 0 {
			w++
		}
		return w
	}
	ns, nt, nl := odd3(o.SWindow), odd3(o.TWindow), odd3(o.LWindow)
	np = max(2, np)
	work := make([][]float64, 5)
	for i := range work {
		work[i] = make([]float64, n+2*np)
	}
	userw := false
	for k := 0; ; k++ {
		stlstp(y, np, ns, nt, nl, o, userw, rw, season, trend, work)
		if k+1 > o.Outer {
			break
		}
		for i := 0; i < n; i++ {
			work[0][i] = trend[i] + season[i]
		}
		stlrwt(y, work[0][:n], rw)
		userw = true
	}
	if o.Outer <= 0 {
		for i := range rw {
			rw[i] = 1
		}
	}
}

// stlstp is the inner loop: seasonal smoothing of the cycle-subseries,
// low-pass filtering, and trend smoothing.
func stlstp(y []float64, np, ns, nt, nl int, o STLOptions, userw bool, rw, season, trend []float64, work [][]float64) {
	n := len(y)
	for j := 0; j < o.Inner; j++ {
		for i := 0; i < n; i++ {
			work[0][i] = y[i] - trend[i]
		}
		stlss(work[0][:n], np, ns, o.SDegree, o.SJump, userw, rw, work[1], work[2], work[3], work[4], season)
		stlfts(work[1][:n+2*np], np, work[2], work[0])
		stless(work[2][:n], nl, o.LDegree, o.LJump, false, work[3], work[0], work[4])
		for i := 0; i < n; i++ {
			season[i] = work[1][np+i] - work[0][i]
		}
		for i := 0; i < n; i++ {
			work[0][i] = y[i] - season[i]
		}
		stless(work[0][:n], nt, o.TDegree, o.TJump, userw, rw, trend, work[2])
	}
}

// stlrwt sets the bisquare robustness weights from the residuals.
func stlrwt(y, fit, rw []float64) {
	n := len(y)
	r := make([]float64, n)
	for i := range y {
		r[i] = math.Abs(y[i] - fit[i])
	}
	m1 := n/2 + 1 // 1-based, as in the Fortran
	m2 := n - m1 + 1
	sorted := append([]float64(nil), r...)
	psort(sorted, []int{m1, m2})
	cmad := 3 * (sorted[m1-1] + sorted[m2-1])
	c9, c1 := 0.999*cmad, 0.001*cmad
	for i := range y {
		switch {
		case r[i] <= c1:
			rw[i] = 1
		case r[i] <= c9:
			u := r[i] / cmad
			rw[i] = (1 - u*u) * (1 - u*u)
		default:
			rw[i] = 0
		}
	}
}

// stlss smooths each cycle-subseries and extends it by one point at each
// end; season receives n+2·np values.
func stlss(y []float64, np, ns, isdeg, nsjump int, userw bool, rw, season, work1, work2, work3, work4 []float64) {
	n := len(y)
	for j := 0; j < np; j++ {
		k := (n-j-1)/np + 1
		for i := 0; i < k; i++ {
			work1[i] = y[i*np+j]
		}
		if userw {
			for i := 0; i < k; i++ {
				work3[i] = rw[i*np+j]
			}
		}
		stless(work1[:k], ns, isdeg, nsjump, userw, work3, work2[1:], work4)
		nright := min(ns, k)
		if v, ok := stlest(work1[:k], ns, isdeg, 0, 1, nright, work4, userw, work3); ok {
			work2[0] = v
		} else {
			work2[0] = work2[1]
		}
		nleft := max(1, k-ns+1)
		if v, ok := stlest(work1[:k], ns, isdeg, float64(k+1), nleft, k, work4, userw, work3); ok {
			work2[k+1] = v
		} else {
			work2[k+1] = work2[k]
		}
		for m := 0; m < k+2; m++ {
			season[m*np+j] = work2[m]
		}
	}
}

// stlfts is the low-pass filter: moving averages of lengths np, np and 3.
// x has n+2·np values and trend receives n.
func stlfts(x []float64, np int, trend, work []float64) {
	n := len(x)
	stlma(x, np, trend)
	stlma(trend[:n-np+1], np, work)
	stlma(work[:n-2*np+2], 3, trend)
}

// stlma is a moving average of length l by a running sum, as in the
// Fortran.
func stlma(x []float64, l int, ave []float64) {
	newn := len(x) - l + 1
	fl := float64(l)
	v := 0.0
	for i := 0; i < l; i++ {
		v += x[i]
	}
	ave[0] = v / fl
	for j, k, m := 1, l, 0; j < newn; j, k, m = j+1, k+1, m+1 {
		v = v - x[m] + x[k]
		ave[j] = v / fl
	}
}

// stless is loess smoothing of y (at the points 1..n) with a window of
// length span and degree ideg, evaluated every njump points and linearly
// interpolated in between; ys receives n values.
func stless(y []float64, span, ideg, njump int, userw bool, rw, ys, res []float64) {
	n := len(y)
	if n < 2 {
		ys[0] = y[0]
		return
	}
	newnj := min(njump, n-1)
	fit := func(i, nleft, nright int) {
		if v, ok := stlest(y, span, ideg, float64(i), nleft, nright, res, userw, rw); ok {
			ys[i-1] = v
		} else {
			ys[i-1] = y[i-1]
		}
	}
	var nleft, nright int
	switch {
	case span >= n:
		nleft, nright = 1, n
		for i := 1; i <= n; i += newnj {
			fit(i, nleft, nright)
		}
	case newnj == 1:
		nsh := (span + 1) / 2
		nleft, nright = 1, span
		for i := 1; i <= n; i++ {
			if i > nsh && nright != n {
				nleft++
				nright++
			}
			fit(i, nleft, nright)
		}
	default:
		nsh := (span + 1) / 2
		for i := 1; i <= n; i += newnj {
			switch {
			case i < nsh:
				nleft, nright = 1, span
			case i >= n-nsh+1:
				nleft, nright = n-span+1, n
			default:
				nleft, nright = i-nsh+1, span+i-nsh
			}
			fit(i, nleft, nright)
		}
	}
	if newnj == 1 {
		return
	}
	for i := 1; i <= n-newnj; i += newnj {
		delta := (ys[i+newnj-1] - ys[i-1]) / float64(newnj)
		for j := i + 1; j <= i+newnj-1; j++ {
			ys[j-1] = ys[i-1] + delta*float64(j-i)
		}
	}
	k := ((n-1)/newnj)*newnj + 1
	if k != n {
		fit(n, nleft, nright)
		if k != n-1 {
			delta := (ys[n-1] - ys[k-1]) / float64(n-k)
			for j := k + 1; j <= n-1; j++ {
				ys[j-1] = ys[k-1] + delta*float64(j-k)
			}
		}
	}
}

// stlest is the loess fit at xs (1-based) from the points nleft..nright
// with tricube weights, times the robustness weights when userw; w is
// scratch. ok is false when every weight is zero.
func stlest(y []float64, span, ideg int, xs float64, nleft, nright int, w []float64, userw bool, rw []float64) (ys float64, ok bool) {
	n := len(y)
	rng := float64(n) - 1
	h := math.Max(xs-float64(nleft), float64(nright)-xs)
	if span > n {
		h += float64((span - n) / 2)
	}
	h9, h1 := 0.999*h, 0.001*h
	a := 0.0
	for j := nleft; j <= nright; j++ {
		w[j-1] = 0
		r := math.Abs(float64(j) - xs)
		if r <= h9 {
			if r <= h1 {
				w[j-1] = 1
			} else {
				u := r / h
				u = 1 - u*u*u
				w[j-1] = u * u * u
			}
			if userw {
				w[j-1] *= rw[j-1]
			}
			a += w[j-1]
		}
	}
	if a <= 0 {
		return 0, false
	}
	for j := nleft; j <= nright; j++ {
		w[j-1] /= a
	}
	if h > 0 && ideg > 0 {
		a = 0
		for j := nleft; j <= nright; j++ {
			a += w[j-1] * float64(j)
		}
		b := xs - a
		c := 0.0
		for j := nleft; j <= nright; j++ {
			d := float64(j) - a
			c += w[j-1] * d * d
		}
		if math.Sqrt(c) > 0.001*rng {
			b /= c
			for j := nleft; j <= nright; j++ {
				w[j-1] *= b*(float64(j)-a) + 1
			}
		}
	}
	for j := nleft; j <= nright; j++ {
		ys += w[j-1] * y[j-1]
	}
	return ys, true
}

// isFinite reports whether v is neither NaN nor infinite.
func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
