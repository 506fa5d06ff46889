package sqlite

import (
	"context"
	"database/sql"

	"github.com/oas-atalaya/atalaya"
)

// PutSource inserts or updates a source. EINVALID if Source.Validate fails
// or the country is not an ISO 3166-1 alpha-3 code.
func (db *DB) PutSource(ctx context.Context, s atalaya.Source) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if s.Country != "" && !atalaya.ValidCountryCode(s.Country) {
		return atalaya.Errorf(atalaya.EINVALID, "source %s: country %q must be ISO 3166-1 alpha-3", s.ID, s.Country)
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO sources (id, agency, type, country, licence, attribution)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET agency = excluded.agency, type = excluded.type,
			country = excluded.country, licence = excluded.licence, attribution = excluded.attribution`,
		s.ID, s.Agency, string(s.Type), s.Country, s.Licence, s.Attribution); err != nil {
		return internal("upsert source", err)
	}
	if err := bumpDataVersion(ctx, tx); err != nil {
		return err
	}
	return internal("commit source", tx.Commit())
}

const sourceColumns = `id, agency, type, country, licence, attribution`

func scanSource(row interface{ Scan(...any) error }) (atalaya.Source, error) {
	var s atalaya.Source
	err := row.Scan(&s.ID, &s.Agency, &s.Type, &s.Country, &s.Licence, &s.Attribution)
	return s, err
}

// Source returns a source; ENOTFOUND if absent.
func (db *DB) Source(ctx context.Context, id string) (atalaya.Source, error) {
	s, err := scanSource(db.r.QueryRowContext(ctx, `SELECT `+sourceColumns+` FROM sources WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return s, atalaya.Errorf(atalaya.ENOTFOUND, "source %s not found", id)
	}
	return s, internal("read source", err)
}

// Sources returns all sources ordered by id.
func (db *DB) Sources(ctx context.Context) ([]atalaya.Source, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources ORDER BY id`)
	if err != nil {
		return nil, internal("list sources", err)
	}
	defer rows.Close()
	var out []atalaya.Source
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, internal("list sources", err)
		}
		out = append(out, s)
	}
	return out, internal("list sources", rows.Err())
}
