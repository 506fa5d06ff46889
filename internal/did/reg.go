package did

import (
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
