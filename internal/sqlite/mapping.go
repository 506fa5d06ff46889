package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/storeutil"
)

// querier is what *sql.DB and *sql.Tx have in common for reads.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// PutCodeList inserts or updates a code list. EINVALID if it has no id or
// name, or a country that is not ISO 3166-1 alpha-3.
func (db *DB) PutCodeList(ctx context.Context, cl atalaya.CodeList) error {
	if err := storeutil.CheckCodeList(cl); err != nil {
		return err
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO code_lists (id, name, country, description) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, country = excluded.country,
			description = excluded.description`,
		cl.ID, cl.Name, cl.Country, cl.Description); err != nil {
		return internal("upsert code list", err)
	}
	return internal("commit code list", tx.Commit())
}

// CodeLists returns all code lists ordered by id.
func (db *DB) CodeLists(ctx context.Context) ([]atalaya.CodeList, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, name, country, description FROM code_lists ORDER BY id`)
	if err != nil {
		return nil, internal("list code lists", err)
	}
	defer rows.Close()
	var out []atalaya.CodeList
	for rows.Next() {
		var cl atalaya.CodeList
		if err := rows.Scan(&cl.ID, &cl.Name, &cl.Country, &cl.Description); err != nil {
			return nil, internal("list code lists", err)
		}
		out = append(out, cl)
	}
	return out, internal("list code lists", rows.Err())
}

// AddMapping stores m as the next version of its code list's mapping and
// returns that version, or returns the latest version unchanged if its
// entries are the same as m's (see storeutil.SameEntries). ENOTFOUND for an unknown
// code list; EINVALID for an invalid mapping or an ICCS code that is not in
// the classification.
func (db *DB) AddMapping(ctx context.Context, m atalaya.Mapping) (int, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()

	var one int
	switch err := tx.QueryRowContext(ctx, `SELECT 1 FROM code_lists WHERE id = ?`, m.CodeList).Scan(&one); {
	case err == sql.ErrNoRows:
		return 0, atalaya.Errorf(atalaya.ENOTFOUND, "code list %s not found", m.CodeList)
	case err != nil:
		return 0, internal("look up code list", err)
	}
	if err := checkMappingICCS(ctx, tx, m); err != nil {
		return 0, err
	}

	latest, err := readMapping(ctx, tx, m.CodeList, 0)
	switch {
	case err == nil && storeutil.SameEntries(latest.Entries, m.Entries):
		return latest.Version, nil
	case err != nil && atalaya.ErrorCode(err) != atalaya.ENOTFOUND:
		return 0, err
	}
	version := latest.Version + 1

	if _, err := tx.ExecContext(ctx, `INSERT INTO mappings (code_list, version, valid_from, note, created_at)
		VALUES (?, ?, ?, ?, ?)`, m.CodeList, version, m.ValidFrom, m.Note, formatTime(db.now())); err != nil {
		return 0, internal("insert mapping", err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO mapping_entries (code_list, version, position,
		national_code, normalized, label, iccs, implied_sex, implied_weapon, implied_context, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, internal("prepare mapping entries", err)
	}
	for i, e := range m.Entries {
		if _, err := stmt.ExecContext(ctx, m.CodeList, version, i, e.NationalCode, atalaya.NormalizeCode(e.NationalCode),
			e.Label, e.ICCS, e.Implies.Sex, e.Implies.Weapon, e.Implies.Context, e.Note); err != nil {
			return 0, internal("insert mapping entry", err)
		}
	}
	if err := bumpDataVersion(ctx, tx); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, internal("commit mapping", err)
	}
	return version, nil
}

// checkMappingICCS returns EINVALID naming the first entry whose ICCS code
// is not in the classification.
func checkMappingICCS(ctx context.Context, tx *sql.Tx, m atalaya.Mapping) error {
	stmt, err := tx.PrepareContext(ctx, `SELECT 1 FROM iccs WHERE code = ?`)
	if err != nil {
		return internal("prepare ICCS lookup", err)
	}
	defer stmt.Close()
	known := map[string]bool{}
	for _, e := range m.Entries {
		if known[e.ICCS] {
			continue
		}
		var one int
		switch err := stmt.QueryRowContext(ctx, e.ICCS).Scan(&one); {
		case err == sql.ErrNoRows:
			return atalaya.Errorf(atalaya.EINVALID, "mapping %s: national code %q maps to ICCS %s, which is not in the classification", m.CodeList, e.NationalCode, e.ICCS)
		case err != nil:
			return internal("look up ICCS code", err)
		}
		known[e.ICCS] = true
	}
	return nil
}

// Mapping returns a version of a code list's mapping, the latest for
// version 0, with its entries in the order they were given. ENOTFOUND if
// there is no such version.
func (db *DB) Mapping(ctx context.Context, codeList string, version int) (atalaya.Mapping, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return atalaya.Mapping{}, err
	}
	defer tx.Rollback()
	return readMapping(ctx, tx, codeList, version)
}

func readMapping(ctx context.Context, q querier, codeList string, version int) (atalaya.Mapping, error) {
	m := atalaya.Mapping{CodeList: codeList}
	var row *sql.Row
	if version == 0 {
		row = q.QueryRowContext(ctx, `SELECT version, valid_from, note, created_at FROM mappings
			WHERE code_list = ? ORDER BY version DESC LIMIT 1`, codeList)
	} else {
		row = q.QueryRowContext(ctx, `SELECT version, valid_from, note, created_at FROM mappings
			WHERE code_list = ? AND version = ?`, codeList, version)
	}
	var created string
	switch err := row.Scan(&m.Version, &m.ValidFrom, &m.Note, &created); {
	case err == sql.ErrNoRows && version == 0:
		return m, atalaya.Errorf(atalaya.ENOTFOUND, "code list %s has no mapping", codeList)
	case err == sql.ErrNoRows:
		return m, atalaya.Errorf(atalaya.ENOTFOUND, "code list %s has no mapping version %d", codeList, version)
	case err != nil:
		return m, internal("read mapping", err)
	}
	t, err := parseTime(created)
	if err != nil {
		return m, err
	}
	m.CreatedAt = t.Format(time.RFC3339)

	rows, err := q.QueryContext(ctx, `SELECT national_code, label, iccs, implied_sex, implied_weapon, implied_context, note
		FROM mapping_entries WHERE code_list = ? AND version = ? ORDER BY position`, codeList, m.Version)
	if err != nil {
		return m, internal("read mapping entries", err)
	}
	defer rows.Close()
	m.Entries = []atalaya.MappingEntry{}
	for rows.Next() {
		var e atalaya.MappingEntry
		if err := rows.Scan(&e.NationalCode, &e.Label, &e.ICCS, &e.Implies.Sex, &e.Implies.Weapon, &e.Implies.Context, &e.Note); err != nil {
			return m, internal("read mapping entries", err)
		}
		m.Entries = append(m.Entries, e)
	}
	return m, internal("read mapping entries", rows.Err())
}
