package geo

import "math"

// Index answers point-in-shape and nearest-shape queries over a fixed set of
// shapes. It is immutable once built and safe for concurrent use.
//
// The index is a uniform grid over the shapes' bounding box, sized to about
// four cells per edge (fewer when long edges would cross too many cells, to
// keep memory in proportion to the input). A cell that no edge touches is "full": it stores the
// shape holding its centre (or none), which holds the whole cell. A cell that
// edges touch is "mixed": it stores those edges grouped by shape, a reference
// point far from them, and for each of those shapes whether the reference
// point is inside. A query in a mixed cell counts, per shape, the cell's
// edges crossing the segment from the point to the reference point, and
// flips the reference's answer on an odd count. No edge outside the cell can
// cross that segment, so a query never looks beyond its cell.
//
// When shapes overlap, the earliest shape in the slice given to NewIndex
// wins. A point exactly on an edge may be given to either side, always the
// same one (in the INEGI states file, every vertex and edge
// midpoint shared by two states lands in one of them).
type Index struct {
	codes        []string
	minX, minY   float64 // padded bounding box origin
	cellW, cellH float64 // cell size in degrees
	invW, invH   float64 // 1/cellW, 1/cellH
	nx, ny       int
	// cells holds, row by row, either a shape index (a full cell inside that
	// shape), noShape (a full cell outside every shape) or mixedBase-m for
	// mixed cell m.
	cells  []int32
	mixed  []mixedCell
	groups []group
	segs   []seg
}

const (
	noShape   = -1
	mixedBase = -2
)

// seg is one edge of a ring, from (ax, ay) to (bx, by).
type seg struct{ ax, ay, bx, by float64 }

// mixedCell is a cell crossed by edges.
type mixedCell struct {
	rx, ry float64 // reference point, away from every edge of the cell
	owner  int32   // the first shape without edges here that holds the cell, or noShape
	g0, g1 uint32  // its groups: groups[g0:g1], by ascending shape
}

// group is the edges of one shape in one mixed cell.
type group struct {
	shape  int32
	inside bool   // the cell's reference point is inside shape
	s0, s1 uint32 // segs[s0:s1]
}

// NewIndex builds an Index over shapes; a Locate or Nearest answer is the
// Code of one of them. It expects geometry as ReadFeatureCollection and
// ParseGeometry return it, but tolerates unclosed rings (closing them) and
// skips edges with non-finite ends. The shapes are not retained.
func NewIndex(shapes []Shape) *Index {
	ix := &Index{codes: make([]string, len(shapes))}
	for i, s := range shapes {
		ix.codes[i] = s.Code
	}
	edges, lo, hi := collectEdges(shapes)
	if len(edges) == 0 {
		return ix
	}
	b := &builder{ix: ix, edges: edges, nshapes: len(shapes)}
	// About four cells per edge, fewer if long edges would put too many
	// edges in too many cells (a grid's weak spot): then queries slow down
	// in the crowded cells, but memory stays in proportion to the input.
	budget := 16*len(edges) + 1<<20
	for target := min(max(4*len(edges), 64), 1<<21); ; target /= 4 {
		b.margin = ix.setGrid(lo, hi, target)
		if target <= 64 || b.countEntries() <= budget {
			break
		}
	}
	b.bucket()
	b.fill()
	return ix
}

// Len returns the number of shapes the index was built from.
func (ix *Index) Len() int { return len(ix.codes) }

// setGrid lays a grid of about target square cells over the box lo–hi,
// padded so that its far sides are inside, and returns the margin by which
// an edge must miss a cell to be left out of it. The margin dwarfs the
// rounding error of mapping a point to its cell.
func (ix *Index) setGrid(lo, hi Point, target int) (margin float64) {
	maxAbs := math.Max(math.Max(math.Abs(lo.Lon), math.Abs(hi.Lon)), math.Max(math.Abs(lo.Lat), math.Abs(hi.Lat)))
	pad := (hi.Lon-lo.Lon+hi.Lat-lo.Lat)*1e-9 + (1+maxAbs)*1e-12
	lo = Point{lo.Lon - pad, lo.Lat - pad}
	hi = Point{hi.Lon + pad, hi.Lat + pad}
	w, h := hi.Lon-lo.Lon, hi.Lat-lo.Lat
	side := math.Sqrt(w * h / float64(target))
	ix.nx = int(min(max(math.Round(w/side), 1), 1<<16))
	ix.ny = int(min(max(math.Round(h/side), 1), 1<<16))
	for ix.nx*ix.ny > 1<<22 { // only for extreme aspect ratios
		ix.nx, ix.ny = max(ix.nx/2, 1), max(ix.ny/2, 1)
	}
	ix.minX, ix.minY = lo.Lon, lo.Lat
	ix.cellW, ix.cellH = w/float64(ix.nx), h/float64(ix.ny)
	ix.invW, ix.invH = float64(ix.nx)/w, float64(ix.ny)/h
	return 1e-6*math.Max(ix.cellW, ix.cellH) + (1+maxAbs)*1e-12
}

// col and row return the grid column and row of a longitude and a latitude,
// clamped to the grid.
func (ix *Index) col(x float64) int {
	return int(min(max(math.Floor((x-ix.minX)*ix.invW), 0), float64(ix.nx-1)))
}

func (ix *Index) row(y float64) int {
	return int(min(max(math.Floor((y-ix.minY)*ix.invH), 0), float64(ix.ny-1)))
}
