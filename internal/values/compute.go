package values

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/indicator"
	"github.com/oas-atalaya/atalaya/internal/stats"
)

// calc computes the values of one query.
type calc struct {
	e    *Engine
	ind  indicator.Indicator
	q    Query
	base *baseData
	view *view
	ix   *index
}

// Values computes the values of a query. Errors are *atalaya.Error:
// ENOTFOUND for an unknown indicator or area, EINVALID for a bad query.
func (e *Engine) Values(ctx context.Context, q Query) (Result, error) {
	ind, ok := e.cat.Lookup(q.Indicator)
	if !ok {
		return Result{}, atalaya.Errorf(atalaya.ENOTFOUND, "there is no indicator %q; GET /api/v1/indicators lists them", q.Indicator)
	}
	if err := checkQuery(ind, &q); err != nil {
		return Result{}, err
	}
	base, ver, err := e.state(ctx)
	if err != nil {
		return Result{}, err
	}
	areas, err := expandAreas(base, q.Areas, q.Children)
	if err != nil {
		return Result{}, err
	}
	vk := viewKey{}
	var asOf *time.Time
	if q.Public || !q.AsOf.IsZero() {
		t := e.now()
		if !q.AsOf.IsZero() && q.AsOf.Before(t) {
			t = q.AsOf
		}
		vk = viewKey{asOf: t.Unix(), published: true}
		asOf = &t
		if q.AsOf.IsZero() {
			// The current published view changes only with the data
			// version; do not make one per second.
			vk.asOf = math.MaxInt64
		}
	}
	ckey := fmt.Sprintf("%d|%v|%s|%s|%v|%s|%s|%s|%s|%v|%s", ver, vk, q.Indicator, strings.Join(q.Areas, ","), q.Children, q.From, q.To, q.By, q.Total, q.Public, q.Standard)
	e.mu.Lock()
	e.expire(vk)
	if r, ok := e.results[ckey]; ok && !e.noResults {
		e.mu.Unlock()
		return r, nil
	}
	e.mu.Unlock()

	var at time.Time
	if asOf != nil {
		at = *asOf
	}
	v, err := e.view(ctx, base, vk, at)
	if err != nil {
		return Result{}, err
	}
	by := q.By
	if q.Standard != "" {
		by = indicator.DimAge
	}
	ix, err := e.index(ctx, base, v, ind, by)
	if err != nil {
		return Result{}, err
	}
	c := &calc{e: e, ind: ind, q: q, base: base, view: v, ix: ix}
	periods, err := c.periods(areas)
	if err != nil {
		return Result{}, err
	}
	res := Result{Indicator: ind, Version: ver, AsOf: asOf, AreaNames: map[string]string{}}
	for _, a := range areas {
		res.AreaNames[a] = base.areas[a].Name
	}
	if q.Standard != "" {
		std, _ := standard(q.Standard)
		res.Standard = std.Name
		res.Values = c.standardised(areas, periods, std)
	} else {
		res.Values = c.all(areas, periods)
	}
	if q.Public {
		d := newDiscloser(c)
		d.apply(res.Values, areas, periods)
	}
	for i := range res.Values {
		if res.Values[i].Flags == nil {
			res.Values[i].Flags = []string{}
		}
	}
	e.mu.Lock()
	if len(e.results) >= maxResults {
		e.results = map[string]Result{}
	}
	e.results[ckey] = res
	e.mu.Unlock()
	return res, nil
}

// index returns the index of an indicator and breakdown in a view.
func (e *Engine) index(ctx context.Context, base *baseData, v *view, ind indicator.Indicator, by string) (*index, error) {
	k := indexKey{view: v.key, indicator: ind.ID, by: by}
	e.mu.Lock()
	ix := e.indexes[k]
	e.mu.Unlock()
	if ix != nil {
		return ix, nil
	}
	cells, err := e.codeCells(ctx, base, v, ind.Numerator.ICCS)
	if err != nil {
		return nil, err
	}
	report, err := e.reporting(ctx, base, v)
	if err != nil {
		return nil, err
	}
	ix = buildIndex(ind, by, cells, report)
	e.mu.Lock()
	if len(e.indexes) >= maxIndexes {
		e.indexes = map[indexKey]*index{}
	}
	e.indexes[k] = ix
	e.mu.Unlock()
	return ix, nil
}

func checkQuery(ind indicator.Indicator, q *Query) error {
	if q.By != "" && !contains(ind.Breakdowns, q.By) {
		return atalaya.Errorf(atalaya.EINVALID, "indicator %s cannot be broken down by %q; it can be by: %s", ind.ID, q.By, strings.Join(ind.Breakdowns, ", "))
	}
	switch q.Total {
	case "", "period", "area", "all":
	default:
		return atalaya.Errorf(atalaya.EINVALID, "total=%q: use total=period (one value per area for the whole range), total=area (one value per period for all the areas together) or total=all (one value)", q.Total)
	}
	if q.Standard != "" {
		if _, ok := standard(q.Standard); !ok {
			return atalaya.Errorf(atalaya.EINVALID, "standard=%q: use who2000 (WHO World Standard Population) or segi1960", q.Standard)
		}
		if ind.Kind != indicator.KindRate {
			return atalaya.Errorf(atalaya.EINVALID, "indicator %s is a %s; only rates are age-standardised", ind.ID, ind.Kind)
		}
		if q.By != "" || q.Total != "" {
			return atalaya.Errorf(atalaya.EINVALID, "an age-standardised rate cannot be combined with by= or total=")
		}
	}
	if len(q.Areas) == 0 {
		return atalaya.Errorf(atalaya.EINVALID, "say which areas: area=MEX (a country's ISO 3166-1 alpha-3 code) or area=MEX-09,MEX-15")
	}
	if len(q.Areas) > MaxAreas {
		return atalaya.Errorf(atalaya.EINVALID, "at most %d areas per query", MaxAreas)
	}
	return nil
}

func standard(name string) (stats.StandardPopulation, bool) {
	switch name {
	case "who2000":
		return stats.WHO2000(), true
	case "segi1960":
		return stats.Segi1960(), true
	}
	return stats.StandardPopulation{}, false
}

// expandAreas checks the areas and adds their children when asked.
func expandAreas(base *baseData, codes []string, children bool) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(c string) {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	for _, c := range codes {
		if _, ok := base.areas[c]; !ok {
			return nil, atalaya.Errorf(atalaya.ENOTFOUND, "there is no area %q; countries are ISO 3166-1 alpha-3 codes (MEX), sub-areas COUNTRY-CODE (MEX-09); GET /api/v1/areas lists them", c)
		}
		add(c)
		if children {
			for _, ch := range base.children[c] {
				add(ch)
			}
		}
	}
	if len(out) > MaxAreas {
		return nil, atalaya.Errorf(atalaya.EINVALID, "the query covers %d areas; ask for at most %d", len(out), MaxAreas)
	}
	return out, nil
}

// periods returns the periods of the query, defaulting to the years with
// data.
func (c *calc) periods(areas []string) ([]period, error) {
	from, to := c.q.From, c.q.To
	if from == "" || to == "" {
		lo, hi, ok := c.ix.years(areas)
		if !ok {
			return nil, nil
		}
		if from == "" && to == "" {
			from, to = itoa(lo), itoa(hi)
		} else if from == "" {
			p, err := parsePeriod(to)
			if err != nil {
				return nil, err
			}
			from = period{year: lo, g: p.g, n: 1}.String()
			if p.year < lo {
				from = to
			}
		} else {
			p, err := parsePeriod(from)
			if err != nil {
				return nil, err
			}
			last := period{year: hi, g: p.g, n: 4}
			if p.g == gMonth {
				last.n = 12
			}
			if p.g == gYear {
				last.n = 0
			}
			to = last.String()
			if p.year > hi {
				to = from
			}
		}
	}
	ps, err := periodRange(from, to, MaxPeriods)
	if err != nil {
		return nil, err
	}
	if (c.q.Total == "period" || c.q.Total == "all") && ps[0].g != gYear {
		return nil, atalaya.Errorf(atalaya.EINVALID, "total=period adds up whole years only: give from and to as years")
	}
	return ps, nil
}

// all computes the plain (not standardised) values of the query.
func (c *calc) all(areas []string, periods []period) []atalaya.Value {
	cats := []string{""}
	if c.q.By != "" && c.q.By != indicator.DimSource {
		cats = append(cats, c.ix.categories()...)
	}
	sts := []atalaya.SourceType{""}
	if c.q.By == indicator.DimSource {
		sts = c.sourceTypes(areas, periods)
	}
	var out []atalaya.Value
	switch c.q.Total {
	case "period":
		for _, a := range areas {
			for _, st := range sts {
				for _, cat := range cats {
					out = append(out, c.sum(c.q.Total, []string{a}, periods, cat, st))
				}
			}
		}
	case "all":
		for _, st := range sts {
			for _, cat := range cats {
				out = append(out, c.sum(c.q.Total, areas, periods, cat, st))
			}
		}
	case "area":
		for _, p := range periods {
			for _, st := range sts {
				for _, cat := range cats {
					out = append(out, c.sum(c.q.Total, areas, []period{p}, cat, st))
				}
			}
		}
	default:
		for _, a := range areas {
			for _, p := range periods {
				for _, st := range sts {
					for _, cat := range cats {
						out = append(out, c.value(a, p, cat, st))
					}
				}
			}
		}
	}
	return out
}

// sourceTypes returns the numerator's source types that report for any of
// the areas in any of the periods, in order of preference.
func (c *calc) sourceTypes(areas []string, periods []period) []atalaya.SourceType {
	var out []atalaya.SourceType
	for _, st := range c.ind.Numerator.SourceTypesOrDefault() {
	found:
		for _, a := range areas {
			for _, p := range periods {
				if c.ix.reportsIn(a, p, st) {
					out = append(out, st)
					break found
				}
			}
		}
	}
	return out
}
