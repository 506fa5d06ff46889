package density_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/density"
)

func readCSV(tb testing.TB, name string) [][]string {
	tb.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	return rows
}

func num(tb testing.TB, s string) float64 {
	tb.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

func arson(tb testing.TB) [][2]float64 {
	var pts [][2]float64
	for _, r := range readCSV(tb, "chicago_arson.csv") {
		pts = append(pts, [2]float64{num(tb, r[0]), num(tb, r[1])})
	}
	return pts
}

func weights(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 + float64(i%3)
	}
	return w
}

// The golden grid: 28 × 44 cells of 1000 m from (340000, 552000).
var goldenBounds = [4]float64{340000, 552000, 340000 + 28*1000, 552000 + 44*1000}

// relClose reports |a−b| ≤ rel·max(|b|, floor).
func relClose(a, b, rel, floor float64) bool {
	return math.Abs(a-b) <= rel*max(math.Abs(b), floor)
}

// Direct sums (Options.Exact) match sklearn and scipy to 1e-9 relative
// plus 1e-14 of the surface's maximum (sklearn leaves noise of up to 3e-15
// of the maximum where the Epanechnikov kernel is exactly 0).
func TestEstimate_GoldenExact(t *testing.T) {
	pts := arson(t)
	rows := readCSV(t, "golden_kde.csv")[1:]
	for col, opt := range map[int]density.Options{
		4: {Kernel: density.Gaussian, Bandwidth: 600},
		5: {Kernel: density.Epanechnikov, Bandwidth: 1500},
		6: {Kernel: density.Gaussian, Bandwidth: 800, Weights: weights(len(pts))},
	} {
		opt.Bounds, opt.CellSize, opt.Exact = goldenBounds, 1000, true
		g, err := density.Estimate(context.Background(), pts, opt)
		if err != nil {
			t.Fatal(err)
		}
		if g.Rows != 44 || g.Cols != 28 {
			t.Fatalf("grid %d × %d, want 44 × 28", g.Rows, g.Cols)
		}
		worst := 0.0
		for _, r := range rows {
			ro, co := int(num(t, r[0])), int(num(t, r[1]))
			x, y := g.Center(ro, co)
			if x != num(t, r[2]) || y != num(t, r[3]) {
				t.Fatalf("cell %d,%d centre (%v, %v), golden (%s, %s)", ro, co, x, y, r[2], r[3])
			}
			want, got := num(t, r[col]), g.At(ro, co)
			floor := 1e-6 * g.Max()
			if math.Abs(got-want) > 1e-9*math.Abs(want)+1e-14*g.Max() {
				t.Errorf("%s: cell %d,%d: %v, reference %v", rows[0][col], ro, co, got, want)
			}
			if want > floor {
				worst = max(worst, math.Abs(got-want)/want)
			}
		}
		t.Logf("%s: largest relative difference %.2g (on values above 1e-6 of the maximum)", readCSV(t, "golden_kde.csv")[0][col], worst)
	}
}

// The binned estimate matches the direct sum within the error of linear
// binning, measured as the largest absolute error over the maximum of the
// surface (cells of 100 m: h = 6 to 15 cells). Figures are logged; the
// bounds asserted are 0.75·(cell/h)² for the quartic and Gaussian kernels
// and 0.1·cell/h for the Epanechnikov, whose kink at the edge of its
// support makes the error first order. The relative error of single cells can be larger
// where a lone point's kernel is near the edge of its support.
func TestEstimate_GoldenBinned(t *testing.T) {
	pts := arson(t)
	for name, opt := range map[string]density.Options{
		"gaussian 600":      {Kernel: density.Gaussian, Bandwidth: 600},
		"epanechnikov 1500": {Kernel: density.Epanechnikov, Bandwidth: 1500},
		"quartic 1500":      {Kernel: density.Quartic, Bandwidth: 1500},
		"quartic 600":       {Kernel: density.Quartic, Bandwidth: 600},
		"gaussian 800 w":    {Kernel: density.Gaussian, Bandwidth: 800, Weights: weights(len(pts))},
	} {
		opt.Bounds, opt.CellSize = goldenBounds, 100
		got, err := density.Estimate(context.Background(), pts, opt)
		if err != nil {
			t.Fatal(err)
		}
		opt.Exact = true
		want, err := density.Estimate(context.Background(), pts, opt)
		if err != nil {
			t.Fatal(err)
		}
		m := want.Max()
		worst, worstRel := 0.0, 0.0
		for i, w := range want.Values {
			worst = max(worst, math.Abs(got.Values[i]-w)/m)
			if w > 0.1*m {
				worstRel = max(worstRel, math.Abs(got.Values[i]-w)/w)
			}
		}
		t.Logf("%s: binned vs exact: largest error %.2g of the maximum; %.2g relative on cells above 10%% of it", name, worst, worstRel)
		r := opt.CellSize / opt.Bandwidth
		bound := 0.75 * r * r
		if opt.Kernel == density.Epanechnikov {
			bound = 0.1 * r
		}
		if worst > bound {
			t.Errorf("%s: binning error %.3g of the maximum > %.3g", name, worst, bound)
		}
	}
}

// direct is an independent, plain implementation of the quartic sum.
func direct(pts [][2]float64, w []float64, h, x, y float64) float64 {
	s := 0.0
	for i, p := range pts {
		d2 := (p[0]-x)*(p[0]-x) + (p[1]-y)*(p[1]-y)
		if d2 < h*h {
			k := 3 / (math.Pi * h * h) * math.Pow(1-d2/(h*h), 2)
			if w != nil {
				k *= w[i]
			}
			s += k
		}
	}
	return s
}

// With points on cell centres there is no binning error: the binned
// quartic surface equals a direct sum to rounding, and the Gaussian to
// its truncation at 6σ (1e-6 relative on cells above 1% of the maximum;
// within exp(−18)·Σw/(2πσ²) absolutely everywhere).
func TestEstimate_OnCentresExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const c = 10.0
	var pts [][2]float64
	for range 3000 {
		// Clustered, on centres (k + 0.5)·c of a grid from 0.
		x := math.Floor(min(max(rng.NormFloat64()*150+500, 0), 999)/c)*c + c/2
		y := math.Floor(min(max(rng.NormFloat64()*100+400, 0), 799)/c)*c + c/2
		pts = append(pts, [2]float64{x, y})
	}
	w := make([]float64, len(pts))
	for i := range w {
		w[i] = rng.Float64() * 3
	}
	bounds := [4]float64{0, 0, 1000, 800}
	g, err := density.Estimate(context.Background(), pts, density.Options{Kernel: density.Quartic, Bandwidth: 87, CellSize: c, Bounds: bounds, Weights: w})
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for r := 0; r < g.Rows; r++ {
		for col := 0; col < g.Cols; col++ {
			x, y := g.Center(r, col)
			want := direct(pts, w, 87, x, y)
			worst = max(worst, math.Abs(g.At(r, col)-want)/max(want, 1e-300))
			if !relClose(g.At(r, col), want, 1e-12, 1e-12*g.Max()) {
				t.Fatalf("quartic cell %d,%d: %v, direct %v", r, col, g.At(r, col), want)
			}
		}
	}
	t.Logf("quartic on centres: largest relative difference %.2g", worst)

	const s = 25.0
	ga, err := density.Estimate(context.Background(), pts, density.Options{Kernel: density.Gaussian, Bandwidth: s, CellSize: c, Bounds: bounds, Weights: w})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := density.Estimate(context.Background(), pts, density.Options{Kernel: density.Gaussian, Bandwidth: s, CellSize: c, Bounds: bounds, Weights: w, Exact: true})
	if err != nil {
		t.Fatal(err)
	}
	sw := 0.0
	for _, v := range w {
		sw += v
	}
	bound := math.Exp(-18) * sw / (2 * math.Pi * s * s)
	m := ex.Max()
	worst = 0
	for i, want := range ex.Values {
		got := ga.Values[i]
		if math.Abs(got-want) > bound {
			t.Fatalf("gaussian cell %d: %v, exact %v, beyond the truncation bound %v", i, got, want, bound)
		}
		if want > 0.01*m {
			worst = max(worst, math.Abs(got-want)/want)
		}
	}
	t.Logf("gaussian on centres: largest relative error above 1%% of max %.2g (bound %.2g absolute)", worst, bound)
	if worst > 1e-6 {
		t.Errorf("gaussian truncation error %.3g > 1e-6", worst)
	}
}

// A surface integrates to the number of points, or the sum of the
// weights, when the grid holds every point's kernel: to 1e-6 for the
// Gaussian (6σ margins), and within the error of the Riemann sum of the
// sampled kernel for the compact ones (h = 10 cells; figures logged).
func TestEstimate_Integral(t *testing.T) {
	pts := arson(t)
	w := weights(len(pts))
	for _, k := range []density.Kernel{density.Quartic, density.Gaussian, density.Epanechnikov} {
		for _, wt := range [][]float64{nil, w} {
			h, pad, tol := 1000.0, 1100.0, 1e-4
			if k == density.Gaussian {
				h, pad, tol = 300, 6.5*300, 1e-6
			}
			if k == density.Epanechnikov {
				tol = 2e-3
			}
			b := [4]float64{340000 - pad, 552000 - pad, 368000 + pad, 596000 + pad}
			g, err := density.Estimate(context.Background(), pts, density.Options{Kernel: k, Bandwidth: h, CellSize: 100, Bounds: b, Weights: wt})
			if err != nil {
				t.Fatal(err)
			}
			want := float64(len(pts))
			if wt != nil {
				want = 0
				for _, v := range wt {
					want += v
				}
			}
			got := g.Sum()
			t.Logf("%v weighted=%v: integral %.7f of %v (relative error %.2g)", k, wt != nil, got, want, math.Abs(got-want)/want)
			if math.Abs(got-want)/want > tol {
				t.Errorf("%v weights %v: integral %v, want %v (±%g)", k, wt != nil, got, want, tol)
			}
			pc, err := density.Estimate(context.Background(), pts, density.Options{Kernel: k, Bandwidth: h, CellSize: 100, Bounds: b, Weights: wt, Unit: density.PerCell})
			if err != nil {
				t.Fatal(err)
			}
			if a, b := pc.Sum(), got; math.Abs(a-b) > 1e-9*b {
				t.Errorf("%v: per-cell sum %v, per-area integral %v", k, a, b)
			}
		}
	}
}

func TestBandwidth_Golden(t *testing.T) {
	pts := arson(t)
	w := weights(len(pts))
	for _, r := range readCSV(t, "golden_bandwidth.csv")[1:] {
		want := num(t, r[2])
		var got float64
		var err error
		switch {
		case r[0] == "scipy_scott_factor":
			got = math.Pow(float64(len(pts)), -1.0/6)
		case r[1] == "0":
			got, err = density.Bandwidth(pts, r[0])
		default:
			// Weighted rules, through Estimate's Grid.Bandwidth; the
			// rule's native kernel keeps it unconverted.
			k := density.Gaussian
			if r[0] == "arcgis" {
				k = density.Quartic
			}
			var g *density.Grid
			g, err = density.Estimate(context.Background(), pts, density.Options{Kernel: k, Rule: r[0], Weights: w, CellSize: 500})
			if g != nil {
				got = g.Bandwidth
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		if !relClose(got, want, 1e-12, 0) {
			t.Errorf("%s weighted=%s: %v, numpy %v", r[0], r[1], got, want)
		}
	}
	// Conversion between kernels by canonical bandwidths.
	h, _ := density.Bandwidth(pts, "silverman")
	g, err := density.Estimate(context.Background(), pts, density.Options{Rule: "silverman", CellSize: 500})
	if err != nil {
		t.Fatal(err)
	}
	if r := g.Bandwidth / h; math.Abs(r-2.7792) > 1e-4 {
		t.Errorf("quartic radius / Gaussian σ = %.5f, want 2.7792", r)
	}
	if _, err := density.Bandwidth(pts, "nrd0"); atalaya.ErrorCode(err) != atalaya.EINVALID {
		t.Errorf("unknown rule: %v", err)
	}
}

// Canonical bandwidths as documented: numeric R(K) and μ₂(K).
func TestCanonicalRatios(t *testing.T) {
	moments := func(k func(r float64) float64) (R, mu2 float64) {
		const n = 200000
		for i := range n {
			r := (float64(i) + 0.5) / n * 12
			dA := 2 * math.Pi * r * 12 / n
			R += k(r) * k(r) * dA
			mu2 += r * r / 2 * k(r) * dA
		}
		return
	}
	delta := func(k func(r float64) float64) float64 { R, m := moments(k); return math.Pow(R/(m*m), 1.0/6) }
	q := delta(func(r float64) float64 {
		if r >= 1 {
			return 0
		}
		return 3 / math.Pi * (1 - r*r) * (1 - r*r)
	})
	e := delta(func(r float64) float64 {
		if r >= 1 {
			return 0
		}
		return 2 / math.Pi * (1 - r*r)
	})
	gs := delta(func(r float64) float64 { return math.Exp(-r*r/2) / (2 * math.Pi) })
	if math.Abs(q/gs-2.7792) > 1e-3 || math.Abs(e/gs-2.4019) > 1e-3 {
		t.Errorf("quartic/gaussian %.4f (doc 2.7792), epanechnikov/gaussian %.4f (doc 2.4019)", q/gs, e/gs)
	}
}

func TestEstimate_GOMAXPROCS(t *testing.T) {
	pts := arson(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for _, k := range []density.Kernel{density.Quartic, density.Gaussian} {
		opt := density.Options{Kernel: k, Bandwidth: 700, CellSize: 50}
		runtime.GOMAXPROCS(1)
		a, err := density.Estimate(context.Background(), pts, opt)
		if err != nil {
			t.Fatal(err)
		}
		runtime.GOMAXPROCS(3)
		b, err := density.Estimate(context.Background(), pts, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%v: results differ between GOMAXPROCS 1 and 3", k)
		}
	}
}

func TestGrid_GeoJSONAndPNG(t *testing.T) {
	pts := [][2]float64{{500, 500}, {520, 480}}
	g, err := density.Estimate(context.Background(), pts, density.Options{Bandwidth: 30, CellSize: 10, Bounds: [4]float64{400, 400, 600, 600}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := g.GeoJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type     string
		Features []struct {
			Properties struct {
				Row, Col int
				Value    float64
			}
			Geometry struct {
				Type        string
				Coordinates [][][2]float64
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &fc); err != nil {
		t.Fatalf("%v:\n%.300s", err, buf.String())
	}
	nz := 0
	for _, v := range g.Values {
		if v != 0 {
			nz++
		}
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) != nz || nz == 0 {
		t.Fatalf("%s with %d features, %d non-zero cells", fc.Type, len(fc.Features), nz)
	}
	for _, f := range fc.Features {
		p := f.Properties
		if v := g.At(p.Row, p.Col); math.Abs(p.Value-v) > 5e-6*v {
			t.Errorf("cell %d,%d: value %v, grid %v", p.Row, p.Col, p.Value, v)
		}
		ring := f.Geometry.Coordinates[0]
		x, y := g.Center(p.Row, p.Col)
		if len(ring) != 5 || ring[0] != ring[4] || ring[0][0] != x-5 || ring[2][1] != y+5 {
			t.Errorf("cell %d,%d: ring %v around (%v, %v)", p.Row, p.Col, ring, x, y)
		}
	}
	buf.Reset()
	if err := g.PNG(&buf, nil); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != g.Cols || b.Dy() != g.Rows {
		t.Errorf("image %v, grid %d × %d", b, g.Cols, g.Rows)
	}
	// North up: the cell at row 0 is the image's bottom row; empty cells transparent.
	if _, _, _, a := img.At(0, g.Rows-1).RGBA(); a != 0 {
		t.Error("an empty corner cell is not transparent")
	}
	// Clipping to x < 500 removes the cells east of it: about half the mass.
	c := *g
	c.Values = append([]float64(nil), g.Values...)
	share := c.Clip(func(x, y float64) bool { return x < 500 })
	if share < 0.4 || share > 0.9 || c.At(10, 15) != 0 || c.At(10, 5) != g.At(10, 5) {
		t.Errorf("clip removed %.3f of the mass", share)
	}
	br := g.QuantileBreaks(4)
	if len(br) != 3 || !(br[0] <= br[1] && br[1] <= br[2]) || density.Class(g.Max(), br) != 3 {
		t.Errorf("breaks %v", br)
	}
}

func TestEstimate_Errors(t *testing.T) {
	pts := [][2]float64{{0, 0}, {1, 1}}
	for name, tc := range map[string]struct {
		pts [][2]float64
		opt density.Options
	}{
		"no points":       {nil, density.Options{Bandwidth: 1}},
		"NaN point":       {[][2]float64{{math.NaN(), 0}}, density.Options{Bandwidth: 1}},
		"kernel":          {pts, density.Options{Kernel: 9, Bandwidth: 1}},
		"negative h":      {pts, density.Options{Bandwidth: -1}},
		"weights count":   {pts, density.Options{Bandwidth: 1, Weights: []float64{1}}},
		"negative weight": {pts, density.Options{Bandwidth: 1, Weights: []float64{1, -1}}},
		"bounds":          {pts, density.Options{Bandwidth: 1, Bounds: [4]float64{1, 1, 0, 0}}},
		"too many cells":  {pts, density.Options{Bandwidth: 1, CellSize: 1e-6}},
		"too much work":   {pts, density.Options{Bandwidth: 3000, CellSize: 1, Bounds: [4]float64{0, 0, 4000, 4000}}},
		"huge peak":       {pts, density.Options{Bandwidth: 1e-170, Exact: true, Bounds: [4]float64{0, 0, 1, 1}, CellSize: 0.5}},
		"under half cell": {pts, density.Options{Bandwidth: 0.1, CellSize: 1}},
		"one place":       {[][2]float64{{3, 3}, {3, 3}}, density.Options{}},
		"rule":            {pts, density.Options{Rule: "nope"}},
		"silverman w":     {pts, density.Options{Rule: "silverman", Weights: []float64{1, 2}}},
	} {
		if _, err := density.Estimate(context.Background(), tc.pts, tc.opt); atalaya.ErrorCode(err) != atalaya.EINVALID {
			t.Errorf("%s: %v, want an EINVALID error", name, err)
		}
	}
}
