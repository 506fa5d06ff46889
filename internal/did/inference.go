package did

import (
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// preTest is R did's Wald test that every pre-treatment ATT(g,t) is zero:
// W = n·att'V⁻¹att with V = ψ'ψ/n, the analytical covariance (R uses the
// bootstrap covariance when it bootstraps), skipping effects with zero
// standard error and refusing a numerically singular V.
func (gt *GroupTime) preTest() {
	var pre []int
	for k, r := range gt.Rows {
		if r.Group > r.Period && analyticSE(gt.inf[k], gt.Units) > 0 {
			pre = append(pre, k)
		}
	}
	q := len(pre)
	if q == 0 {
		return
	}
	n := float64(gt.Units)
	v := mat.NewSymDense(q, nil)
	for a, ka := range pre {
		for b := a; b < q; b++ {
			var s float64
			for i, x := range gt.inf[ka] {
				s += x * gt.inf[pre[b]][i]
			}
			v.SetSym(a, b, s/n)
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(v) || chol.Cond() > 1/2.220446049250313e-16 {
		return
	}
	att := mat.NewVecDense(q, nil)
	for a, k := range pre {
		att.SetVec(a, gt.Rows[k].ATT)
	}
	var x mat.VecDense
	if err := chol.SolveVecTo(&x, att); err != nil {
		return
	}
	gt.PreTestW = n * mat.Dot(att, &x)
	gt.PreTestDF = q
	gt.PreTestP = distuv.ChiSquared{K: float64(q)}.Survival(gt.PreTestW)
}

// mboot is R did's multiplier bootstrap (mboot.R): B draws of
// sqrt(n)·mean(vᵢψᵢ) with i.i.d. multipliers v of mean 0 and variance 1;
// standard errors from the interquartile range of each column, and the
// uniform critical value as the 1−α quantile of the largest t-statistic.
// Columns with no variance get a zero standard error and no say in the
// critical value.
func (opt Options) mboot(inf [][]float64, n int) ([]float64, float64) {
	k := len(inf)
	b := opt.Bootstrap
	rng := rand.New(rand.NewPCG(opt.Seed, 0x9e3779b97f4a7c15))
	lo, hi, pLo := -1.0, 1.0, 0.5 // Rademacher
	if opt.Weights == Mammen {
		s5 := math.Sqrt(5)
		lo, hi, pLo = (1-s5)/2, (1+s5)/2, (s5+1)/(2*s5)
	}
	bres := make([][]float64, k)
	for j := range bres {
		bres[j] = make([]float64, b)
	}
	v := make([]float64, n)
	sqn := math.Sqrt(float64(n))
	for r := 0; r < b; r++ {
		for i := range v {
			if rng.Float64() < pLo {
				v[i] = lo
			} else {
				v[i] = hi
			}
		}
		for j, f := range inf {
			var s float64
			for i, x := range f {
				s += v[i] * x
			}
			bres[j][r] = sqn * s / float64(n)
		}
	}
	iqrScale := distuv.UnitNormal.Quantile(0.75) - distuv.UnitNormal.Quantile(0.25)
	sigma := make([]float64, k)
	se := make([]float64, k)
	for j := range bres {
		var ss float64
		for _, x := range bres[j] {
			ss += x * x
		}
		if ss <= math.Sqrt(2.220446049250313e-16)*10 {
			continue
		}
		sorted := append([]float64(nil), bres[j]...)
		sort.Float64s(sorted)
		sigma[j] = (quantile1(sorted, 0.75) - quantile1(sorted, 0.25)) / iqrScale
		if sigma[j] <= math.Sqrt(2.220446049250313e-16)*10 {
			sigma[j] = 0
		}
		se[j] = sigma[j] / sqn
	}
	if opt.Pointwise {
		return se, distuv.UnitNormal.Quantile(1 - opt.Alpha/2)
	}
	tmax := make([]float64, 0, b)
	for r := 0; r < b; r++ {
		m, ok := 0.0, false
		for j := range bres {
			if sigma[j] > 0 {
				m, ok = math.Max(m, math.Abs(bres[j][r]/sigma[j])), true
			}
		}
		if ok {
			tmax = append(tmax, m)
		}
	}
	if len(tmax) == 0 {
		return se, distuv.UnitNormal.Quantile(1 - opt.Alpha/2)
	}
	sort.Float64s(tmax)
	return se, quantile1(tmax, 1-opt.Alpha)
}

// quantile1 is R's quantile(type = 1), the inverse of the empirical
// distribution function, on sorted data.
func quantile1(sorted []float64, p float64) float64 {
	i := int(math.Ceil(float64(len(sorted))*p)) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
