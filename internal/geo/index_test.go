package geo_test

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/geo"
)

// pt builds a Point from latitude and longitude, the order in which places
// are usually quoted.
func pt(lat, lon float64) geo.Point { return geo.Point{Lon: lon, Lat: lat} }

func TestLocateFixture(t *testing.T) {
	shapes := loadShapes(t, "testdata/squares.geojson", "")
	for i, f := range readFeatures(t, "testdata/squares.geojson") {
		shapes[i].Code = f.ID
	}
	ix := geo.NewIndex(shapes)
	tests := []struct {
		name string
		p    geo.Point
		want string // "" for none
	}{
		{"HOLE body", geo.Point{Lon: 1, Lat: 1}, "HOLE"},
		{"HOLE body near hole", geo.Point{Lon: 2.9, Lat: 5}, "HOLE"},
		{"in the hole", geo.Point{Lon: 3.5, Lat: 3.5}, ""},
		{"in the hole, east part", geo.Point{Lon: 6.5, Lat: 5}, ""},
		{"island in the hole", geo.Point{Lon: 5, Lat: 5}, "ISLAND"},
		{"A", geo.Point{Lon: 12, Lat: 2}, "A"},
		{"A where OVER overlaps it", geo.Point{Lon: 17, Lat: 6}, "A"},
		{"OVER where B comes first", geo.Point{Lon: 22, Lat: 6}, "B"},
		{"B square", geo.Point{Lon: 25, Lat: 2}, "B"},
		{"B triangle", geo.Point{Lon: 5, Lat: 12}, "B"},
		{"beside B triangle", geo.Point{Lon: 1, Lat: 14}, ""},
		{"south of everything", geo.Point{Lon: 5, Lat: -1}, ""},
		{"far away", geo.Point{Lon: 100, Lat: 45}, ""},
		{"NaN", geo.Point{Lon: math.NaN(), Lat: 5}, ""},
		{"Inf", geo.Point{Lon: math.Inf(1), Lat: 5}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ix.Locate(tt.p)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("Locate(%v) = %q, %v; want %q", tt.p, got, ok, tt.want)
			}
			if want, _ := bruteLocate(shapes, tt.p); want != tt.want {
				t.Errorf("brute force says %q for %v; the table is wrong", want, tt.p)
			}
		})
	}
}

func TestLocateOnEdges(t *testing.T) {
	shapes := loadShapes(t, "testdata/squares.geojson", "name")
	for i, f := range readFeatures(t, "testdata/squares.geojson") {
		shapes[i].Code = f.ID
	}
	ix := geo.NewIndex(shapes)
	again := geo.NewIndex(shapes)
	tests := []struct {
		p     geo.Point
		oneOf []string
	}{
		{geo.Point{Lon: 10, Lat: 5}, []string{"HOLE", "A"}},
		{geo.Point{Lon: 10, Lat: 10}, []string{"HOLE", "A", "B", ""}},
		{geo.Point{Lon: 5, Lat: 10}, []string{"HOLE", "B"}},
		{geo.Point{Lon: 3, Lat: 5}, []string{"HOLE", ""}},
		{geo.Point{Lon: 4, Lat: 4}, []string{"ISLAND", ""}},
		{geo.Point{Lon: 0, Lat: 0}, []string{"HOLE", ""}},
		{geo.Point{Lon: 30, Lat: 5}, []string{"B", ""}},
	}
	for _, tt := range tests {
		got, _ := ix.Locate(tt.p)
		if !contains(tt.oneOf, got) {
			t.Errorf("Locate(%v) = %q; want one of %q", tt.p, got, tt.oneOf)
		}
		if got2, _ := again.Locate(tt.p); got2 != got {
			t.Errorf("Locate(%v) = %q, then %q from an identical index", tt.p, got, got2)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestLocateValle(t *testing.T) {
	ix := geo.NewIndex(loadShapes(t, "testdata/mexico_valle.geojson", "CVE_ENT"))
	tests := []struct {
		name string
		p    geo.Point
		want string
	}{
		{"Mexico City, Zócalo", pt(19.4326, -99.1332), "09"},
		{"Toluca", pt(19.2926, -99.6569), "15"},
		{"Cuernavaca", pt(18.9242, -99.2216), "17"},
		{"Puebla, outside the subset", pt(19.0414, -98.2063), ""},
	}
	for _, tt := range tests {
		if got, _ := ix.Locate(tt.p); got != tt.want {
			t.Errorf("%s: Locate(%v) = %q; want %q", tt.name, tt.p, got, tt.want)
		}
	}
}

func TestLocateKnownPlaces(t *testing.T) {
	mexico := geo.NewIndex(loadShapes(t, sharedDir+"/mexico_states.geojson", "CVE_ENT"))
	countries := geo.NewIndex(loadShapes(t, sharedDir+"/americas_oas_countries.geojson", "ISO_A3"))
	tests := []struct {
		name string
		ix   *geo.Index
		p    geo.Point
		want string
	}{
		{"Mexico City", mexico, pt(19.43, -99.13), "09"},
		{"Monterrey", mexico, pt(25.67, -100.31), "19"},
		{"Guadalajara", mexico, pt(20.67, -103.35), "14"},
		{"Nezahualcóyotl", mexico, pt(19.4006, -98.9886), "15"},
		{"Ecatepec", mexico, pt(19.6010, -99.0500), "15"},
		{"Naucalpan", mexico, pt(19.4785, -99.2396), "15"},
		{"Cuernavaca", mexico, pt(18.9242, -99.2216), "17"},
		{"Mérida", mexico, pt(20.9674, -89.5926), "31"},
		{"Tijuana", mexico, pt(32.5149, -117.0382), "02"},
		{"Gulf of Mexico", mexico, pt(24.0, -92.0), ""},
		{"Bogotá", countries, pt(4.711, -74.072), "COL"},
		{"Lima", countries, pt(-12.046, -77.043), "PER"},
		{"Ottawa", countries, pt(45.4215, -75.6972), "CAN"},
		{"Western Aleutians", countries, pt(52.93, 173.2), "USA"},
		{"Kingston, just off the coast", countries, pt(17.9714, -76.7936), ""},
		{"Caribbean Sea", countries, pt(15.0, -75.0), ""},
	}
	for _, tt := range tests {
		if got, _ := tt.ix.Locate(tt.p); got != tt.want {
			t.Errorf("%s: Locate(%v) = %q; want %q", tt.name, tt.p, got, tt.want)
		}
	}
}

func TestPlaceAndNearest(t *testing.T) {
	countries := geo.NewIndex(loadShapes(t, sharedDir+"/americas_oas_countries.geojson", "ISO_A3"))
	tests := []struct {
		name    string
		p       geo.Point
		tol     float64
		want    string
		how     atalaya.Placement
		maxDist float64
	}{
		{"Bogotá inside", pt(4.711, -74.072), 5000, "COL", atalaya.PlacedByPoint, 0},
		{"Kingston within 5 km", pt(17.9714, -76.7936), 5000, "JAM", atalaya.PlacedByNearest, 5000},
		{"Kingston with no tolerance", pt(17.9714, -76.7936), 0, "", "", 0},
		{"100 km south of Jamaica", pt(16.95, -76.79), 5000, "", "", 0},
		{"mid-Atlantic", pt(30, -40), 50000, "", "", 0},
	}
	for _, tt := range tests {
		code, meters, how, ok := countries.Place(tt.p, tt.tol)
		if code != tt.want || how != tt.how || ok != (tt.want != "") || meters > tt.maxDist {
			t.Errorf("%s: Place(%v, %v) = %q, %.0f m, %q, %v; want %q, ≤ %.0f m, %q",
				tt.name, tt.p, tt.tol, code, meters, how, ok, tt.want, tt.maxDist, tt.how)
		}
	}
	// Kingston lies 0.2–3 km outside the 1:50m coast (PROVENANCE.md §4).
	code, meters, ok := countries.Nearest(pt(17.9714, -76.7936), 5000)
	if code != "JAM" || !ok || meters < 100 || meters > 3500 {
		t.Errorf("Nearest(Kingston, 5 km) = %q, %.0f m, %v; want JAM at 0.1–3.5 km", code, meters, ok)
	}
	if _, _, ok := countries.Nearest(pt(16.95, -76.79), 5000); ok {
		t.Errorf("Nearest(100 km off Jamaica, 5 km) found a country")
	}
}

func TestNearestFixture(t *testing.T) {
	shapes := loadShapes(t, "testdata/squares.geojson", "")
	for i, f := range readFeatures(t, "testdata/squares.geojson") {
		shapes[i].Code = f.ID
	}
	ix := geo.NewIndex(shapes)
	deg := geo.HaversineMeters(geo.Point{}, geo.Point{Lat: 1}) // one degree of latitude
	tests := []struct {
		name  string
		p     geo.Point
		max   float64
		want  string
		meter float64
	}{
		{"south of A", geo.Point{Lon: 15, Lat: -0.01}, 5000, "A", 0.01 * deg},
		{"south of HOLE", geo.Point{Lon: 5, Lat: -0.02}, 5000, "HOLE", 0.02 * deg},
		{"inside the hole, near ISLAND", geo.Point{Lon: 4.5, Lat: 3.99}, 5000, "ISLAND", 0.01 * deg},
		{"too far", geo.Point{Lon: 15, Lat: -0.1}, 5000, "", 0},
		{"far, big radius", geo.Point{Lon: 45, Lat: 5}, 2000e3, "B", geo.HaversineMeters(geo.Point{Lon: 45, Lat: 5}, geo.Point{Lon: 30, Lat: 5})},
		{"beyond the grid", geo.Point{Lon: -0.01, Lat: -0.01}, 5000, "HOLE", math.Sqrt2 * 0.01 * deg},
		{"negative radius", geo.Point{Lon: 15, Lat: -0.01}, -1, "", 0},
	}
	for _, tt := range tests {
		code, meters, ok := ix.Nearest(tt.p, tt.max)
		if code != tt.want || ok != (tt.want != "") || math.Abs(meters-tt.meter) > 0.01*tt.meter+1 {
			t.Errorf("%s: Nearest(%v, %v) = %q, %.1f m, %v; want %q, %.1f m", tt.name, tt.p, tt.max, code, meters, ok, tt.want, tt.meter)
		}
	}
}

// TestLocateMatchesBruteForce compares Locate with a full ray cast over
// every polygon, for random points in each file's bounding box and for
// random points a little off random edges (where the index does its work).
func TestLocateMatchesBruteForce(t *testing.T) {
	tests := []struct {
		path, key string
		n         int
	}{
		{"testdata/squares.geojson", "name", 20000},
		{"testdata/mexico_valle.geojson", "CVE_ENT", 20000},
		{sharedDir + "/mexico_states.geojson", "CVE_ENT", 20000},
		{sharedDir + "/americas_oas_countries.geojson", "ISO_A3", 20000},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			shapes := loadShapes(t, tt.path, tt.key)
			ix := geo.NewIndex(shapes)
			lo, hi := bbox(shapes)
			var edges [][2]geo.Point
			for _, s := range shapes {
				for _, poly := range s.Geometry {
					for _, ring := range poly {
						for i := 1; i < len(ring); i++ {
							edges = append(edges, [2]geo.Point{ring[i-1], ring[i]})
						}
					}
				}
			}
			n := tt.n
			if testing.Short() {
				n /= 10
			}
			rng := rand.New(rand.NewPCG(1, 2))
			inside, boundary := 0, 0
			for i := range 2 * n {
				p := geo.Point{Lon: lo.Lon + rng.Float64()*(hi.Lon-lo.Lon), Lat: lo.Lat + rng.Float64()*(hi.Lat-lo.Lat)}
				if i >= n { // near an edge: up to about 100 m off it, down to 1e-9 degrees
					e, f := edges[rng.IntN(len(edges))], rng.Float64()
					off := math.Pow(10, -9+8*rng.Float64())
					p = geo.Point{
						Lon: e[0].Lon + f*(e[1].Lon-e[0].Lon) + off*rng.NormFloat64(),
						Lat: e[0].Lat + f*(e[1].Lat-e[0].Lat) + off*rng.NormFloat64(),
					}
				}
				got, ok := ix.Locate(p)
				want, wantOK := bruteLocate(shapes, p)
				if got != want || ok != wantOK {
					if !onBoundary(shapes, p) {
						t.Fatalf("Locate(%v) = %q, %v; brute force %q, %v", p, got, ok, want, wantOK)
					}
					boundary++
				}
				if wantOK {
					inside++
				}
			}
			t.Logf("%d of %d points inside a shape; %d on a boundary answered differently", inside, 2*n, boundary)
		})
	}
}

func TestIndexMemory(t *testing.T) {
	shapes := loadShapes(t, sharedDir+"/mexico_states.geojson", "CVE_ENT")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ix := geo.NewIndex(shapes)
	runtime.GC()
	runtime.ReadMemStats(&after)
	retained := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("index of %d shapes retains %.1f MB", ix.Len(), float64(retained)/(1<<20))
	if retained > 100<<20 {
		t.Errorf("index retains %d bytes; want < 100 MB", retained)
	}
	runtime.KeepAlive(ix)
}

func TestEmptyIndex(t *testing.T) {
	for _, shapes := range [][]geo.Shape{nil, {{Code: "X"}}, {{Code: "DEGENERATE", Geometry: geo.MultiPolygon{{{{Lon: 1, Lat: 1}, {Lon: 1, Lat: 1}}}}}}} {
		ix := geo.NewIndex(shapes)
		if code, ok := ix.Locate(geo.Point{Lon: 1, Lat: 1}); ok {
			t.Errorf("Locate on %v = %q", shapes, code)
		}
		if code, _, ok := ix.Nearest(geo.Point{Lon: 1, Lat: 1}, 1e6); ok {
			t.Errorf("Nearest on %v = %q", shapes, code)
		}
	}
}

func TestUnclosedRingsInShapes(t *testing.T) {
	// NewIndex closes rings itself, for shapes built without ReadFeatureCollection.
	ix := geo.NewIndex([]geo.Shape{{Code: "T", Geometry: geo.MultiPolygon{{{{Lon: 0, Lat: 0}, {Lon: 4, Lat: 0}, {Lon: 0, Lat: 4}}}}}})
	if code, ok := ix.Locate(geo.Point{Lon: 1, Lat: 1}); code != "T" || !ok {
		t.Errorf("Locate((1,1)) = %q, %v; want T", code, ok)
	}
	if _, ok := ix.Locate(geo.Point{Lon: 3, Lat: 3}); ok {
		t.Errorf("Locate((3,3)) found a shape beyond the hypotenuse")
	}
}

func TestHaversineMeters(t *testing.T) {
	tests := []struct {
		a, b geo.Point
		want float64
	}{
		{geo.Point{}, geo.Point{}, 0},
		{geo.Point{}, geo.Point{Lat: 1}, 111195},
		{geo.Point{}, geo.Point{Lon: 1}, 111195},
		{geo.Point{Lat: 60}, geo.Point{Lon: 1, Lat: 60}, 55597},
		{geo.Point{}, geo.Point{Lat: 90}, 10007543},
		{pt(4.711, -74.072), pt(-12.046, -77.043), 1891e3},
	}
	for _, tt := range tests {
		if got := geo.HaversineMeters(tt.a, tt.b); math.Abs(got-tt.want) > 0.001*tt.want+1 {
			t.Errorf("HaversineMeters(%v, %v) = %.0f; want %.0f", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestBBox(t *testing.T) {
	m := geo.MultiPolygon{
		{{{Lon: 1, Lat: 2}, {Lon: 3, Lat: 2}, {Lon: 3, Lat: 5}, {Lon: 1, Lat: 2}}},
		{{{Lon: -4, Lat: 0}, {Lon: -3, Lat: 0}, {Lon: -3, Lat: 1}, {Lon: -4, Lat: 0}}},
	}
	lo, hi := m.BBox()
	if lo != (geo.Point{Lon: -4, Lat: 0}) || hi != (geo.Point{Lon: 3, Lat: 5}) {
		t.Errorf("BBox() = %v, %v; want {-4 0}, {3 5}", lo, hi)
	}
	if lo, hi := (geo.MultiPolygon{}).BBox(); lo != (geo.Point{}) || hi != (geo.Point{}) {
		t.Errorf("empty BBox() = %v, %v; want zero points", lo, hi)
	}
}

// TestLongEdges builds an index over a zigzag of edges spanning the whole
// box, the worst case for a grid, and checks that memory stays bounded and
// answers stay right.
func TestLongEdges(t *testing.T) {
	var ring []geo.Point
	for k := range 5000 {
		y := float64(k) * 0.004
		ring = append(ring, geo.Point{Lon: 0, Lat: y}, geo.Point{Lon: 50, Lat: y + 0.002})
	}
	ring = append(ring, geo.Point{Lon: -1, Lat: 20}, geo.Point{Lon: -1, Lat: 0}, ring[0])
	shapes := []geo.Shape{{Code: "Z", Geometry: geo.MultiPolygon{{ring}}}}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ix := geo.NewIndex(shapes)
	runtime.GC()
	runtime.ReadMemStats(&after)
	if retained := int64(after.HeapAlloc) - int64(before.HeapAlloc); retained > 32<<20 {
		t.Errorf("index of %d edges retains %d bytes; want < 32 MB", len(ring), retained)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		p := geo.Point{Lon: -2 + 54*rng.Float64(), Lat: -1 + 22*rng.Float64()}
		got, ok := ix.Locate(p)
		if want, wantOK := bruteLocate(shapes, p); (got != want || ok != wantOK) && !onBoundary(shapes, p) {
			t.Fatalf("Locate(%v) = %q, %v; brute force %q, %v", p, got, ok, want, wantOK)
		}
	}
	runtime.KeepAlive(ix)
}
