package geo_test

import (
	"bytes"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/geo"
)

// benchPoints returns n points for a benchmark: uniform in the shapes'
// bounding box, or near random edges (offset by up to about off degrees).
func benchPoints(shapes []geo.Shape, n int, nearEdge bool, off float64) []geo.Point {
	rng := rand.New(rand.NewPCG(3, 4))
	lo, hi := bbox(shapes)
	var rings [][]geo.Point
	for _, s := range shapes {
		for _, poly := range s.Geometry {
			rings = append(rings, poly...)
		}
	}
	pts := make([]geo.Point, n)
	for i := range pts {
		if !nearEdge {
			pts[i] = geo.Point{Lon: lo.Lon + rng.Float64()*(hi.Lon-lo.Lon), Lat: lo.Lat + rng.Float64()*(hi.Lat-lo.Lat)}
			continue
		}
		ring := rings[rng.IntN(len(rings))]
		k := rng.IntN(len(ring) - 1)
		pts[i] = geo.Point{
			Lon: ring[k].Lon + (rng.Float64()*2-1)*off,
			Lat: ring[k].Lat + (rng.Float64()*2-1)*off,
		}
	}
	return pts
}

func BenchmarkReadMexico(b *testing.B) {
	data, err := os.ReadFile(sharedDir + "/mexico_states.geojson")
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := geo.ReadFeatureCollection(bytes.NewReader(data), 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewIndexMexico(b *testing.B) {
	shapes := loadShapes(b, sharedDir+"/mexico_states.geojson", "CVE_ENT")
	b.ReportAllocs()
	for b.Loop() {
		geo.NewIndex(shapes)
	}
}

func BenchmarkLocateMexico(b *testing.B) {
	shapes := loadShapes(b, sharedDir+"/mexico_states.geojson", "CVE_ENT")
	ix := geo.NewIndex(shapes)
	var land []geo.Point
	for _, p := range benchPoints(shapes, 1<<17, false, 0) {
		if _, ok := bruteLocate(shapes, p); ok && len(land) < 1<<14 {
			land = append(land, p)
		}
	}
	sets := []struct {
		name string
		pts  []geo.Point
	}{
		{"bbox", benchPoints(shapes, 1<<14, false, 0)},
		{"land", land},
		{"within-1km-of-a-vertex", benchPoints(shapes, 1<<14, true, 0.01)},
	}
	for _, set := range sets {
		b.Run(set.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				ix.Locate(set.pts[i%len(set.pts)])
				i++
			}
		})
	}
}

func BenchmarkLocateCountries(b *testing.B) {
	shapes := loadShapes(b, sharedDir+"/americas_oas_countries.geojson", "ISO_A3")
	ix := geo.NewIndex(shapes)
	pts := benchPoints(shapes, 1<<14, true, 0.05)
	i := 0
	for b.Loop() {
		ix.Locate(pts[i%len(pts)])
		i++
	}
}

func BenchmarkNearest(b *testing.B) {
	shapes := loadShapes(b, sharedDir+"/americas_oas_countries.geojson", "ISO_A3")
	ix := geo.NewIndex(shapes)
	pts := benchPoints(shapes, 1<<14, true, 0.05) // within about 5 km of a coast or border
	i := 0
	for b.Loop() {
		ix.Nearest(pts[i%len(pts)], 5000)
		i++
	}
}
