// Package cube keeps the aggregate counts of a node: by period × area (every
// level) × ICCS (every level) × sex × age band × weapon × context × source
// type × counting unit × status. Ingest adds each batch's delta in the same
// transaction as its records; Rebuild recomputes the whole cube from the
// stored records and observations and must give exactly the same cells.
package cube

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/oas-atalaya/atalaya"
)

// Accumulator sums counts at the finest level (the record's own area and
// ICCS code); Cells and Flush expand them to every level at the end, so the
// per-row cost is one map update.
//
// Records are disjoint by construction (one record, one code), so they roll
// up to every area and ICCS ancestor. Aggregate observations roll up only
// when their source declares its rows disjoint parts (Observation.Rollup,
// from the profile); otherwise a value counts only at its own area and ICCS
// code, because a source may send a total next to its parts ("Theft" and
// "Theft of a motorized vehicle", a nation and its regions) and adding them
// would count the parts twice. The rule depends on each value alone, so the
// cube is the same whatever the batches the values came in.
type Accumulator struct {
	in   *interner
	recs map[packedKey]int64
	obs  map[packedKey]int64
}

// New returns an empty accumulator.
func New() *Accumulator {
	return &Accumulator{in: newInterner(), recs: make(map[packedKey]int64), obs: make(map[packedKey]int64)}
}

// AddRecord counts one record.
func (a *Accumulator) AddRecord(r *atalaya.Record, st atalaya.SourceType) {
	if r.ICCS == "" || !r.Unit.Countable() {
		return
	}
	a.recs[a.in.pack(atalaya.CubeKey{
		Period: r.Period, Area: r.Area, ICCS: r.ICCS, Sex: r.Sex, AgeBand: r.AgeBand,
		Weapon: r.Weapon, Context: r.Context, SourceType: st, Unit: r.Unit, Status: r.Status,
	})]++
}

// AddObservation counts an observation's value when it is a count with an
// ICCS code; rates and unclassified values do not enter the cube.
func (a *Accumulator) AddObservation(o *atalaya.Observation, st atalaya.SourceType) {
	if o.ICCS == "" || !o.Unit.Countable() || o.Value == 0 {
		return
	}
	n := int64(math.Round(o.Value)) // estimates such as UNODC's imputed counts have decimals
	if n == 0 {
		return
	}
	k := a.in.pack(atalaya.CubeKey{
		Period: o.Period, Area: o.Area, ICCS: o.ICCS, Sex: o.Sex, AgeBand: o.AgeBand,
		Weapon: o.Weapon, Context: o.Context, SourceType: st, Unit: o.Unit, Status: o.Status,
	})
	if o.Rollup {
		a.recs[k] += n
	} else {
		a.obs[k] += n
	}
}

// Len is the number of distinct finest-level cells so far.
func (a *Accumulator) Len() int { return len(a.recs) + len(a.obs) }

// Lineage returns an area's code followed by its ancestors' codes, up to the
// country.
type Lineage func(area string) []string

// expand rolls the finest-level counts up every ICCS and area level.
func (a *Accumulator) expand(lineage Lineage) map[packedKey]int64 {
	in := a.in
	byICCS := make(map[packedKey]int64, len(a.recs)*2)
	for k, n := range a.recs {
		for _, code := range in.iccsLineage(k.iccs) {
			k.iccs = code
			byICCS[k] += n
		}
	}
	all := make(map[packedKey]int64, len(byICCS)*2+len(a.obs))
	for k, n := range byICCS {
		for _, area := range in.areaLineage(k.area, lineage) {
			k.area = area
			all[k] += n
		}
	}
	for k, n := range a.obs {
		all[k] += n
	}
	return all
}

// Cells expands the finest-level counts to every area level and every ICCS
// level. The cells come in no particular order; Sort orders them.
func (a *Accumulator) Cells(lineage Lineage) []atalaya.CubeCell {
	all := a.expand(lineage)
	cells := make([]atalaya.CubeCell, 0, len(all))
	for k, n := range all {
		cells = append(cells, atalaya.CubeCell{CubeKey: a.in.unpack(k), Count: n})
	}
	return cells
}

// Flush expands the counts, passes them to emit in chunks of at most chunk
// cells ordered by area, ICCS and period (the order a store's index wants),
// and empties the accumulator. Only the chunk is ever materialised, so a
// large delta costs 24 bytes a cell in memory, not a CubeCell.
func (a *Accumulator) Flush(lineage Lineage, chunk int, emit func([]atalaya.CubeCell) error) error {
	all := a.expand(lineage)
	type kv struct {
		k packedKey
		n int64
	}
	list := make([]kv, 0, len(all))
	for k, n := range all {
		list = append(list, kv{k, n})
	}
	all = nil
	in := a.in
	slices.SortFunc(list, func(x, y kv) int {
		if c := strings.Compare(in.strs[x.k.area], in.strs[y.k.area]); c != 0 {
			return c
		}
		if c := strings.Compare(in.strs[x.k.iccs], in.strs[y.k.iccs]); c != 0 {
			return c
		}
		return strings.Compare(in.strs[x.k.period], in.strs[y.k.period])
	})
	buf := make([]atalaya.CubeCell, 0, chunk)
	for _, e := range list {
		buf = append(buf, atalaya.CubeCell{CubeKey: in.unpack(e.k), Count: e.n})
		if len(buf) == chunk {
			if err := emit(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	if len(buf) > 0 {
		if err := emit(buf); err != nil {
			return err
		}
	}
	a.recs, a.obs = make(map[packedKey]int64), make(map[packedKey]int64)
	return nil
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

// Check verifies that every dimension of the cells takes values from a
// closed list, so the cube's size is bounded by the product of the list
// sizes and cannot explode combinatorially: sex, weapon, context, source
// type, unit and status are closed code lists; ICCS codes must be
// well-formed; age bands must parse (and each profile declares the few it
// may produce: raw ages never enter the cube); periods must be months,
// quarters or years.
func Check(cells []atalaya.CubeCell) error {
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
		case !atalaya.ValidPeriod(k.Period):
			return fmt.Errorf("cube: period %q is not YYYY, YYYY-MM or YYYY-Qn", k.Period)
		}
	}
	return nil
}
