package spatial

import (
	"math"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/geo"
)

// Contiguity returns binary contiguity weights between areas: with queen
// set, two areas are neighbours when their boundaries share at least one
// vertex; otherwise (rook) when they share an edge, two consecutive
// vertices of a ring. This is libpysal's Queen and Rook and spdep's
// poly2nb (queen = TRUE/FALSE).
//
// Vertices closer than a tolerance are the same vertex, so that the tiny
// differences left by format conversions do not break a link. The
// tolerance is 1e-9 times the largest side of the bounding box of all
// areas; use ContiguityTol to choose it.
func Contiguity(polys []geo.MultiPolygon, queen bool) (*Weights, error) {
	lo, hi := bounds(polys)
	tol := 1e-9 * math.Max(math.Max(hi.Lon-lo.Lon, hi.Lat-lo.Lat), 1e-300)
	return ContiguityTol(polys, queen, tol)
}

// ContiguityTol is Contiguity with an explicit tolerance in coordinate
// units: vertices within tol of each other (in both coordinates) are
// treated as one.
func ContiguityTol(polys []geo.MultiPolygon, queen bool, tol float64) (*Weights, error) {
	if len(polys) == 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "no areas given")
	}
	if !(tol > 0) || math.IsInf(tol, 0) {
		return nil, atalaya.Errorf(atalaya.EINVALID, "the tolerance must be a positive number, not %v", tol)
	}
	snap := newSnapper(tol)
	// vertexAreas[v] and edgeAreas[e]: the areas touching a snapped vertex
	// or edge, without repeats.
	vertexAreas := map[int32][]int32{}
	edgeAreas := map[[2]int32][]int32{}
	add := func(list []int32, a int32) []int32 {
		if len(list) > 0 && list[len(list)-1] == a {
			return list
		}
		return append(list, a)
	}
	for a, mp := range polys {
		area := int32(a)
		for _, poly := range mp {
			for _, ring := range poly {
				prev := int32(-1)
				for _, p := range ring {
					if math.IsNaN(p.Lon) || math.IsNaN(p.Lat) || math.IsInf(p.Lon, 0) || math.IsInf(p.Lat, 0) {
						return nil, atalaya.Errorf(atalaya.EINVALID, "area %d has a coordinate that is not a finite number", a)
					}
					v := snap.id(p)
					if queen {
						vertexAreas[v] = add(vertexAreas[v], area)
					} else if prev >= 0 && prev != v {
						e := [2]int32{min(prev, v), max(prev, v)}
						edgeAreas[e] = add(edgeAreas[e], area)
					}
					prev = v
				}
			}
		}
	}
	rows := make([][]int32, len(polys))
	link := func(list []int32) {
		for x := 0; x < len(list); x++ {
			for y := 0; y < len(list); y++ {
				if list[x] != list[y] {
					rows[list[x]] = append(rows[list[x]], list[y])
				}
			}
		}
	}
	for _, l := range vertexAreas {
		link(l)
	}
	for _, l := range edgeAreas {
		link(l)
	}
	return fromRows(rows), nil
}

// bounds returns the bounding box of every position of polys.
func bounds(polys []geo.MultiPolygon) (lo, hi geo.Point) {
	lo = geo.Point{Lon: math.Inf(1), Lat: math.Inf(1)}
	hi = geo.Point{Lon: math.Inf(-1), Lat: math.Inf(-1)}
	for _, mp := range polys {
		a, b := mp.BBox()
		if len(mp) == 0 {
			continue
		}
		lo.Lon, lo.Lat = math.Min(lo.Lon, a.Lon), math.Min(lo.Lat, a.Lat)
		hi.Lon, hi.Lat = math.Max(hi.Lon, b.Lon), math.Max(hi.Lat, b.Lat)
	}
	if lo.Lon > hi.Lon {
		return geo.Point{}, geo.Point{}
	}
	return lo, hi
}

// snapper gives the same id to positions within tol of each other: the
// first position seen in a neighbourhood becomes its representative, and
// later positions look for one in the 3×3 block of tol-sized cells around
// them, so that two nearby values on either side of a cell boundary still
// meet.
type snapper struct {
	tol   float64
	cells map[[2]int64][]int32
	reps  []geo.Point
}

func newSnapper(tol float64) *snapper {
	return &snapper{tol: tol, cells: map[[2]int64][]int32{}}
}

// id returns the representative id of p.
func (s *snapper) id(p geo.Point) int32 {
	cx, cy := int64(math.Floor(p.Lon/s.tol)), int64(math.Floor(p.Lat/s.tol))
	for dx := int64(-1); dx <= 1; dx++ {
		for dy := int64(-1); dy <= 1; dy++ {
			for _, r := range s.cells[[2]int64{cx + dx, cy + dy}] {
				q := s.reps[r]
				if math.Abs(q.Lon-p.Lon) <= s.tol && math.Abs(q.Lat-p.Lat) <= s.tol {
					return r
				}
			}
		}
	}
	r := int32(len(s.reps))
	s.reps = append(s.reps, p)
	key := [2]int64{cx, cy}
	s.cells[key] = append(s.cells[key], r)
	return r
}
