package values

import (
	"context"
	"math/rand"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
)

// randomStore makes a nation of six states with small random monthly
// counts by sex, all published.
func randomStore(seed int64) *fakeStore {
	rng := rand.New(rand.NewSource(seed))
	f := &fakeStore{version: 1, areas: []atalaya.Area{{Code: "MEX", Country: "MEX", Level: 0, Name: "México"}}}
	var cells []atalaya.CubeCell
	for s := 1; s <= 6; s++ {
		code := "MEX-0" + string(rune('0'+s))
		f.areas = append(f.areas, atalaya.Area{Code: code, Country: "MEX", Parent: "MEX", Level: 1})
		for m := 1; m <= 12; m++ {
			for _, sex := range []string{"F", "M", "U"} {
				n := int64(rng.Intn(4))
				if rng.Intn(3) == 0 {
					n = int64(rng.Intn(12))
				}
				if n > 0 {
					cells = append(cells, cell(code, "2024-"+twoDigits(m), "0101", sex, "U", "U", police, victim, n))
				}
			}
		}
		f.pops = append(f.pops, atalaya.Population{Area: code, Year: 2024, Sex: "T", AgeBand: "T", Value: 100000})
	}
	f.cells = rollup(cells)
	f.release(1, police, "MEX", "2024", atalaya.StatusPublished, t0.Add(-time.Hour), time.Time{})
	return f
}

// TestComplementarySuppression checks, on random data, that every public
// count under the threshold is hidden and that no line of figures that add
// up has exactly one hidden part while its total is visible: no hidden
// count can be recovered by subtraction.
func TestComplementarySuppression(t *testing.T) {
	cat := catalogue(t)
	// The shipped catalogue publishes every state count of homicide; the
	// property is checked with a state threshold of 3.
	for i := range cat.Indicators {
		if cat.Indicators[i].ID == "homicide-rate" {
			cat.Indicators[i].Disclosure.MinCount = map[int]int64{0: 1, 1: 3, 2: 5}
		}
	}
	ind, _ := cat.Lookup("homicide-rate")
	if ind.Disclosure.MinCountAt(1) != 3 {
		t.Fatalf("the test's threshold did not take: %+v", ind.Disclosure)
	}
	ctx := context.Background()
	for seed := int64(1); seed <= 30; seed++ {
		f := randomStore(seed)
		e := New(f, cat, func() time.Time { return t0 })
		for _, by := range []string{"", "sex"} {
			for _, per := range [][2]string{{"2024", "2024"}, {"2024-Q1", "2024-Q4"}, {"2024-01", "2024-12"}} {
				res, err := e.Values(ctx, Query{Indicator: ind.ID, Areas: []string{"MEX"}, Children: true, From: per[0], To: per[1], By: by, Public: true})
				if err != nil {
					t.Fatal(err)
				}
				hidden := 0
				for _, v := range res.Values {
					if v.Count != nil && *v.Count > 0 && *v.Count < ind.Disclosure.MinCountAt(levelOf(v.Area)) {
						t.Fatalf("seed %d by %q: count %d of %s %s is public", seed, by, *v.Count, v.Area, v.Period)
					}
					if v.HasFlag(atalaya.FlagSuppressed) {
						hidden++
						if v.Rate != nil || v.CILow != nil {
							t.Fatalf("a suppressed value shows its rate: %+v", v)
						}
					}
				}
				if seed == 1 && by == "sex" && per[0] == "2024-01" && hidden == 0 {
					t.Fatalf("the random data should need suppression")
				}
			}
		}
		// Every solved lattice: no line with a visible total has exactly
		// one hidden part.
		checkLattices(t, e, seed)
	}
}

func levelOf(area string) int {
	if len(area) == 3 {
		return 0
	}
	return 1
}

func checkLattices(t *testing.T, e *Engine, seed int64) {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	checked := 0
	for _, ix := range e.indexes {
		for _, l := range ix.lat.m {
			for k := range l.count {
				// Lines through k as a total.
				var lines [][]cellKey
				var areaParts []cellKey
				for _, ch := range []string{"MEX-01", "MEX-02", "MEX-03", "MEX-04", "MEX-05", "MEX-06"} {
					areaParts = append(areaParts, cellKey{ch, k.per, k.cat})
				}
				if k.area == "MEX" {
					lines = append(lines, areaParts)
				}
				if k.cat == "" && ix.by == "sex" {
					lines = append(lines, []cellKey{{k.area, k.per, "F"}, {k.area, k.per, "M"}, {k.area, k.per, "U"}})
				}
				if k.per.g == gYear {
					var qs []cellKey
					for q := 1; q <= 4; q++ {
						qs = append(qs, cellKey{k.area, period{year: k.per.year, g: gQuarter, n: q}, k.cat})
					}
					lines = append(lines, qs)
				}
				if k.per.g == gQuarter {
					var ms []cellKey
					first, _ := k.per.months()
					for m := first; m < first+3; m++ {
						ms = append(ms, cellKey{k.area, period{year: k.per.year, g: gMonth, n: m}, k.cat})
					}
					lines = append(lines, ms)
				}
				if l.hidden[k] {
					continue
				}
				for _, ln := range lines {
					n := 0
					for _, p := range ln {
						if l.hidden[p] {
							n++
						}
					}
					checked++
					if n == 1 {
						t.Fatalf("seed %d: %v is visible and exactly one of %v is hidden", seed, k, ln)
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no line checked")
	}
}

// TestShareDenominatorUnderThreshold: a share whose denominator (events
// with a known weapon) is under the threshold is hidden too.
func TestShareDenominatorUnderThreshold(t *testing.T) {
	f := &fakeStore{areas: mexicoAreas(), version: 1}
	f.cells = rollup([]atalaya.CubeCell{
		cell("MEX-01", "2023", "0101", "M", "U", "firearm", police, victim, 0),
		cell("MEX-01", "2023", "0101", "M", "U", "sharp", police, victim, 2),
		cell("MEX-01", "2023", "0101", "M", "U", "U", police, victim, 30),
		cell("MEX-02", "2023", "0101", "M", "U", "firearm", police, victim, 40),
	})
	f.release(1, police, "MEX", "2023", atalaya.StatusPublished, t0.Add(-time.Hour), time.Time{})
	vals := query(t, f, Query{Indicator: "firearm-homicide-share", Areas: []string{"MEX-01"}, From: "2023", To: "2023", Public: true})
	if v := vals[0]; v.Rate != nil || v.Denominator != nil || !v.HasFlag(atalaya.FlagSuppressed) {
		t.Fatalf("share over 2 known-weapon homicides: %+v", v)
	}
}
