package values

import (
	"sort"
	"strings"
	"sync"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/indicator"
)

// Disclosure control for public values.
//
// Primary suppression hides every count from 1 to the indicator's minimum
// for the area's level minus one (zero is published: it identifies nobody).
// Secondary (complementary) suppression then makes sure no hidden count can
// be recovered by subtraction from the figures the public can see. The
// public can ask for any area, period and breakdown, so suppression is
// decided once for a whole country and year, over every line along which
// published figures add up:
//
//   - an area and its direct sub-areas (a nation and its states),
//   - a total and the categories of the breakdown (both sexes and F, M, U),
//   - a year and its quarters, and a quarter and its months.
//
// In each line with exactly one hidden part, the smallest other positive
// part is hidden too (or, when there is none, the total), and this repeats
// until no line changes. The decision depends only on the data, never on
// the query, so two queries cannot be combined to undo it. Aggregates over
// several areas or periods are hidden when any part is hidden, or when
// their own count is under the threshold.
type discloser struct {
	c *calc
}

func newDiscloser(c *calc) *discloser { return &discloser{c: c} }

// lattice is the suppression decided for one country, year and (for a
// breakdown by source) source type.
type lattice struct {
	count  map[cellKey]int64
	hidden map[cellKey]bool
}

type cellKey struct {
	area string
	per  period
	cat  string
}

type latticeKey struct {
	country string
	year    int
	st      atalaya.SourceType
}

// lattices caches solved lattices per index.
type latticeCache struct {
	mu sync.Mutex
	m  map[latticeKey]*lattice
}

func (d *discloser) lattice(country string, year int, st atalaya.SourceType) *lattice {
	ix := d.c.ix
	ix.lat.mu.Lock()
	if ix.lat.m == nil {
		ix.lat.m = map[latticeKey]*lattice{}
	}
	k := latticeKey{country, year, st}
	l := ix.lat.m[k]
	ix.lat.mu.Unlock()
	if l != nil {
		return l
	}
	l = d.solve(country, year, st)
	ix.lat.mu.Lock()
	ix.lat.m[k] = l
	ix.lat.mu.Unlock()
	return l
}

func (d *discloser) minCount(area string) int64 {
	return d.c.ind.Disclosure.MinCountAt(d.c.base.areas[area].Level)
}

func (d *discloser) solve(country string, year int, st atalaya.SourceType) *lattice {
	c := d.c
	l := &lattice{count: map[cellKey]int64{}, hidden: map[cellKey]bool{}}
	var areas []string
	for code, a := range c.base.areas {
		if a.Country == country {
			areas = append(areas, code)
		}
	}
	sort.Strings(areas)
	periods := []period{{year: year, g: gYear}}
	for q := 1; q <= 4; q++ {
		periods = append(periods, period{year: year, g: gQuarter, n: q})
	}
	for m := 1; m <= 12; m++ {
		periods = append(periods, period{year: year, g: gMonth, n: m})
	}
	cats := []string{""}
	if c.ix.by != "" && c.ix.by != indicator.DimSource {
		cats = append(cats, c.ix.categories()...)
	}
	for _, a := range areas {
		for _, p := range periods {
			for _, cat := range cats {
				f := c.figure(a, p, cat, st)
				if f.bad != "" {
					continue
				}
				k := cellKey{a, p, cat}
				l.count[k] = f.num
				if f.num > 0 && f.num < d.minCount(a) {
					l.hidden[k] = true
				}
			}
		}
	}
	type line struct {
		total cellKey
		parts []cellKey
	}
	var lines []line
	add := func(t cellKey, parts []cellKey) {
		var ps []cellKey
		for _, p := range parts {
			if _, ok := l.count[p]; ok {
				ps = append(ps, p)
			}
		}
		if _, ok := l.count[t]; ok && len(ps) > 0 {
			lines = append(lines, line{t, ps})
		}
	}
	for _, a := range areas {
		for _, p := range periods {
			for _, cat := range cats {
				var parts []cellKey
				for _, ch := range c.base.children[a] {
					parts = append(parts, cellKey{ch, p, cat})
				}
				add(cellKey{a, p, cat}, parts)
			}
			if len(cats) > 1 {
				var parts []cellKey
				for _, cat := range cats[1:] {
					parts = append(parts, cellKey{a, p, cat})
				}
				add(cellKey{a, p, ""}, parts)
			}
		}
		for _, cat := range cats {
			add(cellKey{a, periods[0], cat}, []cellKey{
				{a, periods[1], cat}, {a, periods[2], cat}, {a, periods[3], cat}, {a, periods[4], cat}})
			for q := 1; q <= 4; q++ {
				add(cellKey{a, periods[q], cat}, []cellKey{
					{a, periods[5+3*(q-1)], cat}, {a, periods[6+3*(q-1)], cat}, {a, periods[7+3*(q-1)], cat}})
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, ln := range lines {
			var hiddenParts int
			for _, p := range ln.parts {
				if l.hidden[p] {
					hiddenParts++
				}
			}
			if hiddenParts != 1 || l.hidden[ln.total] {
				continue
			}
			// Hide the smallest positive visible part, or the total.
			best := -1
			for i, p := range ln.parts {
				if l.hidden[p] || l.count[p] == 0 {
					continue
				}
				if best < 0 || l.count[p] < l.count[ln.parts[best]] ||
					(l.count[p] == l.count[ln.parts[best]] && keyLess(p, ln.parts[best])) {
					best = i
				}
			}
			if best >= 0 {
				l.hidden[ln.parts[best]] = true
			} else {
				l.hidden[ln.total] = true
			}
			changed = true
		}
	}
	return l
}

func keyLess(a, b cellKey) bool {
	if a.area != b.area {
		return a.area < b.area
	}
	if a.per.index() != b.per.index() {
		return a.per.index() < b.per.index()
	}
	return a.cat < b.cat
}

// apply hides the suppressed counts among vals and everything computed
// from them.
func (d *discloser) apply(vals []atalaya.Value, areas []string, periods []period) {
	for i := range vals {
		v := &vals[i]
		if v.Count == nil {
			continue
		}
		if d.hidden(v) || d.smallDenominator(v) {
			// Months and coverage go too: for a source of records, the
			// months it reports are the months with events.
			v.Count, v.Rate, v.CILow, v.CIHigh, v.Coverage, v.Months = nil, nil, nil, nil, nil, 0
			if d.c.ind.Kind != indicator.KindRate {
				v.Denominator = nil
			}
			v.Flags = append(v.Flags, atalaya.FlagSuppressed)
		}
	}
}

// smallDenominator reports whether the denominator of a share or a ratio
// (a count of events, unlike a population) is itself under the threshold:
// the rule applies to both counts of those indicators.
func (d *discloser) smallDenominator(v *atalaya.Value) bool {
	if d.c.ind.Kind == indicator.KindRate || v.Denominator == nil || *v.Denominator <= 0 {
		return false
	}
	var min int64 = 1
	for _, a := range strings.Split(v.Area, "+") {
		if m := d.minCount(a); m > min {
			min = m
		}
	}
	return *v.Denominator < min
}

// hidden decides whether one public value must be hidden.
func (d *discloser) hidden(v *atalaya.Value) bool {
	cat := ""
	switch d.c.q.By {
	case indicator.DimSex:
		cat = v.Sex
	case indicator.DimAge:
		cat = v.Age
	case indicator.DimWeapon:
		cat = v.Weapon
	case indicator.DimContext:
		cat = v.Context
	}
	if cat == total {
		cat = ""
	}
	var st atalaya.SourceType
	if d.c.q.By == indicator.DimSource {
		st = v.SourceType
	}
	areas := strings.Split(v.Area, "+")
	var pers []period
	if from, to, ok := strings.Cut(v.Period, "/"); ok {
		pers, _ = periodRange(from, to, MaxPeriods)
	} else if p, err := parsePeriod(v.Period); err == nil {
		pers = []period{p}
	}
	var min int64 = 1
	for _, a := range areas {
		if m := d.minCount(a); m > min {
			min = m
		}
		for _, p := range pers {
			l := d.lattice(d.c.base.areas[a].Country, p.year, st)
			if l.hidden[cellKey{a, p, cat}] {
				return true
			}
		}
	}
	return *v.Count > 0 && *v.Count < min
}
