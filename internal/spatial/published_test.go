package spatial

import (
	"strconv"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/geo"
)

// The published references: PySAL esda's tests and docstrings, copied
// with their provenance (testdata/PROVENANCE_*.md).

const publishedRel = 1e-6 // deterministic statistics, relative

// getisOrdPoints returns esda's six test points and their values.
func getisOrdPoints(t *testing.T) ([][2]float64, []float64) {
	recs := readCSV(t, "getisord_points.csv")
	pts := make([][2]float64, len(recs))
	for i, r := range recs {
		pts[i] = [2]float64{num(t, r["x"]), num(t, r["y"])}
	}
	return pts, column(t, recs, "value")
}

func TestGetisOrd_PySAL(t *testing.T) {
	pts, y := getisOrdPoints(t)
	w := must(DistanceBand(pts, 15))
	var edges [][2]int
	for _, r := range readCSV(t, "getisord_distanceband15_edges.csv") {
		i, _ := strconv.Atoi(r["i"])
		j, _ := strconv.Atoi(r["j"])
		edges = append(edges, [2]int{i, j})
	}
	sameNeighbours(t, "distance band 15", w, must(FromEdges(len(pts), edges, nil)))
	want := readCSV(t, "getisord_expected_z.csv")
	for _, tc := range []struct {
		col      string
		w        *Weights
		star     bool
		esdaMoms bool
	}{
		{"z_Gi_binary", w, false, false},
		{"z_Gistar_binary", w, true, false},
		{"z_Gi_binary", w, false, true}, // esda's moments equal the general ones for binary weights
		{"z_Gistar_binary", w, true, true},
		{"z_Gi_rowstd_esda", w.RowStandardise(), false, true},
		{"z_Gistar_rowstd_esda", w.RowStandardise(), true, true},
		// The general Ord–Getis moments are invariant to scaling a row, so
		// row-standardised Gi gives the binary z-scores.
		{"z_Gi_binary", w.RowStandardise(), false, false},
		{"z_Gistar_binary", w.RowStandardise(), true, false},
	} {
		r, err := GetisOrd(y, tc.w, Options{Star: tc.star, ESDAMoments: tc.esdaMoms})
		if err != nil {
			t.Fatal(err)
		}
		e := assertClose(t, tc.col, r.Z, column(t, want, tc.col), publishedRel, 1e-3)
		t.Logf("%-22s rowstd=%-5v esda=%-5v max rel err %.1e", tc.col, tc.w.RowStandardised(), tc.esdaMoms, e)
	}
}

// desmithWeights reads the de Smith 10-zone contiguity (ids 1..10).
func desmithWeights(t *testing.T) *Weights {
	var edges [][2]int
	for _, r := range readCSV(t, "desmith_weights_edges.csv") {
		i, _ := strconv.Atoi(r["i"])
		j, _ := strconv.Atoi(r["j"])
		edges = append(edges, [2]int{i - 1, j - 1})
	}
	return must(FromEdges(10, edges, nil))
}

func TestLocalMoran_Desmith(t *testing.T) {
	w := desmithWeights(t).RowStandardise()
	x := column(t, readCSV(t, "desmith.csv"), "z")
	r, err := LocalMoran(x, w, Options{Permutations: 99, Seed: 12345})
	if err != nil {
		t.Fatal(err)
	}
	// Published to 8 decimal places: compare relative to max(|want|, 0.01),
	// that is within 1e-8 absolute for the smallest values.
	want := readCSV(t, "desmith_moran_local_expected.csv")
	quads := map[string]string{"1": "HH", "2": "LH", "3": "LL", "4": "HL"}
	for i, rec := range want {
		if r.Quadrant[i] != quads[rec["q"]] {
			t.Errorf("quadrant[%d] = %s, want %s (esda q=%s)", i, r.Quadrant[i], quads[rec["q"]], rec["q"])
		}
	}
	t.Logf("EIc max rel err %.1e", assertClose(t, "EIc", r.E, column(t, want, "EIc"), publishedRel, 1e-2))
	t.Logf("VIc max rel err %.1e", assertClose(t, "VIc", r.Var, column(t, want, "VIc"), publishedRel, 1e-2))
	t.Logf("EI  max rel err %.1e", assertClose(t, "EI", r.ETotal, column(t, want, "EI"), publishedRel, 1e-3))
	// VI is published to 6 significant digits only.
	t.Logf("VI  max rel err %.1e", assertClose(t, "VI", r.VarTotal, column(t, want, "VI"), 4e-6, 1e-2))
	// esda's I_i is (n−1)/n times spdep's; both give the same quadrants
	// and pseudo p-values.
	for i, p := range r.PSim {
		if p < 0.01 || p > 0.5 {
			t.Errorf("PSim[%d] = %v outside esda's folded range [1/100, 1/2]", i, p)
		}
	}
}

// ncSIDS reads the NC SIDS attributes and the rook edges of sids2.gal.
func ncSIDS(t *testing.T) ([]map[string]string, *Weights) {
	recs := readCSV(t, "nc_sids.csv")
	index := map[string]int{}
	for i, r := range recs {
		index[r["FIPSNO"]] = i
	}
	var edges [][2]int
	for _, r := range readCSV(t, "nc_sids_rook_edges.csv") {
		edges = append(edges, [2]int{index[r["FIPSNO_i"]], index[r["FIPSNO_j"]]})
	}
	return recs, must(FromEdges(len(recs), edges, nil))
}

func TestGlobalMoran_NCSIDS(t *testing.T) {
	recs, w := ncSIDS(t)
	ws := w.RowStandardise()
	want := map[string]float64{}
	for _, r := range readCSV(t, "nc_sids_esda_moran_expected.csv") {
		want[r["statistic"]] = num(t, r["value"])
	}
	g, err := GlobalMoran(column(t, recs, "SIDR74"), ws, 999, 1)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got, want float64) {
		t.Helper()
		e := relErr(got, want, 1e-300)
		if e > publishedRel {
			t.Errorf("%s = %.17g, want %.17g (rel %.1e)", name, got, want, e)
		}
		t.Logf("%-28s %.17g  rel err %.1e", name, got, e)
	}
	check("I(SIDR74)", g.I, want["moran_I"])
	check("p_norm one-tailed", g.PNorm/2, want["moran_p_norm_one_tailed"])
	check("p_norm two-tailed", g.PNorm, want["moran_p_norm_two_tailed"])
	if g.PSim > 0.01 {
		t.Errorf("PSim = %v, want about 0.001 for I = 0.25 with z = 3.9", g.PSim)
	}
	mr, err := MoranRate(column(t, recs, "SID79"), column(t, recs, "BIR79"), ws, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	check("Moran_Rate I(SID79/BIR79)", mr.I, want["moran_rate_I (Assuncao-Reis EB-standardised rate)"])
	check("Moran_Rate p_norm one-tailed", mr.PNorm/2, want["moran_rate_p_norm_one_tailed"])
}

func TestEmpiricalBayes_NCSIDS(t *testing.T) {
	recs, w := ncSIDS(t)
	e, b := column(t, recs, "SID74"), column(t, recs, "BIR74")
	eb, err := EmpiricalBayes(e, b)
	if err != nil {
		t.Fatal(err)
	}
	want := readCSV(t, "nc_sids_esda_expected_first5.csv")
	// Published to 5 significant digits.
	t.Logf("EB first 5 max rel err %.1e", assertClose(t, "EB", eb[:5], column(t, want, "empirical_bayes"), 1e-4, 1e-300))
	if _, err := SpatialEmpiricalBayes(e, b, w); err != nil {
		t.Fatal(err)
	}
}

func TestContiguity_NCSIDS(t *testing.T) {
	f, err := openTestdata("nc_sids_counties.geojson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	feats, err := geo.ReadFeatureCollection(f, 0)
	if err != nil {
		t.Fatal(err)
	}
	polys := make([]geo.MultiPolygon, len(feats))
	for i, ft := range feats {
		polys[i] = ft.Geometry
	}
	_, gal := ncSIDS(t)
	rook := must(Contiguity(polys, false))
	sameNeighbours(t, "rook vs sids2.gal", rook, gal)
	queen := must(Contiguity(polys, true))
	if queen.Links() != 490 || rook.Links() != 462 {
		t.Errorf("links: queen %d rook %d, want 490 and 462 (libpysal)", queen.Links(), rook.Links())
	}
	sameNeighbours(t, "queen vs spdep", queen, spdepNB(t, "nc_queen", 100))
	sameNeighbours(t, "rook vs spdep", rook, spdepNB(t, "nc_rook", 100))
	// Jitter every vertex by up to 1e-12 degrees: the links must not change.
	jit := make([]geo.MultiPolygon, len(polys))
	k := 0
	for a, mp := range polys {
		for _, poly := range mp {
			var np geo.Polygon
			for _, ring := range poly {
				nr := make([]geo.Point, len(ring))
				for i, p := range ring {
					k++
					d := float64(k%7-3) * 3e-13
					nr[i] = geo.Point{Lon: p.Lon + d, Lat: p.Lat - d}
				}
				np = append(np, nr)
			}
			jit[a] = append(jit[a], np)
		}
	}
	sameNeighbours(t, "queen with jitter", must(Contiguity(jit, true)), queen)
	sameNeighbours(t, "rook with jitter", must(Contiguity(jit, false)), rook)
}
