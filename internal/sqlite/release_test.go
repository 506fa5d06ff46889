package sqlite_test

import (
	"context"
	"database/sql"
	"reflect"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
)

// TestReleasesAppendOnly checks that the schema itself refuses to change
// or delete a release or its cells, whoever writes to the file.
func TestReleasesAppendOnly(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	if err := db.PutSource(ctx, atalaya.Source{ID: "s", Agency: "A", Type: atalaya.SourcePolice}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutAreas(ctx, []atalaya.Area{{Code: "MEX", Country: "MEX", Name: "México"}}); err != nil {
		t.Fatal(err)
	}
	cell := atalaya.CubeCell{CubeKey: atalaya.CubeKey{Period: "2025-01", Area: "MEX", ICCS: "01", Sex: "T", AgeBand: "T",
		Weapon: "U", SourceType: atalaya.SourcePolice, Unit: atalaya.UnitVictim, Status: atalaya.StatusPreliminary}, Count: 7}
	if _, err := db.AddRelease(ctx, atalaya.Release{Source: "s", Area: "MEX", Period: "2025", Status: atalaya.StatusPublished,
		Reason: "first"}, []atalaya.CubeCell{cell}); err != nil {
		t.Fatal(err)
	}
	before, err := db.Releases(ctx, atalaya.ReleaseFilter{})
	if err != nil {
		t.Fatal(err)
	}

	raw, err := sql.Open("sqlite", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		`UPDATE releases SET reason = 'rewritten'`,
		`DELETE FROM releases`,
		`UPDATE release_cells SET count = 0`,
		`DELETE FROM release_cells`,
	} {
		if _, err := raw.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "never") {
			t.Errorf("%s: error %v; want the append-only trigger's", q, err)
		}
	}
	after, err := db.Releases(ctx, atalaya.ReleaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	cells, err := db.ReleaseCells(ctx, after[0].ID, atalaya.CubeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after, before) || len(cells) != 1 || cells[0] != cell {
		t.Errorf("after refused writes: releases %+v, cells %+v; want them unchanged", after, cells)
	}
}
