// Package pgtest gives tests a PostgreSQL schema of their own on the server
// that scripts/pgtest.sh starts (its URL in ATALAYA_TEST_POSTGRES). Without
// that variable a test is skipped, or fails when ATALAYA_REQUIRE_POSTGRES=1,
// as in CI, where a skip would hide that PostgreSQL went untested.
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
)

// AdminURL returns the test server's URL, or skips or fails the test.
func AdminURL(tb testing.TB) string {
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

var seq atomic.Int64

// Schema creates a schema for the test, dropped when the test ends, and
// returns a URL whose connections use it.
func Schema(tb testing.TB) string {
	tb.Helper()
	admin := AdminURL(tb)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		tb.Fatalf("connect to %s: %v", admin, err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("atalaya_test_%d_%d", os.Getpid(), seq.Add(1))
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
	return WithSearchPath(tb, admin, name)
}

// WithSearchPath adds search_path to a URL or a key=value connection
// string; pgx sets parameters it does not know on every connection.
func WithSearchPath(tb testing.TB, conn, schema string) string {
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
