package values

import (
	"sort"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/indicator"
)

// An index holds, for one indicator, one breakdown and one view of the data
// (the live cube or what was published as of a date), the counts the
// indicator needs already filtered and summed over the cube's other
// dimensions: per area, year and source type, per category of the
// breakdown, per sub-period slot of the year. A query then only adds a few
// numbers, whatever the size of the cube.
type index struct {
	by     string
	blocks map[blockKey]*block
	cats   map[string]bool // categories of the breakdown that occur
	lat    latticeCache    // disclosure decisions (disclosure.go)
}

type blockKey struct {
	area string
	year int
	st   atalaya.SourceType
}

// block is what one source type gives for one area and year.
type block struct {
	// report has bit s set when the source reports anything (any offence
	// at all) in slot s: it tells a true zero from a source that did not
	// report.
	report uint32
	// cats holds the counts by category; "" is the total.
	cats map[string]*slots
}

type slots [nSlots]slotCell

// slotCell is the count of one category in one slot.
type slotCell struct {
	num int64  // the numerator's count
	den int64  // a share's denominator count
	has bool   // cells were seen
	bad string // why the count cannot be computed, if it cannot
}

// groupKey identifies the cells a source type gives for one area and period.
type groupKey struct {
	area   string
	period string
	st     atalaya.SourceType
}

// buildIndex builds the index of ind by the breakdown `by` ("" for none,
// or sex, age, weapon, context, source) from the cube cells of the
// numerator's ICCS codes, and the view's reporting masks.
func buildIndex(ind indicator.Indicator, by string, cells []atalaya.CubeCell, report map[blockKey]uint32) *index {
	ix := &index{by: by, blocks: map[blockKey]*block{}, cats: map[string]bool{}}
	for k, m := range report {
		ix.block(k).report = m
	}
	numCodes := map[string]bool{}
	for _, c := range ind.Numerator.ICCS {
		numCodes[c] = true
	}
	groups := map[groupKey][]atalaya.CubeCell{}
	for _, c := range cells {
		year, slot, ok := slotOf(c.Period)
		if !ok || !numCodes[c.ICCS] {
			continue
		}
		ix.block(blockKey{c.Area, year, c.SourceType}).report |= 1 << slot
		if c.Unit == ind.Numerator.Unit {
			k := groupKey{c.Area, c.Period, c.SourceType}
			groups[k] = append(groups[k], c)
		}
	}
	for k, g := range groups {
		year, slot, _ := slotOf(k.period)
		ix.addGroup(ind, ix.block(blockKey{k.area, year, k.st}), slot, g)
	}
	return ix
}

func (ix *index) block(k blockKey) *block {
	b := ix.blocks[k]
	if b == nil {
		b = &block{cats: map[string]*slots{}}
		ix.blocks[k] = b
	}
	return b
}

func (b *block) cell(cat string, slot int) *slotCell {
	s := b.cats[cat]
	if s == nil {
		s = &slots{}
		b.cats[cat] = s
	}
	return &s[slot]
}

// dims are the tag dimensions of a cell, in a fixed order.
var dims = []string{indicator.DimSex, indicator.DimAge, indicator.DimWeapon, indicator.DimContext}

func tag(c *atalaya.CubeCell, dim string) string {
	switch dim {
	case indicator.DimSex:
		return c.Sex
	case indicator.DimAge:
		return c.AgeBand
	case indicator.DimWeapon:
		return c.Weapon
	case indicator.DimContext:
		return c.Context
	}
	return ""
}

// total is the code a cell carries on a dimension it does not break down.
const total = "T"

// addGroup adds the cells one source type gives for one area and period.
//
// On each dimension a source may give a total (T), its parts, or both (a
// UNODC export carries the total and the sexes). For the indicator's total,
// a dimension with a T cell is read from the T cells only, never added to
// its parts; otherwise the parts are added. A filtered dimension is read
// from its parts; the breakdown dimension gives one category per part.
func (ix *index) addGroup(ind indicator.Indicator, b *block, slot int, g []atalaya.CubeCell) {
	hasT := map[string]bool{}
	hasParts := map[string]bool{}
	for i := range g {
		for _, d := range dims {
			if tag(&g[i], d) == total {
				hasT[d] = true
			} else {
				hasParts[d] = true
			}
		}
	}
	f := ind.Numerator.Filter
	// Why the numerator cannot be computed from this group, if it cannot.
	bad := ""
	for _, d := range dims {
		if len(f.Codes(d)) > 0 && !hasParts[d] {
			bad = "the source gives no breakdown by " + d + ", which the indicator needs"
		}
	}
	share := ind.Kind == indicator.KindShare && ind.Denominator != nil
	relaxed := map[string]bool{}
	if share {
		for _, d := range ind.Denominator.Relax {
			relaxed[d] = true
		}
	}
	tot := b.cell("", slot)
	tot.has = true
	if bad != "" && tot.bad == "" {
		tot.bad = bad
	}
	byDim := ix.by
	if byDim == indicator.DimSource {
		byDim = ""
	}
	if byDim != "" && !hasParts[byDim] {
		// Every category of the breakdown is unavailable for this source;
		// mark it on the categories other sources give, at query time.
		b.cell(noBreakdown, slot).has = true
	}
	for i := range g {
		c := &g[i]
		inNum, why := passes(c, f, "", hasT, nil, indicator.Filter{})
		if why != "" && tot.bad == "" {
			tot.bad = why
		}
		inDen := false
		if share {
			inDen, _ = passes(c, f, "", hasT, relaxed, ind.Denominator.Exclude)
		}
		if inNum {
			tot.num += c.Count
		}
		if inDen {
			tot.den += c.Count
		}
		if byDim == "" {
			continue
		}
		cat := tag(c, byDim)
		if cat == total {
			continue
		}
		if cat == "" {
			// No special context: a category of its own, never the total.
			cat = noContext
		}
		catNum, _ := passes(c, f, byDim, hasT, nil, indicator.Filter{})
		catDen := false
		if share {
			catDen, _ = passes(c, f, byDim, hasT, relaxed, ind.Denominator.Exclude)
		}
		if !catNum && !catDen {
			continue
		}
		ix.cats[cat] = true
		sc := b.cell(cat, slot)
		sc.has = true
		if bad != "" && sc.bad == "" {
			sc.bad = bad
		}
		if catNum {
			sc.num += c.Count
		}
		if catDen {
			sc.den += c.Count
		}
	}
}

// noContext is the category of a breakdown by context for the cells
// with none of the contexts (femicide, organised crime…).
const noContext = "none"

// noBreakdown is the category that marks a source without parts on the
// breakdown dimension.
const noBreakdown = "\x00none"

// passes reports whether a cell enters a count: the filter f applies on its
// dimensions, except relaxed ones (where exclude applies instead); byDim
// takes every part; any other dimension takes its total when the group has
// one. why is set when the cell makes the count impossible (an age band
// that straddles the filter's).
func passes(c *atalaya.CubeCell, f indicator.Filter, byDim string, hasT map[string]bool, relaxed map[string]bool, exclude indicator.Filter) (ok bool, why string) {
	for _, d := range dims {
		v := tag(c, d)
		codes := f.Codes(d)
		if relaxed[d] {
			if v == total && !hasT[d] {
				return false, ""
			}
			if hasT[d] && v != total {
				return false, ""
			}
			if contains(exclude.Codes(d), v) {
				return false, ""
			}
			continue
		}
		switch {
		case len(codes) > 0:
			if v == total {
				return false, ""
			}
			if d == indicator.DimAge {
				in, straddles := ageWithin(v, codes)
				if straddles {
					return false, "the source's age band " + v + " straddles " + strings.Join(codes, ", ") + ", so the count cannot be computed without guessing"
				}
				if !in {
					return false, ""
				}
			} else if !contains(codes, v) {
				return false, ""
			}
		case d == byDim:
			if v == total {
				return false, ""
			}
		case hasT[d]:
			if v != total {
				return false, ""
			}
		}
	}
	return true, ""
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// ageWithin reports whether band lies inside one of the bands in codes, and
// whether it straddles one of them (overlaps without lying inside). The
// unknown band U lies inside none.
func ageWithin(band string, codes []string) (in, straddles bool) {
	lo, hi, ok := atalaya.ParseAgeBand(band)
	if !ok {
		return false, false
	}
	for _, c := range codes {
		if c == band {
			return true, false
		}
		clo, chi, ok := atalaya.ParseAgeBand(c)
		if !ok {
			continue
		}
		inside := lo >= clo && (chi < 0 || (hi >= 0 && hi <= chi))
		if inside {
			return true, false
		}
		overlaps := (chi < 0 || lo <= chi) && (hi < 0 || hi >= clo)
		if overlaps {
			straddles = true
		}
	}
	return false, straddles
}

// categories returns the breakdown's categories in display order.
func (ix *index) categories() []string {
	var cs []string
	for c := range ix.cats {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool { return catLess(ix.by, cs[i], cs[j]) })
	return cs
}

// catLess orders categories: sexes F, M, U; age bands by their lower bound
// with U last; other codes alphabetically with U last.
func catLess(by, a, b string) bool {
	rank := func(s string) int {
		if s == "U" {
			return 1
		}
		return 0
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return ra < rb
	}
	if by == indicator.DimAge {
		la, ha, oka := atalaya.ParseAgeBand(a)
		lb, hb, okb := atalaya.ParseAgeBand(b)
		if oka && okb {
			if la != lb {
				return la < lb
			}
			return ha < hb
		}
	}
	return a < b
}
