package its

import (
	"fmt"
	"math"
	"time"

	"github.com/oas-atalaya/atalaya"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Covariance types for Input.CovType.
const (
	NonRobust = "nonrobust" // model-based: (X'WX)⁻¹, times the dispersion when Quasi
	HC0       = "HC0"       // White's sandwich (statsmodels' HC0 for a GLM)
	HC1       = "HC1"       // HC0 × n/(n−p), as R's sandwich::vcovHC; statsmodels' GLM gives HC0 here
	HC3       = "HC3"       // residuals scaled by 1/(1−h), as sandwich::vcovHC(type = "HC3"); statsmodels' GLM gives HC0 here too
	HAC       = "HAC"       // Newey–West with Bartlett weights, no small-sample correction (statsmodels' cov_type="HAC")
)

// Input is a series and the model to fit to it.
type Input struct {
	Y          []float64 // counts, one per period (month), not negative
	Population []float64 // exposure per period, positive; nil for none (no offset)
	Start      time.Time // the month of Y[0]; with Period 12 it aligns the seasonal terms with the calendar
	// Interruption is the index in Y of the first period after the
	// intervention; at least 3 periods must lie on each side.
	Interruption int
	Harmonics    int     // pairs of sine and cosine terms; fewer than Period/2
	Period       int     // of the seasonal terms; 0 means 12
	CovType      string  // NonRobust (the default when empty), HC0, HC1, HC3 or HAC
	HACLags      int     // lags for HAC; 0 means floor(4·(n/100)^(2/9)), statsmodels' rule
	Quasi        bool    // scale the model-based covariance by Pearson's χ²/(n−p)
	LevelOnly    bool    // leave out the slope change b3 (a level change only)
	Conf         float64 // confidence level; 0 means 0.95
}

// Coef is one estimated coefficient, with its rate ratio exp(Estimate).
// Names, in order: intercept, time, level, slope (left out with
// LevelOnly), then sin1, cos1, sin2, cos2, … Z, P and the interval use the
// normal distribution, as statsmodels and Epi::ci.exp do (R's summary of a
// quasipoisson glm uses t with n − p degrees of freedom for P).
type Coef struct {
	Name               string
	Estimate, SE, Z, P float64
	Low, High          float64 // confidence interval of Estimate
	RR, RRLow, RRHigh  float64 // exp of Estimate, Low, High
}

// Effect is an estimate with its standard error and confidence interval.
// For LevelChange and SlopeChange it is a rate ratio (SE is that of its
// logarithm); for Cumulative it is a count (observed − counterfactual over
// the post period) with Observed and Expected set.
type Effect struct {
	Estimate, SE, Low, High, P float64
	Observed, Expected         float64 // Cumulative only: Σ y and Σ counterfactual over the post period
}

// Result is a fitted interrupted time series.
type Result struct {
	Coef       []Coef
	Cov        [][]float64 // covariance of the estimates, in the order of Coef
	Dispersion float64     // Pearson's χ²/(n−p); 1 is pure Poisson variation
	Deviance   float64
	DF         int // n − p
	Iterations int
	CovType    string
	HACLags    int
	// Observed is Input.Y; Fitted is the model's expected count per
	// period; Counterfactual is the same with the level and slope change
	// set to zero, and CFLow and CFHigh its confidence band (delta method
	// on the log scale, with the chosen covariance).
	Observed, Fitted, Counterfactual, CFLow, CFHigh []float64
	// LevelChange and SlopeChange are rate ratios; SlopeChange is the zero
	// Effect when Input.LevelOnly.
	LevelChange, SlopeChange Effect
	Cumulative               Effect
	Reading                  string
}

// Fit fits the segmented Poisson regression described in the package
// documentation. Bad input (too few points, an interruption too close to
// either end, negative or non-finite counts, a population that is not
// positive, too many harmonics, an unknown covariance type) gives an error
// with code EINVALID, as does a model that cannot be fitted (for example
// when every count after the interruption is zero).
func Fit(in Input) (*Result, error) {
	in, err := check(in)
	if err != nil {
		return nil, err
	}
	x, names := design(in)
	n, p := x.Dims()
	off := make([]float64, n)
	if in.Population != nil {
		for i, v := range in.Population {
			off[i] = math.Log(v)
		}
	}
	g, err := fitPoisson(x, in.Y, off)
	if err != nil {
		return nil, err
	}
	res := &Result{
		Dispersion: g.pearson / float64(n-p),
		Deviance:   g.deviance,
		DF:         n - p,
		Iterations: g.iter,
		CovType:    in.CovType,
		Observed:   in.Y,
		Fitted:     g.mu,
	}
	if in.CovType == HAC {
		res.HACLags = in.HACLags
	}
	cov := covariance(in, x, g, res.Dispersion)
	z := distuv.UnitNormal.Quantile(1 - (1-in.Conf)/2)
	res.Cov = make([][]float64, p)
	for j := 0; j < p; j++ {
		res.Cov[j] = make([]float64, p)
		for k := 0; k < p; k++ {
			res.Cov[j][k] = cov.At(j, k)
		}
		se := math.Sqrt(cov.At(j, j))
		c := Coef{Name: names[j], Estimate: g.beta[j], SE: se}
		c.Z = c.Estimate / se
		c.P = 2 * distuv.UnitNormal.Survival(math.Abs(c.Z))
		c.Low, c.High = c.Estimate-z*se, c.Estimate+z*se
		c.RR, c.RRLow, c.RRHigh = math.Exp(c.Estimate), math.Exp(c.Low), math.Exp(c.High)
		res.Coef = append(res.Coef, c)
	}
	counterfactual(res, in, x, off, cov, g.beta, z)
	res.LevelChange = rrEffect(res.Coef[2])
	if !in.LevelOnly {
		res.SlopeChange = rrEffect(res.Coef[3])
	}
	res.Reading = reading(in, res)
	if !finite(res) {
		return nil, atalaya.Errorf(atalaya.EINVALID, "the model cannot be fitted to this series: its estimates are not finite")
	}
	return res, nil
}

// check validates the input and fills in defaults.
func check(in Input) (Input, error) {
	n := len(in.Y)
	bad := func(format string, args ...any) (Input, error) {
		return in, atalaya.Errorf(atalaya.EINVALID, format, args...)
	}
	if in.Period == 0 {
		in.Period = 12
	}
	if in.Conf == 0 {
		in.Conf = 0.95
	}
	if in.CovType == "" {
		in.CovType = NonRobust
	}
	switch {
	case in.Period < 2:
		return bad("the seasonal period must be at least 2 (got %d)", in.Period)
	case in.Harmonics < 0 || 2*in.Harmonics >= in.Period:
		return bad("harmonics must be between 0 and %d for period %d (got %d)", (in.Period-1)/2, in.Period, in.Harmonics)
	case !(in.Conf > 0 && in.Conf < 1):
		return bad("the confidence level must lie strictly between 0 and 1 (got %g)", in.Conf)
	case in.Interruption < 3 || in.Interruption > n-3:
		return bad("the interruption must leave at least 3 periods on each side (index %d of %d)", in.Interruption, n)
	case in.Population != nil && len(in.Population) != n:
		return bad("population has %d values for %d counts", len(in.Population), n)
	case in.HACLags < 0:
		return bad("HAC lags must not be negative (got %d)", in.HACLags)
	}
	switch in.CovType {
	case NonRobust, HC0, HC1, HC3:
	case HAC:
		if in.HACLags == 0 {
			in.HACLags = int(math.Floor(4 * math.Pow(float64(n)/100, 2.0/9)))
		}
	default:
		return bad("unknown covariance type %q (want nonrobust, HC0, HC1, HC3 or HAC)", in.CovType)
	}
	p := 4 + 2*in.Harmonics
	if in.LevelOnly {
		p--
	}
	if n < p+3 {
		return bad("%d periods are too few for a model with %d terms (need at least %d)", n, p, p+3)
	}
	total := 0.0
	for i, v := range in.Y {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return bad("counts must be finite and not negative (period %d is %g)", i+1, v)
		}
		total += v
	}
	if total == 0 {
		return bad("every count is zero: there is nothing to model")
	}
	for i, v := range in.Population {
		if !(v > 0) || math.IsInf(v, 0) {
			return bad("population must be positive and finite (period %d is %g)", i+1, v)
		}
	}
	return in, nil
}

// design builds the model matrix and the names of its columns.
func design(in Input) (*mat.Dense, []string) {
	n := len(in.Y)
	names := []string{"intercept", "time", "level"}
	if !in.LevelOnly {
		names = append(names, "slope")
	}
	for k := 1; k <= in.Harmonics; k++ {
		names = append(names, fmt.Sprintf("sin%d", k), fmt.Sprintf("cos%d", k))
	}
	x := mat.NewDense(n, len(names), nil)
	t0 := float64(in.Interruption + 1)
	first := 1 // calendar position of Y[0]
	if in.Period == 12 && !in.Start.IsZero() {
		first = int(in.Start.Month())
	}
	for i := 0; i < n; i++ {
		t := float64(i + 1)
		post := 0.0
		if i >= in.Interruption {
			post = 1
		}
		row := []float64{1, t, post}
		if !in.LevelOnly {
			row = append(row, (t-t0)*post)
		}
		xs := float64(first + i)
		for k := 1; k <= in.Harmonics; k++ {
			a := 2 * math.Pi * float64(k) * xs / float64(in.Period)
			row = append(row, math.Sin(a), math.Cos(a))
		}
		x.SetRow(i, row)
	}
	return x, names
}

// rrEffect turns a log-rate coefficient into a rate-ratio effect.
func rrEffect(c Coef) Effect {
	return Effect{Estimate: c.RR, SE: c.SE, Low: c.RRLow, High: c.RRHigh, P: c.P}
}

// finite reports whether every number a caller will read is finite.
func finite(r *Result) bool {
	ok := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	for _, c := range r.Coef {
		if !ok(c.Estimate) || !ok(c.SE) || !ok(c.P) || !ok(c.RR) || !ok(c.RRLow) || !ok(c.RRHigh) {
			return false
		}
	}
	for _, s := range [][]float64{r.Fitted, r.Counterfactual, r.CFLow, r.CFHigh} {
		for _, v := range s {
			if !ok(v) {
				return false
			}
		}
	}
	e := r.Cumulative
	return ok(r.Dispersion) && ok(e.Estimate) && ok(e.Low) && ok(e.High) && ok(e.SE)
}
