package geo

import (
	"math"

	"github.com/oas-atalaya/atalaya"
)

// Locate returns the code of the shape containing p; ok is false when no
// shape contains it (or p is not finite). Holes are outside their shape. A
// point exactly on an edge may be given to either side of it (a shape, a
// neighbour, or none on an outer boundary), always the same one.
func (ix *Index) Locate(p Point) (code string, ok bool) {
	if s := ix.locate(p.Lon, p.Lat); s != noShape {
		return ix.codes[s], true
	}
	return "", false
}

// locate returns the index of the first shape containing (x, y), or noShape.
func (ix *Index) locate(x, y float64) int32 {
	fx, fy := (x-ix.minX)*ix.invW, (y-ix.minY)*ix.invH
	if !(fx >= 0 && fx < float64(ix.nx) && fy >= 0 && fy < float64(ix.ny)) {
		return noShape // outside the grid, or NaN
	}
	v := ix.cells[int(fy)*ix.nx+int(fx)]
	if v > mixedBase {
		return v
	}
	m := &ix.mixed[mixedBase-v]
	for _, g := range ix.groups[m.g0:m.g1] {
		if m.owner != noShape && g.shape > m.owner {
			break // groups ascend: none can come before the owner
		}
		if g.inside != oddCrossings(x, y, m.rx, m.ry, ix.segs[g.s0:g.s1]) {
			return g.shape
		}
	}
	return m.owner
}

// oddCrossings reports whether an odd number of segs cross the segment from
// (px, py) to (rx, ry).
//
// Each vertex is put on one side of the line through the two points (ties
// go left) by the same computation in both of its edges, so a ring that
// touches the line counts zero or two crossings, never one. Only the
// within-the-segment test can err, and only for an edge passing within
// rounding distance of p (a point on the boundary, where either answer will
// do) or of r (which chooseRef keeps away from every edge).
func oddCrossings(px, py, rx, ry float64, segs []seg) bool {
	dx, dy := rx-px, ry-py
	odd := false
	for i := range segs {
		s := &segs[i]
		if left(dx, dy, s.ax-px, s.ay-py) == left(dx, dy, s.bx-px, s.by-py) {
			continue
		}
		ex, ey := s.bx-s.ax, s.by-s.ay
		if left(ex, ey, px-s.ax, py-s.ay) != left(ex, ey, rx-s.ax, ry-s.ay) {
			odd = !odd
		}
	}
	return odd
}

// left reports whether (x, y) is left of or on the direction (dx, dy). The
// conversions forbid fused multiply-adds, which could give one vertex
// different sides in its two edges.
func left(dx, dy, x, y float64) bool {
	return float64(dx*y)-float64(dy*x) >= 0
}

// Nearest returns the shape whose boundary is closest to p and the
// great-circle distance in metres to the closest point of that boundary,
// if it is at most maxMeters; ok is false otherwise. It looks only at
// boundaries, so for a point inside a shape it may name a neighbour (use
// Place to prefer containment). Distances are found in an equirectangular
// projection centred on p, accurate to well under 1 % within 50 km; the
// search does not wrap around the antimeridian. Ties go to the earliest
// shape.
func (ix *Index) Nearest(p Point, maxMeters float64) (code string, meters float64, ok bool) {
	if ix.nx == 0 || !finite(p) || !(maxMeters >= 0) || math.Abs(p.Lat) > 90 {
		return "", 0, false
	}
	n := nearest{ix: ix, p: p, ky: metersPerDegree, shape: noShape, d2: math.Inf(1)}
	n.kx = n.ky * math.Cos(p.Lat*math.Pi/180)
	dLat, dLon := maxMeters/n.ky, 360.0
	if n.kx > 1e-9 {
		dLon = math.Min(dLon, maxMeters/n.kx)
	}
	if p.Lon+dLon < ix.minX || p.Lon-dLon > ix.minX+float64(ix.nx)*ix.cellW ||
		p.Lat+dLat < ix.minY || p.Lat-dLat > ix.minY+float64(ix.ny)*ix.cellH {
		return "", 0, false
	}
	n.i0, n.i1 = ix.col(p.Lon-dLon), ix.col(p.Lon+dLon)
	n.j0, n.j1 = ix.row(p.Lat-dLat), ix.row(p.Lat+dLat)
	ci, cj := ix.col(p.Lon), ix.row(p.Lat)
	// Every cell of ring r (cells r steps from (ci, cj), the cell of p or
	// the nearest one to it) is at least r-1 cell sizes away from p.
	step := math.Min(ix.cellW*n.kx, ix.cellH*n.ky)
	for r := 0; ci-r >= n.i0 || ci+r <= n.i1 || cj-r >= n.j0 || cj+r <= n.j1; r++ {
		if lb := float64(r-1) * step; lb > 0 && lb*lb >= n.d2 {
			break
		}
		// The ring's bottom and top rows, then its left and right columns,
		// clipped to the search box.
		for _, j := range [2]int{cj - r, cj + r} {
			if j >= n.j0 && j <= n.j1 {
				for i := max(ci-r, n.i0); i <= min(ci+r, n.i1); i++ {
					n.visit(i, j)
				}
			}
			if r == 0 {
				break
			}
		}
		for _, i := range [2]int{ci - r, ci + r} {
			if r > 0 && i >= n.i0 && i <= n.i1 {
				for j := max(cj-r+1, n.j0); j <= min(cj+r-1, n.j1); j++ {
					n.visit(i, j)
				}
			}
		}
	}
	if n.shape == noShape {
		return "", 0, false
	}
	meters = HaversineMeters(p, n.q)
	if meters > maxMeters {
		return "", 0, false
	}
	return ix.codes[n.shape], meters, true
}

// nearest is the state of one Nearest search.
type nearest struct {
	ix             *Index
	p              Point
	kx, ky         float64 // metres per degree of longitude and latitude at p
	i0, i1, j0, j1 int     // the cells to search
	shape          int32   // best so far, or noShape
	d2             float64 // its squared projected distance in metres
	q              Point   // its closest boundary point
}

// visit measures the edges of cell (i, j).
func (n *nearest) visit(i, j int) {
	v := n.ix.cells[j*n.ix.nx+i]
	if v > mixedBase {
		return
	}
	m := &n.ix.mixed[mixedBase-v]
	for _, g := range n.ix.groups[m.g0:m.g1] {
		for _, s := range n.ix.segs[g.s0:g.s1] {
			ax, ay := (s.ax-n.p.Lon)*n.kx, (s.ay-n.p.Lat)*n.ky
			ex, ey := (s.bx-s.ax)*n.kx, (s.by-s.ay)*n.ky
			t := 0.0
			if l2 := ex*ex + ey*ey; l2 > 0 {
				t = min(max(-(ax*ex+ay*ey)/l2, 0), 1)
			}
			cx, cy := ax+t*ex, ay+t*ey
			d2 := cx*cx + cy*cy
			if d2 < n.d2 || d2 == n.d2 && g.shape < n.shape {
				n.shape, n.d2 = g.shape, d2
				n.q = Point{s.ax + t*(s.bx-s.ax), s.ay + t*(s.by-s.ay)}
			}
		}
	}
}

// Place puts p in an area: the shape containing it (how is
// atalaya.PlacedByPoint, meters 0), or else the shape whose boundary is
// within toleranceMeters of it (atalaya.PlacedByNearest, with the distance).
// ok is false when neither applies.
func (ix *Index) Place(p Point, toleranceMeters float64) (code string, meters float64, how atalaya.Placement, ok bool) {
	if code, ok := ix.Locate(p); ok {
		return code, 0, atalaya.PlacedByPoint, true
	}
	if code, meters, ok := ix.Nearest(p, toleranceMeters); ok {
		return code, meters, atalaya.PlacedByNearest, true
	}
	return "", 0, "", false
}
