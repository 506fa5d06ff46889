package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/storeutil"
)

// PutCodeList inserts or updates a code list. EINVALID if it has no id or
// name, or a country that is not ISO 3166-1 alpha-3.
func (db *DB) PutCodeList(ctx context.Context, cl atalaya.CodeList) error {
	if err := storeutil.CheckCodeList(cl); err != nil {
		return err
	}
	_, err := db.pool.Exec(ctx, `INSERT INTO code_lists (id, name, country, description) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, country = excluded.country,
			description = excluded.description`,
		cl.ID, cl.Name, cl.Country, cl.Description)
	return internal("upsert code list", err)
}

// CodeLists returns all code lists ordered by id.
func (db *DB) CodeLists(ctx context.Context) ([]atalaya.CodeList, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, name, country, description FROM code_lists ORDER BY id`)
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
// the classification. Concurrent calls for one code list are serialised by
// a lock on its row.
func (db *DB) AddMapping(ctx context.Context, m atalaya.Mapping) (int, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	var version int
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM code_lists WHERE id = $1 FOR UPDATE`, m.CodeList).Scan(&one)
		if notFound(err) {
			return atalaya.Errorf(atalaya.ENOTFOUND, "code list %s not found", m.CodeList)
		} else if err != nil {
			return internal("look up code list", err)
		}
		if err := checkMappingICCS(ctx, tx, m); err != nil {
			return err
		}

		latest, err := readMapping(ctx, tx, m.CodeList, 0)
		switch {
		case err == nil && storeutil.SameEntries(latest.Entries, m.Entries):
			version = latest.Version
			return nil
		case err != nil && atalaya.ErrorCode(err) != atalaya.ENOTFOUND:
			return err
		}
		version = latest.Version + 1

		var b pgx.Batch
		b.Queue(`INSERT INTO mappings (code_list, version, valid_from, note, created_at) VALUES ($1, $2, $3, $4, $5)`,
			m.CodeList, version, m.ValidFrom, m.Note, db.now().UTC().Truncate(time.Microsecond))
		for i, e := range m.Entries {
			b.Queue(`INSERT INTO mapping_entries (code_list, version, position, national_code, normalized,
				label, iccs, implied_sex, implied_weapon, implied_context, note)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
				m.CodeList, version, i, e.NationalCode, atalaya.NormalizeCode(e.NationalCode), e.Label, e.ICCS,
				e.Implies.Sex, e.Implies.Weapon, e.Implies.Context, e.Note)
		}
		if err := tx.SendBatch(ctx, &b).Close(); err != nil {
			return internal("insert mapping", err)
		}
		return bumpDataVersion(ctx, tx)
	})
	if err != nil {
		return 0, err
	}
	return version, nil
}

// checkMappingICCS returns EINVALID naming the first entry whose ICCS code
// is not in the classification.
func checkMappingICCS(ctx context.Context, tx pgx.Tx, m atalaya.Mapping) error {
	codes := make([]string, 0, len(m.Entries))
	for _, e := range m.Entries {
		codes = append(codes, e.ICCS)
	}
	rows, err := tx.Query(ctx, `SELECT code FROM iccs WHERE code = ANY($1)`, codes)
	if err != nil {
		return internal("look up ICCS codes", err)
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return internal("look up ICCS codes", err)
	}
	known := make(map[string]bool, len(found))
	for _, c := range found {
		known[c] = true
	}
	for _, e := range m.Entries {
		if !known[e.ICCS] {
			return atalaya.Errorf(atalaya.EINVALID, "mapping %s: national code %q maps to ICCS %s, which is not in the classification", m.CodeList, e.NationalCode, e.ICCS)
		}
	}
	return nil
}

// Mapping returns a version of a code list's mapping, the latest for
// version 0, with its entries in the order they were given. ENOTFOUND if
// there is no such version.
func (db *DB) Mapping(ctx context.Context, codeList string, version int) (atalaya.Mapping, error) {
	var m atalaya.Mapping
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		m, err = readMapping(ctx, tx, codeList, version)
		return err
	})
	return m, err
}

func readMapping(ctx context.Context, tx pgx.Tx, codeList string, version int) (atalaya.Mapping, error) {
	m := atalaya.Mapping{CodeList: codeList}
	var row pgx.Row
	if version == 0 {
		row = tx.QueryRow(ctx, `SELECT version, valid_from, note, created_at FROM mappings
			WHERE code_list = $1 ORDER BY version DESC LIMIT 1`, codeList)
	} else {
		row = tx.QueryRow(ctx, `SELECT version, valid_from, note, created_at FROM mappings
			WHERE code_list = $1 AND version = $2`, codeList, version)
	}
	var created time.Time
	switch err := row.Scan(&m.Version, &m.ValidFrom, &m.Note, &created); {
	case notFound(err) && version == 0:
		return m, atalaya.Errorf(atalaya.ENOTFOUND, "code list %s has no mapping", codeList)
	case notFound(err):
		return m, atalaya.Errorf(atalaya.ENOTFOUND, "code list %s has no mapping version %d", codeList, version)
	case err != nil:
		return m, internal("read mapping", err)
	}
	m.CreatedAt = created.UTC().Format(time.RFC3339)

	rows, err := tx.Query(ctx, `SELECT national_code, label, iccs, implied_sex, implied_weapon, implied_context, note
		FROM mapping_entries WHERE code_list = $1 AND version = $2 ORDER BY position`, codeList, m.Version)
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
