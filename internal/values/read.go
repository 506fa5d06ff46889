package values

import (
	"math/bits"

	"github.com/oas-atalaya/atalaya"
)

// reading is what one source type gives for one area, period and category.
type reading struct {
	reports bool   // the source reports for the area in the period
	num     int64  // numerator count
	den     int64  // share denominator count
	monthly bool   // built from monthly (or quarterly) data
	months  int    // months of the period the source reports (monthly data)
	need    int    // months the period has
	bad     string // why the count cannot be computed
}

// read adds up what source type st gives for area, period p and category
// cat ("" for the total).
func (ix *index) read(area string, p period, cat string, st atalaya.SourceType) reading {
	b := ix.blocks[blockKey{area, p.year, st}]
	first, n := p.months()
	r := reading{need: n}
	if b == nil {
		return r
	}
	mmask := p.monthMask()
	var qmask uint32
	for q := 1; q <= 4; q++ {
		qp := period{year: p.year, g: gQuarter, n: q}
		if qp.monthMask()&mmask == qp.monthMask() {
			qmask |= 1 << (slotQuarter1 + q - 1)
		}
	}
	s := b.cats[cat]
	none := b.cats[noBreakdown]
	switch {
	case p.g == gYear && b.report&(1<<slotYear) != 0:
		// Annual data.
		r.reports = true
		r.add(s, slotYear)
		if cat != "" && none != nil && none[slotYear].has && (s == nil || !s[slotYear].has) {
			r.bad = "the source gives no breakdown by " + ix.by
		}
	case b.report&mmask != 0:
		r.reports, r.monthly = true, true
		r.months = bits.OnesCount32(b.report & mmask)
		for m := first; m < first+n; m++ {
			r.add(s, m)
			if cat != "" && none != nil && none[m].has && (s == nil || !s[m].has) {
				r.bad = "the source gives no breakdown by " + ix.by
			}
		}
	case qmask != 0 && b.report&qmask != 0:
		r.reports, r.monthly = true, true
		r.months = 3 * bits.OnesCount32(b.report&qmask)
		for q := 0; q < 4; q++ {
			if qmask&(1<<(slotQuarter1+q)) != 0 {
				r.add(s, slotQuarter1+q)
			}
		}
	case b.report != 0 && p.g != gYear:
		r.bad = "the source gives figures for the whole year only, not by " + granularityName(p.g)
	}
	return r
}

func (r *reading) add(s *slots, slot int) {
	if s == nil {
		return
	}
	c := &s[slot]
	r.num += c.num
	r.den += c.den
	if c.bad != "" && r.bad == "" {
		r.bad = c.bad
	}
}

func granularityName(g granularity) string {
	switch g {
	case gQuarter:
		return "quarter"
	case gMonth:
		return "month"
	}
	return "year"
}

// reportsIn reports whether source type st reports anything for area in p.
func (ix *index) reportsIn(area string, p period, st atalaya.SourceType) bool {
	b := ix.blocks[blockKey{area, p.year, st}]
	if b == nil {
		return false
	}
	if p.g == gYear {
		return b.report != 0
	}
	mask := p.monthMask()
	for q := 1; q <= 4; q++ {
		qp := period{year: p.year, g: gQuarter, n: q}
		if qp.monthMask()&mask != 0 {
			mask |= 1 << (slotQuarter1 + q - 1)
		}
	}
	return b.report&mask != 0
}

// years returns the first and last year with data for any of the areas.
func (ix *index) years(areas []string) (lo, hi int, ok bool) {
	want := map[string]bool{}
	for _, a := range areas {
		want[a] = true
	}
	for k, b := range ix.blocks {
		if !want[k.area] || len(b.cats) == 0 && b.report == 0 {
			continue
		}
		if !ok || k.year < lo {
			lo = k.year
		}
		if !ok || k.year > hi {
			hi = k.year
		}
		ok = true
	}
	return lo, hi, ok
}
