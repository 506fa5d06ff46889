package atalaya

import "context"

// Store is the persistence contract that every backend (internal/sqlite,
// internal/postgres) implements and that internal/storetest checks. Methods
// return *Error values with ENOTFOUND, EINVALID or ECONFLICT where the
// documentation says so; anything else is EINTERNAL.
type Store interface {
	// Close releases the database.
	Close() error
	// Backend names the backend: "sqlite" or "postgres".
	Backend() string

	// PutAreas inserts or replaces areas. Parents must exist or be in the
	// same call (any order). Returns EINVALID for an invalid area or a
	// missing parent.
	PutAreas(ctx context.Context, areas []Area) error
	// Area returns one area, with its boundary; ENOTFOUND if absent.
	Area(ctx context.Context, code string) (Area, error)
	// Areas returns areas without boundaries, ordered by code. An empty
	// filter returns all of them.
	Areas(ctx context.Context, f AreaFilter) ([]Area, error)
	// Boundaries calls fn for every area that has a boundary, in code order.
	Boundaries(ctx context.Context, country string, fn func(Area) error) error

	// PutPopulations inserts or replaces population rows (key: area, year,
	// sex, age band). EINVALID for an unknown area.
	PutPopulations(ctx context.Context, pops []Population) error
	// Populations returns population rows ordered by area, year, sex, age band.
	Populations(ctx context.Context, f PopulationFilter) ([]Population, error)

	// PutICCS inserts or replaces ICCS categories.
	PutICCS(ctx context.Context, cats []ICCSCategory) error
	// ICCS returns the whole classification ordered by code.
	ICCS(ctx context.Context) ([]ICCSCategory, error)

	// PutCodeList inserts or updates a code list.
	PutCodeList(ctx context.Context, cl CodeList) error
	// CodeLists returns all code lists ordered by id.
	CodeLists(ctx context.Context) ([]CodeList, error)
	// AddMapping stores a new version of a code list's mapping and returns
	// the version number given (previous highest + 1). If the entries are
	// identical to the latest version, no version is added and the latest is
	// returned. ENOTFOUND for an unknown code list; EINVALID if an entry
	// names an ICCS code that is not in the classification.
	AddMapping(ctx context.Context, m Mapping) (int, error)
	// Mapping returns a version of a mapping; version 0 means the latest.
	// ENOTFOUND if there is none.
	Mapping(ctx context.Context, codeList string, version int) (Mapping, error)

	// PutSource inserts or updates a source.
	PutSource(ctx context.Context, s Source) error
	// Source returns a source; ENOTFOUND if absent.
	Source(ctx context.Context, id string) (Source, error)
	// Sources returns all sources ordered by id.
	Sources(ctx context.Context) ([]Source, error)

	// BeginBatch opens a batch in its own transaction. Nothing written
	// through the BatchWriter is visible until Commit; a crash or Rollback
	// leaves no trace.
	BeginBatch(ctx context.Context, b Batch) (BatchWriter, error)
	// Batch returns a committed batch; ENOTFOUND if absent.
	Batch(ctx context.Context, id int64) (Batch, error)
	// Batches returns committed batches, newest first.
	Batches(ctx context.Context, f BatchFilter) ([]Batch, error)
	// Rejections calls fn for each rejected row of a batch in file, row order.
	Rejections(ctx context.Context, batch int64, fn func(Rejection) error) error
	// Flags calls fn for each flag of a batch in file, row order.
	Flags(ctx context.Context, batch int64, fn func(Flag) error) error

	// Records calls fn for each record matching f, in id order.
	Records(ctx context.Context, f RecordFilter, fn func(Record) error) error
	// Observations calls fn for each observation matching f, in id order.
	Observations(ctx context.Context, f RecordFilter, fn func(Observation) error) error
	// CountRecords and CountObservations count what Records and
	// Observations would return.
	CountRecords(ctx context.Context, f RecordFilter) (int64, error)
	CountObservations(ctx context.Context, f RecordFilter) (int64, error)

	// Cube returns cube cells matching f, ordered by key.
	Cube(ctx context.Context, f CubeFilter) ([]CubeCell, error)
	// ReplaceCube replaces the whole cube with cells in one transaction.
	ReplaceCube(ctx context.Context, cells []CubeCell) error

	// AddRelease stores a release with the snapshot of the cube cells it
	// covers (the caller computes them from the source's rows), assigning
	// its id, revision, time (the store's clock) and source type. Earlier
	// releases are never changed. EINVALID for a missing reason, an
	// invalid period or status; ENOTFOUND for an unknown source or area.
	AddRelease(ctx context.Context, r Release, cells []CubeCell) (Release, error)
	// Releases returns the releases matching f, oldest first (by id).
	Releases(ctx context.Context, f ReleaseFilter) ([]Release, error)
	// ReleaseCells returns the snapshot of a release, filtered by f (its
	// PeriodFrom, PeriodTo, Areas and ICCS apply), ordered by key.
	// ENOTFOUND for an unknown release.
	ReleaseCells(ctx context.Context, release int64, f CubeFilter) ([]CubeCell, error)

	// Reporting returns the distinct area, period and source type (the
	// other CubeKey fields empty) of the cube's cells, or of a release's
	// snapshot when release > 0, that match f (Areas and ICCS apply):
	// where and when each source type reports anything. Ordered by area,
	// period, source type. ENOTFOUND for an unknown release.
	Reporting(ctx context.Context, release int64, f CubeFilter) ([]CubeKey, error)

	// DataVersion is a number that changes whenever anything a figure
	// depends on changes: a committed batch, a rebuilt cube, populations,
	// areas, mappings, a release. Caches and ETags key on it.
	DataVersion(ctx context.Context) (int64, error)
}

// BatchWriter writes one batch inside one transaction.
type BatchWriter interface {
	// ID is the batch id the store assigned.
	ID() int64
	// AddRecords stores records that are not already stored for their
	// source (same Key) and reports, per record, whether it was new.
	// A record whose key repeats one earlier in the same batch is a
	// duplicate too.
	AddRecords(ctx context.Context, recs []Record) (isNew []bool, err error)
	// AddObservations is AddRecords for observations.
	AddObservations(ctx context.Context, obs []Observation) (isNew []bool, err error)
	// AddPopulations inserts or replaces population rows (like
	// PutPopulations) inside the batch's transaction.
	AddPopulations(ctx context.Context, pops []Population) error
	// Reject stores rejected rows.
	Reject(ctx context.Context, rs []Rejection) error
	// Flag stores warnings on accepted rows.
	Flag(ctx context.Context, fs []Flag) error
	// AddCube adds delta to the cube inside the batch's transaction (cells
	// are summed into existing ones). An ingest calls it whenever its
	// in-memory delta grows large, so that memory stays bounded; the cube
	// changes become visible with the batch, at Commit.
	AddCube(ctx context.Context, delta []CubeCell) error
	// Commit adds delta to the cube (cells are summed into existing ones),
	// stores the batch's final counts and commits everything atomically.
	Commit(ctx context.Context, b Batch, delta []CubeCell) (Batch, error)
	// Rollback abandons the batch. It is safe to call after Commit.
	Rollback() error
}

// AreaFilter selects areas.
type AreaFilter struct {
	Country string // ISO3, empty = all
	Parent  string // direct children of this area
	Level   *int   // nil = any level
	Search  string // case-insensitive substring of the name or code
}

// PopulationFilter selects populations.
type PopulationFilter struct {
	Areas    []string
	YearFrom int
	YearTo   int
	Sex      string
	AgeBand  string
}

// BatchFilter selects batches.
type BatchFilter struct {
	Source string
	Limit  int
}

// RecordFilter selects records or observations.
type RecordFilter struct {
	Source string
	Batch  int64
	Area   string // exactly this area code (the finest placement)
	ICCS   string // this code and its descendants
	Limit  int
}
