// Package values computes the figures of the indicator catalogue from the
// cube: for an indicator, areas, periods and an optional breakdown, the
// count, its denominator, the rate (or share, or ratio), an exact 95%
// interval and the flags that qualify the figure. It follows the rules of
// docs/indicators.md: source types are an order of preference and never
// summed; aggregates are sums of numerators over sums of denominators; a
// figure whose inputs are missing is "not available", with the reason,
// never zero.
//
// Two views of the data exist. The live view reads the cube as it is, for
// analysts; its figures carry the status of the releases that cover them
// and are flagged provisional until published. The published view reads
// only the snapshots of published releases, as they were at a date (as_of),
// and is what the public sees, after disclosure control (disclosure.go).
//
// An Engine keeps, per data version, an index of the counts each indicator
// needs, so that a query adds a few numbers instead of reading the cube.
package values

import (
	"context"
	"sync"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/indicator"
)

// Reader is what the engine reads from a store.
type Reader interface {
	Cube(ctx context.Context, f atalaya.CubeFilter) ([]atalaya.CubeCell, error)
	Populations(ctx context.Context, f atalaya.PopulationFilter) ([]atalaya.Population, error)
	Areas(ctx context.Context, f atalaya.AreaFilter) ([]atalaya.Area, error)
	Releases(ctx context.Context, f atalaya.ReleaseFilter) ([]atalaya.Release, error)
	ReleaseCells(ctx context.Context, release int64, f atalaya.CubeFilter) ([]atalaya.CubeCell, error)
	Reporting(ctx context.Context, release int64, f atalaya.CubeFilter) ([]atalaya.CubeKey, error)
	DataVersion(ctx context.Context) (int64, error)
}

// Query asks for the values of one indicator.
type Query struct {
	// Indicator is the catalogue id.
	Indicator string
	// Areas are area codes; Children adds the direct sub-areas of each.
	Areas    []string
	Children bool
	// From and To bound the periods (YYYY, YYYY-Qn or YYYY-MM, both of
	// the same kind). Empty From/To default to the first/last year with data.
	From, To string
	// By is the breakdown: "", sex, age, weapon, context or source.
	By string
	// Total adds up over "period" (one value per area for the whole
	// range) or "area" (one value per period for all the areas together),
	// as sums of numerators over sums of denominators; "all" gives one
	// value for all the areas over the whole range.
	Total string
	// AsOf reads what was published at that instant instead of the live
	// cube. Zero: now (for Public) or the live cube.
	AsOf time.Time
	// Public reads published figures only and applies disclosure control.
	Public bool
	// Standard asks for age-standardised rates by the direct method
	// against a standard population: "who2000" or "segi1960".
	Standard string
}

// Result is the answer to a Query.
type Result struct {
	Indicator indicator.Indicator `json:"-"`
	Values    []atalaya.Value     `json:"values"`
	// Version is the data version the values were computed from.
	Version int64 `json:"version"`
	// AsOf is the instant the published view was taken at (nil for the
	// live view).
	AsOf *time.Time `json:"as_of,omitempty"`
	// Standard is the full name of the standard population used.
	Standard string `json:"standard,omitempty"`
	// Areas are the names of the areas in Values.
	AreaNames map[string]string `json:"area_names"`
}

// Limits on one query.
const (
	MaxAreas   = 5000
	MaxPeriods = 600
	// Level is the confidence level of every interval.
	Level = 0.95
	// SmallCount is the count under which a rate is flagged unstable.
	SmallCount = 20
)

// Engine computes values. It is safe for concurrent use.
type Engine struct {
	r   Reader
	cat *indicator.Catalogue
	now atalaya.Clock

	mu      sync.Mutex
	version int64
	base    *baseData           // areas and populations of version
	views   map[viewKey]*view   // cells by view
	indexes map[indexKey]*index // built indexes
	results map[string]Result   // recent results by normalised query
	// poisson caches exact Poisson intervals by count (poisson.go).
	poisson sync.Map
	// noResults turns the results cache off (benchmarks).
	noResults bool
}

type viewKey struct {
	asOf      int64 // unix seconds; 0 = live
	published bool
}

type indexKey struct {
	view      viewKey
	indicator string
	by        string
}

// New returns an engine over r for the indicators of cat.
func New(r Reader, cat *indicator.Catalogue, now atalaya.Clock) *Engine {
	if now == nil {
		now = time.Now
	}
	return &Engine{r: r, cat: cat, now: now}
}

// Catalogue returns the engine's catalogue.
func (e *Engine) Catalogue() *indicator.Catalogue { return e.cat }

// Version returns the current data version.
func (e *Engine) Version(ctx context.Context) (int64, error) {
	return e.r.DataVersion(ctx)
}

// maxCached bounds the number of cached indexes and results.
const (
	maxIndexes = 256
	maxResults = 2048
	maxViews   = 16
)

// state returns the base data, refreshing every cache when the data version
// changed.
func (e *Engine) state(ctx context.Context) (*baseData, int64, error) {
	v, err := e.r.DataVersion(ctx)
	if err != nil {
		return nil, 0, err
	}
	e.mu.Lock()
	if e.base != nil && e.version == v {
		b := e.base
		e.mu.Unlock()
		return b, v, nil
	}
	e.mu.Unlock()
	b, err := loadBase(ctx, e.r)
	if err != nil {
		return nil, 0, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.base == nil || e.version != v {
		e.version, e.base = v, b
		e.views = map[viewKey]*view{}
		e.indexes = map[indexKey]*index{}
		e.results = map[string]Result{}
	}
	return e.base, v, nil
}
