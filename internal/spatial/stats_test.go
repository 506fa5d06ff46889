package spatial

import (
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
)

func TestLocalInvalid(t *testing.T) {
	w := must(Grid(3, 3, true))
	ok := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	self := w.WithSelf(1)
	for _, tc := range []struct {
		name string
		fn   func() error
		msg  string
	}{
		{"length", func() error { _, err := GetisOrd(ok[:8], w, Options{}); return err }, "8 values but the weights have 9"},
		{"nil weights", func() error { _, err := LocalMoran(ok, nil, Options{}); return err }, "no spatial weights"},
		{"NaN", func() error {
			_, err := LocalMoran([]float64{1, 2, math.NaN(), 4, 5, 6, 7, 8, 9}, w, Options{})
			return err
		}, "x[2] is NaN"},
		{"constant G", func() error { _, err := GetisOrd(make([]float64, 9), w, Options{Star: true}); return err }, "constant"},
		{"constant I", func() error {
			_, err := LocalMoran([]float64{3, 3, 3, 3, 3, 3, 3, 3, 3}, w, Options{})
			return err
		}, "constant"},
		{"constant global", func() error { _, err := GlobalMoran(make([]float64, 9), w, 0, 0); return err }, "constant"},
		{"negative G", func() error {
			_, err := GetisOrd([]float64{1, -2, 3, 4, 5, 6, 7, 8, 9}, w, Options{})
			return err
		}, "non-negative"},
		{"Gi one non-zero", func() error {
			_, err := GetisOrd([]float64{0, 0, 0, 0, 7, 0, 0, 0, 0}, w, Options{})
			return err
		}, "other than x[4] are all equal"},
		{"self in Gi", func() error { _, err := GetisOrd(ok, self, Options{}); return err }, "set Star"},
		{"self in Moran", func() error { _, err := LocalMoran(ok, self, Options{}); return err }, "self-weights"},
		{"perms", func() error { _, err := LocalMoran(ok, w, Options{Permutations: -1}); return err }, "permutations"},
		{"fdr", func() error { _, err := LocalMoran(ok, w, Options{FDR: 1}); return err }, "false-discovery"},
		{"alpha", func() error { _, err := GetisOrd(ok, w, Options{Alpha: math.NaN()}); return err }, "alpha"},
		{"two obs", func() error {
			_, err := GlobalMoran([]float64{1, 2}, must(Grid(1, 2, true)), 0, 0)
			return err
		}, "at least 3"},
		{"no links", func() error {
			_, err := GlobalMoran([]float64{1, 2, 3}, must(Grid(1, 3, true)).withoutLinks(), 0, 0)
			return err
		}, "no links"},
		{"EB lengths", func() error { _, err := EmpiricalBayes([]float64{1}, []float64{1, 2}); return err }, "1 event counts but 2"},
		{"EB pop", func() error { _, err := EmpiricalBayes([]float64{1, 2}, []float64{1, 0}); return err }, "positive"},
		{"EB events", func() error {
			_, err := SpatialEmpiricalBayes([]float64{1, -2}, []float64{1, 1}, must(Grid(1, 2, true)))
			return err
		}, "negative"},
		{"SEB weights", func() error { _, err := SpatialEmpiricalBayes([]float64{1, 2}, []float64{1, 1}, w); return err }, "one observation per area"},
		{"AR no events", func() error { _, err := AssuncaoReis([]float64{0, 0}, []float64{1, 1}); return err }, "no events"},
		{"NNI area", func() error { _, err := NearestNeighbourIndex([][2]float64{{0, 0}, {1, 1}}, 0); return err }, "study area"},
		{"conc share", func() error { _, err := Concentration([]float64{1, 2}, 0); return err }, "top share"},
		{"conc none", func() error { _, err := Concentration([]float64{0, 0}, 0.5); return err }, "no events"},
		{"conc negative", func() error { _, err := Concentration([]float64{1, -1}, 0.5); return err }, "negative"},
		{"conc empty", func() error { _, err := Concentration(nil, 0.5); return err }, "no places"},
	} {
		err := tc.fn()
		if atalaya.ErrorCode(err) != atalaya.EINVALID || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %v, want EINVALID containing %q", tc.name, err, tc.msg)
		}
	}
}

// withoutLinks returns weights with the same observations and no links.
func (w *Weights) withoutLinks() *Weights {
	return &Weights{n: w.n, offsets: make([]int, w.n+1)}
}

func TestPermutationsDeterministic(t *testing.T) {
	w := must(Grid(40, 50, true)).RowStandardise()
	x := make([]float64, w.N())
	for i := range x {
		x[i] = float64((i*7919)%23) + float64(i%50)/10
	}
	run := func(procs int) (Result, Result, Global) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		g, err := GetisOrd(x, w, Options{Star: true, Permutations: 199, Seed: 42})
		if err != nil {
			t.Fatal(err)
		}
		m, err := LocalMoran(x, w, Options{Permutations: 199, Seed: 42})
		if err != nil {
			t.Fatal(err)
		}
		gm, err := GlobalMoran(x, w, 99, 42)
		if err != nil {
			t.Fatal(err)
		}
		return g, m, gm
	}
	g1, m1, gm1 := run(1)
	g4, m4, gm4 := run(4)
	if !slices.Equal(g1.PSim, g4.PSim) || !slices.Equal(m1.PSim, m4.PSim) || gm1.PSim != gm4.PSim || gm1.ZSim != gm4.ZSim {
		t.Error("pseudo p-values depend on GOMAXPROCS")
	}
	g2, _, _ := run(2)
	if !slices.Equal(g1.ZSim, g2.ZSim) {
		t.Error("ZSim depends on GOMAXPROCS")
	}
	other, _ := GetisOrd(x, w, Options{Star: true, Permutations: 199, Seed: 43})
	if slices.Equal(other.PSim, g1.PSim) {
		t.Error("the seed does not change the pseudo p-values")
	}
}

func TestGiStarMatchesDense(t *testing.T) {
	w := must(Grid(12, 13, true))
	x := make([]float64, w.N())
	for i := range x {
		x[i] = float64((i * 37) % 11)
	}
	r, err := GetisOrd(x, w, Options{Star: true, Permutations: 999, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	z, p := denseGiStar(x, denseMatrix(w), 999, 9)
	assertClose(t, "dense z", r.Z, z, 1e-12, 1e-9)
	for i := range p {
		if d := math.Abs(r.PSim[i] - p[i]); d > 4*math.Sqrt(2*p[i]*(1-p[i])/999)+2.0/1000 {
			t.Errorf("PSim[%d] = %v, dense baseline %v", i, r.PSim[i], p[i])
		}
	}
}

func TestSignificanceAndClusters(t *testing.T) {
	w := must(Grid(10, 10, false)).RowStandardise()
	x := make([]float64, 100)
	for i := range x {
		if i%10 < 3 && i/10 < 3 {
			x[i] = 20 // a hot corner
		} else {
			x[i] = float64(i % 3)
		}
	}
	g, err := GetisOrd(x, w, Options{Star: true, Permutations: 999, Seed: 1, FDR: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	if g.Cluster[11] != "hot" || g.Cluster[99] != "" {
		t.Errorf("clusters: cell 11 %q, cell 99 %q", g.Cluster[11], g.Cluster[99])
	}
	m, err := LocalMoran(x, w, Options{Permutations: 999, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if m.Quadrant[11] != "HH" || m.Cluster[11] != "HH" {
		t.Errorf("Moran cell 11: %s %s", m.Quadrant[11], m.Cluster[11])
	}
	// FDR never declares more than the uncorrected test.
	g0, _ := GetisOrd(x, w, Options{Star: true, Permutations: 999, Seed: 1})
	for i := range g.Significant {
		if g.Significant[i] && !g0.Significant[i] {
			t.Errorf("cell %d significant after FDR only", i)
		}
	}
	// A value exactly at the mean has no permutation evidence.
	y := []float64{1, 2, 3, 2, 1, 3, 2, 2, 2}
	lm, err := LocalMoran(y, must(Grid(3, 3, true)), Options{Permutations: 99})
	if err != nil {
		t.Fatal(err)
	}
	if lm.PSim[1] != 1 || lm.Significant[1] {
		t.Errorf("PSim at the mean = %v", lm.PSim[1])
	}
}

func TestFDR(t *testing.T) {
	p := []float64{0.01, 0.04, 0.03, 0.2, 0.002, math.NaN()}
	got := BenjaminiHochberg(p)
	want := []float64{0.025, 0.05, 0.05, 0.2, 0.01, math.NaN()}
	assertClose(t, "BH", got, want, 1e-15, 1e-300)
	for _, tc := range []struct {
		p     []float64
		alpha float64
		want  float64
	}{
		{[]float64{0.01, 0.04, 0.03, 0.2, 0.002}, 0.05, 0.03},
		{[]float64{0.5, 0.6}, 0.05, 0.025},
		{[]float64{0.001, 0.002, 0.003, 0.004}, 0.05, 0.05},
	} {
		if got := FDRCutoff(tc.p, tc.alpha); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("FDRCutoff(%v, %v) = %v, want %v", tc.p, tc.alpha, got, tc.want)
		}
	}
}

func TestConcentration(t *testing.T) {
	// The examples of lorenzgini::gini (Bernasco & Steenbeek 2017).
	for _, tc := range []struct {
		counts        []float64
		gini, general float64
	}{
		{[]float64{10, 8, 2, 0, 0, 0, 0, 0, 0, 0}, 0.78, 0.78},
		{[]float64{5, 2, 1, 0, 0, 0, 0, 0, 0, 0}, 0.8, 0.75},
		{[]float64{10, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0.9, 0.9},
		{append([]float64{10}, make([]float64, 99)...), 0.99, 0.9},
		{[]float64{3, 1, 1, 0, 0, 0, 0, 0, 0, 0}, 0.78, 0.56},
	} {
		c, err := Concentration(tc.counts, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(c.Gini-tc.gini) > 1e-12 || math.Abs(c.GiniGeneralised-tc.general) > 1e-12 {
			t.Errorf("%v: Gini %v generalised %v, want %v %v", tc.counts, c.Gini, c.GiniGeneralised, tc.gini, tc.general)
		}
	}
	c, _ := Concentration([]float64{10, 8, 2, 0}, 0.5)
	if c.TopEvents != 0.9 || c.Places50 != 0.25 || c.Places25 != 0.25 || len(c.Lorenz) != 5 || c.Lorenz[4] != [2]float64{1, 1} {
		t.Errorf("%+v", c)
	}
	c, _ = Concentration([]float64{10, 8, 2, 0}, 0.125) // half of the top place
	if math.Abs(c.TopEvents-0.25) > 1e-15 {
		t.Errorf("TopEvents for half a place = %v, want 0.25", c.TopEvents)
	}
}

func TestNearestNeighbourIndexRegular(t *testing.T) {
	// A regular lattice of spacing 1 in a 10 × 10 area: mean distance 1,
	// expected 0.5, ratio 2 (dispersed).
	var pts [][2]float64
	for i := range 10 {
		for j := range 10 {
			pts = append(pts, [2]float64{float64(i) + 0.5, float64(j) + 0.5})
		}
	}
	r, err := NearestNeighbourIndex(pts, 100)
	if err != nil {
		t.Fatal(err)
	}
	if r.Observed != 1 || r.Expected != 0.5 || r.Ratio != 2 || r.Z < 10 {
		t.Errorf("%+v", r)
	}
}

func TestEmpiricalBayesEdge(t *testing.T) {
	// No events: every rate is 0, not NaN.
	eb, err := EmpiricalBayes([]float64{0, 0, 0}, []float64{10, 20, 30})
	if err != nil || !slices.Equal(eb, []float64{0, 0, 0}) {
		t.Errorf("EB with no events = %v, %v", eb, err)
	}
	// Rates more alike than Poisson noise: s² < 0 is clamped, all shrink to m.
	eb, _ = EmpiricalBayes([]float64{10, 20, 30}, []float64{100, 200, 300})
	for _, v := range eb {
		if math.Abs(v-0.1) > 1e-15 {
			t.Errorf("EB = %v, want all 0.1", eb)
		}
	}
}
