package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
)

// nothingVisible checks that batch id and everything of source are not
// visible through s.
func nothingVisible(t *testing.T, s atalaya.Store, id int64, what string) {
	t.Helper()
	c := ctx(t)
	_, err := s.Batch(c, id)
	wantCode(t, err, atalaya.ENOTFOUND, what+": Batch")
	bs, err := s.Batches(c, atalaya.BatchFilter{})
	ok(t, err, "Batches")
	if len(bs) != 0 {
		t.Errorf("%s: Batches() = %v; want none", what, bs)
	}
	if n, err := s.CountRecords(c, atalaya.RecordFilter{}); err != nil || n != 0 {
		t.Errorf("%s: CountRecords = %d, %v; want 0", what, n, err)
	}
	if n, err := s.CountObservations(c, atalaya.RecordFilter{}); err != nil || n != 0 {
		t.Errorf("%s: CountObservations = %d, %v; want 0", what, n, err)
	}
	var rejections, flags int
	ok(t, s.Rejections(c, id, func(atalaya.Rejection) error { rejections++; return nil }), "Rejections")
	ok(t, s.Flags(c, id, func(atalaya.Flag) error { flags++; return nil }), "Flags")
	if rejections+flags != 0 {
		t.Errorf("%s: %d rejections and %d flags visible; want none", what, rejections, flags)
	}
	cells, err := s.Cube(c, atalaya.CubeFilter{})
	ok(t, err, "Cube")
	if len(cells) != 0 {
		t.Errorf("%s: cube has %d cells; want none", what, len(cells))
	}
}

// writeSome writes two records, an observation, a rejection and a flag.
func writeSome(t *testing.T, w atalaya.BatchWriter) {
	t.Helper()
	c := ctx(t)
	_, err := w.AddRecords(c, []atalaya.Record{rec("k1", "MEX-09", "0101"), rec("k2", "MEX-15", "0102")})
	ok(t, err, "AddRecords")
	_, err = w.AddObservations(c, []atalaya.Observation{obs("o1", "MEX", "0101", 3)})
	ok(t, err, "AddObservations")
	ok(t, w.Reject(c, []atalaya.Rejection{{File: "victimas.csv", Row: 3, Column: "fecha", Value: "31/02/2025", Reason: "no such date", Raw: "x;31/02/2025"}}), "Reject")
	ok(t, w.Flag(c, []atalaya.Flag{{File: "victimas.csv", Row: 2, Code: "placed_nearest", Detail: "120 m outside MEX-15"}}), "Flag")
}

var cell = atalaya.CubeCell{CubeKey: atalaya.CubeKey{Period: "2025-01", Area: "MEX-09", ICCS: "0101", Sex: "F",
	AgeBand: "30-44", Weapon: "firearm", Context: "femicide", SourceType: atalaya.SourcePolice,
	Unit: atalaya.UnitVictim, Status: atalaya.StatusPreliminary}, Count: 1}

func testBatchCommit(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	w := begin(t, s, "victimas.csv")
	if w.ID() <= 0 {
		t.Fatalf("ID() = %d; want > 0", w.ID())
	}
	writeSome(t, w)
	nothingVisible(t, s, w.ID(), "before Commit")

	final := atalaya.Batch{SHA256: "abc123", Read: 4, Accepted: 3, Rejected: 1, Flagged: 1, FinishedAt: t0.Add(time.Hour)}
	got, err := w.Commit(c, final, []atalaya.CubeCell{cell})
	ok(t, err, "Commit")
	want := atalaya.Batch{ID: w.ID(), Source: srcPolice.ID, Profile: "sesnsp-victimas", Files: []string{"victimas.csv"},
		SHA256: "abc123", StartedAt: t0, FinishedAt: t0.Add(time.Hour), Read: 4, Accepted: 3, Rejected: 1, Flagged: 1,
		Submitter: "analyst@example.org"}
	same(t, "Commit() batch", got, want)
	stored, err := s.Batch(c, w.ID())
	ok(t, err, "Batch")
	same(t, "Batch()", stored, want)

	count(t, s, atalaya.RecordFilter{Batch: w.ID()}, 2)
	if n, err := s.CountObservations(c, atalaya.RecordFilter{Batch: w.ID()}); err != nil || n != 1 {
		t.Errorf("CountObservations = %d, %v; want 1", n, err)
	}
	var rs []atalaya.Rejection
	ok(t, s.Rejections(c, w.ID(), func(r atalaya.Rejection) error { rs = append(rs, r); return nil }), "Rejections")
	same(t, "Rejections", rs, []atalaya.Rejection{{Batch: w.ID(), File: "victimas.csv", Row: 3, Column: "fecha", Value: "31/02/2025", Reason: "no such date", Raw: "x;31/02/2025"}})
	var fs []atalaya.Flag
	ok(t, s.Flags(c, w.ID(), func(f atalaya.Flag) error { fs = append(fs, f); return nil }), "Flags")
	same(t, "Flags", fs, []atalaya.Flag{{Batch: w.ID(), File: "victimas.csv", Row: 2, Code: "placed_nearest", Detail: "120 m outside MEX-15"}})
	cells, err := s.Cube(c, atalaya.CubeFilter{})
	ok(t, err, "Cube")
	same(t, "Cube", cells, []atalaya.CubeCell{cell})

	// After Commit the writer is finished.
	ok(t, w.Rollback(), "Rollback after Commit")
	if _, err := w.AddRecords(c, []atalaya.Record{rec("k9", "MEX-09", "0101")}); err == nil {
		t.Error("AddRecords after Commit succeeded")
	}
	if _, err := w.Commit(c, final, nil); err == nil {
		t.Error("second Commit succeeded")
	}
	count(t, s, atalaya.RecordFilter{}, 2)
}

func testBatchRollback(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	w := begin(t, s, "victimas.csv")
	writeSome(t, w)
	ok(t, w.Rollback(), "Rollback")
	ok(t, w.Rollback(), "second Rollback")
	nothingVisible(t, s, w.ID(), "after Rollback")
	if _, err := w.Commit(c, atalaya.Batch{}, nil); err == nil {
		t.Error("Commit after Rollback succeeded")
	}

	// The keys of the abandoned batch are new to the next one.
	w2 := begin(t, s)
	isNew, err := w2.AddRecords(c, []atalaya.Record{rec("k1", "MEX-09", "0101")})
	ok(t, err, "AddRecords")
	same(t, "isNew after a rollback", isNew, []bool{true})
	b := commit(t, w2, 1, nil)
	if b.ID == 0 {
		t.Error("committed batch has no id")
	}
	bs, err := s.Batches(c, atalaya.BatchFilter{})
	ok(t, err, "Batches")
	if len(bs) != 1 || bs[0].ID != w2.ID() {
		t.Errorf("Batches() = %+v; want only batch %d", bs, w2.ID())
	}

	// A writer that is dropped without Commit, as in a crash, leaves
	// nothing once its context ends.
	cc, cancel := context.WithCancel(c)
	w3, err := s.BeginBatch(cc, atalaya.Batch{Source: srcPolice.ID})
	ok(t, err, "BeginBatch")
	_, err = w3.AddRecords(cc, []atalaya.Record{rec("k3", "MEX-09", "0101")})
	ok(t, err, "AddRecords")
	cancel()
	w3.Rollback()
	count(t, s, atalaya.RecordFilter{}, 1)
	_, err = s.Batch(c, w3.ID())
	wantCode(t, err, atalaya.ENOTFOUND, "Batch of a cancelled batch")
}

func testBatchCounts(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)

	// An unbalanced batch is refused and leaves nothing.
	w := begin(t, s)
	writeSome(t, w)
	_, err := w.Commit(c, atalaya.Batch{Read: 5, Accepted: 2, Rejected: 1, Duplicates: 1}, []atalaya.CubeCell{cell})
	wantCode(t, err, atalaya.EINVALID, "Commit(unbalanced)")
	nothingVisible(t, s, w.ID(), "after an unbalanced Commit")

	// Counts are stored as given.
	w = begin(t, s)
	writeSome(t, w)
	want := atalaya.Batch{Read: 10, Accepted: 6, Rejected: 3, Duplicates: 1, Flagged: 2}
	got, err := w.Commit(c, want, nil)
	ok(t, err, "Commit")
	stored, err := s.Batch(c, got.ID)
	ok(t, err, "Batch")
	if stored.Read != 10 || stored.Accepted != 6 || stored.Rejected != 3 || stored.Duplicates != 1 || stored.Flagged != 2 || !stored.Balanced() {
		t.Errorf("stored counts %+v; want read 10 = accepted 6 + rejected 3 + duplicates 1, flagged 2", stored)
	}
	same(t, "Batch() vs Commit()", stored, got)
	if stored.FinishedAt.IsZero() || stored.StartedAt.IsZero() {
		t.Errorf("batch times %v, %v; want both set", stored.StartedAt, stored.FinishedAt)
	}
}

func testBatchErrors(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	_, err := s.BeginBatch(c, atalaya.Batch{Source: "xx-unknown"})
	wantCode(t, err, atalaya.EINVALID, "BeginBatch(unknown source)", "xx-unknown")
	_, err = s.BeginBatch(c, atalaya.Batch{})
	wantCode(t, err, atalaya.EINVALID, "BeginBatch(no source)")
	_, err = s.Batch(c, 12345)
	wantCode(t, err, atalaya.ENOTFOUND, "Batch(absent)")

	w := begin(t, s)
	r := rec("k1", "MEX-09", "0101")
	r.Source = srcHealth.ID
	_, err = w.AddRecords(c, []atalaya.Record{r})
	wantCode(t, err, atalaya.EINVALID, "AddRecords(other source)")
	_, err = w.AddRecords(c, []atalaya.Record{rec("", "MEX-09", "0101")})
	wantCode(t, err, atalaya.EINVALID, "AddRecords(no key)")
	// The batch is still usable, and an empty source means the batch's.
	r.Source = ""
	isNew, err := w.AddRecords(c, []atalaya.Record{r})
	ok(t, err, "AddRecords")
	same(t, "isNew", isNew, []bool{true})
	isNew, err = w.AddRecords(c, nil)
	ok(t, err, "AddRecords(nil)")
	if len(isNew) != 0 {
		t.Errorf("AddRecords(nil) = %v; want empty", isNew)
	}
	commit(t, w, 1, nil)
	got := records(t, s, atalaya.RecordFilter{})
	if len(got) != 1 || got[0].Source != srcPolice.ID {
		t.Errorf("Records = %+v; want one record of source %s", got, srcPolice.ID)
	}
}

func testBatches(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	var ids []int64
	for i, src := range []string{srcPolice.ID, srcHealth.ID, srcPolice.ID} {
		w, err := s.BeginBatch(c, atalaya.Batch{Source: src, StartedAt: t0.Add(time.Duration(i) * time.Hour)})
		ok(t, err, "BeginBatch")
		b, err := w.Commit(c, atalaya.Batch{}, nil)
		ok(t, err, "Commit")
		ids = append(ids, b.ID)
	}
	if !(ids[0] < ids[1] && ids[1] < ids[2]) {
		t.Errorf("batch ids %v; want increasing", ids)
	}
	list := func(f atalaya.BatchFilter) []int64 {
		bs, err := s.Batches(c, f)
		ok(t, err, "Batches")
		out := []int64{}
		for _, b := range bs {
			out = append(out, b.ID)
		}
		return out
	}
	same(t, "Batches({})", list(atalaya.BatchFilter{}), []int64{ids[2], ids[1], ids[0]})
	same(t, "Batches(Limit 2)", list(atalaya.BatchFilter{Limit: 2}), []int64{ids[2], ids[1]})
	same(t, "Batches(police)", list(atalaya.BatchFilter{Source: srcPolice.ID}), []int64{ids[2], ids[0]})
	same(t, "Batches(police, Limit 1)", list(atalaya.BatchFilter{Source: srcPolice.ID, Limit: 1}), []int64{ids[2]})
	same(t, "Batches(unknown)", list(atalaya.BatchFilter{Source: "xx"}), []int64{})
	b, err := s.Batch(c, ids[1])
	ok(t, err, "Batch")
	if b.Source != srcHealth.ID || !b.StartedAt.Equal(t0.Add(time.Hour)) || b.Files != nil {
		t.Errorf("Batch(%d) = %+v; want source %s started at %v, no files", ids[1], b, srcHealth.ID, t0.Add(time.Hour))
	}
}

func testRejectionsAndFlags(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	w := begin(t, s, "b.csv", "a.csv")
	rej := func(file string, row int64, reason string) atalaya.Rejection {
		return atalaya.Rejection{File: file, Row: row, Reason: reason}
	}
	in := []atalaya.Rejection{rej("b.csv", 2, "r1"), rej("a.csv", 10, "r2"), rej("b.csv", 1, "r3"), rej("a.csv", 9, "r4")}
	ok(t, w.Reject(c, in[:2]), "Reject")
	ok(t, w.Reject(c, in[2:]), "Reject")
	ok(t, w.Reject(c, []atalaya.Rejection{rej("a.csv", 10, "r5")}), "Reject")
	wantCode(t, w.Reject(c, []atalaya.Rejection{{File: "a.csv", Row: 1}}), atalaya.EINVALID, "Reject(no reason)")
	ok(t, w.Flag(c, []atalaya.Flag{{File: "b.csv", Row: 5, Code: "f1"}, {File: "a.csv", Row: 7, Code: "f2", Detail: "d"}}), "Flag")
	wantCode(t, w.Flag(c, []atalaya.Flag{{File: "a.csv", Row: 1}}), atalaya.EINVALID, "Flag(no code)")
	b, err := w.Commit(c, atalaya.Batch{Read: 7, Accepted: 2, Rejected: 5, Flagged: 2}, nil)
	ok(t, err, "Commit")

	var reasons []string
	ok(t, s.Rejections(c, b.ID, func(r atalaya.Rejection) error {
		if r.Batch != b.ID {
			t.Errorf("rejection of batch %d; want %d", r.Batch, b.ID)
		}
		reasons = append(reasons, r.Reason)
		return nil
	}), "Rejections")
	same(t, "rejections in file, row order", reasons, []string{"r4", "r2", "r5", "r3", "r1"})
	var codes []string
	ok(t, s.Flags(c, b.ID, func(f atalaya.Flag) error { codes = append(codes, f.Code); return nil }), "Flags")
	same(t, "flags in file, row order", codes, []string{"f2", "f1"})
	checkStops(t, "Rejections", func(fn func() error) error {
		return s.Rejections(c, b.ID, func(atalaya.Rejection) error { return fn() })
	})
	checkStops(t, "Flags", func(fn func() error) error {
		return s.Flags(c, b.ID, func(atalaya.Flag) error { return fn() })
	})
	var none int
	ok(t, s.Rejections(c, b.ID+1000, func(atalaya.Rejection) error { none++; return nil }), "Rejections(absent batch)")
	if none != 0 {
		t.Errorf("Rejections(absent batch) gave %d rows", none)
	}
}
