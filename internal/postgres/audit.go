package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/oas-atalaya/atalaya"
)

var _ atalaya.AuditStore = (*DB)(nil)

// auditLockKey is the transaction-scoped advisory lock that serialises
// appends to the audit log, so that the check that an entry's seq is the
// next one cannot race with another writer.
const auditLockKey = 0x61756469 // "audi"

// AppendAudit stores e at e.Seq with its leaf hash and tree hashes in one
// transaction. ECONFLICT if e.Seq is not the next number, or if a hash
// index is already stored.
func (db *DB) AppendAudit(ctx context.Context, e atalaya.AuditEntry, leaf [32]byte, hashes []atalaya.AuditHash) error {
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(auditLockKey)); err != nil {
			return internal("lock audit log", err)
		}
		var next int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(seq) + 1, 0) FROM audit_entries`).Scan(&next); err != nil {
			return internal("read audit size", err)
		}
		if e.Seq != next {
			return atalaya.Errorf(atalaya.ECONFLICT, "audit entry %d is not the next one (%d)", e.Seq, next)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO audit_entries (seq, at, actor, action, object, origin, reason, leaf)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, e.Seq, e.At.UTC(), e.Actor, e.Action, e.Object, e.Origin, e.Reason, leaf[:]); err != nil {
			return internal("insert audit entry", err)
		}
		for _, h := range hashes {
			tag, err := tx.Exec(ctx, `INSERT INTO audit_hashes (idx, hash) VALUES ($1, $2) ON CONFLICT DO NOTHING`, h.Index, h.Hash[:])
			if err != nil {
				return internal("insert audit hash", err)
			}
			if tag.RowsAffected() == 0 {
				return atalaya.Errorf(atalaya.ECONFLICT, "audit hash %d is already stored", h.Index)
			}
		}
		return nil
	})
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" { // unique_violation
		return atalaya.Errorf(atalaya.ECONFLICT, "audit entry %d is already stored", e.Seq)
	}
	return err
}

// AuditSize returns the highest stored sequence number plus one.
func (db *DB) AuditSize(ctx context.Context) (int64, error) {
	var n int64
	if err := db.pool.QueryRow(ctx, `SELECT coalesce(max(seq) + 1, 0) FROM audit_entries`).Scan(&n); err != nil {
		return 0, internal("read audit size", err)
	}
	return n, nil
}

// AuditEntries calls fn for each entry matching f, in seq order.
func (db *DB) AuditEntries(ctx context.Context, f atalaya.AuditFilter, fn func(atalaya.AuditEntry, [32]byte) error) error {
	var w where
	if f.From > 0 {
		w.add("seq >= ?", f.From)
	}
	if f.To > 0 {
		w.add("seq < ?", f.To)
	}
	if f.Actor != "" {
		w.add("actor = ?", f.Actor)
	}
	if f.Object != "" {
		w.add("object = ?", f.Object)
	}
	if !f.Since.IsZero() {
		w.add("at >= ?", f.Since.UTC())
	}
	rows, err := db.pool.Query(ctx, `SELECT seq, at, actor, action, object, origin, reason, leaf
		FROM audit_entries`+w.String()+` ORDER BY seq`, w.args...)
	if err != nil {
		return internal("read audit entries", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e atalaya.AuditEntry
		var leaf []byte
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.Object, &e.Origin, &e.Reason, &leaf); err != nil {
			return internal("read audit entry", err)
		}
		e.At = e.At.UTC()
		if err := fn(e, hash32(leaf)); err != nil {
			return err
		}
	}
	return internal("read audit entries", rows.Err())
}

// AuditHashes returns the stored tree hashes at indexes, in their order.
func (db *DB) AuditHashes(ctx context.Context, indexes []int64) ([][32]byte, error) {
	if len(indexes) == 0 {
		return nil, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT idx, hash FROM audit_hashes WHERE idx = ANY($1)`, indexes)
	if err != nil {
		return nil, internal("read audit hashes", err)
	}
	defer rows.Close()
	got := make(map[int64][32]byte, len(indexes))
	for rows.Next() {
		var idx int64
		var h []byte
		if err := rows.Scan(&idx, &h); err != nil {
			return nil, internal("read audit hash", err)
		}
		got[idx] = hash32(h)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("read audit hashes", err)
	}
	out := make([][32]byte, len(indexes))
	for i, x := range indexes {
		h, ok := got[x]
		if !ok {
			return nil, atalaya.Errorf(atalaya.ENOTFOUND, "audit hash %d is not stored", x)
		}
		out[i] = h
	}
	return out, nil
}

// PutAuditCheckpoint stores a signed checkpoint.
func (db *DB) PutAuditCheckpoint(ctx context.Context, c atalaya.AuditCheckpoint) error {
	if _, err := db.pool.Exec(ctx, `INSERT INTO audit_checkpoints (size, root, at, key_id, note) VALUES ($1, $2, $3, $4, $5)`,
		c.Size, c.Root[:], c.At.UTC().Truncate(time.Microsecond), c.KeyID, string(c.Note)); err != nil {
		return internal("insert audit checkpoint", err)
	}
	return nil
}

// AuditCheckpoints returns the stored checkpoints, oldest first.
func (db *DB) AuditCheckpoints(ctx context.Context) ([]atalaya.AuditCheckpoint, error) {
	rows, err := db.pool.Query(ctx, `SELECT size, root, at, key_id, note FROM audit_checkpoints ORDER BY id`)
	if err != nil {
		return nil, internal("read audit checkpoints", err)
	}
	defer rows.Close()
	var out []atalaya.AuditCheckpoint
	for rows.Next() {
		var c atalaya.AuditCheckpoint
		var root []byte
		var note string
		if err := rows.Scan(&c.Size, &root, &c.At, &c.KeyID, &note); err != nil {
			return nil, internal("read audit checkpoint", err)
		}
		c.At, c.Root, c.Note = c.At.UTC(), hash32(root), []byte(note)
		out = append(out, c)
	}
	return out, internal("read audit checkpoints", rows.Err())
}

// hash32 copies a stored hash; a hash of the wrong length (a damaged row)
// comes out zero-padded or cut, and so never matches when verified.
func hash32(b []byte) [32]byte {
	var h [32]byte
	copy(h[:], b)
	return h
}
