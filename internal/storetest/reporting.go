package storetest

import (
	"reflect"
	"testing"

	"github.com/oas-atalaya/atalaya"
)

// testReporting: Reporting gives the distinct area, period and source type
// of the cube's cells and of a release's snapshot, filtered by area and
// ICCS, in order; ENOTFOUND for an unknown release.
func testReporting(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	p, h, v := atalaya.SourcePolice, atalaya.SourceHealth, atalaya.UnitVictim
	cells := []atalaya.CubeCell{
		cc("2025-01", "MEX-09", "01", "F", p, v, 2),
		cc("2025-01", "MEX-09", "01", "M", p, v, 3),
		cc("2025-01", "MEX-09", "0101", "M", p, v, 3),
		cc("2025-02", "MEX-09", "02", "T", p, v, 1),
		cc("2025", "MEX-09", "01", "T", h, v, 40),
		cc("2025-01", "MEX", "01", "T", p, v, 5),
	}
	snapshot := []atalaya.CubeCell{cells[1], cells[3]}
	w := begin(t, s)
	commit(t, w, 0, cells)
	key := func(area, period string, st atalaya.SourceType) atalaya.CubeKey {
		return atalaya.CubeKey{Area: area, Period: period, SourceType: st}
	}
	got, err := s.Reporting(c, 0, atalaya.CubeFilter{})
	ok(t, err, "Reporting")
	want := []atalaya.CubeKey{key("MEX", "2025-01", p), key("MEX-09", "2025", h), key("MEX-09", "2025-01", p), key("MEX-09", "2025-02", p)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Reporting(0, {}) = %v, want %v", got, want)
	}
	got, err = s.Reporting(c, 0, atalaya.CubeFilter{Areas: []string{"MEX-09"}, ICCS: []string{"01"}})
	ok(t, err, "Reporting")
	want = []atalaya.CubeKey{key("MEX-09", "2025", h), key("MEX-09", "2025-01", p)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Reporting(0, MEX-09 01) = %v, want %v", got, want)
	}
	r := addRelease(t, s, release("MEX", "2025", atalaya.StatusPublished, "publication"), snapshot)
	got, err = s.Reporting(c, r.ID, atalaya.CubeFilter{})
	ok(t, err, "Reporting")
	want = []atalaya.CubeKey{key("MEX-09", "2025-01", p), key("MEX-09", "2025-02", p)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Reporting(release) = %v, want %v", got, want)
	}
	if _, err := s.Reporting(c, r.ID+100, atalaya.CubeFilter{}); atalaya.ErrorCode(err) != atalaya.ENOTFOUND {
		t.Errorf("Reporting(unknown release) = %v, want ENOTFOUND", err)
	}
}
