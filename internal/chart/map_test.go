package chart

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya/data"
	"github.com/oas-atalaya/atalaya/internal/geo"
)

// mexico returns Mexico's 32 states from the embedded INEGI boundaries,
// parsed the way the pages parse an area's stored boundary.
func mexico(t testing.TB) []Shape {
	t.Helper()
	raw, err := data.FS.ReadFile("mexico/mexico_states.geojson")
	if err != nil {
		t.Fatal(err)
	}
	feats, err := geo.ReadFeatureCollection(bytes.NewReader(raw), 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	var shapes []Shape
	for i, f := range feats {
		m, err := geo.ParseGeometry(f.RawGeometry)
		if err != nil {
			t.Fatal(err)
		}
		code := f.Properties["CVE_ENT"]
		shapes = append(shapes, Shape{ID: code, Name: f.Properties["NOMGEO"], Geometry: m,
			// A made-up, skewed spread of rates; two states without data.
			Value: math.Round(math.Pow(float64(i*37%32+1), 1.6)*10) / 10, HasValue: code != "07" && code != "20",
			Href: "/areas/MEX-" + code})
	}
	return shapes
}

func TestMapMexico(t *testing.T) {
	shapes := mexico(t)
	if len(shapes) != 32 {
		t.Fatalf("%d states, want 32", len(shapes))
	}
	comma := func(v float64) string { return strings.Replace(fmt.Sprintf("%.1f", v), ".", ",", 1) }
	svg := string(Map(shapes, MapOptions{ID: "mx", Title: "Tasa de homicidios por entidad, 2024", Desc: "Mapa coroplético de las 32 entidades",
		Unit: "Víctimas por 100 000", NoDataLabel: "Sin datos", Format: comma, Highlight: "08"}))
	if n := len(svg); n > 150_000 {
		t.Errorf("map is %d bytes, want under 150 KB", n)
	}
	t.Logf("Mexico map: %d bytes", len(svg))
	el := checkSVG(t, svg)
	if el["path"] != 32 || el["a"] != 32 {
		t.Errorf("%d paths and %d links, want 32 each", el["path"], el["a"])
	}
	for _, s := range shapes {
		if !strings.Contains(svg, `href="/areas/MEX-`+s.ID+`"`) || !strings.Contains(svg, "<title>"+esc(s.Name)+": ") {
			t.Errorf("state %s (%s) missing", s.ID, s.Name)
		}
	}
	for _, want := range []string{`role="group"`, `class="area highlight"`, "Sin datos", "Víctimas por 100 000", `fill="url(#mx-nd)"`, "Chiapas: Sin datos"} {
		if !strings.Contains(svg, want) {
			t.Errorf("map lacks %q", want)
		}
	}
	golden(t, "map_mexico", svg)

	// A phone-width map: the legend takes at most half the width.
	narrow := string(Map(shapes, MapOptions{ID: "mx2", Title: "Homicide rate by state", Width: 360, Unit: "Per 100,000", Classes: 7, Method: Quantile}))
	checkSVG(t, narrow)
	golden(t, "map_mexico_narrow", narrow)
}

// square returns a one-ring square geometry of side d degrees at lon, lat,
// with an optional square hole in its middle.
func square(lon, lat, d float64, hole bool) geo.MultiPolygon {
	ring := func(x, y, s float64) []geo.Point {
		return []geo.Point{{Lon: x, Lat: y}, {Lon: x + s, Lat: y}, {Lon: x + s, Lat: y + s}, {Lon: x, Lat: y + s}, {Lon: x, Lat: y}}
	}
	p := geo.Polygon{ring(lon, lat, d)}
	if hole {
		p = append(p, ring(lon+d/4, lat+d/4, d/2))
	}
	return geo.MultiPolygon{p}
}

func TestMapCases(t *testing.T) {
	tests := []struct {
		name   string
		shapes []Shape
		opt    MapOptions
		wants  []string
		paths  int
	}{
		{"no links is an image", []Shape{{ID: "a", Name: "A", Geometry: square(0, 0, 1, false), Value: 1, HasValue: true}, {ID: "b", Name: "B", Geometry: square(1, 0, 1, false), Value: 2, HasValue: true}},
			MapOptions{Title: "t"}, []string{`role="img"`, "<title>A: 1</title>", "<title>B: 2</title>", ">1</text>", ">2</text>"}, 2},
		{"hole kept with even-odd", []Shape{{ID: "a", Name: "A", Geometry: square(0, 0, 10, true), HasValue: true, Value: 5}},
			MapOptions{Title: "t", Width: 300}, []string{`fill-rule="evenodd"`, "zM"}, 1},
		// A speck far from a large area: smaller than the tolerance, it is
		// kept as a one-pixel mark so that it can be seen and pointed at.
		{"speck kept", []Shape{{ID: "big", Name: "Big", Geometry: square(0, 0, 20, false)}, {ID: "tiny", Name: "Tiny", Geometry: square(5, 5, 0.0001, false), HasValue: true, Value: 3, Label: "3 (small count)"}},
			MapOptions{Title: "t", NoDataLabel: "n/d"}, []string{"<title>Big: n/d</title>", "<title>Tiny: 3 (small count)</title>", "l1 0 0 1-1 0z"}, 2},
		{"given breaks and colours", []Shape{{ID: "a", Name: "A", Geometry: square(0, 0, 1, false), Value: 7, HasValue: true}},
			MapOptions{Title: "t", Breaks: []float64{0, 5, 10}, Colors: []string{"#eeeeee", "#111111"}}, []string{`fill="#111111"`, "0 – 5", "5 – 10"}, 1},
		{"all no data", []Shape{{ID: "a", Name: "A & B", Geometry: square(0, 0, 1, false)}},
			MapOptions{Title: "t", Highlight: "a"}, []string{`class="area nodata highlight"`, "A &amp; B: No data"}, 1},
		{"escaped href", []Shape{{ID: "a", Name: "A", Geometry: square(0, 0, 1, false), Href: `/x?a=1&b="2"`}},
			MapOptions{Title: "t"}, []string{`href="/x?a=1&amp;b=&#34;2&#34;"`, `role="group"`}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg := string(Map(tt.shapes, tt.opt))
			if el := checkSVG(t, svg); el["path"] != tt.paths {
				t.Errorf("%d paths, want %d", el["path"], tt.paths)
			}
			for _, want := range tt.wants {
				if !strings.Contains(svg, want) {
					t.Errorf("lacks %q in %s", want, svg)
				}
			}
		})
	}
	if got := Map(nil, MapOptions{}); got != "" {
		t.Errorf("Map(nil) = %.80q", got)
	}
}

// TestMapAmericas draws the 35 OAS member states, whose extent crosses the
// antimeridian (the Aleutians): the map must stay one piece west of it.
func TestMapAmericas(t *testing.T) {
	raw, err := data.FS.ReadFile("americas/americas_oas_countries.geojson")
	if err != nil {
		t.Fatal(err)
	}
	feats, err := geo.ReadFeatureCollection(bytes.NewReader(raw), 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	var shapes []Shape
	for i, f := range feats {
		shapes = append(shapes, Shape{ID: f.Properties["ISO_A3"], Name: f.Properties["NAME"], Geometry: f.Geometry, Value: float64(i % 9), HasValue: i%7 != 3})
	}
	svg := string(Map(shapes, MapOptions{ID: "oas", Title: "OAS member states", Width: 600, Unit: "Rate"}))
	el := checkSVG(t, svg)
	if el["path"] != 35 {
		t.Errorf("%d paths, want 35", el["path"])
	}
	if len(svg) > 150_000 {
		t.Errorf("%d bytes", len(svg))
	}
	t.Logf("Americas map: %d bytes", len(svg))
	golden(t, "map_americas", svg)
}

// BenchmarkMapMexico measures drawing the 32 states (parsing excluded), the
// work of an explorer page.
func BenchmarkMapMexico(b *testing.B) {
	shapes := mexico(b)
	for b.Loop() {
		Map(shapes, MapOptions{Title: "t", Highlight: "08"})
	}
}
