package values

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
)

// fakeStore is an in-memory Reader for unit tests.
type fakeStore struct {
	areas    []atalaya.Area
	pops     []atalaya.Population
	cells    []atalaya.CubeCell
	releases []atalaya.Release
	relCells map[int64][]atalaya.CubeCell
	version  int64
}

func (f *fakeStore) Cube(_ context.Context, flt atalaya.CubeFilter) ([]atalaya.CubeCell, error) {
	return filterCells(f.cells, flt), nil
}

func filterCells(cells []atalaya.CubeCell, flt atalaya.CubeFilter) []atalaya.CubeCell {
	var out []atalaya.CubeCell
	for _, c := range cells {
		if len(flt.ICCS) > 0 && !contains(flt.ICCS, c.ICCS) {
			continue
		}
		if len(flt.Areas) > 0 && !contains(flt.Areas, c.Area) {
			continue
		}
		out = append(out, c)
	}
	return out
}

func (f *fakeStore) Populations(context.Context, atalaya.PopulationFilter) ([]atalaya.Population, error) {
	return f.pops, nil
}

func (f *fakeStore) Areas(context.Context, atalaya.AreaFilter) ([]atalaya.Area, error) {
	return f.areas, nil
}

func (f *fakeStore) Releases(_ context.Context, flt atalaya.ReleaseFilter) ([]atalaya.Release, error) {
	return f.releases, nil
}

func (f *fakeStore) ReleaseCells(_ context.Context, id int64, flt atalaya.CubeFilter) ([]atalaya.CubeCell, error) {
	return filterCells(f.relCells[id], flt), nil
}

func (f *fakeStore) DataVersion(context.Context) (int64, error) { return f.version, nil }

// release snapshots the fake cube for a source type, area subtree and year.
func (f *fakeStore) release(id int64, st atalaya.SourceType, area, year string, status atalaya.Status, at, embargo time.Time) {
	if f.relCells == nil {
		f.relCells = map[int64][]atalaya.CubeCell{}
	}
	parent := map[string]string{}
	for _, a := range f.areas {
		parent[a.Code] = a.Parent
	}
	under := func(c string) bool {
		for ; c != ""; c = parent[c] {
			if c == area {
				return true
			}
		}
		return false
	}
	var cells []atalaya.CubeCell
	for _, c := range f.cells {
		if c.SourceType == st && under(c.Area) && strings.HasPrefix(c.Period, year) {
			cells = append(cells, c)
		}
	}
	f.relCells[id] = cells
	f.releases = append(f.releases, atalaya.Release{ID: id, Source: string(st) + "-src", SourceType: st, Area: area,
		Period: year, Status: status, At: at, Embargo: embargo, Reason: "test"})
	sort.Slice(f.releases, func(i, j int) bool { return f.releases[i].ID < f.releases[j].ID })
	f.version++
}

// mexico returns a nation with three states.
func mexicoAreas() []atalaya.Area {
	as := []atalaya.Area{{Code: "MEX", Country: "MEX", Level: 0, Name: "México"}}
	for _, s := range []string{"01", "02", "03"} {
		as = append(as, atalaya.Area{Code: "MEX-" + s, Country: "MEX", Parent: "MEX", Level: 1, Name: "State " + s})
	}
	return as
}

// cell makes a cube cell at an area and its nation.
func cell(area, per, iccs, sex, age, weapon string, st atalaya.SourceType, unit atalaya.CountingUnit, n int64) atalaya.CubeCell {
	return atalaya.CubeCell{CubeKey: atalaya.CubeKey{Period: per, Area: area, ICCS: iccs, Sex: sex, AgeBand: age,
		Weapon: weapon, Context: "", SourceType: st, Unit: unit, Status: atalaya.StatusPreliminary}, Count: n}
}

// rollup adds the cells of the states to the nation and the ICCS code to
// its section, as the cube does.
func rollup(cells []atalaya.CubeCell) []atalaya.CubeCell {
	sum := map[atalaya.CubeKey]int64{}
	var keys []atalaya.CubeKey
	add := func(k atalaya.CubeKey, n int64) {
		if _, ok := sum[k]; !ok {
			keys = append(keys, k)
		}
		sum[k] += n
	}
	for _, c := range cells {
		for _, area := range []string{c.Area, "MEX"} {
			if area == "MEX" && c.Area == "MEX" && area != c.Area {
				continue
			}
			codes := []string{c.ICCS}
			for l := len(c.ICCS) - 1; l >= 2; l-- {
				if l == 3 {
					continue
				}
				codes = append(codes, c.ICCS[:l])
			}
			for _, code := range dedupe(codes) {
				k := c.CubeKey
				k.Area, k.ICCS = area, code
				add(k, c.Count)
			}
			if c.Area == "MEX" {
				break
			}
		}
	}
	out := make([]atalaya.CubeCell, len(keys))
	for i, k := range keys {
		out[i] = atalaya.CubeCell{CubeKey: k, Count: sum[k]}
	}
	return out
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func (f *fakeStore) Reporting(_ context.Context, release int64, flt atalaya.CubeFilter) ([]atalaya.CubeKey, error) {
	cells := f.cells
	if release > 0 {
		cells = f.relCells[release]
	}
	seen := map[atalaya.CubeKey]bool{}
	var out []atalaya.CubeKey
	for _, c := range filterCells(cells, flt) {
		k := atalaya.CubeKey{Area: c.Area, Period: c.Period, SourceType: c.SourceType}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out, nil
}
