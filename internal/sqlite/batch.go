package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/storeutil"
)

// BeginBatch opens a batch in a write transaction and inserts its row,
// which gives it its id; the row and everything written through the
// returned BatchWriter become visible together at Commit. ctx governs the
// whole batch: when it ends, the batch is rolled back. EINVALID if the
// batch's source is not stored.
//
// The batch holds the database's write connection until it ends, so other
// writes wait for it (reads do not). A BatchWriter is not safe for
// concurrent use.
func (db *DB) BeginBatch(ctx context.Context, b atalaya.Batch) (atalaya.BatchWriter, error) {
	if b.Source == "" {
		return nil, atalaya.Errorf(atalaya.EINVALID, "batch has no source")
	}
	if b.StartedAt.IsZero() {
		b.StartedAt = db.now()
	}
	files, err := json.Marshal(b.Files)
	if err != nil {
		return nil, internal("encode batch files", err)
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	var one int
	switch err := tx.QueryRowContext(ctx, `SELECT 1 FROM sources WHERE id = ?`, b.Source).Scan(&one); {
	case err == sql.ErrNoRows:
		tx.Rollback()
		return nil, atalaya.Errorf(atalaya.EINVALID, "batch: source %s does not exist", b.Source)
	case err != nil:
		tx.Rollback()
		return nil, internal("look up batch source", err)
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO batches (source, profile, files, sha256, started_at, submitter)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		b.Source, b.Profile, string(files), b.SHA256, formatTime(b.StartedAt), b.Submitter).Scan(&b.ID); err != nil {
		tx.Rollback()
		return nil, internal("insert batch", err)
	}
	return &batchWriter{db: db, tx: tx, batch: b, stmts: newStmtCache(tx),
		records:      &newRows{table: "records", bulk: recordBulk(b.Source, b.ID), maxID: -1},
		observations: &newRows{table: "observations", bulk: observationBulk(b.Source, b.ID), maxID: -1},
	}, nil
}

// batchWriter is the atalaya.BatchWriter of a DB.
type batchWriter struct {
	db    *DB
	tx    *sql.Tx
	batch atalaya.Batch // as given to BeginBatch, with its id
	stmts *stmtCache

	records, observations *newRows
	done                  bool
}

// ID returns the batch id.
func (w *batchWriter) ID() int64 { return w.batch.ID }

func (w *batchWriter) check() error {
	if w.done {
		return atalaya.Errorf(atalaya.EINVALID, "batch %d is already committed or rolled back", w.batch.ID)
	}
	return nil
}

// Commit stores the batch's final counts and adds delta to the cube, then
// commits. Non-empty fields of b (profile, files, hash, times, submitter)
// replace those given to BeginBatch; FinishedAt defaults to now. EINVALID if
// b is not balanced (Read = Accepted + Rejected + Duplicates), names another
// batch or source, or a cell is invalid. The batch ends whatever the outcome:
// after an error nothing of it is stored.
func (w *batchWriter) Commit(ctx context.Context, b atalaya.Batch, delta []atalaya.CubeCell) (atalaya.Batch, error) {
	if err := w.check(); err != nil {
		return atalaya.Batch{}, err
	}
	defer w.Rollback()

	final, err := storeutil.MergeBatch(w.batch, b)
	if err != nil {
		return atalaya.Batch{}, err
	}
	if final.FinishedAt.IsZero() {
		final.FinishedAt = w.db.now()
	}
	if err := storeutil.CheckCells(delta); err != nil {
		return atalaya.Batch{}, err
	}
	files, err := json.Marshal(final.Files)
	if err != nil {
		return atalaya.Batch{}, internal("encode batch files", err)
	}
	if _, err := w.tx.ExecContext(ctx, `UPDATE batches SET profile = ?, files = ?, sha256 = ?,
		started_at = ?, finished_at = ?, read = ?, accepted = ?, rejected = ?, duplicates = ?,
		flagged = ?, submitter = ? WHERE id = ?`,
		final.Profile, string(files), final.SHA256, formatTime(final.StartedAt), formatTime(final.FinishedAt),
		final.Read, final.Accepted, final.Rejected, final.Duplicates, final.Flagged, final.Submitter, final.ID); err != nil {
		return atalaya.Batch{}, internal("update batch", err)
	}
	if err := addCells(ctx, w.stmts, delta); err != nil {
		return atalaya.Batch{}, err
	}
	if err := bumpDataVersion(ctx, w.tx); err != nil {
		return atalaya.Batch{}, err
	}
	if err := w.tx.Commit(); err != nil {
		return atalaya.Batch{}, internal("commit batch", err)
	}
	w.done = true
	final.StartedAt = final.StartedAt.UTC().Truncate(time.Microsecond)
	final.FinishedAt = final.FinishedAt.UTC().Truncate(time.Microsecond)
	return final, nil
}

// AddCube adds delta to the cube within the batch's transaction.
func (w *batchWriter) AddCube(ctx context.Context, delta []atalaya.CubeCell) error {
	if err := w.check(); err != nil {
		return err
	}
	if err := storeutil.CheckCells(delta); err != nil {
		return err
	}
	return addCells(ctx, w.stmts, delta)
}

// Rollback abandons the batch. It is safe to call after Commit and more
// than once.
func (w *batchWriter) Rollback() error {
	if w.done {
		return nil
	}
	w.done = true
	if err := w.tx.Rollback(); err != nil && err != sql.ErrTxDone {
		return internal("roll back batch", err)
	}
	return nil
}

const batchColumns = `id, source, profile, files, sha256, started_at, finished_at,
	read, accepted, rejected, duplicates, flagged, submitter`

func scanBatch(row interface{ Scan(...any) error }) (atalaya.Batch, error) {
	var b atalaya.Batch
	var files, started, finished string
	if err := row.Scan(&b.ID, &b.Source, &b.Profile, &files, &b.SHA256, &started, &finished,
		&b.Read, &b.Accepted, &b.Rejected, &b.Duplicates, &b.Flagged, &b.Submitter); err != nil {
		return b, err
	}
	if err := json.Unmarshal([]byte(files), &b.Files); err != nil {
		return b, fmt.Errorf("sqlite: batch %d: bad files: %w", b.ID, err)
	}
	var err error
	if b.StartedAt, err = parseTime(started); err != nil {
		return b, err
	}
	b.FinishedAt, err = parseTime(finished)
	return b, err
}

// Batch returns a committed batch; ENOTFOUND if absent.
func (db *DB) Batch(ctx context.Context, id int64) (atalaya.Batch, error) {
	b, err := scanBatch(db.r.QueryRowContext(ctx, `SELECT `+batchColumns+` FROM batches WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return b, atalaya.Errorf(atalaya.ENOTFOUND, "batch %d not found", id)
	}
	return b, internal("read batch", err)
}

// Batches returns committed batches, newest first, at most f.Limit of them
// when it is positive.
func (db *DB) Batches(ctx context.Context, f atalaya.BatchFilter) ([]atalaya.Batch, error) {
	var w where
	if f.Source != "" {
		w.add("source = ?", f.Source)
	}
	q := `SELECT ` + batchColumns + ` FROM batches` + w.String() + ` ORDER BY id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		w.args = append(w.args, f.Limit)
	}
	rows, err := db.r.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, internal("list batches", err)
	}
	defer rows.Close()
	var out []atalaya.Batch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, internal("list batches", err)
		}
		out = append(out, b)
	}
	return out, internal("list batches", rows.Err())
}
