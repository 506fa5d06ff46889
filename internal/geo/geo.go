// Package geo reads administrative boundaries from GeoJSON and places points
// in them.
//
// ReadFeatureCollection and ParseGeometry turn GeoJSON (RFC 7946) into
// validated MultiPolygons. An Index built from a set of coded shapes answers
// which shape contains a point (Locate), which shape's boundary is nearest
// (Nearest), and both in the order an ingest wants them (Place), so that an
// incident record with coordinates lands in the finest area that holds it, or
// in the area just inland of it when it sits on the shore.
//
// Coordinates are WGS84 longitude and latitude in degrees. Containment is
// planar in degrees and uses the even-odd rule over all the rings of a
// shape, which respects holes and matches the usual reading of valid
// GeoJSON. Rings that cross the antimeridian are not supported; a shape may
// still have parts on both sides of it, as the United States does.
package geo

import "math"

// earthRadiusMeters is the IUGG mean Earth radius, used for great-circle
// distances.
const earthRadiusMeters = 6371008.8

// metersPerDegree is the length of one degree of latitude (and of longitude
// at the equator) on the sphere of radius earthRadiusMeters.
const metersPerDegree = earthRadiusMeters * math.Pi / 180

// Point is a WGS84 position in degrees, longitude first as in GeoJSON.
type Point struct{ Lon, Lat float64 }

// Polygon is a list of closed rings: ring 0 is the exterior, the rest are
// holes. A closed ring repeats its first position at the end.
type Polygon [][]Point

// MultiPolygon is a list of polygons making up one area, such as a state and
// its islands. A GeoJSON Polygon is read as a one-element MultiPolygon.
type MultiPolygon []Polygon

// Shape is an area code and its geometry, the unit an Index is built from.
type Shape struct {
	Code     string
	Geometry MultiPolygon
}

// BBox returns the smallest longitude/latitude box holding every position of
// m. For a MultiPolygon with no positions it returns two zero Points.
func (m MultiPolygon) BBox() (min, max Point) {
	min = Point{math.Inf(1), math.Inf(1)}
	max = Point{math.Inf(-1), math.Inf(-1)}
	for _, poly := range m {
		for _, ring := range poly {
			for _, p := range ring {
				min.Lon, min.Lat = math.Min(min.Lon, p.Lon), math.Min(min.Lat, p.Lat)
				max.Lon, max.Lat = math.Max(max.Lon, p.Lon), math.Max(max.Lat, p.Lat)
			}
		}
	}
	if min.Lon > max.Lon {
		return Point{}, Point{}
	}
	return min, max
}

// HaversineMeters returns the great-circle distance between a and b in
// metres on a sphere with the Earth's mean radius (error under 0.5 %).
func HaversineMeters(a, b Point) float64 {
	const rad = math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLon := (b.Lon - a.Lon) * rad
	s := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusMeters * math.Asin(math.Sqrt(math.Min(1, s)))
}

// finite reports whether both coordinates of p are finite numbers.
func finite(p Point) bool {
	return !math.IsNaN(p.Lon) && !math.IsInf(p.Lon, 0) && !math.IsNaN(p.Lat) && !math.IsInf(p.Lat, 0)
}
