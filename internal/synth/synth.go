// Package synth estimates the effect of an intervention on one unit by the
// synthetic control method of Abadie & Gardeazabal (2003) and Abadie,
// Diamond & Hainmueller (2010), following R's Synth package.
//
// A synthetic control is a convex combination of donor units (weights W,
// non-negative, summing to 1) that matches the treated unit on a set of
// predictors: W minimises (X1 − X0W)'V(X1 − X0W) for a diagonal V of
// predictor importances. V is itself chosen, as in Synth, to minimise the
// mean squared prediction error of the outcome over a pre-treatment window,
// with predictors scaled by their standard deviation across units, and
// Nelder–Mead and BFGS searches started from equal weights and from a
// regression-based V, keeping the best. The inner problem is solved
// exactly by an active-set method (Synth uses an interior-point method).
//
// Inference is by placebos in space: each donor is treated in turn as if
// it had been treated, and the treated unit's ratio of post- to
// pre-treatment RMSPE is ranked among them.
//
// Cross-validated V (Abadie, Diamond & Hainmueller 2015, West Germany):
// fit a training Spec (predictors from an earlier window, FitFrom..FitTo a
// later pre-treatment window), then pass its Result.V as Spec.V of the
// main fit, whose predictors are rescaled by their own spread as in Synth.
//
// On the Basque data of Abadie & Gardeazabal (2003) the package gives the
// published weights, Cataluña 0.8508 and Madrid 0.1492 (see basque_test.go
// and testdata/PROVENANCE.md).
package synth

import (
	"context"
	"math"
	"sort"
	"strconv"

	"github.com/oas-atalaya/atalaya"
	"gonum.org/v1/gonum/mat"
)

// Panel is a balanced panel: the outcome Y and other variables, each a
// unit × period matrix in the order of Units and Periods. Missing values
// of Predictors are NaN and are skipped when averaged; the outcome must be
// complete.
type Panel struct {
	Units      []string
	Periods    []int
	Y          [][]float64
	Outcome    string                 // the outcome's name, so predictors may name it
	Predictors map[string][][]float64 // other variables by name
}

// Predictor is a variable averaged over some periods: the mean over the
// listed Periods, or over From..To when Periods is empty, skipping missing
// values. Var "" (or Panel.Outcome) is the outcome, which gives Synth's
// special predictors such as the outcome in given years.
type Predictor struct {
	Var      string
	From, To int
	Periods  []int
	Label    string // for reports; defaults to the variable and window
}

// Spec is one synthetic-control study.
type Spec struct {
	Treated        string
	Donors         []string // default: every other unit
	TreatPeriod    int      // first period with the intervention
	PredictorSpecs []Predictor
	// FitFrom..FitTo is the window whose outcome MSPE V minimises (Synth's
	// time.optimize.ssr). Zero values mean every period before TreatPeriod.
	FitFrom, FitTo int
	// V, when set, is used as the predictor weights instead of searching.
	V []float64
	// PlaceboMaxPreRatio, when > 0, leaves out of the placebo p-value the
	// units whose pre-treatment RMSPE exceeds this multiple of the treated
	// unit's (ADH 2010 used MSPE multiples 20, 5 and 2, i.e. RMSPE √20…).
	PlaceboMaxPreRatio float64
	// Solver is SolverExact ("", the default) or SolverProjected.
	Solver string
}

// Solvers of the inner problem.
const (
	SolverExact     = ""          // active-set method, exact
	SolverProjected = "projected" // accelerated projected gradient: the benchmark's naive baseline
)

// Weight is a donor's weight in the synthetic control.
type Weight struct {
	Unit   string
	Weight float64
}

// Result is a fitted synthetic control.
type Result struct {
	Weights       map[string]float64
	Ordered       []Weight  // donors in the order given, with their weights
	V             []float64 // predictor weights, summing to 1, in Spec order
	Predictors    []string  // labels of the predictors
	X1, X0W       []float64 // treated and synthetic predictor values
	Periods       []int
	Treated       []float64 // the treated unit's outcome
	Synthetic     []float64 // the counterfactual: Σ w_j Y_j
	Gap           []float64 // Treated − Synthetic
	PreRMSPE      float64   // over periods before TreatPeriod
	PostRMSPE     float64   // over periods from TreatPeriod on
	Ratio         float64   // PostRMSPE / PreRMSPE (math.MaxFloat64 for a perfect pre fit; never Inf or NaN)
	FitMSPE       float64   // outcome MSPE over FitFrom..FitTo (Synth's loss.v)
	PredictorLoss float64   // (X1−X0W)'V(X1−X0W) on the scaled predictors (loss.w)
	ATT           float64   // mean gap from TreatPeriod on
}

// problem is a validated study in matrix form.
type problem struct {
	donors  []string
	x1      []float64   // K scaled predictors of the treated unit
	x0      [][]float64 // K × J scaled donor predictors
	raw1    []float64
	raw0    [][]float64
	z1      []float64   // T0 outcomes over the fit window
	z0      [][]float64 // T0 × J
	y1      []float64
	y0      [][]float64 // J × T, donors' outcomes
	periods []int
	treat   int
	labels  []string
}

// Fit estimates the synthetic control of s.Treated.
func Fit(ctx context.Context, p Panel, s Spec) (*Result, error) {
	pr, err := prepare(p, s)
	if err != nil {
		return nil, err
	}
	return pr.fit(ctx, s)
}

func (pr *problem) fit(ctx context.Context, s Spec) (*Result, error) {
	k := len(pr.x1)
	ev := newEvaluator(pr, s.Solver)
	var v []float64
	switch {
	case s.V != nil:
		if len(s.V) != k {
			return nil, atalaya.Errorf(atalaya.EINVALID, "V has %d weights for %d predictors", len(s.V), k)
		}
		v = normaliseV(s.V)
		if v == nil {
			return nil, atalaya.Errorf(atalaya.EINVALID, "V must be finite, non-negative and not all zero")
		}
	case k == 1:
		v = []float64{1}
	default:
		var err error
		if v, err = ev.searchV(ctx); err != nil {
			return nil, err
		}
	}
	w := ev.weights(v)
	return pr.result(v, w, ev.lossW(v, w)), nil
}

func (pr *problem) result(v, w []float64, lossW float64) *Result {
	r := &Result{
		Weights: map[string]float64{}, V: v, Predictors: pr.labels,
		X1: pr.raw1, Periods: pr.periods, Treated: pr.y1, PredictorLoss: lossW,
	}
	for j, d := range pr.donors {
		r.Weights[d] = w[j]
		r.Ordered = append(r.Ordered, Weight{d, w[j]})
	}
	r.X0W = make([]float64, len(pr.raw1))
	for kk := range pr.raw0 {
		for j, x := range pr.raw0[kk] {
			r.X0W[kk] += x * w[j]
		}
	}
	r.Synthetic = make([]float64, len(pr.periods))
	r.Gap = make([]float64, len(pr.periods))
	var pre, post float64
	var npre, npost int
	for t := range pr.periods {
		for j := range w {
			r.Synthetic[t] += w[j] * pr.y0[j][t]
		}
		r.Gap[t] = pr.y1[t] - r.Synthetic[t]
		if pr.periods[t] < pr.treat {
			pre += r.Gap[t] * r.Gap[t]
			npre++
		} else {
			post += r.Gap[t] * r.Gap[t]
			r.ATT += r.Gap[t]
			npost++
		}
	}
	r.PreRMSPE = math.Sqrt(pre / float64(npre))
	r.PostRMSPE = math.Sqrt(post / float64(npost))
	r.ATT /= float64(npost)
	switch {
	case r.PreRMSPE > 0:
		r.Ratio = r.PostRMSPE / r.PreRMSPE
	case r.PostRMSPE > 0:
		r.Ratio = math.MaxFloat64 // a perfect pre-treatment fit: ranks first, and encodes as JSON
	}
	r.FitMSPE = mspe(pr.z1, pr.z0, w)
	return r
}

func mspe(z1 []float64, z0 [][]float64, w []float64) float64 {
	var s float64
	for t := range z1 {
		d := z1[t]
		for j, x := range z0[t] {
			d -= x * w[j]
		}
		s += d * d
	}
	return s / float64(len(z1))
}

func normaliseV(v []float64) []float64 {
	out := make([]float64, len(v))
	var s float64
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		out[i] = math.Abs(x)
		s += out[i]
	}
	if s == 0 {
		return nil
	}
	for i := range out {
		out[i] /= s
	}
	return out
}

// prepare validates the panel and the spec and builds the scaled
// predictor matrices, as Synth's dataprep and the start of synth().
func prepare(p Panel, s Spec) (*problem, error) {
	if err := checkPanel(p); err != nil {
		return nil, err
	}
	if s.Solver != SolverExact && s.Solver != SolverProjected {
		return nil, atalaya.Errorf(atalaya.EINVALID, "solver %q: want %q or %q", s.Solver, SolverExact, SolverProjected)
	}
	unit := map[string]int{}
	for i, u := range p.Units {
		unit[u] = i
	}
	ti, ok := unit[s.Treated]
	if !ok {
		return nil, atalaya.Errorf(atalaya.EINVALID, "treated unit %q is not in the panel", s.Treated)
	}
	donors := s.Donors
	if len(donors) == 0 {
		for _, u := range p.Units {
			if u != s.Treated {
				donors = append(donors, u)
			}
		}
	}
	if len(donors) == 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "no donor units")
	}
	seen := map[string]bool{}
	di := make([]int, len(donors))
	for j, d := range donors {
		i, ok := unit[d]
		switch {
		case !ok:
			return nil, atalaya.Errorf(atalaya.EINVALID, "donor %q is not in the panel", d)
		case d == s.Treated:
			return nil, atalaya.Errorf(atalaya.EINVALID, "the treated unit %q cannot be a donor", d)
		case seen[d]:
			return nil, atalaya.Errorf(atalaya.EINVALID, "donor %q is listed twice", d)
		}
		seen[d], di[j] = true, i
	}
	pr := &problem{donors: donors, periods: p.Periods, treat: s.TreatPeriod, y1: p.Y[ti]}
	var npre, npost int
	for _, t := range p.Periods {
		if t < s.TreatPeriod {
			npre++
		} else {
			npost++
		}
	}
	if npre == 0 || npost == 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "treatment period %d leaves no period before or none after it", s.TreatPeriod)
	}
	for _, i := range di {
		pr.y0 = append(pr.y0, p.Y[i])
	}
	if err := pr.fitWindow(p, s, ti, di); err != nil {
		return nil, err
	}
	if err := pr.predictors(p, s, ti, di); err != nil {
		return nil, err
	}
	return pr, nil
}

// maxValue bounds every input so that sums of squares cannot overflow.
const maxValue = 1e100

func checkPanel(p Panel) error {
	if len(p.Units) == 0 || len(p.Periods) == 0 {
		return atalaya.Errorf(atalaya.EINVALID, "the panel is empty")
	}
	if len(p.Y) != len(p.Units) {
		return atalaya.Errorf(atalaya.EINVALID, "the outcome has %d rows for %d units", len(p.Y), len(p.Units))
	}
	names := map[string]bool{}
	for i, row := range p.Y {
		if names[p.Units[i]] {
			return atalaya.Errorf(atalaya.EINVALID, "unit %q appears twice", p.Units[i])
		}
		names[p.Units[i]] = true
		if len(row) != len(p.Periods) {
			return atalaya.Errorf(atalaya.EINVALID, "unbalanced panel: unit %q has %d outcome values for %d periods", p.Units[i], len(row), len(p.Periods))
		}
		for t, y := range row {
			if math.IsNaN(y) || math.IsInf(y, 0) {
				return atalaya.Errorf(atalaya.EINVALID, "unit %q, period %d: the outcome is missing or not finite", p.Units[i], p.Periods[t])
			}
			if math.Abs(y) > maxValue {
				return atalaya.Errorf(atalaya.EINVALID, "unit %q, period %d: the outcome %g is too large (limit %g)", p.Units[i], p.Periods[t], y, maxValue)
			}
		}
	}
	if !sort.IntsAreSorted(p.Periods) {
		return atalaya.Errorf(atalaya.EINVALID, "periods must be in increasing order")
	}
	for t := 1; t < len(p.Periods); t++ {
		if p.Periods[t] == p.Periods[t-1] {
			return atalaya.Errorf(atalaya.EINVALID, "period %d appears twice", p.Periods[t])
		}
	}
	for name, m := range p.Predictors {
		for _, row := range m {
			for _, x := range row {
				if math.Abs(x) > maxValue && !math.IsInf(x, 0) {
					return atalaya.Errorf(atalaya.EINVALID, "variable %q: value %g is too large (limit %g)", name, x, maxValue)
				}
			}
		}
		if len(m) != len(p.Units) {
			return atalaya.Errorf(atalaya.EINVALID, "variable %q has %d rows for %d units", name, len(m), len(p.Units))
		}
		for i, row := range m {
			if len(row) != len(p.Periods) {
				return atalaya.Errorf(atalaya.EINVALID, "unbalanced panel: variable %q of unit %q has %d values for %d periods", name, p.Units[i], len(row), len(p.Periods))
			}
		}
	}
	return nil
}

func (pr *problem) fitWindow(p Panel, s Spec, ti int, di []int) error {
	from, to := s.FitFrom, s.FitTo
	if from == 0 && to == 0 {
		from, to = math.MinInt, s.TreatPeriod-1
	}
	for t, per := range p.Periods {
		if per < from || per > to {
			continue
		}
		pr.z1 = append(pr.z1, p.Y[ti][t])
		row := make([]float64, len(di))
		for j, i := range di {
			row[j] = p.Y[i][t]
		}
		pr.z0 = append(pr.z0, row)
	}
	if len(pr.z1) == 0 {
		return atalaya.Errorf(atalaya.EINVALID, "the fit window %d–%d holds no period of the panel", s.FitFrom, s.FitTo)
	}
	return nil
}

// predictors averages each predictor for the treated unit and the donors
// and scales each by its standard deviation across those units (Synth's
// divisor). A predictor with no spread is left unscaled: it cannot tell
// donors apart. Without predictors, the outcome in each pre-treatment
// period is used.
func (pr *problem) predictors(p Panel, s Spec, ti int, di []int) error {
	specs := s.PredictorSpecs
	if len(specs) == 0 {
		for _, t := range p.Periods {
			if t < s.TreatPeriod {
				specs = append(specs, Predictor{Periods: []int{t}})
			}
		}
	}
	col := map[int]int{}
	for t, per := range p.Periods {
		col[per] = t
	}
	for _, ps := range specs {
		m := p.Y
		if ps.Var != "" && ps.Var != p.Outcome {
			var ok bool
			if m, ok = p.Predictors[ps.Var]; !ok {
				return atalaya.Errorf(atalaya.EINVALID, "predictor variable %q is not in the panel", ps.Var)
			}
		}
		periods := ps.Periods
		if len(periods) == 0 {
			if ps.To < ps.From {
				return atalaya.Errorf(atalaya.EINVALID, "predictor %q: window %d–%d is empty", ps.Var, ps.From, ps.To)
			}
			for t := ps.From; t <= ps.To; t++ {
				if _, ok := col[t]; ok {
					periods = append(periods, t)
				}
			}
		}
		label := ps.Label
		if label == "" {
			label = predictorLabel(ps, p.Outcome, periods)
		}
		avg := func(i int) (float64, error) {
			var sum float64
			var n int
			for _, t := range periods {
				c, ok := col[t]
				if !ok {
					return 0, atalaya.Errorf(atalaya.EINVALID, "predictor %s: period %d is not in the panel", label, t)
				}
				if x := m[i][c]; !math.IsNaN(x) && !math.IsInf(x, 0) {
					sum += x
					n++
				}
			}
			if n == 0 {
				return 0, atalaya.Errorf(atalaya.EINVALID, "predictor %s has no value for unit %q", label, p.Units[i])
			}
			return sum / float64(n), nil
		}
		x1, err := avg(ti)
		if err != nil {
			return err
		}
		row := make([]float64, len(di))
		for j, i := range di {
			if row[j], err = avg(i); err != nil {
				return err
			}
		}
		pr.labels = append(pr.labels, label)
		pr.raw1 = append(pr.raw1, x1)
		pr.raw0 = append(pr.raw0, row)
	}
	for k := range pr.raw1 {
		sd := sdOf(pr.raw1[k], pr.raw0[k])
		if sd == 0 || math.IsNaN(sd) {
			sd = 1
		}
		pr.x1 = append(pr.x1, pr.raw1[k]/sd)
		row := make([]float64, len(di))
		for j, x := range pr.raw0[k] {
			row[j] = x / sd
		}
		pr.x0 = append(pr.x0, row)
	}
	return nil
}

func predictorLabel(ps Predictor, outcome string, periods []int) string {
	name := ps.Var
	if name == "" {
		name = outcome
	}
	if name == "" {
		name = "outcome"
	}
	if len(periods) == 0 {
		return name
	}
	lo, hi := periods[0], periods[len(periods)-1]
	if lo == hi {
		return name + " " + itoa(lo)
	}
	return name + " " + itoa(lo) + "–" + itoa(hi)
}

func itoa(i int) string { return strconv.Itoa(i) }

// sdOf is the sample standard deviation (n − 1) of x1 and the donors' xs.
func sdOf(x1 float64, xs []float64) float64 {
	n := float64(len(xs) + 1)
	m := x1
	for _, x := range xs {
		m += x
	}
	m /= n
	ss := (x1 - m) * (x1 - m)
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	if n < 2 {
		return 0
	}
	return math.Sqrt(ss / (n - 1))
}

// regressionStart is Synth's second starting V: the squared coefficients
// of a regression of the pre-treatment outcomes on the scaled predictors
// (with an intercept) across units, normalised to sum to 1. It returns
// nil when the regression is not identified.
func (pr *problem) regressionStart() []float64 {
	k := len(pr.x1)
	units := len(pr.x0[0]) + 1
	if units <= k+1 {
		return nil
	}
	x := mat.NewDense(units, k+1, nil)
	z := mat.NewDense(units, len(pr.z1), nil)
	for u := 0; u < units; u++ {
		x.Set(u, 0, 1)
		for kk := 0; kk < k; kk++ {
			if u == 0 {
				x.Set(u, kk+1, pr.x1[kk])
			} else {
				x.Set(u, kk+1, pr.x0[kk][u-1])
			}
		}
		for t := range pr.z1 {
			if u == 0 {
				z.Set(u, t, pr.z1[t])
			} else {
				z.Set(u, t, pr.z0[t][u-1])
			}
		}
	}
	var xtx mat.Dense
	xtx.Mul(x.T(), x)
	var xtz mat.Dense
	xtz.Mul(x.T(), z)
	var beta mat.Dense
	if err := beta.Solve(&xtx, &xtz); err != nil {
		return nil
	}
	v := make([]float64, k)
	var s float64
	for kk := 0; kk < k; kk++ {
		for t := range pr.z1 {
			b := beta.At(kk+1, t)
			v[kk] += b * b
		}
		s += v[kk]
	}
	if s == 0 || math.IsNaN(s) || math.IsInf(s, 0) {
		return nil
	}
	for kk := range v {
		v[kk] /= s
	}
	return v
}
