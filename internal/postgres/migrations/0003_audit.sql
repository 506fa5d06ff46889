-- 0003_audit: the audit log (internal/audit, docs/audit.md); the schema of
-- internal/sqlite's 0003_audit in PostgreSQL types.
--
-- audit_entries holds one row per entry with the RFC 6962 leaf hash of its
-- canonical encoding; audit_hashes holds every hash of the Merkle tree by
-- its stored-hash index (golang.org/x/mod/sumdb/tlog); audit_checkpoints
-- holds the node's signed checkpoints. All three are append-only: the
-- triggers refuse UPDATE, DELETE and TRUNCATE.

CREATE TABLE audit_entries (
    seq    bigint PRIMARY KEY,
    at     timestamptz NOT NULL,
    actor  text COLLATE "C" NOT NULL,
    action text COLLATE "C" NOT NULL,
    object text COLLATE "C" NOT NULL,
    origin text NOT NULL,
    reason text NOT NULL,
    leaf   bytea NOT NULL
);
CREATE INDEX audit_entries_actor ON audit_entries (actor, seq);
CREATE INDEX audit_entries_object ON audit_entries (object, seq);

CREATE TABLE audit_hashes (
    idx  bigint PRIMARY KEY,
    hash bytea NOT NULL
);

CREATE TABLE audit_checkpoints (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    size   bigint NOT NULL,
    root   bytea NOT NULL,
    at     timestamptz NOT NULL,
    key_id text NOT NULL,
    note   text NOT NULL
);

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is never changed or deleted';
END
$$;
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_hashes_append_only BEFORE UPDATE OR DELETE ON audit_hashes
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_hashes_no_truncate BEFORE TRUNCATE ON audit_hashes
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
