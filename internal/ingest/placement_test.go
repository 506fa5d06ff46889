package ingest_test

import (
	"context"
	"testing"

	"github.com/oas-atalaya/atalaya"
)

// TestPlacementAcrossLevels: a node with districts for part of one state
// places points in a district where there is one, and in the state
// elsewhere, never in a district across the border.
func TestPlacementAcrossLevels(t *testing.T) {
	s := openLightStore(t)
	district := atalaya.Area{Code: "MEX-09-C", Country: "MEX", Parent: "MEX-09", Level: 2, Name: "Centro",
		Boundary: []byte(`{"type":"Polygon","coordinates":[[[-99.15,19.42],[-99.12,19.42],[-99.12,19.44],[-99.15,19.44],[-99.15,19.42]]]}`)}
	if err := s.PutAreas(context.Background(), []atalaya.Area{district}); err != nil {
		t.Fatal(err)
	}
	p := parseProfile(t, policeProfile)
	file := "folio;fecha;delito;lat;lon\n" +
		"P1;05/01/2024 22:10;0101;19,4326;-99,1332\n" + // in the district
		"P2;05/01/2024 22:10;0101;19,30;-99,15\n" + // in Ciudad de México, outside the district
		"P3;05/01/2024 22:10;0101;19,60;-99,05\n" // in the State of México
	b := mustRun(t, s, p, fileOf("p.csv", []byte(file)))
	if b.Accepted != 3 {
		t.Fatalf("batch %+v", b)
	}
	want := map[string]string{"P1": "MEX-09-C", "P2": "MEX-09", "P3": "MEX-15"}
	s.Records(context.Background(), atalaya.RecordFilter{Batch: b.ID}, func(r atalaya.Record) error {
		if r.Area != want[r.Key] || r.Placement != atalaya.PlacedByPoint {
			t.Errorf("%s placed in %s (%s), want %s", r.Key, r.Area, r.Placement, want[r.Key])
		}
		return nil
	})
	// The cube adds the district to its state and the state to the nation.
	if n := cubeSum(t, s, atalaya.CubeFilter{Areas: []string{"MEX-09"}, ICCS: []string{"0101"}}, nil); n != 2 {
		t.Errorf("MEX-09 has %d homicides, want 2 (the district's and its own)", n)
	}
}
