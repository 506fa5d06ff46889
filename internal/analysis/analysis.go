// Package analysis runs the crime-analysis and evaluation methods on a
// node's own figures: it turns indicator values (through the values
// engine, published or live) and area boundaries into the inputs of
// internal/spatial, internal/compstat, internal/its, internal/synth and
// internal/did, and their results into reports the API and the portal
// show. The methods themselves know nothing of the node; the CLI's
// `atalaya analyse` runs them on files instead.
package analysis

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/geo"
	"github.com/oas-atalaya/atalaya/internal/values"
)

// Store is what the analyses read besides the values.
type Store interface {
	Areas(ctx context.Context, f atalaya.AreaFilter) ([]atalaya.Area, error)
	Area(ctx context.Context, code string) (atalaya.Area, error)
	// Records, for the point analyses only (record-level data).
	Records(ctx context.Context, f atalaya.RecordFilter, fn func(atalaya.Record) error) error
}

// Node is a node's data as the analyses see it.
type Node struct {
	Store  Store
	Engine *values.Engine
}

// Unit is one area with its indicator value in a period.
type Unit struct {
	Area        string  `json:"area"`
	Name        string  `json:"name"`
	Count       int64   `json:"count"`
	Denominator int64   `json:"denominator"`
	Rate        float64 `json:"rate"`
}

// children returns the direct sub-areas of parent, in code order.
func (n *Node) children(ctx context.Context, parent string) ([]atalaya.Area, error) {
	if _, err := n.Store.Area(ctx, parent); err != nil {
		return nil, err
	}
	as, err := n.Store.Areas(ctx, atalaya.AreaFilter{Parent: parent})
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "area %s has no sub-areas to analyse", parent)
	}
	sort.Slice(as, func(i, j int) bool { return as[i].Code < as[j].Code })
	return as, nil
}

// geometry parses an area's boundary; nil when it has none.
func (n *Node) geometry(ctx context.Context, code string) (geo.MultiPolygon, error) {
	a, err := n.Store.Area(ctx, code)
	if err != nil {
		return nil, err
	}
	if len(a.Boundary) == 0 {
		return nil, nil
	}
	mp, err := geo.ParseGeometry(a.Boundary)
	if err != nil {
		return nil, fmt.Errorf("boundary of %s: %w", code, err)
	}
	return mp, nil
}

// panel returns, for each area code, the indicator's values by period.
func (n *Node) panel(ctx context.Context, indicator string, areas []string, from, to string, public bool) (map[string]map[string]atalaya.Value, map[string]string, error) {
	res, err := n.Engine.Values(ctx, values.Query{Indicator: indicator, Areas: areas, From: from, To: to, Public: public})
	if err != nil {
		return nil, nil, err
	}
	out := map[string]map[string]atalaya.Value{}
	for _, v := range res.Values {
		if out[v.Area] == nil {
			out[v.Area] = map[string]atalaya.Value{}
		}
		out[v.Area][v.Period] = v
	}
	return out, res.AreaNames, nil
}

// usable reports whether a value has a count, a denominator and a rate.
func usable(v atalaya.Value) bool {
	return v.Count != nil && v.Denominator != nil && v.Rate != nil && *v.Denominator > 0
}

// years lists the years from..to as periods.
func years(from, to int) []string {
	var out []string
	for y := from; y <= to; y++ {
		out = append(out, strconv.Itoa(y))
	}
	return out
}

// valuesQuery is the values query of an evaluation.
func valuesQuery(q EvalQuery, areas []string, from, to, total string) values.Query {
	return values.Query{Indicator: q.Indicator, Areas: areas, From: from, To: to, Public: q.Public, Total: total}
}

// Geometry returns an area's boundary (nil if it has none), for maps.
func (n *Node) Geometry(ctx context.Context, code string) (geo.MultiPolygon, error) {
	return n.geometry(ctx, code)
}
