package postgres

import (
	"context"
	"sort"

	"github.com/jackc/pgx/v5"
	"github.com/oas-atalaya/atalaya"
)

// PutPopulations inserts or replaces population rows in one transaction.
// EINVALID for an invalid row or an area that is not stored.
func (db *DB) PutPopulations(ctx context.Context, pops []atalaya.Population) error {
	if len(pops) == 0 {
		return nil
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if err := putPopulations(ctx, tx, pops); err != nil {
			return err
		}
		return bumpDataVersion(ctx, tx)
	})
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
func putPopulations(ctx context.Context, tx pgx.Tx, pops []atalaya.Population) error {
	for _, p := range pops {
		if err := p.Validate(); err != nil {
			return err
		}
	}
	if len(pops) == 0 {
		return nil
	}
	if err := checkAreasExist(ctx, tx, populationAreas(pops)); err != nil {
		return err
	}
	var b pgx.Batch
	for _, p := range pops {
		b.Queue(`INSERT INTO populations (area, year, sex, age_band, value, source)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (area, year, sex, age_band) DO UPDATE SET value = excluded.value, source = excluded.source`,
			p.Area, p.Year, p.Sex, p.AgeBand, p.Value, p.Source)
	}
	return internal("upsert populations", tx.SendBatch(ctx, &b).Close())
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
func checkAreasExist(ctx context.Context, tx pgx.Tx, codes []string) error {
	rows, err := tx.Query(ctx, `SELECT code FROM areas WHERE code = ANY($1)`, codes)
	if err != nil {
		return internal("look up areas", err)
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return internal("look up areas", err)
	}
	have := make(map[string]bool, len(found))
	for _, c := range found {
		have[c] = true
	}
	for _, c := range codes {
		if !have[c] {
			return atalaya.Errorf(atalaya.EINVALID, "area %s does not exist", c)
		}
	}
	return nil
}

// Populations returns the population rows that match f, ordered by area,
// year, sex and age band.
func (db *DB) Populations(ctx context.Context, f atalaya.PopulationFilter) ([]atalaya.Population, error) {
	var w where
	if len(f.Areas) > 0 {
		w.add("area = ANY(?)", f.Areas)
	}
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
	rows, err := db.pool.Query(ctx, `SELECT area, year, sex, age_band, value, source FROM populations`+
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
