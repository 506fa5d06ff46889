package atalaya

import (
	"context"
	"time"
)

// User is an account on the node: a person who signs in to the portal or
// owns API tokens. It holds credentials only in derived forms (a PHC
// password hash, a TOTP secret): never a password.
type User struct {
	ID           string   // the login name: lower-case letters, digits and . _ @ -, at most 64
	Name         string   // the display name
	Role         Role     // never RolePublic: the public does not sign in
	Sources      []string // stewards only: the source ids they upload to, sorted
	PasswordHash string   // argon2id in PHC form (internal/auth); "" means no password sign-in
	// TOTPSecret is the enrolled TOTP key (RFC 6238), nil when none is.
	// With a secret, sign-in asks for a code; TOTPLastStep is the last
	// time step accepted, so that a code is never accepted twice.
	TOTPSecret   []byte
	TOTPLastStep int64
	TOTPRequired bool // the user must enrol a TOTP key before signing in without one
	Disabled     bool // a disabled user cannot sign in and their tokens are refused
	Created      time.Time
	Updated      time.Time
}

// maxUserIDLen bounds login names.
const maxUserIDLen = 64

// ValidUserID reports whether id can name a user: 1 to 64 characters, each a
// lower-case ASCII letter, a digit or one of . _ @ -, starting with a letter
// or a digit. The set keeps ids safe in URLs, audit entries and otpauth
// labels (no colon).
func ValidUserID(id string) bool {
	if id == "" || len(id) > maxUserIDLen {
		return false
	}
	for i, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case i > 0 && (r == '.' || r == '_' || r == '@' || r == '-'):
		default:
			return false
		}
	}
	return true
}

// Validate checks u before it is stored: a valid id, a role that signs in,
// and sources for stewards only (a steward needs at least one).
func (u User) Validate() error {
	switch {
	case !ValidUserID(u.ID):
		return Errorf(EINVALID, "user id %q: use 1 to %d lower-case letters, digits and . _ @ -, starting with a letter or digit", u.ID, maxUserIDLen)
	case !u.Role.Valid():
		return Errorf(EINVALID, "user %s: unknown role %q", u.ID, u.Role)
	case u.Role == RolePublic:
		return Errorf(EINVALID, "user %s: the public role is for visitors who do not sign in", u.ID)
	case u.Role == RoleSteward && len(u.Sources) == 0:
		return Errorf(EINVALID, "user %s: a steward needs at least one source to upload to", u.ID)
	case u.Role != RoleSteward && len(u.Sources) > 0:
		return Errorf(EINVALID, "user %s: only stewards have sources (role %s)", u.ID, u.Role)
	}
	for _, s := range u.Sources {
		if s == "" {
			return Errorf(EINVALID, "user %s: empty source id", u.ID)
		}
	}
	return nil
}

// Session is a signed-in browser session. The store keeps only the SHA-256
// of the session id (internal/auth.HashSessionID), so that a copy of the
// database does not hand out live sessions.
type Session struct {
	IDHash   string // hex SHA-256 of the id in the cookie
	User     string
	Created  time.Time // sign-in
	LastSeen time.Time // last request, for the idle timeout
	Origin   string    // the remote address at sign-in
}

// TokenRecord is what the node keeps of an API token: its public id and the
// SHA-256 of the whole token (internal/auth.HashToken), never the token.
type TokenRecord struct {
	ID       string   // the public part of the token
	Hash     string   // hex SHA-256 of the token
	User     string   // the owner; the token acts with the owner's role
	Name     string   // what it is for, e.g. "nightly upload"
	Scopes   []string // internal/auth scope names, sorted
	Created  time.Time
	Expires  time.Time  // zero: never
	Revoked  *time.Time // nil: not revoked
	LastUsed *time.Time // nil: never used
}

// AccountStore is the storage of accounts, sessions, API tokens and node
// settings, implemented by both backends (internal/sqlite,
// internal/postgres) next to Store and checked by internal/storetest.
// Times are kept in UTC to the microsecond. Users are never deleted, only
// disabled, so that the audit log's actor ids keep naming someone.
type AccountStore interface {
	// PutUser stores u after u.Validate. With create it inserts u and
	// returns ECONFLICT if the id exists; without, it replaces every field
	// of an existing user but Created and returns ENOTFOUND if there is
	// none. The store sets Created (on create) and Updated from its clock.
	PutUser(ctx context.Context, u User, create bool) error
	// User returns one user; ENOTFOUND if absent.
	User(ctx context.Context, id string) (User, error)
	// Users returns every user, ordered by id.
	Users(ctx context.Context) ([]User, error)
	// SetPassword replaces a user's password hash (a PHC string, never a
	// password) and deletes the user's sessions, so that a reset password
	// signs out whoever held the old one. ENOTFOUND for an unknown user.
	SetPassword(ctx context.Context, id, phc string) error
	// UseTOTPStep records that the TOTP code of time step step was accepted
	// for a user. ECONFLICT if step is not after the last one recorded (a
	// replayed code), ENOTFOUND for an unknown user.
	UseTOTPStep(ctx context.Context, id string, step int64) error
	// SetDisabled disables or enables a user. Disabling deletes the user's
	// sessions; tokens are left as they are (refused while the user is
	// disabled, valid again when enabled). ENOTFOUND for an unknown user.
	SetDisabled(ctx context.Context, id string, disabled bool) error

	// AddSession stores a new session. ENOTFOUND for an unknown user,
	// EFORBIDDEN for a disabled one, ECONFLICT if the hash is stored.
	AddSession(ctx context.Context, s Session) error
	// Session returns the session with the id hash; ENOTFOUND if absent.
	Session(ctx context.Context, idHash string) (Session, error)
	// TouchSession sets a session's LastSeen to at; ENOTFOUND if absent.
	TouchSession(ctx context.Context, idHash string, at time.Time) error
	// DeleteSession deletes one session (sign-out); deleting an absent
	// session is not an error.
	DeleteSession(ctx context.Context, idHash string) error
	// DeleteUserSessions deletes every session of a user and returns how
	// many there were.
	DeleteUserSessions(ctx context.Context, user string) (int, error)

	// AddToken stores a new token record. EINVALID without an id, a hash
	// or a scope; ENOTFOUND for an unknown user; EFORBIDDEN for a disabled
	// one; ECONFLICT if the id or the hash is stored.
	AddToken(ctx context.Context, t TokenRecord) error
	// Token returns the token record with the id; ENOTFOUND if absent.
	Token(ctx context.Context, id string) (TokenRecord, error)
	// Tokens returns the token records of user, or of everyone when user
	// is "", ordered by creation time then id.
	Tokens(ctx context.Context, user string) ([]TokenRecord, error)
	// RevokeToken marks a token revoked at at. Revoking a revoked token
	// keeps the first time. ENOTFOUND if absent.
	RevokeToken(ctx context.Context, id string, at time.Time) error
	// TouchToken sets a token's LastUsed to at; ENOTFOUND if absent.
	TouchToken(ctx context.Context, id string, at time.Time) error

	// Setting returns the value of a node setting (such as the CSRF server
	// key); ENOTFOUND if it was never set.
	Setting(ctx context.Context, key string) ([]byte, error)
	// PutSetting sets a node setting, replacing any earlier value.
	PutSetting(ctx context.Context, key string, value []byte) error
}
