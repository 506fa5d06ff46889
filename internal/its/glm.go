package its

import (
	"math"

	"github.com/oas-atalaya/atalaya"
	"gonum.org/v1/gonum/mat"
)

// glm is a fitted Poisson GLM with log link.
type glm struct {
	beta     []float64
	mu       []float64
	bread    *mat.SymDense // (X'WX)⁻¹, W = diag(mu)
	deviance float64
	pearson  float64 // Σ (y−mu)²/mu
	iter     int
}

// maxIter bounds the IRLS iterations; Newton's method on the Poisson
// likelihood converges in well under 30 when the MLE exists.
const maxIter = 100

// fitPoisson fits y ~ Poisson(exp(Xβ + offset)) by iteratively reweighted
// least squares (each step a QR solve of the weighted problem), starting
// as statsmodels does from mu = (y + mean(y))/2, and iterating until
// the coefficients change by less than 1e-12 relative.
func fitPoisson(x *mat.Dense, y, offset []float64) (*glm, error) {
	n, p := x.Dims()
	mean := 0.0
	for _, v := range y {
		mean += v
	}
	mean /= float64(n)
	mu := make([]float64, n)
	eta := make([]float64, n)
	for i := range y {
		mu[i] = (y[i] + mean) / 2
		eta[i] = math.Log(mu[i])
	}
	beta := make([]float64, p)
	wx := mat.NewDense(n, p, nil)
	wz := mat.NewDense(n, 1, nil)
	var qr mat.QR
	sol := mat.NewDense(p, 1, nil)
	for iter := 1; iter <= maxIter; iter++ {
		for i := 0; i < n; i++ {
			sw := math.Sqrt(mu[i])
			z := eta[i] - offset[i] + (y[i]-mu[i])/mu[i]
			for j := 0; j < p; j++ {
				wx.Set(i, j, sw*x.At(i, j))
			}
			wz.Set(i, 0, sw*z)
		}
		qr.Factorize(wx)
		if err := qr.SolveTo(sol, false, wz); err != nil {
			return nil, atalaya.Errorf(atalaya.EINVALID, "the model cannot be fitted: its terms are collinear for this series")
		}
		change, size := 0.0, 0.0
		for j := 0; j < p; j++ {
			b := sol.At(j, 0)
			change = math.Max(change, math.Abs(b-beta[j]))
			size = math.Max(size, math.Abs(b))
			beta[j] = b
		}
		for i := 0; i < n; i++ {
			e := offset[i]
			for j := 0; j < p; j++ {
				e += x.At(i, j) * beta[j]
			}
			eta[i] = e
			mu[i] = math.Exp(e)
			if !(mu[i] > 0) || math.IsInf(mu[i], 0) {
				return nil, notConverged()
			}
		}
		if iter > 1 && change <= 1e-12*(1+size) {
			return finish(x, y, beta, mu, iter)
		}
	}
	return nil, notConverged()
}

func notConverged() error {
	return atalaya.Errorf(atalaya.EINVALID, "the model did not converge: a segment of the series may be all zeros")
}

// finish computes the bread (X'WX)⁻¹, the deviance and Pearson's χ².
func finish(x *mat.Dense, y, beta, mu []float64, iter int) (*glm, error) {
	n, p := x.Dims()
	xwx := mat.NewSymDense(p, nil)
	for a := 0; a < p; a++ {
		for b := a; b < p; b++ {
			s := 0.0
			for i := 0; i < n; i++ {
				s += mu[i] * x.At(i, a) * x.At(i, b)
			}
			xwx.SetSym(a, b, s)
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(xwx) {
		return nil, atalaya.Errorf(atalaya.EINVALID, "the model cannot be fitted: its terms are collinear for this series")
	}
	bread := mat.NewSymDense(p, nil)
	if err := chol.InverseTo(bread); err != nil {
		return nil, atalaya.Errorf(atalaya.EINVALID, "the model cannot be fitted: its terms are collinear for this series")
	}
	g := &glm{beta: beta, mu: mu, bread: bread, iter: iter}
	for i := range y {
		r := y[i] - mu[i]
		g.pearson += r * r / mu[i]
		d := mu[i]
		if y[i] > 0 {
			d = y[i]*math.Log(y[i]/mu[i]) - r
		}
		g.deviance += 2 * d
	}
	return g, nil
}
