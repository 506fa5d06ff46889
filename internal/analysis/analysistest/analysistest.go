// Package analysistest builds, for tests, a node with real data: the
// ICCS, the SESNSP code list and mapping, Mexico's 32 states with their
// INEGI boundaries, CONAPO populations and SESNSP victims 2015–2025.
package analysistest

import (
	"bytes"
	"context"
	"io/fs"
	"path/filepath"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/data"
	"github.com/oas-atalaya/atalaya/internal/geo"
	"github.com/oas-atalaya/atalaya/internal/ingest"
	"github.com/oas-atalaya/atalaya/internal/sqlite"
)

// Mexico opens a SQLite store in dir and loads the real Mexico data into
// it (live: nothing is published).
func Mexico(ctx context.Context, dir string, now atalaya.Clock) (*sqlite.DB, error) {
	s, err := sqlite.Open(ctx, filepath.Join(dir, "real.db"), sqlite.WithClock(now))
	if err != nil {
		return nil, err
	}
	if err := load(ctx, s, now); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func load(ctx context.Context, s *sqlite.DB, now atalaya.Clock) error {
	read := func(name string) []byte {
		b, err := fs.ReadFile(data.FS, name)
		if err != nil {
			panic(err)
		}
		return b
	}
	if _, err := ingest.ImportICCS(ctx, s, bytes.NewReader(read("iccs/iccs_v1_codes.csv")), "iccs_v1_codes.csv"); err != nil {
		return err
	}
	if _, err := ingest.ImportCodeLists(ctx, s, bytes.NewReader(read("mappings/codelists.csv")), "codelists.csv"); err != nil {
		return err
	}
	if _, err := ingest.ImportMapping(ctx, s, "mx-sesnsp-victimas", bytes.NewReader(read("mappings/mx-sesnsp-victimas.csv")), "m.csv", "test"); err != nil {
		return err
	}
	if err := s.PutAreas(ctx, []atalaya.Area{{Code: "MEX", Country: "MEX", Name: "México", Names: map[string]string{"en": "Mexico", "es": "México"}}}); err != nil {
		return err
	}
	feats, err := geo.ReadFeatureCollection(bytes.NewReader(read("mexico/mexico_states.geojson")), 64<<20)
	if err != nil {
		return err
	}
	if _, err := ingest.ImportAreas(ctx, s, feats, ingest.AreaImport{CodeProperty: "CVE_ENT", NameProperty: "NOMGEO", Parent: "MEX", Level: 1, KeepBoundary: true}); err != nil {
		return err
	}
	for _, step := range []struct{ profile, file string }{
		{"population", "mexico/population_state_year_sex.csv"},
		{"sesnsp-victims", "mexico/sesnsp_victims_state_month_selected_nonzero.csv"},
	} {
		p, err := ingest.LoadProfile(step.profile)
		if err != nil {
			return err
		}
		b := read(step.file)
		f := ingest.File{Name: filepath.Base(step.file), R: bytes.NewReader(b), Size: int64(len(b))}
		in := &ingest.Ingester{Store: s, Now: now}
		if _, err := in.Ingest(ctx, p, []ingest.File{f}, ingest.Options{Submitter: "test"}); err != nil {
			return err
		}
	}
	return nil
}

// LAPD adds the countries (with boundaries) and the 1,000 geolocated LAPD
// incidents of 2020 that the demo ships, for the point analyses.
func LAPD(ctx context.Context, s *sqlite.DB, now atalaya.Clock) error {
	read := func(name string) []byte {
		b, err := fs.ReadFile(data.FS, name)
		if err != nil {
			panic(err)
		}
		return b
	}
	feats, err := geo.ReadFeatureCollection(bytes.NewReader(read("americas/americas_oas_countries.geojson")), 64<<20)
	if err != nil {
		return err
	}
	var usa []geo.Feature
	for _, f := range feats {
		if f.Properties["ISO_A3"] == "USA" {
			usa = append(usa, f)
		}
	}
	if _, err := ingest.ImportAreas(ctx, s, usa, ingest.AreaImport{CodeProperty: "ISO_A3", NameProperty: "NAME", Level: 0, KeepBoundary: true}); err != nil {
		return err
	}
	if _, err := ingest.ImportMapping(ctx, s, "us-lapd-crime-codes", bytes.NewReader(read("mappings/us-lapd-crime-codes.csv")), "m.csv", "test"); err != nil {
		return err
	}
	p, err := ingest.LoadProfile("lapd-incidents")
	if err != nil {
		return err
	}
	b := read("lapd/lapd_crime_2020_first1000.csv")
	in := &ingest.Ingester{Store: s, Now: now}
	_, err = in.Ingest(ctx, p, []ingest.File{{Name: "lapd_crime_2020_first1000.csv", R: bytes.NewReader(b), Size: int64(len(b))}}, ingest.Options{Submitter: "test"})
	return err
}
