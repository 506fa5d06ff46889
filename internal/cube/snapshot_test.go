package cube_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/cube"
	"github.com/oas-atalaya/atalaya/internal/sqlite"
)

// snapshotStore returns a SQLite store with Mexico (states and a
// municipality), Colombia and a police source whose records and
// observations span 2024–2025, with its cube rebuilt from them.
func snapshotStore(t *testing.T) (*sqlite.DB, context.Context) {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.PutSource(ctx, atalaya.Source{ID: "mx-police", Agency: "Police", Type: atalaya.SourcePolice}))
	must(s.PutAreas(ctx, []atalaya.Area{
		{Code: "MEX", Country: "MEX", Name: "México"},
		{Code: "MEX-09", Country: "MEX", Parent: "MEX", Level: 1, Name: "Ciudad de México"},
		{Code: "MEX-15", Country: "MEX", Parent: "MEX", Level: 1, Name: "México"},
		{Code: "MEX-09-015", Country: "MEX", Parent: "MEX-09", Level: 2, Name: "Cuauhtémoc"},
		{Code: "COL", Country: "COL", Name: "Colombia"},
	}))
	addRows(t, s, "mx-police", "")
	if _, err := cube.Rebuild(ctx, s, true); err != nil {
		t.Fatal(err)
	}
	return s, ctx
}

// addRows commits a batch of records and observations of source, their
// keys prefixed with prefix.
func addRows(t *testing.T, s atalaya.Store, source, prefix string) {
	t.Helper()
	ctx := context.Background()
	w, err := s.BeginBatch(ctx, atalaya.Batch{Source: source})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Rollback()
	prov := atalaya.Provenance{Source: source, File: "f.csv", Status: atalaya.StatusPreliminary}
	var recs []atalaya.Record
	places := []string{"MEX-09-015", "MEX-09", "MEX-15", "MEX", "COL"}
	periods := []string{"2024-12", "2025-01", "2025-03", "2025-11"}
	codes := []string{"0101", "020111", "0501", "02011"}
	sexes := []string{"F", "M", "U"}
	for i := 0; i < 120; i++ {
		recs = append(recs, atalaya.Record{Key: fmt.Sprintf("%sr%d", prefix, i), Provenance: prov, Unit: atalaya.UnitVictim,
			Period: periods[i%len(periods)], Area: places[i%len(places)], ICCS: codes[i%len(codes)],
			Sex: sexes[i%len(sexes)], Age: -1, AgeBand: "U", Weapon: "U"})
	}
	obs := func(key, period, area, iccs string, v float64, rollup bool) atalaya.Observation {
		return atalaya.Observation{Key: prefix + key, Provenance: prov, Period: period, Area: area, ICCS: iccs, Sex: "T",
			AgeBand: "T", Weapon: "U", Unit: atalaya.UnitOffence, Value: v, Rollup: rollup}
	}
	if _, err := w.AddRecords(ctx, recs); err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddObservations(ctx, []atalaya.Observation{
		obs("o1", "2025", "MEX", "0501", 1000, false),
		obs("o2", "2025", "MEX-09", "0501", 300, false),
		obs("o3", "2025-Q2", "MEX-09-015", "0502", 40, true),
		obs("o4", "2024-Q4", "MEX-15", "0502", 7, true),
		obs("o5", "2025-05", "COL", "0101", 9, true),
	}); err != nil {
		t.Fatal(err)
	}
	n := int64(len(recs) + 5)
	if _, err := w.Commit(ctx, atalaya.Batch{Read: n, Accepted: n}, nil); err != nil {
		t.Fatal(err)
	}
}

// slice returns the cells of the stored cube at area or below it (by code:
// the fixture's codes nest) in year, in the cube's order.
func slice(t *testing.T, s atalaya.Store, area, year string) []atalaya.CubeCell {
	t.Helper()
	all, err := s.Cube(context.Background(), atalaya.CubeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []atalaya.CubeCell
	for _, c := range all {
		if (c.Area == area || strings.HasPrefix(c.Area, area+"-")) && strings.HasPrefix(c.Period, year) {
			out = append(out, c)
		}
	}
	return out
}

// TestSnapshotEqualsCubeSlice: for a store with one source, a snapshot is
// exactly the stored cube's slice of the area, its descendants and the year,
// in the same order; another source's rows change nothing in it.
func TestSnapshotEqualsCubeSlice(t *testing.T) {
	s, ctx := snapshotStore(t)
	type key struct{ area, year string }
	snaps := map[key][]atalaya.CubeCell{}
	for _, area := range []string{"MEX", "MEX-09", "MEX-15", "MEX-09-015", "COL"} {
		for _, year := range []string{"2024", "2025", "2026"} {
			got, err := cube.Snapshot(ctx, s, "mx-police", area, year)
			if err != nil {
				t.Fatal(err)
			}
			want := slice(t, s, area, year)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Snapshot(%s, %s): %d cells, %d differ from the cube's %d", area, year, len(got), cube.Diff(got, want), len(want))
			}
			if area == "MEX" && year == "2025" && len(got) < 50 {
				t.Errorf("Snapshot(MEX, 2025) has only %d cells; the fixture should give more", len(got))
			}
			snaps[key{area, year}] = got
		}
	}

	// Snapshots gives the same as one Snapshot per year.
	multi, err := cube.Snapshots(ctx, s, "mx-police", "MEX", []string{"2024", "2025", "2026"})
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range []string{"2024", "2025", "2026"} {
		if !reflect.DeepEqual(multi[y], snaps[key{"MEX", y}]) {
			t.Errorf("Snapshots(MEX)[%s] differs from Snapshot(MEX, %s)", y, y)
		}
	}

	// Rows of another source enter the cube, not this source's snapshots.
	if err := s.PutSource(ctx, atalaya.Source{ID: "mx-health", Agency: "Health", Type: atalaya.SourceHealth}); err != nil {
		t.Fatal(err)
	}
	addRows(t, s, "mx-health", "h")
	for k, want := range snaps {
		got, err := cube.Snapshot(ctx, s, "mx-police", k.area, k.year)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Snapshot(%s, %s) changed when another source's rows came in", k.area, k.year)
		}
	}
	other, err := cube.Snapshot(ctx, s, "mx-health", "MEX", "2025")
	if err != nil || len(other) != len(snaps[key{"MEX", "2025"}]) || other[0].SourceType != atalaya.SourceHealth {
		t.Errorf("Snapshot(mx-health, MEX, 2025): %d cells, %v; want as many as the police's, of type health", len(other), err)
	}
}

func TestSnapshotErrors(t *testing.T) {
	s, ctx := snapshotStore(t)
	for _, tc := range []struct {
		source, area, year, code string
	}{
		{"mx-police", "MEX", "2025-01", atalaya.EINVALID},
		{"mx-police", "MEX", "25", atalaya.EINVALID},
		{"mx-police", "MEX", "", atalaya.EINVALID},
		{"ar-police", "MEX", "2025", atalaya.ENOTFOUND},
		{"mx-police", "MEX-99", "2025", atalaya.ENOTFOUND},
		{"mx-police", "ARG", "2025", atalaya.ENOTFOUND},
	} {
		if _, err := cube.Snapshot(ctx, s, tc.source, tc.area, tc.year); atalaya.ErrorCode(err) != tc.code {
			t.Errorf("Snapshot(%s, %s, %s) = %v; want %s", tc.source, tc.area, tc.year, err, tc.code)
		}
	}
}
