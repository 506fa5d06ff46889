package storetest

import (
	"testing"

	"github.com/oas-atalaya/atalaya"
)

// cc returns a cube cell.
func cc(period, area, iccs, sex string, st atalaya.SourceType, unit atalaya.CountingUnit, n int64) atalaya.CubeCell {
	return atalaya.CubeCell{CubeKey: atalaya.CubeKey{Period: period, Area: area, ICCS: iccs, Sex: sex,
		AgeBand: atalaya.AgeTotal, Weapon: atalaya.WeaponUnknown, SourceType: st, Unit: unit,
		Status: atalaya.StatusPreliminary}, Count: n}
}

func cube(t *testing.T, s atalaya.Store, f atalaya.CubeFilter) []atalaya.CubeCell {
	t.Helper()
	cells, err := s.Cube(ctx(t), f)
	ok(t, err, "Cube")
	return cells
}

func testCubeDelta(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	p, v := atalaya.SourcePolice, atalaya.UnitVictim
	w := begin(t, s)
	commit(t, w, 0, []atalaya.CubeCell{
		cc("2025-01", "MEX-09", "0101", "F", p, v, 2),
		cc("2025-01", "MEX", "0101", "F", p, v, 2),
		cc("2025-01", "MEX-09", "0101", "M", p, v, 1),
	})
	w = begin(t, s)
	// AddCube during the batch and the delta at Commit add up, and none of
	// it is visible before Commit.
	ok(t, w.AddCube(c, []atalaya.CubeCell{cc("2025-02", "MEX-09", "0101", "F", p, v, 2)}), "AddCube")
	ok(t, w.AddCube(c, []atalaya.CubeCell{cc("2025-02", "MEX-09", "0101", "F", p, v, 1)}), "AddCube")
	if n := len(cube(t, s, atalaya.CubeFilter{PeriodFrom: "2025-02"})); n != 0 {
		t.Errorf("AddCube is visible before Commit: %d cells", n)
	}
	commit(t, w, 0, []atalaya.CubeCell{
		cc("2025-01", "MEX-09", "0101", "F", p, v, 3),
		cc("2025-01", "MEX-09", "0101", "F", p, v, 4), // repeated in one delta: adds up too
		cc("2025-02", "MEX-09", "0101", "F", p, v, 2),
		cc("2025-01", "MEX", "0101", "F", p, v, -1), // a correction
	})
	same(t, "Cube after two batches", cube(t, s, atalaya.CubeFilter{}), []atalaya.CubeCell{
		cc("2025-01", "MEX", "0101", "F", p, v, 1),
		cc("2025-01", "MEX-09", "0101", "F", p, v, 9),
		cc("2025-01", "MEX-09", "0101", "M", p, v, 1),
		cc("2025-02", "MEX-09", "0101", "F", p, v, 5),
	})

	// A rolled-back batch adds nothing.
	w = begin(t, s)
	ok(t, w.Rollback(), "Rollback")
	w = begin(t, s)
	bad := cc("2025-01", "MEX-09", "0101", "F", p, v, 100)
	bad.Status = "draft"
	_, err := w.Commit(c, atalaya.Batch{}, []atalaya.CubeCell{cc("2025-01", "MEX-09", "0101", "F", p, v, 100), bad})
	wantCode(t, err, atalaya.EINVALID, "Commit(invalid cell)")
	cells := cube(t, s, atalaya.CubeFilter{Areas: []string{"MEX-09"}, PeriodTo: "2025-01"})
	if len(cells) != 2 || cells[0].Count != 9 {
		t.Errorf("Cube after failed commits = %+v; want the MEX-09 F cell still 9", cells)
	}
}

func testCubeFilters(t *testing.T, s atalaya.Store) {
	c := ctx(t)
	p, h, v, o := atalaya.SourcePolice, atalaya.SourceHealth, atalaya.UnitVictim, atalaya.UnitOffence
	all := []atalaya.CubeCell{
		cc("2024", "MEX", "0101", "T", h, v, 30000), // 0
		cc("2024-12", "MEX-09", "0101", "T", p, v, 70),
		cc("2025-01", "COL", "0101", "T", p, v, 900),
		cc("2025-01", "MEX", "0101", "T", p, v, 2000),
		cc("2025-01", "MEX-09", "0101", "F", p, v, 20),
		cc("2025-01", "MEX-09", "0101", "M", p, v, 60), // 5
		cc("2025-01", "MEX-09", "02", "T", p, o, 310),
		cc("2025-01", "MEX-09", "0201", "T", p, o, 300),
		cc("2025-02", "MEX-09", "0101", "T", p, v, 75), // 8
	}
	// Stored in another order, read back ordered by key.
	shuffled := []atalaya.CubeCell{all[8], all[3], all[0], all[6], all[5], all[1], all[7], all[2], all[4]}
	ok(t, s.ReplaceCube(c, shuffled), "ReplaceCube")
	same(t, "Cube({})", cube(t, s, atalaya.CubeFilter{}), all)

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
		{atalaya.CubeFilter{Areas: []string{"MEX-09"}}, pick(1, 4, 5, 6, 7, 8)},
		{atalaya.CubeFilter{Areas: []string{"MEX", "COL"}}, pick(0, 2, 3)},
		{atalaya.CubeFilter{ICCS: []string{"0201", "02"}}, pick(6, 7)},
		{atalaya.CubeFilter{ICCS: []string{"01"}}, nil}, // no prefix matching in the cube
		{atalaya.CubeFilter{PeriodFrom: "2025-01", PeriodTo: "2025-01"}, pick(2, 3, 4, 5, 6, 7)},
		{atalaya.CubeFilter{PeriodFrom: "2024-12"}, pick(1, 2, 3, 4, 5, 6, 7, 8)},
		{atalaya.CubeFilter{PeriodTo: "2024-12"}, pick(0, 1)}, // strings: "2024" < "2024-12"
		{atalaya.CubeFilter{SourceType: h}, pick(0)},
		{atalaya.CubeFilter{Unit: o}, pick(6, 7)},
		{atalaya.CubeFilter{Areas: []string{"MEX-09"}, ICCS: []string{"0101"}, PeriodFrom: "2025", SourceType: p, Unit: v}, pick(4, 5, 8)},
		{atalaya.CubeFilter{Areas: []string{"ARG"}}, nil},
	} {
		same(t, "Cube("+describe(tc.f)+")", cube(t, s, tc.f), tc.want)
	}
}

func testReplaceCube(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	p, v := atalaya.SourcePolice, atalaya.UnitVictim
	w := begin(t, s)
	commit(t, w, 0, []atalaya.CubeCell{cc("2025-01", "MEX-09", "0101", "F", p, v, 2), cc("2025-01", "MEX", "0101", "F", p, v, 2)})

	next := []atalaya.CubeCell{cc("2025-01", "MEX-09", "0101", "F", p, v, 7), cc("2025-03", "MEX-15", "0102", "M", p, v, 1)}
	ok(t, s.ReplaceCube(c, next), "ReplaceCube")
	same(t, "Cube after ReplaceCube", cube(t, s, atalaya.CubeFilter{}), next)

	// Repeated cells add up; an invalid cell changes nothing.
	ok(t, s.ReplaceCube(c, []atalaya.CubeCell{next[1], next[1]}), "ReplaceCube(repeated)")
	want := next[1]
	want.Count = 2
	same(t, "Cube after ReplaceCube(repeated)", cube(t, s, atalaya.CubeFilter{}), []atalaya.CubeCell{want})
	bad := next[0]
	bad.Unit = "litres"
	wantCode(t, s.ReplaceCube(c, []atalaya.CubeCell{next[0], bad}), atalaya.EINVALID, "ReplaceCube(invalid)")
	same(t, "Cube after a failed ReplaceCube", cube(t, s, atalaya.CubeFilter{}), []atalaya.CubeCell{want})

	ok(t, s.ReplaceCube(c, nil), "ReplaceCube(nil)")
	same(t, "Cube after ReplaceCube(nil)", cube(t, s, atalaya.CubeFilter{}), []atalaya.CubeCell(nil))
}
