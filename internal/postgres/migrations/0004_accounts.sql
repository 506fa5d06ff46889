-- 0004_accounts: accounts, sessions, API tokens and node settings
-- (atalaya.AccountStore, docs/auth.md); the schema of internal/sqlite's
-- 0004_accounts in PostgreSQL types.
--
-- Nothing here is a credential that works as it is: users hold a PHC
-- argon2id hash, sessions and tokens the hex SHA-256 of their secrets.
-- Users are never deleted, only disabled, so sessions and tokens refer to
-- them without cascades.

CREATE TABLE users (
    id             text COLLATE "C" PRIMARY KEY,
    name           text NOT NULL,
    role           text NOT NULL,
    sources        text[] NOT NULL,
    password_hash  text NOT NULL,
    totp_secret    bytea,
    totp_last_step bigint NOT NULL,
    totp_required  boolean NOT NULL,
    disabled       boolean NOT NULL,
    created        timestamptz NOT NULL,
    updated        timestamptz NOT NULL
);

CREATE TABLE sessions (
    id_hash   text COLLATE "C" PRIMARY KEY,
    user_id   text COLLATE "C" NOT NULL REFERENCES users (id),
    created   timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    origin    text NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id        text COLLATE "C" PRIMARY KEY,
    hash      text COLLATE "C" NOT NULL UNIQUE,
    user_id   text COLLATE "C" NOT NULL REFERENCES users (id),
    name      text NOT NULL,
    scopes    text[] NOT NULL,
    created   timestamptz NOT NULL,
    expires   timestamptz,
    revoked   timestamptz,
    last_used timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, created, id);

CREATE TABLE settings (
    key   text COLLATE "C" PRIMARY KEY,
    value bytea NOT NULL
);
