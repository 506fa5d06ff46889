package analysis_test

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/analysis"
)

// golden reads a CSV with '#' comment lines into rows keyed by column.
func golden(t *testing.T, name string) (rows []map[string]string, comments []string) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var body []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "#") {
			comments = append(comments, l)
		} else if l != "" {
			body = append(body, l)
		}
	}
	recs, err := csv.NewReader(strings.NewReader(strings.Join(body, "\n"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		rows = append(rows, m)
	}
	return rows, comments
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func near(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Max(1, math.Abs(want))
}

// TestHotspotsMatchSpdep: the whole pipeline — rates from the cube,
// queen contiguity from the INEGI boundaries, Gi*, Local Moran's I,
// global Moran's I and empirical Bayes — against R spdep, which built its
// own contiguity from the same file and took its rates from the pandas
// reference (testdata/make_hotspots.R).
func TestHotspotsMatchSpdep(t *testing.T) {
	n, _ := realNode(t)
	res, err := n.Hotspots(context.Background(), analysis.HotspotQuery{Indicator: "homicide-rate", Parent: "MEX", Period: "2020", Permutations: 999, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	want, comments := golden(t, "testdata/hotspots_2020.csv")
	if len(res.Units) != 32 || len(want) != 32 || len(res.Missing) != 0 {
		t.Fatalf("%d units (%d missing), want 32", len(res.Units), len(res.Missing))
	}
	for i, w := range want {
		u := res.Units[i]
		if u.Area != w["area"] {
			t.Fatalf("unit %d is %s, want %s", i, u.Area, w["area"])
		}
		if got, want := u.Neighbours, int(num(t, w["neighbours"])); got != want {
			t.Errorf("%s: %d neighbours, spdep's poly2nb finds %d", u.Area, got, want)
		}
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"rate", u.Rate, num(t, w["rate"])},
			{"Gi* z", u.GiZ, num(t, w["gi_star_z"])},
			{"local Moran I", u.Ii, num(t, w["local_moran"])},
			{"local Moran z", u.IiZ, num(t, w["local_moran_z"])},
			{"EB rate", u.EBRate, num(t, w["eb_rate"])},
		} {
			if !near(c.got, c.want, 1e-6) {
				t.Errorf("%s %s = %.12g, spdep %.12g", u.Area, c.name, c.got, c.want)
			}
		}
		// The pseudo p-value agrees with the analytical one within
		// Monte-Carlo error where the normal approximation is fair.
		if u.GiPSim <= 0 || u.GiPSim > 1 || u.IiPSim <= 0 || u.IiPSim > 1 {
			t.Errorf("%s: pseudo p-values %v %v", u.Area, u.GiPSim, u.IiPSim)
		}
	}
	var gI float64
	for _, c := range comments {
		if rest, ok := strings.CutPrefix(c, "# global Moran's I = "); ok {
			gI = num(t, strings.TrimSuffix(strings.Fields(rest)[0], ","))
		}
	}
	if !near(res.Moran.I, gI, 1e-9) {
		t.Errorf("global Moran's I = %.12g, spdep %.12g", res.Moran.I, gI)
	}
}

func TestHotspotsErrors(t *testing.T) {
	n, _ := realNode(t)
	ctx := context.Background()
	for _, q := range []analysis.HotspotQuery{
		{Indicator: "homicide-rate", Parent: "MEX", Period: "2020-03"},
		{Indicator: "homicide-rate", Parent: "MEX-09", Period: "2020"},
		{Indicator: "homicide-rate", Parent: "XXX", Period: "2020"},
		{Indicator: "nope", Parent: "MEX", Period: "2020"},
		{Indicator: "homicide-rate", Parent: "MEX", Period: "1990"},
	} {
		if _, err := n.Hotspots(ctx, q); err == nil {
			t.Errorf("%+v: no error", q)
		}
	}
}
