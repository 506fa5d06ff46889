package atalaya

import (
	"context"
	"encoding/json"
	"time"
)

// AuditEntry is one line of the audit log: who did what to which objects,
// when, from where and why. It names objects by their ids only, never by
// personal data, so that the log can be shown to an auditor as it is.
type AuditEntry struct {
	Seq    int64     // 0-based index in the log, assigned by the log when appended
	At     time.Time // when; kept in UTC to the microsecond
	Actor  string    // user id, or "system" or "anonymous"
	Action string    // e.g. "ingest", "release.publish", "read.rejections"
	Object string    // object ids, e.g. "batch:12"; never personal data
	Origin string    // the remote address, or "cli"
	Reason string    // the reason given, where the action requires one
}

// AuditEncoding names the version of AuditEntry.Canonical's encoding. It
// is part of every encoded entry, so a later encoding can coexist with it.
const AuditEncoding = 1

// auditTimeLayout is fixed width, UTC, microseconds: the precision both
// backends store.
const auditTimeLayout = "2006-01-02T15:04:05.000000Z"

// canonicalEntry fixes the canonical encoding: the fields in this order
// (their names sorted), encoded by encoding/json, which escapes <, > and &
// and writes no spaces.
type canonicalEntry struct {
	Action string `json:"action"`
	Actor  string `json:"actor"`
	At     string `json:"at"`
	Object string `json:"object"`
	Origin string `json:"origin"`
	Reason string `json:"reason"`
	Seq    int64  `json:"seq"`
	V      int    `json:"v"`
}

// Canonical returns the bytes of e that the audit log hashes: one JSON
// object with the keys action, actor, at, object, origin, reason, seq and v
// (AuditEncoding) in that order, no spaces, encoding/json's string escapes,
// and at as UTC with six fractional digits ("2026-03-01T12:30:00.123456Z").
// The sequence number is included, so that an entry moved to another place
// in the log no longer matches its hash.
func (e AuditEntry) Canonical() []byte {
	b, err := json.Marshal(canonicalEntry{Action: e.Action, Actor: e.Actor,
		At: e.At.UTC().Truncate(time.Microsecond).Format(auditTimeLayout), Object: e.Object,
		Origin: e.Origin, Reason: e.Reason, Seq: e.Seq, V: AuditEncoding})
	if err != nil { // strings and integers always encode
		panic("atalaya: encode audit entry: " + err.Error())
	}
	return b
}

// ParseAuditEntry decodes the canonical bytes of an entry, as Canonical
// writes them. It refuses bytes that are not exactly canonical, so that an
// entry read from a proof is the one that was hashed.
func ParseAuditEntry(b []byte) (AuditEntry, error) {
	var c canonicalEntry
	if err := json.Unmarshal(b, &c); err != nil {
		return AuditEntry{}, Errorf(EINVALID, "audit entry is not canonical JSON: %v", err)
	}
	if c.V != AuditEncoding {
		return AuditEntry{}, Errorf(EINVALID, "audit entry encoding v%d; this version reads v%d", c.V, AuditEncoding)
	}
	at, err := time.Parse(auditTimeLayout, c.At)
	if err != nil {
		return AuditEntry{}, Errorf(EINVALID, "audit entry time %q: %v", c.At, err)
	}
	e := AuditEntry{Seq: c.Seq, At: at, Actor: c.Actor, Action: c.Action, Object: c.Object, Origin: c.Origin, Reason: c.Reason}
	if string(e.Canonical()) != string(b) {
		return AuditEntry{}, Errorf(EINVALID, "audit entry is not in canonical form")
	}
	return e, nil
}

// AuditCheckpoint is a signed statement of the audit log's state: its size
// and the RFC 6962 root hash of its first Size entries.
type AuditCheckpoint struct {
	Size  int64
	Root  [32]byte
	At    time.Time // when it was signed (not itself signed)
	KeyID string    // the signing key: its name and key hash, "name+hex8"
	// Note is the signed note that third parties check: the checkpoint
	// text "ORIGIN\nSIZE\nBASE64(ROOT)\n", a blank line and the Ed25519
	// signature line (golang.org/x/mod/sumdb/note). See docs/audit.md.
	Note []byte
}

// AuditHash is one hash of the log's Merkle tree at its stored-hash index
// (the numbering of golang.org/x/mod/sumdb/tlog.StoredHashIndex).
type AuditHash struct {
	Index int64
	Hash  [32]byte
}

// AuditFilter selects audit entries. Zero fields do not filter.
type AuditFilter struct {
	From, To int64     // seq in [From, To); To 0 means no upper bound
	Actor    string    // exact actor
	Object   string    // exact object
	Since    time.Time // at or after
}

// AuditStore is the storage of the audit log, implemented by both backends
// (internal/sqlite, internal/postgres) next to Store and used through
// internal/audit, which computes the hashes. Entries, hashes and
// checkpoints are append-only: the schema refuses updates and deletes.
type AuditStore interface {
	// AppendAudit stores e at e.Seq with its leaf hash and the tree hashes
	// that the entry completes, in one transaction. ECONFLICT if e.Seq is
	// not the next sequence number (another writer was first) or a hash
	// index is already stored.
	AppendAudit(ctx context.Context, e AuditEntry, leaf [32]byte, hashes []AuditHash) error
	// AuditSize returns the next sequence number: the highest stored plus one.
	AuditSize(ctx context.Context) (int64, error)
	// AuditEntries calls fn for each entry matching f, in seq order, with
	// the leaf hash stored with it.
	AuditEntries(ctx context.Context, f AuditFilter, fn func(e AuditEntry, leaf [32]byte) error) error
	// AuditHashes returns the stored tree hashes at the given indexes, in
	// the same order; ENOTFOUND if one is missing.
	AuditHashes(ctx context.Context, indexes []int64) ([][32]byte, error)
	// PutAuditCheckpoint stores a signed checkpoint.
	PutAuditCheckpoint(ctx context.Context, c AuditCheckpoint) error
	// AuditCheckpoints returns the stored checkpoints, oldest first.
	AuditCheckpoints(ctx context.Context) ([]AuditCheckpoint, error)
}
