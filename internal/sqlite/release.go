package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/storeutil"
)

// releaseCellBulk inserts the cells of one release's snapshot; their keys
// are distinct (storeutil.ReleaseSnapshot adds repeated ones up).
var releaseCellBulk = newBulk("insert release cells", `INSERT INTO release_cells (release, `+cubeKeyColumns+`, count)`, 12, "")

// AddRelease stores r with the snapshot cells in one transaction and
// returns it as stored: with its id, its revision (the previous highest for
// the same source, area and period, plus one), the time from the store's
// clock, the source's type, the number of distinct cells, their Total and
// the previous revision's total. Cells repeating a key add up. EINVALID for
// a missing reason, a period that is not a year, a status other than
// validated or published, or a cell that is invalid, outside the year or of
// another source type; ENOTFOUND for an unknown source or area.
func (db *DB) AddRelease(ctx context.Context, r atalaya.Release, cells []atalaya.CubeCell) (atalaya.Release, error) {
	r, err := storeutil.CheckRelease(r)
	if err != nil {
		return atalaya.Release{}, err
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return atalaya.Release{}, err
	}
	defer tx.Rollback()

	switch err := tx.QueryRowContext(ctx, `SELECT type FROM sources WHERE id = ?`, r.Source).Scan(&r.SourceType); {
	case err == sql.ErrNoRows:
		return atalaya.Release{}, atalaya.Errorf(atalaya.ENOTFOUND, "source %s not found", r.Source)
	case err != nil:
		return atalaya.Release{}, internal("look up release source", err)
	}
	var one int
	switch err := tx.QueryRowContext(ctx, `SELECT 1 FROM areas WHERE code = ?`, r.Area).Scan(&one); {
	case err == sql.ErrNoRows:
		return atalaya.Release{}, atalaya.Errorf(atalaya.ENOTFOUND, "area %s not found", r.Area)
	case err != nil:
		return atalaya.Release{}, internal("look up release area", err)
	}
	snapshot, total, err := storeutil.ReleaseSnapshot(r, r.SourceType, cells)
	if err != nil {
		return atalaya.Release{}, err
	}

	var prevRevision int
	var prevTotal int64
	err = tx.QueryRowContext(ctx, `SELECT revision, total FROM releases WHERE source = ? AND area = ? AND period = ?
		ORDER BY revision DESC LIMIT 1`, r.Source, r.Area, r.Period).Scan(&prevRevision, &prevTotal)
	switch {
	case err == sql.ErrNoRows:
		r.PreviousTotal = nil
	case err != nil:
		return atalaya.Release{}, internal("look up previous release", err)
	default:
		r.PreviousTotal = &prevTotal
	}
	r.Revision = prevRevision + 1
	r.At = db.now().UTC().Truncate(time.Microsecond)
	r.Cells, r.Total = int64(len(snapshot)), total

	var embargo string
	if !r.Embargo.IsZero() {
		embargo = formatTime(r.Embargo)
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO releases (source, source_type, area, period, status, embargo,
		at, by_user, reason, revision, cells, total, previous_total)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.Source, string(r.SourceType), r.Area, r.Period, string(r.Status), embargo, formatTime(r.At),
		r.By, r.Reason, r.Revision, r.Cells, r.Total, r.PreviousTotal).Scan(&r.ID); err != nil {
		return atalaya.Release{}, internal("insert release", err)
	}
	err = newStmtCache(tx).run(ctx, releaseCellBulk, len(snapshot), func(args []any, i int) []any {
		k := &snapshot[i]
		return append(args, r.ID, k.Period, k.Area, k.ICCS, k.Sex, k.AgeBand, k.Weapon, k.Context,
			string(k.SourceType), string(k.Unit), string(k.Status), k.Count)
	}, nil)
	if err != nil {
		return atalaya.Release{}, err
	}
	if err := bumpDataVersion(ctx, tx); err != nil {
		return atalaya.Release{}, err
	}
	if err := tx.Commit(); err != nil {
		return atalaya.Release{}, internal("commit release", err)
	}
	return r, nil
}

const releaseColumns = `id, source, source_type, area, period, status, embargo, at, by_user, reason,
	revision, cells, total, previous_total`

func scanRelease(row interface{ Scan(...any) error }) (atalaya.Release, error) {
	var r atalaya.Release
	var embargo, at string
	var prev sql.NullInt64
	if err := row.Scan(&r.ID, &r.Source, &r.SourceType, &r.Area, &r.Period, &r.Status, &embargo, &at,
		&r.By, &r.Reason, &r.Revision, &r.Cells, &r.Total, &prev); err != nil {
		return r, err
	}
	if prev.Valid {
		r.PreviousTotal = &prev.Int64
	}
	var err error
	if r.Embargo, err = parseTime(embargo); err != nil {
		return r, err
	}
	r.At, err = parseTime(at)
	return r, err
}

// Releases returns the releases that match f, oldest first (by id).
func (db *DB) Releases(ctx context.Context, f atalaya.ReleaseFilter) ([]atalaya.Release, error) {
	var w where
	if f.Source != "" {
		w.add("source = ?", f.Source)
	}
	if f.Area != "" {
		w.add("area = ?", f.Area)
	}
	if f.Period != "" {
		w.add("period = ?", f.Period)
	}
	if f.Status != "" {
		w.add("status = ?", string(f.Status))
	}
	if !f.Before.IsZero() {
		w.add("at <= ?", formatTime(f.Before))
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+releaseColumns+` FROM releases`+w.String()+` ORDER BY id`, w.args...)
	if err != nil {
		return nil, internal("list releases", err)
	}
	defer rows.Close()
	var out []atalaya.Release
	for rows.Next() {
		r, err := scanRelease(rows)
		if err != nil {
			return nil, internal("list releases", err)
		}
		out = append(out, r)
	}
	return out, internal("list releases", rows.Err())
}

// ReleaseCells returns the snapshot cells of a release that match f
// (PeriodFrom, PeriodTo, Areas, ICCS, SourceType and Unit, as Cube applies
// them), ordered by key. ENOTFOUND for an unknown release.
func (db *DB) ReleaseCells(ctx context.Context, release int64, f atalaya.CubeFilter) ([]atalaya.CubeCell, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := releaseExists(ctx, tx, release); err != nil {
		return nil, err
	}
	var w where
	w.add("release = ?", release)
	cubeWhere(&w, f)
	return readCells(ctx, tx, "release_cells", w)
}

// DataVersion returns the data version: a number that every committed
// write a figure depends on increments (batches, the cube, populations,
// areas, the ICCS, mappings, sources and releases).
func (db *DB) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	err := db.r.QueryRowContext(ctx, `SELECT version FROM data_version WHERE id = 1`).Scan(&v)
	return v, internal("read data version", err)
}

// bumpDataVersion increments the data version within tx, so that the new
// version becomes visible with the write that changed the data.
func bumpDataVersion(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE data_version SET version = version + 1 WHERE id = 1`)
	return internal("bump data version", err)
}

// releaseExists returns ENOTFOUND for an unknown release.
func releaseExists(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, release int64) error {
	var one int
	switch err := q.QueryRowContext(ctx, `SELECT 1 FROM releases WHERE id = ?`, release).Scan(&one); {
	case err == sql.ErrNoRows:
		return atalaya.Errorf(atalaya.ENOTFOUND, "release %d not found", release)
	case err != nil:
		return internal("look up release", err)
	}
	return nil
}

func (db *DB) releaseExists(ctx context.Context, release int64) error {
	return releaseExists(ctx, db.r, release)
}
