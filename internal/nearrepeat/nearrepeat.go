// Package nearrepeat runs the Knox test for space–time interaction of
// events ("near repeats"), as Ratcliffe's Near Repeat Calculator (NRC) and
// the R package NearRepeat do, with bands whose labels say exactly which
// pairs they hold.
//
// # Bands
//
// Space and time are cut by increasing edges e₀ = 0 < e₁ < … < e_k. Every
// band is half-open, closed below and open above: [e_i, e_(i+1)), and a
// last band [e_k, ∞) takes the rest (a trailing +Inf edge is allowed and
// ends the list instead). In space, pairs at distance exactly 0 form a
// "same location" band of their own, so the first space band is
// 0 < d < e₁. Labels spell the interval out, for example:
//
//	"d = 0 m (same location)", "0 < d < 100 m", "100 ≤ d < 200 m", "d ≥ 300 m"
//	"0 ≤ Δt < 7 days", "7 ≤ Δt < 14 days", "Δt ≥ 21 days"
//
// so a pair exactly 100 m apart is in "100 ≤ d < 200 m", and one 7 days
// apart in "7 ≤ Δt < 14 days". This is the convention of NearRepeat
// (R's cut with right = FALSE).
//
// The NRC labels its bands "1 to 100", "101 to 200" and "0 to 7",
// "8 to 14", but computes them on [0, 100), [100, 200) and [0, 7),
// [7, 14) (Steenbeek, NearRepeat vignette "NRC"): its "0 to 1 days" is
// the same day. To reproduce an old NRC table, give the NRC's bandwidth
// multiples as edges (NRCEdges); the counts then match the NRC's and the
// labels say what they really are. The tests reproduce the NRC's published
// observed table for 522 Chicago arsons exactly this way (with coordinates
// read to 0.1 m, as the NRC reads them).
//
// # Method
//
// Each unordered pair of events is counted once in the cell of its
// distance band and its time-difference band (Observed). The times are
// then permuted among the events Permutations times; Expected is the mean
// count of a cell over the permutations, Ratio = Observed/Expected (the
// Knox ratio) and P = (1 + #{permutations with count ≥ Observed}) /
// (1 + Permutations). ExpectedExact is the permutation expectation in
// closed form, N_s·M_t/N, with N_s the pairs in space band s, M_t the
// pairs in time band t and N all pairs: a random permutation sends each
// pair to a uniformly random pair of times.
//
// Pairs closer than the last finite space edge are found with a grid
// index of that cell size and recounted in every permutation; the pairs
// beyond it, and their time bands, follow from the totals by subtraction
// (a permutation keeps the multiset of time differences). Cost is
// O(n log n + P·close pairs).
//
// Distances are Euclidean or Manhattan on projected coordinates in metres,
// or great-circle (haversine, Earth radius 6,371,008.8 m) when LonLat is
// set; pairs are then found on an equirectangular projection scaled at the
// largest |latitude|, with a 1% margin, which finds every pair for bands
// up to a few hundred kilometres, but not pairs across the ±180°
// meridian. Time differences are in days, counted on each time's own calendar:
// the calendar day plus the wall-clock fraction of the day, so that dates
// at local midnight are whole days apart even across a daylight-saving
// change.
//
// Results do not depend on GOMAXPROCS: permutation p draws from a PCG
// generator seeded with (Seed, p), whichever goroutine runs it.
package nearrepeat

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oas-atalaya/atalaya"
)

// Event is an event: projected coordinates in metres (or, with
// Options.LonLat, X longitude and Y latitude in degrees) and a time.
type Event struct {
	X, Y float64
	T    time.Time
}

// Metric is a distance.
type Metric int

// The metrics. Manhattan is |Δx| + |Δy|, as the NRC's option of that name.
const (
	Euclidean Metric = iota
	Manhattan
)

// Options set a Knox test.
type Options struct {
	// SpaceBands are the space edges in metres; TimeBands the time edges
	// in days. See the package documentation.
	SpaceBands []float64
	TimeBands  []float64
	// Permutations is the number of Monte-Carlo permutations of the times;
	// 0 means 999. At most 99,999.
	Permutations int
	Seed         uint64
	Metric       Metric
	// LonLat says X is longitude and Y latitude, in degrees.
	LonLat bool
}

// Cell is one space band × time band cell of a Result.
type Cell struct {
	Observed      int
	Expected      float64 // mean over the permutations
	ExpectedExact float64 // the permutation expectation in closed form
	// Ratio is Observed/Expected; 0 when Expected is 0 (the writers show
	// "–" then).
	Ratio float64
	P     float64 // Monte-Carlo p-value for an excess of pairs

	SpaceLabel, TimeLabel string
}

// Band is a half-open interval [Lo, Hi) of distance or time; the same
// location band is Lo = Hi = 0 and holds exactly 0.
type Band struct {
	Lo, Hi float64 // Hi is +Inf for the last band
	Label  string
}

// Result is a Knox table: Cells[s][t] for space band s and time band t.
type Result struct {
	SpaceBands, TimeBands []Band
	Cells                 [][]Cell
	Events                int
	Pairs                 int64 // n(n−1)/2
	Permutations          int
	Seed                  uint64
	Metric                Metric
}

const earthRadius = 6371008.8

// Knox runs the Knox test on ev.
func Knox(ctx context.Context, ev []Event, opt Options) (*Result, error) {
	if err := checkEdges("space", opt.SpaceBands); err != nil {
		return nil, err
	}
	if err := checkEdges("time", opt.TimeBands); err != nil {
		return nil, err
	}
	if opt.Metric != Euclidean && opt.Metric != Manhattan {
		return nil, atalaya.Errorf(atalaya.EINVALID, "metric %d is not known: use euclidean or manhattan", int(opt.Metric))
	}
	if opt.LonLat && opt.Metric == Manhattan {
		return nil, atalaya.Errorf(atalaya.EINVALID, "manhattan distance needs projected coordinates in metres, not longitude and latitude")
	}
	perms := opt.Permutations
	if perms == 0 {
		perms = 999
	}
	if perms < 0 || perms > 99999 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "%d permutations: use 1 to 99999, or 0 for 999", opt.Permutations)
	}
	if len(ev) < 2 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "%d events: the Knox test needs at least 2", len(ev))
	}
	if len(ev) > math.MaxInt32 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "%d events: at most %d", len(ev), math.MaxInt32)
	}
	for i, e := range ev {
		if !finite(e.X) || !finite(e.Y) {
			return nil, atalaya.Errorf(atalaya.EINVALID, "event %d has coordinates (%v, %v): they must be finite numbers", i+1, e.X, e.Y)
		}
		if !opt.LonLat && (math.Abs(e.X) > 1e12 || math.Abs(e.Y) > 1e12) {
			return nil, atalaya.Errorf(atalaya.EINVALID, "event %d has coordinates (%v, %v): beyond ±1e12 m, not projected metres", i+1, e.X, e.Y)
		}
		if opt.LonLat && (e.X < -180 || e.X > 180 || e.Y < -90 || e.Y > 90) {
			return nil, atalaya.Errorf(atalaya.EINVALID, "event %d has longitude %v, latitude %v: outside [-180, 180] × [-90, 90]", i+1, e.X, e.Y)
		}
	}
	sEdges, tEdges := finiteEdges(opt.SpaceBands), finiteEdges(opt.TimeBands)
	res := &Result{
		Events: len(ev), Pairs: int64(len(ev)) * int64(len(ev)-1) / 2,
		Permutations: perms, Seed: opt.Seed, Metric: opt.Metric,
	}
	res.SpaceBands = append(res.SpaceBands, Band{Lo: 0, Hi: 0, Label: "d = 0 m (same location)"})
	for i := range sEdges {
		hi := math.Inf(1)
		if i+1 < len(sEdges) {
			hi = sEdges[i+1]
		}
		res.SpaceBands = append(res.SpaceBands, Band{Lo: sEdges[i], Hi: hi, Label: label("d", "m", sEdges[i], hi, i == 0)})
	}
	for i := range tEdges {
		hi := math.Inf(1)
		if i+1 < len(tEdges) {
			hi = tEdges[i+1]
		}
		res.TimeBands = append(res.TimeBands, Band{Lo: tEdges[i], Hi: hi, Label: label("Δt", "days", tEdges[i], hi, false)})
	}
	ns, nt := len(res.SpaceBands), len(res.TimeBands)

	days := make([]float64, len(ev))
	for i, e := range ev {
		days[i] = dayNumber(e.T)
	}
	pairs, err := closePairs(ctx, ev, opt, sEdges)
	if err != nil {
		return nil, err
	}
	colTotal := timeTotals(days, tEdges)

	count := func(t []float64, into []int64) {
		clear(into)
		for _, p := range pairs {
			into[int(p.s)*nt+timeBand(math.Abs(t[p.i]-t[p.j]), tEdges)]++
		}
		// The last space band holds every other pair.
		last := (ns - 1) * nt
		for c := range nt {
			s := colTotal[c]
			for b := 0; b < ns-1; b++ {
				s -= into[b*nt+c]
			}
			into[last+c] = s
		}
	}
	obs := make([]int64, ns*nt)
	count(days, obs)
	rowTotal := make([]int64, ns)
	for s := range ns {
		for c := range nt {
			rowTotal[s] += obs[s*nt+c]
		}
	}

	sum := make([]int64, ns*nt)
	ge := make([]int64, ns*nt)
	var mu sync.Mutex
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), perms) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := make([]float64, len(days))
			sim := make([]int64, ns*nt)
			lsum := make([]int64, ns*nt)
			lge := make([]int64, ns*nt)
			for {
				p := int(next.Add(1) - 1)
				if p >= perms || ctx.Err() != nil {
					break
				}
				copy(t, days)
				rng := rand.New(rand.NewPCG(opt.Seed, uint64(p)))
				rng.Shuffle(len(t), func(a, b int) { t[a], t[b] = t[b], t[a] })
				count(t, sim)
				for k, v := range sim {
					lsum[k] += v
					if v >= obs[k] {
						lge[k]++
					}
				}
			}
			mu.Lock()
			for k := range sum {
				sum[k] += lsum[k]
				ge[k] += lge[k]
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	res.Cells = make([][]Cell, ns)
	for s := range ns {
		res.Cells[s] = make([]Cell, nt)
		for c := range nt {
			k := s*nt + c
			cell := Cell{
				Observed:      int(obs[k]),
				Expected:      float64(sum[k]) / float64(perms),
				ExpectedExact: float64(rowTotal[s]) * (float64(colTotal[c]) / float64(res.Pairs)),
				P:             float64(ge[k]+1) / float64(perms+1),
				SpaceLabel:    res.SpaceBands[s].Label,
				TimeLabel:     res.TimeBands[c].Label,
			}
			if cell.Expected > 0 {
				cell.Ratio = float64(cell.Observed) / cell.Expected
			}
			res.Cells[s][c] = cell
		}
	}
	return res, nil
}

type pair struct {
	i, j int32
	s    uint8 // space band, 0 = same location
}

// closePairs returns the pairs closer than the last finite space edge
// (or at distance 0 if there is none), with their space band.
func closePairs(ctx context.Context, ev []Event, opt Options, sEdges []float64) ([]pair, error) {
	maxD := sEdges[len(sEdges)-1]
	xs := make([]float64, len(ev))
	ys := make([]float64, len(ev))
	var dist func(i, j int) float64
	if opt.LonLat {
		// Index on an equirectangular projection scaled at the largest
		// |latitude|, so that projected distances never exceed
		// great-circle ones by more than the 1% margin below for bands
		// up to a few hundred kilometres.
		c0 := 1.0
		for _, e := range ev {
			c0 = min(c0, math.Cos(e.Y*math.Pi/180))
		}
		c0 = max(c0, 1e-6)
		for i, e := range ev {
			xs[i] = earthRadius * c0 * e.X * math.Pi / 180
			ys[i] = earthRadius * e.Y * math.Pi / 180
		}
		dist = func(i, j int) float64 { return haversine(ev[i].X, ev[i].Y, ev[j].X, ev[j].Y) }
		maxD *= 1.01
	} else {
		for i, e := range ev {
			xs[i], ys[i] = e.X, e.Y
		}
		if opt.Metric == Manhattan {
			dist = func(i, j int) float64 { return math.Abs(xs[i]-xs[j]) + math.Abs(ys[i]-ys[j]) }
		} else {
			dist = func(i, j int) float64 { return math.Hypot(xs[i]-xs[j], ys[i]-ys[j]) }
		}
	}
	cell := maxD
	if !(cell > 0) {
		cell = 1
	}
	// Cells keyed by integer coordinates; events sorted by cell.
	type key struct{ cx, cy int64 }
	idx := map[key][]int32{}
	for i := range ev {
		k := key{int64(math.Floor(xs[i] / cell)), int64(math.Floor(ys[i] / cell))}
		idx[k] = append(idx[k], int32(i))
	}
	var out []pair
	edge := sEdges[len(sEdges)-1]
	n := 0
	for k, members := range idx {
		if n++; n%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		for dx := int64(-1); dx <= 1; dx++ {
			for dy := int64(-1); dy <= 1; dy++ {
				other, ok := idx[key{k.cx + dx, k.cy + dy}]
				if !ok {
					continue
				}
				for _, i := range members {
					for _, j := range other {
						if j <= i {
							continue
						}
						d := dist(int(i), int(j))
						if d == 0 {
							out = append(out, pair{i, j, 0})
						} else if d < edge {
							out = append(out, pair{i, j, uint8(1 + bandOf(d, sEdges))})
						}
					}
				}
			}
		}
	}
	// A fixed order, so that nothing depends on map iteration.
	slices.SortFunc(out, func(a, b pair) int {
		if a.i != b.i {
			return int(a.i - b.i)
		}
		return int(a.j - b.j)
	})
	return out, nil
}

// timeTotals returns the number of pairs in each time band, over all pairs.
func timeTotals(days []float64, edges []float64) []int64 {
	t := slices.Clone(days)
	slices.Sort(t)
	// below[e] = pairs with Δt < edges[e].
	below := make([]int64, len(edges))
	for e, x := range edges {
		if x == 0 {
			continue
		}
		lo := 0
		for j := range t {
			for t[j]-t[lo] >= x {
				lo++
			}
			below[e] += int64(j - lo)
		}
	}
	n := int64(len(t))
	total := n * (n - 1) / 2
	out := make([]int64, len(edges))
	for e := range edges {
		hi := total
		if e+1 < len(edges) {
			hi = below[e+1]
		}
		out[e] = hi - below[e]
	}
	return out
}

// bandOf returns i such that edges[i] ≤ v < edges[i+1], or the last index.
func bandOf(v float64, edges []float64) int {
	i, found := slices.BinarySearch(edges, v)
	if found {
		return i
	}
	return i - 1
}

func timeBand(v float64, edges []float64) int {
	// Few edges: a linear scan is faster than a binary search.
	for i := len(edges) - 1; i > 0; i-- {
		if v >= edges[i] {
			return i
		}
	}
	return 0
}

// dayNumber returns t in days since 1970-01-01 on t's own calendar.
func dayNumber(t time.Time) float64 {
	y, m, d := t.Date()
	civil := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
	h, mi, s := t.Clock()
	frac := (float64(h*3600+mi*60+s) + float64(t.Nanosecond())/1e9) / 86400
	return float64(civil) + frac
}

func haversine(lon1, lat1, lon2, lat2 float64) float64 {
	const rad = math.Pi / 180
	p1, p2 := lat1*rad, lat2*rad
	dp, dl := p2-p1, (lon2-lon1)*rad
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * earthRadius * math.Asin(math.Sqrt(min(a, 1)))
}

// checkEdges checks band edges: at least one, starting at 0, strictly
// increasing, finite except for a last +Inf, at most 250 bands.
func checkEdges(what string, e []float64) error {
	if len(e) == 0 {
		return atalaya.Errorf(atalaya.EINVALID, "no %s band edges: give increasing edges starting at 0, such as 0,100,200", what)
	}
	if len(e) > 250 {
		return atalaya.Errorf(atalaya.EINVALID, "%d %s band edges: at most 250", len(e), what)
	}
	if e[0] != 0 {
		return atalaya.Errorf(atalaya.EINVALID, "%s band edges start at %v: the first edge must be 0", what, e[0])
	}
	for i, v := range e {
		if math.IsNaN(v) || math.IsInf(v, -1) || (math.IsInf(v, 1) && i != len(e)-1) {
			return atalaya.Errorf(atalaya.EINVALID, "%s band edge %d is %v: edges must be finite (only the last may be +Inf)", what, i+1, v)
		}
		if i > 0 && !(v > e[i-1]) {
			return atalaya.Errorf(atalaya.EINVALID, "%s band edges %v then %v: edges must increase", what, e[i-1], v)
		}
	}
	return nil
}

// finiteEdges drops a trailing +Inf.
func finiteEdges(e []float64) []float64 {
	if math.IsInf(e[len(e)-1], 1) {
		return e[:len(e)-1]
	}
	return e
}

// label spells out [lo, hi) for variable v in unit; openLo makes the lower
// bound strict (the band after "same location").
func label(v, unit string, lo, hi float64, openLo bool) string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	if math.IsInf(hi, 1) {
		if openLo {
			return v + " > " + f(lo) + " " + unit
		}
		return v + " ≥ " + f(lo) + " " + unit
	}
	op := " ≤ "
	if openLo {
		op = " < "
	}
	return f(lo) + op + v + " < " + f(hi) + " " + unit
}

// NRCEdges returns the edges that reproduce the counts of the Near Repeat
// Calculator run with the given bandwidth and number of bands: 0,
// bandwidth, 2·bandwidth, … , bands·bandwidth. The NRC labels these bands
// "1 to bandwidth", "bandwidth+1 to 2·bandwidth", … (and in time "0 to
// bandwidth", …) but counts [0, bandwidth), [bandwidth, 2·bandwidth), …;
// with these edges our labels state the intervals the NRC really used.
func NRCEdges(bandwidth float64, bands int) []float64 {
	e := make([]float64, bands+1)
	for i := range e {
		e[i] = float64(i) * bandwidth
	}
	return e
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
