package values

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/oas-atalaya/atalaya"
)

// view is one view of the cube: the live cube, or the published releases
// as of an instant. It loads the cells of an ICCS code once.
type view struct {
	key      viewKey
	mu       sync.Mutex
	cells    map[string][]atalaya.CubeCell // by ICCS code
	strs     map[string]string             // interned codes of cells
	releases []atalaya.Release             // published view: the releases public at asOf
	gov      *governing                    // published view: which release governs which figures
	// report has, per source type, area and year, a bit per slot in which
	// the source reports anything (reporting.go).
	report     map[blockKey]uint32
	reportDone bool
	// expires is when the view stops being true: the first embargo that
	// lifts after it was taken (zero: never, until the data version
	// changes).
	expires time.Time
	// status gives, for the live view, the best status that releases give
	// to a source type, area and year.
	status map[blockKey]atalaya.Status
}

func (e *Engine) view(ctx context.Context, base *baseData, k viewKey, asOf time.Time) (*view, error) {
	e.mu.Lock()
	v := e.views[k]
	e.mu.Unlock()
	if v != nil {
		return v, nil
	}
	rels, err := e.r.Releases(ctx, atalaya.ReleaseFilter{})
	if err != nil {
		return nil, err
	}
	v = &view{key: k, cells: map[string][]atalaya.CubeCell{}, status: map[blockKey]atalaya.Status{}}
	now := e.now()
	if k.published {
		for _, r := range rels {
			if r.Status != atalaya.StatusPublished || r.At.After(asOf) {
				continue
			}
			if from := r.PublicFrom(); from.After(asOf) {
				if v.expires.IsZero() || from.Before(v.expires) {
					v.expires = from
				}
				continue
			}
			v.releases = append(v.releases, r)
		}
		v.gov = newGoverning(v.releases)
	} else {
		for _, r := range rels {
			if r.At.After(now) {
				continue
			}
			year, _, ok := slotOf(r.Period)
			if !ok {
				continue
			}
			bk := blockKey{r.Area, year, r.SourceType}
			if statusRank(r.Status) > statusRank(v.status[bk]) {
				v.status[bk] = r.Status
			}
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.views) >= maxViews {
		e.views = map[viewKey]*view{}
	}
	if old := e.views[k]; old != nil {
		return old, nil
	}
	e.views[k] = v
	return v, nil
}

// expire forgets the view k, and everything computed from it, once an
// embargo it was waiting for has lifted. The caller holds e.mu.
func (e *Engine) expire(k viewKey) {
	v := e.views[k]
	if v == nil || v.expires.IsZero() || e.now().Before(v.expires) {
		return
	}
	delete(e.views, k)
	for ik := range e.indexes {
		if ik.view == k {
			delete(e.indexes, ik)
		}
	}
	e.results = map[string]Result{}
}

func statusRank(s atalaya.Status) int {
	switch s {
	case atalaya.StatusValidated:
		return 1
	case atalaya.StatusPublished:
		return 2
	}
	return 0
}

// statusOf returns the status releases give to a source type's figures for
// an area and year in the live view: the best status of a release of the
// area or of an area above it.
func (v *view) statusOf(base *baseData, st atalaya.SourceType, area string, year int) atalaya.Status {
	if v.key.published {
		return atalaya.StatusPublished
	}
	best := atalaya.StatusPreliminary
	for _, a := range base.lineage(area) {
		if s, ok := v.status[blockKey{a, year, st}]; ok && statusRank(s) > statusRank(best) {
			best = s
		}
	}
	return best
}

// codeCells returns the cells of the given ICCS codes.
func (e *Engine) codeCells(ctx context.Context, base *baseData, v *view, codes []string) ([]atalaya.CubeCell, error) {
	var out []atalaya.CubeCell
	for _, code := range codes {
		v.mu.Lock()
		cs, ok := v.cells[code]
		v.mu.Unlock()
		if !ok {
			var err error
			if v.key.published {
				cs, err = e.publishedCells(ctx, base, v, code)
			} else {
				cs, err = e.r.Cube(ctx, atalaya.CubeFilter{ICCS: []string{code}, Areas: base.areaFilter()})
			}
			if err != nil {
				return nil, err
			}
			v.mu.Lock()
			v.intern(cs)
			v.cells[code] = cs
			v.mu.Unlock()
		}
		if len(codes) == 1 {
			return cs, nil
		}
		out = append(out, cs...)
	}
	return out, nil
}

// intern makes the cells share one copy of each code string (areas,
// periods, bands…: a few hundred distinct values for millions of cells),
// so that a view of a large cube keeps little more than its counts. The
// caller holds v.mu.
func (v *view) intern(cs []atalaya.CubeCell) {
	if v.strs == nil {
		v.strs = map[string]string{}
	}
	in := func(s *string) {
		if x, ok := v.strs[*s]; ok {
			*s = x
		} else {
			v.strs[*s] = *s
		}
	}
	for i := range cs {
		c := &cs[i]
		in(&c.Period)
		in(&c.Area)
		in(&c.ICCS)
		in(&c.Sex)
		in(&c.AgeBand)
		in(&c.Weapon)
		in(&c.Context)
		st, u := string(c.SourceType), string(c.Unit)
		in(&st)
		in(&u)
		c.SourceType, c.Unit = atalaya.SourceType(st), atalaya.CountingUnit(u)
		c.Status = ""
	}
}

// governing holds, for a published view, the latest public release of each
// source, area and year.
type governing struct {
	latest map[scope]atalaya.Release
	order  []atalaya.Release // the latest releases, by id
}

type scope struct {
	source string
	area   string
	period string
}

func newGoverning(rels []atalaya.Release) *governing {
	g := &governing{latest: map[scope]atalaya.Release{}}
	for _, r := range rels {
		s := scope{r.Source, r.Area, r.Period}
		if cur, ok := g.latest[s]; !ok || r.ID > cur.ID {
			g.latest[s] = r
		}
	}
	for _, r := range g.latest {
		g.order = append(g.order, r)
	}
	sort.Slice(g.order, func(i, j int) bool { return g.order[i].ID < g.order[j].ID })
	return g
}

// release returns the id of the release that governs a source's figures
// for an area and year: the latest release of the area or of an area
// above it. A release of MEX-09 made after a release of MEX replaces
// Mexico City's figures (and its municipalities') in it, and nothing else.
func (g *governing) release(base *baseData, source, period, area string) int64 {
	var best int64
	for _, a := range base.lineage(area) {
		if r, ok := g.latest[scope{source, a, period}]; ok && r.ID > best {
			best = r.ID
		}
	}
	return best
}

// areaFilter returns the node's area codes, to pass to the store so that
// its reads seek the (area, ICCS) key instead of scanning; nil when there
// are too many for one query.
func (b *baseData) areaFilter() []string {
	if len(b.areaList) > 5000 {
		return nil
	}
	return b.areaList
}

// publishedCells returns the published cells of one ICCS code: for each
// source, area and year, those of the release that governs them.
func (e *Engine) publishedCells(ctx context.Context, base *baseData, v *view, code string) ([]atalaya.CubeCell, error) {
	var out []atalaya.CubeCell
	for _, r := range v.gov.order {
		cs, err := e.r.ReleaseCells(ctx, r.ID, atalaya.CubeFilter{ICCS: []string{code}, Areas: base.areaFilter()})
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if v.gov.release(base, r.Source, r.Period, c.Area) == r.ID {
				c.Status = atalaya.StatusPublished
				out = append(out, c)
			}
		}
	}
	return out, nil
}
