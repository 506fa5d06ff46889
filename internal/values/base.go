package values

import (
	"context"
	"sort"

	"github.com/oas-atalaya/atalaya"
)

// baseData is what every query of a data version shares: the area tree and
// the populations.
type baseData struct {
	areas    map[string]atalaya.Area
	areaList []string            // every area code, sorted
	children map[string][]string // direct sub-areas, by code
	pops     map[popKey]int64
	// popBands lists, per area, year and sex, the age bands with a
	// population (besides T).
	popBands map[popKey][]string
}

type popKey struct {
	area string
	year int
	sex  string
	age  string
}

func loadBase(ctx context.Context, r Reader) (*baseData, error) {
	areas, err := r.Areas(ctx, atalaya.AreaFilter{})
	if err != nil {
		return nil, err
	}
	b := &baseData{areas: map[string]atalaya.Area{}, children: map[string][]string{},
		pops: map[popKey]int64{}, popBands: map[popKey][]string{}}
	for _, a := range areas {
		b.areas[a.Code] = a
		b.areaList = append(b.areaList, a.Code)
		if a.Parent != "" {
			b.children[a.Parent] = append(b.children[a.Parent], a.Code)
		}
	}
	for _, cs := range b.children {
		sort.Strings(cs)
	}
	sort.Strings(b.areaList)
	pops, err := r.Populations(ctx, atalaya.PopulationFilter{})
	if err != nil {
		return nil, err
	}
	for _, p := range pops {
		b.pops[popKey{p.Area, p.Year, p.Sex, p.AgeBand}] = p.Value
		if p.AgeBand != atalaya.AgeTotal {
			k := popKey{p.Area, p.Year, p.Sex, ""}
			b.popBands[k] = append(b.popBands[k], p.AgeBand)
		}
	}
	return b, nil
}

// lineage returns the area and its ancestors, nearest first.
func (b *baseData) lineage(code string) []string {
	var l []string
	seen := map[string]bool{}
	for c := code; c != "" && !seen[c]; c = b.areas[c].Parent {
		seen[c] = true
		l = append(l, c)
	}
	return l
}

// population returns the population of an area in a year for a sex (T, F,
// M) and an age band (T or a band). A band with no row of its own is the
// sum of the stored bands that tile it exactly; anything else is not
// available, with the reason.
func (b *baseData) population(area string, year int, sex, age string) (int64, string) {
	if sex != atalaya.SexTotal && sex != atalaya.SexFemale && sex != atalaya.SexMale {
		return 0, "there is no population of unknown sex"
	}
	if v, ok := b.pops[popKey{area, year, sex, age}]; ok {
		return v, ""
	}
	if _, ok := b.pops[popKey{area, year, sex, atalaya.AgeTotal}]; !ok {
		if age == atalaya.AgeTotal {
			return 0, "no population of " + area + " for " + itoa(year) + sexPhrase(sex)
		}
	}
	if age == atalaya.AgeTotal {
		return 0, "no population of " + area + " for " + itoa(year) + sexPhrase(sex)
	}
	lo, hi, ok := atalaya.ParseAgeBand(age)
	if !ok {
		return 0, "there is no population of unknown age"
	}
	type band struct{ lo, hi int }
	var inside []band
	var sum int64
	for _, s := range b.popBands[popKey{area, year, sex, ""}] {
		l, h, _ := atalaya.ParseAgeBand(s)
		if l >= lo && (hi < 0 || (h >= 0 && h <= hi)) {
			inside = append(inside, band{l, h})
			sum += b.pops[popKey{area, year, sex, s}]
		}
	}
	sort.Slice(inside, func(i, j int) bool { return inside[i].lo < inside[j].lo })
	next := lo
	for _, bd := range inside {
		if bd.lo != next {
			break
		}
		if bd.hi < 0 {
			next = -1
			break
		}
		next = bd.hi + 1
	}
	if len(inside) > 0 && ((hi < 0 && next == -1) || (hi >= 0 && next == hi+1)) {
		return sum, ""
	}
	return 0, "the population of " + area + " for " + itoa(year) + " has no age bands that make up " + age
}

func sexPhrase(sex string) string {
	switch sex {
	case atalaya.SexFemale:
		return " (women)"
	case atalaya.SexMale:
		return " (men)"
	}
	return ""
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}
