package cube

import (
	"context"
	"sort"

	"github.com/oas-atalaya/atalaya"
)

// Snapshot recomputes, with the Accumulator that ingest uses, the cube
// cells of one source's records and observations that a release of area
// and year covers: the cells of area and of every area below it whose
// period lies in year (the year itself, its quarters and its months),
// ordered by key. For a store holding only that source they are exactly
// the stored cube's cells of that area, its descendants and that year.
//
// EINVALID if year is not YYYY; ENOTFOUND for an unknown source or area.
func Snapshot(ctx context.Context, s atalaya.Store, source, area, year string) ([]atalaya.CubeCell, error) {
	snaps, err := Snapshots(ctx, s, source, area, []string{year})
	if err != nil {
		return nil, err
	}
	return snaps[year], nil
}

// Snapshots is Snapshot for several years of the same source and area,
// reading the source's rows once. The map has an entry for every year
// asked, nil when the source has no cells there.
func Snapshots(ctx context.Context, s atalaya.Store, source, area string, years []string) (map[string][]atalaya.CubeCell, error) {
	out := make(map[string][]atalaya.CubeCell, len(years))
	for _, y := range years {
		if len(y) != 4 || !atalaya.ValidPeriod(y) {
			return nil, atalaya.Errorf(atalaya.EINVALID, "snapshot year %q must be YYYY", y)
		}
		out[y] = nil
	}
	src, err := s.Source(ctx, source)
	if err != nil {
		return nil, err
	}
	// Areas are in their country's tree, so the country's areas are all
	// the lineage needs.
	areas, err := s.Areas(ctx, atalaya.AreaFilter{Country: atalaya.AreaCountry(area)})
	if err != nil {
		return nil, err
	}
	found := false
	for _, a := range areas {
		found = found || a.Code == area
	}
	if !found {
		return nil, atalaya.Errorf(atalaya.ENOTFOUND, "area %s not found", area)
	}
	lineage := LineageFromAreas(areas)
	within := func(code string) bool {
		for _, a := range lineage(code) {
			if a == area {
				return true
			}
		}
		return false
	}
	inYears := func(period string) bool {
		if !atalaya.ValidPeriod(period) {
			return false
		}
		_, ok := out[period[:4]]
		return ok
	}

	// Counts only ever roll up to parent areas and ICCS codes, within their
	// period: rows outside the area or the years cannot reach a cell of the
	// snapshot and are left out before they cost any memory.
	acc := New()
	err = s.Records(ctx, atalaya.RecordFilter{Source: source}, func(r atalaya.Record) error {
		if inYears(r.Period) && within(r.Area) {
			acc.AddRecord(&r, src.Type)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.Observations(ctx, atalaya.RecordFilter{Source: source}, func(o atalaya.Observation) error {
		if inYears(o.Period) && within(o.Area) {
			acc.AddObservation(&o, src.Type)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	cells := acc.Cells(lineage)
	if err := Check(cells); err != nil {
		return nil, err
	}
	for _, c := range cells {
		if within(c.Area) && inYears(c.Period) {
			out[c.Period[:4]] = append(out[c.Period[:4]], c)
		}
	}
	for _, cs := range out {
		sort.Slice(cs, func(i, j int) bool { return Less(cs[i].CubeKey, cs[j].CubeKey) })
	}
	return out, nil
}
