package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

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
	areas, _ := json.Marshal(sortedSet(p.Areas))
	inds, _ := json.Marshal(sortedSet(p.Indicators))
	end := ""
	if !p.End.IsZero() {
		end = p.End.Format(time.DateOnly)
	}
	now := formatTime(db.now())
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, a := range p.Areas {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM areas WHERE code = ?`, a).Scan(&n); err != nil {
			return internal("read area", err)
		}
		if n == 0 {
			return atalaya.Errorf(atalaya.EINVALID, "programme %s: unknown area %q", p.ID, a)
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM programmes WHERE id = ?`, p.ID).Scan(&n); err != nil {
		return internal("read programme", err)
	}
	switch {
	case create && n > 0:
		return atalaya.Errorf(atalaya.ECONFLICT, "programme %s already exists", p.ID)
	case !create && n == 0:
		return atalaya.Errorf(atalaya.ENOTFOUND, "no programme %q", p.ID)
	}
	args := []any{p.Name, p.Objective, p.Owner, string(areas), p.Start.Format(time.DateOnly), end, string(inds), now, p.ID}
	q := `UPDATE programmes SET name = ?, objective = ?, owner = ?, areas = ?, start_date = ?, end_date = ?,
		indicators = ?, updated = ? WHERE id = ?`
	if create {
		q = `INSERT INTO programmes (name, objective, owner, areas, start_date, end_date, indicators, updated, id,
			created, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
		args = append(args, now, p.CreatedBy)
	}
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return internal("write programme", err)
	}
	return internal("commit programme", tx.Commit())
}

func scanProgramme(r scanner) (atalaya.Programme, error) {
	var p atalaya.Programme
	var areas, inds, start, end, created, updated string
	if err := r.Scan(&p.ID, &p.Name, &p.Objective, &p.Owner, &areas, &start, &end, &inds, &created, &p.CreatedBy, &updated); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(areas), &p.Areas); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(inds), &p.Indicators); err != nil {
		return p, err
	}
	var err error
	if p.Start, err = time.Parse(time.DateOnly, start); err != nil {
		return p, err
	}
	if end != "" {
		if p.End, err = time.Parse(time.DateOnly, end); err != nil {
			return p, err
		}
	}
	if p.Created, err = parseTime(created); err != nil {
		return p, err
	}
	p.Updated, err = parseTime(updated)
	return p, err
}

// Programme returns one programme; ENOTFOUND if absent.
func (db *DB) Programme(ctx context.Context, id string) (atalaya.Programme, error) {
	p, err := scanProgramme(db.r.QueryRowContext(ctx, `SELECT `+programmeColumns+` FROM programmes WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, atalaya.Errorf(atalaya.ENOTFOUND, "no programme %q", id)
	}
	return p, internal("read programme", err)
}

// Programmes returns every programme, ordered by id.
func (db *DB) Programmes(ctx context.Context) ([]atalaya.Programme, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+programmeColumns+` FROM programmes ORDER BY id`)
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

const evaluationColumns = `id, programme, method, indicator, spec, result, summary, data_version, created, created_by`

// AddEvaluation stores an evaluation; see atalaya.ProgrammeStore.
func (db *DB) AddEvaluation(ctx context.Context, e atalaya.Evaluation) (atalaya.Evaluation, error) {
	if err := e.Validate(); err != nil {
		return e, err
	}
	if len(e.Spec) == 0 {
		e.Spec = []byte("{}")
	}
	e.Created = db.now().UTC()
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return e, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM programmes WHERE id = ?`, e.Programme).Scan(&n); err != nil {
		return e, internal("read programme", err)
	}
	if n == 0 {
		return e, atalaya.Errorf(atalaya.ENOTFOUND, "no programme %q", e.Programme)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO evaluations (programme, method, indicator, spec, result, summary,
		data_version, created, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Programme, e.Method, e.Indicator, string(e.Spec), string(e.Result), e.Summary, e.DataVersion, formatTime(e.Created), e.CreatedBy)
	if err != nil {
		return e, internal("write evaluation", err)
	}
	if e.ID, err = res.LastInsertId(); err != nil {
		return e, internal("write evaluation", err)
	}
	return e, internal("commit evaluation", tx.Commit())
}

func scanEvaluation(r scanner) (atalaya.Evaluation, error) {
	var e atalaya.Evaluation
	var spec, result, created string
	if err := r.Scan(&e.ID, &e.Programme, &e.Method, &e.Indicator, &spec, &result, &e.Summary, &e.DataVersion, &created, &e.CreatedBy); err != nil {
		return e, err
	}
	e.Spec, e.Result = []byte(spec), []byte(result)
	var err error
	e.Created, err = parseTime(created)
	return e, err
}

// Evaluation returns one evaluation; ENOTFOUND if absent.
func (db *DB) Evaluation(ctx context.Context, id int64) (atalaya.Evaluation, error) {
	e, err := scanEvaluation(db.r.QueryRowContext(ctx, `SELECT `+evaluationColumns+` FROM evaluations WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, atalaya.Errorf(atalaya.ENOTFOUND, "no evaluation %d", id)
	}
	return e, internal("read evaluation", err)
}

// Evaluations returns a programme's evaluations (all if programme is
// ""), newest first.
func (db *DB) Evaluations(ctx context.Context, programme string) ([]atalaya.Evaluation, error) {
	q, args := `SELECT `+evaluationColumns+` FROM evaluations ORDER BY id DESC`, []any{}
	if programme != "" {
		q, args = `SELECT `+evaluationColumns+` FROM evaluations WHERE programme = ? ORDER BY id DESC`, []any{programme}
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
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
