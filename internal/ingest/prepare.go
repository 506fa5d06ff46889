package ingest

import (
	"context"
	"sort"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/cube"
	"github.com/oas-atalaya/atalaya/internal/geo"
)

// prepare loads what the profile needs from the store: the source, the
// mapping version, the ICCS codes, the area list and, for coordinates, the
// point index.
func (in *Ingester) prepare(ctx context.Context, p *Profile, now time.Time) (*run, error) {
	r := &run{p: p, acc: cube.New(), popSeen: map[string]bool{}}
	c := &r.conv
	c.p = p
	c.num = newNumberParser(p.File.Decimal, p.File.Thousands)
	c.dates = newDateParser(p.Period.DateFormat, p.Period.NotBefore, now)
	c.status = atalaya.Status(p.Status)
	c.unit = atalaya.CountingUnit(p.Unit)
	for _, b := range p.Age.Bands {
		lo, hi, _ := atalaya.ParseAgeBand(b)
		c.ageBands = append(c.ageBands, [2]int{lo, hi})
	}

	{
		if existing, err := in.Store.Source(ctx, p.Source.ID); err == nil {
			if existing.Type != p.Source.Type {
				return nil, atalaya.Errorf(atalaya.EINVALID, "profile %s says source %s is of type %s, but the node has it as %s; a source's type cannot change (it is a dimension of the cube): use another source id",
					p.Name, p.Source.ID, p.Source.Type, existing.Type)
			}
			if existing != p.Source {
				// Names, licence and attribution may be corrected.
				if err := in.Store.PutSource(ctx, p.Source); err != nil {
					return nil, err
				}
			}
			r.st = existing.Type
		} else if atalaya.ErrorCode(err) == atalaya.ENOTFOUND {
			if err := in.Store.PutSource(ctx, p.Source); err != nil {
				return nil, err
			}
			r.st = p.Source.Type
		} else {
			return nil, err
		}
	}

	if cl := p.Offence.CodeList; cl != "" {
		cats, err := in.Store.ICCS(ctx)
		if err != nil {
			return nil, err
		}
		if len(cats) == 0 {
			return nil, atalaya.Errorf(atalaya.EINVALID, "the node has no ICCS classification; run atalaya init first")
		}
		c.iccs = make(map[string]bool, len(cats))
		for _, cat := range cats {
			c.iccs[cat.Code] = true
		}
		if cl != "iccs" {
			m, err := in.Store.Mapping(ctx, cl, p.Offence.Version)
			if atalaya.ErrorCode(err) == atalaya.ENOTFOUND {
				return nil, atalaya.Errorf(atalaya.EINVALID, "profile %s classifies offences with code list %q, which has no mapping to ICCS on this node; import one with atalaya mapping import", p.Name, cl)
			} else if err != nil {
				return nil, err
			}
			c.mapping, c.version = m.Index(), m.Version
		}
	}

	areas, err := in.Store.Areas(ctx, atalaya.AreaFilter{})
	if err != nil {
		return nil, err
	}
	if len(areas) == 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "the node has no areas; import boundaries first (atalaya areas import)")
	}
	c.areas = make(map[string]bool, len(areas))
	for _, a := range areas {
		c.areas[a.Code] = true
	}
	r.lineage = cube.LineageFromAreas(areas)

	if p.Area.Lat != "" {
		if in.Placer != nil {
			c.placer = in.Placer
		} else {
			pl, err := BuildPlacer(ctx, in.Store, areas, p.Area.Within, p.Source.Country, p.Area.Level)
			if err != nil {
				return nil, err
			}
			if pl != nil {
				c.placer = pl
			}
		}
	}
	return r, nil
}

// levelPlacer places points in the finest area that holds them: it asks
// the finest level's index first, then each coarser level's (so that a
// node with districts for one city still places points elsewhere in the
// country), and only then looks for the nearest boundary within the
// tolerance, again finest level first.
type levelPlacer struct{ levels []*geo.Index } // finest first

func (lp levelPlacer) Place(lat, lon, tol float64) (string, float64, atalaya.Placement, bool) {
	p := geo.Point{Lon: lon, Lat: lat}
	for _, ix := range lp.levels {
		if code, ok := ix.Locate(p); ok {
			return code, 0, atalaya.PlacedByPoint, true
		}
	}
	for _, ix := range lp.levels {
		if code, m, ok := ix.Nearest(p, tol); ok {
			return code, m, atalaya.PlacedByNearest, true
		}
	}
	return "", 0, "", false
}

// BuildPlacer builds point indexes over the areas with boundaries that
// descend from within (or the country, when within is empty; anywhere when
// both are empty): one index per level, or only the given level when level
// is above 0. It returns nil when no area has a boundary.
func BuildPlacer(ctx context.Context, s atalaya.Store, areas []atalaya.Area, within, country string, level int) (Placer, error) {
	if within == "" {
		within = country
	}
	if within != "" {
		found := false
		for _, a := range areas {
			found = found || a.Code == within
		}
		if !found {
			return nil, atalaya.Errorf(atalaya.EINVALID, "area.within: %q is not an area of the node", within)
		}
	}
	lineage := cube.LineageFromAreas(areas)
	under := func(code string) bool {
		if within == "" {
			return true
		}
		for _, a := range lineage(code) {
			if a == within {
				return true
			}
		}
		return false
	}
	levels := map[int][]geo.Shape{}
	err := s.Boundaries(ctx, atalaya.AreaCountry(within), func(a atalaya.Area) error {
		if !under(a.Code) || (level > 0 && a.Level != level) {
			return nil
		}
		g, err := geo.ParseGeometry(a.Boundary)
		if err != nil {
			return atalaya.Errorf(atalaya.EINVALID, "boundary of %s: %v", a.Code, err)
		}
		levels[a.Level] = append(levels[a.Level], geo.Shape{Code: a.Code, Geometry: g})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(levels) == 0 {
		return nil, nil
	}
	var order []int
	for l := range levels {
		order = append(order, l)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(order)))
	var lp levelPlacer
	for _, l := range order {
		lp.levels = append(lp.levels, geo.NewIndex(levels[l]))
	}
	return lp, nil
}
