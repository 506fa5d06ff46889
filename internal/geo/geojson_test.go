package geo_test

import (
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/geo"
)

// square is a closed unit-square ring as GeoJSON.
const square = `[[0,0],[1,0],[1,1],[0,1],[0,0]]`

// feature wraps a geometry in a Feature with an id.
func feature(id, geometry string) string {
	return `{"type":"Feature","id":` + id + `,"properties":{},"geometry":` + geometry + `}`
}

// collection wraps features in a FeatureCollection.
func collection(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
}

func TestReadFeatureCollectionErrors(t *testing.T) {
	ok := feature(`"OK"`, `{"type":"Polygon","coordinates":[`+square+`]}`)
	tests := []struct {
		name, in string
		code     string
		msg      []string // substrings of the message
	}{
		{"not JSON", `{"type":`, atalaya.EINVALID, []string{"not valid JSON"}},
		{"not an object", `[1,2]`, atalaya.EINVALID, []string{"not a JSON object"}},
		{"not a collection", `{"type":"Topology"}`, atalaya.EINVALID, []string{`type is "Topology"`, "FeatureCollection"}},
		{"no features", `{"type":"FeatureCollection"}`, atalaya.EINVALID, []string{`"features" array`}},
		{"empty", collection(), atalaya.EINVALID, []string{"no features"}},
		{"feature not an object", collection(ok, `7`), atalaya.EINVALID, []string{"features[1]", "not a JSON object"}},
		{"wrong feature type", collection(`{"type":"Polygon","coordinates":[]}`), atalaya.EINVALID, []string{"features[0]", `want "Feature"`}},
		{"point", collection(ok, feature(`"P"`, `{"type":"Point","coordinates":[1,2]}`)), atalaya.EINVALID,
			[]string{"features[1]", `(id "P")`, `unsupported geometry type "Point"`}},
		{"geometry collection", collection(feature(`"G"`, `{"type":"GeometryCollection","geometries":[]}`)), atalaya.EINVALID,
			[]string{"features[0]", `(id "G")`, "GeometryCollection is not supported"}},
		{"numeric id", collection(feature(`15`, `{"type":"Point","coordinates":[1,2]}`)), atalaya.EINVALID, []string{`(id "15")`}},
		{"object id", collection(feature(`{}`, `{"type":"Polygon","coordinates":[`+square+`]}`)), atalaya.EINVALID, []string{`"id" must be`}},
		{"null geometry", collection(feature(`"N"`, `null`)), atalaya.EINVALID, []string{`(id "N")`, "no geometry"}},
		{"no type", collection(feature(`"T"`, `{"coordinates":[]}`)), atalaya.EINVALID, []string{`no "type"`}},
		{"no coordinates", collection(feature(`"C"`, `{"type":"Polygon"}`)), atalaya.EINVALID, []string{"Polygon has no coordinates"}},
		{"no rings", collection(feature(`"R"`, `{"type":"Polygon","coordinates":[]}`)), atalaya.EINVALID, []string{"polygon 0 has no rings"}},
		{"no polygons", collection(feature(`"M"`, `{"type":"MultiPolygon","coordinates":[]}`)), atalaya.EINVALID, []string{"MultiPolygon has no polygons"}},
		{"short ring", collection(feature(`"S"`, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}`)), atalaya.EINVALID,
			[]string{`(id "S")`, "polygon 0, ring 0", "ring has 3 positions", "at least 4"}},
		{"short unclosed ring", collection(feature(`"S"`, `{"type":"Polygon","coordinates":[[[0,0],[1,0]]]}`)), atalaya.EINVALID,
			[]string{"ring has 2 positions"}},
		{"short hole", collection(feature(`"H"`, `{"type":"MultiPolygon","coordinates":[[`+square+`],[`+square+`,[[0,0],[0,0]]]]}`)), atalaya.EINVALID,
			[]string{"polygon 1, ring 1"}},
		{"longitude", collection(feature(`"X"`, `{"type":"Polygon","coordinates":[[[0,0],[181,0],[1,1],[0,0]]]}`)), atalaya.EINVALID,
			[]string{"position 1: longitude 181 is outside [-180, 180]"}},
		{"latitude", collection(feature(`"Y"`, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,-90.5],[0,0]]]}`)), atalaya.EINVALID,
			[]string{"position 2: latitude -90.5 is outside [-90, 90]"}},
		{"one number", collection(feature(`"O"`, `{"type":"Polygon","coordinates":[[[0,0],[1],[1,1],[0,0]]]}`)), atalaya.EINVALID,
			[]string{"position 1 has 1 numbers"}},
		{"null coordinate", collection(feature(`"Z"`, `{"type":"Polygon","coordinates":[[[0,0],[1,null],[1,1],[0,0]]]}`)), atalaya.EINVALID,
			[]string{"contain null"}},
		{"string coordinate", collection(feature(`"Q"`, `{"type":"Polygon","coordinates":[[[0,0],["1",0],[1,1],[0,0]]]}`)), atalaya.EINVALID,
			[]string{`(id "Q")`, "Polygon coordinates must be"}},
		{"overflowing number", collection(feature(`"I"`, `{"type":"Polygon","coordinates":[[[0,0],[1e999,0],[1,1],[0,0]]]}`)), atalaya.EINVALID,
			[]string{`(id "I")`}},
		{"bad properties", collection(`{"type":"Feature","properties":[1],"geometry":{"type":"Polygon","coordinates":[` + square + `]}}`), atalaya.EINVALID,
			[]string{`"properties" must be an object`}},
		{"too large", collection(ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok), atalaya.ETOOLARGE, []string{"larger than the limit of 1000 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := geo.ReadFeatureCollection(strings.NewReader(tt.in), 1000)
			var e *atalaya.Error
			if !errors.As(err, &e) {
				t.Fatalf("ReadFeatureCollection = %v, %v; want an *atalaya.Error", got, err)
			}
			if e.Code != tt.code {
				t.Errorf("code = %q; want %q (%v)", e.Code, tt.code, err)
			}
			for _, s := range tt.msg {
				if !strings.Contains(e.Message, s) {
					t.Errorf("message %q does not contain %q", e.Message, s)
				}
			}
		})
	}
}

func TestReadFeatureCollection(t *testing.T) {
	in := collection(
		`{"type":"Feature","id":"09","properties":{"CVE_ENT":"09","n":1.50,"big":12345678901234567890,"t":true,"z":null,"o":{"a":1},"l":[1]},
		  "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]],[[0.5,0.1],[0.9,0.1],[0.9,0.5]]]}}`,
		`{"type":"Feature","id":15,"properties":null,
		  "geometry":{"type":"MultiPolygon","coordinates":[[[[2,0,100],[3,0,100],[3,1,100],[2,0,100]]],[[[4,0],[5,0],[5,1],[4,0]]]]}}`,
		`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[-180,-90],[180,-90],[180,90],[-180,-90]]]}}`,
	)
	got, err := geo.ReadFeatureCollection(strings.NewReader(in), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []geo.Feature{
		{
			ID:         "09",
			Properties: map[string]string{"CVE_ENT": "09", "n": "1.50", "big": "12345678901234567890", "t": "true", "z": ""},
			Geometry: geo.MultiPolygon{{
				{{Lon: 0, Lat: 0}, {Lon: 1, Lat: 0}, {Lon: 1, Lat: 1}, {Lon: 0, Lat: 0}},
				// The unclosed hole is closed.
				{{Lon: 0.5, Lat: 0.1}, {Lon: 0.9, Lat: 0.1}, {Lon: 0.9, Lat: 0.5}, {Lon: 0.5, Lat: 0.1}},
			}},
		},
		{
			ID:         "15",
			Properties: map[string]string{},
			Geometry: geo.MultiPolygon{
				{{{Lon: 2, Lat: 0}, {Lon: 3, Lat: 0}, {Lon: 3, Lat: 1}, {Lon: 2, Lat: 0}}},
				{{{Lon: 4, Lat: 0}, {Lon: 5, Lat: 0}, {Lon: 5, Lat: 1}, {Lon: 4, Lat: 0}}},
			},
		},
		{
			Properties: map[string]string{},
			Geometry:   geo.MultiPolygon{{{{Lon: -180, Lat: -90}, {Lon: 180, Lat: -90}, {Lon: 180, Lat: 90}, {Lon: -180, Lat: -90}}}},
		},
	}
	for i := range want {
		g := got[i]
		if g.ID != want[i].ID || !reflect.DeepEqual(g.Properties, want[i].Properties) || !reflect.DeepEqual(g.Geometry, want[i].Geometry) {
			t.Errorf("feature %d = %+v\nwant %+v", i, g, want[i])
		}
		// The raw geometry parses back to the same MultiPolygon.
		if m, err := geo.ParseGeometry(g.RawGeometry); err != nil || !reflect.DeepEqual(m, g.Geometry) {
			t.Errorf("ParseGeometry(feature %d RawGeometry) = %v, %v", i, m, err)
		}
	}
	if !strings.HasPrefix(string(got[1].RawGeometry), `{"type":"MultiPolygon"`) {
		t.Errorf("RawGeometry = %s; want the geometry member as read", got[1].RawGeometry)
	}
}

func TestReadSingleFeature(t *testing.T) {
	got, err := geo.ReadFeatureCollection(strings.NewReader(feature(`"A"`, `{"type":"Polygon","coordinates":[`+square+`]}`)), 1<<10)
	if err != nil || len(got) != 1 || got[0].ID != "A" || len(got[0].Geometry) != 1 {
		t.Fatalf("ReadFeatureCollection(Feature) = %+v, %v; want one feature A", got, err)
	}
	_, err = geo.ReadFeatureCollection(strings.NewReader(feature(`"B"`, `{"type":"Point","coordinates":[1,2]}`)), 1<<10)
	if msg := atalaya.ErrorMessage(err); !strings.Contains(msg, `feature (id "B")`) || !strings.Contains(msg, `"Point"`) {
		t.Errorf("single Point feature: message %q; want the id and the type", msg)
	}
}

func TestReadErrorIsWrapped(t *testing.T) {
	boom := errors.New("connection reset")
	_, err := geo.ReadFeatureCollection(io.MultiReader(strings.NewReader(`{"type"`), errReader{boom}), 0)
	if !errors.Is(err, boom) || atalaya.ErrorCode(err) != atalaya.EINTERNAL {
		t.Errorf("err = %v; want the read error, code internal", err)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestParseGeometryErrors(t *testing.T) {
	tests := []struct{ in, msg string }{
		{`nope`, "not valid JSON"},
		{`{"type":"LineString","coordinates":[[0,0],[1,1]]}`, `unsupported geometry type "LineString"`},
		{`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,100],[0,0]]]}`, "latitude 100"},
	}
	for _, tt := range tests {
		_, err := geo.ParseGeometry([]byte(tt.in))
		if atalaya.ErrorCode(err) != atalaya.EINVALID || !strings.Contains(atalaya.ErrorMessage(err), tt.msg) {
			t.Errorf("ParseGeometry(%s) = %v; want EINVALID containing %q", tt.in, err, tt.msg)
		}
	}
}

func TestReadSharedFiles(t *testing.T) {
	tests := []struct {
		file, key string
		n         int
	}{
		{"mexico_states.geojson", "CVE_ENT", 32},
		{"americas_oas_countries.geojson", "ISO_A3", 35},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			features := readFeatures(t, sharedDir+"/"+tt.file)
			if len(features) != tt.n {
				t.Errorf("%d features; want %d", len(features), tt.n)
			}
			seen := map[string]bool{}
			for i, f := range features {
				code := f.Properties[tt.key]
				if code == "" || code != f.ID || seen[code] {
					t.Errorf("feature %d: code %q, id %q (duplicate: %v)", i, code, f.ID, seen[code])
				}
				seen[code] = true
				if !json.Valid(f.RawGeometry) {
					t.Errorf("feature %d: RawGeometry is not valid JSON", i)
				}
			}
		})
	}
}
