package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/storeutil"
)

// releaseCellColumns are the columns a release's snapshot is copied into.
var releaseCellColumns = append([]string{"release"}, columnList(cubeKeyColumns+", count")...)

// AddRelease stores r with the snapshot cells in one transaction and
// returns it as stored: with its id, its revision (the previous highest for
// the same source, area and period, plus one), the time from the store's
// clock, the source's type, the number of distinct cells, their Total and
// the previous revision's total. Cells repeating a key add up. EINVALID for
// a missing reason, a period that is not a year, a status other than
// validated or published, or a cell that is invalid, outside the year or of
// another source type; ENOTFOUND for an unknown source or area.
//
// Releases of one source are serialised by a lock on the source's row (one
// that does not wait for the source's open batches), so that two approvers
// releasing at once get revisions n and n+1.
func (db *DB) AddRelease(ctx context.Context, r atalaya.Release, cells []atalaya.CubeCell) (atalaya.Release, error) {
	r, err := storeutil.CheckRelease(r)
	if err != nil {
		return atalaya.Release{}, err
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT type FROM sources WHERE id = $1 FOR NO KEY UPDATE`, r.Source).Scan(&r.SourceType)
		if notFound(err) {
			return atalaya.Errorf(atalaya.ENOTFOUND, "source %s not found", r.Source)
		} else if err != nil {
			return internal("look up release source", err)
		}
		var one int
		err = tx.QueryRow(ctx, `SELECT 1 FROM areas WHERE code = $1`, r.Area).Scan(&one)
		if notFound(err) {
			return atalaya.Errorf(atalaya.ENOTFOUND, "area %s not found", r.Area)
		} else if err != nil {
			return internal("look up release area", err)
		}
		snapshot, total, err := storeutil.ReleaseSnapshot(r, r.SourceType, cells)
		if err != nil {
			return err
		}

		var prevRevision int
		var prevTotal int64
		err = tx.QueryRow(ctx, `SELECT revision, total FROM releases WHERE source = $1 AND area = $2 AND period = $3
			ORDER BY revision DESC LIMIT 1`, r.Source, r.Area, r.Period).Scan(&prevRevision, &prevTotal)
		switch {
		case notFound(err):
			r.PreviousTotal = nil
		case err != nil:
			return internal("look up previous release", err)
		default:
			r.PreviousTotal = &prevTotal
		}
		r.Revision = prevRevision + 1
		r.At = db.now().UTC().Truncate(time.Microsecond)
		r.Cells, r.Total = int64(len(snapshot)), total

		var embargo *time.Time
		if !r.Embargo.IsZero() {
			embargo = &r.Embargo
		}
		if err := tx.QueryRow(ctx, `INSERT INTO releases (source, source_type, area, period, status, embargo,
			at, by_user, reason, revision, cells, total, previous_total)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			r.Source, string(r.SourceType), r.Area, r.Period, string(r.Status), embargo, r.At,
			r.By, r.Reason, r.Revision, r.Cells, r.Total, r.PreviousTotal).Scan(&r.ID); err != nil {
			return internal("insert release", err)
		}
		vals := make([]any, len(releaseCellColumns))
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"release_cells"}, releaseCellColumns,
			pgx.CopyFromSlice(len(snapshot), func(i int) ([]any, error) {
				k := &snapshot[i]
				vals[0], vals[1], vals[2], vals[3], vals[4], vals[5] = r.ID, k.Period, k.Area, k.ICCS, k.Sex, k.AgeBand
				vals[6], vals[7], vals[8], vals[9], vals[10] = k.Weapon, k.Context, string(k.SourceType), string(k.Unit), string(k.Status)
				vals[11] = k.Count
				return vals, nil
			}))
		if err != nil {
			return internal("copy release cells", err)
		}
		return bumpDataVersion(ctx, tx)
	})
	if err != nil {
		return atalaya.Release{}, err
	}
	return r, nil
}

const releaseColumns = `id, source, source_type, area, period, status, embargo, at, by_user, reason,
	revision, cells, total, previous_total`

func scanRelease(row pgx.Row) (atalaya.Release, error) {
	var r atalaya.Release
	var embargo *time.Time
	if err := row.Scan(&r.ID, &r.Source, &r.SourceType, &r.Area, &r.Period, &r.Status, &embargo, &r.At,
		&r.By, &r.Reason, &r.Revision, &r.Cells, &r.Total, &r.PreviousTotal); err != nil {
		return r, err
	}
	if embargo != nil {
		r.Embargo = embargo.UTC()
	}
	r.At = r.At.UTC()
	return r, nil
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
		// Times are stored to the microsecond: truncating a finer instant
		// keeps "at or before" exact, whatever the driver would do with it.
		w.add("at <= ?", f.Before.Truncate(time.Microsecond))
	}
	rows, err := db.pool.Query(ctx, `SELECT `+releaseColumns+` FROM releases`+w.String()+` ORDER BY id`, w.args...)
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
	if err := db.releaseExists(ctx, release); err != nil {
		return nil, err
	}
	var w where
	w.add("release = ?", release)
	cubeWhere(&w, f)
	return db.readCells(ctx, "release_cells", w)
}

// DataVersion returns the data version: a number that every committed
// write a figure depends on increments (batches, the cube, populations,
// areas, the ICCS, mappings, sources and releases).
func (db *DB) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	err := db.pool.QueryRow(ctx, `SELECT version FROM data_version WHERE id = 1`).Scan(&v)
	return v, internal("read data version", err)
}

// bumpDataVersion increments the data version within tx, so that the new
// version becomes visible with the write that changed the data. It locks
// the version's row until tx ends, so it must be tx's last statement:
// concurrent writers then wait for each other only while committing.
func bumpDataVersion(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `UPDATE data_version SET version = version + 1 WHERE id = 1`)
	return internal("bump data version", err)
}

// releaseExists returns ENOTFOUND for an unknown release.
func (db *DB) releaseExists(ctx context.Context, release int64) error {
	var one int
	err := db.pool.QueryRow(ctx, `SELECT 1 FROM releases WHERE id = $1`, release).Scan(&one)
	if notFound(err) {
		return atalaya.Errorf(atalaya.ENOTFOUND, "release %d not found", release)
	}
	return internal("look up release", err)
}
