package geo_test

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/geo"
)

// sharedDir holds the full boundary files, which not every checkout has.
const sharedDir = "/work/shared/data/boundaries"

// readFeatures reads a GeoJSON file, skipping the test if a shared file is
// absent.
func readFeatures(tb testing.TB, path string) []geo.Feature {
	tb.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) && filepath.Dir(path) == sharedDir {
		tb.Skipf("%s is absent", path)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	features, err := geo.ReadFeatureCollection(f, 32<<20)
	if err != nil {
		tb.Fatalf("ReadFeatureCollection(%s): %v", path, err)
	}
	return features
}

// shapes turns features into shapes coded by a property.
func shapes(features []geo.Feature, key string) []geo.Shape {
	out := make([]geo.Shape, len(features))
	for i, f := range features {
		out[i] = geo.Shape{Code: f.Properties[key], Geometry: f.Geometry}
	}
	return out
}

// loadShapes reads a file and its shapes.
func loadShapes(tb testing.TB, path, key string) []geo.Shape {
	tb.Helper()
	return shapes(readFeatures(tb, path), key)
}

// bruteLocate is the reference for Index.Locate: the first shape with a
// polygon whose exterior ring holds p and none of whose holes does, each ring
// tested by a full even-odd ray cast.
func bruteLocate(shapes []geo.Shape, p geo.Point) (string, bool) {
	for _, s := range shapes {
		for _, poly := range s.Geometry {
			if !ringHolds(poly[0], p) {
				continue
			}
			inHole := false
			for _, hole := range poly[1:] {
				inHole = inHole || ringHolds(hole, p)
			}
			if !inHole {
				return s.Code, true
			}
		}
	}
	return "", false
}

// ringHolds is the classic even-odd ray cast (W. R. Franklin's pnpoly).
func ringHolds(ring []geo.Point, p geo.Point) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		a, b := ring[i], ring[j]
		if (a.Lat > p.Lat) != (b.Lat > p.Lat) &&
			p.Lon < (b.Lon-a.Lon)*(p.Lat-a.Lat)/(b.Lat-a.Lat)+a.Lon {
			in = !in
		}
	}
	return in
}

// boundaryDistance returns the planar distance in degrees from p to the
// nearest edge of any shape.
func boundaryDistance(shapes []geo.Shape, p geo.Point) float64 {
	best := math.Inf(1)
	for _, s := range shapes {
		for _, poly := range s.Geometry {
			for _, ring := range poly {
				for i := range ring { // with the closing edge, for unclosed rings
					best = math.Min(best, segDistance(ring[i], ring[(i+1)%len(ring)], p))
				}
			}
		}
	}
	return best
}

func segDistance(a, b, p geo.Point) float64 {
	dx, dy := b.Lon-a.Lon, b.Lat-a.Lat
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = math.Min(math.Max(((p.Lon-a.Lon)*dx+(p.Lat-a.Lat)*dy)/l2, 0), 1)
	}
	return math.Hypot(a.Lon+t*dx-p.Lon, a.Lat+t*dy-p.Lat)
}

// onBoundary reports whether p is so close to an edge that either answer
// is right.
func onBoundary(shapes []geo.Shape, p geo.Point) bool {
	return boundaryDistance(shapes, p) <= 1e-9*(1+math.Abs(p.Lon)+math.Abs(p.Lat))
}

// bbox returns the union bounding box of shapes.
func bbox(shapes []geo.Shape) (lo, hi geo.Point) {
	lo, hi = shapes[0].Geometry.BBox()
	for _, s := range shapes[1:] {
		l, h := s.Geometry.BBox()
		lo = geo.Point{Lon: math.Min(lo.Lon, l.Lon), Lat: math.Min(lo.Lat, l.Lat)}
		hi = geo.Point{Lon: math.Max(hi.Lon, h.Lon), Lat: math.Max(hi.Lat, h.Lat)}
	}
	return lo, hi
}
