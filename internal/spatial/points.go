package spatial

import (
	"cmp"
	"math"
	"slices"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/geo"
)

// PlanarPoints projects longitude/latitude points to metres with an
// equirectangular projection centred on their mean latitude: x = R·λ·cos φ0,
// y = R·φ. Over a city or a province (a few hundred kilometres) the
// distances are within a fraction of a percent; project with a proper
// local projection for larger extents.
func PlanarPoints(pts []geo.Point) [][2]float64 {
	const r = 6371008.8 * math.Pi / 180
	lat0 := 0.0
	for _, p := range pts {
		lat0 += p.Lat
	}
	if len(pts) > 0 {
		lat0 /= float64(len(pts))
	}
	c := math.Cos(lat0 * math.Pi / 180)
	out := make([][2]float64, len(pts))
	for i, p := range pts {
		out[i] = [2]float64{r * p.Lon * c, r * p.Lat}
	}
	return out
}

// pointGrid is a uniform bucket grid over planar points, for neighbour
// searches in time proportional to the points near the query.
type pointGrid struct {
	pts    [][2]float64
	x0, y0 float64
	cell   float64
	nx, ny int
	start  []int32 // len nx*ny+1; bucket b holds idx[start[b]:start[b+1]]
	idx    []int32
}

// newPointGrid buckets pts into square cells of side cell, capping the
// number of cells at about 4 per point.
func newPointGrid(pts [][2]float64, cell float64) *pointGrid {
	x0, y0 := math.Inf(1), math.Inf(1)
	x1, y1 := math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		x0, y0 = math.Min(x0, p[0]), math.Min(y0, p[1])
		x1, y1 = math.Max(x1, p[0]), math.Max(y1, p[1])
	}
	limit := 4*float64(len(pts)) + 16
	if (x1-x0)/cell*(y1-y0)/cell > limit || math.IsInf(cell, 0) {
		cell = math.Max(math.Sqrt((x1-x0)*(y1-y0)/limit), math.Max(x1-x0, y1-y0)/limit)
	}
	if !(cell > 0) {
		cell = 1
	}
	g := &pointGrid{pts: pts, x0: x0, y0: y0, cell: cell}
	g.nx = int((x1-x0)/cell) + 1
	g.ny = int((y1-y0)/cell) + 1
	g.start = make([]int32, g.nx*g.ny+1)
	for _, p := range pts {
		g.start[g.bucket(p)+1]++
	}
	for b := 0; b < g.nx*g.ny; b++ {
		g.start[b+1] += g.start[b]
	}
	fill := slices.Clone(g.start)
	g.idx = make([]int32, len(pts))
	for i, p := range pts {
		b := g.bucket(p)
		g.idx[fill[b]] = int32(i)
		fill[b]++
	}
	return g
}

func (g *pointGrid) cellOf(p [2]float64) (int, int) {
	cx := min(max(int((p[0]-g.x0)/g.cell), 0), g.nx-1)
	cy := min(max(int((p[1]-g.y0)/g.cell), 0), g.ny-1)
	return cx, cy
}

func (g *pointGrid) bucket(p [2]float64) int {
	cx, cy := g.cellOf(p)
	return cy*g.nx + cx
}

// visitRing calls fn for every point in the cells at Chebyshev distance
// exactly r (in cells) from cell (cx, cy).
func (g *pointGrid) visitRing(cx, cy, r int, fn func(j int32)) {
	for y := cy - r; y <= cy+r; y++ {
		if y < 0 || y >= g.ny {
			continue
		}
		step := 1
		if y != cy-r && y != cy+r {
			step = 2 * r
		}
		for x := cx - r; x <= cx+r; x += max(step, 1) {
			if x >= 0 && x < g.nx {
				b := y*g.nx + x
				for _, j := range g.idx[g.start[b]:g.start[b+1]] {
					fn(j)
				}
			}
		}
	}
}

func checkPoints(pts [][2]float64) error {
	if len(pts) < 2 {
		return atalaya.Errorf(atalaya.EINVALID, "%d points; at least 2 are needed", len(pts))
	}
	for i, p := range pts {
		for _, v := range p {
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > maxMagnitude {
				return atalaya.Errorf(atalaya.EINVALID, "point %d has a coordinate that is not a finite number within ±1e70", i)
			}
		}
	}
	return nil
}

func dist2(a, b [2]float64) float64 {
	dx, dy := a[0]-b[0], a[1]-b[1]
	return dx*dx + dy*dy
}

// DistanceBand returns binary weights linking every pair of planar points
// at Euclidean distance at most d (the threshold is inclusive, as in
// libpysal's DistanceBand and spdep's dnearneigh with d1 = 0). Points
// without a neighbour within d are islands. The search uses a bucket grid,
// so the cost grows with the number of links, not with n².
func DistanceBand(pts [][2]float64, d float64) (*Weights, error) {
	if err := checkPoints(pts); err != nil {
		return nil, err
	}
	if !(d > 0) || math.IsInf(d, 0) {
		return nil, atalaya.Errorf(atalaya.EINVALID, "the distance threshold must be a positive number, not %v", d)
	}
	g := newPointGrid(pts, d)
	reach := int(math.Ceil(d / g.cell))
	d2 := d * d
	rows := make([][]int32, len(pts))
	for i, p := range pts {
		cx, cy := g.cellOf(p)
		for r := 0; r <= reach; r++ {
			g.visitRing(cx, cy, r, func(j int32) {
				if int(j) != i && dist2(p, pts[j]) <= d2 {
					rows[i] = append(rows[i], j)
				}
			})
		}
	}
	return fromRows(rows), nil
}

// KNearest returns binary weights linking each planar point to its k
// nearest other points (not symmetric in general), as libpysal's KNN and
// spdep's knearneigh. Ties in distance are broken by the lower index.
func KNearest(pts [][2]float64, k int) (*Weights, error) {
	if err := checkPoints(pts); err != nil {
		return nil, err
	}
	if k < 1 || k >= len(pts) {
		return nil, atalaya.Errorf(atalaya.EINVALID, "k must be between 1 and %d (the number of points minus one), not %d", len(pts)-1, k)
	}
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		x0, y0 = math.Min(x0, p[0]), math.Min(y0, p[1])
		x1, y1 = math.Max(x1, p[0]), math.Max(y1, p[1])
	}
	// Cells holding about k points each on average.
	cell := math.Sqrt((x1 - x0) * (y1 - y0) * float64(k) / float64(len(pts)))
	if !(cell > 0) {
		cell = math.Max(x1-x0, y1-y0) * float64(k) / float64(len(pts))
	}
	g := newPointGrid(pts, cell)
	rows := make([][]int32, len(pts))
	var best []cand
	for i, p := range pts {
		best = best[:0]
		cx, cy := g.cellOf(p)
		for r := 0; ; r++ {
			if r > g.nx && r > g.ny {
				break
			}
			g.visitRing(cx, cy, r, func(j int32) {
				if int(j) != i {
					best = append(best, cand{dist2(p, pts[j]), j})
				}
			})
			// Every point not yet seen is farther than r cells from p's
			// cell, so at least r·cell from p.
			if len(best) >= k {
				slices.SortFunc(best, func(a, b cand) int {
					if c := cmp.Compare(a.d2, b.d2); c != 0 {
						return c
					}
					return cmp.Compare(a.j, b.j)
				})
				best = best[:max(k, lastTie(best, k))]
				bound := float64(r) * g.cell
				if best[k-1].d2 < bound*bound {
					break
				}
			}
		}
		for _, c := range best[:k] {
			rows[i] = append(rows[i], c.j)
		}
	}
	return fromRows(rows), nil
}

// cand is a candidate neighbour and its squared distance.
type cand struct {
	d2 float64
	j  int32
}

// lastTie returns the length of the prefix of sorted best that keeps every
// candidate tied with the k-th, so that pruning never drops a tie that a
// lower index would win.
func lastTie(best []cand, k int) int {
	n := k
	for n < len(best) && best[n].d2 == best[k-1].d2 {
		n++
	}
	return n
}
