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
func mexico(t *testing.T) []Shape {
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
}
