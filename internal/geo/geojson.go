package geo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/oas-atalaya/atalaya"
)

// Feature is one area read from a GeoJSON FeatureCollection.
type Feature struct {
	// ID is the feature's top-level "id" as a string: a JSON string as is,
	// a number as its literal text; "" when absent or null.
	ID string
	// Properties holds the scalar properties rendered as strings: strings
	// as is, numbers as their literal JSON text, booleans as "true" or
	// "false", null as "". Objects and arrays are skipped.
	Properties map[string]string
	// Geometry is the validated geometry; a Polygon becomes a one-element
	// MultiPolygon.
	Geometry MultiPolygon
	// RawGeometry is the "geometry" member exactly as read, for storing as
	// the area's boundary (see ParseGeometry).
	RawGeometry json.RawMessage
}

// ReadFeatureCollection reads a GeoJSON FeatureCollection of Polygon and
// MultiPolygon features (or a single Feature) of at most maxBytes bytes; a
// maxBytes of zero or less means no limit.
//
// Every problem is reported as an *atalaya.Error: EINVALID naming the
// feature's index in "features" and its id, and the polygon, ring and
// position at fault; ETOOLARGE when the input exceeds maxBytes. Rings must
// have at least four positions with the last equal to the first; a ring
// whose last position differs from its first is closed by appending the
// first position, and is then held to the same minimum (three distinct
// positions). Positions must be finite, with longitude in [-180, 180] and
// latitude in [-90, 90]; numbers after the latitude (altitude) are ignored.
// A read error from r is returned wrapped, not as an *atalaya.Error.
func ReadFeatureCollection(r io.Reader, maxBytes int64) ([]Feature, error) {
	data, err := readLimited(r, maxBytes)
	if err != nil {
		return nil, err
	}
	top, err := decodeObject(data)
	if err != nil {
		return nil, atalaya.Errorf(atalaya.EINVALID, "GeoJSON: %v", err)
	}
	switch typ := memberString(top, "type"); typ {
	case "Feature":
		f, err := parseFeature(top)
		if err != nil {
			return nil, atalaya.Errorf(atalaya.EINVALID, "GeoJSON feature%s: %v", idLabel(f.ID), err)
		}
		return []Feature{f}, nil
	case "FeatureCollection":
	default:
		return nil, atalaya.Errorf(atalaya.EINVALID, "GeoJSON: type is %q, want \"FeatureCollection\"", typ)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(top["features"], &raws); err != nil || raws == nil {
		return nil, atalaya.Errorf(atalaya.EINVALID, `GeoJSON: a FeatureCollection needs a "features" array`)
	}
	if len(raws) == 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "GeoJSON: the FeatureCollection has no features")
	}
	features := make([]Feature, 0, len(raws))
	for i, raw := range raws {
		obj, err := decodeObject(raw)
		if err == nil && memberString(obj, "type") != "Feature" {
			err = fmt.Errorf("type is %q, want \"Feature\"", memberString(obj, "type"))
		}
		var f Feature
		if err == nil {
			f, err = parseFeature(obj)
		}
		if err != nil {
			return nil, atalaya.Errorf(atalaya.EINVALID, "GeoJSON features[%d]%s: %v", i, idLabel(f.ID), err)
		}
		features = append(features, f)
	}
	return features, nil
}

// ParseGeometry parses a GeoJSON Polygon or MultiPolygon geometry object,
// such as a boundary stored from Feature.RawGeometry, with the checks of
// ReadFeatureCollection.
func ParseGeometry(raw []byte) (MultiPolygon, error) {
	m, err := parseGeometry(raw)
	if err != nil {
		return nil, atalaya.Errorf(atalaya.EINVALID, "GeoJSON geometry: %v", err)
	}
	return m, nil
}

// readLimited reads all of r, failing with ETOOLARGE past maxBytes.
func readLimited(r io.Reader, maxBytes int64) ([]byte, error) {
	if maxBytes > 0 && maxBytes < math.MaxInt64 {
		r = io.LimitReader(r, maxBytes+1)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("geo: reading GeoJSON: %w", err)
	}
	if maxBytes > 0 && int64(len(data)) > maxBytes {
		return nil, atalaya.Errorf(atalaya.ETOOLARGE, "GeoJSON is larger than the limit of %d bytes", maxBytes)
	}
	return data, nil
}

// idLabel renders a feature id for error messages.
func idLabel(id string) string {
	if id == "" {
		return ""
	}
	return fmt.Sprintf(" (id %q)", id)
}

// decodeObject decodes a JSON object into its members, matching keys
// exactly (encoding/json's struct decoding would ignore case).
func decodeObject(data []byte) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, fmt.Errorf("not valid JSON (at byte %d: %v)", syn.Offset, syn)
		}
		return nil, errors.New("not a JSON object")
	}
	if obj == nil {
		return nil, errors.New("not a JSON object")
	}
	return obj, nil
}

// memberString returns obj[key] if it is a JSON string, else "".
func memberString(obj map[string]json.RawMessage, key string) string {
	var s string
	if json.Unmarshal(obj[key], &s) != nil {
		return ""
	}
	return s
}

// parseFeature converts a decoded Feature object. The returned Feature
// carries the ID even on error, for the message.
func parseFeature(obj map[string]json.RawMessage) (Feature, error) {
	var f Feature
	id, kind := scalar(obj["id"])
	f.ID = id
	if kind == scalarNested {
		return f, errors.New(`"id" must be a string or a number`)
	}
	f.Properties = map[string]string{}
	if raw := bytes.TrimSpace(obj["properties"]); len(raw) > 0 && string(raw) != "null" {
		var props map[string]json.RawMessage
		if err := json.Unmarshal(raw, &props); err != nil {
			return f, errors.New(`"properties" must be an object or null`)
		}
		for k, v := range props {
			if s, kind := scalar(v); kind != scalarNested {
				f.Properties[k] = s
			}
		}
	}
	raw, ok := obj["geometry"]
	if !ok || string(bytes.TrimSpace(raw)) == "null" {
		return f, errors.New("has no geometry")
	}
	m, err := parseGeometry(raw)
	if err != nil {
		return f, err
	}
	f.Geometry = m
	f.RawGeometry = raw
	return f, nil
}

// scalarKind classifies a JSON value for rendering as a property.
type scalarKind int

const (
	scalarValue  scalarKind = iota // a string, number or boolean
	scalarNull                     // null or absent
	scalarNested                   // an object or an array
)

// scalar renders a JSON scalar as a string: strings unquoted, numbers and
// booleans as their literal text, null and absence as "".
func scalar(raw json.RawMessage) (string, scalarKind) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", scalarNull
	case raw[0] == '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", scalarNested
		}
		return s, scalarValue
	case raw[0] == '{' || raw[0] == '[':
		return "", scalarNested
	}
	return string(raw), scalarValue
}

// parseGeometry validates a Polygon or MultiPolygon geometry object.
func parseGeometry(raw []byte) (MultiPolygon, error) {
	obj, err := decodeObject(raw)
	if err != nil {
		return nil, fmt.Errorf("geometry is %v", err)
	}
	coords, ok := obj["coordinates"]
	typ := memberString(obj, "type")
	switch typ {
	case "Polygon", "MultiPolygon":
		if !ok || string(bytes.TrimSpace(coords)) == "null" {
			return nil, fmt.Errorf("%s has no coordinates", typ)
		}
	case "GeometryCollection":
		return nil, errors.New("geometry type GeometryCollection is not supported; split it into Polygon or MultiPolygon features")
	case "":
		return nil, errors.New(`geometry has no "type"`)
	default:
		return nil, fmt.Errorf("unsupported geometry type %q (want Polygon or MultiPolygon)", typ)
	}
	if bytes.Contains(coords, []byte("null")) {
		return nil, fmt.Errorf("%s coordinates contain null", typ)
	}
	var polys [][][][]float64
	if typ == "Polygon" {
		var poly [][][]float64
		if err := json.Unmarshal(coords, &poly); err != nil {
			return nil, fmt.Errorf("Polygon coordinates must be an array of rings of [lon, lat] positions: %v", err)
		}
		polys = [][][][]float64{poly}
	} else if err := json.Unmarshal(coords, &polys); err != nil {
		return nil, fmt.Errorf("MultiPolygon coordinates must be an array of polygons of rings of [lon, lat] positions: %v", err)
	}
	if len(polys) == 0 {
		return nil, fmt.Errorf("%s has no polygons", typ)
	}
	m := make(MultiPolygon, len(polys))
	for i, poly := range polys {
		if len(poly) == 0 {
			return nil, fmt.Errorf("polygon %d has no rings", i)
		}
		m[i] = make(Polygon, len(poly))
		for j, ring := range poly {
			pts, err := toRing(ring)
			if err != nil {
				return nil, fmt.Errorf("polygon %d, ring %d: %v", i, j, err)
			}
			m[i][j] = pts
		}
	}
	return m, nil
}

// toRing validates one ring's positions and closes it if needed.
func toRing(pos [][]float64) ([]Point, error) {
	pts := make([]Point, 0, len(pos)+1)
	for k, c := range pos {
		if len(c) < 2 {
			return nil, fmt.Errorf("position %d has %d numbers, want [lon, lat]", k, len(c))
		}
		p := Point{Lon: c[0], Lat: c[1]}
		switch {
		case !finite(p):
			return nil, fmt.Errorf("position %d is not a finite number", k)
		case p.Lon < -180 || p.Lon > 180:
			if math.Abs(p.Lon) > 1000 {
				return nil, fmt.Errorf("position %d: longitude %s is outside [-180, 180]; the file looks projected (metres or feet): reproject it to WGS84 longitude/latitude (EPSG:4326), e.g. with mapshaper -proj wgs84 or ogr2ogr -t_srs EPSG:4326", k, fmtCoord(p.Lon))
			}
			return nil, fmt.Errorf("position %d: longitude %s is outside [-180, 180]", k, fmtCoord(p.Lon))
		case p.Lat < -90 || p.Lat > 90:
			return nil, fmt.Errorf("position %d: latitude %s is outside [-90, 90] (are longitude and latitude swapped?)", k, fmtCoord(p.Lat))
		}
		pts = append(pts, p)
	}
	if len(pts) > 0 && pts[0] != pts[len(pts)-1] {
		pts = append(pts, pts[0]) // unclosed: close it (see ReadFeatureCollection)
	}
	if len(pts) < 4 {
		return nil, fmt.Errorf("ring has %d positions; a ring needs at least 4, the last equal to the first", len(pos))
	}
	return pts, nil
}

// fmtCoord formats a coordinate for an error message.
func fmtCoord(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
