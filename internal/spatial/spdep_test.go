package spatial

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Golden numbers from R spdep 1.2-7, written by testdata/make_golden.R.

const spdepRel = 1e-9 // deterministic statistics against spdep, relative

func openTestdata(name string) (*os.File, error) { return os.Open(filepath.Join("testdata", name)) }

// spdepNB returns the neighbours spdep found for case (0-based).
func spdepNB(t *testing.T, c string, n int) *Weights {
	t.Helper()
	var edges [][2]int
	for _, r := range readCSV(t, "spdep_nb.csv") {
		if r["case"] == c {
			i, _ := strconv.Atoi(r["i"])
			j, _ := strconv.Atoi(r["j"])
			edges = append(edges, [2]int{i, j})
		}
	}
	return must(FromEdges(n, edges, nil))
}

// spdepLocal returns stat → values for one case.
func spdepLocal(t *testing.T) map[string]map[string][]string {
	out := map[string]map[string][]string{}
	for _, r := range readCSV(t, "spdep_local.csv") {
		if out[r["case"]] == nil {
			out[r["case"]] = map[string][]string{}
		}
		out[r["case"]][r["stat"]] = append(out[r["case"]][r["stat"]], r["value"])
	}
	return out
}

func floats(t *testing.T, s []string) []float64 {
	out := make([]float64, len(s))
	for i, v := range s {
		if v == "NA" || v == "NaN" {
			out[i] = math.NaN()
			continue
		}
		out[i] = num(t, v)
	}
	return out
}

// spdepPoints returns the seeded points of make_golden.R and their values.
func spdepPoints(t *testing.T) ([][2]float64, []float64) {
	recs := readCSV(t, "spdep_points.csv")
	pts := make([][2]float64, len(recs))
	for i, r := range recs {
		pts[i] = [2]float64{num(t, r["x"]), num(t, r["y"])}
	}
	return pts, column(t, recs, "v")
}

func TestWeights_Spdep(t *testing.T) {
	pts, _ := spdepPoints(t)
	sameNeighbours(t, "knn4", must(KNearest(pts, 4)), spdepNB(t, "pts_knn4", len(pts)))
	sameNeighbours(t, "distance 15", must(DistanceBand(pts, 15)), spdepNB(t, "pts_d15", len(pts)))
	sameNeighbours(t, "grid queen", must(Grid(9, 11, true)), spdepNB(t, "grid_queen", 99))
	sameNeighbours(t, "grid rook", must(Grid(9, 11, false)), spdepNB(t, "grid_rook", 99))
}

// mcTol is the Monte-Carlo tolerance for a 999-permutation p-value
// estimate of p: four standard deviations plus one permutation's worth.
func mcTol(p float64) float64 { return 4*math.Sqrt(p*(1-p)/999) + 1.0/1000 }

func TestLocal_Spdep(t *testing.T) {
	golden := spdepLocal(t)
	pts, _ := spdepPoints(t)
	cases := []struct {
		name, nb string
		n        int
		rowStd   bool
	}{
		{"nc_rook_W", "nc_rook", 100, true},
		{"nc_queen_B", "nc_queen", 100, false},
		{"pts_knn4_W", "pts_knn4", len(pts), true},
		{"pts_d15_B", "pts_d15", len(pts), false},
		{"grid_queen_W", "grid_queen", 99, true},
		{"grid_rook_B", "grid_rook", 99, false},
	}
	psim := map[string][]float64{}
	for _, r := range readCSV(t, "python_psim.csv") {
		k := r["case"] + "/" + r["stat"]
		i, _ := strconv.Atoi(r["i"])
		for len(psim[k]) <= i {
			psim[k] = append(psim[k], math.NaN())
		}
		psim[k][i] = num(t, r["value"])
	}
	quad := map[string]string{"High-High": "HH", "Low-High": "LH", "Low-Low": "LL", "High-Low": "HL"}
	mcBad, mcAll, mc2 := 0, 0, 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := golden[tc.name]
			w := spdepNB(t, tc.nb, tc.n)
			if tc.rowStd {
				w = w.RowStandardise()
			}
			x := floats(t, g["x"])
			worst := 0.0
			cmp := func(what string, got []float64, stat string) {
				worst = math.Max(worst, assertClose(t, what, got, floats(t, g[stat]), spdepRel, 1e-6))
			}
			gi, err := GetisOrd(x, w, Options{})
			if err != nil {
				t.Fatal(err)
			}
			cmp("Gi z", gi.Z, "gi_z")
			cmp("Gi", gi.Stat, "gi_G")
			cmp("E[Gi]", gi.E, "gi_EG")
			cmp("Var[Gi]", gi.Var, "gi_VG")
			gs, err := GetisOrd(x, w, Options{Star: true, Permutations: 999, Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			cmp("Gi* z", gs.Z, "gistar_z")
			cmp("Gi*", gs.Stat, "gistar_G")
			cmp("E[Gi*]", gs.E, "gistar_EG")
			cmp("Var[Gi*]", gs.Var, "gistar_VG")
			lm, err := LocalMoran(x, w, Options{Permutations: 999, Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			cmp("Ii", lm.Stat, "lisa_I")
			cmp("E[Ii]", lm.E, "lisa_E")
			cmp("Var[Ii]", lm.Var, "lisa_V")
			cmp("Z(Ii)", lm.Z, "lisa_Z")
			cmp("P(Ii)", lm.P, "lisa_P")
			cmp("E[Ii] total", lm.ETotal, "lisa_Etotal")
			cmp("Var[Ii] total", lm.VarTotal, "lisa_Vtotal")
			for i, q := range g["lisa_quad_pysal"] {
				if lm.Quadrant[i] != quad[q] {
					t.Errorf("quadrant[%d] = %s, spdep %s", i, lm.Quadrant[i], q)
				}
			}
			gi999, err := GetisOrd(x, w, Options{Permutations: 999, Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			// Pseudo p-values: within Monte-Carlo error of a 20,000-permutation
			// NumPy reference with esda's semantics (make_golden.py).
			for _, pc := range []struct {
				what string
				got  []float64
				stat string
			}{{"Ii PSim", lm.PSim, "lisa_psim"}, {"Gi* PSim", gs.PSim, "gistar_psim"}, {"Gi PSim", gi999.PSim, "gi_psim"}} {
				for i, ref := range psim[tc.name+"/"+pc.stat] {
					if math.IsNaN(ref) {
						continue
					}
					mcAll++
					if d := math.Abs(pc.got[i] - ref); d > 2*math.Sqrt(ref*(1-ref)/999)+1.0/1000 {
						mc2++
					}
					if d := math.Abs(pc.got[i] - ref); d > mcTol(ref) {
						mcBad++
						t.Logf("%s[%d] = %.3f, reference %.4f (|d| %.3f > %.3f)", pc.what, i, pc.got[i], ref, d, mcTol(ref))
					}
				}
			}
			t.Logf("max relative error against spdep %.1e", worst)
		})
	}
	// Four standard deviations: one or two of the ~1500 comparisons may
	// exceed it by chance; more would mean a different null.
	if mcBad > mcAll/200 {
		t.Errorf("%d of %d pseudo p-values outside Monte-Carlo error of spdep's", mcBad, mcAll)
	}
	t.Logf("pseudo p-values: %d of %d outside 4 sd of the reference, %d outside 2 sd", mcBad, mcAll, mc2)
}

func TestGlobal_Spdep(t *testing.T) {
	golden := spdepLocal(t)
	want := map[string]map[string]float64{}
	for _, r := range readCSV(t, "spdep_global.csv") {
		if want[r["case"]] == nil {
			want[r["case"]] = map[string]float64{}
		}
		want[r["case"]][r["stat"]] = num(t, r["value"])
	}
	for name, ws := range want {
		t.Run(name, func(t *testing.T) {
			nbName := strings.TrimSuffix(strings.TrimSuffix(name, "_W"), "_B")
			x := floats(t, golden[name]["x"])
			w := spdepNB(t, nbName, len(x))
			if strings.HasSuffix(name, "_W") {
				w = w.RowStandardise()
			}
			g, err := GlobalMoran(x, w, 999, 3)
			if err != nil {
				t.Fatal(err)
			}
			for stat, got := range map[string]float64{"I": g.I, "E": g.E, "VarRand": g.VarRand, "VarNorm": g.VarNorm} {
				if e := relErr(got, ws[stat], 1e-300); e > spdepRel {
					t.Errorf("%s = %.17g, spdep %.17g (rel %.1e)", stat, got, ws[stat], e)
				}
			}
			// moran.mc's p is one-sided ("greater"); with I above E the
			// folded p-value is the same count.
			if g.I > g.E {
				ref := ws["mc_p_greater"]
				if d := math.Abs(g.PSim - ref); d > mcTol(ref) {
					t.Errorf("PSim = %v, moran.mc %v", g.PSim, ref)
				}
			}
		})
	}
}

func TestEmpiricalBayes_Spdep(t *testing.T) {
	g := spdepLocal(t)["nc_eb"]
	recs, rook := ncSIDS(t)
	queen := spdepNB(t, "nc_queen", 100)
	e74, b74 := column(t, recs, "SID74"), column(t, recs, "BIR74")
	e79, b79 := column(t, recs, "SID79"), column(t, recs, "BIR79")
	for _, tc := range []struct {
		stat string
		fn   func() ([]float64, error)
	}{
		{"EBest", func() ([]float64, error) { return EmpiricalBayes(e74, b74) }},
		{"EBest_79", func() ([]float64, error) { return EmpiricalBayes(e79, b79) }},
		{"EBlocal_rook", func() ([]float64, error) { return SpatialEmpiricalBayes(e74, b74, rook) }},
		{"EBlocal_queen_79", func() ([]float64, error) { return SpatialEmpiricalBayes(e79, b79, queen.RowStandardise()) }},
	} {
		got, err := tc.fn()
		if err != nil {
			t.Fatal(err)
		}
		want := floats(t, g[tc.stat])
		for i, v := range want {
			// spdep returns NaN (0/0) where a neighbourhood has no events;
			// we return its rate, 0.
			if math.IsNaN(v) {
				want[i] = 0
			}
		}
		t.Logf("%-17s max rel err %.1e", tc.stat, assertClose(t, tc.stat, got, want, spdepRel, 1e-12))
	}
}

func TestBenjaminiHochberg_Spdep(t *testing.T) {
	g := spdepLocal(t)["nc_bh"]
	got := BenjaminiHochberg(floats(t, g["p"]))
	assertClose(t, "BH", got, floats(t, g["p_BH"]), spdepRel, 1e-300)
}

func TestNNIAndConcentration_Python(t *testing.T) {
	want := map[string]float64{}
	for _, r := range readCSV(t, "python_golden.csv") {
		want[r["case"]+"/"+r["stat"]] = num(t, r["value"])
	}
	pts, v := spdepPoints(t)
	nni, err := NearestNeighbourIndex(pts, 5000)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Concentration(v, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	for k, got := range map[string]float64{
		"nni_points/observed": nni.Observed, "nni_points/expected": nni.Expected, "nni_points/ratio": nni.Ratio,
		"nni_points/se": nni.SE, "nni_points/z": nni.Z, "nni_points/p": nni.P,
		"conc_points/gini": c.Gini, "conc_points/gini_generalised": c.GiniGeneralised,
		"conc_points/places50": c.Places50, "conc_points/places25": c.Places25, "conc_points/top10": c.TopEvents,
	} {
		if e := relErr(got, want[k], 1e-300); e > spdepRel {
			t.Errorf("%s = %.17g, want %.17g (rel %.1e)", k, got, want[k], e)
		}
	}
}
