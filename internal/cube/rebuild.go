package cube

import (
	"context"
	"fmt"

	"github.com/oas-atalaya/atalaya"
)

// LineageFromAreas builds a Lineage from the node's areas.
func LineageFromAreas(areas []atalaya.Area) Lineage {
	parent := make(map[string]string, len(areas))
	for _, a := range areas {
		parent[a.Code] = a.Parent
	}
	cache := make(map[string][]string, len(areas))
	return func(code string) []string {
		if l, ok := cache[code]; ok {
			return l
		}
		var l []string
		seen := map[string]bool{}
		for c := code; c != "" && !seen[c]; c = parent[c] {
			seen[c] = true
			l = append(l, c)
		}
		cache[code] = l
		return l
	}
}

// Report says what a rebuild found.
type Report struct {
	Records      int64 `json:"records"`
	Observations int64 `json:"observations"`
	Cells        int   `json:"cells"`
	Before       int   `json:"cells_before"`
	Differences  int   `json:"differences"` // cells added, removed or changed
}

// Compute recomputes the cube from the stored records and observations.
func Compute(ctx context.Context, s atalaya.Store) ([]atalaya.CubeCell, Report, error) {
	var rep Report
	sources, err := s.Sources(ctx)
	if err != nil {
		return nil, rep, err
	}
	types := map[string]atalaya.SourceType{}
	for _, src := range sources {
		types[src.ID] = src.Type
	}
	acc := New()
	err = s.Records(ctx, atalaya.RecordFilter{}, func(r atalaya.Record) error {
		rep.Records++
		acc.AddRecord(&r, types[r.Source])
		return nil
	})
	if err != nil {
		return nil, rep, err
	}
	err = s.Observations(ctx, atalaya.RecordFilter{}, func(o atalaya.Observation) error {
		rep.Observations++
		acc.AddObservation(&o, types[o.Source])
		return nil
	})
	if err != nil {
		return nil, rep, err
	}
	areas, err := s.Areas(ctx, atalaya.AreaFilter{})
	if err != nil {
		return nil, rep, err
	}
	cells := acc.Cells(LineageFromAreas(areas))
	rep.Cells = len(cells)
	return cells, rep, Check(cells)
}

// Diff counts the cells that differ between two sorted cubes.
func Diff(a, b []atalaya.CubeCell) int {
	m := make(map[atalaya.CubeKey]int64, len(a))
	for _, c := range a {
		m[c.CubeKey] = c.Count
	}
	n := 0
	for _, c := range b {
		if v, ok := m[c.CubeKey]; !ok || v != c.Count {
			n++
		}
		delete(m, c.CubeKey)
	}
	return n + len(m)
}

// Rebuild recomputes the cube, compares it with the stored one and, when
// write is true, replaces the stored cube with the recomputed one.
//
// Batches that commit while the cube is recomputed would be lost by the
// replacement, so Rebuild recomputes until no batch committed during the
// computation (a few tries), and otherwise asks to run it again later.
func Rebuild(ctx context.Context, s atalaya.Store, write bool) (Report, error) {
	latest := func() (int64, error) {
		bs, err := s.Batches(ctx, atalaya.BatchFilter{Limit: 1})
		if err != nil || len(bs) == 0 {
			return 0, err
		}
		return bs[0].ID, nil
	}
	var cells []atalaya.CubeCell
	var rep Report
	for try := 0; ; try++ {
		before, err := latest()
		if err != nil {
			return rep, err
		}
		if cells, rep, err = Compute(ctx, s); err != nil {
			return rep, err
		}
		after, err := latest()
		if err != nil {
			return rep, err
		}
		if before == after {
			break
		}
		if try == 3 {
			return rep, atalaya.Errorf(atalaya.ECONFLICT, "batches kept committing while the cube was recomputed; run the rebuild again when ingests are quiet")
		}
	}
	before, err := s.Cube(ctx, atalaya.CubeFilter{})
	if err != nil {
		return rep, err
	}
	rep.Before = len(before)
	rep.Differences = Diff(before, cells)
	if write {
		if err := s.ReplaceCube(ctx, cells); err != nil {
			return rep, fmt.Errorf("cube: replace: %w", err)
		}
	}
	return rep, nil
}
