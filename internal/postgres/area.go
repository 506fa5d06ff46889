package postgres

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/storeutil"
)

// PutAreas inserts or replaces areas in one transaction. A parent may come
// in the same call, in any order: areas are inserted by level, parents
// first. Besides Area.Validate, a parent must exist, be one level up and be
// in the same country, which also rules out cycles.
func (db *DB) PutAreas(ctx context.Context, areas []atalaya.Area) error {
	if len(areas) == 0 {
		return nil
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		sorted, err := storeutil.CheckAreas(areas, func(code string) (storeutil.ParentInfo, bool, error) {
			var p storeutil.ParentInfo
			err := tx.QueryRow(ctx, `SELECT level, country FROM areas WHERE code = $1`, code).Scan(&p.Level, &p.Country)
			if notFound(err) {
				return p, false, nil
			}
			return p, err == nil, internal("look up parent area", err)
		})
		if err != nil {
			return err
		}
		var b pgx.Batch
		for _, a := range sorted {
			names, err := encodeMap(a.Names)
			if err != nil {
				return internal("encode area names", err)
			}
			var parent, boundary any
			if a.Parent != "" {
				parent = a.Parent
			}
			if len(a.Boundary) > 0 {
				boundary = a.Boundary
			}
			b.Queue(`INSERT INTO areas
				(code, country, parent, level, name, names, valid_from, valid_to, boundary, source, search)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
				ON CONFLICT (code) DO UPDATE SET
					country = excluded.country, parent = excluded.parent, level = excluded.level,
					name = excluded.name, names = excluded.names, valid_from = excluded.valid_from,
					valid_to = excluded.valid_to, boundary = excluded.boundary, source = excluded.source,
					search = excluded.search`,
				a.Code, a.Country, parent, a.Level, a.Name, names, a.ValidFrom, a.ValidTo, boundary, a.Source, storeutil.AreaSearchText(a))
		}
		if err := tx.SendBatch(ctx, &b).Close(); err != nil {
			return internal("upsert areas", err)
		}
		return bumpDataVersion(ctx, tx)
	})
}

const areaColumns = `code, country, coalesce(parent, ''), level, name, names, valid_from, valid_to, source`

// scanArea scans areaColumns, plus the boundary when withBoundary is set.
func scanArea(row pgx.Row, withBoundary bool) (atalaya.Area, error) {
	var a atalaya.Area
	var names []byte
	dest := []any{&a.Code, &a.Country, &a.Parent, &a.Level, &a.Name, &names, &a.ValidFrom, &a.ValidTo, &a.Source}
	if withBoundary {
		dest = append(dest, &a.Boundary)
	}
	if err := row.Scan(dest...); err != nil {
		return a, err
	}
	if names != nil {
		if err := json.Unmarshal(names, &a.Names); err != nil {
			return a, internal("decode names of area "+a.Code, err)
		}
	}
	return a, nil
}

// Area returns one area, with its boundary; ENOTFOUND if absent.
func (db *DB) Area(ctx context.Context, code string) (atalaya.Area, error) {
	a, err := scanArea(db.pool.QueryRow(ctx, `SELECT `+areaColumns+`, boundary FROM areas WHERE code = $1`, code), true)
	if notFound(err) {
		return a, atalaya.Errorf(atalaya.ENOTFOUND, "area %s not found", code)
	}
	return a, internal("read area", err)
}

// Areas returns the areas that match f, without boundaries, ordered by code.
func (db *DB) Areas(ctx context.Context, f atalaya.AreaFilter) ([]atalaya.Area, error) {
	var w where
	if f.Country != "" {
		w.add("country = ?", f.Country)
	}
	if f.Parent != "" {
		w.add("parent = ?", f.Parent)
	}
	if f.Level != nil {
		w.add("level = ?", *f.Level)
	}
	if s := strings.ToLower(strings.TrimSpace(f.Search)); s != "" {
		w.add("strpos(search, ?) > 0", s)
	}
	rows, err := db.pool.Query(ctx, `SELECT `+areaColumns+` FROM areas`+w.String()+` ORDER BY code`, w.args...)
	if err != nil {
		return nil, internal("list areas", err)
	}
	defer rows.Close()
	var out []atalaya.Area
	for rows.Next() {
		a, err := scanArea(rows, false)
		if err != nil {
			return nil, internal("list areas", err)
		}
		out = append(out, a)
	}
	return out, internal("list areas", rows.Err())
}

// Boundaries calls fn for every area of country (every area when country is
// empty) that has a boundary, in code order. An error from fn stops the
// iteration and is returned as is.
func (db *DB) Boundaries(ctx context.Context, country string, fn func(atalaya.Area) error) error {
	var w where
	w.add("boundary IS NOT NULL")
	if country != "" {
		w.add("country = ?", country)
	}
	rows, err := db.pool.Query(ctx, `SELECT `+areaColumns+`, boundary FROM areas`+w.String()+` ORDER BY code`, w.args...)
	if err != nil {
		return internal("read boundaries", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanArea(rows, true)
		if err != nil {
			return internal("read boundaries", err)
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	return internal("read boundaries", rows.Err())
}
