package analysis_test

import (
	"bytes"
	"context"
	"io/fs"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/data"
	"github.com/oas-atalaya/atalaya/internal/analysis"
	"github.com/oas-atalaya/atalaya/internal/geo"
	"github.com/oas-atalaya/atalaya/internal/indicator"
	"github.com/oas-atalaya/atalaya/internal/ingest"
	"github.com/oas-atalaya/atalaya/internal/sqlite"
	"github.com/oas-atalaya/atalaya/internal/values"
)

func now() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }

var (
	fixtureOnce sync.Once
	fixtureNode *analysis.Node
	fixtureDB   *sqlite.DB
	fixtureErr  error
)

// realNode is a node with Mexico's states (INEGI boundaries), CONAPO
// populations and SESNSP victims 2015–2025, read through the live view.
// It is built once for the package's tests.
func realNode(t *testing.T) (*analysis.Node, *sqlite.DB) {
	t.Helper()
	fixtureOnce.Do(func() { fixtureNode, fixtureDB, fixtureErr = buildNode(t.TempDir()) })
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureNode, fixtureDB
}

func buildNode(dir string) (*analysis.Node, *sqlite.DB, error) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(dir, "real.db"), sqlite.WithClock(now))
	if err != nil {
		return nil, nil, err
	}
	read := func(name string) []byte {
		b, err := fs.ReadFile(data.FS, name)
		if err != nil {
			panic(err)
		}
		return b
	}
	if _, err := ingest.ImportICCS(ctx, s, bytes.NewReader(read("iccs/iccs_v1_codes.csv")), "iccs_v1_codes.csv"); err != nil {
		return nil, nil, err
	}
	if _, err := ingest.ImportCodeLists(ctx, s, bytes.NewReader(read("mappings/codelists.csv")), "codelists.csv"); err != nil {
		return nil, nil, err
	}
	if _, err := ingest.ImportMapping(ctx, s, "mx-sesnsp-victimas", bytes.NewReader(read("mappings/mx-sesnsp-victimas.csv")), "m.csv", "test"); err != nil {
		return nil, nil, err
	}
	if err := s.PutAreas(ctx, []atalaya.Area{{Code: "MEX", Country: "MEX", Name: "México"}}); err != nil {
		return nil, nil, err
	}
	feats, err := geo.ReadFeatureCollection(bytes.NewReader(read("mexico/mexico_states.geojson")), 64<<20)
	if err != nil {
		return nil, nil, err
	}
	if _, err := ingest.ImportAreas(ctx, s, feats, ingest.AreaImport{CodeProperty: "CVE_ENT", NameProperty: "NOMGEO", Parent: "MEX", Level: 1, KeepBoundary: true}); err != nil {
		return nil, nil, err
	}
	for _, step := range []struct{ profile, file string }{
		{"population", "mexico/population_state_year_sex.csv"},
		{"sesnsp-victims", "mexico/sesnsp_victims_state_month_selected_nonzero.csv"},
	} {
		p, err := ingest.LoadProfile(step.profile)
		if err != nil {
			return nil, nil, err
		}
		b := read(step.file)
		f := ingest.File{Name: filepath.Base(step.file), R: bytes.NewReader(b), Size: int64(len(b))}
		in := &ingest.Ingester{Store: s, Now: now}
		if _, err := in.Ingest(ctx, p, []ingest.File{f}, ingest.Options{Submitter: "test"}); err != nil {
			return nil, nil, err
		}
	}
	cat, err := indicator.Default()
	if err != nil {
		return nil, nil, err
	}
	return &analysis.Node{Store: s, Engine: values.New(s, cat, now)}, s, nil
}
