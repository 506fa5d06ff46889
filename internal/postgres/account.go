package postgres

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/oas-atalaya/atalaya"
)

var _ atalaya.AccountStore = (*DB)(nil)

// userColumns are the columns scanUser reads, in its order.
const userColumns = `id, name, role, sources, password_hash, totp_secret, totp_last_step, totp_required, disabled, created, updated`

// PutUser creates (create) or replaces a user; see atalaya.AccountStore.
func (db *DB) PutUser(ctx context.Context, u atalaya.User, create bool) error {
	if err := u.Validate(); err != nil {
		return err
	}
	now := pgTime(db.now())
	return db.inTx(ctx, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM users WHERE id = $1`, u.ID).Scan(&n); err != nil {
			return internal("read user", err)
		}
		switch {
		case create && n > 0:
			return atalaya.Errorf(atalaya.ECONFLICT, "user %s already exists", u.ID)
		case !create && n == 0:
			return atalaya.Errorf(atalaya.ENOTFOUND, "no user %q", u.ID)
		}
		args := []any{u.Name, string(u.Role), sortedSet(u.Sources), u.PasswordHash, nullBytes(u.TOTPSecret),
			u.TOTPLastStep, u.TOTPRequired, u.Disabled, now, u.ID}
		q := `UPDATE users SET name = $1, role = $2, sources = $3, password_hash = $4, totp_secret = $5,
			totp_last_step = $6, totp_required = $7, disabled = $8, updated = $9 WHERE id = $10`
		if create {
			q = `INSERT INTO users (name, role, sources, password_hash, totp_secret, totp_last_step,
				totp_required, disabled, updated, id, created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`
			args = append(args, now)
		}
		_, err := tx.Exec(ctx, q, args...)
		if uniqueViolation(err) { // a concurrent create
			return atalaya.Errorf(atalaya.ECONFLICT, "user %s already exists", u.ID)
		}
		return internal("write user", err)
	})
}

// User returns one user; ENOTFOUND if absent.
func (db *DB) User(ctx context.Context, id string) (atalaya.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if notFound(err) {
		return atalaya.User{}, atalaya.Errorf(atalaya.ENOTFOUND, "no user %q", id)
	}
	return u, internal("read user", err)
}

// Users returns every user, ordered by id.
func (db *DB) Users(ctx context.Context) ([]atalaya.User, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY id`)
	if err != nil {
		return nil, internal("read users", err)
	}
	defer rows.Close()
	var out []atalaya.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, internal("read user", err)
		}
		out = append(out, u)
	}
	return out, internal("read users", rows.Err())
}

func scanUser(row pgx.Row) (atalaya.User, error) {
	var u atalaya.User
	var role string
	if err := row.Scan(&u.ID, &u.Name, &role, &u.Sources, &u.PasswordHash, &u.TOTPSecret, &u.TOTPLastStep,
		&u.TOTPRequired, &u.Disabled, &u.Created, &u.Updated); err != nil {
		return u, err
	}
	u.Role = atalaya.Role(role)
	if len(u.Sources) == 0 {
		u.Sources = nil
	}
	if len(u.TOTPSecret) == 0 {
		u.TOTPSecret = nil
	}
	u.Created, u.Updated = u.Created.UTC(), u.Updated.UTC()
	return u, nil
}

// SetPassword replaces a user's password hash and deletes their sessions.
func (db *DB) SetPassword(ctx context.Context, id, phc string) error {
	return db.updateUser(ctx, id, true, `password_hash = $1`, phc)
}

// SetDisabled disables or enables a user; disabling deletes their sessions.
func (db *DB) SetDisabled(ctx context.Context, id string, disabled bool) error {
	return db.updateUser(ctx, id, disabled, `disabled = $1`, disabled)
}

// updateUser sets one column of a user (set uses $1) and its updated time,
// and deletes the user's sessions if endSessions, in one transaction.
func (db *DB) updateUser(ctx context.Context, id string, endSessions bool, set string, arg any) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET `+set+`, updated = $2 WHERE id = $3`, arg, pgTime(db.now()), id)
		if err != nil {
			return internal("update user", err)
		}
		if tag.RowsAffected() == 0 {
			return atalaya.Errorf(atalaya.ENOTFOUND, "no user %q", id)
		}
		if endSessions {
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
				return internal("delete sessions", err)
			}
		}
		return nil
	})
}

// UseTOTPStep records an accepted TOTP step; ECONFLICT unless it is after
// the last one.
func (db *DB) UseTOTPStep(ctx context.Context, id string, step int64) error {
	tag, err := db.pool.Exec(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, id)
	if err != nil {
		return internal("update TOTP step", err)
	}
	if tag.RowsAffected() > 0 {
		return nil
	}
	if _, err := db.User(ctx, id); err != nil {
		return err
	}
	return atalaya.Errorf(atalaya.ECONFLICT, "this one-time code was already used; wait for the next one")
}

// AddSession stores a new session.
func (db *DB) AddSession(ctx context.Context, s atalaya.Session) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if err := activeUser(ctx, tx, s.User); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, created, last_seen, origin)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, s.IDHash, s.User, pgTime(s.Created), pgTime(s.LastSeen), s.Origin)
		if err != nil {
			return internal("insert session", err)
		}
		if tag.RowsAffected() == 0 {
			return atalaya.Errorf(atalaya.ECONFLICT, "the session is already stored")
		}
		return nil
	})
}

// activeUser returns ENOTFOUND if user does not exist and EFORBIDDEN if it
// is disabled. It locks the user's row until the transaction ends, so that
// a concurrent SetDisabled cannot leave a session or token behind.
func activeUser(ctx context.Context, tx pgx.Tx, user string) error {
	var disabled bool
	err := tx.QueryRow(ctx, `SELECT disabled FROM users WHERE id = $1 FOR SHARE`, user).Scan(&disabled)
	switch {
	case notFound(err):
		return atalaya.Errorf(atalaya.ENOTFOUND, "no user %q", user)
	case err != nil:
		return internal("read user", err)
	case disabled:
		return atalaya.Errorf(atalaya.EFORBIDDEN, "user %s is disabled", user)
	}
	return nil
}

// Session returns the session with the id hash; ENOTFOUND if absent.
func (db *DB) Session(ctx context.Context, idHash string) (atalaya.Session, error) {
	var s atalaya.Session
	err := db.pool.QueryRow(ctx, `SELECT id_hash, user_id, created, last_seen, origin FROM sessions WHERE id_hash = $1`, idHash).
		Scan(&s.IDHash, &s.User, &s.Created, &s.LastSeen, &s.Origin)
	if notFound(err) {
		return s, atalaya.Errorf(atalaya.ENOTFOUND, "no such session")
	} else if err != nil {
		return s, internal("read session", err)
	}
	s.Created, s.LastSeen = s.Created.UTC(), s.LastSeen.UTC()
	return s, nil
}

// TouchSession sets a session's LastSeen.
func (db *DB) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	tag, err := db.pool.Exec(ctx, `UPDATE sessions SET last_seen = $1 WHERE id_hash = $2`, pgTime(at), idHash)
	if err != nil {
		return internal("touch session", err)
	}
	if tag.RowsAffected() == 0 {
		return atalaya.Errorf(atalaya.ENOTFOUND, "no such session")
	}
	return nil
}

// DeleteSession deletes one session, if it exists.
func (db *DB) DeleteSession(ctx context.Context, idHash string) error {
	_, err := db.pool.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash)
	return internal("delete session", err)
}

// DeleteUserSessions deletes every session of user.
func (db *DB) DeleteUserSessions(ctx context.Context, user string) (int, error) {
	tag, err := db.pool.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, user)
	if err != nil {
		return 0, internal("delete sessions", err)
	}
	return int(tag.RowsAffected()), nil
}

// tokenColumns are the columns scanToken reads, in its order.
const tokenColumns = `id, hash, user_id, name, scopes, created, expires, revoked, last_used`

// AddToken stores a new token record.
func (db *DB) AddToken(ctx context.Context, t atalaya.TokenRecord) error {
	switch {
	case t.ID == "" || t.Hash == "":
		return atalaya.Errorf(atalaya.EINVALID, "a token record needs an id and a hash")
	case len(t.Scopes) == 0:
		return atalaya.Errorf(atalaya.EINVALID, "token %s has no scope", t.ID)
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if err := activeUser(ctx, tx, t.User); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO api_tokens (`+tokenColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT DO NOTHING`, t.ID, t.Hash, t.User, t.Name, sortedSet(t.Scopes), pgTime(t.Created),
			nullTime(t.Expires), nullTimePtr(t.Revoked), nullTimePtr(t.LastUsed))
		if err != nil {
			return internal("insert token", err)
		}
		if tag.RowsAffected() == 0 {
			return atalaya.Errorf(atalaya.ECONFLICT, "a token with this id or hash is already stored")
		}
		return nil
	})
}

// Token returns one token record; ENOTFOUND if absent.
func (db *DB) Token(ctx context.Context, id string) (atalaya.TokenRecord, error) {
	t, err := scanToken(db.pool.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = $1`, id))
	if notFound(err) {
		return t, atalaya.Errorf(atalaya.ENOTFOUND, "no token %q", id)
	}
	return t, internal("read token", err)
}

// Tokens returns the token records of user (everyone's for ""), by creation
// time then id.
func (db *DB) Tokens(ctx context.Context, user string) ([]atalaya.TokenRecord, error) {
	var w where
	if user != "" {
		w.add("user_id = ?", user)
	}
	rows, err := db.pool.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens`+w.String()+` ORDER BY created, id`, w.args...)
	if err != nil {
		return nil, internal("read tokens", err)
	}
	defer rows.Close()
	var out []atalaya.TokenRecord
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, internal("read token", err)
		}
		out = append(out, t)
	}
	return out, internal("read tokens", rows.Err())
}

func scanToken(row pgx.Row) (atalaya.TokenRecord, error) {
	var t atalaya.TokenRecord
	var expires *time.Time
	if err := row.Scan(&t.ID, &t.Hash, &t.User, &t.Name, &t.Scopes, &t.Created, &expires, &t.Revoked, &t.LastUsed); err != nil {
		return t, err
	}
	t.Created = t.Created.UTC()
	if expires != nil {
		t.Expires = expires.UTC()
	}
	for _, p := range []*time.Time{t.Revoked, t.LastUsed} {
		if p != nil {
			*p = p.UTC()
		}
	}
	return t, nil
}

// RevokeToken marks a token revoked, keeping the first revocation time.
func (db *DB) RevokeToken(ctx context.Context, id string, at time.Time) error {
	return db.updateToken(ctx, id, `revoked = coalesce(revoked, $1)`, at)
}

// TouchToken sets a token's LastUsed.
func (db *DB) TouchToken(ctx context.Context, id string, at time.Time) error {
	return db.updateToken(ctx, id, `last_used = $1`, at)
}

// updateToken runs an update of one token whose set clause uses $1 for at.
func (db *DB) updateToken(ctx context.Context, id, set string, at time.Time) error {
	tag, err := db.pool.Exec(ctx, `UPDATE api_tokens SET `+set+` WHERE id = $2`, pgTime(at), id)
	if err != nil {
		return internal("update token", err)
	}
	if tag.RowsAffected() == 0 {
		return atalaya.Errorf(atalaya.ENOTFOUND, "no token %q", id)
	}
	return nil
}

// Setting returns a node setting; ENOTFOUND if never set.
func (db *DB) Setting(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	err := db.pool.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if notFound(err) {
		return nil, atalaya.Errorf(atalaya.ENOTFOUND, "setting %q is not set", key)
	}
	return v, internal("read setting", err)
}

// PutSetting sets a node setting.
func (db *DB) PutSetting(ctx context.Context, key string, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	_, err := db.pool.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return internal("write setting", err)
}

// uniqueViolation reports whether err is PostgreSQL's unique_violation.
func uniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// pgTime returns t in UTC to the microsecond, the precision stored.
func pgTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// sortedSet returns vals sorted without duplicates, never nil (a NULL
// array would break NOT NULL).
func sortedSet(vals []string) []string {
	out := slices.Clone(vals)
	slices.Sort(out)
	out = slices.Compact(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// nullBytes returns b, or nil (NULL) when it is empty.
func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// nullTime returns t, or nil (NULL) when it is zero.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return pgTime(t)
}

// nullTimePtr returns *t, or nil (NULL) when t is nil.
func nullTimePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return pgTime(*t)
}
