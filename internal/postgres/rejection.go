package postgres

import (
	"context"

	"github.com/oas-atalaya/atalaya"
)

// Reject stores rejected rows in the batch. Their Batch field is ignored:
// they belong to this batch. EINVALID for a rejection without a reason.
func (w *batchWriter) Reject(ctx context.Context, rs []atalaya.Rejection) error {
	if err := w.check(); err != nil {
		return err
	}
	for _, r := range rs {
		if r.Reason == "" {
			return atalaya.Errorf(atalaya.EINVALID, "rejection of %s row %d has no reason", r.File, r.Row)
		}
	}
	st := staging{name: "rejections", cols: []string{"batch", "file", "row", "column_name", "value", "reason", "raw"}}
	return copyRows(ctx, w.tx, st, len(rs), func(i int, v []any) []any {
		r := &rs[i]
		v[0], v[1], v[2], v[3], v[4], v[5], v[6] = w.batch.ID, r.File, r.Row, r.Column, r.Value, r.Reason, r.Raw
		return v
	})
}

// Flag stores warnings on accepted rows of the batch. Their Batch field is
// ignored. EINVALID for a flag without a code.
func (w *batchWriter) Flag(ctx context.Context, fs []atalaya.Flag) error {
	if err := w.check(); err != nil {
		return err
	}
	for _, f := range fs {
		if f.Code == "" {
			return atalaya.Errorf(atalaya.EINVALID, "flag on %s row %d has no code", f.File, f.Row)
		}
	}
	st := staging{name: "flags", cols: []string{"batch", "file", "row", "code", "detail"}}
	return copyRows(ctx, w.tx, st, len(fs), func(i int, v []any) []any {
		f := &fs[i]
		v[0], v[1], v[2], v[3], v[4] = w.batch.ID, f.File, f.Row, f.Code, f.Detail
		return v
	})
}

// Rejections calls fn for each rejected row of a committed batch, in file,
// row order (rows rejected twice in the order they were stored). An error
// from fn stops the iteration and is returned as is.
func (db *DB) Rejections(ctx context.Context, batch int64, fn func(atalaya.Rejection) error) error {
	rows, err := db.pool.Query(ctx, `SELECT batch, file, row, column_name, value, reason, raw
		FROM rejections WHERE batch = $1 ORDER BY file, row, id`, batch)
	if err != nil {
		return internal("read rejections", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r atalaya.Rejection
		if err := rows.Scan(&r.Batch, &r.File, &r.Row, &r.Column, &r.Value, &r.Reason, &r.Raw); err != nil {
			return internal("read rejections", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return internal("read rejections", rows.Err())
}

// Flags calls fn for each flag of a committed batch, in file, row order. An
// error from fn stops the iteration and is returned as is.
func (db *DB) Flags(ctx context.Context, batch int64, fn func(atalaya.Flag) error) error {
	rows, err := db.pool.Query(ctx, `SELECT batch, file, row, code, detail
		FROM flags WHERE batch = $1 ORDER BY file, row, id`, batch)
	if err != nil {
		return internal("read flags", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f atalaya.Flag
		if err := rows.Scan(&f.Batch, &f.File, &f.Row, &f.Code, &f.Detail); err != nil {
			return internal("read flags", err)
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return internal("read flags", rows.Err())
}
