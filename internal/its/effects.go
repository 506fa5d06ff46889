package its

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// counterfactual sets the counterfactual series, its band and the
// cumulative effect. The band and the interval of the cumulative effect
// come from the delta method with the chosen covariance: on the log scale
// for each period, and through the gradient Σ cf_t·x_t for the post-period
// sum. They reflect the uncertainty of the counterfactual only; the
// observed counts are taken as given.
func counterfactual(res *Result, in Input, x *mat.Dense, off []float64, cov *mat.Dense, beta []float64, z float64) {
	n, p := x.Dims()
	res.Counterfactual = make([]float64, n)
	res.CFLow = make([]float64, n)
	res.CFHigh = make([]float64, n)
	grad := mat.NewVecDense(p, nil)
	row := mat.NewVecDense(p, nil)
	var obs, exp float64
	for i := 0; i < n; i++ {
		eta := off[i]
		for j := 0; j < p; j++ {
			v := x.At(i, j)
			if j == 2 || j == 3 && !in.LevelOnly {
				v = 0
			}
			row.SetVec(j, v)
			eta += v * beta[j]
		}
		se := math.Sqrt(math.Max(0, mat.Inner(row, cov, row)))
		cf := math.Exp(eta)
		res.Counterfactual[i] = cf
		res.CFLow[i], res.CFHigh[i] = math.Exp(eta-z*se), math.Exp(eta+z*se)
		if i >= in.Interruption {
			obs += in.Y[i]
			exp += cf
			grad.AddScaledVec(grad, cf, row)
		}
	}
	se := math.Sqrt(math.Max(0, mat.Inner(grad, cov, grad)))
	e := Effect{Estimate: obs - exp, SE: se, Observed: obs, Expected: exp}
	e.Low, e.High = e.Estimate-z*se, e.Estimate+z*se
	e.P = 1
	if se > 0 {
		e.P = 2 * distuv.UnitNormal.Survival(math.Abs(e.Estimate/se))
	}
	res.Cumulative = e
}

var opposite = map[string]string{"more": "fewer", "fewer": "more"}

// reading is the plain-language summary of the effects.
func reading(in Input, r *Result) string {
	alpha := 1 - in.Conf
	pct := func(rr float64) string {
		d := (rr - 1) * 100
		return fmt.Sprintf("%+.1f%%", d)
	}
	verdict := func(e Effect) string {
		switch {
		case e.P >= alpha:
			return "not significant"
		case e.Estimate < 1:
			return "a significant decrease"
		}
		return "a significant increase"
	}
	lvl := r.LevelChange
	ci := fmt.Sprintf("%.0f%% CI", in.Conf*100)
	when, unit := fmt.Sprintf("period %d", in.Interruption+1), "period"
	if !in.Start.IsZero() && in.Period == 12 {
		when, unit = in.Start.AddDate(0, in.Interruption, 0).Format("January 2006"), "month"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "From %s the rate changed by %s at once (rate ratio %.3f, %s %.3f–%.3f; %s)",
		when, pct(lvl.Estimate), lvl.Estimate, ci, lvl.Low, lvl.High, verdict(lvl))
	if !in.LevelOnly {
		s := r.SlopeChange
		fmt.Fprintf(&b, " and its trend by %s a %s (rate ratio %.4f, %s %.4f–%.4f; %s)", pct(s.Estimate), unit, s.Estimate, ci, s.Low, s.High, verdict(s))
	}
	c := r.Cumulative
	word, lo, hi := "more", c.Low, c.High
	if c.Estimate < 0 {
		word, lo, hi = "fewer", -c.High, -c.Low
	}
	interval := fmt.Sprintf("%s %.0f to %.0f %s", ci, lo, hi, word)
	if lo < 0 {
		interval = fmt.Sprintf("%s from %.0f %s to %.0f %s, so possibly none", ci, -lo, opposite[word], hi, word)
	}
	fmt.Fprintf(&b, ". Over the %d %ss after, there were %.0f %s events than the model expects without the change (%s).",
		len(in.Y)-in.Interruption, unit, math.Abs(c.Estimate), word, interval)
	return b.String()
}
