package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
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
	return db.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO sources (id, agency, type, country, licence, attribution)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (id) DO UPDATE SET agency = excluded.agency, type = excluded.type,
				country = excluded.country, licence = excluded.licence, attribution = excluded.attribution`,
			s.ID, s.Agency, string(s.Type), s.Country, s.Licence, s.Attribution)
		if err != nil {
			return internal("upsert source", err)
		}
		return bumpDataVersion(ctx, tx)
	})
}

const sourceColumns = `id, agency, type, country, licence, attribution`

func scanSource(row pgx.Row) (atalaya.Source, error) {
	var s atalaya.Source
	err := row.Scan(&s.ID, &s.Agency, &s.Type, &s.Country, &s.Licence, &s.Attribution)
	return s, err
}

// Source returns a source; ENOTFOUND if absent.
func (db *DB) Source(ctx context.Context, id string) (atalaya.Source, error) {
	s, err := scanSource(db.pool.QueryRow(ctx, `SELECT `+sourceColumns+` FROM sources WHERE id = $1`, id))
	if notFound(err) {
		return s, atalaya.Errorf(atalaya.ENOTFOUND, "source %s not found", id)
	}
	return s, internal("read source", err)
}

// Sources returns all sources ordered by id.
func (db *DB) Sources(ctx context.Context) ([]atalaya.Source, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+sourceColumns+` FROM sources ORDER BY id`)
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
