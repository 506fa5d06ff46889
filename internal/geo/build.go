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
	n := 0
	for _, s := range shapes {
		for _, poly := range s.Geometry {
			for _, ring := range poly {
				n += len(ring)
			}
		}
	}
	edges = make([]edge, 0, n)
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
	start    []int32   // per cell c: its edges are cellEdge[start[c]:start[c+1]]
	cellEdge []int32   // edge indexes, cell by cell, ascending within a cell

	parity []bool  // per shape: scratch for even-odd tests
	stamp  []int32 // per shape: gen when the shape has edges in the current cell
	gen    int32

	// The sweep along the current row's centre line y = yc.
	yc    float64
	cross []crossing // sorted by x
	q     int        // cross[q+1:] are right of the sweep
	sweep []bool     // per shape: odd number of crossings right of the sweep
	odd   []int32    // the shapes with sweep set
}

// spans calls fn for each row j that edge e comes within margin of, with
// the columns i0..i1 of the cells it comes within margin of in that row.
func (b *builder) spans(e *edge, fn func(j, i0, i1 int)) {
	ix, m := b.ix, b.margin
	ylo, yhi := math.Min(e.ay, e.by), math.Max(e.ay, e.by)
	for j := ix.row(ylo - m); j <= ix.row(yhi+m); j++ {
		// The part of the edge within the row's band, widened by m.
		y0 := ix.minY + float64(j)*ix.cellH - m
		x0, x1 := e.ax, e.bx
		if e.ay != e.by {
			x0, x1 = e.xAt(min(max(y0, ylo), yhi)), e.xAt(min(max(y0+ix.cellH+2*m, ylo), yhi))
		}
		if x0 > x1 {
			x0, x1 = x1, x0
		}
		fn(j, ix.col(x0-m), ix.col(x1+m))
	}
}

// countEntries returns how many row and cell entries bucket would make.
func (b *builder) countEntries() int {
	n := 0
	for k := range b.edges {
		b.spans(&b.edges[k], func(_, i0, i1 int) { n += 1 + i1 - i0 + 1 })
	}
	return n
}

// bucket assigns each edge to the rows and cells it comes within margin of.
func (b *builder) bucket() {
	ix := b.ix
	b.rowEdges = make([][]int32, ix.ny)
	b.start = make([]int32, ix.nx*ix.ny+1)
	pairs := make([][2]int32, 0, 2*len(b.edges)) // cell, edge
	for k := range b.edges {
		b.spans(&b.edges[k], func(j, i0, i1 int) {
			b.rowEdges[j] = append(b.rowEdges[j], int32(k))
			for c := j*ix.nx + i0; c <= j*ix.nx+i1; c++ {
				pairs = append(pairs, [2]int32{int32(c), int32(k)})
				b.start[c+1]++
			}
		})
	}
	for c := 1; c < len(b.start); c++ {
		b.start[c] += b.start[c-1]
	}
	next := slices.Clone(b.start[:len(b.start)-1])
	b.cellEdge = make([]int32, len(pairs))
	b.ix.segs = make([]seg, 0, len(pairs))
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
	b.sweep = make([]bool, b.nshapes)
	for j := range ix.ny {
		b.startRow(j)
		for i := ix.nx - 1; i >= 0; i-- {
			b.advance(ix.minX + (float64(i)+0.5)*ix.cellW)
			c := j*ix.nx + i
			if es := b.cellEdge[b.start[c]:b.start[c+1]]; len(es) > 0 {
				ix.cells[c] = mixedBase - int32(len(ix.mixed))
				b.addMixed(i, j, es)
			} else {
				ix.cells[c] = b.lowest(false)
			}
		}
	}
}

// startRow lists and sorts the crossings of row j's centre line and puts
// the sweep at its right end, where no shape holds the line.
func (b *builder) startRow(j int) {
	b.yc = b.ix.minY + (float64(j)+0.5)*b.ix.cellH
	b.cross = b.cross[:0]
	for _, k := range b.rowEdges[j] {
		if e := &b.edges[k]; (e.ay > b.yc) != (e.by > b.yc) {
			b.cross = append(b.cross, crossing{e.xAt(b.yc), e.shape})
		}
	}
	slices.SortFunc(b.cross, func(a, b crossing) int { return cmp.Compare(a.x, b.x) })
	for _, s := range b.odd {
		b.sweep[s] = false
	}
	b.odd = b.odd[:0]
	b.q = len(b.cross) - 1
}

// advance moves the sweep left to x on the centre line, toggling the shapes
// of the crossings passed; then b.sweep[s] is the parity of shape s's
// crossings right of x, true when s holds (x, yc).
func (b *builder) advance(x float64) {
	for ; b.q >= 0 && x < b.cross[b.q].x; b.q-- {
		s := b.cross[b.q].shape
		b.sweep[s] = !b.sweep[s]
		if b.sweep[s] {
			b.odd = append(b.odd, s)
		} else {
			b.odd = slices.DeleteFunc(b.odd, func(o int32) bool { return o == s })
		}
	}
}

// lowest returns the lowest shape holding the sweep's position, or noShape;
// with skipLocal, it ignores the shapes with edges in the current mixed cell.
func (b *builder) lowest(skipLocal bool) int32 {
	first := int32(noShape)
	for _, s := range b.odd {
		if (!skipLocal || b.stamp[s] != b.gen) && (first == noShape || s < first) {
			first = s
		}
	}
	return first
}

// addMixed appends the mixed cell (i, j) with edges es; the sweep is at the
// cell's centre.
func (b *builder) addMixed(i, j int, es []int32) {
	ix := b.ix
	b.gen++
	for _, k := range es {
		b.stamp[b.edges[k].shape] = b.gen
	}
	m := mixedCell{owner: b.lowest(true), g0: uint32(len(ix.groups))}
	for n := 0; n < len(es); {
		g := group{shape: b.edges[es[n]].shape, s0: uint32(len(ix.segs))}
		for ; n < len(es) && b.edges[es[n]].shape == g.shape; n++ {
			ix.segs = append(ix.segs, b.edges[es[n]].seg)
		}
		g.s1 = uint32(len(ix.segs))
		ix.groups = append(ix.groups, g)
	}
	m.g1 = uint32(len(ix.groups))
	m.rx, m.ry = b.chooseRef(i, j, es)
	if m.ry == b.yc {
		b.parityOnLine(m.rx, ix.minX+(float64(i)+0.5)*ix.cellW)
	} else {
		b.parityInRow(j, m.rx, m.ry)
	}
	for g := m.g0; g < m.g1; g++ {
		s := ix.groups[g].shape
		ix.groups[g].inside = b.parity[s]
		b.parity[s] = false
	}
	ix.mixed = append(ix.mixed, m)
}

// parityOnLine sets b.parity for the cell's shapes at (x, yc), from the
// sweep at (cx, yc) and the crossings between x and cx.
func (b *builder) parityOnLine(x, cx float64) {
	for _, s := range b.odd {
		b.parity[s] = b.stamp[s] == b.gen
	}
	for k := b.q; k >= 0 && x < b.cross[k].x; k-- { // x < crossing <= cx
		if s := b.cross[k].shape; b.stamp[s] == b.gen {
			b.parity[s] = !b.parity[s]
		}
	}
	for k := b.q + 1; k < len(b.cross) && b.cross[k].x <= x; k++ { // cx < crossing <= x
		if s := b.cross[k].shape; b.stamp[s] == b.gen {
			b.parity[s] = !b.parity[s]
		}
	}
}

// parityInRow sets b.parity for the cell's shapes at (x, y) in row j by
// counting the row's edges crossing the ray from (x, y) eastwards.
func (b *builder) parityInRow(j int, x, y float64) {
	for _, k := range b.rowEdges[j] {
		e := &b.edges[k]
		if b.stamp[e.shape] == b.gen && (e.ay > y) != (e.by > y) && x < e.xAt(y) {
			b.parity[e.shape] = !b.parity[e.shape]
		}
	}
}

// chooseRef picks the reference point of mixed cell (i, j): preferably on
// the row's centre line, where the sweep gives the even-odd answer cheaply,
// and at least a thousandth of the cell away from its edges, so that the
// answer at it is exact and crossing tests against it are robust; failing
// that, the candidate farthest from the edges, trying quasi-random points
// until one is clear of them by far more than rounding error.
func (b *builder) chooseRef(i, j int, es []int32) (x, y float64) {
	ix := b.ix
	x0, y0 := ix.minX+float64(i)*ix.cellW, ix.minY+float64(j)*ix.cellH
	need := 1e-3 * math.Min(ix.cellW, ix.cellH)
	fixed := [...][2]float64{
		{0.5, 0.5}, {0.318, 0.5}, {0.707, 0.5}, {0.142, 0.5}, {0.886, 0.5}, {0.05, 0.5}, {0.95, 0.5},
		{0.318, 0.618}, {0.707, 0.268}, {0.142, 0.866}, {0.886, 0.414}, {0.577, 0.123}, {0.231, 0.309},
	}
	best := -1.0
	for k := 0; k < len(fixed) || (k < len(fixed)+64 && best < need*1e-6); k++ {
		px, py := x0+ix.cellW*halton(k+1, 2), y0+ix.cellH*halton(k+1, 3)
		if k < len(fixed) {
			px, py = x0+fixed[k][0]*ix.cellW, y0+fixed[k][1]*ix.cellH
		}
		if k < len(fixed) && fixed[k][1] == 0.5 {
			py = b.yc // exactly the sweep's line
		}
		d := math.Inf(1)
		for _, e := range es {
			d = math.Min(d, b.edges[e].distance(px, py))
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

// halton returns the k-th element of the van der Corput sequence in base,
// a point of (0, 1) for k ≥ 1.
func halton(k, base int) float64 {
	f, r := 1.0, 0.0
	for ; k > 0; k /= base {
		f /= float64(base)
		r += f * float64(k%base)
	}
	return r
}

// distance returns the planar distance in degrees from (px, py) to s.
func (s seg) distance(px, py float64) float64 {
	dx, dy := s.bx-s.ax, s.by-s.ay
	t := ((px-s.ax)*dx + (py-s.ay)*dy) / (dx*dx + dy*dy)
	t = min(max(t, 0), 1)
	return math.Hypot(s.ax+t*dx-px, s.ay+t*dy-py)
}
