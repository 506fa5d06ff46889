package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/oas-atalaya/atalaya"
)

// sessionIDLen is the size of a session id: 256 random bits.
const sessionIDLen = 32

var b64url = base64.RawURLEncoding

// NewSessionID returns a new session id (256 bits from r, crypto/rand.Reader
// in production) in unpadded base64url, for the session cookie. Store only
// HashSessionID of it, so that a copy of the database does not hand out live
// sessions.
func NewSessionID(r io.Reader) (string, error) {
	b := make([]byte, sessionIDLen)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("read session id: %w", err)
	}
	return b64url.EncodeToString(b), nil
}

// ValidSessionID reports whether id has the form NewSessionID returns, so
// that a cookie that cannot be a session is refused before any lookup.
func ValidSessionID(id string) bool {
	b, err := b64url.Strict().DecodeString(id)
	return err == nil && len(b) == sessionIDLen
}

// HashSessionID returns the hex SHA-256 of a session id, the form stored.
// As with API tokens, 256 random bits need no slow hash.
func HashSessionID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// CSRF makes and checks the anti-CSRF token of each session: an HMAC-SHA256
// of the session id under a server key. Nothing more is stored, the token is
// the same for the whole session, and a token taken from one session is
// worthless in another.
type CSRF struct {
	key []byte
}

// MinCSRFKeyLen is the shortest server key NewCSRF accepts, in bytes.
const MinCSRFKeyLen = 32

// NewCSRF returns a CSRF with the server key key (random, at least 32 bytes,
// kept in the node's settings; changing it invalidates open forms).
func NewCSRF(key []byte) (*CSRF, error) {
	if len(key) < MinCSRFKeyLen {
		return nil, atalaya.Errorf(atalaya.EINVALID, "the CSRF key must have at least %d bytes (it has %d)", MinCSRFKeyLen, len(key))
	}
	return &CSRF{key: append([]byte(nil), key...)}, nil
}

func (c *CSRF) mac(sessionID string) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("atalaya csrf v1\x00"))
	m.Write([]byte(sessionID))
	return m.Sum(nil)
}

// Token returns the CSRF token of the session sessionID, for a hidden form
// field or a request header.
func (c *CSRF) Token(sessionID string) string {
	return b64url.EncodeToString(c.mac(sessionID))
}

// Verify reports whether token is the CSRF token of sessionID, comparing in
// constant time.
func (c *CSRF) Verify(sessionID, token string) bool {
	got, err := b64url.Strict().DecodeString(token)
	if err != nil {
		return false
	}
	return hmac.Equal(got, c.mac(sessionID))
}

// Session timeouts: signed out after DefaultIdleTimeout without a request
// (issue 4), and after DefaultAbsoluteTimeout whatever the activity, so a
// stolen cookie does not live for ever.
const (
	DefaultIdleTimeout     = 30 * time.Minute
	DefaultAbsoluteTimeout = 12 * time.Hour
)

// SessionTimeouts are how long a session lives.
type SessionTimeouts struct {
	Idle     time.Duration // since the last request; DefaultIdleTimeout if zero
	Absolute time.Duration // since sign-in; DefaultAbsoluteTimeout if zero
}

// Check returns nil if a session created at created and last used at
// lastSeen is still valid at now, or an EUNAUTHORIZED error that says why
// not.
func (t SessionTimeouts) Check(created, lastSeen, now time.Time) error {
	idle, abs := t.Idle, t.Absolute
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	if abs <= 0 {
		abs = DefaultAbsoluteTimeout
	}
	switch {
	case now.Sub(lastSeen) >= idle:
		return atalaya.Errorf(atalaya.EUNAUTHORIZED, "signed out after %v without activity; sign in again", idle)
	case now.Sub(created) >= abs:
		return atalaya.Errorf(atalaya.EUNAUTHORIZED, "signed out %v after signing in; sign in again", abs)
	}
	return nil
}
