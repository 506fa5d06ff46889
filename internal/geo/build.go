package geo

import (
	"cmp"
	"math"
	"slices"
)

// edge is a seg while building, with its shape.
type edge struct {
	seg
	shape int32
}

// collectEdges lists every non-degenerate edge of every ring, shape by
// shape, and their bounding box.
func collectEdges(shapes []Shape) (edges []edge, lo, hi Point) {
	lo = Point{math.Inf(1), math.Inf(1)}
	hi = Point{math.Inf(-1), math.Inf(-1)}
	for si, s := range shapes {
		for _, poly := range s.Geometry {
			for _, ring := range poly {
				n := len(ring)
				if n > 1 && ring[0] == ring[n-1] {
					n-- // closed: the edge back to ring[0] comes from the wrap below
				}
				for k := 0; k < n && n >= 3; k++ {
					a, b := ring[k], ring[(k+1)%n]
					if a == b || !finite(a) || !finite(b) {
						continue
					}
					edges = append(edges, edge{seg{a.Lon, a.Lat, b.Lon, b.Lat}, int32(si)})
					lo = Point{math.Min(lo.Lon, math.Min(a.Lon, b.Lon)), math.Min(lo.Lat, math.Min(a.Lat, b.Lat))}
					hi = Point{math.Max(hi.Lon, math.Max(a.Lon, b.Lon)), math.Max(hi.Lat, math.Max(a.Lat, b.Lat))}
				}
			}
		}
	}
	return edges, lo, hi
}

// builder holds the scratch state of NewIndex.
type builder struct {
	ix      *Index
	edges   []edge
	margin  float64
	nshapes int

	rowEdges [][]int32 // per row: edges whose latitude range meets the row
	start    []int32   // per cell: cellEdges[start[c]:start[c+1]]
	cellEdge []int32   // edge indexes, cell by cell, ascending within a cell

	parity []bool  // per shape: scratch for even-odd tests
	stamp  []int32 // per shape: gen when the shape has edges in the current cell
	gen    int32
}

// bucket assigns each edge to the rows and cells it comes within margin of.
func (b *builder) bucket() {
	ix, m := b.ix, b.margin
	b.rowEdges = make([][]int32, ix.ny)
	b.start = make([]int32, ix.nx*ix.ny+1)
	var pairs [][2]int32 // cell, edge
	for k, e := range b.edges {
		ylo, yhi := math.Min(e.ay, e.by), math.Max(e.ay, e.by)
		for j := ix.row(ylo - m); j <= ix.row(yhi+m); j++ {
			b.rowEdges[j] = append(b.rowEdges[j], int32(k))
			// The part of the edge within the row's band, widened by m.
			y0 := ix.minY + float64(j)*ix.cellH - m
			x0, x1 := e.ax, e.bx
			if e.ay != e.by {
				x0, x1 = e.xAt(min(max(y0, ylo), yhi)), e.xAt(min(max(y0+ix.cellH+2*m, ylo), yhi))
			}
			if x0 > x1 {
				x0, x1 = x1, x0
			}
			for i := ix.col(x0 - m); i <= ix.col(x1+m); i++ {
				c := j*ix.nx + i
				pairs = append(pairs, [2]int32{int32(c), int32(k)})
				b.start[c+1]++
			}
		}
	}
	for c := 1; c < len(b.start); c++ {
		b.start[c] += b.start[c-1]
	}
	next := slices.Clone(b.start[:len(b.start)-1])
	b.cellEdge = make([]int32, len(pairs))
	for _, p := range pairs { // stable: edges stay ascending within a cell
		b.cellEdge[next[p[0]]] = p[1]
		next[p[0]]++
	}
}

// xAt returns the longitude of the edge's line at latitude y; the edge must
// not be horizontal.
func (s seg) xAt(y float64) float64 {
	return s.ax + (y-s.ay)*(s.bx-s.ax)/(s.by-s.ay)
}

// crossing is where an edge of shape crosses a row's centre line.
type crossing struct {
	x     float64
	shape int32
}

// fill classifies every cell, row by row. A sweep from right to left along
// the row's centre line, counting the edges crossed as the even-odd rule
// does, keeps the set of shapes holding the current cell's centre.
func (b *builder) fill() {
	ix := b.ix
	ix.cells = make([]int32, ix.nx*ix.ny)
	b.parity = make([]bool, b.nshapes)
	b.stamp = make([]int32, b.nshapes)
	sweep := make([]bool, b.nshapes)
	var odd []int32 // shapes holding the current centre, i.e. with sweep[s] set
	var cross []crossing
	for j := range ix.ny {
		yc := ix.minY + (float64(j)+0.5)*ix.cellH
		cross = cross[:0]
		for _, k := range b.rowEdges[j] {
			if e := &b.edges[k]; (e.ay > yc) != (e.by > yc) {
				cross = append(cross, crossing{e.xAt(yc), e.shape})
			}
		}
		slices.SortFunc(cross, func(a, b crossing) int { return cmp.Compare(a.x, b.x) })
		for _, s := range odd {
			sweep[s] = false
		}
		odd = odd[:0]
		q := len(cross) - 1
		for i := ix.nx - 1; i >= 0; i-- {
			cx := ix.minX + (float64(i)+0.5)*ix.cellW
			for ; q >= 0 && cx < cross[q].x; q-- {
				s := cross[q].shape
				sweep[s] = !sweep[s]
				if sweep[s] {
					odd = append(odd, s)
				} else {
					odd = slices.DeleteFunc(odd, func(o int32) bool { return o == s })
				}
			}
			c := j*ix.nx + i
			if es := b.cellEdge[b.start[c]:b.start[c+1]]; len(es) > 0 {
				ix.cells[c] = mixedBase - int32(len(ix.mixed))
				b.addMixed(i, j, es, odd)
			} else {
				ix.cells[c] = b.lowest(odd, false)
			}
		}
	}
}

// lowest returns the lowest shape in odd, or noShape; with skipLocal, it
// ignores the shapes with edges in the current mixed cell.
func (b *builder) lowest(odd []int32, skipLocal bool) int32 {
	first := int32(noShape)
	for _, s := range odd {
		if (!skipLocal || b.stamp[s] != b.gen) && (first == noShape || s < first) {
			first = s
		}
	}
	return first
}

// addMixed appends the mixed cell (i, j) with edges es; odd holds the shapes
// containing the cell's centre.
func (b *builder) addMixed(i, j int, es []int32, odd []int32) {
	ix := b.ix
	b.gen++
	for _, k := range es {
		b.stamp[b.edges[k].shape] = b.gen
	}
	rx, ry := b.chooseRef(i, j, es)
	m := mixedCell{rx: rx, ry: ry, owner: b.lowest(odd, true), g0: uint32(len(ix.groups))}
	for n := 0; n < len(es); {
		g := group{shape: b.edges[es[n]].shape, s0: uint32(len(ix.segs))}
		for ; n < len(es) && b.edges[es[n]].shape == g.shape; n++ {
			ix.segs = append(ix.segs, b.edges[es[n]].seg)
		}
		g.s1 = uint32(len(ix.segs))
		ix.groups = append(ix.groups, g)
	}
	m.g1 = uint32(len(ix.groups))
	// Even-odd test of the reference point against the cell's shapes: the
	// row's edges hold every edge its rightward ray can cross.
	for _, k := range b.rowEdges[j] {
		e := &b.edges[k]
		if b.stamp[e.shape] == b.gen && (e.ay > ry) != (e.by > ry) && rx < e.xAt(ry) {
			b.parity[e.shape] = !b.parity[e.shape]
		}
	}
	for g := m.g0; g < m.g1; g++ {
		s := ix.groups[g].shape
		ix.groups[g].inside = b.parity[s]
		b.parity[s] = false
	}
	ix.mixed = append(ix.mixed, m)
}

// chooseRef picks the reference point of mixed cell (i, j): the centre, or
// failing that the candidate farthest from the cell's edges, so that the
// even-odd answer at it is exact and crossing tests against it are robust.
func (b *builder) chooseRef(i, j int, es []int32) (x, y float64) {
	ix := b.ix
	x0, y0 := ix.minX+float64(i)*ix.cellW, ix.minY+float64(j)*ix.cellH
	need := 1e-3 * math.Min(ix.cellW, ix.cellH)
	candidates := [...][2]float64{
		{0.5, 0.5}, {0.318, 0.618}, {0.707, 0.268}, {0.142, 0.866}, {0.886, 0.414},
		{0.577, 0.123}, {0.231, 0.309}, {0.809, 0.951}, {0.414, 0.792},
	}
	best := -1.0
	for _, f := range candidates {
		px, py := x0+f[0]*ix.cellW, y0+f[1]*ix.cellH
		d := math.Inf(1)
		for _, k := range es {
			d = math.Min(d, b.edges[k].distance(px, py))
		}
		if d >= need {
			return px, py
		}
		if d > best {
			x, y, best = px, py, d
		}
	}
	return x, y
}

// distance returns the planar distance in degrees from (px, py) to s.
func (s seg) distance(px, py float64) float64 {
	dx, dy := s.bx-s.ax, s.by-s.ay
	t := ((px-s.ax)*dx + (py-s.ay)*dy) / (dx*dx + dy*dy)
	t = min(max(t, 0), 1)
	return math.Hypot(s.ax+t*dx-px, s.ay+t*dy-py)
}
