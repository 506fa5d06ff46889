// Package cube keeps the aggregate counts of a node: by period × area (every
// level) × ICCS (every level) × sex × age band × weapon × context × source
// type × counting unit × status. Ingest adds each batch's delta in the same
// transaction as its records; Rebuild recomputes the whole cube from the
// stored records and observations and must give exactly the same cells.
package cube

import (
	"fmt"
	"math"
	"sort"

	"github.com/oas-atalaya/atalaya"
)

// Accumulator sums counts at the finest level (the record's own area and
// ICCS code); Cells expands them to every level at the end, so the per-row
// cost is one map update.
//
// Records are disjoint by construction (one record, one code), so they roll
// up to every ICCS ancestor. Aggregate observations are not: a source may
// send a total ("Theft", 0502) and one of its parts ("Theft of a motorized
// vehicle", 05021) side by side. For observations, a value rolls up only to
// the ancestors that the same series (all other dimensions equal) does not
// give explicitly, so a published total is never added to its own parts.
type Accumulator struct {
	recs map[atalaya.CubeKey]int64
	obs  map[atalaya.CubeKey]int64
}

// New returns an empty accumulator.
func New() *Accumulator {
	return &Accumulator{recs: make(map[atalaya.CubeKey]int64), obs: make(map[atalaya.CubeKey]int64)}
}

// AddRecord counts one record.
func (a *Accumulator) AddRecord(r *atalaya.Record, st atalaya.SourceType) {
	if r.ICCS == "" || !r.Unit.Countable() {
		return
	}
	a.recs[atalaya.CubeKey{
		Period: r.Period, Area: r.Area, ICCS: r.ICCS, Sex: r.Sex, AgeBand: r.AgeBand,
		Weapon: r.Weapon, Context: r.Context, SourceType: st, Unit: r.Unit, Status: r.Status,
	}]++
}

// AddObservation counts an observation's value when it is a count with an
// ICCS code; rates and unclassified values do not enter the cube.
func (a *Accumulator) AddObservation(o *atalaya.Observation, st atalaya.SourceType) {
	if o.ICCS == "" || !o.Unit.Countable() || o.Value == 0 {
		return
	}
	a.obs[atalaya.CubeKey{
		Period: o.Period, Area: o.Area, ICCS: o.ICCS, Sex: o.Sex, AgeBand: o.AgeBand,
		Weapon: o.Weapon, Context: o.Context, SourceType: st, Unit: o.Unit, Status: o.Status,
	}] += int64(math.Round(o.Value)) // estimates such as UNODC's imputed counts have decimals
}

// Len is the number of distinct finest-level cells so far.
func (a *Accumulator) Len() int { return len(a.recs) + len(a.obs) }

// Lineage returns an area's code followed by its ancestors' codes, up to the
// country.
type Lineage func(area string) []string

// Cells expands the finest-level counts to every area level and every ICCS
// level. The cells come in no particular order; Sort orders them.
func (a *Accumulator) Cells(lineage Lineage) []atalaya.CubeCell {
	// The expansion multiplies the cells by up to eight; keys are interned
	// to small integers so that the maps hash 16 bytes, not ten strings.
	in := newInterner()
	byICCS := make(map[packedKey]int64, len(a.recs)*4+len(a.obs)*2)
	for k, n := range a.recs {
		pk := in.pack(k)
		for _, code := range in.iccsLineage(pk.iccs) {
			pk.iccs = code
			byICCS[pk] += n
		}
	}
	explicit := make(map[packedKey]bool, len(a.obs))
	for k := range a.obs {
		explicit[in.pack(k)] = true
	}
	for k, n := range a.obs {
		pk := in.pack(k)
		byICCS[pk] += n
		for _, code := range in.iccsLineage(pk.iccs)[1:] {
			pk.iccs = code
			if explicit[pk] {
				break // the series gives this total itself
			}
			byICCS[pk] += n
		}
	}
	all := make(map[packedKey]int64, len(byICCS)*2)
	for k, n := range byICCS {
		for _, area := range in.areaLineage(k.area, lineage) {
			k.area = area
			all[k] += n
		}
	}
	cells := make([]atalaya.CubeCell, 0, len(all))
	for k, n := range all {
		cells = append(cells, atalaya.CubeCell{CubeKey: in.unpack(k), Count: n})
	}
	return cells
}

// packedKey is a CubeKey with its fields replaced by interned numbers; tail
// stands for the small dimensions (sex, age band, weapon, context, source
// type, unit, status) together.
type packedKey struct{ period, area, iccs, tail uint32 }

type tailKey struct {
	sex, age, weapon, context string
	st                        atalaya.SourceType
	unit                      atalaya.CountingUnit
	status                    atalaya.Status
}

type interner struct {
	ids     map[string]uint32
	strs    []string
	tails   map[tailKey]uint32
	tailsBy []tailKey
	iccs    map[uint32][]uint32
	areas   map[uint32][]uint32
}

func newInterner() *interner {
	return &interner{ids: map[string]uint32{}, tails: map[tailKey]uint32{}, iccs: map[uint32][]uint32{}, areas: map[uint32][]uint32{}}
}

func (in *interner) id(s string) uint32 {
	if id, ok := in.ids[s]; ok {
		return id
	}
	id := uint32(len(in.strs))
	in.ids[s] = id
	in.strs = append(in.strs, s)
	return id
}

func (in *interner) pack(k atalaya.CubeKey) packedKey {
	t := tailKey{k.Sex, k.AgeBand, k.Weapon, k.Context, k.SourceType, k.Unit, k.Status}
	tid, ok := in.tails[t]
	if !ok {
		tid = uint32(len(in.tailsBy))
		in.tails[t] = tid
		in.tailsBy = append(in.tailsBy, t)
	}
	return packedKey{period: in.id(k.Period), area: in.id(k.Area), iccs: in.id(k.ICCS), tail: tid}
}

func (in *interner) unpack(k packedKey) atalaya.CubeKey {
	t := in.tailsBy[k.tail]
	return atalaya.CubeKey{Period: in.strs[k.period], Area: in.strs[k.area], ICCS: in.strs[k.iccs],
		Sex: t.sex, AgeBand: t.age, Weapon: t.weapon, Context: t.context, SourceType: t.st, Unit: t.unit, Status: t.status}
}

func (in *interner) iccsLineage(code uint32) []uint32 {
	if l, ok := in.iccs[code]; ok {
		return l
	}
	var l []uint32
	for _, c := range atalaya.ICCSLineage(in.strs[code]) {
		l = append(l, in.id(c))
	}
	in.iccs[code] = l
	return l
}

func (in *interner) areaLineage(area uint32, lineage Lineage) []uint32 {
	if l, ok := in.areas[area]; ok {
		return l
	}
	var l []uint32
	for _, c := range lineage(in.strs[area]) {
		l = append(l, in.id(c))
	}
	in.areas[area] = l
	return l
}

// Sort orders cells by their key, field by field.
func Sort(cells []atalaya.CubeCell) {
	sort.Slice(cells, func(i, j int) bool { return Less(cells[i].CubeKey, cells[j].CubeKey) })
}

// Less orders cube keys field by field.
func Less(a, b atalaya.CubeKey) bool {
	fa := [...]string{a.Period, a.Area, a.ICCS, a.Sex, a.AgeBand, a.Weapon, a.Context, string(a.SourceType), string(a.Unit), string(a.Status)}
	fb := [...]string{b.Period, b.Area, b.ICCS, b.Sex, b.AgeBand, b.Weapon, b.Context, string(b.SourceType), string(b.Unit), string(b.Status)}
	for i := range fa {
		if fa[i] != fb[i] {
			return fa[i] < fb[i]
		}
	}
	return false
}

// MaxAgeBands bounds the number of distinct age bands in the cube.
const MaxAgeBands = 24

// Check verifies that every dimension of the cells takes values from a
// closed list, so the cube's size is bounded by the product of the list
// sizes and cannot explode combinatorially: sex, weapon, context, source
// type, unit and status are closed code lists; ICCS codes must be
// well-formed; age bands must parse and be few; periods must be months,
// quarters or years.
func Check(cells []atalaya.CubeCell) error {
	bands := map[string]bool{}
	for _, c := range cells {
		k := c.CubeKey
		switch {
		case !atalaya.ValidSex(k.Sex):
			return fmt.Errorf("cube: sex %q is not a code", k.Sex)
		case !atalaya.ValidWeapon(k.Weapon):
			return fmt.Errorf("cube: weapon %q is not a code", k.Weapon)
		case !atalaya.ValidContext(k.Context):
			return fmt.Errorf("cube: context %q is not a code", k.Context)
		case !k.SourceType.Valid():
			return fmt.Errorf("cube: source type %q is not a code", k.SourceType)
		case !k.Unit.Countable():
			return fmt.Errorf("cube: unit %q cannot be counted", k.Unit)
		case !k.Status.Valid():
			return fmt.Errorf("cube: status %q is not a code", k.Status)
		case atalaya.ICCSLevel(k.ICCS) == 0:
			return fmt.Errorf("cube: %q is not an ICCS code", k.ICCS)
		case !atalaya.ValidAgeBand(k.AgeBand):
			return fmt.Errorf("cube: age band %q is not a band", k.AgeBand)
		case len(k.Period) != 4 && len(k.Period) != 7:
			return fmt.Errorf("cube: period %q is not YYYY, YYYY-MM or YYYY-Qn", k.Period)
		}
		bands[k.AgeBand] = true
		if len(bands) > MaxAgeBands {
			return fmt.Errorf("cube: more than %d age bands; declare fewer bands in the profiles", MaxAgeBands)
		}
	}
	return nil
}
