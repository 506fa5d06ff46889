package analysis

import (
	"context"
	"math"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/density"
	"github.com/oas-atalaya/atalaya/internal/nearrepeat"
	"github.com/oas-atalaya/atalaya/internal/spatial"
)

// PointQuery selects geolocated records of a source for the point
// methods: kernel density, near repeats, nearest-neighbour index.
type PointQuery struct {
	Source   string
	ICCS     string // this code and its descendants; "" for all
	From, To string // YYYY-MM-DD bounds of the occurrence date; "" for none
	// Max bounds how many records are read (0 means 1,000,000).
	Max int
}

// Points is a set of records as planar points: metres east and north of
// the mean position (an equirectangular projection, fine within a city
// or a province), with their dates.
type Points struct {
	XY         [][2]float64
	Dates      []time.Time
	Lat0, Lon0 float64 // the origin
	Skipped    int     // records without a point or a date
	Bounds     [4]float64
}

// Points reads the geolocated records q selects. They are record-level
// data: only restricted routes may call it.
func (n *Node) Points(ctx context.Context, q PointQuery) (*Points, error) {
	if q.Max == 0 {
		q.Max = 1_000_000
	}
	type pt struct {
		lat, lon float64
		t        time.Time
	}
	var pts []pt
	skipped := 0
	err := n.Store.Records(ctx, atalaya.RecordFilter{Source: q.Source, ICCS: q.ICCS}, func(r atalaya.Record) error {
		if len(pts) >= q.Max {
			return nil
		}
		d, err := time.Parse(time.DateOnly, r.Date)
		if !r.HasPoint || err != nil || q.From != "" && r.Date < q.From || q.To != "" && r.Date > q.To {
			skipped++
			return nil
		}
		pts = append(pts, pt{r.Lat, r.Lon, d})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(pts) < 3 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "only %d geolocated records of source %q%s: point analyses need at least 3", len(pts), q.Source, iccsNote(q.ICCS))
	}
	out := &Points{Skipped: skipped}
	for _, p := range pts {
		out.Lat0 += p.lat / float64(len(pts))
		out.Lon0 += p.lon / float64(len(pts))
	}
	const r = 6371008.8
	k := math.Cos(out.Lat0 * math.Pi / 180)
	out.Bounds = [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range pts {
		x := (p.lon - out.Lon0) * math.Pi / 180 * r * k
		y := (p.lat - out.Lat0) * math.Pi / 180 * r
		out.XY = append(out.XY, [2]float64{x, y})
		out.Dates = append(out.Dates, p.t)
		out.Bounds = [4]float64{math.Min(out.Bounds[0], x), math.Min(out.Bounds[1], y), math.Max(out.Bounds[2], x), math.Max(out.Bounds[3], y)}
	}
	return out, nil
}

func iccsNote(iccs string) string {
	if iccs == "" {
		return ""
	}
	return " in ICCS " + iccs
}

// PointSummary is what the point page shows besides the surface.
type PointSummary struct {
	N         int                `json:"n"`
	Skipped   int                `json:"skipped"`
	Bandwidth float64            `json:"bandwidth_m"`
	CellSize  float64            `json:"cell_m"`
	NNI       spatial.NNI        `json:"nearest_neighbour"`
	Knox      *nearrepeat.Result `json:"near_repeat"`
}

// Density estimates a quartic kernel surface of the points (bandwidth by
// the ArcGIS rule unless given, cells of a fifth of the bandwidth).
func Density(ctx context.Context, p *Points, bandwidth float64) (*density.Grid, error) {
	if bandwidth == 0 {
		b, err := density.Bandwidth(p.XY, "arcgis")
		if err != nil {
			return nil, err
		}
		bandwidth = b
	}
	cell := math.Max(bandwidth/5, 10)
	for (p.Bounds[2]-p.Bounds[0]+2*bandwidth)/cell*(p.Bounds[3]-p.Bounds[1]+2*bandwidth)/cell > 1e6 {
		cell *= 1.5
	}
	return density.Estimate(ctx, p.XY, density.Options{Kernel: density.Quartic, Bandwidth: bandwidth, CellSize: cell})
}

// Summary computes the nearest-neighbour index over the points' bounding
// box and the Knox near-repeat test with the given bands (metres, days).
func Summary(ctx context.Context, p *Points, space, days []float64, perms int, seed uint64) (*PointSummary, error) {
	s := &PointSummary{N: len(p.XY), Skipped: p.Skipped}
	area := (p.Bounds[2] - p.Bounds[0]) * (p.Bounds[3] - p.Bounds[1])
	if area > 0 {
		nni, err := spatial.NearestNeighbourIndex(p.XY, area)
		if err != nil && !strings.Contains(err.Error(), "identical") {
			return nil, err
		}
		s.NNI = nni
	}
	ev := make([]nearrepeat.Event, len(p.XY))
	for i, xy := range p.XY {
		ev[i] = nearrepeat.Event{X: xy[0], Y: xy[1], T: p.Dates[i]}
	}
	k, err := nearrepeat.Knox(ctx, ev, nearrepeat.Options{SpaceBands: space, TimeBands: days, Permutations: perms, Seed: seed})
	if err != nil {
		return nil, err
	}
	s.Knox = k
	return s, nil
}
