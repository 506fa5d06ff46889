package storetest

import (
	"testing"

	"github.com/oas-atalaya/atalaya"
)

func testRecords(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	full := rec("r1", "MEX-09-015", "0101")
	bare := atalaya.Record{Key: "r2", Provenance: atalaya.Provenance{File: "f.csv", Row: 2, Status: atalaya.StatusValidated},
		Unit: atalaya.UnitOffence, Period: "2025-02", Area: "MEX-09", Placement: atalaya.PlacedByCode,
		NationalCode: "Robo", ICCS: "0201", Sex: atalaya.SexUnknown, Age: -1, AgeBand: atalaya.AgeUnknown,
		Weapon: atalaya.WeaponUnknown}
	w := begin(t, s)
	isNew, err := w.AddRecords(c, []atalaya.Record{full, bare})
	ok(t, err, "AddRecords")
	same(t, "isNew", isNew, []bool{true, true})
	commit(t, w, 2, nil)

	got := records(t, s, atalaya.RecordFilter{})
	if len(got) != 2 {
		t.Fatalf("Records() gave %d records; want 2", len(got))
	}
	if got[0].ID <= 0 || got[1].ID <= got[0].ID {
		t.Errorf("record ids %d, %d; want positive and increasing", got[0].ID, got[1].ID)
	}
	full.ID, full.Batch = got[0].ID, w.ID()
	bare.ID, bare.Batch, bare.Source = got[1].ID, w.ID(), srcPolice.ID
	same(t, "Records()[0]", got[0], full)
	same(t, "Records()[1]", got[1], bare)
}

func testRecordFilters(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	w1 := begin(t, s)
	_, err := w1.AddRecords(c, []atalaya.Record{
		rec("a", "MEX-09", "0101"), rec("b", "MEX-09", "01011"), rec("c", "MEX-15", "0102"),
		rec("d", "MEX-09-015", "02011"), rec("e", "MEX-09", "020111"),
	})
	ok(t, err, "AddRecords")
	b1 := commit(t, w1, 5, nil)
	w2, err := s.BeginBatch(c, atalaya.Batch{Source: srcHealth.ID})
	ok(t, err, "BeginBatch")
	h := rec("a", "MEX-09", "0101")
	h.Source = srcHealth.ID
	_, err = w2.AddRecords(c, []atalaya.Record{h})
	ok(t, err, "AddRecords")
	b2 := commit(t, w2, 1, nil)

	for _, tc := range []struct {
		f    atalaya.RecordFilter
		want []string
	}{
		{atalaya.RecordFilter{}, []string{"a", "b", "c", "d", "e", "a"}},
		{atalaya.RecordFilter{Source: srcPolice.ID}, []string{"a", "b", "c", "d", "e"}},
		{atalaya.RecordFilter{Source: srcHealth.ID}, []string{"a"}},
		{atalaya.RecordFilter{Batch: b1.ID}, []string{"a", "b", "c", "d", "e"}},
		{atalaya.RecordFilter{Batch: b2.ID}, []string{"a"}},
		{atalaya.RecordFilter{Batch: b2.ID + 100}, []string{}},
		{atalaya.RecordFilter{Area: "MEX-09"}, []string{"a", "b", "e", "a"}},
		{atalaya.RecordFilter{Area: "MEX"}, []string{}}, // exactly this area, not its children
		{atalaya.RecordFilter{ICCS: "01"}, []string{"a", "b", "c", "a"}},
		{atalaya.RecordFilter{ICCS: "0101"}, []string{"a", "b", "a"}},
		{atalaya.RecordFilter{ICCS: "01011"}, []string{"b"}},
		{atalaya.RecordFilter{ICCS: "02"}, []string{"d", "e"}},
		{atalaya.RecordFilter{ICCS: "02011"}, []string{"d", "e"}},
		{atalaya.RecordFilter{ICCS: "020111"}, []string{"e"}},
		{atalaya.RecordFilter{ICCS: "0201", Area: "MEX-09"}, []string{"e"}},
		{atalaya.RecordFilter{Source: srcPolice.ID, ICCS: "0101", Area: "MEX-09", Batch: b1.ID}, []string{"a", "b"}},
		{atalaya.RecordFilter{Limit: 2}, []string{"a", "b"}},
		{atalaya.RecordFilter{ICCS: "01", Limit: 3}, []string{"a", "b", "c"}},
		{atalaya.RecordFilter{Source: srcHealth.ID, Limit: 10}, []string{"a"}},
	} {
		same(t, "Records("+describe(tc.f)+")", keys(records(t, s, tc.f)), tc.want)
		count(t, s, tc.f, int64(len(tc.want)))
	}

	err = s.Records(c, atalaya.RecordFilter{ICCS: "homicide"}, func(atalaya.Record) error { return nil })
	wantCode(t, err, atalaya.EINVALID, "Records(bad ICCS filter)")
	_, err = s.CountRecords(c, atalaya.RecordFilter{ICCS: "1"})
	wantCode(t, err, atalaya.EINVALID, "CountRecords(bad ICCS filter)")
	checkStops(t, "Records", func(fn func() error) error {
		return s.Records(c, atalaya.RecordFilter{}, func(atalaya.Record) error { return fn() })
	})
}

func testObservations(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	o1 := obs("MEX.0101.2024", "MEX", "0101", 31062.5)
	o2 := obs("MEX-09.0201.2024", "MEX-09", "0201", 12)
	o2.Dims, o2.Attributes, o2.ICCS, o2.NationalCode = nil, nil, "", ""
	o2.Rollup = true // round-trips
	o3 := obs("MEX-09.01011.2024", "MEX-09", "01011", 0.25)
	o3.Source = ""
	w := begin(t, s)
	isNew, err := w.AddObservations(c, []atalaya.Observation{o1, o2, o3})
	ok(t, err, "AddObservations")
	same(t, "isNew", isNew, []bool{true, true, true})
	commit(t, w, 3, nil)

	collect := func(f atalaya.RecordFilter) []atalaya.Observation {
		var out []atalaya.Observation
		ok(t, s.Observations(c, f, func(o atalaya.Observation) error { out = append(out, o); return nil }), "Observations")
		n, err := s.CountObservations(c, f)
		ok(t, err, "CountObservations")
		if n != int64(len(out)) {
			t.Errorf("CountObservations(%+v) = %d; Observations gave %d", f, n, len(out))
		}
		return out
	}
	got := collect(atalaya.RecordFilter{})
	if len(got) != 3 {
		t.Fatalf("Observations() gave %d; want 3", len(got))
	}
	if got[0].ID <= 0 || got[1].ID <= got[0].ID || got[2].ID <= got[1].ID {
		t.Errorf("observation ids %d, %d, %d; want positive and increasing", got[0].ID, got[1].ID, got[2].ID)
	}
	o1.ID, o1.Batch = got[0].ID, w.ID()
	o2.ID, o2.Batch = got[1].ID, w.ID()
	o3.ID, o3.Batch, o3.Source = got[2].ID, w.ID(), srcPolice.ID
	same(t, "Observations()", got, []atalaya.Observation{o1, o2, o3})

	okeys := func(os []atalaya.Observation) []string {
		out := []string{}
		for _, o := range os {
			out = append(out, o.Key)
		}
		return out
	}
	same(t, "Observations(ICCS 01)", okeys(collect(atalaya.RecordFilter{ICCS: "01"})), []string{o1.Key, o3.Key})
	same(t, "Observations(Area MEX-09)", okeys(collect(atalaya.RecordFilter{Area: "MEX-09"})), []string{o2.Key, o3.Key})
	same(t, "Observations(Limit 1)", okeys(collect(atalaya.RecordFilter{Limit: 1})), []string{o1.Key})
	same(t, "Observations(Batch)", okeys(collect(atalaya.RecordFilter{Batch: w.ID(), Source: srcPolice.ID})), []string{o1.Key, o2.Key, o3.Key})
	same(t, "Observations(other source)", okeys(collect(atalaya.RecordFilter{Source: srcHealth.ID})), []string{})
	checkStops(t, "Observations", func(fn func() error) error {
		return s.Observations(c, atalaya.RecordFilter{}, func(atalaya.Observation) error { return fn() })
	})
}
