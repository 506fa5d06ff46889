package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/oas-atalaya/atalaya"
)

var _ atalaya.ProgrammeStore = (*DB)(nil)

const programmeColumns = `id, name, objective, owner, areas, start_date, end_date, indicators, created, created_by, updated`

// PutProgramme creates (create) or replaces a programme; see
// atalaya.ProgrammeStore.
func (db *DB) PutProgramme(ctx context.Context, p atalaya.Programme, create bool) error {
	if err := p.Validate(); err != nil {
		return err
	}
	var end *time.Time
	if !p.End.IsZero() {
		e := p.End.UTC()
		end = &e
	}
	now := pgTime(db.now())
	return db.inTx(ctx, func(tx pgx.Tx) error {
		var unknown *string
		if err := tx.QueryRow(ctx, `SELECT a FROM unnest($1::text[]) a WHERE NOT EXISTS (SELECT 1 FROM areas WHERE code = a) LIMIT 1`,
			p.Areas).Scan(&unknown); err != nil && !notFound(err) {
			return internal("read areas", err)
		}
		if unknown != nil {
			return atalaya.Errorf(atalaya.EINVALID, "programme %s: unknown area %q", p.ID, *unknown)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM programmes WHERE id = $1`, p.ID).Scan(&n); err != nil {
			return internal("read programme", err)
		}
		switch {
		case create && n > 0:
			return atalaya.Errorf(atalaya.ECONFLICT, "programme %s already exists", p.ID)
		case !create && n == 0:
			return atalaya.Errorf(atalaya.ENOTFOUND, "no programme %q", p.ID)
		}
		args := []any{p.Name, p.Objective, p.Owner, sortedSet(p.Areas), p.Start.UTC(), end, sortedSet(p.Indicators), now, p.ID}
		q := `UPDATE programmes SET name = $1, objective = $2, owner = $3, areas = $4, start_date = $5, end_date = $6,
			indicators = $7, updated = $8 WHERE id = $9`
		if create {
			q = `INSERT INTO programmes (name, objective, owner, areas, start_date, end_date, indicators, updated, id,
				created, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`
			args = append(args, now, p.CreatedBy)
		}
		_, err := tx.Exec(ctx, q, args...)
		if uniqueViolation(err) {
			return atalaya.Errorf(atalaya.ECONFLICT, "programme %s already exists", p.ID)
		}
		return internal("write programme", err)
	})
}

func scanProgramme(r pgx.Row) (atalaya.Programme, error) {
	var p atalaya.Programme
	var end *time.Time
	err := r.Scan(&p.ID, &p.Name, &p.Objective, &p.Owner, &p.Areas, &p.Start, &end, &p.Indicators, &p.Created, &p.CreatedBy, &p.Updated)
	if end != nil {
		p.End = end.UTC()
	}
	p.Start, p.Created, p.Updated = p.Start.UTC(), p.Created.UTC(), p.Updated.UTC()
	return p, err
}

// Programme returns one programme; ENOTFOUND if absent.
func (db *DB) Programme(ctx context.Context, id string) (atalaya.Programme, error) {
	p, err := scanProgramme(db.pool.QueryRow(ctx, `SELECT `+programmeColumns+` FROM programmes WHERE id = $1`, id))
	if notFound(err) {
		return p, atalaya.Errorf(atalaya.ENOTFOUND, "no programme %q", id)
	}
	return p, internal("read programme", err)
}

// Programmes returns every programme, ordered by id.
func (db *DB) Programmes(ctx context.Context) ([]atalaya.Programme, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+programmeColumns+` FROM programmes ORDER BY id`)
	if err != nil {
		return nil, internal("read programmes", err)
	}
	defer rows.Close()
	var out []atalaya.Programme
	for rows.Next() {
		p, err := scanProgramme(rows)
		if err != nil {
			return nil, internal("read programme", err)
		}
		out = append(out, p)
	}
	return out, internal("read programmes", rows.Err())
}

const evaluationColumns = `id, programme, method, indicator, spec::text, result::text, summary, data_version, created, created_by`

// AddEvaluation stores an evaluation; see atalaya.ProgrammeStore.
func (db *DB) AddEvaluation(ctx context.Context, e atalaya.Evaluation) (atalaya.Evaluation, error) {
	if err := e.Validate(); err != nil {
		return e, err
	}
	if len(e.Spec) == 0 {
		e.Spec = []byte("{}")
	}
	e.Created = pgTime(db.now())
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM programmes WHERE id = $1`, e.Programme).Scan(&n); err != nil {
			return internal("read programme", err)
		}
		if n == 0 {
			return atalaya.Errorf(atalaya.ENOTFOUND, "no programme %q", e.Programme)
		}
		return internal("write evaluation", tx.QueryRow(ctx, `INSERT INTO evaluations (programme, method, indicator, spec, result,
			summary, data_version, created, created_by) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8, $9) RETURNING id`,
			e.Programme, e.Method, e.Indicator, string(e.Spec), string(e.Result), e.Summary, e.DataVersion, e.Created, e.CreatedBy).Scan(&e.ID))
	})
	return e, err
}

func scanEvaluation(r pgx.Row) (atalaya.Evaluation, error) {
	var e atalaya.Evaluation
	var spec, result string
	err := r.Scan(&e.ID, &e.Programme, &e.Method, &e.Indicator, &spec, &result, &e.Summary, &e.DataVersion, &e.Created, &e.CreatedBy)
	e.Spec, e.Result, e.Created = []byte(spec), []byte(result), e.Created.UTC()
	return e, err
}

// Evaluation returns one evaluation; ENOTFOUND if absent.
func (db *DB) Evaluation(ctx context.Context, id int64) (atalaya.Evaluation, error) {
	e, err := scanEvaluation(db.pool.QueryRow(ctx, `SELECT `+evaluationColumns+` FROM evaluations WHERE id = $1`, id))
	if notFound(err) {
		return e, atalaya.Errorf(atalaya.ENOTFOUND, "no evaluation %d", id)
	}
	return e, internal("read evaluation", err)
}

// Evaluations returns a programme's evaluations (all if programme is
// ""), newest first.
func (db *DB) Evaluations(ctx context.Context, programme string) ([]atalaya.Evaluation, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+evaluationColumns+` FROM evaluations WHERE $1 = '' OR programme = $1 ORDER BY id DESC`, programme)
	if err != nil {
		return nil, internal("read evaluations", err)
	}
	defer rows.Close()
	var out []atalaya.Evaluation
	for rows.Next() {
		e, err := scanEvaluation(rows)
		if err != nil {
			return nil, internal("read evaluation", err)
		}
		out = append(out, e)
	}
	return out, internal("read evaluations", rows.Err())
}
