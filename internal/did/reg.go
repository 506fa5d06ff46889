package did

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/oas-atalaya/atalaya"
)

// twoByTwoReg is the outcome-regression 2×2 estimator with covariates
// (DRDID's reg_did_panel, R did's est_method = "reg"): the change of the
// outcome is regressed on the covariates (with an intercept) among the
// comparison units, and ATT(g,t) is the treated units' mean change minus
// their mean predicted change. Its influence function includes the
// estimation of the regression. Covariates come from the comparison's
// earlier period, as R did's panel2cs2.
func (gt *GroupTime) twoByTwoReg(p *panel, g, tt, pret int) ([]float64, float64, bool, error) {
	n := len(p.units)
	isControl := gt.controls(p, g, tt, pret)
	early := min(tt, pret)
	var sub []int
	var nt int
	for i, gi := range p.g {
		switch {
		case gi == g:
			nt++
		case isControl(gi):
		default:
			continue
		}
		sub = append(sub, i)
	}
	n1 := len(sub)
	nc := n1 - nt
	if nt == 0 || nc == 0 {
		return nil, 0, false, nil
	}
	k := len(p.x[0][0]) + 1
	xrow := func(i int) []float64 { return append([]float64{1}, p.x[i][early]...) }
	dy := func(i int) float64 { return p.y[i][tt] - p.y[i][pret] }
	xtx := mat.NewSymDense(k, nil)
	xty := mat.NewVecDense(k, nil)
	for _, i := range sub {
		if p.g[i] == g {
			continue
		}
		x := xrow(i)
		for a := 0; a < k; a++ {
			xty.SetVec(a, xty.AtVec(a)+x[a]*dy(i))
			for b := a; b < k; b++ {
				xtx.SetSym(a, b, xtx.At(a, b)+x[a]*x[b])
			}
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(xtx) || chol.Cond() > 1e12 {
		return nil, 0, false, atalaya.Errorf(atalaya.EINVALID, "group %d, period %d: the covariates are collinear among the %d comparison units", g, p.periods[tt], nc)
	}
	var beta mat.VecDense
	if err := chol.SolveVecTo(&beta, xty); err != nil {
		return nil, 0, false, atalaya.Errorf(atalaya.EINVALID, "group %d, period %d: the covariates are collinear among the comparison units", g, p.periods[tt])
	}
	fn1 := float64(n1)
	pt := float64(nt) / fn1
	out := make(map[int]float64, n1)
	var etaT, etaC float64
	m1 := make([]float64, k) // colMeans(D·x)
	for _, i := range sub {
		x := xrow(i)
		var o float64
		for a := 0; a < k; a++ {
			o += x[a] * beta.AtVec(a)
		}
		out[i] = o
		if p.g[i] == g {
			etaT += dy(i)
			etaC += o
			for a := 0; a < k; a++ {
				m1[a] += x[a] / fn1
			}
		}
	}
	etaT /= float64(nt)
	etaC /= float64(nt)
	// (X'WX/n1)⁻¹ M1, so that asy.lin.rep.ols %*% M1 is a dot product.
	var xm mat.VecDense
	if err := chol.SolveVecTo(&xm, mat.NewVecDense(k, m1)); err != nil {
		return nil, 0, false, atalaya.Errorf(atalaya.EINVALID, "group %d, period %d: the covariates are collinear among the comparison units", g, p.periods[tt])
	}
	xm.ScaleVec(fn1, &xm)
	inf := make([]float64, n)
	scale := float64(n) / fn1
	for _, i := range sub {
		var v float64
		if p.g[i] == g {
			v = (dy(i)-etaT)/pt - (out[i]-etaC)/pt
		} else {
			x := xrow(i)
			var lin float64
			for a := 0; a < k; a++ {
				lin += x[a] * xm.AtVec(a)
			}
			v = -(dy(i) - out[i]) * lin / pt
		}
		inf[i] = scale * v
	}
	return inf, etaT - etaC, true, nil
}

// twoByTwoDR is the locally efficient doubly robust 2×2 estimator with
// covariates (Sant'Anna & Zhao 2020; DRDID's drdid_panel, R did's default
// est_method = "dr"): a logit propensity score for being in group g
// rather than a comparison unit, the outcome regression of twoByTwoReg,
// comparison units with a score of 0.995 or more trimmed, and the
// influence function with the estimation effects of both models.
func (gt *GroupTime) twoByTwoDR(p *panel, g, tt, pret int) ([]float64, float64, bool, error) {
	return gt.twoByTwoPS(p, g, tt, pret, true)
}

// twoByTwoIPW is the standardised inverse-probability-weighted 2×2
// estimator (Abadie 2005; DRDID's std_ipw_did_panel, R did's est_method =
// "ipw"): twoByTwoDR without the outcome regression.
func (gt *GroupTime) twoByTwoIPW(p *panel, g, tt, pret int) ([]float64, float64, bool, error) {
	return gt.twoByTwoPS(p, g, tt, pret, false)
}

// twoByTwoPS is the propensity-score estimator, doubly robust when withOR.
func (gt *GroupTime) twoByTwoPS(p *panel, g, tt, pret int, withOR bool) ([]float64, float64, bool, error) {
	n := len(p.units)
	isControl := gt.controls(p, g, tt, pret)
	early := min(tt, pret)
	var sub []int
	var nt int
	for i, gi := range p.g {
		switch {
		case gi == g:
			nt++
		case isControl(gi):
		default:
			continue
		}
		sub = append(sub, i)
	}
	n1 := len(sub)
	if nt == 0 || nt == n1 {
		return nil, 0, false, nil
	}
	k := len(p.x[0][0]) + 1
	fail := func(what string) error {
		return atalaya.Errorf(atalaya.EINVALID, "group %d, period %d: the %s cannot be estimated; the covariates are collinear or do not vary", g, p.periods[tt], what)
	}
	x := mat.NewDense(n1, k, nil)
	d := make([]float64, n1)
	dy := make([]float64, n1)
	for r, i := range sub {
		x.Set(r, 0, 1)
		for c, v := range p.x[i][early] {
			x.Set(r, c+1, v)
		}
		if p.g[i] == g {
			d[r] = 1
		}
		dy[r] = p.y[i][tt] - p.y[i][pret]
	}
	ps, hess, ok := logit(x, d)
	if !ok {
		return nil, 0, false, fail("propensity score")
	}
	// Outcome regression on the comparison units.
	xty := mat.NewVecDense(k, nil)
	xtxd := mat.NewSymDense(k, nil)
	for r := 0; r < n1; r++ {
		if d[r] == 1 {
			continue
		}
		for a := 0; a < k; a++ {
			xty.SetVec(a, xty.AtVec(a)+x.At(r, a)*dy[r])
			for b := a; b < k; b++ {
				xtxd.SetSym(a, b, xtxd.At(a, b)+x.At(r, a)*x.At(r, b))
			}
		}
	}
	var chol mat.Cholesky
	beta := mat.NewVecDense(k, nil) // zero: no regression for IPW
	if withOR {
		if !chol.Factorize(xtxd) || chol.Cond() > 1/2.220446049250313e-16 {
			return nil, 0, false, fail("outcome regression")
		}
		if err := chol.SolveVecTo(beta, xty); err != nil {
			return nil, 0, false, fail("outcome regression")
		}
	}
	fn1 := float64(n1)
	out := make([]float64, n1)
	wt := make([]float64, n1)
	wc := make([]float64, n1)
	var mwt, mwc, attT, attC float64
	for r := 0; r < n1; r++ {
		out[r] = mat.Dot(x.RowView(r), beta)
		pr := math.Min(ps[r], 1-1e-6)
		ps[r] = pr
		trim := 1.0
		if d[r] == 0 && pr >= 0.995 {
			trim = 0
		}
		wt[r] = trim * d[r]
		wc[r] = trim * pr * (1 - d[r]) / (1 - pr)
		mwt += wt[r] / fn1
		mwc += wc[r] / fn1
		attT += wt[r] * (dy[r] - out[r]) / fn1
		attC += wc[r] * (dy[r] - out[r]) / fn1
	}
	if mwt == 0 || mwc == 0 {
		return nil, 0, false, nil
	}
	etaT, etaC := attT/mwt, attC/mwc
	m1 := make([]float64, k)
	m2 := make([]float64, k)
	m3 := make([]float64, k)
	for r := 0; r < n1; r++ {
		for a := 0; a < k; a++ {
			xa := x.At(r, a)
			m1[a] += wt[r] * xa / fn1
			m2[a] += wc[r] * (dy[r] - out[r] - etaC) * xa / fn1
			m3[a] += wc[r] * xa / fn1
		}
	}
	// asy.lin.rep.wols %*% M = (1−D)(ΔY − out) x'(X'WX/n1)⁻¹M
	olsDir := func(m []float64) []float64 {
		var v mat.VecDense
		if err := chol.SolveVecTo(&v, mat.NewVecDense(k, m)); err != nil {
			return make([]float64, k)
		}
		v.ScaleVec(fn1, &v)
		return v.RawVector().Data
	}
	o1, o3 := make([]float64, k), make([]float64, k) // IPW: no regression effect
	if withOR {
		o1, o3 = olsDir(m1), olsDir(m3)
	}
	var h2 mat.VecDense // Hessian.ps %*% M2, Hessian.ps = n1 (X'WX)⁻¹
	h2.MulVec(hess, mat.NewVecDense(k, m2))
	h2.ScaleVec(fn1, &h2)
	inf := make([]float64, n)
	scale := float64(n) / fn1
	for r, i := range sub {
		row := x.RawRowView(r)
		var l1, l3, lps float64
		for a := 0; a < k; a++ {
			l1 += row[a] * o1[a]
			l3 += row[a] * o3[a]
			lps += row[a] * h2.AtVec(a)
		}
		res := (1 - d[r]) * (dy[r] - out[r])
		infT := (wt[r]*(dy[r]-out[r]) - wt[r]*etaT - res*l1) / mwt
		infC := (wc[r]*(dy[r]-out[r]) - wc[r]*etaC + (d[r]-ps[r])*lps - res*l3) / mwc
		inf[i] = scale * (infT - infC)
	}
	return inf, etaT - etaC, true, nil
}

// logit fits a logistic regression of d on x by Newton–Raphson (IRLS)
// and returns the fitted probabilities and (X'WX)⁻¹ at the optimum, W =
// p(1−p). It fails on a singular X'WX or no convergence in 100 steps.
func logit(x *mat.Dense, d []float64) ([]float64, *mat.SymDense, bool) {
	n, k := x.Dims()
	beta := mat.NewVecDense(k, nil)
	p := make([]float64, n)
	var inv mat.SymDense
	for iter := 0; iter < 100; iter++ {
		xwx := mat.NewSymDense(k, nil)
		grad := mat.NewVecDense(k, nil)
		for r := 0; r < n; r++ {
			row := x.RawRowView(r)
			eta := mat.Dot(x.RowView(r), beta)
			p[r] = 1 / (1 + math.Exp(-eta))
			w := p[r] * (1 - p[r])
			for a := 0; a < k; a++ {
				grad.SetVec(a, grad.AtVec(a)+row[a]*(d[r]-p[r]))
				for b := a; b < k; b++ {
					xwx.SetSym(a, b, xwx.At(a, b)+w*row[a]*row[b])
				}
			}
		}
		var chol mat.Cholesky
		if !chol.Factorize(xwx) || chol.Cond() > 1/2.220446049250313e-16 {
			return nil, nil, false
		}
		var step mat.VecDense
		if err := chol.SolveVecTo(&step, grad); err != nil {
			return nil, nil, false
		}
		beta.AddVec(beta, &step)
		if err := chol.InverseTo(&inv); err != nil {
			return nil, nil, false
		}
		if mat.Norm(&step, math.Inf(1)) < 1e-10*(1+mat.Norm(beta, math.Inf(1))) {
			for r := 0; r < n; r++ {
				p[r] = 1 / (1 + math.Exp(-mat.Dot(x.RowView(r), beta)))
			}
			// (X'WX)⁻¹ at the final estimate.
			xwx := mat.NewSymDense(k, nil)
			for r := 0; r < n; r++ {
				row := x.RawRowView(r)
				w := p[r] * (1 - p[r])
				for a := 0; a < k; a++ {
					for b := a; b < k; b++ {
						xwx.SetSym(a, b, xwx.At(a, b)+w*row[a]*row[b])
					}
				}
			}
			if !chol.Factorize(xwx) {
				return nil, nil, false
			}
			if err := chol.InverseTo(&inv); err != nil {
				return nil, nil, false
			}
			return p, &inv, true
		}
	}
	return nil, nil, false
}
