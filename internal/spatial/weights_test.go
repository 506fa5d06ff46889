package spatial

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
)

func TestGrid(t *testing.T) {
	for _, tc := range []struct {
		rows, cols int
		queen      bool
		links      int
		corner     []int32 // neighbours of cell 0
	}{
		{1, 1, true, 0, nil},
		{1, 3, false, 4, []int32{1}},
		{3, 3, false, 24, []int32{1, 3}},
		{3, 3, true, 40, []int32{1, 3, 4}},
		{316, 316, true, 4*315*316 + 2*2*315*315, []int32{1, 316, 317}},
	} {
		w := must(Grid(tc.rows, tc.cols, tc.queen))
		if w.Links() != tc.links {
			t.Errorf("Grid(%d, %d, %v): %d links, want %d", tc.rows, tc.cols, tc.queen, w.Links(), tc.links)
		}
		if nb, _ := w.Neighbours(0); !slices.Equal(nb, tc.corner) {
			t.Errorf("Grid(%d, %d, %v): cell 0 neighbours %v, want %v", tc.rows, tc.cols, tc.queen, nb, tc.corner)
		}
		if !w.Symmetric() {
			t.Errorf("Grid(%d, %d, %v) is not symmetric", tc.rows, tc.cols, tc.queen)
		}
	}
}

func TestWeightsInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   func() (*Weights, error)
		msg  string
	}{
		{"grid rows", func() (*Weights, error) { return Grid(0, 3, true) }, "positive rows"},
		{"edges n", func() (*Weights, error) { return FromEdges(0, nil, nil) }, "must be positive"},
		{"edges range", func() (*Weights, error) { return FromEdges(2, [][2]int{{0, 2}}, nil) }, "outside"},
		{"edges dup", func() (*Weights, error) { return FromEdges(2, [][2]int{{0, 1}, {0, 1}}, nil) }, "twice"},
		{"edges weight", func() (*Weights, error) { return FromEdges(2, [][2]int{{0, 1}}, []float64{math.NaN()}) }, "finite"},
		{"edges lengths", func() (*Weights, error) { return FromEdges(2, [][2]int{{0, 1}}, []float64{1, 2}) }, "1 edges but 2 weights"},
		{"band d", func() (*Weights, error) { return DistanceBand([][2]float64{{0, 0}, {1, 1}}, 0) }, "positive"},
		{"band nan", func() (*Weights, error) { return DistanceBand([][2]float64{{0, 0}, {math.NaN(), 1}}, 1) }, "finite"},
		{"knn k", func() (*Weights, error) { return KNearest([][2]float64{{0, 0}, {1, 1}}, 2) }, "between 1 and 1"},
		{"knn one point", func() (*Weights, error) { return KNearest([][2]float64{{0, 0}}, 1) }, "at least 2"},
		{"contiguity none", func() (*Weights, error) { return Contiguity(nil, true) }, "no areas"},
	} {
		_, err := tc.fn()
		if atalaya.ErrorCode(err) != atalaya.EINVALID || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %v, want EINVALID containing %q", tc.name, err, tc.msg)
		}
	}
}

func TestWeightsTransforms(t *testing.T) {
	w := must(FromEdges(3, [][2]int{{0, 1}, {0, 2}, {1, 0}, {2, 0}}, []float64{1, 3, 2, 4}))
	r := w.RowStandardise()
	if _, v := r.Neighbours(0); !slices.Equal(v, []float64{0.25, 0.75}) {
		t.Errorf("row 0 standardised = %v", v)
	}
	if w.Symmetric() || !w.Binary().Symmetric() {
		t.Error("Symmetric compares the weights as built")
	}
	s := r.WithSelf(1)
	nb, v := s.Neighbours(0)
	if !slices.Equal(nb, []int32{0, 1, 2}) || !slices.Equal(v, []float64{0.2, 0.2, 0.6}) {
		t.Errorf("WithSelf row 0 = %v %v, want [0 1 2] [0.2 0.2 0.6]", nb, v)
	}
	if !s.HasSelf() || w.HasSelf() || s.withoutSelf().HasSelf() {
		t.Error("HasSelf")
	}
	if got := must(FromEdges(3, [][2]int{{0, 1}, {1, 0}}, nil)).Islands(); !slices.Equal(got, []int{2}) {
		t.Errorf("Islands = %v", got)
	}
	// S0, S1, S2 against the dense definitions, asymmetric weights.
	dense := [3][3]float64{{0, 0.25, 0.75}, {1, 0, 0}, {1, 0, 0}}
	var s0, s1, s2 float64
	for i := range 3 {
		ri, ci := 0.0, 0.0
		for j := range 3 {
			s0 += dense[i][j]
			s1 += (dense[i][j] + dense[j][i]) * (dense[i][j] + dense[j][i]) / 2
			ri += dense[i][j]
			ci += dense[j][i]
		}
		s2 += (ri + ci) * (ri + ci)
	}
	g0, g1, g2 := r.sums()
	if g0 != s0 || math.Abs(g1-s1) > 1e-15 || math.Abs(g2-s2) > 1e-15 {
		t.Errorf("sums = %v %v %v, want %v %v %v", g0, g1, g2, s0, s1, s2)
	}
}

// bruteNeighbours returns, for each point, the indices within d (d > 0)
// or its k nearest (ties to the lower index).
func bruteNeighbours(pts [][2]float64, d float64, k int) *Weights {
	rows := make([][]int32, len(pts))
	for i := range pts {
		var cs []cand
		for j := range pts {
			if j != i {
				cs = append(cs, cand{dist2(pts[i], pts[j]), int32(j)})
			}
		}
		slices.SortFunc(cs, func(a, b cand) int {
			if c := cmp.Compare(a.d2, b.d2); c != 0 {
				return c
			}
			return cmp.Compare(a.j, b.j)
		})
		for q, c := range cs {
			if (d > 0 && c.d2 <= d*d) || (d == 0 && q < k) {
				rows[i] = append(rows[i], c.j)
			}
		}
	}
	return fromRows(rows)
}

func TestPointWeightsBrute(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name string
		n    int
		gen  func() [2]float64
	}{
		{"uniform", 500, func() [2]float64 { return [2]float64{rng.Float64() * 100, rng.Float64() * 30} }},
		{"integer lattice with ties", 300, func() [2]float64 { return [2]float64{float64(rng.IntN(20)), float64(rng.IntN(20))} }},
		{"clustered", 400, func() [2]float64 {
			c := float64(rng.IntN(3)) * 1000
			return [2]float64{c + rng.NormFloat64(), c + rng.NormFloat64()}
		}},
		{"on a line", 50, func() [2]float64 { return [2]float64{rng.Float64(), 5} }},
	} {
		pts := make([][2]float64, tc.n)
		for i := range pts {
			pts[i] = tc.gen()
		}
		for _, k := range []int{1, 4, 9} {
			sameNeighbours(t, tc.name+" knn", must(KNearest(pts, k)), bruteNeighbours(pts, 0, k))
		}
		for _, d := range []float64{0.5, 3, 40} {
			sameNeighbours(t, tc.name+" band", must(DistanceBand(pts, d)), bruteNeighbours(pts, d, 0))
		}
	}
}

func TestReadGAL(t *testing.T) {
	_, gal := ncSIDS(t)
	recs := readCSV(t, "nc_sids.csv")
	var b strings.Builder
	b.WriteString("0 100 sids2 FIPSNO\n")
	for i := range gal.N() {
		nb, _ := gal.Neighbours(i)
		b.WriteString(recs[i]["FIPSNO"] + " " + strconv.Itoa(len(nb)) + "\n")
		for q, j := range nb {
			if q > 0 {
				b.WriteString(" ")
			}
			b.WriteString(recs[j]["FIPSNO"])
		}
		b.WriteString("\n")
	}
	w, ids, err := ReadGAL(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if ids[0] != "37009" || len(ids) != 100 {
		t.Errorf("ids = %v…", ids[:3])
	}
	sameNeighbours(t, "GAL", w, gal)
	for _, tc := range []struct{ in, msg string }{
		{"", "empty"},
		{"x\n", "number of observations"},
		{"2\na 1\nb\n", "ends after 1 of 2"},
		{"2\na 1\nb\nb 1\nc\n", "not an observation"},
		{"2\na 1\nb\na 0\n", "twice"},
		{"2\na 2\nb\n", "ends after 1"},
		{"1\na 0\nextra\n", "unexpected data"},
		{"1\na b c\n", "want \"id count\""},
		{"1\na -1\n", "between 0 and 1"},
		{"99999999999\n", "number of observations"},
	} {
		_, _, err := ReadGAL(strings.NewReader(tc.in))
		if atalaya.ErrorCode(err) != atalaya.EINVALID || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ReadGAL(%q): %v, want EINVALID containing %q", tc.in, err, tc.msg)
		}
	}
}
