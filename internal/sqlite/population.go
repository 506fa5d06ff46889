package sqlite

import (
	"context"
	"database/sql"
	"sort"

	"github.com/oas-atalaya/atalaya"
)

// PutPopulations inserts or replaces population rows in one transaction.
// EINVALID for an invalid row or an area that is not stored.
func (db *DB) PutPopulations(ctx context.Context, pops []atalaya.Population) error {
	if len(pops) == 0 {
		return nil
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := putPopulations(ctx, tx, pops); err != nil {
		return err
	}
	if err := bumpDataVersion(ctx, tx); err != nil {
		return err
	}
	return internal("commit populations", tx.Commit())
}

// AddPopulations stores populations within the batch's transaction, so that
// a population file is stored with its batch or not at all.
func (w *batchWriter) AddPopulations(ctx context.Context, pops []atalaya.Population) error {
	if err := w.check(); err != nil {
		return err
	}
	return putPopulations(ctx, w.tx, pops)
}

// putPopulations validates and upserts pops within tx.
func putPopulations(ctx context.Context, tx *sql.Tx, pops []atalaya.Population) error {
	for _, p := range pops {
		if err := p.Validate(); err != nil {
			return err
		}
	}
	if err := checkAreasExist(ctx, tx, populationAreas(pops)); err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO populations (area, year, sex, age_band, value, source)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (area, year, sex, age_band) DO UPDATE SET value = excluded.value, source = excluded.source`)
	if err != nil {
		return internal("prepare population upsert", err)
	}
	defer stmt.Close()
	for _, p := range pops {
		if _, err := stmt.ExecContext(ctx, p.Area, p.Year, p.Sex, p.AgeBand, p.Value, p.Source); err != nil {
			return internal("upsert population", err)
		}
	}
	return nil
}

// populationAreas returns the distinct areas of pops, sorted.
func populationAreas(pops []atalaya.Population) []string {
	seen := map[string]bool{}
	var codes []string
	for _, p := range pops {
		if !seen[p.Area] {
			seen[p.Area] = true
			codes = append(codes, p.Area)
		}
	}
	sort.Strings(codes)
	return codes
}

// checkAreasExist returns EINVALID naming the first of codes that is not a
// stored area.
func checkAreasExist(ctx context.Context, tx *sql.Tx, codes []string) error {
	stmt, err := tx.PrepareContext(ctx, `SELECT 1 FROM areas WHERE code = ?`)
	if err != nil {
		return internal("prepare area lookup", err)
	}
	defer stmt.Close()
	for _, c := range codes {
		var one int
		switch err := stmt.QueryRowContext(ctx, c).Scan(&one); {
		case err == sql.ErrNoRows:
			return atalaya.Errorf(atalaya.EINVALID, "area %s does not exist", c)
		case err != nil:
			return internal("look up area", err)
		}
	}
	return nil
}

// Populations returns the population rows that match f, ordered by area,
// year, sex and age band.
func (db *DB) Populations(ctx context.Context, f atalaya.PopulationFilter) ([]atalaya.Population, error) {
	var w where
	w.in("area", f.Areas)
	if f.YearFrom != 0 {
		w.add("year >= ?", f.YearFrom)
	}
	if f.YearTo != 0 {
		w.add("year <= ?", f.YearTo)
	}
	if f.Sex != "" {
		w.add("sex = ?", f.Sex)
	}
	if f.AgeBand != "" {
		w.add("age_band = ?", f.AgeBand)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT area, year, sex, age_band, value, source FROM populations`+
		w.String()+` ORDER BY area, year, sex, age_band`, w.args...)
	if err != nil {
		return nil, internal("list populations", err)
	}
	defer rows.Close()
	var out []atalaya.Population
	for rows.Next() {
		var p atalaya.Population
		if err := rows.Scan(&p.Area, &p.Year, &p.Sex, &p.AgeBand, &p.Value, &p.Source); err != nil {
			return nil, internal("list populations", err)
		}
		out = append(out, p)
	}
	return out, internal("list populations", rows.Err())
}
