package postgres_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/postgres"
)

func releaseFixture(t *testing.T, db *postgres.DB) atalaya.CubeCell {
	t.Helper()
	ctx := context.Background()
	if err := db.PutSource(ctx, atalaya.Source{ID: "s", Agency: "A", Type: atalaya.SourcePolice}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutAreas(ctx, []atalaya.Area{{Code: "MEX", Country: "MEX", Name: "México"}}); err != nil {
		t.Fatal(err)
	}
	return atalaya.CubeCell{CubeKey: atalaya.CubeKey{Period: "2025-01", Area: "MEX", ICCS: "01", Sex: "T", AgeBand: "T",
		Weapon: "U", SourceType: atalaya.SourcePolice, Unit: atalaya.UnitVictim, Status: atalaya.StatusPreliminary}, Count: 7}
}

// TestReleasesAppendOnly checks that the schema itself refuses to change,
// delete or truncate a release or its cells, whoever connects.
func TestReleasesAppendOnly(t *testing.T) {
	ctx := context.Background()
	u := freshSchema(t)
	db, err := postgres.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cell := releaseFixture(t, db)
	if _, err := db.AddRelease(ctx, atalaya.Release{Source: "s", Area: "MEX", Period: "2025", Status: atalaya.StatusPublished,
		Reason: "first"}, []atalaya.CubeCell{cell}); err != nil {
		t.Fatal(err)
	}
	before, err := db.Releases(ctx, atalaya.ReleaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		`UPDATE releases SET reason = 'rewritten'`,
		`DELETE FROM releases`,
		`TRUNCATE releases CASCADE`,
		`UPDATE release_cells SET count = 0`,
		`DELETE FROM release_cells`,
		`TRUNCATE release_cells`,
	} {
		if _, err := conn.Exec(ctx, q); err == nil || !strings.Contains(err.Error(), "never") {
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

// TestConcurrentReleases: approvers releasing the same figures at once get
// consecutive revisions, each with the total of the one before.
func TestConcurrentReleases(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	cell := releaseFixture(t, db)
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c := cell
			c.Count = int64(100 + i)
			_, err := db.AddRelease(ctx, atalaya.Release{Source: "s", Area: "MEX", Period: "2025",
				Status: atalaya.StatusPublished, Reason: "concurrent"}, []atalaya.CubeCell{c})
			errs <- err
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("AddRelease: %v", err)
		}
	}
	rs, err := db.Releases(ctx, atalaya.ReleaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != n {
		t.Fatalf("%d releases; want %d", len(rs), n)
	}
	for i, r := range rs {
		if r.Revision != i+1 {
			t.Errorf("release %d has revision %d; want %d (ids and revisions in the same order)", r.ID, r.Revision, i+1)
		}
		if i > 0 && (r.PreviousTotal == nil || *r.PreviousTotal != rs[i-1].Total) {
			t.Errorf("revision %d: previous total %v; want %d", r.Revision, r.PreviousTotal, rs[i-1].Total)
		}
	}
}
