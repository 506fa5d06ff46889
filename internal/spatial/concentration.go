package spatial

import (
	"math"
	"slices"

	"github.com/oas-atalaya/atalaya"
)

// NNI is the Clark–Evans nearest-neighbour index of a point pattern.
type NNI struct {
	// N is the number of points and Area the study area they were
	// compared with, in squared coordinate units; the index is very
	// sensitive to it, so report it with the result.
	N    int
	Area float64
	// Observed is the mean distance from each point to its nearest
	// neighbour; Expected = 0.5/√(N/Area), its value under complete
	// spatial randomness.
	Observed, Expected float64
	// Ratio is Observed/Expected: below 1 clustered, above 1 dispersed.
	Ratio float64
	// SE = 0.26136/√(N²/Area); Z = (Observed − Expected)/SE; P is the
	// two-sided normal p-value. No edge correction is applied, as in
	// ArcGIS's Average Nearest Neighbor and spatstat's
	// clarkevans(correction = "none").
	SE, Z, P float64
}

// NearestNeighbourIndex computes the Clark–Evans index of planar points
// (project longitude/latitude first, see PlanarPoints) in a study area of
// the given size.
func NearestNeighbourIndex(pts [][2]float64, area float64) (NNI, error) {
	if !(area > 0) || math.IsInf(area, 0) {
		return NNI{}, atalaya.Errorf(atalaya.EINVALID, "the study area must be a positive number, not %v", area)
	}
	w, err := KNearest(pts, 1)
	if err != nil {
		return NNI{}, err
	}
	n := float64(len(pts))
	sum := 0.0
	for i, p := range pts {
		nb, _ := w.Neighbours(i)
		sum += math.Sqrt(dist2(p, pts[nb[0]]))
	}
	r := NNI{N: len(pts), Area: area, Observed: sum / n, Expected: 0.5 / math.Sqrt(n/area)}
	r.Ratio = r.Observed / r.Expected
	r.SE = 0.26136 / math.Sqrt(n*n/area)
	r.Z = (r.Observed - r.Expected) / r.SE
	r.P = twoSided(r.Z)
	return r, nil
}

// ConcentrationStats describes how unevenly events fall on places.
type ConcentrationStats struct {
	// N is the number of places and Total the number of events.
	N     int
	Total float64
	// TopPlaces is the share of places asked for (say 0.05) and TopEvents
	// the share of all events in that share of the places with the most
	// events, read off the Lorenz curve (a fractional place counts
	// pro rata).
	TopPlaces, TopEvents float64
	// Places25 and Places50 are the smallest shares of places (the
	// places with most events first) holding at least 25 % and 50 % of
	// the events, as in Weisburd (2015).
	Places25, Places50 float64
	// Gini is the ordinary Gini coefficient (DescTools::Gini with
	// unbiased = FALSE); GiniGeneralised is Bernasco & Steenbeek's (2017)
	// generalised Gini, max(1, N/Total)·(Gini − 1) + 1, which measures
	// concentration against the most even spread possible when there are
	// fewer events than places (lorenzgini::gini, unbiased = FALSE).
	Gini, GiniGeneralised float64
	// Lorenz holds the N+1 points of the Lorenz curve, places sorted from
	// fewest to most events: Lorenz[k] = {k/N, share of events in those k
	// places}.
	Lorenz [][2]float64
}

// Concentration computes crime concentration measures of the
// non-negative event counts per place (for example street segments or
// grid cells, including those with no events), with topShare the share of
// places for TopEvents, in (0, 1].
func Concentration(counts []float64, topShare float64) (ConcentrationStats, error) {
	if len(counts) == 0 {
		return ConcentrationStats{}, atalaya.Errorf(atalaya.EINVALID, "no places given")
	}
	if !(topShare > 0 && topShare <= 1) {
		return ConcentrationStats{}, atalaya.Errorf(atalaya.EINVALID, "the top share of places must be in (0, 1], not %v", topShare)
	}
	if err := checkFinite("counts", counts); err != nil {
		return ConcentrationStats{}, err
	}
	asc := slices.Clone(counts)
	total := 0.0
	for i, v := range asc {
		if v < 0 {
			return ConcentrationStats{}, atalaya.Errorf(atalaya.EINVALID, "counts[%d] is %v; counts cannot be negative", i, v)
		}
		total += v
	}
	if total == 0 {
		return ConcentrationStats{}, atalaya.Errorf(atalaya.EINVALID, "there are no events; concentration is undefined")
	}
	slices.Sort(asc)
	n := len(asc)
	nf := float64(n)
	c := ConcentrationStats{N: n, Total: total, TopPlaces: topShare, Lorenz: make([][2]float64, n+1)}
	cum, weighted := 0.0, 0.0
	for k, v := range asc {
		cum += v
		weighted += float64(k+1) * v
		c.Lorenz[k+1] = [2]float64{float64(k+1) / nf, cum / total}
	}
	c.Lorenz[n][1] = 1
	c.Gini = 2*weighted/(nf*total) - (nf+1)/nf
	c.GiniGeneralised = math.Max(1, nf/total)*(c.Gini-1) + 1
	// Top places: the complement of the Lorenz curve at 1 − topShare,
	// interpolated linearly between places.
	pos := (1 - topShare) * nf
	k := int(math.Floor(pos))
	below := c.Lorenz[k][1]
	if k < n {
		below += (pos - float64(k)) * (c.Lorenz[k+1][1] - c.Lorenz[k][1])
	}
	c.TopEvents = 1 - below
	c.Places25 = placesFor(asc, total, 0.25)
	c.Places50 = placesFor(asc, total, 0.5)
	return c, nil
}

// placesFor returns the smallest share of places, largest counts first,
// whose events reach share of the total.
func placesFor(asc []float64, total, share float64) float64 {
	cum := 0.0
	for m := 1; m <= len(asc); m++ {
		cum += asc[len(asc)-m]
		if cum >= share*total*(1-1e-12) {
			return float64(m) / float64(len(asc))
		}
	}
	return 1
}
