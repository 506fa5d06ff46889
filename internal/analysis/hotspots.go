package analysis

import (
	"context"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/geo"
	"github.com/oas-atalaya/atalaya/internal/spatial"
)

// HotspotQuery asks for the hot and cold spots of an indicator among the
// sub-areas of an area in one period.
type HotspotQuery struct {
	Indicator    string
	Parent       string // the area whose direct sub-areas are the units
	Period       string // YYYY
	Public       bool   // published figures only (after disclosure control)
	Rook         bool   // rook contiguity instead of queen
	Permutations int    // 0 means 999
	Seed         uint64 // 0 means 1
	FDR          float64
}

// HotspotUnit is one sub-area's statistics.
type HotspotUnit struct {
	Unit
	EBRate     float64          `json:"eb_rate"`    // empirical-Bayes smoothed rate (Marshall's global estimator)
	Neighbours int              `json:"neighbours"` // contiguous units with values
	GiZ        float64          `json:"gi_z"`       // Getis–Ord Gi* z-score (binary weights, self included)
	GiP        float64          `json:"gi_p"`       // its normal p-value
	GiPSim     float64          `json:"gi_p_sim"`   // conditional-permutation pseudo p-value
	GiCluster  string           `json:"gi_cluster"` // hot, cold or ""
	Ii         float64          `json:"local_moran"`
	IiZ        float64          `json:"local_moran_z"`
	IiPSim     float64          `json:"local_moran_p_sim"`
	Quadrant   string           `json:"quadrant"` // HH, LH, LL, HL
	Cluster    string           `json:"cluster"`  // the quadrant when significant, else ""
	Geometry   geo.MultiPolygon `json:"-"`
}

// HotspotResult is the answer to a HotspotQuery.
type HotspotResult struct {
	Query      HotspotQuery      `json:"query"`
	Units      []HotspotUnit     `json:"units"`
	Missing    []Unit            `json:"missing"` // sub-areas without a usable value (suppressed, not available)
	Moran      spatial.Global    `json:"moran"`   // global Moran's I of the rates (row-standardised weights)
	Names      map[string]string `json:"-"`
	Multiplier int64             `json:"multiplier"`
}

// Hotspots computes Getis–Ord Gi* (binary contiguity weights, the unit
// itself included) and Local Moran's I (row-standardised contiguity
// weights) of the indicator's rate across the sub-areas of q.Parent,
// with conditional-permutation pseudo p-values and, when q.FDR > 0, the
// Benjamini–Hochberg correction; and empirical-Bayes smoothed rates.
// Sub-areas without a usable value are left out of the weights and
// listed in Missing.
func (n *Node) Hotspots(ctx context.Context, q HotspotQuery) (*HotspotResult, error) {
	if q.Permutations == 0 {
		q.Permutations = 999
	}
	if q.Seed == 0 {
		q.Seed = 1
	}
	if !atalaya.ValidPeriod(q.Period) || len(q.Period) != 4 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "period %q: give a year (YYYY)", q.Period)
	}
	kids, err := n.children(ctx, q.Parent)
	if err != nil {
		return nil, err
	}
	codes := make([]string, len(kids))
	for i, a := range kids {
		codes[i] = a.Code
	}
	vals, names, err := n.panel(ctx, q.Indicator, codes, q.Period, q.Period, q.Public)
	if err != nil {
		return nil, err
	}
	res := &HotspotResult{Query: q, Names: names, Missing: []Unit{}}
	var polys []geo.MultiPolygon
	for _, a := range kids {
		v := vals[a.Code][q.Period]
		u := Unit{Area: a.Code, Name: a.Name}
		if nm := names[a.Code]; nm != "" {
			u.Name = nm
		}
		if !usable(v) {
			res.Missing = append(res.Missing, u)
			continue
		}
		g, err := n.geometry(ctx, a.Code)
		if err != nil {
			return nil, err
		}
		if g == nil {
			res.Missing = append(res.Missing, u)
			continue
		}
		u.Count, u.Denominator, u.Rate = *v.Count, *v.Denominator, *v.Rate
		res.Multiplier = v.Multiplier
		res.Units = append(res.Units, HotspotUnit{Unit: u, Geometry: g})
		polys = append(polys, g)
	}
	if len(res.Units) < 5 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "only %d sub-areas of %s have a value of %s in %s: hot spots need at least 5", len(res.Units), q.Parent, q.Indicator, q.Period)
	}
	if res.Multiplier == 0 {
		res.Multiplier = 1
	}
	w, err := spatial.Contiguity(polys, !q.Rook)
	if err != nil {
		return nil, err
	}
	x := make([]float64, len(res.Units))
	ev := make([]float64, len(res.Units))
	pop := make([]float64, len(res.Units))
	for i, u := range res.Units {
		x[i], ev[i], pop[i] = u.Rate, float64(u.Count), float64(u.Denominator)
	}
	opt := spatial.Options{Star: true, Permutations: q.Permutations, Seed: q.Seed, FDR: q.FDR}
	gi, err := spatial.GetisOrd(x, w, opt)
	if err != nil {
		return nil, err
	}
	rw := w.RowStandardise()
	lm, err := spatial.LocalMoran(x, rw, opt)
	if err != nil {
		return nil, err
	}
	if res.Moran, err = spatial.GlobalMoran(x, rw, q.Permutations, q.Seed); err != nil {
		return nil, err
	}
	eb, err := spatial.EmpiricalBayes(ev, pop)
	if err != nil {
		return nil, err
	}
	for i := range res.Units {
		u := &res.Units[i]
		u.Neighbours = w.Cardinality(i)
		u.GiZ, u.GiP, u.GiCluster = gi.Z[i], gi.P[i], gi.Cluster[i]
		if gi.PSim != nil {
			u.GiPSim = gi.PSim[i]
		}
		u.Ii, u.IiZ, u.Quadrant, u.Cluster = lm.Stat[i], lm.Z[i], lm.Quadrant[i], lm.Cluster[i]
		if lm.PSim != nil {
			u.IiPSim = lm.PSim[i]
		}
		u.EBRate = eb[i] * float64(res.Multiplier)
	}
	return res, nil
}
