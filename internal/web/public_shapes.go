package web

import (
	"context"
	"fmt"
	"sync"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/chart"
	"github.com/oas-atalaya/atalaya/internal/geo"
)

// shapeCache keeps the parsed boundaries of a country's areas per store and
// data version: parsing GeoJSON on every map would cost more than drawing.
var shapeCache struct {
	sync.Mutex
	key string
	m   map[string][]chart.Shape // parent → its sub-areas' shapes
}

// shapes returns the boundaries of parent's direct sub-areas (without
// values), in code order.
func (s *Server) shapes(ctx context.Context, country, parent string) ([]chart.Shape, error) {
	v, err := s.Engine.Version(ctx)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("%p/%s/%d", s.Store, country, v)
	shapeCache.Lock()
	defer shapeCache.Unlock()
	if shapeCache.key != key {
		m := map[string][]chart.Shape{}
		err := s.Store.Boundaries(ctx, country, func(a atalaya.Area) error {
			if a.Parent == "" || len(a.Boundary) == 0 {
				return nil
			}
			g, err := geo.ParseGeometry(a.Boundary)
			if err != nil {
				return nil // an unreadable boundary is left off the map
			}
			m[a.Parent] = append(m[a.Parent], chart.Shape{ID: a.Code, Geometry: g})
			return nil
		})
		if err != nil {
			return nil, err
		}
		shapeCache.key, shapeCache.m = key, m
	}
	return append([]chart.Shape(nil), shapeCache.m[parent]...), nil
}
