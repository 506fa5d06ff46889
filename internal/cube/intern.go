package cube

import "github.com/oas-atalaya/atalaya"

// packedKey is a CubeKey with its fields replaced by interned numbers; tail
// stands for the small dimensions (sex, age band, weapon, context, source
// type, unit, status) together. Maps keyed by it hash 16 bytes instead of
// ten strings.
type packedKey struct{ period, area, iccs, tail uint32 }

type tailKey struct {
	sex, age, weapon, context string
	st                        atalaya.SourceType
	unit                      atalaya.CountingUnit
	status                    atalaya.Status
}

// interner numbers the strings of cube keys and caches the lineages of the
// interned ICCS codes and areas.
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
