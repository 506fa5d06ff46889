package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
)

func testDedupe(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	add := func(w atalaya.BatchWriter, keys ...string) []bool {
		t.Helper()
		var recs []atalaya.Record
		for _, k := range keys {
			recs = append(recs, rec(k, "MEX-09", "0101"))
		}
		isNew, err := w.AddRecords(c, recs)
		ok(t, err, "AddRecords")
		return isNew
	}
	w := begin(t, s)
	same(t, "first call", add(w, "a", "b", "a", "c", "b"), []bool{true, true, false, true, false})
	same(t, "second call", add(w, "c", "d", "d"), []bool{false, true, false})
	commit(t, w, 4, nil)

	w = begin(t, s)
	same(t, "next batch", add(w, "d", "e", "a", "e"), []bool{false, true, false, false})
	commit(t, w, 1, nil)
	same(t, "stored keys", keys(records(t, s, atalaya.RecordFilter{})), []string{"a", "b", "c", "d", "e"})

	// Keys are unique per source only.
	w2, err := s.BeginBatch(c, atalaya.Batch{Source: srcHealth.ID})
	ok(t, err, "BeginBatch")
	defer w2.Rollback()
	r := rec("a", "MEX-09", "0101")
	r.Source = ""
	isNew, err := w2.AddRecords(c, []atalaya.Record{r})
	ok(t, err, "AddRecords")
	same(t, "same key, other source", isNew, []bool{true})
	// SQLite has one writer: end this batch before the next begins.
	ok(t, w2.Rollback(), "Rollback")

	// A large call, cut into chunks by the store, keeps its order.
	w = begin(t, s)
	var recs []atalaya.Record
	var want []bool
	for i := 0; i < 1500; i++ {
		k := describe(i % 1100)
		recs = append(recs, rec("big-"+k, "MEX-15", "0102"))
		want = append(want, i < 1100)
	}
	recs = append(recs, rec("c", "MEX-09", "0101"))
	want = append(want, false)
	isNew, err = w.AddRecords(c, recs)
	ok(t, err, "AddRecords(1501)")
	same(t, "large call", isNew, want)
	commit(t, w, 1100, nil)
	count(t, s, atalaya.RecordFilter{Source: srcPolice.ID}, 1105)
	got := keys(records(t, s, atalaya.RecordFilter{Area: "MEX-15", Limit: 3}))
	same(t, "large call in id order", got, []string{"big-0", "big-1", "big-2"})
}

func testObservationDedupe(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	add := func(w atalaya.BatchWriter, keys ...string) []bool {
		t.Helper()
		var os []atalaya.Observation
		for _, k := range keys {
			os = append(os, obs(k, "MEX", "0101", 1))
		}
		isNew, err := w.AddObservations(c, os)
		ok(t, err, "AddObservations")
		return isNew
	}
	w := begin(t, s)
	same(t, "first call", add(w, "x", "y", "x"), []bool{true, true, false})
	same(t, "second call", add(w, "y", "z"), []bool{false, true})
	commit(t, w, 3, nil)
	w = begin(t, s)
	same(t, "next batch", add(w, "z", "w"), []bool{false, true})
	commit(t, w, 1, nil)
	n, err := s.CountObservations(c, atalaya.RecordFilter{})
	ok(t, err, "CountObservations")
	if n != 4 {
		t.Errorf("CountObservations = %d; want 4", n)
	}
}

func testReadsDuringBatch(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	w0 := begin(t, s)
	_, err := w0.AddRecords(c, []atalaya.Record{rec("committed", "MEX-09", "0101")})
	ok(t, err, "AddRecords")
	commit(t, w0, 1, nil)

	w := begin(t, s)
	var recs []atalaya.Record
	for i := 0; i < 2000; i++ {
		recs = append(recs, rec("open-"+describe(i), "MEX-09", "0101"))
	}
	_, err = w.AddRecords(c, recs)
	ok(t, err, "AddRecords")

	// While the batch is open, reads from other goroutines finish and see
	// the committed state only.
	done := make(chan error, 1)
	go func() {
		rc, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := s.Areas(rc, atalaya.AreaFilter{}); err != nil {
			done <- err
			return
		}
		n, err := s.CountRecords(rc, atalaya.RecordFilter{})
		if err == nil && n != 1 {
			err = atalaya.Errorf(atalaya.EINTERNAL, "CountRecords during an open batch = %d; want 1", n)
		}
		if err == nil {
			_, err = s.Batches(rc, atalaya.BatchFilter{})
		}
		if err == nil {
			_, err = s.Cube(rc, atalaya.CubeFilter{})
		}
		done <- err
	}()
	select {
	case err := <-done:
		ok(t, err, "reads during an open batch")
	case <-time.After(15 * time.Second):
		t.Fatal("reads blocked by an open batch")
	}
	commit(t, w, 2000, nil)
	count(t, s, atalaya.RecordFilter{}, 2001)
}
