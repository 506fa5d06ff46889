-- 0004_accounts: accounts, sessions, API tokens and node settings
-- (atalaya.AccountStore, docs/auth.md).
--
-- Nothing here is a credential that works as it is: users hold a PHC
-- argon2id hash, sessions and tokens the hex SHA-256 of their secrets.
-- Users are never deleted, only disabled, so sessions and tokens refer to
-- them without cascades.

CREATE TABLE users (
    id             TEXT PRIMARY KEY,       -- login name, lower-case
    name           TEXT NOT NULL,
    role           TEXT NOT NULL,
    sources        TEXT NOT NULL,          -- JSON array of source ids (stewards)
    password_hash  TEXT NOT NULL,          -- PHC string, '' for none
    totp_secret    BLOB,                   -- NULL: not enrolled
    totp_last_step INTEGER NOT NULL,
    totp_required  INTEGER NOT NULL,
    disabled       INTEGER NOT NULL,
    created        TEXT NOT NULL,
    updated        TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
    id_hash   TEXT PRIMARY KEY,            -- hex SHA-256 of the cookie's id
    user_id   TEXT NOT NULL REFERENCES users (id),
    created   TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    origin    TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id        TEXT PRIMARY KEY,            -- the public part of the token
    hash      TEXT NOT NULL UNIQUE,        -- hex SHA-256 of the whole token
    user_id   TEXT NOT NULL REFERENCES users (id),
    name      TEXT NOT NULL,
    scopes    TEXT NOT NULL,               -- JSON array, sorted
    created   TEXT NOT NULL,
    expires   TEXT,                        -- NULL: never
    revoked   TEXT,                        -- NULL: not revoked
    last_used TEXT                         -- NULL: never used
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens (user_id, created, id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;
