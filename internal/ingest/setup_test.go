package ingest_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/data"
	"github.com/oas-atalaya/atalaya/internal/geo"
	"github.com/oas-atalaya/atalaya/internal/ingest"
	"github.com/oas-atalaya/atalaya/internal/postgres"
	"github.com/oas-atalaya/atalaya/internal/postgres/pgtest"
	"github.com/oas-atalaya/atalaya/internal/sqlite"
)

// fixedNow is the clock of every test: dates after it are "in the future".
func fixedNow() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }

// openStore returns an empty SQLite store with the reference data loaded:
// ICCS, code lists and mappings, the OAS countries and Mexico's states.
func openStore(t testing.TB) atalaya.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"), sqlite.WithClock(fixedNow))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	loadReference(t, s)
	return s
}

// openPGStore is openStore on PostgreSQL, in a schema of the test's own.
func openPGStore(t testing.TB) atalaya.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), pgtest.Schema(t), postgres.WithClock(fixedNow))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	loadReference(t, s)
	return s
}

// backends runs a test on every backend.
func backends(t *testing.T, test func(t *testing.T, open func(testing.TB) atalaya.Store)) {
	t.Run("sqlite", func(t *testing.T) { test(t, openStore) })
	t.Run("postgres", func(t *testing.T) { test(t, openPGStore) })
}

func loadReference(t testing.TB, s atalaya.Store) {
	t.Helper()
	ctx := context.Background()
	if _, err := ingest.ImportICCS(ctx, s, embedded(t, "iccs/iccs_v1_codes.csv"), "iccs"); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.ImportCodeLists(ctx, s, embedded(t, "mappings/codelists.csv"), "codelists"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"mx-sesnsp-victimas", "unodc-cts", "us-lapd-crime-codes"} {
		if _, err := ingest.ImportMapping(ctx, s, id, embedded(t, "mappings/"+id+".csv"), id, ""); err != nil {
			t.Fatal(err)
		}
	}
	countries, err := geo.ReadFeatureCollection(embedded(t, "americas/americas_oas_countries.geojson"), 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.ImportAreas(ctx, s, countries, ingest.AreaImport{CodeProperty: "ISO_A3", NameProperty: "NAME", Level: 0, KeepBoundary: true}); err != nil {
		t.Fatal(err)
	}
	states, err := geo.ReadFeatureCollection(embedded(t, "mexico/mexico_states.geojson"), 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.ImportAreas(ctx, s, states, ingest.AreaImport{CodeProperty: "CVE_ENT", NameProperty: "NOMGEO", Parent: "MEX", Level: 1, KeepBoundary: true}); err != nil {
		t.Fatal(err)
	}
}

func embedded(t testing.TB, name string) *bytes.Reader {
	t.Helper()
	b, err := fs.ReadFile(data.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}

// fileOf wraps bytes as an ingest file.
func fileOf(name string, b []byte) ingest.File {
	return ingest.File{Name: name, R: bytes.NewReader(b), Size: int64(len(b))}
}

// diskFile reads a file from disk (relative to the test's folder).
func diskFile(t testing.TB, path string) ingest.File {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fileOf(filepath.Base(path), b)
}

func embeddedFile(t testing.TB, name string) ingest.File {
	t.Helper()
	b, err := fs.ReadFile(data.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	return fileOf(filepath.Base(name), b)
}

func profile(t testing.TB, name string) *ingest.Profile {
	t.Helper()
	p, err := ingest.LoadProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func parseProfile(t testing.TB, yaml string) *ingest.Profile {
	t.Helper()
	p, err := ingest.ParseProfile(strings.NewReader(yaml), "test")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t testing.TB, s atalaya.Store, p *ingest.Profile, files ...ingest.File) (atalaya.Batch, error) {
	t.Helper()
	in := &ingest.Ingester{Store: s, Now: fixedNow}
	return in.Ingest(context.Background(), p, files, ingest.Options{})
}

func mustRun(t testing.TB, s atalaya.Store, p *ingest.Profile, files ...ingest.File) atalaya.Batch {
	t.Helper()
	b, err := run(t, s, p, files...)
	if err != nil {
		t.Fatal(err)
	}
	if !b.Balanced() {
		t.Fatalf("batch does not balance: %+v", b)
	}
	return b
}

func rejections(t testing.TB, s atalaya.Store, batch int64) []atalaya.Rejection {
	t.Helper()
	var out []atalaya.Rejection
	if err := s.Rejections(context.Background(), batch, func(r atalaya.Rejection) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// cubeSum sums cube cells matching the filter and the predicate.
func cubeSum(t testing.TB, s atalaya.Store, f atalaya.CubeFilter, keep func(atalaya.CubeKey) bool) int64 {
	t.Helper()
	cells, err := s.Cube(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, c := range cells {
		if keep == nil || keep(c.CubeKey) {
			n += c.Count
		}
	}
	return n
}
