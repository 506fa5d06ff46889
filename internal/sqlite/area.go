package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

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
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	sorted, err := storeutil.CheckAreas(areas, func(code string) (storeutil.ParentInfo, bool, error) {
		var p storeutil.ParentInfo
		err := tx.QueryRowContext(ctx, `SELECT level, country FROM areas WHERE code = ?`, code).Scan(&p.Level, &p.Country)
		if err == sql.ErrNoRows {
			return p, false, nil
		}
		return p, err == nil, internal("look up parent area", err)
	})
	if err != nil {
		return err
	}

	stmt, err := tx.PrepareContext(ctx, `INSERT INTO areas
		(code, country, parent, level, name, names, valid_from, valid_to, boundary, source, search)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET
			country = excluded.country, parent = excluded.parent, level = excluded.level,
			name = excluded.name, names = excluded.names, valid_from = excluded.valid_from,
			valid_to = excluded.valid_to, boundary = excluded.boundary, source = excluded.source,
			search = excluded.search`)
	if err != nil {
		return internal("prepare area upsert", err)
	}
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
		if _, err := stmt.ExecContext(ctx, a.Code, a.Country, parent, a.Level, a.Name, names,
			a.ValidFrom, a.ValidTo, boundary, a.Source, storeutil.AreaSearchText(a)); err != nil {
			return internal("upsert area "+a.Code, err)
		}
	}
	if err := bumpDataVersion(ctx, tx); err != nil {
		return err
	}
	return internal("commit areas", tx.Commit())
}

const areaColumns = `code, country, coalesce(parent, ''), level, name, names, valid_from, valid_to, source`

// scanArea scans areaColumns, plus the boundary when withBoundary is set.
func scanArea(rows interface{ Scan(...any) error }, withBoundary bool) (atalaya.Area, error) {
	var a atalaya.Area
	var names *string
	dest := []any{&a.Code, &a.Country, &a.Parent, &a.Level, &a.Name, &names, &a.ValidFrom, &a.ValidTo, &a.Source}
	if withBoundary {
		dest = append(dest, &a.Boundary)
	}
	if err := rows.Scan(dest...); err != nil {
		return a, err
	}
	if names != nil {
		if err := json.Unmarshal([]byte(*names), &a.Names); err != nil {
			return a, internal("decode names of area "+a.Code, err)
		}
	}
	return a, nil
}

// Area returns one area, with its boundary; ENOTFOUND if absent.
func (db *DB) Area(ctx context.Context, code string) (atalaya.Area, error) {
	row := db.r.QueryRowContext(ctx, `SELECT `+areaColumns+`, boundary FROM areas WHERE code = ?`, code)
	a, err := scanArea(row, true)
	if err == sql.ErrNoRows {
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
		w.add("instr(search, ?) > 0", s)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+areaColumns+` FROM areas`+w.String()+` ORDER BY code`, w.args...)
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
	rows, err := db.r.QueryContext(ctx, `SELECT `+areaColumns+`, boundary FROM areas`+w.String()+` ORDER BY code`, w.args...)
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
