package compstat_test

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// readGolden reads a CSV golden file whose first lines may be # comments
// and whose cells may be padded with spaces, and returns the header and
// the rows.
func readGolden(t *testing.T, path string) (header []string, rows [][]string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(l, "#") && strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	recs, err := csv.NewReader(strings.NewReader(strings.Join(lines, "\n"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		for i := range r {
			r[i] = strings.TrimSpace(r[i])
		}
	}
	return recs[0], recs[1:]
}

// num parses a golden cell: a number, Inf or NA.
func num(t *testing.T, s string) float64 {
	t.Helper()
	switch s {
	case "Inf":
		return math.Inf(1)
	case "-Inf":
		return math.Inf(-1)
	case "NA", "NaN", "nan":
		return math.NaN()
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("golden cell %q: %v", s, err)
	}
	return v
}

// close reports whether got agrees with want to tol relative, or to tol
// absolute when want is smaller than 1 in magnitude times floor.
func closeTo(got, want, tol, floor float64) bool {
	if math.IsInf(want, 0) || math.IsNaN(want) {
		return got == want || math.IsNaN(got) && math.IsNaN(want)
	}
	d := math.Abs(got - want)
	return d <= tol*math.Abs(want) || d <= tol*floor
}

// column returns a map from column name to index.
func column(header []string) map[string]int {
	m := make(map[string]int, len(header))
	for i, h := range header {
		m[h] = i
	}
	return m
}
