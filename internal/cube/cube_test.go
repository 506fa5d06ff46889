package cube_test

import (
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/cube"
)

func lineage(area string) []string {
	switch area {
	case "MEX-09", "MEX-15":
		return []string{area, "MEX"}
	}
	return []string{area}
}

func count(cells []atalaya.CubeCell, area, iccs string) int64 {
	var n int64
	for _, c := range cells {
		if c.Area == area && c.ICCS == iccs {
			n += c.Count
		}
	}
	return n
}

func TestRecordsRollUpEveryLevel(t *testing.T) {
	a := cube.New()
	rec := func(area, iccs string) *atalaya.Record {
		return &atalaya.Record{Period: "2024-01", Area: area, ICCS: iccs, Sex: "F", AgeBand: "U", Weapon: "U", Unit: atalaya.UnitOffence,
			Provenance: atalaya.Provenance{Status: atalaya.StatusPreliminary}}
	}
	a.AddRecord(rec("MEX-09", "020221"), atalaya.SourcePolice)
	a.AddRecord(rec("MEX-09", "020221"), atalaya.SourcePolice)
	a.AddRecord(rec("MEX-15", "0201"), atalaya.SourcePolice)
	a.AddRecord(&atalaya.Record{Period: "2024-01", Area: "MEX-15", ICCS: "0101", Unit: atalaya.UnitRate}, atalaya.SourcePolice) // not countable
	cells := a.Cells(lineage)
	want := []struct {
		area, iccs string
		n          int64
	}{
		{"MEX-09", "020221", 2}, {"MEX-09", "02022", 2}, {"MEX-09", "0202", 2}, {"MEX-09", "02", 2},
		{"MEX-15", "0201", 1}, {"MEX-15", "02", 1}, {"MEX", "02", 3}, {"MEX", "0202", 2}, {"MEX", "0201", 1},
		{"MEX", "01", 0}, {"MEX-15", "0101", 0},
	}
	for _, w := range want {
		if got := count(cells, w.area, w.iccs); got != w.n {
			t.Errorf("%s %s = %d, want %d", w.area, w.iccs, got, w.n)
		}
	}
	if err := cube.Check(cells); err != nil {
		t.Fatal(err)
	}
}

// TestObservationRollup: values of a source that sends totals next to their
// parts count only where they are; values declared disjoint parts roll up.
func TestObservationRollup(t *testing.T) {
	a := cube.New()
	obs := func(area, iccs string, v float64, rollup bool) *atalaya.Observation {
		return &atalaya.Observation{Period: "2020", Area: area, ICCS: iccs, Sex: "T", AgeBand: "T", Weapon: "U", Unit: atalaya.UnitOffence, Value: v,
			Rollup: rollup, Provenance: atalaya.Provenance{Status: atalaya.StatusPreliminary}}
	}
	a.AddObservation(obs("COL", "0502", 1000, false), atalaya.SourceInternational)
	a.AddObservation(obs("COL", "05021", 300, false), atalaya.SourceInternational)
	a.AddObservation(obs("COL", "0501", 200.4, false), atalaya.SourceInternational)
	a.AddObservation(obs("COL", "0701", 0.4, false), atalaya.SourceInternational) // rounds to 0: no cell
	a.AddObservation(obs("MEX-09", "020221", 7, true), atalaya.SourceProsecution)
	a.AddObservation(obs("MEX-15", "020221", 5, true), atalaya.SourceProsecution)
	a.AddObservation(obs("MEX", "0502", 30, false), atalaya.SourceInternational)
	a.AddObservation(obs("MEX-09", "0502", 10, false), atalaya.SourceInternational)
	cells := a.Cells(lineage)
	for _, w := range []struct {
		area, iccs string
		n          int64
	}{{"COL", "0502", 1000}, {"COL", "05021", 300}, {"COL", "0501", 200}, {"COL", "05", 0}, {"COL", "0701", 0},
		{"MEX-09", "02", 7}, {"MEX", "020221", 12}, {"MEX", "02", 12}, {"MEX", "0502", 30}, {"MEX-09", "0502", 10}} {
		if got := count(cells, w.area, w.iccs); got != w.n {
			t.Errorf("%s %s = %d, want %d", w.area, w.iccs, got, w.n)
		}
	}
	for _, c := range cells {
		if c.Count == 0 {
			t.Errorf("cell with count 0: %+v", c.CubeKey)
		}
	}
}

func TestCheckRefusesUnboundedValues(t *testing.T) {
	ok := atalaya.CubeKey{Period: "2024-01", Area: "MEX", ICCS: "0101", Sex: "F", AgeBand: "15-29", Weapon: "firearm", SourceType: atalaya.SourcePolice, Unit: atalaya.UnitVictim, Status: atalaya.StatusPreliminary}
	if err := cube.Check([]atalaya.CubeCell{{CubeKey: ok, Count: 1}}); err != nil {
		t.Fatal(err)
	}
	bad := []func(k *atalaya.CubeKey){
		func(k *atalaya.CubeKey) { k.Sex = "female" },
		func(k *atalaya.CubeKey) { k.AgeBand = "37" },
		func(k *atalaya.CubeKey) { k.Weapon = "rifle" },
		func(k *atalaya.CubeKey) { k.ICCS = "01011" + "9" + "9" },
		func(k *atalaya.CubeKey) { k.Unit = atalaya.UnitRate },
		func(k *atalaya.CubeKey) { k.Context = "gang" },
		func(k *atalaya.CubeKey) { k.Period = "2024-01-05" },
		func(k *atalaya.CubeKey) { k.Period = "2024-+1" },
		func(k *atalaya.CubeKey) { k.Period = "2e03" },
		func(k *atalaya.CubeKey) { k.Period = "2024-13" },
	}
	for i, f := range bad {
		k := ok
		f(&k)
		if err := cube.Check([]atalaya.CubeCell{{CubeKey: k, Count: 1}}); err == nil {
			t.Errorf("case %d: %+v passed the check", i, k)
		}
	}
}

// TestFlushEqualsCells: streaming the delta in chunks gives the same cells
// as materialising it, in key order, and empties the accumulator.
func TestFlushEqualsCells(t *testing.T) {
	fill := func() *cube.Accumulator {
		a := cube.New()
		for i := 0; i < 500; i++ {
			r := &atalaya.Record{Period: []string{"2024-01", "2024-02", "2023-12"}[i%3], Area: []string{"MEX-09", "MEX-15"}[i%2],
				ICCS: []string{"020221", "0101", "0401", "05021"}[i%4], Sex: []string{"F", "M", "U"}[i%3], AgeBand: "U", Weapon: "U",
				Unit: atalaya.UnitOffence, Provenance: atalaya.Provenance{Status: atalaya.StatusPreliminary}}
			a.AddRecord(r, atalaya.SourcePolice)
		}
		return a
	}
	want := fill().Cells(lineage)
	var got []atalaya.CubeCell
	a := fill()
	chunks := 0
	if err := a.Flush(lineage, 7, func(c []atalaya.CubeCell) error {
		if len(c) > 7 {
			t.Fatalf("chunk of %d > 7", len(c))
		}
		chunks++
		got = append(got, c...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if a.Len() != 0 || chunks < 2 {
		t.Fatalf("after Flush: Len %d, %d chunks", a.Len(), chunks)
	}
	for i := 1; i < len(got); i++ {
		p, q := got[i-1], got[i]
		if p.Area > q.Area || p.Area == q.Area && (p.ICCS > q.ICCS || p.ICCS == q.ICCS && p.Period > q.Period) {
			t.Fatalf("cells out of order at %d: %+v then %+v", i, p.CubeKey, q.CubeKey)
		}
	}
	if d := cube.Diff(want, got); d != 0 || len(want) != len(got) {
		t.Fatalf("Flush and Cells differ in %d cells (%d vs %d)", d, len(got), len(want))
	}
}
