// Package storetest is the conformance suite of atalaya.Store: one set of
// tests that every backend (internal/sqlite, internal/postgres) runs from
// its own tests, so that the backends behave the same down to ordering,
// error codes and transaction boundaries.
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) atalaya.Store { return mustOpen(t) })
//	}
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
)

// Run runs every conformance test as a subtest. open must return a new,
// empty, migrated store for each call; Run closes it when the subtest ends.
func Run(t *testing.T, open func(t *testing.T) atalaya.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s atalaya.Store)
	}{
		{"Backend", testBackend},
		{"Areas", testAreas},
		{"AreaErrors", testAreaErrors},
		{"Boundaries", testBoundaries},
		{"Populations", testPopulations},
		{"ICCS", testICCS},
		{"CodeLists", testCodeLists},
		{"Mappings", testMappings},
		{"MappingErrors", testMappingErrors},
		{"Sources", testSources},
		{"BatchCommit", testBatchCommit},
		{"BatchRollback", testBatchRollback},
		{"BatchCounts", testBatchCounts},
		{"BatchErrors", testBatchErrors},
		{"Batches", testBatches},
		{"RejectionsAndFlags", testRejectionsAndFlags},
		{"Dedupe", testDedupe},
		{"ObservationDedupe", testObservationDedupe},
		{"Records", testRecords},
		{"RecordFilters", testRecordFilters},
		{"Observations", testObservations},
		{"CubeDelta", testCubeDelta},
		{"CubeFilters", testCubeFilters},
		{"ReplaceCube", testReplaceCube},
		{"ReadsDuringBatch", testReadsDuringBatch},
		{"Releases", testReleases},
		{"ReleaseCells", testReleaseCells},
		{"ReleaseErrors", testReleaseErrors},
		{"DataVersion", testDataVersion},
		{"Reporting", testReporting},
		{"Audit", testAudit},
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"Tokens", testTokens},
		{"Settings", testSettings},
		{"Programmes", testProgrammes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tt.fn(t, s)
		})
	}
}

func testBackend(t *testing.T, s atalaya.Store) {
	if b := s.Backend(); b != "sqlite" && b != "postgres" {
		t.Errorf("Backend() = %q; want sqlite or postgres", b)
	}
}

// ctx returns a context that ends with the test, with a deadline so that a
// store that blocks fails the test instead of hanging it.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

// ok fails the test now if err is not nil.
func ok(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// wantCode checks that err has the given atalaya error code and that its
// message mentions each of mention.
func wantCode(t *testing.T, err error, code, what string, mention ...string) {
	t.Helper()
	if got := atalaya.ErrorCode(err); got != code {
		t.Errorf("%s: error code %q (%v); want %q", what, got, err, code)
		return
	}
	for _, m := range mention {
		if !strings.Contains(atalaya.ErrorMessage(err), m) {
			t.Errorf("%s: message %q does not mention %q", what, atalaya.ErrorMessage(err), m)
		}
	}
}

// same fails the test if got and want differ.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// errStop is returned by iteration callbacks to check that it stops them.
var errStop = errors.New("storetest: stop")

func checkStops(t *testing.T, what string, iterate func(fn func() error) error) {
	t.Helper()
	calls := 0
	err := iterate(func() error { calls++; return errStop })
	if !errors.Is(err, errStop) || calls != 1 {
		t.Errorf("%s: callback error: got %v after %d calls; want errStop after 1", what, err, calls)
	}
}

// Fixture data shared by the tests.
var (
	t0 = time.Date(2026, 3, 1, 12, 30, 0, 123456000, time.UTC)

	srcPolice = atalaya.Source{ID: "mx-sesnsp", Agency: "SESNSP", Type: atalaya.SourcePolice, Country: "MEX",
		Licence: "CC-BY-4.0", Attribution: "Secretariado Ejecutivo del SNSP"}
	srcHealth = atalaya.Source{ID: "mx-inegi", Agency: "INEGI", Type: atalaya.SourceHealth, Country: "MEX"}

	areaMEX   = atalaya.Area{Code: "MEX", Country: "MEX", Level: 0, Name: "México", Names: map[string]string{"en": "Mexico", "es": "México"}, Boundary: []byte(`{"type":"Polygon","coordinates":[[[-117,14],[-86,14],[-86,33],[-117,14]]]}`), Source: "INEGI MGN 2024"}
	areaCDMX  = atalaya.Area{Code: "MEX-09", Country: "MEX", Parent: "MEX", Level: 1, Name: "Ciudad de México", ValidFrom: "2016-01-29", Source: "INEGI MGN 2024"}
	areaEdoMX = atalaya.Area{Code: "MEX-15", Country: "MEX", Parent: "MEX", Level: 1, Name: "México (Estado)"}
	areaCuau  = atalaya.Area{Code: "MEX-09-015", Country: "MEX", Parent: "MEX-09", Level: 2, Name: "CUAUHTÉMOC", Boundary: []byte(`{"type":"Point","coordinates":[-99.15,19.43]}`), ValidTo: "2030-12-31"}
	areaCOL   = atalaya.Area{Code: "COL", Country: "COL", Level: 0, Name: "Colombia", Boundary: []byte(`{"type":"Point","coordinates":[-74,4.6]}`)}
	areaBOG   = atalaya.Area{Code: "COL-11", Country: "COL", Parent: "COL", Level: 1, Name: "Bogotá, D.C."}

	iccsCats = []atalaya.ICCSCategory{
		{Code: "01", Level: 1, Name: "Acts leading to death or intending to cause death", Verification: "confirmed"},
		{Code: "0101", Level: 2, Parent: "01", Name: "Intentional homicide", Verification: "confirmed"},
		{Code: "01011", Level: 3, Parent: "0101", Name: "Intentional homicide, subcategory", Verification: "recalled"},
		{Code: "0102", Level: 2, Parent: "01", Name: "Attempted intentional homicide", Verification: "confirmed"},
		{Code: "02", Level: 1, Name: "Acts causing harm or intending to cause harm to the person", Verification: "confirmed"},
		{Code: "0201", Level: 2, Parent: "02", Name: "Assaults and threats", Verification: "confirmed"},
		{Code: "020111", Level: 4, Parent: "02011", Name: "Serious assault", Verification: "code_confirmed_name_recalled"},
		{Code: "02011", Level: 3, Parent: "0201", Name: "Assault", Verification: "confirmed"},
	}

	codeList = atalaya.CodeList{ID: "mx-sesnsp-victimas", Name: "SESNSP víctimas: subtipo de delito", Country: "MEX", Description: "Subtipos del CNSP"}
)

// seed stores the fixture sources, areas, ICCS categories and code list.
func seed(t *testing.T, s atalaya.Store) {
	t.Helper()
	c := ctx(t)
	ok(t, s.PutSource(c, srcPolice), "PutSource")
	ok(t, s.PutSource(c, srcHealth), "PutSource")
	ok(t, s.PutAreas(c, []atalaya.Area{areaCuau, areaBOG, areaCDMX, areaCOL, areaEdoMX, areaMEX}), "PutAreas")
	ok(t, s.PutICCS(c, iccsCats), "PutICCS")
	ok(t, s.PutCodeList(c, codeList), "PutCodeList")
}

// rec returns a record with every field set.
func rec(key, area, iccs string) atalaya.Record {
	return atalaya.Record{
		Key: key,
		Provenance: atalaya.Provenance{Source: srcPolice.ID, File: "victimas.csv", Row: int64(len(key)),
			CodeList: codeList.ID, MappingVersion: 1, Status: atalaya.StatusPreliminary},
		Unit: atalaya.UnitVictim, Date: "2025-01-15", Period: "2025-01", Area: area,
		Placement: atalaya.PlacedByPoint, Lat: 19.4326077, Lon: -99.133208, HasPoint: true,
		NationalCode: "Homicidio doloso", ICCS: iccs, Sex: atalaya.SexFemale, Age: 31, AgeBand: "30-44",
		Weapon: atalaya.WeaponFirearm, Context: atalaya.ContextFemicide,
	}
}

// obs returns an observation with every field set.
func obs(key, area, iccs string, value float64) atalaya.Observation {
	return atalaya.Observation{
		Key: key,
		Provenance: atalaya.Provenance{Source: srcPolice.ID, File: "cts.csv", Row: 7,
			Status: atalaya.StatusPublished},
		Dataflow: "UNODC_CTS", Indicator: "Victims", Period: "2024", Area: area,
		NationalCode: "Intentional homicide", ICCS: iccs, Sex: atalaya.SexTotal, AgeBand: atalaya.AgeTotal,
		Weapon: atalaya.WeaponUnknown, Unit: atalaya.UnitVictim, Value: value,
		Dims:       map[string]string{"UNIT_MEASURE": "PS"},
		Attributes: map[string]string{"OBS_STATUS": "A", "NOTE": "revised"},
	}
}

// begin opens a batch of the police source.
func begin(t *testing.T, s atalaya.Store, files ...string) atalaya.BatchWriter {
	t.Helper()
	w, err := s.BeginBatch(ctx(t), atalaya.Batch{Source: srcPolice.ID, Profile: "sesnsp-victimas", Files: files,
		StartedAt: t0, Submitter: "analyst@example.org"})
	ok(t, err, "BeginBatch")
	t.Cleanup(func() { w.Rollback() })
	return w
}

// commit commits w with counts that balance: every record read was
// accepted.
func commit(t *testing.T, w atalaya.BatchWriter, accepted int64, delta []atalaya.CubeCell) atalaya.Batch {
	t.Helper()
	b, err := w.Commit(ctx(t), atalaya.Batch{Read: accepted, Accepted: accepted, FinishedAt: t0.Add(time.Minute)}, delta)
	ok(t, err, "Commit")
	return b
}

// records returns the records that match f.
func records(t *testing.T, s atalaya.Store, f atalaya.RecordFilter) []atalaya.Record {
	t.Helper()
	var out []atalaya.Record
	ok(t, s.Records(ctx(t), f, func(r atalaya.Record) error { out = append(out, r); return nil }), "Records")
	return out
}

// keys returns the keys of recs.
func keys(recs []atalaya.Record) []string {
	out := []string{}
	for _, r := range recs {
		out = append(out, r.Key)
	}
	return out
}

// count checks CountRecords(f) against want and against len(Records(f)).
func count(t *testing.T, s atalaya.Store, f atalaya.RecordFilter, want int64) {
	t.Helper()
	n, err := s.CountRecords(ctx(t), f)
	ok(t, err, "CountRecords")
	if n != want {
		t.Errorf("CountRecords(%+v) = %d; want %d", f, n, want)
	}
	if got := int64(len(records(t, s, f))); got != want {
		t.Errorf("len(Records(%+v)) = %d; want %d", f, got, want)
	}
}

func describe(v any) string { return fmt.Sprintf("%+v", v) }
