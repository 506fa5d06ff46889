-- 0003_audit: the audit log (internal/audit, docs/audit.md).
--
-- audit_entries holds one row per entry with the RFC 6962 leaf hash of its
-- canonical encoding; audit_hashes holds every hash of the Merkle tree by
-- its stored-hash index (golang.org/x/mod/sumdb/tlog); audit_checkpoints
-- holds the node's signed checkpoints. All three are append-only: the
-- triggers refuse any UPDATE or DELETE, so that changing the log takes
-- more than a mistaken statement — and `atalaya audit verify` detects it.

CREATE TABLE audit_entries (
    seq    INTEGER PRIMARY KEY,    -- 0, 1, 2, …
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    origin TEXT NOT NULL,
    reason TEXT NOT NULL,
    leaf   BLOB NOT NULL           -- tlog.RecordHash of the canonical entry
) STRICT;
CREATE INDEX audit_entries_actor ON audit_entries (actor, seq);
CREATE INDEX audit_entries_object ON audit_entries (object, seq);

CREATE TABLE audit_hashes (
    idx  INTEGER PRIMARY KEY,      -- tlog stored-hash index
    hash BLOB NOT NULL
) STRICT;

CREATE TABLE audit_checkpoints (
    id     INTEGER PRIMARY KEY,
    size   INTEGER NOT NULL,
    root   BLOB NOT NULL,
    at     TEXT NOT NULL,
    key_id TEXT NOT NULL,
    note   TEXT NOT NULL           -- the signed note
) STRICT;

CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit entries are never changed'); END;
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit entries are never deleted'); END;
CREATE TRIGGER audit_hashes_no_update BEFORE UPDATE ON audit_hashes
BEGIN SELECT RAISE(ABORT, 'audit hashes are never changed'); END;
CREATE TRIGGER audit_hashes_no_delete BEFORE DELETE ON audit_hashes
BEGIN SELECT RAISE(ABORT, 'audit hashes are never deleted'); END;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are never changed'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are never deleted'); END;
