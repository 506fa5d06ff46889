package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"time"

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
	sources, err := json.Marshal(sortedSet(u.Sources))
	if err != nil {
		return internal("encode user sources", err)
	}
	now := formatTime(db.now())
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = ?`, u.ID).Scan(&n); err != nil {
		return internal("read user", err)
	}
	switch {
	case create && n > 0:
		return atalaya.Errorf(atalaya.ECONFLICT, "user %s already exists", u.ID)
	case !create && n == 0:
		return atalaya.Errorf(atalaya.ENOTFOUND, "no user %q", u.ID)
	}
	args := []any{u.Name, string(u.Role), string(sources), u.PasswordHash, nullBytes(u.TOTPSecret),
		u.TOTPLastStep, u.TOTPRequired, u.Disabled, now, u.ID}
	q := `UPDATE users SET name = ?, role = ?, sources = ?, password_hash = ?, totp_secret = ?,
		totp_last_step = ?, totp_required = ?, disabled = ?, updated = ? WHERE id = ?`
	if create {
		q = `INSERT INTO users (name, role, sources, password_hash, totp_secret, totp_last_step,
			totp_required, disabled, updated, id, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
		args = append(args, now)
	}
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return internal("write user", err)
	}
	return internal("commit user", tx.Commit())
}

// User returns one user; ENOTFOUND if absent.
func (db *DB) User(ctx context.Context, id string) (atalaya.User, error) {
	u, err := scanUser(db.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return atalaya.User{}, atalaya.Errorf(atalaya.ENOTFOUND, "no user %q", id)
	}
	return u, internal("read user", err)
}

// Users returns every user, ordered by id.
func (db *DB) Users(ctx context.Context) ([]atalaya.User, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY id`)
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

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanUser(s scanner) (atalaya.User, error) {
	var u atalaya.User
	var role, sources, created, updated string
	if err := s.Scan(&u.ID, &u.Name, &role, &sources, &u.PasswordHash, &u.TOTPSecret, &u.TOTPLastStep,
		&u.TOTPRequired, &u.Disabled, &created, &updated); err != nil {
		return u, err
	}
	u.Role = atalaya.Role(role)
	if err := json.Unmarshal([]byte(sources), &u.Sources); err != nil {
		return u, err
	}
	if len(u.Sources) == 0 {
		u.Sources = nil
	}
	if len(u.TOTPSecret) == 0 {
		u.TOTPSecret = nil
	}
	var err error
	if u.Created, err = parseTime(created); err != nil {
		return u, err
	}
	u.Updated, err = parseTime(updated)
	return u, err
}

// SetPassword replaces a user's password hash and deletes their sessions.
func (db *DB) SetPassword(ctx context.Context, id, phc string) error {
	return db.updateUser(ctx, id, true, `password_hash = ?`, phc)
}

// SetDisabled disables or enables a user; disabling deletes their sessions.
func (db *DB) SetDisabled(ctx context.Context, id string, disabled bool) error {
	return db.updateUser(ctx, id, disabled, `disabled = ?`, disabled)
}

// updateUser sets one column of a user and its updated time, and deletes
// the user's sessions if endSessions, in one transaction.
func (db *DB) updateUser(ctx context.Context, id string, endSessions bool, set string, arg any) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE users SET `+set+`, updated = ? WHERE id = ?`, arg, formatTime(db.now()), id)
	if err := notFoundIfNone(affected(res, err, "update user"), "no user %q", id); err != nil {
		return err
	}
	if endSessions {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return internal("delete sessions", err)
		}
	}
	return internal("commit user", tx.Commit())
}

// UseTOTPStep records an accepted TOTP step; ECONFLICT unless it is after
// the last one.
func (db *DB) UseTOTPStep(ctx context.Context, id string, step int64) error {
	res, err := db.w.ExecContext(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, id, step)
	if err := affected(res, err, "update TOTP step"); err == nil {
		return nil
	} else if atalaya.ErrorCode(err) == atalaya.EINTERNAL {
		return err
	}
	if _, err := db.User(ctx, id); err != nil {
		return err
	}
	return atalaya.Errorf(atalaya.ECONFLICT, "this one-time code was already used; wait for the next one")
}

// AddSession stores a new session.
func (db *DB) AddSession(ctx context.Context, s atalaya.Session) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := activeUser(ctx, tx, s.User); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created, last_seen, origin)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, s.IDHash, s.User, formatTime(s.Created), formatTime(s.LastSeen), s.Origin)
	if err := affected(res, err, "insert session"); err != nil {
		return conflict(err, "the session is already stored")
	}
	return internal("commit session", tx.Commit())
}

// activeUser returns ENOTFOUND if user does not exist and EFORBIDDEN if it
// is disabled.
func activeUser(ctx context.Context, tx *sql.Tx, user string) error {
	var disabled bool
	err := tx.QueryRowContext(ctx, `SELECT disabled FROM users WHERE id = ?`, user).Scan(&disabled)
	switch {
	case errors.Is(err, sql.ErrNoRows):
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
	var created, seen string
	err := db.r.QueryRowContext(ctx, `SELECT id_hash, user_id, created, last_seen, origin FROM sessions WHERE id_hash = ?`, idHash).
		Scan(&s.IDHash, &s.User, &created, &seen, &s.Origin)
	if errors.Is(err, sql.ErrNoRows) {
		return s, atalaya.Errorf(atalaya.ENOTFOUND, "no such session")
	} else if err != nil {
		return s, internal("read session", err)
	}
	if s.Created, err = parseTime(created); err != nil {
		return s, internal("read session", err)
	}
	s.LastSeen, err = parseTime(seen)
	return s, internal("read session", err)
}

// TouchSession sets a session's LastSeen.
func (db *DB) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	res, err := db.w.ExecContext(ctx, `UPDATE sessions SET last_seen = ? WHERE id_hash = ?`, formatTime(at), idHash)
	return notFoundIfNone(affected(res, err, "touch session"), "no such session")
}

// DeleteSession deletes one session, if it exists.
func (db *DB) DeleteSession(ctx context.Context, idHash string) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash)
	return internal("delete session", err)
}

// DeleteUserSessions deletes every session of user.
func (db *DB) DeleteUserSessions(ctx context.Context, user string) (int, error) {
	res, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, user)
	if err != nil {
		return 0, internal("delete sessions", err)
	}
	n, err := res.RowsAffected()
	return int(n), internal("delete sessions", err)
}

// tokenColumns are the columns scanToken reads, in its order.
const tokenColumns = `id, hash, user_id, name, scopes, created, expires, revoked, last_used`

// AddToken stores a new token record.
func (db *DB) AddToken(ctx context.Context, t atalaya.TokenRecord) error {
	if err := checkToken(t); err != nil {
		return err
	}
	scopes, err := json.Marshal(sortedSet(t.Scopes))
	if err != nil {
		return internal("encode token scopes", err)
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := activeUser(ctx, tx, t.User); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (`+tokenColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, t.ID, t.Hash, t.User, t.Name, string(scopes), formatTime(t.Created),
		nullTime(t.Expires), nullTimePtr(t.Revoked), nullTimePtr(t.LastUsed))
	if err := affected(res, err, "insert token"); err != nil {
		return conflict(err, "a token with this id or hash is already stored")
	}
	return internal("commit token", tx.Commit())
}

// checkToken refuses a token record that could not authenticate anyone.
func checkToken(t atalaya.TokenRecord) error {
	switch {
	case t.ID == "" || t.Hash == "":
		return atalaya.Errorf(atalaya.EINVALID, "a token record needs an id and a hash")
	case len(t.Scopes) == 0:
		return atalaya.Errorf(atalaya.EINVALID, "token %s has no scope", t.ID)
	}
	return nil
}

// Token returns one token record; ENOTFOUND if absent.
func (db *DB) Token(ctx context.Context, id string) (atalaya.TokenRecord, error) {
	t, err := scanToken(db.r.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
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
	rows, err := db.r.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens`+w.String()+` ORDER BY created, id`, w.args...)
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

func scanToken(s scanner) (atalaya.TokenRecord, error) {
	var t atalaya.TokenRecord
	var scopes, created string
	var expires, revoked, used sql.NullString
	if err := s.Scan(&t.ID, &t.Hash, &t.User, &t.Name, &scopes, &created, &expires, &revoked, &used); err != nil {
		return t, err
	}
	if err := json.Unmarshal([]byte(scopes), &t.Scopes); err != nil {
		return t, err
	}
	var err error
	if t.Created, err = parseTime(created); err != nil {
		return t, err
	}
	if t.Expires, err = parseTime(expires.String); err != nil {
		return t, err
	}
	if t.Revoked, err = parseTimePtr(revoked); err != nil {
		return t, err
	}
	t.LastUsed, err = parseTimePtr(used)
	return t, err
}

// RevokeToken marks a token revoked, keeping the first revocation time.
func (db *DB) RevokeToken(ctx context.Context, id string, at time.Time) error {
	res, err := db.w.ExecContext(ctx, `UPDATE api_tokens SET revoked = coalesce(revoked, ?) WHERE id = ?`, formatTime(at), id)
	return notFoundIfNone(affected(res, err, "revoke token"), "no token %q", id)
}

// TouchToken sets a token's LastUsed.
func (db *DB) TouchToken(ctx context.Context, id string, at time.Time) error {
	res, err := db.w.ExecContext(ctx, `UPDATE api_tokens SET last_used = ? WHERE id = ?`, formatTime(at), id)
	return notFoundIfNone(affected(res, err, "touch token"), "no token %q", id)
}

// Setting returns a node setting; ENOTFOUND if never set.
func (db *DB) Setting(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	err := db.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, atalaya.Errorf(atalaya.ENOTFOUND, "setting %q is not set", key)
	}
	return v, internal("read setting", err)
}

// PutSetting sets a node setting.
func (db *DB) PutSetting(ctx context.Context, key string, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return internal("write setting", err)
}

// errNoRow is what affected returns when a statement changed no row.
var errNoRow = errors.New("no row changed")

// affected returns errNoRow if a statement changed no row, or its error.
func affected(res sql.Result, err error, what string) error {
	if err != nil {
		return internal(what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return internal(what, err)
	}
	if n == 0 {
		return atalaya.Errorf(atalaya.ENOTFOUND, "%s: %w", what, errNoRow)
	}
	return nil
}

// notFoundIfNone turns affected's errNoRow into ENOTFOUND with a message.
func notFoundIfNone(err error, format string, args ...any) error {
	if errors.Is(err, errNoRow) {
		return atalaya.Errorf(atalaya.ENOTFOUND, format, args...)
	}
	return err
}

// conflict turns affected's errNoRow (an insert that met a unique key) into
// ECONFLICT with a message.
func conflict(err error, msg string) error {
	if errors.Is(err, errNoRow) {
		return atalaya.Errorf(atalaya.ECONFLICT, "%s", msg)
	}
	return err
}

// sortedSet returns vals sorted without duplicates, never nil.
func sortedSet(vals []string) []string {
	out := slices.Clone(vals)
	slices.Sort(out)
	out = slices.Compact(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// nullBytes returns b, or nil (SQL NULL) when it is empty.
func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// nullTime returns t formatted, or nil (SQL NULL) when it is zero.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return formatTime(t)
}

// nullTimePtr returns *t formatted, or nil (SQL NULL) when t is nil.
func nullTimePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return formatTime(*t)
}

// parseTimePtr parses a nullable timestamp.
func parseTimePtr(s sql.NullString) (*time.Time, error) {
	if !s.Valid {
		return nil, nil
	}
	t, err := parseTime(s.String)
	if err != nil {
		return nil, err
	}
	return &t, nil
}
