package nearrepeat_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/nearrepeat"
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

// arson loads the Chicago arsons; round > 0 rounds coordinates to that.
func arson(tb testing.TB, round float64) []nearrepeat.Event {
	tb.Helper()
	var ev []nearrepeat.Event
	for _, r := range readCSV(tb, "chicago_arson.csv") {
		t, err := time.Parse(time.DateOnly, r[2])
		if err != nil {
			tb.Fatal(err)
		}
		x, y := num(tb, r[0]), num(tb, r[1])
		if round > 0 {
			x, y = math.Round(x/round)*round, math.Round(y/round)*round
		}
		ev = append(ev, nearrepeat.Event{X: x, Y: y, T: t})
	}
	return ev
}

func edges(tb testing.TB, s string) []float64 {
	tb.Helper()
	e, err := nearrepeat.ParseBands(strings.ReplaceAll(s, " ", ","))
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// The NRC's published observed table for the arsons is reproduced
// exactly, with edges at its bandwidth multiples and labels that say what
// the NRC really counted.
func TestKnox_NRCPublished(t *testing.T) {
	ev := arson(t, 0.1)
	res, err := nearrepeat.Knox(context.Background(), ev, nearrepeat.Options{
		SpaceBands: nearrepeat.NRCEdges(200, 3), TimeBands: nearrepeat.NRCEdges(1, 3),
		Metric: nearrepeat.Manhattan, Permutations: 999, Seed: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	wantS := []string{"d = 0 m (same location)", "0 < d < 200 m", "200 ≤ d < 400 m", "400 ≤ d < 600 m", "d ≥ 600 m"}
	wantT := []string{"0 ≤ Δt < 1 days", "1 ≤ Δt < 2 days", "2 ≤ Δt < 3 days", "Δt ≥ 3 days"}
	for s, row := range res.Cells {
		for c, cell := range row {
			if cell.SpaceLabel != wantS[s] || cell.TimeLabel != wantT[c] {
				t.Errorf("cell %d,%d labelled %q × %q, want %q × %q", s, c, cell.SpaceLabel, cell.TimeLabel, wantS[s], wantT[c])
			}
		}
	}
	for _, r := range readCSV(t, "nrc_arson_published.csv")[1:] {
		s, _ := strconv.Atoi(r[0])
		c, _ := strconv.Atoi(r[1])
		cell := res.Cells[s][c]
		if want := int(num(t, r[4])); cell.Observed != want {
			t.Errorf("NRC %q × %q days (really %q × %q): observed %d, NRC %d", r[2], r[3], cell.SpaceLabel, cell.TimeLabel, cell.Observed, want)
		}
		// The NRC's mean of 99 permutations against the exact expectation:
		// within 5 standard errors of a Poisson count (the close bands).
		if s < 4 {
			e := cell.ExpectedExact
			if d := math.Abs(num(t, r[5]) - e); d > 5*math.Sqrt(e/99)+0.03 {
				t.Errorf("cell %d,%d: NRC mean expected %s, exact %.4f: off by %.3f", s, c, r[5], e, d)
			}
		}
	}
	// Same location, 1 day apart: 2 pairs where about 0.07 are expected.
	if c := res.Cells[0][1]; c.P > 0.01 || c.Ratio < 20 {
		t.Errorf("same location, 1 day: ratio %.2f, p %.4f; the NRC found 28.29, p 0.01", c.Ratio, c.P)
	}

	// With full-precision coordinates one pair, 399.96 m apart (400.0 m
	// at the NRC's 0.1 m), falls in the band below.
	full, err := nearrepeat.Knox(context.Background(), arson(t, 0), nearrepeat.Options{
		SpaceBands: nearrepeat.NRCEdges(200, 3), TimeBands: nearrepeat.NRCEdges(1, 3),
		Metric: nearrepeat.Manhattan, Permutations: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := full.Cells[2][3].Observed, full.Cells[3][3].Observed; a != 141 || b != 233 {
		t.Errorf("full precision: %d and %d pairs at 200–400 and 400–600 m, ≥ 3 days; want 141 and 233", a, b)
	}
}

// Observed counts equal an independent numpy implementation exactly.
func TestKnox_GoldenObserved(t *testing.T) {
	ev := arson(t, 0)
	type key struct{ s, t int }
	configs := map[string]map[key]int{}
	meta := map[string][]string{}
	for _, r := range readCSV(t, "golden_observed.csv")[1:] {
		if configs[r[0]] == nil {
			configs[r[0]] = map[key]int{}
			meta[r[0]] = r[1:4]
		}
		s, _ := strconv.Atoi(r[4])
		c, _ := strconv.Atoi(r[5])
		configs[r[0]][key{s, c}] = int(num(t, r[6]))
	}
	if len(configs) != 3 {
		t.Fatalf("%d configurations in the golden file, want 3", len(configs))
	}
	for name, want := range configs {
		m := nearrepeat.Euclidean
		if meta[name][0] == "cityblock" {
			m = nearrepeat.Manhattan
		}
		res, err := nearrepeat.Knox(context.Background(), ev, nearrepeat.Options{
			SpaceBands: edges(t, meta[name][1]), TimeBands: edges(t, meta[name][2]),
			Metric: m, Permutations: 1,
		})
		if err != nil {
			t.Fatal(err)
		}
		for k, w := range want {
			if got := res.Cells[k.s][k.t].Observed; got != w {
				t.Errorf("%s: cell %d,%d (%s × %s): %d, numpy %d", name, k.s, k.t,
					res.Cells[k.s][k.t].SpaceLabel, res.Cells[k.s][k.t].TimeLabel, got, w)
			}
		}
	}
}

// Expected counts and p-values agree with numpy's 9,999 permutations
// within Monte-Carlo error, and Expected with the exact expectation.
func TestKnox_MonteCarlo(t *testing.T) {
	if testing.Short() {
		t.Skip("9,999 permutations")
	}
	const perms = 9999
	res, err := nearrepeat.Knox(context.Background(), arson(t, 0), nearrepeat.Options{
		SpaceBands: []float64{0, 100, 200, 400}, TimeBands: []float64{0, 7, 14, 21},
		Permutations: perms, Seed: 42,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range readCSV(t, "golden_montecarlo.csv")[1:] {
		s, _ := strconv.Atoi(r[2])
		c, _ := strconv.Atoi(r[3])
		cell := res.Cells[s][c]
		e := cell.ExpectedExact
		// Standard error of a mean of perms counts, Poisson-approximated
		// (the last band's count varies like the sum of the others).
		v := e
		if s == len(res.Cells)-1 {
			v = 0
			for k := range s {
				v += res.Cells[k][c].ExpectedExact
			}
		}
		se := math.Sqrt(v / perms)
		if d := math.Abs(cell.Expected - e); d > 5*se+1e-9 {
			t.Errorf("cell %d,%d: expected %.5f, exact %.5f: %.1f standard errors", s, c, cell.Expected, e, d/se)
		}
		if d := math.Abs(num(t, r[5]) - e); d > 5*se+1e-9 {
			t.Errorf("cell %d,%d: numpy expected %s, exact %.5f: %.1f standard errors", s, c, r[5], e, d/se)
		}
		p, pw := cell.P, num(t, r[6])
		sep := math.Sqrt(2 * max(p*(1-p), 1.0/perms) / perms)
		if d := math.Abs(p - pw); d > 5*sep {
			t.Errorf("cell %d,%d: p %.4f, numpy %.4f: %.1f standard errors", s, c, p, pw, d/sep)
		}
	}
}

// The NRC's pathological example (NearRepeat vignette "NRC"): one pair,
// 100 m and 3 days apart. The NRC counts it under "101 to 200" m and
// "4 to 6" days; here it is in the bands whose labels include 100 m and 3
// days, and every pair exactly on an edge goes where its label says.
func TestKnox_LabelsExactOnEdges(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2019, 1, 1+d, 0, 0, 0, 0, time.UTC) }
	ev := []nearrepeat.Event{{X: 0, Y: 0, T: day(0)}, {X: 0, Y: 100, T: day(3)}}
	res, err := nearrepeat.Knox(context.Background(), ev, nearrepeat.Options{
		SpaceBands: []float64{0, 100, 200}, TimeBands: []float64{0, 3, 6}, Permutations: 9,
	})
	if err != nil {
		t.Fatal(err)
	}
	for s, row := range res.Cells {
		for c, cell := range row {
			want := 0
			if cell.SpaceLabel == "100 ≤ d < 200 m" && cell.TimeLabel == "3 ≤ Δt < 6 days" {
				want = 1
			}
			if cell.Observed != want {
				t.Errorf("cell %d,%d %q × %q: %d pairs, want %d", s, c, cell.SpaceLabel, cell.TimeLabel, cell.Observed, want)
			}
		}
	}

	// Pairs at every edge, in space and time: each in the band with that Lo.
	dists := []float64{0, 100, 200, 300, 450}
	lags := []int{0, 7, 14, 21, 30}
	for _, d := range dists {
		for _, l := range lags {
			// Two events alone, so there is one pair.
			ev := []nearrepeat.Event{{X: 5e5, Y: 4e6, T: day(0)}, {X: 5e5 + d*0.6, Y: 4e6 + d*0.8, T: day(l)}}
			res, err := nearrepeat.Knox(context.Background(), ev, nearrepeat.Options{
				SpaceBands: []float64{0, 100, 200, 300}, TimeBands: []float64{0, 7, 14, 21}, Permutations: 1,
			})
			if err != nil {
				t.Fatal(err)
			}
			for s, row := range res.Cells {
				for c, cell := range row {
					sb, tb := res.SpaceBands[s], res.TimeBands[c]
					dd := math.Hypot(d*0.6, d*0.8)
					in := (dd == 0 && sb.Hi == 0) || (sb.Hi > 0 && dd > 0 && dd >= sb.Lo && dd < sb.Hi)
					in = in && float64(l) >= tb.Lo && float64(l) < tb.Hi
					if (cell.Observed == 1) != in {
						t.Errorf("pair %v m, %d days: %d in %q × %q", dd, l, cell.Observed, cell.SpaceLabel, cell.TimeLabel)
					}
				}
			}
		}
	}
}

// The grid index finds the same pairs as all pairs, for both metrics and
// for longitude and latitude (against a direct haversine count).
func TestKnox_IndexMatchesAllPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	ev := make([]nearrepeat.Event, 600)
	for i := range ev {
		ev[i] = nearrepeat.Event{X: rng.Float64() * 3000, Y: rng.Float64() * 2000,
			T: time.Date(2024, 1, 1+rng.IntN(60), 0, 0, 0, 0, time.UTC)}
		if i%50 == 1 { // some repeats at the same place
			ev[i].X, ev[i].Y = ev[i-1].X, ev[i-1].Y
		}
	}
	se, te := []float64{0, 50, 120, 250}, []float64{0, 2, 5, 10}
	for _, m := range []nearrepeat.Metric{nearrepeat.Euclidean, nearrepeat.Manhattan} {
		res, err := nearrepeat.Knox(context.Background(), ev, nearrepeat.Options{SpaceBands: se, TimeBands: te, Metric: m, Permutations: 1})
		if err != nil {
			t.Fatal(err)
		}
		want := brute(ev, se, te, func(a, b nearrepeat.Event) float64 {
			if m == nearrepeat.Manhattan {
				return math.Abs(a.X-b.X) + math.Abs(a.Y-b.Y)
			}
			return math.Hypot(a.X-b.X, a.Y-b.Y)
		})
		if got := observed(res); !reflect.DeepEqual(got, want) {
			t.Errorf("metric %d: %v, all pairs %v", m, got, want)
		}
	}
	// Longitude and latitude around Mexico City.
	ll := make([]nearrepeat.Event, len(ev))
	for i, e := range ev {
		ll[i] = nearrepeat.Event{X: -99.13 + e.X/1e5, Y: 19.43 + e.Y/1.1e5, T: e.T}
	}
	res, err := nearrepeat.Knox(context.Background(), ll, nearrepeat.Options{SpaceBands: se, TimeBands: te, LonLat: true, Permutations: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := brute(ll, se, te, func(a, b nearrepeat.Event) float64 { return haversine(a.X, a.Y, b.X, b.Y) })
	if got := observed(res); !reflect.DeepEqual(got, want) {
		t.Errorf("lon/lat: %v, all pairs by haversine %v", got, want)
	}
}

func haversine(lon1, lat1, lon2, lat2 float64) float64 {
	r := math.Pi / 180
	a := math.Pow(math.Sin((lat2-lat1)*r/2), 2) + math.Cos(lat1*r)*math.Cos(lat2*r)*math.Pow(math.Sin((lon2-lon1)*r/2), 2)
	return 2 * 6371008.8 * math.Asin(math.Sqrt(a))
}

func observed(r *nearrepeat.Result) [][]int {
	out := make([][]int, len(r.Cells))
	for s, row := range r.Cells {
		for _, c := range row {
			out[s] = append(out[s], c.Observed)
		}
	}
	return out
}

// brute counts all pairs with the documented band rules.
func brute(ev []nearrepeat.Event, se, te []float64, dist func(a, b nearrepeat.Event) float64) [][]int {
	out := make([][]int, len(se)+1)
	for i := range out {
		out[i] = make([]int, len(te))
	}
	for i := range ev {
		for j := i + 1; j < len(ev); j++ {
			d := dist(ev[i], ev[j])
			s := 0
			if d > 0 {
				s = 1
				for k := 1; k < len(se); k++ {
					if d >= se[k] {
						s = k + 1
					}
				}
			}
			dt := math.Abs(ev[i].T.Sub(ev[j].T).Hours() / 24)
			c := 0
			for k := 1; k < len(te); k++ {
				if dt >= te[k] {
					c = k
				}
			}
			out[s][c]++
		}
	}
	return out
}

// Results do not depend on GOMAXPROCS.
func TestKnox_GOMAXPROCS(t *testing.T) {
	ev := arson(t, 0)
	opt := nearrepeat.Options{SpaceBands: []float64{0, 100, 200, 400}, TimeBands: []float64{0, 7, 14, 21}, Permutations: 199, Seed: 9}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	a, err := nearrepeat.Knox(context.Background(), ev, opt)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GOMAXPROCS(4)
	b, err := nearrepeat.Knox(context.Background(), ev, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("results differ between GOMAXPROCS 1 and 4")
	}
}

// Dates at local midnight are whole days apart across a daylight-saving
// change.
func TestKnox_DaylightSaving(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip(err)
	}
	ev := []nearrepeat.Event{
		{X: 0, Y: 0, T: time.Date(2024, 3, 9, 0, 0, 0, 0, ny)},
		{X: 10, Y: 0, T: time.Date(2024, 3, 11, 0, 0, 0, 0, ny)}, // 47 hours later
	}
	res, err := nearrepeat.Knox(context.Background(), ev, nearrepeat.Options{SpaceBands: []float64{0, 100}, TimeBands: []float64{0, 2, 3}, Permutations: 1})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Cells[1][1]; c.Observed != 1 {
		t.Errorf("2 calendar days across the change: not in %q", c.TimeLabel)
	}
}

func TestKnox_Errors(t *testing.T) {
	ev := []nearrepeat.Event{{X: 0, Y: 0}, {X: 1, Y: 1}}
	ok := nearrepeat.Options{SpaceBands: []float64{0, 100}, TimeBands: []float64{0, 7}}
	for name, tc := range map[string]struct {
		ev  []nearrepeat.Event
		opt func(o *nearrepeat.Options)
	}{
		"no space bands":   {ev, func(o *nearrepeat.Options) { o.SpaceBands = nil }},
		"not from 0":       {ev, func(o *nearrepeat.Options) { o.SpaceBands = []float64{10, 100} }},
		"not increasing":   {ev, func(o *nearrepeat.Options) { o.TimeBands = []float64{0, 7, 7} }},
		"NaN edge":         {ev, func(o *nearrepeat.Options) { o.TimeBands = []float64{0, math.NaN()} }},
		"Inf in middle":    {ev, func(o *nearrepeat.Options) { o.TimeBands = []float64{0, math.Inf(1), 9} }},
		"one event":        {ev[:1], func(o *nearrepeat.Options) {}},
		"NaN coordinate":   {[]nearrepeat.Event{{X: math.NaN()}, {}}, func(o *nearrepeat.Options) {}},
		"permutations":     {ev, func(o *nearrepeat.Options) { o.Permutations = -1 }},
		"manhattan lonlat": {ev, func(o *nearrepeat.Options) { o.LonLat, o.Metric = true, nearrepeat.Manhattan }},
		"latitude":         {[]nearrepeat.Event{{X: 0, Y: 91}, {}}, func(o *nearrepeat.Options) { o.LonLat = true }},
	} {
		o := ok
		tc.opt(&o)
		_, err := nearrepeat.Knox(context.Background(), tc.ev, o)
		if atalaya.ErrorCode(err) != atalaya.EINVALID {
			t.Errorf("%s: %v, want an EINVALID error", name, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := nearrepeat.Knox(ctx, ev, ok); err == nil {
		t.Error("cancelled context: no error")
	}
}

func TestParseBands(t *testing.T) {
	for in, want := range map[string][]float64{
		"0,100,200,400":  {0, 100, 200, 400},
		" 0, 7 ,14, 21 ": {0, 7, 14, 21},
		"0,0.5,1,inf":    {0, 0.5, 1, math.Inf(1)},
		"0,1e3,∞":        {0, 1000, math.Inf(1)},
		"0":              {0},
	} {
		got, err := nearrepeat.ParseBands(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseBands(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "100,200", "0,,7", "0,7,3", "0,x", "0,NaN", "0,inf,5", "-1,0", "0,1e400"} {
		if _, err := nearrepeat.ParseBands(in); atalaya.ErrorCode(err) != atalaya.EINVALID {
			t.Errorf("ParseBands(%q): %v, want an EINVALID error", in, err)
		}
	}
}

func TestWriters(t *testing.T) {
	res, err := nearrepeat.Knox(context.Background(), arson(t, 0), nearrepeat.Options{
		SpaceBands: []float64{0, 100, 200}, TimeBands: []float64{0, 7, 14}, Permutations: 99, Seed: 3,
	})
	if err != nil {
		t.Fatal(err)
	}
	var md, cs bytes.Buffer
	if err := res.Markdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := res.CSV(&cs); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"| d = 0 m (same location) |", "0 < d < 100 m", "Δt ≥ 14 days", "Knox ratio (p-value)"} {
		if !strings.Contains(md.String(), s) {
			t.Errorf("Markdown lacks %q:\n%s", s, md.String())
		}
	}
	rows, err := csv.NewReader(&cs).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+4*3 || rows[0][0] != "space_band" || rows[len(rows)-1][3] != "inf" {
		t.Errorf("CSV: %d rows, header %v, last %v", len(rows), rows[0], rows[len(rows)-1])
	}
}
