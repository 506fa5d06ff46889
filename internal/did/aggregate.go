package did

import (
	"math"

	"github.com/oas-atalaya/atalaya"
)

// Aggregation kinds, as R did's aggte type.
const (
	Simple   = "simple"   // one number: post-treatment ATT(g,t) weighted by group size
	Dynamic  = "dynamic"  // event study: effects by time since treatment e = t − g
	Group    = "group"    // effects by group, averaged over its post-treatment periods
	Calendar = "calendar" // effects by calendar period
)

// Effect is one aggregated effect: Key is the event time, group or period.
type Effect struct {
	Key       int
	ATT, SE   float64
	Low, High float64
}

// Aggregate is an aggregation of the ATT(g,t): an overall effect and, except
// for Simple, its parts. Overall bands are pointwise; the parts' bands use
// Crit, uniform over the parts when bootstrapped.
type Aggregate struct {
	Kind      string
	ATT, SE   float64
	Low, High float64
	Effects   []Effect
	Crit      float64
}

// AggOptions are aggte's optional arguments. Nil means not set.
type AggOptions struct {
	// BalanceE keeps, in the event study, only the groups observed for at
	// least BalanceE periods after treatment, and event times up to it.
	BalanceE *int
	// MinE and MaxE bound the event times of the event study; MaxE also
	// bounds the post-treatment effects used by Simple and Group.
	MinE, MaxE *int
}

// Aggregate combines the group-time effects as aggte(type = kind) does,
// with influence functions that include the estimation of the weights.
func (gt *GroupTime) Aggregate(kind string) (*Aggregate, error) {
	return gt.AggregateWith(kind, AggOptions{})
}

// AggregateWith is Aggregate with aggte's balance_e, min_e and max_e.
func (gt *GroupTime) AggregateWith(kind string, o AggOptions) (*Aggregate, error) {
	minE, maxE := math.MinInt, math.MaxInt
	if o.MinE != nil {
		minE = *o.MinE
	}
	if o.MaxE != nil {
		maxE = *o.MaxE
	}
	post := func(r Row) bool { return r.Post && r.Period-r.Group <= maxE }
	a := &aggregator{gt: gt, n: gt.Units}
	a.pg = map[int]float64{}
	for _, g := range gt.unitG {
		if g != 0 {
			a.pg[g]++
		}
	}
	for g := range a.pg {
		a.pg[g] /= float64(a.n)
	}
	var parts []part
	var overall part
	switch kind {
	case Simple:
		overall = a.combine(a.rows(post), true)
	case Group:
		var pgs []float64
		for _, g := range gt.groups {
			p := a.combine(a.rows(func(r Row) bool { return r.Group == g && post(r) }), false)
			if p.ok {
				p.key = g
				parts = append(parts, p)
				pgs = append(pgs, a.pg[g])
			}
		}
		overall = a.overGroups(parts, pgs)
	case Dynamic:
		keep := func(Row) bool { return true }
		lastT := gt.periods[len(gt.periods)-1]
		if o.BalanceE != nil {
			be := *o.BalanceE
			keep = func(r Row) bool { return lastT-r.Group >= be }
		}
		for _, e := range a.keys(func(r Row) int { return r.Period - r.Group }, keep) {
			if e < minE || e > maxE {
				continue
			}
			if o.BalanceE != nil && (e > *o.BalanceE || e < *o.BalanceE-lastT+gt.periods[0]) {
				continue
			}
			p := a.combine(a.rows(func(r Row) bool { return r.Period-r.Group == e && keep(r) }), true)
			p.key = e
			parts = append(parts, p)
		}
		overall = mean(parts, func(p part) bool { return p.key >= 0 }, a.n)
	case Calendar:
		minG := gt.groups[0]
		for _, t := range a.keys(func(r Row) int { return r.Period }, func(Row) bool { return true }) {
			if t < minG {
				continue
			}
			p := a.combine(a.rows(func(r Row) bool { return r.Period == t && r.Post }), true)
			if p.ok {
				p.key = t
				parts = append(parts, p)
			}
		}
		overall = mean(parts, func(part) bool { return true }, a.n)
	default:
		return nil, atalaya.Errorf(atalaya.EINVALID, "aggregation %q: want %q, %q, %q or %q", kind, Simple, Dynamic, Group, Calendar)
	}
	if !overall.ok {
		return nil, atalaya.Errorf(atalaya.EINVALID, "aggregation %q: no post-treatment effect to aggregate", kind)
	}
	out := &Aggregate{Kind: kind, ATT: overall.att}
	opt := gt.opt
	ose, _ := opt.seCrit([][]float64{overall.inf}, a.n)
	crit := criticalPointwise(opt)
	out.SE = ose[0]
	out.Low, out.High = out.ATT-crit*out.SE, out.ATT+crit*out.SE
	if len(parts) > 0 {
		infs := make([][]float64, len(parts))
		for i, p := range parts {
			infs[i] = p.inf
		}
		se, c := opt.seCrit(infs, a.n)
		out.Crit = c
		for i, p := range parts {
			out.Effects = append(out.Effects, Effect{Key: p.key, ATT: p.att, SE: se[i], Low: p.att - c*se[i], High: p.att + c*se[i]})
		}
	}
	return out, nil
}

func criticalPointwise(opt Options) float64 {
	o := opt
	o.Pointwise = true
	o.Bootstrap = 0
	_, c := o.seCrit(nil, 1)
	return c
}

type part struct {
	key int
	att float64
	inf []float64
	ok  bool
}

type aggregator struct {
	gt *GroupTime
	n  int
	pg map[int]float64 // share of units in each group
}

func (a *aggregator) rows(keep func(Row) bool) []int {
	var ks []int
	for k, r := range a.gt.Rows {
		if keep(r) {
			ks = append(ks, k)
		}
	}
	return ks
}

// keys lists the distinct values of key over the kept rows, in
// increasing order.
func (a *aggregator) keys(key func(Row) int, keep func(Row) bool) []int {
	var out []int
	for _, r := range a.gt.Rows {
		if !keep(r) {
			continue
		}
		v := key(r)
		if !containsInt(out, v) {
			out = append(out, v)
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// combine is Σ w_k ATT_k with w_k = P(G = g_k)/Σ P(G = g_j) over the rows
// ks, and its influence function: Σ w_k ψ_k plus, with withWIF, the term
// for the estimated weights (R did's wif and get_agg_inf_func).
func (a *aggregator) combine(ks []int, withWIF bool) part {
	if len(ks) == 0 {
		return part{}
	}
	groups := make([]int, len(ks))
	att := make([]float64, len(ks))
	pgs := make([]float64, len(ks))
	for j, k := range ks {
		groups[j], att[j] = a.gt.Rows[k].Group, a.gt.Rows[k].ATT
		pgs[j] = a.pg[groups[j]]
	}
	return a.weighted(groups, att, pgs, func(j int) []float64 { return a.gt.inf[ks[j]] }, withWIF)
}

// overGroups is the overall effect of the group aggregation: group effects
// weighted by group size, with the weights' influence function.
func (a *aggregator) overGroups(parts []part, pgs []float64) part {
	if len(parts) == 0 {
		return part{}
	}
	groups := make([]int, len(parts))
	att := make([]float64, len(parts))
	for j, p := range parts {
		groups[j], att[j] = p.key, p.att
	}
	return a.weighted(groups, att, pgs, func(j int) []float64 { return parts[j].inf }, true)
}

func (a *aggregator) weighted(groups []int, att, pgs []float64, inf func(int) []float64, withWIF bool) part {
	var s float64
	for _, p := range pgs {
		s += p
	}
	if s == 0 {
		return part{}
	}
	out := part{inf: make([]float64, a.n), ok: true}
	for j := range att {
		w := pgs[j] / s
		out.att += w * att[j]
		for i, x := range inf(j) {
			out.inf[i] += w * x
		}
	}
	if !withWIF {
		return out
	}
	// wif_ik = (1{G_i=g_k} − pg_k)/S − Σ_j(1{G_i=g_j} − pg_j)·pg_k/S²;
	// its contribution is Σ_k wif_ik·ATT_k.
	var attW float64 // Σ_k pg_k ATT_k / S²
	for j := range att {
		attW += pgs[j] * att[j] / (s * s)
	}
	for i, gi := range a.gt.unitG {
		var first, dev float64
		for j, g := range groups {
			d := -pgs[j]
			if gi == g {
				d++
			}
			first += d * att[j] / s
			dev += d
		}
		out.inf[i] += first - dev*attW
	}
	return out
}

// mean is the plain average of the selected parts and of their influence
// functions, with no weight term (R did's overall dynamic and calendar).
func mean(parts []part, keep func(part) bool, n int) part {
	out := part{inf: make([]float64, n)}
	m := 0
	for _, p := range parts {
		if keep(p) && p.ok {
			m++
		}
	}
	if m == 0 {
		return out
	}
	out.ok = true
	for _, p := range parts {
		if !keep(p) || !p.ok {
			continue
		}
		out.att += p.att / float64(m)
		for i, x := range p.inf {
			out.inf[i] += x / float64(m)
		}
	}
	if math.IsNaN(out.att) {
		out.ok = false
	}
	return out
}
