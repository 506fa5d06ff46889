package sqlite

import (
	"context"

	"github.com/oas-atalaya/atalaya"
)

var _ atalaya.AuditStore = (*DB)(nil)

// AppendAudit stores e at e.Seq with its leaf hash and tree hashes in one
// write transaction, which holds SQLite's write lock, so the check that
// e.Seq is the next number cannot race with another writer. ECONFLICT if
// it is not, or if a hash index is already stored.
func (db *DB) AppendAudit(ctx context.Context, e atalaya.AuditEntry, leaf [32]byte, hashes []atalaya.AuditHash) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var next int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq) + 1, 0) FROM audit_entries`).Scan(&next); err != nil {
		return internal("read audit size", err)
	}
	if e.Seq != next {
		return atalaya.Errorf(atalaya.ECONFLICT, "audit entry %d is not the next one (%d)", e.Seq, next)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_entries (seq, at, actor, action, object, origin, reason, leaf)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, formatTime(e.At), e.Actor, e.Action, e.Object, e.Origin, e.Reason, leaf[:]); err != nil {
		return internal("insert audit entry", err)
	}
	for _, h := range hashes {
		res, err := tx.ExecContext(ctx, `INSERT INTO audit_hashes (idx, hash) VALUES (?, ?) ON CONFLICT DO NOTHING`, h.Index, h.Hash[:])
		if err != nil {
			return internal("insert audit hash", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return internal("insert audit hash", err)
		} else if n == 0 {
			return atalaya.Errorf(atalaya.ECONFLICT, "audit hash %d is already stored", h.Index)
		}
	}
	if err := tx.Commit(); err != nil {
		return internal("commit audit entry", err)
	}
	return nil
}

// AuditSize returns the highest stored sequence number plus one.
func (db *DB) AuditSize(ctx context.Context) (int64, error) {
	var n int64
	if err := db.r.QueryRowContext(ctx, `SELECT coalesce(max(seq) + 1, 0) FROM audit_entries`).Scan(&n); err != nil {
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
		w.add("at >= ?", formatTime(f.Since))
	}
	rows, err := db.r.QueryContext(ctx, `SELECT seq, at, actor, action, object, origin, reason, leaf
		FROM audit_entries`+w.String()+` ORDER BY seq`, w.args...)
	if err != nil {
		return internal("read audit entries", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e atalaya.AuditEntry
		var at string
		var leaf []byte
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Object, &e.Origin, &e.Reason, &leaf); err != nil {
			return internal("read audit entry", err)
		}
		if e.At, err = parseTime(at); err != nil {
			return internal("read audit entry", err)
		}
		if err := fn(e, hash32(leaf)); err != nil {
			return err
		}
	}
	return internal("read audit entries", rows.Err())
}

// AuditHashes returns the stored tree hashes at indexes, in their order.
func (db *DB) AuditHashes(ctx context.Context, indexes []int64) ([][32]byte, error) {
	out := make([][32]byte, len(indexes))
	const chunk = 500
	for lo := 0; lo < len(indexes); lo += chunk {
		part := indexes[lo:min(lo+chunk, len(indexes))]
		args := make([]any, len(part))
		for i, x := range part {
			args[i] = x
		}
		rows, err := db.r.QueryContext(ctx, `SELECT idx, hash FROM audit_hashes WHERE idx IN (`+placeholders(len(part))+`)`, args...)
		if err != nil {
			return nil, internal("read audit hashes", err)
		}
		got := make(map[int64][32]byte, len(part))
		for rows.Next() {
			var idx int64
			var h []byte
			if err := rows.Scan(&idx, &h); err != nil {
				rows.Close()
				return nil, internal("read audit hash", err)
			}
			got[idx] = hash32(h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, internal("read audit hashes", err)
		}
		for i, x := range part {
			h, ok := got[x]
			if !ok {
				return nil, atalaya.Errorf(atalaya.ENOTFOUND, "audit hash %d is not stored", x)
			}
			out[lo+i] = h
		}
	}
	return out, nil
}

// PutAuditCheckpoint stores a signed checkpoint.
func (db *DB) PutAuditCheckpoint(ctx context.Context, c atalaya.AuditCheckpoint) error {
	if _, err := db.w.ExecContext(ctx, `INSERT INTO audit_checkpoints (size, root, at, key_id, note) VALUES (?, ?, ?, ?, ?)`,
		c.Size, c.Root[:], formatTime(c.At), c.KeyID, string(c.Note)); err != nil {
		return internal("insert audit checkpoint", err)
	}
	return nil
}

// AuditCheckpoints returns the stored checkpoints, oldest first.
func (db *DB) AuditCheckpoints(ctx context.Context) ([]atalaya.AuditCheckpoint, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT size, root, at, key_id, note FROM audit_checkpoints ORDER BY id`)
	if err != nil {
		return nil, internal("read audit checkpoints", err)
	}
	defer rows.Close()
	var out []atalaya.AuditCheckpoint
	for rows.Next() {
		var c atalaya.AuditCheckpoint
		var root []byte
		var at, note string
		if err := rows.Scan(&c.Size, &root, &at, &c.KeyID, &note); err != nil {
			return nil, internal("read audit checkpoint", err)
		}
		if c.At, err = parseTime(at); err != nil {
			return nil, internal("read audit checkpoint", err)
		}
		c.Root, c.Note = hash32(root), []byte(note)
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
