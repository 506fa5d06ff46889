// Package did estimates group-time average treatment effects for staggered
// adoption designs, following Callaway & Sant'Anna (2021), "Difference-in-
// Differences with Multiple Time Periods", Journal of Econometrics 225(2),
// and the R package did (att_gt and aggte) by the same authors.
//
// The estimator is the unconditional one (no covariates): ATT(g,t) is the
// mean change of the outcome between a base period and t among the units
// first treated in g, minus the same mean change among the comparison units
// (never treated, or not yet treated by t). Standard errors come from the
// influence function of each ATT(g,t), or from the multiplier bootstrap,
// which also gives uniform confidence bands. Aggregations into an overall
// effect, an event study, group effects and calendar effects follow aggte,
// including the influence function of the estimated group weights.
//
// Point estimates and analytical standard errors reproduce R did 2.5 on the
// mpdta panel to 1e-10 relative (see did_test.go and testdata/PROVENANCE.md).
package did

import (
	"math"
	"sort"

	"github.com/oas-atalaya/atalaya"
	"gonum.org/v1/gonum/stat/distuv"
)

// Obs is one unit in one period of a balanced panel.
type Obs struct {
	Unit       string
	Period     int
	Y          float64
	FirstTreat int // the first period in which the unit is treated; 0 = never
	// X are optional covariates (the same number for every observation).
	// As in R did, a comparison uses their values in its earlier period,
	// with an intercept added (see Options.EstMethod).
	X []float64
}

// Control groups and base periods, as named by R did.
const (
	NeverTreated  = "nevertreated"
	NotYetTreated = "notyettreated"
	Varying       = "varying"
	Universal     = "universal"
	Mammen        = "mammen"
	Rademacher    = "rademacher"
)

// Options chooses the comparison group, the base period and the inference.
// The zero value means never-treated controls, a varying base period,
// analytical standard errors and 95% pointwise intervals.
type Options struct {
	Control    string  // NeverTreated (default) or NotYetTreated
	BasePeriod string  // Varying (default) or Universal
	Bootstrap  int     // multiplier bootstrap draws; 0 = analytical standard errors
	Weights    string  // bootstrap multipliers: Rademacher (default, as R did through BMisc) or Mammen
	Pointwise  bool    // with Bootstrap > 0, pointwise rather than uniform bands
	Seed       uint64  // seed of the bootstrap draws
	Alpha      float64 // 1 − confidence level; 0 means 0.05
	// EstMethod is R did's est_method. Without covariates "reg", "ipw"
	// and "dr" coincide; with covariates they are the doubly robust
	// estimator (the default, as in R did), outcome regression and
	// standardised inverse probability weighting; "" means "dr".
	EstMethod string
}

// Row is one group-time average treatment effect. SE is 0 where the
// effect is zero by construction (the universal base period itself).
type Row struct {
	Group, Period int
	ATT, SE       float64
	Low, High     float64
	Post          bool // Period >= Group
}

// GroupTime holds every ATT(g,t), the influence functions behind them and
// the Wald pre-test of parallel trends.
type GroupTime struct {
	Rows  []Row
	Units int     // units in the balanced panel
	Crit  float64 // critical value of the bands (uniform with the bootstrap)
	// PreTestW is the Wald statistic that all pre-treatment ATT(g,t) are
	// zero (analytical covariance), PreTestDF its degrees of freedom and
	// PreTestP its chi-squared p-value. DF is 0 when there is no
	// pre-treatment effect to test.
	PreTestW  float64
	PreTestDF int
	PreTestP  float64

	opt     Options
	periods []int       // sorted periods
	unitG   []int       // first treatment of each unit (0 = never)
	groups  []int       // treated groups, sorted
	inf     [][]float64 // influence function: inf[k][i] for row k, unit i
}

type panel struct {
	units   []string
	periods []int
	g       []int         // per unit
	y       [][]float64   // unit × period
	x       [][][]float64 // unit × period × covariate; nil without covariates
}

// ATTgt estimates ATT(g,t) for every treated group g and period t, as R
// did's att_gt with xformla = ~1 and panel = TRUE. Units first treated in
// or before the first period are dropped, and units first treated after
// the last period count as never treated, as in R did.
func ATTgt(obs []Obs, opt Options) (*GroupTime, error) {
	opt, err := normalise(opt)
	if err != nil {
		return nil, err
	}
	p, err := balance(obs)
	if err != nil {
		return nil, err
	}
	gt := &GroupTime{opt: opt, periods: p.periods, unitG: p.g, Units: len(p.units)}
	for _, g := range p.g {
		if g > 0 && (len(gt.groups) == 0 || !containsInt(gt.groups, g)) {
			gt.groups = append(gt.groups, g)
		}
	}
	sort.Ints(gt.groups)
	if len(gt.groups) == 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "no unit is treated within the panel's periods")
	}
	if opt.Control == NeverTreated && !containsInt(p.g, 0) {
		return nil, atalaya.Errorf(atalaya.EINVALID, "no never-treated unit to compare with; use the not-yet-treated control group")
	}
	if err := gt.estimate(p); err != nil {
		return nil, err
	}
	if len(gt.Rows) == 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "no group-time effect can be estimated: no group has both a pre-treatment period and comparison units")
	}
	gt.inference()
	gt.preTest()
	return gt, nil
}

func normalise(opt Options) (Options, error) {
	if opt.Control == "" {
		opt.Control = NeverTreated
	}
	if opt.BasePeriod == "" {
		opt.BasePeriod = Varying
	}
	if opt.Weights == "" {
		opt.Weights = Rademacher
	}
	if opt.Alpha == 0 {
		opt.Alpha = 0.05
	}
	switch {
	case opt.Control != NeverTreated && opt.Control != NotYetTreated:
		return opt, atalaya.Errorf(atalaya.EINVALID, "control group %q: want %q or %q", opt.Control, NeverTreated, NotYetTreated)
	case opt.BasePeriod != Varying && opt.BasePeriod != Universal:
		return opt, atalaya.Errorf(atalaya.EINVALID, "base period %q: want %q or %q", opt.BasePeriod, Varying, Universal)
	case opt.Weights != Mammen && opt.Weights != Rademacher:
		return opt, atalaya.Errorf(atalaya.EINVALID, "bootstrap weights %q: want %q or %q", opt.Weights, Mammen, Rademacher)
	case !(opt.Alpha > 0 && opt.Alpha < 1):
		return opt, atalaya.Errorf(atalaya.EINVALID, "alpha %v: want a number between 0 and 1", opt.Alpha)
	case opt.EstMethod != "" && opt.EstMethod != "reg" && opt.EstMethod != "ipw" && opt.EstMethod != "dr":
		return opt, atalaya.Errorf(atalaya.EINVALID, "estimation method %q: want reg, ipw or dr", opt.EstMethod)
	case opt.Bootstrap < 0 || opt.Bootstrap > 1_000_000:
		return opt, atalaya.Errorf(atalaya.EINVALID, "bootstrap draws %d: want 0 to 1000000", opt.Bootstrap)
	}
	return opt, nil
}

// balance turns observations into a unit × period matrix, refusing an
// unbalanced panel, duplicates, non-finite outcomes and a treatment date
// that changes within a unit.
func balance(obs []Obs) (*panel, error) {
	if len(obs) == 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "no observations")
	}
	unitIdx := map[string]int{}
	perIdx := map[int]int{}
	p := &panel{}
	for _, o := range obs {
		if math.IsNaN(o.Y) || math.IsInf(o.Y, 0) || math.Abs(o.Y) > 1e100 {
			return nil, atalaya.Errorf(atalaya.EINVALID, "unit %q, period %d: outcome is not a finite number of at most 1e100", o.Unit, o.Period)
		}
		if len(o.X) != len(obs[0].X) {
			return nil, atalaya.Errorf(atalaya.EINVALID, "unit %q, period %d: %d covariates; the first observation has %d", o.Unit, o.Period, len(o.X), len(obs[0].X))
		}
		for _, x := range o.X {
			if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1e100 {
				return nil, atalaya.Errorf(atalaya.EINVALID, "unit %q, period %d: a covariate is not a finite number of at most 1e100", o.Unit, o.Period)
			}
		}
		if o.FirstTreat < 0 {
			return nil, atalaya.Errorf(atalaya.EINVALID, "unit %q: first treatment period %d is negative", o.Unit, o.FirstTreat)
		}
		if _, ok := unitIdx[o.Unit]; !ok {
			unitIdx[o.Unit] = len(p.units)
			p.units = append(p.units, o.Unit)
			p.g = append(p.g, o.FirstTreat)
		}
		if _, ok := perIdx[o.Period]; !ok {
			perIdx[o.Period] = 0
			p.periods = append(p.periods, o.Period)
		}
	}
	if len(p.periods) < 2 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "the panel has %d period; want at least 2", len(p.periods))
	}
	if len(obs) != len(p.units)*len(p.periods) {
		return nil, atalaya.Errorf(atalaya.EINVALID, "unbalanced panel: %d observations for %d units × %d periods", len(obs), len(p.units), len(p.periods))
	}
	sort.Ints(p.periods)
	for i, t := range p.periods {
		perIdx[t] = i
	}
	p.y = make([][]float64, len(p.units))
	seen := make([][]bool, len(p.units))
	if len(obs[0].X) > 0 {
		p.x = make([][][]float64, len(p.units))
	}
	for i := range p.y {
		p.y[i] = make([]float64, len(p.periods))
		seen[i] = make([]bool, len(p.periods))
		if p.x != nil {
			p.x[i] = make([][]float64, len(p.periods))
		}
	}
	for _, o := range obs {
		i, t := unitIdx[o.Unit], perIdx[o.Period]
		if seen[i][t] {
			return nil, atalaya.Errorf(atalaya.EINVALID, "unit %q has two observations in period %d", o.Unit, o.Period)
		}
		if o.FirstTreat != p.g[i] {
			return nil, atalaya.Errorf(atalaya.EINVALID, "unit %q: first treatment period changes between observations", o.Unit)
		}
		seen[i][t] = true
		p.y[i][t] = o.Y
		if p.x != nil {
			p.x[i][t] = o.X
		}
	}
	first, last := p.periods[0], p.periods[len(p.periods)-1]
	keep := 0
	for i := range p.units {
		g := p.g[i]
		if g > last {
			g = 0 // treated after the panel ends: never treated within it
		}
		if g != 0 && g <= first {
			continue // treated from the start: nothing to compare before
		}
		p.units[keep], p.g[keep], p.y[keep] = p.units[i], g, p.y[i]
		if p.x != nil {
			p.x[keep] = p.x[i]
		}
		keep++
	}
	p.units, p.g, p.y = p.units[:keep], p.g[:keep], p.y[:keep]
	if p.x != nil {
		p.x = p.x[:keep]
	}
	if keep == 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "every unit is treated in the first period")
	}
	return p, nil
}

// estimate computes each ATT(g,t) and its influence function, looping
// over groups and periods exactly as R did's compute.att_gt.
func (gt *GroupTime) estimate(p *panel) error {
	n := len(p.units)
	nT := len(p.periods)
	tfac := 0
	if gt.opt.BasePeriod == Varying {
		tfac = 1
	}
	for _, g := range gt.groups {
		lastPre := -1 // index of the last period before g
		for i, t := range p.periods {
			if t < g {
				lastPre = i
			}
		}
		for ti := 0; ti < nT-tfac; ti++ {
			tt := ti + tfac
			pret := ti
			if gt.opt.BasePeriod == Universal || g <= p.periods[tt] {
				pret = lastPre
			}
			if pret < 0 {
				continue // no pre-treatment period for this group
			}
			row := Row{Group: g, Period: p.periods[tt], Post: g <= p.periods[tt]}
			if gt.opt.BasePeriod == Universal && pret == tt {
				gt.Rows = append(gt.Rows, row)
				gt.inf = append(gt.inf, make([]float64, n))
				continue
			}
			var inf []float64
			var att float64
			var ok bool
			if p.x != nil {
				var err error
				est := gt.twoByTwoDR
				switch gt.opt.EstMethod {
				case "reg":
					est = gt.twoByTwoReg
				case "ipw":
					est = gt.twoByTwoIPW
				}
				if inf, att, ok, err = est(p, g, tt, pret); err != nil {
					return err
				}
			} else {
				inf, att, ok = gt.twoByTwo(p, g, tt, pret)
			}
			if !ok {
				continue
			}
			row.ATT = att
			gt.Rows = append(gt.Rows, row)
			gt.inf = append(gt.inf, inf)
		}
	}
	return nil
}

// twoByTwo is the 2×2 comparison of group g against its controls between
// period indexes pret and tt, with its influence function scaled to the
// whole sample as R did does (n/n1 times the subsample's).
func (gt *GroupTime) twoByTwo(p *panel, g, tt, pret int) ([]float64, float64, bool) {
	n := len(p.units)
	isControl := gt.controls(p, g, tt, pret)
	var n1, nt, nc int
	var st, sc float64
	for i, gi := range p.g {
		dy := p.y[i][tt] - p.y[i][pret]
		switch {
		case gi == g:
			nt++
			st += dy
		case isControl(gi):
			nc++
			sc += dy
		default:
			continue
		}
		n1++
	}
	if nt == 0 || nc == 0 {
		return nil, 0, false
	}
	mt, mc := st/float64(nt), sc/float64(nc)
	pt := float64(nt) / float64(n1)
	scale := float64(n) / float64(n1)
	inf := make([]float64, n)
	for i, gi := range p.g {
		dy := p.y[i][tt] - p.y[i][pret]
		switch {
		case gi == g:
			inf[i] = scale * (dy - mt) / pt
		case isControl(gi):
			inf[i] = -scale * (dy - mc) / (1 - pt)
		}
	}
	return inf, mt - mc, true
}

// controls reports whether a unit of group gi is a comparison unit for
// group g between period indexes pret and tt.
func (gt *GroupTime) controls(p *panel, g, tt, pret int) func(int) bool {
	late := p.periods[max(tt, pret)]
	return func(gi int) bool {
		if gi == 0 {
			return true
		}
		return gt.opt.Control == NotYetTreated && gi > late && gi != g
	}
}

// inference fills in the standard errors and bands of every row.
func (gt *GroupTime) inference() {
	se, crit := gt.opt.seCrit(gt.inf, gt.Units)
	gt.Crit = crit
	for k := range gt.Rows {
		r := &gt.Rows[k]
		r.SE = se[k]
		r.Low, r.High = r.ATT-crit*r.SE, r.ATT+crit*r.SE
	}
}

// seCrit returns the standard error of each influence function and the
// critical value for the bands: analytical and pointwise without the
// bootstrap, else the bootstrap's (uniform unless Pointwise).
func (opt Options) seCrit(inf [][]float64, n int) ([]float64, float64) {
	if opt.Bootstrap > 0 {
		se, crit := opt.mboot(inf, n)
		return se, crit
	}
	se := make([]float64, len(inf))
	for k, f := range inf {
		se[k] = analyticSE(f, n)
	}
	return se, distuv.UnitNormal.Quantile(1 - opt.Alpha/2)
}

// analyticSE is sqrt(mean(ψ²)/n), R did's getSE without the bootstrap.
// Standard errors below R's threshold sqrt(eps)·10 are reported as 0.
func analyticSE(f []float64, n int) float64 {
	var s float64
	for _, v := range f {
		s += v * v
	}
	se := math.Sqrt(s/float64(n)) / math.Sqrt(float64(n))
	if se <= math.Sqrt(2.220446049250313e-16)*10 {
		return 0
	}
	return se
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
