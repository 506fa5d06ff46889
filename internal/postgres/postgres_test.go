package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/postgres"
	"github.com/oas-atalaya/atalaya/internal/postgres/pgtest"
	"github.com/oas-atalaya/atalaya/internal/storetest"
)

func adminURL(tb testing.TB) string { return pgtest.AdminURL(tb) }

func freshSchema(tb testing.TB) string { return pgtest.Schema(tb) }

func withSearchPath(tb testing.TB, conn, schema string) string {
	return pgtest.WithSearchPath(tb, conn, schema)
}

// mustOpen opens a store in a fresh schema, closed when the test ends.
func mustOpen(tb testing.TB, opts ...postgres.Option) *postgres.DB {
	tb.Helper()
	db, err := postgres.Open(context.Background(), freshSchema(tb), opts...)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// TestStore runs the conformance suite, each subtest on a new database.
func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) atalaya.Store { return mustOpen(t) })
}

// TestOpen_Reopen checks that migrations are applied once and data kept.
func TestOpen_Reopen(t *testing.T) {
	ctx := context.Background()
	u := freshSchema(t)
	db, err := postgres.Open(ctx, u)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := db.PutSource(ctx, atalaya.Source{ID: "s", Agency: "A", Type: atalaya.SourcePolice}); err != nil {
		t.Fatalf("PutSource: %v", err)
	}
	db.Close()
	if err := db.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}

	// Reopening applies no migration twice and keeps the data.
	db, err = postgres.Open(ctx, u)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if _, err := db.Source(ctx, "s"); err != nil {
		t.Errorf("Source after reopen: %v", err)
	}
}

func TestOpen_BadURL(t *testing.T) {
	if _, err := postgres.Open(context.Background(), "postgres://%zz"); atalaya.ErrorCode(err) != atalaya.EINVALID {
		t.Errorf("Open(bad URL) = %v; want EINVALID", err)
	}
}

// TestWithClock checks that batch and mapping times come from the clock.
func TestWithClock(t *testing.T) {
	now := time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)
	db := mustOpen(t, postgres.WithClock(func() time.Time { return now }))
	ctx := context.Background()
	if err := db.PutSource(ctx, atalaya.Source{ID: "s", Agency: "A", Type: atalaya.SourcePolice}); err != nil {
		t.Fatal(err)
	}
	w, err := db.BeginBatch(ctx, atalaya.Batch{Source: "s"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.Commit(ctx, atalaya.Batch{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !b.StartedAt.Equal(now) || !b.FinishedAt.Equal(now) {
		t.Errorf("batch times %v, %v; want both %v", b.StartedAt, b.FinishedAt, now)
	}
	if err := db.PutCodeList(ctx, atalaya.CodeList{ID: "l", Name: "L"}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutICCS(ctx, []atalaya.ICCSCategory{{Code: "01", Level: 1, Name: "x"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddMapping(ctx, atalaya.Mapping{CodeList: "l", Entries: []atalaya.MappingEntry{{NationalCode: "a", ICCS: "01"}}}); err != nil {
		t.Fatal(err)
	}
	m, err := db.Mapping(ctx, "l", 0)
	if err != nil {
		t.Fatal(err)
	}
	if m.CreatedAt != "2026-05-04T03:02:01Z" {
		t.Errorf("CreatedAt = %q; want 2026-05-04T03:02:01Z", m.CreatedAt)
	}
}
