package its

import (
	"gonum.org/v1/gonum/mat"
)

// covariance returns the covariance of the coefficients for in.CovType.
// Every robust form is the sandwich B·M·B with bread B = (X'WX)⁻¹ and a
// meat M built from the score contributions s_i = x_i (y_i − mu_i); the
// dispersion cancels out of them, so Quasi changes only NonRobust.
func covariance(in Input, x *mat.Dense, g *glm, dispersion float64) *mat.Dense {
	n, p := x.Dims()
	cov := mat.NewDense(p, p, nil)
	if in.CovType == NonRobust {
		cov.Copy(g.bread)
		if in.Quasi {
			cov.Scale(dispersion, cov)
		}
		return cov
	}
	s := mat.NewDense(n, p, nil)
	for i := 0; i < n; i++ {
		u := in.Y[i] - g.mu[i]
		if in.CovType == HC3 {
			// leverage of the weighted fit: h = w_i x_i' B x_i
			xi := x.RowView(i)
			h := g.mu[i] * mat.Inner(xi, g.bread, xi)
			u /= 1 - h
		}
		for j := 0; j < p; j++ {
			s.Set(i, j, x.At(i, j)*u)
		}
	}
	meat := mat.NewDense(p, p, nil)
	meat.Mul(s.T(), s)
	if in.CovType == HAC {
		L := in.HACLags
		for lag := 1; lag <= L && lag < n; lag++ {
			w := 1 - float64(lag)/float64(L+1)
			g := mat.NewDense(p, p, nil)
			g.Mul(s.Slice(lag, n, 0, p).T(), s.Slice(0, n-lag, 0, p))
			for a := 0; a < p; a++ {
				for b := 0; b < p; b++ {
					meat.Set(a, b, meat.At(a, b)+w*(g.At(a, b)+g.At(b, a)))
				}
			}
		}
	}
	cov.Mul(g.bread, meat)
	cov.Mul(cov, g.bread)
	if in.CovType == HC1 {
		cov.Scale(float64(n)/float64(n-p), cov)
	}
	return cov
}
