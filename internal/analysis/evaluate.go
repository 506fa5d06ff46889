package analysis

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/did"
	"github.com/oas-atalaya/atalaya/internal/its"
	"github.com/oas-atalaya/atalaya/internal/synth"
)

// EvalQuery asks for an evaluation of a programme.
type EvalQuery struct {
	Programme atalaya.Programme
	Method    string // atalaya.MethodITS, MethodSynth or MethodDiD
	Indicator string // one of the programme's target indicators
	From, To  int    // years of data to use; 0 = the indicator's range
	Public    bool   // published figures only
	// Others are the other programmes of the registry, for DiD's
	// staggered groups (areas treated by an earlier programme for the
	// same indicator).
	Others []atalaya.Programme
	Seed   uint64
}

// Evaluate runs one evaluation and returns its report.
func (n *Node) Evaluate(ctx context.Context, q EvalQuery) (*Report, error) {
	found := false
	for _, id := range q.Programme.Indicators {
		found = found || id == q.Indicator
	}
	if !found {
		return nil, atalaya.Errorf(atalaya.EINVALID, "indicator %s is not a target of programme %s", q.Indicator, q.Programme.ID)
	}
	if q.To == 0 {
		q.To = time.Now().Year()
	}
	if q.From == 0 {
		q.From = 2000
	}
	switch q.Method {
	case atalaya.MethodITS:
		return n.evaluateITS(ctx, q)
	case atalaya.MethodSynth:
		return n.evaluateSynth(ctx, q)
	case atalaya.MethodDiD:
		return n.evaluateDiD(ctx, q)
	}
	return nil, atalaya.Errorf(atalaya.EINVALID, "method %q is not one of its, synth, did", q.Method)
}

// evaluateITS fits a segmented quasi-Poisson regression to the monthly
// counts of the programme's areas together, with the population as
// offset, two seasonal harmonics and Newey–West standard errors.
func (n *Node) evaluateITS(ctx context.Context, q EvalQuery) (*Report, error) {
	p := q.Programme
	res, err := n.Engine.Values(ctx, valuesQuery(q, p.Areas, fmt.Sprintf("%d-01", q.From), fmt.Sprintf("%d-12", q.To), "area"))
	if err != nil {
		return nil, err
	}
	start := time.Date(p.Start.Year(), p.Start.Month(), 1, 0, 0, 0, 0, time.UTC)
	type month struct {
		t      time.Time
		y, pop float64
	}
	var ms []month
	for _, v := range res.Values {
		t, err := time.Parse("2006-01", v.Period)
		if err != nil || v.Count == nil || v.Denominator == nil || *v.Denominator <= 0 || v.Months == 0 && v.Count == nil {
			continue
		}
		ms = append(ms, month{t, float64(*v.Count), float64(*v.Denominator)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].t.Before(ms[j].t) })
	// Keep the longest run of consecutive months.
	var run []month
	for i, m := range ms {
		if i > 0 && m.t != ms[i-1].t.AddDate(0, 1, 0) {
			if m.t.After(start) && len(run) > 0 && run[len(run)-1].t.Before(start) {
				break
			}
			run = nil
		}
		run = append(run, m)
	}
	in := its.Input{Start: time.Time{}, Harmonics: 2, Period: 12, CovType: its.HAC, HACLags: 12, Quasi: true, Interruption: -1}
	for i, m := range run {
		if i == 0 {
			in.Start = m.t
		}
		if in.Interruption < 0 && !m.t.Before(start) {
			in.Interruption = i
		}
		in.Y = append(in.Y, m.y)
		in.Population = append(in.Population, m.pop)
	}
	if in.Interruption < 12 || len(in.Y)-in.Interruption < 6 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "an interrupted time series needs at least 12 months of %s before %s and 6 after in %v; the data have %d before and %d after",
			q.Indicator, start.Format("2006-01"), p.Areas, max(in.Interruption, 0), len(in.Y)-max(in.Interruption, 0))
	}
	fit, err := its.Fit(in)
	if err != nil {
		return nil, err
	}
	r := &Report{Method: atalaya.MethodITS, Indicator: q.Indicator, Areas: p.Areas, Start: start.Format("2006-01"), Frequency: "month",
		EffectKind: "rate_ratio", Multiplier: 1, Details: fit}
	lc := fit.LevelChange
	r.Effect = Estimate{Value: lc.Estimate, Low: lc.Low, High: lc.High, P: ptr(lc.P)}
	r.Significant, r.Direction = direction(r.Effect, 1)
	for i := range in.Y {
		pt := Point{Period: in.Start.AddDate(0, i, 0).Format("2006-01"), Observed: ptr(in.Y[i]), Treated: i >= in.Interruption}
		if i >= in.Interruption {
			pt.Counterfactual, pt.Low, pt.High = ptr(fit.Counterfactual[i]), ptr(fit.CFLow[i]), ptr(fit.CFHigh[i])
		} else {
			pt.Counterfactual = ptr(fit.Fitted[i])
		}
		r.Series = append(r.Series, pt)
	}
	r.Figures = []Figure{
		{Key: "analysis.fig.slope_change", Value: fit.SlopeChange.Estimate},
		{Key: "analysis.fig.slope_change_low", Value: fit.SlopeChange.Low},
		{Key: "analysis.fig.slope_change_high", Value: fit.SlopeChange.High},
		{Key: "analysis.fig.cumulative", Value: fit.Cumulative.Estimate},
		{Key: "analysis.fig.cumulative_low", Value: fit.Cumulative.Low},
		{Key: "analysis.fig.cumulative_high", Value: fit.Cumulative.High},
		{Key: "analysis.fig.dispersion", Value: fit.Dispersion},
		{Key: "analysis.fig.months_before", Value: float64(in.Interruption)},
		{Key: "analysis.fig.months_after", Value: float64(len(in.Y) - in.Interruption)},
	}
	return r, nil
}

// annual returns the yearly rates of the sub-areas of parent (all of
// them complete over from..to), in code order, and the multiplier.
func (n *Node) annual(ctx context.Context, q EvalQuery, parent string) (units []string, names map[string]string, y [][]float64, mult int64, err error) {
	kids, err := n.children(ctx, parent)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	var codes []string
	for _, a := range kids {
		codes = append(codes, a.Code)
	}
	vals, names, err := n.panel(ctx, q.Indicator, codes, strconv.Itoa(q.From), strconv.Itoa(q.To), q.Public)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	for _, c := range codes {
		row := make([]float64, 0, q.To-q.From+1)
		for _, per := range years(q.From, q.To) {
			v := vals[c][per]
			if !usable(v) || v.Months != 0 && v.Months < 12 {
				break
			}
			mult = v.Multiplier
			row = append(row, *v.Rate)
		}
		if len(row) == q.To-q.From+1 {
			units = append(units, c)
			y = append(y, row)
		}
	}
	if mult == 0 {
		mult = 1
	}
	return units, names, y, mult, nil
}

// span finds the years where every sub-area of parent has a full year.
func (n *Node) span(ctx context.Context, q EvalQuery, parent string) (int, int, error) {
	res, err := n.Engine.Values(ctx, valuesQuery(q, []string{parent}, strconv.Itoa(q.From), strconv.Itoa(q.To), ""))
	if err != nil {
		return 0, 0, err
	}
	lo, hi := 0, 0
	for _, v := range res.Values {
		y, err := strconv.Atoi(v.Period)
		if err != nil || !usable(v) || v.Months != 0 && v.Months < 12 {
			continue
		}
		if lo == 0 || y < lo {
			lo = y
		}
		if y > hi {
			hi = y
		}
	}
	if lo == 0 {
		return 0, 0, atalaya.Errorf(atalaya.EINVALID, "no full year of %s in %s", q.Indicator, parent)
	}
	return lo, hi, nil
}

func (n *Node) parentOf(ctx context.Context, area string) (string, error) {
	a, err := n.Store.Area(ctx, area)
	if err != nil {
		return "", err
	}
	if a.Parent == "" {
		return "", atalaya.Errorf(atalaya.EINVALID, "area %s has no parent: its siblings are the donors and comparisons", area)
	}
	return a.Parent, nil
}

// evaluateSynth builds a synthetic control of the programme's area from
// its sibling areas that the programme does not cover, on the yearly
// rate, with the outcome averaged over three pre-treatment windows as
// predictors and placebo-in-space inference.
func (n *Node) evaluateSynth(ctx context.Context, q EvalQuery) (*Report, error) {
	p := q.Programme
	if len(p.Areas) != 1 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "synthetic control evaluates one treated area; programme %s has %d (use did)", p.ID, len(p.Areas))
	}
	treated := p.Areas[0]
	parent, err := n.parentOf(ctx, treated)
	if err != nil {
		return nil, err
	}
	if q.From, q.To, err = n.span(ctx, q, parent); err != nil {
		return nil, err
	}
	units, names, y, mult, err := n.annual(ctx, q, parent)
	if err != nil {
		return nil, err
	}
	tp := p.Start.Year()
	if tp-q.From < 3 || q.To < tp {
		return nil, atalaya.Errorf(atalaya.EINVALID, "synthetic control needs at least 3 full years before %d and one from it; %s has %d–%d", tp, q.Indicator, q.From, q.To)
	}
	var donors []string
	inTreated := false
	for _, u := range units {
		if u == treated {
			inTreated = true
			continue
		}
		covered := false
		for _, o := range append(q.Others, p) {
			for _, a := range o.Areas {
				covered = covered || a == u && o.ID != p.ID && containsInd(o, q.Indicator)
			}
		}
		if !covered {
			donors = append(donors, u)
		}
	}
	if !inTreated {
		return nil, atalaya.Errorf(atalaya.EINVALID, "%s lacks a full year of %s in %d–%d", treated, q.Indicator, q.From, q.To)
	}
	if len(donors) < 2 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "synthetic control needs at least 2 donor areas; %d have complete data", len(donors))
	}
	var periods []int
	for yr := q.From; yr <= q.To; yr++ {
		periods = append(periods, yr)
	}
	pre := tp - q.From
	third := max(pre/3, 1)
	var preds []synth.Predictor
	for lo := q.From; lo < tp; lo += third {
		hi := min(lo+third-1, tp-1)
		if tp-1-hi < third && hi != tp-1 {
			hi = tp - 1
		}
		preds = append(preds, synth.Predictor{From: lo, To: hi, Label: fmt.Sprintf("%d–%d", lo, hi)})
		if hi == tp-1 {
			break
		}
	}
	spec := synth.Spec{Treated: treated, Donors: donors, TreatPeriod: tp, PredictorSpecs: preds}
	panel := synth.Panel{Units: units, Periods: periods, Y: y, Outcome: q.Indicator}
	inf, err := synth.Placebos(ctx, panel, spec)
	if err != nil {
		return nil, err
	}
	fit := inf.Result
	r := &Report{Method: atalaya.MethodSynth, Indicator: q.Indicator, Areas: p.Areas, Start: strconv.Itoa(tp), Frequency: "year",
		EffectKind: "rate_difference", Multiplier: mult}
	// The interval of the mean gap: the placebo gaps' spread (the 2.5th
	// and 97.5th percentiles of the donors' post-treatment mean gaps
	// around the estimate), since synthetic control has no sampling SE.
	var placeboATT []float64
	for _, pl := range inf.Placebos {
		if pl.Unit == treated {
			continue
		}
		g := inf.Gaps[pl.Unit]
		s, k := 0.0, 0
		for i, yr := range periods {
			if yr >= tp && i < len(g) {
				s += g[i]
				k++
			}
		}
		if k > 0 {
			placeboATT = append(placeboATT, s/float64(k))
		}
	}
	sort.Float64s(placeboATT)
	lo, hi := quantile(placeboATT, 0.025), quantile(placeboATT, 0.975)
	r.Effect = Estimate{Value: fit.ATT, Low: fit.ATT - hi, High: fit.ATT - lo, P: ptr(inf.P)}
	r.Significant = inf.P <= 0.1 && (fit.ATT < 0 || fit.ATT > 0)
	r.Direction = "none"
	if r.Significant {
		r.Direction = map[bool]string{true: "decrease", false: "increase"}[fit.ATT < 0]
	}
	for i, yr := range periods {
		r.Series = append(r.Series, Point{Period: strconv.Itoa(yr), Observed: ptr(fit.Treated[i]), Counterfactual: ptr(fit.Synthetic[i]), Treated: yr >= tp})
	}
	type weight struct {
		Area, Name string
		Weight     float64
	}
	var ws []weight
	for _, w := range fit.Ordered {
		if w.Weight >= 0.001 {
			ws = append(ws, weight{w.Unit, names[w.Unit], w.Weight})
		}
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i].Weight > ws[j].Weight })
	for _, w := range ws {
		nm := w.Name
		if nm == "" {
			nm = w.Area
		}
		r.Figures = append(r.Figures, Figure{Key: "analysis.fig.donor_weight", Value: w.Weight, Text: nm})
	}
	r.Figures = append(r.Figures,
		Figure{Key: "analysis.fig.pre_rmspe", Value: fit.PreRMSPE},
		Figure{Key: "analysis.fig.post_rmspe", Value: fit.PostRMSPE},
		Figure{Key: "analysis.fig.placebo_rank", Value: float64(inf.Rank), Text: strconv.Itoa(inf.Units)},
		Figure{Key: "analysis.fig.placebo_p", Value: inf.P})
	r.Details = map[string]any{"weights": fit.Ordered, "v": fit.V, "predictors": fit.Predictors, "pre_rmspe": fit.PreRMSPE,
		"post_rmspe": fit.PostRMSPE, "ratio": fit.Ratio, "rank": inf.Rank, "units": inf.Units, "p": inf.P, "ratios": inf.Ratios}
	return r, nil
}

func containsInd(p atalaya.Programme, ind string) bool {
	for _, i := range p.Indicators {
		if i == ind {
			return true
		}
	}
	return false
}

func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(i)
	return sorted[i]*(1-f) + sorted[i+1]*f
}

// evaluateDiD estimates Callaway–Sant'Anna group-time effects on the
// yearly rate across the sibling areas of the programme's areas: each
// area's group is the first year any programme of the registry targeting
// the indicator started there (this one's start for its own areas), and
// areas no programme covers are the never-treated comparison.
func (n *Node) evaluateDiD(ctx context.Context, q EvalQuery) (*Report, error) {
	p := q.Programme
	parent, err := n.parentOf(ctx, p.Areas[0])
	if err != nil {
		return nil, err
	}
	if q.From, q.To, err = n.span(ctx, q, parent); err != nil {
		return nil, err
	}
	units, _, y, mult, err := n.annual(ctx, q, parent)
	if err != nil {
		return nil, err
	}
	first := map[string]int{}
	for _, o := range append(q.Others, p) {
		if !containsInd(o, q.Indicator) {
			continue
		}
		for _, a := range o.Areas {
			if g, ok := first[a]; !ok || o.Start.Year() < g {
				first[a] = o.Start.Year()
			}
		}
	}
	var obs []did.Obs
	treatedUnits, never := 0, 0
	for i, u := range units {
		g := first[u]
		if g != 0 && (g <= q.From || g > q.To) {
			g = 0 // treated before the data begin or after they end: not usable as a group
			if first[u] <= q.From {
				continue
			}
		}
		if g == 0 {
			never++
		} else {
			treatedUnits++
		}
		for j, yr := range years(q.From, q.To) {
			t, _ := strconv.Atoi(yr)
			obs = append(obs, did.Obs{Unit: u, Period: t, Y: y[i][j], FirstTreat: g})
		}
	}
	if treatedUnits == 0 || never < 2 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "difference in differences needs treated areas with complete years and at least 2 never-treated ones; %d and %d have complete data of %s in %d–%d",
			treatedUnits, never, q.Indicator, q.From, q.To)
	}
	gt, err := did.ATTgt(obs, did.Options{})
	if err != nil {
		return nil, err
	}
	simple, err := gt.Aggregate(did.Simple)
	if err != nil {
		return nil, err
	}
	dyn, err := gt.Aggregate(did.Dynamic)
	if err != nil {
		return nil, err
	}
	r := &Report{Method: atalaya.MethodDiD, Indicator: q.Indicator, Areas: p.Areas, Start: strconv.Itoa(p.Start.Year()), Frequency: "year",
		EffectKind: "rate_difference", Multiplier: mult,
		Effect:  Estimate{Value: simple.ATT, Low: simple.Low, High: simple.High},
		Details: map[string]any{"att_gt": gt.Rows, "simple": simple, "dynamic": dyn, "pretest_p": gt.PreTestP, "pretest_df": gt.PreTestDF}}
	r.Significant, r.Direction = direction(r.Effect, 0)
	// The event study as the series: the effect by years since the start,
	// drawn as observed (effect) against zero (no effect).
	for _, e := range dyn.Effects {
		r.Series = append(r.Series, Point{Period: strconv.Itoa(e.Key), Observed: ptr(e.ATT), Counterfactual: ptr(0), Low: ptr(e.Low), High: ptr(e.High), Treated: e.Key >= 0})
	}
	r.Figures = []Figure{
		{Key: "analysis.fig.treated_areas", Value: float64(treatedUnits)},
		{Key: "analysis.fig.comparison_areas", Value: float64(never)},
		{Key: "analysis.fig.pretest_p", Value: gt.PreTestP},
	}
	return r, nil
}
