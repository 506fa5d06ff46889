package storetest

import (
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
)

// release returns a release of the police source to add.
func release(area, period string, st atalaya.Status, reason string) atalaya.Release {
	return atalaya.Release{Source: srcPolice.ID, Area: area, Period: period, Status: st, By: "approver@example.org", Reason: reason}
}

// addRelease adds r with cells and checks what the store filled in.
func addRelease(t *testing.T, s atalaya.Store, r atalaya.Release, cells []atalaya.CubeCell) atalaya.Release {
	t.Helper()
	before := time.Now().UTC().Truncate(time.Microsecond)
	got, err := s.AddRelease(ctx(t), r, cells)
	ok(t, err, "AddRelease")
	after := time.Now().UTC()
	if got.ID <= 0 || got.At.Before(before) || got.At.After(after) || got.At.Location() != time.UTC {
		t.Errorf("AddRelease: id %d, at %v; want an id > 0 and a UTC time in [%v, %v]", got.ID, got.At, before, after)
	}
	return got
}

func releases(t *testing.T, s atalaya.Store, f atalaya.ReleaseFilter) []atalaya.Release {
	t.Helper()
	rs, err := s.Releases(ctx(t), f)
	ok(t, err, "Releases")
	return rs
}

func releaseCells(t *testing.T, s atalaya.Store, id int64, f atalaya.CubeFilter) []atalaya.CubeCell {
	t.Helper()
	cells, err := s.ReleaseCells(ctx(t), id, f)
	ok(t, err, "ReleaseCells")
	return cells
}

func i64(n int64) *int64 { return &n }

// testReleases checks revision numbering, that a revision never changes an
// earlier release or its snapshot, the order and the filters of Releases.
func testReleases(t *testing.T, s atalaya.Store) {
	seed(t, s)
	p, h, v, o := atalaya.SourcePolice, atalaya.SourceHealth, atalaya.UnitVictim, atalaya.UnitOffence
	snap1 := []atalaya.CubeCell{ // in key order
		cc("2025", "MEX", "01", "T", p, v, 3),
		cc("2025-01", "MEX", "01", "T", p, v, 10),
		cc("2025-01", "MEX", "0101", "T", p, v, 10),
		cc("2025-01", "MEX-09", "01", "T", p, v, 4),
		cc("2025-Q1", "MEX", "02", "T", p, o, 5),
	}
	// Stored in another order; Total sums the cells at MEX with two-digit
	// ICCS codes: 3 + 10 + 5.
	r1 := addRelease(t, s, release("MEX", "2025", atalaya.StatusValidated, "  checked against the state reports  "),
		[]atalaya.CubeCell{snap1[4], snap1[2], snap1[0], snap1[3], snap1[1]})
	want1 := atalaya.Release{ID: r1.ID, Source: srcPolice.ID, SourceType: p, Area: "MEX", Period: "2025",
		Status: atalaya.StatusValidated, At: r1.At, By: "approver@example.org", Reason: "checked against the state reports",
		Revision: 1, Cells: 5, Total: 18}
	same(t, "AddRelease (first)", r1, want1)
	same(t, "ReleaseCells(first)", releaseCells(t, s, r1.ID, atalaya.CubeFilter{}), snap1)

	// A revision of the same source, area and year: published, with an
	// embargo given in another time zone, and changed figures.
	embargo := time.Date(2026, 12, 1, 6, 0, 0, 123456789, time.FixedZone("CST", -6*3600))
	snap2 := []atalaya.CubeCell{
		cc("2025-01", "MEX", "01", "T", p, v, 12),
		cc("2025-01", "MEX", "0101", "T", p, v, 12),
		cc("2025-Q1", "MEX", "02", "T", p, o, 5),
	}
	in2 := release("MEX", "2025", atalaya.StatusPublished, "January corrected after the state audit")
	in2.Embargo, in2.ID, in2.Revision, in2.Total, in2.SourceType = embargo, 999, 7, 1, h // ignored or replaced
	r2 := addRelease(t, s, in2, snap2)
	want2 := atalaya.Release{ID: r2.ID, Source: srcPolice.ID, SourceType: p, Area: "MEX", Period: "2025",
		Status: atalaya.StatusPublished, Embargo: time.Date(2026, 12, 1, 12, 0, 0, 123456000, time.UTC), At: r2.At,
		By: "approver@example.org", Reason: "January corrected after the state audit", Revision: 2, Cells: 3, Total: 17,
		PreviousTotal: i64(18)}
	same(t, "AddRelease (revision)", r2, want2)
	if r2.ID <= r1.ID {
		t.Errorf("revision id %d is not after %d", r2.ID, r1.ID)
	}
	same(t, "ReleaseCells(revision)", releaseCells(t, s, r2.ID, atalaya.CubeFilter{}), snap2)
	same(t, "ReleaseCells(first) after the revision", releaseCells(t, s, r1.ID, atalaya.CubeFilter{}), snap1)

	// Other areas, periods and sources number their revisions apart.
	r3 := addRelease(t, s, release("MEX-09", "2025", atalaya.StatusPublished, "Mexico City validated"),
		[]atalaya.CubeCell{cc("2025-01", "MEX-09", "01", "T", p, v, 4)})
	healthRel := atalaya.Release{Source: srcHealth.ID, Area: "MEX", Period: "2025", Status: atalaya.StatusValidated, Reason: "death certificates closed"}
	r4 := addRelease(t, s, healthRel, []atalaya.CubeCell{cc("2025", "MEX", "01", "T", h, v, 33000)})
	// Repeated keys add up; quarters and months of the year are in it.
	r5 := addRelease(t, s, release("MEX", "2024", atalaya.StatusPublished, "2024 closed"), []atalaya.CubeCell{
		cc("2024-12", "MEX", "01", "T", p, v, 1), cc("2024-Q4", "MEX", "01", "T", p, v, 6), cc("2024-12", "MEX", "01", "T", p, v, 2)})
	// An empty snapshot withdraws the figures: a revision too.
	r6 := addRelease(t, s, release("MEX", "2025", atalaya.StatusPublished, "withdrawn: the source found duplicates"), nil)
	for _, c := range []struct {
		got          atalaya.Release
		revision     int
		st           atalaya.SourceType
		cells, total int64
		previous     *int64
	}{
		{r3, 1, p, 1, 4, nil}, {r4, 1, h, 1, 33000, nil}, {r5, 1, p, 2, 9, nil}, {r6, 3, p, 0, 0, i64(17)},
	} {
		if c.got.Revision != c.revision || c.got.SourceType != c.st || c.got.Cells != c.cells || c.got.Total != c.total ||
			!same64(c.got.PreviousTotal, c.previous) {
			t.Errorf("AddRelease(%s %s %s) = revision %d, %s, %d cells, total %d, previous %v; want %d, %s, %d, %d, %v",
				c.got.Source, c.got.Area, c.got.Period, c.got.Revision, c.got.SourceType, c.got.Cells, c.got.Total,
				c.got.PreviousTotal, c.revision, c.st, c.cells, c.total, c.previous)
		}
	}
	same(t, "ReleaseCells(repeated keys)", releaseCells(t, s, r5.ID, atalaya.CubeFilter{}), []atalaya.CubeCell{
		cc("2024-12", "MEX", "01", "T", p, v, 3), cc("2024-Q4", "MEX", "01", "T", p, v, 6)})
	same(t, "ReleaseCells(empty snapshot)", releaseCells(t, s, r6.ID, atalaya.CubeFilter{}), []atalaya.CubeCell(nil))

	all := []atalaya.Release{r1, r2, r3, r4, r5, r6}
	same(t, "Releases({})", releases(t, s, atalaya.ReleaseFilter{}), all)
	before := func(at time.Time) []atalaya.Release {
		var out []atalaya.Release
		for _, r := range all {
			if !r.At.After(at) {
				out = append(out, r)
			}
		}
		return out
	}
	for _, tc := range []struct {
		f    atalaya.ReleaseFilter
		want []atalaya.Release
	}{
		{atalaya.ReleaseFilter{Source: srcPolice.ID}, []atalaya.Release{r1, r2, r3, r5, r6}},
		{atalaya.ReleaseFilter{Source: srcHealth.ID}, []atalaya.Release{r4}},
		{atalaya.ReleaseFilter{Area: "MEX-09"}, []atalaya.Release{r3}},
		{atalaya.ReleaseFilter{Area: "MEX"}, []atalaya.Release{r1, r2, r4, r5, r6}},
		{atalaya.ReleaseFilter{Period: "2024"}, []atalaya.Release{r5}},
		{atalaya.ReleaseFilter{Status: atalaya.StatusValidated}, []atalaya.Release{r1, r4}},
		{atalaya.ReleaseFilter{Source: srcPolice.ID, Area: "MEX", Period: "2025"}, []atalaya.Release{r1, r2, r6}},
		{atalaya.ReleaseFilter{Source: srcPolice.ID, Area: "MEX", Period: "2025", Status: atalaya.StatusPublished}, []atalaya.Release{r2, r6}},
		{atalaya.ReleaseFilter{Before: r1.At}, before(r1.At)},
		{atalaya.ReleaseFilter{Before: r3.At.In(time.FixedZone("X", 3600))}, before(r3.At)},
		{atalaya.ReleaseFilter{Before: r3.At.Add(999 * time.Nanosecond)}, before(r3.At.Add(999 * time.Nanosecond))},
		{atalaya.ReleaseFilter{Before: r1.At.Add(-time.Microsecond)}, nil},
		{atalaya.ReleaseFilter{Before: r1.At.Add(-time.Nanosecond)}, nil},
		{atalaya.ReleaseFilter{Before: r6.At.Add(time.Hour), Area: "MEX-09"}, []atalaya.Release{r3}},
		{atalaya.ReleaseFilter{Source: "co-policia"}, nil},
		{atalaya.ReleaseFilter{Area: "MEX-15"}, nil},
	} {
		same(t, "Releases("+describe(tc.f)+")", releases(t, s, tc.f), tc.want)
	}
}

func same64(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

// testReleaseCells checks the filters of ReleaseCells, which are Cube's.
func testReleaseCells(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	p, v, o := atalaya.SourcePolice, atalaya.UnitVictim, atalaya.UnitOffence
	all := []atalaya.CubeCell{
		cc("2025", "MEX", "0101", "T", p, v, 30000), // 0
		cc("2025-01", "MEX", "0101", "T", p, v, 2000),
		cc("2025-01", "MEX-09", "0101", "F", p, v, 20),
		cc("2025-01", "MEX-09", "0101", "M", p, v, 60),
		cc("2025-01", "MEX-09", "02", "T", p, o, 310),
		cc("2025-01", "MEX-09", "0201", "T", p, o, 300), // 5
		cc("2025-02", "MEX-09", "0101", "T", p, v, 75),
		cc("2025-12", "MEX-15", "0101", "T", p, v, 70), // 7
	}
	shuffled := []atalaya.CubeCell{all[7], all[3], all[0], all[6], all[5], all[1], all[2], all[4]}
	r := addRelease(t, s, release("MEX", "2025", atalaya.StatusPublished, "annual publication"), shuffled)
	// Another release's cells never show.
	addRelease(t, s, release("MEX-09", "2025", atalaya.StatusPublished, "city"), []atalaya.CubeCell{cc("2025-01", "MEX-09", "0101", "F", p, v, 21)})
	same(t, "ReleaseCells({})", releaseCells(t, s, r.ID, atalaya.CubeFilter{}), all)

	pick := func(idx ...int) []atalaya.CubeCell {
		var out []atalaya.CubeCell
		for _, i := range idx {
			out = append(out, all[i])
		}
		return out
	}
	for _, tc := range []struct {
		f    atalaya.CubeFilter
		want []atalaya.CubeCell
	}{
		{atalaya.CubeFilter{Areas: []string{"MEX-09"}}, pick(2, 3, 4, 5, 6)},
		{atalaya.CubeFilter{Areas: []string{"MEX", "MEX-15"}}, pick(0, 1, 7)},
		{atalaya.CubeFilter{ICCS: []string{"0201", "02"}}, pick(4, 5)},
		{atalaya.CubeFilter{ICCS: []string{"01"}}, nil}, // no prefix matching, as in the cube
		{atalaya.CubeFilter{PeriodFrom: "2025-01", PeriodTo: "2025-01"}, pick(1, 2, 3, 4, 5)},
		{atalaya.CubeFilter{PeriodFrom: "2025-02"}, pick(6, 7)},
		{atalaya.CubeFilter{PeriodTo: "2025-01"}, pick(0, 1, 2, 3, 4, 5)}, // strings: "2025" < "2025-01"
		{atalaya.CubeFilter{SourceType: p}, all},
		{atalaya.CubeFilter{SourceType: atalaya.SourceHealth}, nil},
		{atalaya.CubeFilter{Unit: o}, pick(4, 5)},
		{atalaya.CubeFilter{Areas: []string{"MEX-09"}, ICCS: []string{"0101"}, PeriodFrom: "2025", SourceType: p, Unit: v}, pick(2, 3, 6)},
		{atalaya.CubeFilter{Areas: []string{"COL"}}, nil},
	} {
		same(t, "ReleaseCells("+describe(tc.f)+")", releaseCells(t, s, r.ID, tc.f), tc.want)
	}
	_, err := s.ReleaseCells(c, r.ID+1000, atalaya.CubeFilter{})
	wantCode(t, err, atalaya.ENOTFOUND, "ReleaseCells(unknown release)")
}

// testReleaseErrors checks that AddRelease refuses invalid releases with
// the right codes, and that a refused release leaves no trace.
func testReleaseErrors(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	p, h, v := atalaya.SourcePolice, atalaya.SourceHealth, atalaya.UnitVictim
	good := []atalaya.CubeCell{cc("2025-01", "MEX", "01", "T", p, v, 1)}
	v0, err := s.DataVersion(c)
	ok(t, err, "DataVersion")

	mod := func(f func(r *atalaya.Release)) atalaya.Release {
		r := release("MEX", "2025", atalaya.StatusPublished, "ok")
		f(&r)
		return r
	}
	for _, tc := range []struct {
		what  string
		r     atalaya.Release
		cells []atalaya.CubeCell
		code  string
	}{
		{"no reason", mod(func(r *atalaya.Release) { r.Reason = "" }), good, atalaya.EINVALID},
		{"blank reason", mod(func(r *atalaya.Release) { r.Reason = " \t\n" }), good, atalaya.EINVALID},
		{"month period", mod(func(r *atalaya.Release) { r.Period = "2025-01" }), good, atalaya.EINVALID},
		{"quarter period", mod(func(r *atalaya.Release) { r.Period = "2025-Q1" }), good, atalaya.EINVALID},
		{"no period", mod(func(r *atalaya.Release) { r.Period = "" }), good, atalaya.EINVALID},
		{"bad period", mod(func(r *atalaya.Release) { r.Period = "25e1" }), good, atalaya.EINVALID},
		{"preliminary", mod(func(r *atalaya.Release) { r.Status = atalaya.StatusPreliminary }), good, atalaya.EINVALID},
		{"no status", mod(func(r *atalaya.Release) { r.Status = "" }), good, atalaya.EINVALID},
		{"unknown status", mod(func(r *atalaya.Release) { r.Status = "final" }), good, atalaya.EINVALID},
		{"unknown source", mod(func(r *atalaya.Release) { r.Source = "ar-snic" }), good, atalaya.ENOTFOUND},
		{"no source", mod(func(r *atalaya.Release) { r.Source = "" }), good, atalaya.ENOTFOUND},
		{"unknown area", mod(func(r *atalaya.Release) { r.Area = "ARG" }), good, atalaya.ENOTFOUND},
		{"no area", mod(func(r *atalaya.Release) { r.Area = "" }), good, atalaya.ENOTFOUND},
		{"cell of another year", mod(func(*atalaya.Release) {}), append(good, cc("2024-12", "MEX", "01", "T", p, v, 1)), atalaya.EINVALID},
		{"cell of another year (annual)", mod(func(*atalaya.Release) {}), append(good, cc("2026", "MEX", "01", "T", p, v, 1)), atalaya.EINVALID},
		{"cell period not a period", mod(func(*atalaya.Release) {}), append(good, cc("2025-13", "MEX", "01", "T", p, v, 1)), atalaya.EINVALID},
		{"cell period a day", mod(func(*atalaya.Release) {}), append(good, cc("2025-01-05", "MEX", "01", "T", p, v, 1)), atalaya.EINVALID},
		{"cell of another source type", mod(func(*atalaya.Release) {}), append(good, cc("2025-01", "MEX", "01", "T", h, v, 1)), atalaya.EINVALID},
		{"invalid cell", mod(func(*atalaya.Release) {}), append(good, cc("2025-01", "", "01", "T", p, v, 1)), atalaya.EINVALID},
	} {
		_, err := s.AddRelease(c, tc.r, tc.cells)
		wantCode(t, err, tc.code, "AddRelease("+tc.what+")")
	}
	same(t, "Releases after refused releases", releases(t, s, atalaya.ReleaseFilter{}), []atalaya.Release(nil))
	if v1, err := s.DataVersion(c); err != nil || v1 != v0 {
		t.Errorf("DataVersion after refused releases = %d, %v; want %d unchanged", v1, err, v0)
	}
	// Refused attempts take no revision number.
	r := addRelease(t, s, release("MEX", "2025", atalaya.StatusPublished, "ok"), good)
	if r.Revision != 1 || r.PreviousTotal != nil {
		t.Errorf("first accepted release: revision %d, previous total %v; want 1, nil", r.Revision, r.PreviousTotal)
	}
}

// testDataVersion checks that every kind of write that figures depend on
// increments the data version when it commits, and only then.
func testDataVersion(t *testing.T, s atalaya.Store) {
	c := ctx(t)
	last, err := s.DataVersion(c)
	ok(t, err, "DataVersion")
	step := func(what string, write func() error) {
		t.Helper()
		ok(t, write(), what)
		v, err := s.DataVersion(c)
		ok(t, err, "DataVersion")
		if v <= last {
			t.Errorf("DataVersion after %s = %d; want more than %d", what, v, last)
		}
		last = v
	}
	unchanged := func(what string) {
		t.Helper()
		v, err := s.DataVersion(c)
		ok(t, err, "DataVersion")
		if v != last {
			t.Errorf("DataVersion after %s = %d; want %d unchanged", what, v, last)
		}
	}
	p, v := atalaya.SourcePolice, atalaya.UnitVictim

	step("PutSource", func() error { return s.PutSource(c, srcPolice) })
	step("PutSource (update)", func() error { u := srcPolice; u.Licence = "CC0"; return s.PutSource(c, u) })
	step("PutAreas", func() error { return s.PutAreas(c, []atalaya.Area{areaMEX, areaCDMX}) })
	wantCode(t, s.PutAreas(c, []atalaya.Area{{Code: "MEX-99", Country: "MEX", Parent: "ARG", Level: 1, Name: "x"}}), atalaya.EINVALID, "PutAreas(bad)")
	unchanged("a refused PutAreas")
	step("PutICCS", func() error { return s.PutICCS(c, iccsCats) })
	ok(t, s.PutCodeList(c, codeList), "PutCodeList")
	last, _ = s.DataVersion(c)
	step("AddMapping", func() error { _, err := s.AddMapping(c, mappingV1()); return err })
	step("PutPopulations", func() error {
		return s.PutPopulations(c, []atalaya.Population{{Area: "MEX", Year: 2025, Sex: "T", AgeBand: "T", Value: 130_000_000}})
	})

	w := begin(t, s)
	ok(t, w.AddCube(c, []atalaya.CubeCell{cc("2025-01", "MEX", "01", "T", p, v, 1)}), "AddCube")
	unchanged("an open batch")
	ok(t, w.Rollback(), "Rollback")
	unchanged("a rolled-back batch")
	w = begin(t, s)
	step("batch Commit", func() error {
		_, err := w.Commit(c, atalaya.Batch{}, []atalaya.CubeCell{cc("2025-01", "MEX", "01", "T", p, v, 1)})
		return err
	})
	w = begin(t, s)
	step("empty batch Commit", func() error { _, err := w.Commit(c, atalaya.Batch{}, nil); return err })
	step("ReplaceCube", func() error { return s.ReplaceCube(c, []atalaya.CubeCell{cc("2025-01", "MEX", "01", "T", p, v, 2)}) })
	step("AddRelease", func() error {
		_, err := s.AddRelease(c, release("MEX", "2025", atalaya.StatusValidated, "validated"), nil)
		return err
	})
	step("AddRelease (revision)", func() error {
		_, err := s.AddRelease(c, release("MEX", "2025", atalaya.StatusPublished, "published"), nil)
		return err
	})
	_, err = s.AddRelease(c, release("MEX", "2025", atalaya.StatusPublished, ""), nil)
	wantCode(t, err, atalaya.EINVALID, "AddRelease(no reason)")
	unchanged("a refused AddRelease")
}
