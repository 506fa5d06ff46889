package values

import (
	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/stats"
)

// standardised computes directly age-standardised rates: the source's
// counts by age band, over the population of each band, weighted by the
// standard population regrouped into the source's bands. The source's
// bands must tile every age from 0 (victims of unknown age are left out,
// and counted in the note); the population must have the same bands, or
// finer ones that add up to them.
func (c *calc) standardised(areas []string, periods []period, std stats.StandardPopulation) []atalaya.Value {
	var out []atalaya.Value
	for _, a := range areas {
		for _, p := range periods {
			out = append(out, c.standardisedOne(a, p, std))
		}
	}
	return out
}

func (c *calc) standardisedOne(area string, p period, std stats.StandardPopulation) atalaya.Value {
	v := c.newValue(area, p.String(), "")
	v.Standard = std.Name
	tot := c.figure(area, p, "", "")
	if tot.bad != "" {
		c.finish(&v, tot)
		return v
	}
	type band struct {
		name   string
		lo, hi int
	}
	var bands []band
	for _, cat := range c.ix.categories() {
		lo, hi, ok := atalaya.ParseAgeBand(cat)
		if !ok {
			continue // U: unknown age
		}
		if r := c.ix.read(area, p, cat, tot.st); r.reports {
			bands = append(bands, band{cat, lo, hi})
		}
	}
	fail := func(why string) atalaya.Value {
		tot.bad = why
		c.finish(&v, tot)
		return v
	}
	if len(bands) == 0 {
		return fail("the " + string(tot.st) + " source gives no age bands for " + area + " in " + p.String())
	}
	// Bands are sorted by lower bound; they must tile 0 to an open end.
	froms := make([]int, len(bands))
	next := 0
	for i, b := range bands {
		if b.lo != next {
			return fail("the age bands of the " + string(tot.st) + " source do not cover every age without overlap, so they cannot be standardised")
		}
		froms[i] = b.lo
		next = b.hi + 1
		if b.hi < 0 {
			next = -1
		}
	}
	if next != -1 {
		return fail("the age bands of the " + string(tot.st) + " source end before an open band (such as 60+)")
	}
	agg, err := std.Aggregate(froms)
	if err != nil {
		return fail("the age bands of the source do not match the bands of the " + std.Name + ": " + err.Error())
	}
	counts := make([]int64, len(bands))
	pops := make([]int64, len(bands))
	sex, _ := c.ind.Denominator.Population.Sex, ""
	var n, popT int64
	for i, b := range bands {
		r := c.ix.read(area, p, b.name, tot.st)
		if r.bad != "" {
			return fail(r.bad)
		}
		counts[i] = r.num
		n += r.num
		pop, why := c.base.population(area, p.year, sex, b.name)
		if why != "" {
			return fail(why)
		}
		pops[i] = pop
		popT += pop
	}
	rate, lo, hi, err := stats.DirectStandardised(counts, pops, agg.Weights, float64(c.ind.Denominator.Multiplier), Level)
	if err != nil {
		return fail(atalaya.ErrorMessage(err))
	}
	tot.bad = ""
	tot.num = n
	tot.den = popT
	tot.denBad = ""
	c.finish(&v, tot)
	v.Rate, v.CILow, v.CIHigh = &rate, &lo, &hi
	return v
}
