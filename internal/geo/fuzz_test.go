package geo_test

import (
	"bytes"
	"errors"
	"math"
	"os"
	"reflect"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/geo"
)

func FuzzReadFeatureCollection(f *testing.F) {
	for _, path := range []string{"testdata/squares.geojson", "testdata/mexico_valle.geojson"} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(collection(feature(`"A"`, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}`))))
	f.Add([]byte(feature(`7`, `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}`)))
	f.Add([]byte(collection(feature(`"G"`, `{"type":"GeometryCollection","geometries":[]}`))))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":[1],"b":{"c":null},"d":-0.0e1},"geometry":{"type":"Polygon","coordinates":[[[180,90],[-180,90],[-180,-90],[180,90]]]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		features, err := geo.ReadFeatureCollection(bytes.NewReader(data), 1<<20)
		if err != nil {
			var e *atalaya.Error
			if !errors.As(err, &e) || (e.Code != atalaya.EINVALID && e.Code != atalaya.ETOOLARGE) || e.Message == "" {
				t.Fatalf("error %v (%T) is not an EINVALID or ETOOLARGE *atalaya.Error", err, err)
			}
			if features != nil {
				t.Fatalf("features and an error")
			}
			return
		}
		if len(features) == 0 {
			t.Fatalf("no features and no error")
		}
		var shapes []geo.Shape
		for i, feat := range features {
			checkGeometry(t, i, feat.Geometry)
			if m, err := geo.ParseGeometry(feat.RawGeometry); err != nil || !reflect.DeepEqual(m, feat.Geometry) {
				t.Fatalf("feature %d: ParseGeometry(RawGeometry) = %v, %v; want %v", i, m, err, feat.Geometry)
			}
			shapes = append(shapes, geo.Shape{Code: feat.ID, Geometry: feat.Geometry})
		}
		// Whatever was accepted can be indexed and queried.
		ix := geo.NewIndex(shapes)
		lo, hi := bbox(shapes)
		mid := geo.Point{Lon: (lo.Lon + hi.Lon) / 2, Lat: (lo.Lat + hi.Lat) / 2}
		for _, p := range []geo.Point{lo, hi, mid, shapes[0].Geometry[0][0][0]} {
			ix.Locate(p)
			ix.Place(p, 5000)
		}
	})
}

// checkGeometry fails unless m has polygons whose rings are closed, have at
// least four positions and stay within longitude and latitude bounds.
func checkGeometry(t *testing.T, i int, m geo.MultiPolygon) {
	t.Helper()
	if len(m) == 0 {
		t.Fatalf("feature %d has no polygons", i)
	}
	for j, poly := range m {
		if len(poly) == 0 {
			t.Fatalf("feature %d polygon %d has no rings", i, j)
		}
		for k, ring := range poly {
			if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
				t.Fatalf("feature %d polygon %d ring %d is open or short: %v", i, j, k, ring)
			}
			for _, p := range ring {
				if !(math.Abs(p.Lon) <= 180 && math.Abs(p.Lat) <= 90) {
					t.Fatalf("feature %d polygon %d ring %d has position %v", i, j, k, p)
				}
			}
		}
	}
}

func FuzzLocate(f *testing.F) {
	squares := loadShapes(f, "testdata/squares.geojson", "")
	for i, feat := range readFeatures(f, "testdata/squares.geojson") {
		squares[i].Code = feat.ID
	}
	// The same shapes shrunk to a few hundred metres near Mexico City, where
	// coordinates are not round numbers, and a real-world fixture.
	small := make([]geo.Shape, len(squares))
	for i, s := range squares {
		small[i] = geo.Shape{Code: s.Code, Geometry: transform(s.Geometry, 0.001, -99.1, 19.4)}
	}
	fixtures := [][]geo.Shape{squares, small, loadShapes(f, "testdata/mexico_valle.geojson", "CVE_ENT")}
	indexes := make([]*geo.Index, len(fixtures))
	for i, shapes := range fixtures {
		indexes[i] = geo.NewIndex(shapes)
	}
	for _, s := range [][2]float64{{1, 1}, {10, 5}, {10, 10}, {3, 5}, {5, 10}, {4.5, 4}, {15, 5}, {-99.1, 19.4}, {-99.0952, 19.4052}, {-99.13, 19.43}} {
		f.Add(s[0], s[1], 100.0, uint8(0))
		f.Add(s[0], s[1], 5000.0, uint8(1))
		f.Add(s[0], s[1], 1e7, uint8(2))
	}
	f.Add(math.NaN(), 1.0, math.NaN(), uint8(0))
	f.Add(math.Inf(-1), math.MaxFloat64, math.Inf(1), uint8(1))
	f.Fuzz(func(t *testing.T, lon, lat, tolerance float64, which uint8) {
		shapes, ix := fixtures[int(which)%len(fixtures)], indexes[int(which)%len(fixtures)]
		p := geo.Point{Lon: lon, Lat: lat}
		got, ok := ix.Locate(p)
		want, wantOK := bruteLocate(shapes, p)
		if (got != want || ok != wantOK) && !onBoundary(shapes, p) {
			t.Fatalf("Locate(%v) = %q, %v; brute force %q, %v", p, got, ok, want, wantOK)
		}
		code, meters, ok := ix.Nearest(p, tolerance)
		if ok && (code == "" || !(meters >= 0 && meters <= tolerance)) {
			t.Fatalf("Nearest(%v, %v) = %q, %v m", p, tolerance, code, meters)
		}
		code, meters, how, ok := ix.Place(p, tolerance)
		switch {
		case !ok && (code != "" || how != "" || meters != 0):
			t.Fatalf("Place(%v, %v) = %q, %v, %q, false", p, tolerance, code, meters, how)
		case ok && how == atalaya.PlacedByPoint && (code != got || meters != 0):
			t.Fatalf("Place(%v, %v) = %q, %v by point; Locate = %q", p, tolerance, code, meters, got)
		case ok && how == atalaya.PlacedByNearest && (got != "" || meters > tolerance):
			t.Fatalf("Place(%v, %v) = %q, %v m by nearest; Locate = %q", p, tolerance, code, meters, got)
		}
	})
}

// transform scales m by k and moves it by (dx, dy).
func transform(m geo.MultiPolygon, k, dx, dy float64) geo.MultiPolygon {
	out := make(geo.MultiPolygon, len(m))
	for i, poly := range m {
		out[i] = make(geo.Polygon, len(poly))
		for j, ring := range poly {
			out[i][j] = make([]geo.Point, len(ring))
			for n, p := range ring {
				out[i][j][n] = geo.Point{Lon: p.Lon*k + dx, Lat: p.Lat*k + dy}
			}
		}
	}
	return out
}

// FuzzIndex builds indexes over arbitrary rings on a coarse lattice, where
// vertices on other edges, collinear edges, spikes and self-intersections
// are common, and checks Locate against an even-odd ray cast over each
// shape's rings at lattice and half-lattice points.
func FuzzIndex(f *testing.F) {
	f.Add([]byte{2, 4, 0, 0, 8, 0, 8, 8, 0, 8, 4, 2, 2, 2, 6, 6, 6, 6, 2})
	f.Add([]byte{1, 5, 0, 0, 4, 4, 8, 0, 8, 8, 0, 8})
	f.Add([]byte{3, 3, 0, 0, 9, 0, 0, 9, 3, 9, 0, 9, 9, 0, 9, 4, 1, 1, 5, 1, 5, 5, 1, 5})
	f.Fuzz(func(t *testing.T, data []byte) {
		var shapes []geo.Shape
		for len(data) >= 3 && len(shapes) < 4 {
			n := int(data[0]%8) + 3
			data = data[1:]
			var ring []geo.Point
			for ; n > 0 && len(data) >= 2; n-- {
				ring = append(ring, geo.Point{Lon: float64(data[0]%16) * 0.25, Lat: float64(data[1]%16) * 0.25})
				data = data[2:]
			}
			if len(shapes) > 0 && len(ring)%2 == 0 { // sometimes a hole or second ring
				last := &shapes[len(shapes)-1].Geometry[0]
				*last = append(*last, ring)
				continue
			}
			shapes = append(shapes, geo.Shape{Code: string(rune('A' + len(shapes))), Geometry: geo.MultiPolygon{{ring}}})
		}
		ix := geo.NewIndex(shapes)
		for x := -0.125; x <= 4; x += 0.125 {
			for y := -0.125; y <= 4; y += 0.125 {
				p := geo.Point{Lon: x, Lat: y}
				got, ok := ix.Locate(p)
				want, wantOK := evenOdd(shapes, p)
				if (got != want || ok != wantOK) && !onBoundary(shapes, p) {
					t.Fatalf("Locate(%v) = %q, %v; even-odd ray cast %q, %v; shapes %v", p, got, ok, want, wantOK, shapes)
				}
			}
		}
	})
}

// evenOdd returns the first shape holding p by the even-odd rule over all
// its rings together, each ring closed implicitly.
func evenOdd(shapes []geo.Shape, p geo.Point) (string, bool) {
	for _, s := range shapes {
		in := false
		for _, poly := range s.Geometry {
			for _, ring := range poly {
				if len(ring) >= 3 && ringHolds(ring, p) {
					in = !in
				}
			}
		}
		if in {
			return s.Code, true
		}
	}
	return "", false
}
