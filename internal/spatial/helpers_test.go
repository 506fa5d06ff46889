package spatial

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// readCSV returns the records of testdata/name as maps keyed by the
// header, skipping '#' comment lines.
func readCSV(t testing.TB, name string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out := make([]map[string]string, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for k, h := range recs[0] {
			m[h] = rec[k]
		}
		out = append(out, m)
	}
	return out
}

// num parses a float or fails the test.
func num(t testing.TB, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return v
}

// column returns the named column of a CSV as floats.
func column(t testing.TB, recs []map[string]string, col string) []float64 {
	t.Helper()
	out := make([]float64, len(recs))
	for i, r := range recs {
		out[i] = num(t, r[col])
	}
	return out
}

// relErr returns |got − want| / max(|want|, floor).
func relErr(got, want, floor float64) float64 {
	return math.Abs(got-want) / math.Max(math.Abs(want), floor)
}

// assertClose fails for every element of got farther than rel (relative
// to max(|want|, floor)) from want and returns the largest error seen.
func assertClose(t testing.TB, what string, got, want []float64, rel, floor float64) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	worst := 0.0
	for i := range want {
		e := relErr(got[i], want[i], floor)
		if math.IsNaN(want[i]) && math.IsNaN(got[i]) {
			continue
		}
		if !(e <= rel) {
			t.Errorf("%s[%d] = %.12g, want %.12g (relative error %.2g)", what, i, got[i], want[i], e)
		}
		worst = math.Max(worst, e)
	}
	return worst
}

// neighbourSets returns the neighbours of every observation of w.
func neighbourSets(w *Weights) [][]int32 {
	out := make([][]int32, w.N())
	for i := range out {
		nb, _ := w.Neighbours(i)
		out[i] = slices.Clone(nb)
	}
	return out
}

// sameNeighbours fails when two weights link different pairs.
func sameNeighbours(t testing.TB, what string, got, want *Weights) {
	t.Helper()
	if got.N() != want.N() {
		t.Fatalf("%s: %d observations, want %d", what, got.N(), want.N())
	}
	g, w := neighbourSets(got), neighbourSets(want)
	bad := 0
	for i := range g {
		if !slices.Equal(g[i], w[i]) {
			if bad < 5 {
				t.Errorf("%s: neighbours of %d = %v, want %v", what, i, g[i], w[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d observations with other neighbours", what, bad)
	}
}

// must returns w, panicking on a constructor error (a broken test setup).
func must(w *Weights, err error) *Weights {
	if err != nil {
		panic(err)
	}
	return w
}
