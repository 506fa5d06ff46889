package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/storeutil"
)

const cubeKeyColumns = `period, area, iccs, sex, age_band, weapon, context, source_type, unit, status`

var cubeStage = staging{
	name: "cube_stage",
	ddl: `period text COLLATE "C", area text COLLATE "C", iccs text COLLATE "C", sex text COLLATE "C",
		age_band text COLLATE "C", weapon text COLLATE "C", context text COLLATE "C",
		source_type text COLLATE "C", unit text COLLATE "C", status text COLLATE "C", count bigint`,
	cols: columnList(cubeKeyColumns + ", count"),
}

// cubeInsert adds the staged cells to the cube: cells repeated in the stage
// are summed first (one INSERT may not update a row twice), then a cell
// that exists gets the new count added to its own. The cells go in in the
// order of the cube's primary key, so the index is written front to back.
const cubeInsert = `INSERT INTO cube (` + cubeKeyColumns + `, count)
	SELECT ` + cubeKeyColumns + `, sum(count) FROM cube_stage GROUP BY ` + cubeKeyColumns + `
	ORDER BY area, iccs, period, sex, age_band, weapon, context, source_type, unit, status
	ON CONFLICT (` + cubeKeyColumns + `) DO UPDATE SET count = cube.count + excluded.count`

// addCells adds cells to the cube within tx; created records the staging
// tables that tx already has.
func addCells(ctx context.Context, tx pgx.Tx, created map[string]bool, cells []atalaya.CubeCell) error {
	if len(cells) == 0 {
		return nil
	}
	if err := stage(ctx, tx, created, cubeStage); err != nil {
		return err
	}
	err := copyRows(ctx, tx, cubeStage, len(cells), func(i int, v []any) []any {
		k := &cells[i]
		v[0], v[1], v[2], v[3], v[4] = k.Period, k.Area, k.ICCS, k.Sex, k.AgeBand
		v[5], v[6], v[7], v[8], v[9] = k.Weapon, k.Context, string(k.SourceType), string(k.Unit), string(k.Status)
		v[10] = k.Count
		return v
	})
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, cubeInsert)
	return internal("add cube cells", err)
}

// Cube returns the cells that match f, ordered by key (period, area, ICCS,
// sex, age band, weapon, context, source type, unit, status).
func (db *DB) Cube(ctx context.Context, f atalaya.CubeFilter) ([]atalaya.CubeCell, error) {
	var w where
	cubeWhere(&w, f)
	return db.readCells(ctx, "cube", w)
}

// cubeWhere adds the conditions of a cube filter to w.
func cubeWhere(w *where, f atalaya.CubeFilter) {
	if len(f.Areas) > 0 {
		w.add("area = ANY(?)", f.Areas)
	}
	if len(f.ICCS) > 0 {
		w.add("iccs = ANY(?)", f.ICCS)
	}
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

// readCells reads the cells of a table keyed like the cube (cube,
// release_cells) that match w, ordered by key.
func (db *DB) readCells(ctx context.Context, table string, w where) ([]atalaya.CubeCell, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+cubeKeyColumns+`, count FROM `+table+w.String()+
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
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM cube`); err != nil {
			return internal("clear cube", err)
		}
		if err := addCells(ctx, tx, map[string]bool{}, cells); err != nil {
			return err
		}
		return bumpDataVersion(ctx, tx)
	})
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
	if len(f.Areas) > 0 {
		w.add("area = ANY(?)", f.Areas)
	}
	if len(f.ICCS) > 0 {
		w.add("iccs = ANY(?)", f.ICCS)
	}
	rows, err := db.pool.Query(ctx, `SELECT DISTINCT area, period, source_type FROM `+table+w.String()+
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
