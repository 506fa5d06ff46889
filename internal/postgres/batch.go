package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/storeutil"
)

// BeginBatch opens a batch in a transaction and inserts its row, which
// gives it its id; the row and everything written through the returned
// BatchWriter become visible together at Commit. The caller must end the
// batch with Commit or Rollback (defer Rollback): until then it holds one
// of the pool's connections. Batches run concurrently; two that store the
// same key of a source at the same time are serialised by the unique index.
// EINVALID if the batch's source is not stored. A BatchWriter is not safe
// for concurrent use.
func (db *DB) BeginBatch(ctx context.Context, b atalaya.Batch) (atalaya.BatchWriter, error) {
	if b.Source == "" {
		return nil, atalaya.Errorf(atalaya.EINVALID, "batch has no source")
	}
	if b.StartedAt.IsZero() {
		b.StartedAt = db.now()
	}
	b.StartedAt = b.StartedAt.UTC().Truncate(time.Microsecond)
	files, err := json.Marshal(b.Files)
	if err != nil {
		return nil, internal("encode batch files", err)
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return nil, internal("begin batch", err)
	}
	var one int
	err = tx.QueryRow(ctx, `SELECT 1 FROM sources WHERE id = $1`, b.Source).Scan(&one)
	if err == nil {
		err = tx.QueryRow(ctx, `INSERT INTO batches (source, profile, files, sha256, started_at, submitter)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			b.Source, b.Profile, string(files), b.SHA256, b.StartedAt, b.Submitter).Scan(&b.ID)
	}
	if err != nil {
		tx.Rollback(context.Background())
		if notFound(err) {
			return nil, atalaya.Errorf(atalaya.EINVALID, "batch: source %s does not exist", b.Source)
		}
		return nil, internal("insert batch", err)
	}
	return &batchWriter{db: db, tx: tx, batch: b, staged: map[string]bool{}}, nil
}

// batchWriter is the atalaya.BatchWriter of a DB.
type batchWriter struct {
	db     *DB
	tx     pgx.Tx
	batch  atalaya.Batch   // as given to BeginBatch, with its id
	staged map[string]bool // temporary tables created in tx
	done   bool
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
	final.StartedAt = final.StartedAt.UTC().Truncate(time.Microsecond)
	final.FinishedAt = final.FinishedAt.UTC().Truncate(time.Microsecond)
	if err := storeutil.CheckCells(delta); err != nil {
		return atalaya.Batch{}, err
	}
	files, err := json.Marshal(final.Files)
	if err != nil {
		return atalaya.Batch{}, internal("encode batch files", err)
	}
	if _, err := w.tx.Exec(ctx, `UPDATE batches SET profile = $1, files = $2, sha256 = $3,
		started_at = $4, finished_at = $5, read = $6, accepted = $7, rejected = $8, duplicates = $9,
		flagged = $10, submitter = $11 WHERE id = $12`,
		final.Profile, string(files), final.SHA256, final.StartedAt, final.FinishedAt,
		final.Read, final.Accepted, final.Rejected, final.Duplicates, final.Flagged, final.Submitter, final.ID); err != nil {
		return atalaya.Batch{}, internal("update batch", err)
	}
	if err := addCells(ctx, w.tx, w.staged, delta); err != nil {
		return atalaya.Batch{}, err
	}
	if err := bumpDataVersion(ctx, w.tx); err != nil {
		return atalaya.Batch{}, err
	}
	if err := w.tx.Commit(ctx); err != nil {
		return atalaya.Batch{}, internal("commit batch", err)
	}
	w.done = true
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
	return addCells(ctx, w.tx, w.staged, delta)
}

// Rollback abandons the batch. It is safe to call after Commit and more
// than once.
func (w *batchWriter) Rollback() error {
	if w.done {
		return nil
	}
	w.done = true
	// The batch's context may have ended: roll back regardless.
	if err := w.tx.Rollback(context.Background()); err != nil && !errors.Is(err, pgx.ErrTxClosed) {
		return internal("roll back batch", err)
	}
	return nil
}

const batchColumns = `id, source, profile, files, sha256, started_at, coalesce(finished_at, started_at),
	read, accepted, rejected, duplicates, flagged, submitter`

func scanBatch(row pgx.Row) (atalaya.Batch, error) {
	var b atalaya.Batch
	var files []byte
	if err := row.Scan(&b.ID, &b.Source, &b.Profile, &files, &b.SHA256, &b.StartedAt, &b.FinishedAt,
		&b.Read, &b.Accepted, &b.Rejected, &b.Duplicates, &b.Flagged, &b.Submitter); err != nil {
		return b, err
	}
	b.StartedAt, b.FinishedAt = b.StartedAt.UTC(), b.FinishedAt.UTC()
	if err := json.Unmarshal(files, &b.Files); err != nil {
		return b, internal("decode batch files", err)
	}
	return b, nil
}

// Batch returns a committed batch; ENOTFOUND if absent.
func (db *DB) Batch(ctx context.Context, id int64) (atalaya.Batch, error) {
	b, err := scanBatch(db.pool.QueryRow(ctx, `SELECT `+batchColumns+` FROM batches WHERE id = $1`, id))
	if notFound(err) {
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
		q += ` LIMIT ` + w.arg(f.Limit)
	}
	rows, err := db.pool.Query(ctx, q, w.args...)
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
