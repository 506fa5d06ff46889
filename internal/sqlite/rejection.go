package sqlite

import (
	"context"

	"github.com/oas-atalaya/atalaya"
)

var (
	rejectionBulk = newBulk("insert rejections", `INSERT INTO rejections (batch, file, row, column_name, value, reason, raw)`, 7, "")
	flagBulk      = newBulk("insert flags", `INSERT INTO flags (batch, file, row, code, detail)`, 5, "")
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
	return w.stmts.run(ctx, rejectionBulk, len(rs), func(args []any, i int) []any {
		r := &rs[i]
		return append(args, w.batch.ID, r.File, r.Row, r.Column, r.Value, r.Reason, r.Raw)
	}, nil)
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
	return w.stmts.run(ctx, flagBulk, len(fs), func(args []any, i int) []any {
		f := &fs[i]
		return append(args, w.batch.ID, f.File, f.Row, f.Code, f.Detail)
	}, nil)
}

// Rejections calls fn for each rejected row of a committed batch, in file,
// row order (rows rejected twice in the order they were stored). An error
// from fn stops the iteration and is returned as is.
func (db *DB) Rejections(ctx context.Context, batch int64, fn func(atalaya.Rejection) error) error {
	rows, err := db.r.QueryContext(ctx, `SELECT batch, file, row, column_name, value, reason, raw
		FROM rejections WHERE batch = ? ORDER BY file, row, id`, batch)
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
	rows, err := db.r.QueryContext(ctx, `SELECT batch, file, row, code, detail
		FROM flags WHERE batch = ? ORDER BY file, row, id`, batch)
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
