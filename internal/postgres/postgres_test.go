package postgres_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/postgres"
	"github.com/oas-atalaya/atalaya/internal/storetest"
)

// adminURL returns the server the tests use, from ATALAYA_TEST_POSTGRES
// (scripts/pgtest.sh starts one). Without it the test is skipped, or fails
// when ATALAYA_REQUIRE_POSTGRES=1, as in CI, where a skip would hide that
// the PostgreSQL backend went untested.
func adminURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("ATALAYA_TEST_POSTGRES")
	if u == "" {
		if os.Getenv("ATALAYA_REQUIRE_POSTGRES") == "1" {
			tb.Fatal("ATALAYA_REQUIRE_POSTGRES=1 but ATALAYA_TEST_POSTGRES is not set; start a server with scripts/pgtest.sh start")
		}
		tb.Skip("ATALAYA_TEST_POSTGRES is not set; run scripts/pgtest.sh start and export its URL to test the PostgreSQL backend")
	}
	return u
}

var schemaSeq atomic.Int64

// freshSchema creates a schema of its own for the test, dropped when the
// test ends, and returns a URL whose connections use it.
func freshSchema(tb testing.TB) string {
	tb.Helper()
	admin := adminURL(tb)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		tb.Fatalf("connect to %s: %v", admin, err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("atalaya_test_%d_%d", os.Getpid(), schemaSeq.Add(1))
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+name); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			tb.Errorf("connect to drop schema: %v", err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA `+name+` CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", name, err)
		}
	})
	return withSearchPath(tb, admin, name)
}

// withSearchPath adds search_path to a URL or a key=value connection
// string; pgx sets parameters it does not know on every connection.
func withSearchPath(tb testing.TB, conn, schema string) string {
	if !strings.HasPrefix(conn, "postgres://") && !strings.HasPrefix(conn, "postgresql://") {
		return conn + " search_path=" + schema
	}
	u, err := url.Parse(conn)
	if err != nil {
		tb.Fatalf("bad ATALAYA_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
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
