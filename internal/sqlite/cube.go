package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/storeutil"
)

const cubeKeyColumns = `period, area, iccs, sex, age_band, weapon, context, source_type, unit, status`

// cubeBulk adds cells to the cube: a cell that exists gets the new count
// added to its own, and cells repeated in one call add up.
var cubeBulk = newBulk("upsert cube", `INSERT INTO cube (`+cubeKeyColumns+`, count)`, 11,
	`ON CONFLICT (`+cubeKeyColumns+`) DO UPDATE SET count = count + excluded.count`)

// addCells adds cells to the cube within the transaction of c.
//
// The cells are first sorted in the order of the cube's primary key (area,
// ICCS, period, …), so that the B-tree is written front to back rather than
// at random: on a cube larger than the page cache this is several times
// faster.
func addCells(ctx context.Context, c *stmtCache, cells []atalaya.CubeCell) error {
	slices.SortFunc(cells, func(a, b atalaya.CubeCell) int {
		if n := strings.Compare(a.Area, b.Area); n != 0 {
			return n
		}
		if n := strings.Compare(a.ICCS, b.ICCS); n != 0 {
			return n
		}
		return strings.Compare(a.Period, b.Period)
	})
	return c.run(ctx, cubeBulk, len(cells), func(args []any, i int) []any {
		k := &cells[i]
		return append(args, k.Period, k.Area, k.ICCS, k.Sex, k.AgeBand, k.Weapon, k.Context,
			string(k.SourceType), string(k.Unit), string(k.Status), k.Count)
	}, nil)
}

// Cube returns the cells that match f, ordered by key (period, area, ICCS,
// sex, age band, weapon, context, source type, unit, status).
func (db *DB) Cube(ctx context.Context, f atalaya.CubeFilter) ([]atalaya.CubeCell, error) {
	var w where
	cubeWhere(&w, f)
	return readCells(ctx, db.r, "cube", w)
}

// cubeWhere adds the conditions of a cube filter to w.
func cubeWhere(w *where, f atalaya.CubeFilter) {
	w.in("area", f.Areas)
	w.in("iccs", f.ICCS)
	if f.PeriodFrom != "" {
		w.add("period >= ?", f.PeriodFrom)
	}
	if f.PeriodTo != "" {
		w.add("period <= ?", f.PeriodTo)
	}
	if f.SourceType != "" {
		w.add("source_type = ?", string(f.SourceType))
	}
	if f.Unit != "" {
		w.add("unit = ?", string(f.Unit))
	}
}

// queryer is a database or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readCells reads the cells of a table keyed like the cube (cube,
// release_cells) that match w, ordered by key.
func readCells(ctx context.Context, q queryer, table string, w where) ([]atalaya.CubeCell, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+cubeKeyColumns+`, count FROM `+table+w.String()+
		` ORDER BY `+cubeKeyColumns, w.args...)
	if err != nil {
		return nil, internal("read "+table, err)
	}
	defer rows.Close()
	var out []atalaya.CubeCell
	for rows.Next() {
		var c atalaya.CubeCell
		if err := rows.Scan(&c.Period, &c.Area, &c.ICCS, &c.Sex, &c.AgeBand, &c.Weapon, &c.Context,
			&c.SourceType, &c.Unit, &c.Status, &c.Count); err != nil {
			return nil, internal("read "+table, err)
		}
		out = append(out, c)
	}
	return out, internal("read "+table, rows.Err())
}

// ReplaceCube replaces the whole cube with cells in one transaction; cells
// with the same key add up. Readers see the old cube until it commits.
func (db *DB) ReplaceCube(ctx context.Context, cells []atalaya.CubeCell) error {
	if err := storeutil.CheckCells(cells); err != nil {
		return err
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM cube`); err != nil {
		return internal("clear cube", err)
	}
	if err := addCells(ctx, newStmtCache(tx), cells); err != nil {
		return err
	}
	if err := bumpDataVersion(ctx, tx); err != nil {
		return err
	}
	return internal("commit cube", tx.Commit())
}

// Reporting returns the distinct area, period and source type of the cells
// of the cube (release 0) or of a release's snapshot that match f.
func (db *DB) Reporting(ctx context.Context, release int64, f atalaya.CubeFilter) ([]atalaya.CubeKey, error) {
	table := "cube"
	var w where
	if release > 0 {
		if err := db.releaseExists(ctx, release); err != nil {
			return nil, err
		}
		table = "release_cells"
		w.add("release = ?", release)
	}
	w.in("area", f.Areas)
	w.in("iccs", f.ICCS)
	rows, err := db.r.QueryContext(ctx, `SELECT DISTINCT area, period, source_type FROM `+table+w.String()+
		` ORDER BY area, period, source_type`, w.args...)
	if err != nil {
		return nil, internal("read reporting", err)
	}
	defer rows.Close()
	var out []atalaya.CubeKey
	for rows.Next() {
		var k atalaya.CubeKey
		if err := rows.Scan(&k.Area, &k.Period, &k.SourceType); err != nil {
			return nil, internal("read reporting", err)
		}
		out = append(out, k)
	}
	return out, internal("read reporting", rows.Err())
}
