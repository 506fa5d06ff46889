package web_test

import (
	"bufio"
	"bytes"
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/data"
	"github.com/oas-atalaya/atalaya/internal/ingest"
	"github.com/oas-atalaya/atalaya/internal/sqlite"
)

// fixtureStates are the Mexican states the real-data fixture loads: a large
// state, the capital, a northern state and a small one whose counts fall
// under the disclosure threshold.
var fixtureStates = map[string]string{
	"01": "Aguascalientes",
	"09": "Ciudad de México",
	"15": "México",
	"19": "Nuevo León",
}

// realDataStore returns a SQLite store loaded as the demo loads Mexico, on
// a subset of the states: ICCS, the code lists and their mappings, MEX and
// the states of fixtureStates, the CONAPO population file (whose rows for
// the other states are rejected, which gives the batch rejected rows) and
// the rows of the SESNSP victims file for those states, both through
// internal/ingest with the built-in profiles. Nothing is released: the
// caller publishes what it needs.
func realDataStore(t testing.TB) atalaya.Store {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "real.db"), sqlite.WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	read := func(name string) []byte {
		b, err := fs.ReadFile(data.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if _, err := ingest.ImportICCS(ctx, s, bytes.NewReader(read("iccs/iccs_v1_codes.csv")), "iccs_v1_codes.csv"); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.ImportCodeLists(ctx, s, bytes.NewReader(read("mappings/codelists.csv")), "codelists.csv"); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.ImportMapping(ctx, s, "mx-sesnsp-victimas", bytes.NewReader(read("mappings/mx-sesnsp-victimas.csv")), "mx-sesnsp-victimas.csv", "shipped with Atalaya"); err != nil {
		t.Fatal(err)
	}
	areas := []atalaya.Area{{Code: "MEX", Country: "MEX", Name: "México", Names: map[string]string{"en": "Mexico", "es": "México"}}}
	for cve, name := range fixtureStates {
		areas = append(areas, atalaya.Area{Code: "MEX-" + cve, Country: "MEX", Parent: "MEX", Level: 1, Name: name})
	}
	if err := s.PutAreas(ctx, areas); err != nil {
		t.Fatal(err)
	}

	// The SESNSP rows of the fixture's states (column 3 is cve_ent).
	var victims bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(read("mexico/sesnsp_victims_state_month_selected_nonzero.csv")))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for first := true; sc.Scan(); first = false {
		line := sc.Text()
		if f := strings.SplitN(line, ",", 4); first || len(f) == 4 && fixtureStates[f[2]] != "" {
			victims.WriteString(line + "\n")
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		profile, name string
		body          []byte
	}{
		{"population", "population_state_year_sex.csv", read("mexico/population_state_year_sex.csv")},
		{"sesnsp-victims", "sesnsp_victims_state_month_selected_nonzero.csv", victims.Bytes()},
	} {
		p, err := ingest.LoadProfile(step.profile)
		if err != nil {
			t.Fatal(err)
		}
		in := &ingest.Ingester{Store: s, Now: now}
		b, err := in.Ingest(ctx, p, []ingest.File{{Name: step.name, R: bytes.NewReader(step.body), Size: int64(len(step.body))}}, ingest.Options{Submitter: "test"})
		if err != nil {
			t.Fatalf("ingest %s: %v", step.profile, err)
		}
		if !b.Balanced() || b.Accepted == 0 {
			t.Fatalf("ingest %s: %+v", step.profile, b)
		}
	}
	return s
}
