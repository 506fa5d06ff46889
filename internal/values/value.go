package values

import (
	"strings"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/indicator"
	"github.com/oas-atalaya/atalaya/internal/stats"
)

// figure is what a value is computed from, before rates and flags.
type figure struct {
	st      atalaya.SourceType // source type of the count ("" if mixed)
	num     int64
	den     int64 // population (rate), count with relaxed filters (share) or other sources' count (ratio)
	denBad  string
	monthly bool
	months  int
	need    int
	covered int // sub-areas reporting
	subs    int // sub-areas
	status  atalaya.Status
	bad     string // the whole figure is not available
}

// pick returns the first source type in prefs that reports for area in p,
// with what it gives.
func (c *calc) pick(area string, p period, cat string, prefs []atalaya.SourceType) (atalaya.SourceType, reading, bool) {
	for _, st := range prefs {
		r := c.ix.read(area, p, cat, st)
		if r.reports || r.bad != "" {
			return st, r, true
		}
	}
	return "", reading{}, false
}

// figure computes the figure of one area, period and category; forced, if
// set, is the source type to read (a breakdown by source).
func (c *calc) figure(area string, p period, cat string, forced atalaya.SourceType) figure {
	prefs := c.ind.Numerator.SourceTypesOrDefault()
	if forced != "" {
		prefs = []atalaya.SourceType{forced}
	}
	st, r, ok := c.pick(area, p, cat, prefs)
	if !ok {
		if c.view.key.published {
			return figure{bad: "nothing published by a " + joinTypes(prefs) + " source for " + area + " in " + p.String() +
				" (figures become public when an approver publishes them)", need: r.need}
		}
		return figure{bad: "no " + joinTypes(prefs) + " source reports for " + area + " in " + p.String(), need: r.need}
	}
	f := figure{st: st, num: r.num, monthly: r.monthly, months: r.months, need: r.need, bad: r.bad,
		status: c.view.statusOf(c.base, st, area, p.year)}
	if f.bad != "" {
		return f
	}
	switch c.ind.Kind {
	case indicator.KindRate:
		sex, age := c.ind.Denominator.Population.Sex, c.ind.Denominator.Population.Age
		switch c.ix.by {
		case indicator.DimSex:
			if cat != "" {
				sex = cat
			}
		case indicator.DimAge:
			if cat != "" {
				age = cat
			}
		}
		f.den, f.denBad = c.base.population(area, p.year, sex, age)
	case indicator.KindShare:
		f.den = r.den
		if f.den == 0 {
			f.denBad = "there are no events to take a share of"
		}
	case indicator.KindRatio:
		dst, dr, ok := c.pick(area, p, cat, c.ind.Denominator.SourceTypes)
		switch {
		case !ok:
			f.denBad = "no " + joinTypes(c.ind.Denominator.SourceTypes) + " source reports for " + area + " in " + p.String()
		case dr.bad != "":
			f.denBad = dr.bad
		case dr.num == 0:
			f.denBad = "the " + string(dst) + " count is zero"
		default:
			f.den = dr.num
		}
	}
	if subs := c.base.children[area]; len(subs) > 0 {
		for _, s := range subs {
			if c.ix.reportsIn(s, p, st) {
				f.covered++
			}
		}
		if f.covered > 0 {
			f.subs = len(subs)
		}
	}
	return f
}

func joinTypes(ts []atalaya.SourceType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	if len(s) > 1 {
		return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
	}
	return strings.Join(s, "")
}

// value computes one value.
func (c *calc) value(area string, p period, cat string, forced atalaya.SourceType) atalaya.Value {
	v := c.newValue(area, p.String(), cat)
	f := c.figure(area, p, cat, forced)
	if forced != "" {
		v.SourceType = forced
	}
	c.finish(&v, f)
	return v
}

func (c *calc) newValue(area, per, cat string) atalaya.Value {
	v := atalaya.Value{Indicator: c.ind.ID, Area: area, Period: per, Unit: c.ind.Numerator.Unit,
		Multiplier: c.ind.Denominator.Multiplier}
	switch c.q.By {
	case indicator.DimSex:
		v.Sex = orTotal(cat)
	case indicator.DimAge:
		v.Age = orTotal(cat)
	case indicator.DimWeapon:
		v.Weapon = orTotal(cat)
	case indicator.DimContext:
		v.Context = orTotal(cat)
	}
	return v
}

func orTotal(cat string) string {
	if cat == "" {
		return total
	}
	return cat
}

// finish fills a value from its figure: count, denominator, rate, interval,
// status and flags.
func (c *calc) finish(v *atalaya.Value, f figure) {
	if f.st != "" {
		v.SourceType = f.st
	}
	v.Status = f.status
	if v.Status == "" {
		v.Status = atalaya.StatusPreliminary
	}
	if f.bad != "" {
		v.NotAvailable = f.bad
		v.Flags = append(v.Flags, atalaya.FlagNotAvailable)
		return
	}
	n := f.num
	v.Count = &n
	if v.Status != atalaya.StatusPublished {
		v.Flags = append(v.Flags, atalaya.FlagProvisional)
	}
	if n < SmallCount {
		v.Flags = append(v.Flags, atalaya.FlagSmallCount)
	}
	if f.monthly && f.need > 1 {
		v.Months = f.months
		if f.months < f.need {
			v.Flags = append(v.Flags, atalaya.FlagPartialPeriod)
		}
	}
	if f.subs > 0 {
		cov := float64(f.covered) / float64(f.subs)
		v.Coverage = &cov
		if f.covered < f.subs {
			v.Flags = append(v.Flags, atalaya.FlagCoverage)
		}
	}
	if f.denBad != "" {
		v.NotAvailable = f.denBad
		v.Flags = append(v.Flags, atalaya.FlagNotAvailable)
		return
	}
	d := f.den
	v.Denominator = &d
	mult := float64(c.ind.Denominator.Multiplier)
	var rate, lo, hi float64
	ok := false
	switch c.ind.Kind {
	case indicator.KindRate:
		if d > 0 {
			pl, ph := c.e.poissonCI(n)
			rate, lo, hi, ok = float64(n)/float64(d)*mult, pl*mult/float64(d), ph*mult/float64(d), true
		}
	case indicator.KindShare:
		var l, h float64
		l, h, ok = stats.ClopperPearson(n, d, Level)
		rate, lo, hi = float64(n)/float64(d)*mult, l*mult, h*mult
	case indicator.KindRatio:
		rate, lo, hi, ok = stats.RateRatio(n, 1, d, 1, Level)
		rate, lo, hi = rate*mult, lo*mult, hi*mult
	}
	if !ok {
		v.NotAvailable = "the " + string(c.ind.Kind) + " is undefined for these counts"
		v.Flags = append(v.Flags, atalaya.FlagNotAvailable)
		return
	}
	v.Rate, v.CILow, v.CIHigh = &rate, &lo, &hi
}

// sum computes an aggregate over several areas or periods: the sum of the
// numerators over the sum of the denominators, never an average of rates.
// Every part must be available.
func (c *calc) sum(kind string, areas []string, periods []period, cat string, forced atalaya.SourceType) atalaya.Value {
	label := periods[0].String()
	if len(periods) > 1 {
		label = periods[0].String() + "/" + periods[len(periods)-1].String()
	}
	v := c.newValue(strings.Join(areas, "+"), label, cat)
	if forced != "" {
		v.SourceType = forced
	}
	agg := figure{status: atalaya.StatusPublished}
	first := true
	for _, a := range areas {
		for _, p := range periods {
			f := c.figure(a, p, cat, forced)
			if f.bad != "" {
				agg.bad = f.bad
				c.finish(&v, agg)
				return v
			}
			if first {
				agg.st = f.st
				first = false
			} else if agg.st != f.st {
				agg.st = ""
			}
			agg.num += f.num
			agg.den += f.den
			if f.denBad != "" && agg.denBad == "" {
				agg.denBad = f.denBad
			}
			if statusRank(f.status) < statusRank(agg.status) {
				agg.status = f.status
			}
			if f.monthly {
				agg.monthly = true
			}
			agg.months += f.months
			agg.need += f.need
			if !f.monthly {
				agg.months += f.need
			}
		}
	}
	if agg.st == "" && !first {
		v.SourceType = ""
	}
	c.finish(&v, agg)
	if agg.st == "" {
		v.SourceType = forced
	}
	// Months summed over areas and years would read as months reported;
	// partial_period says what matters.
	v.Months = 0
	return v
}
