package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
)

// Scope is one thing an API token may do. The list is closed: a token
// carries only scopes named here, and a route checks for one of them.
type Scope string

// The token scopes.
const (
	ScopeIngest         Scope = "ingest"          // upload batches to the owner's sources
	ScopeRead           Scope = "read"            // read what the owner's role may read, non-personal data
	ScopeReadRestricted Scope = "read:restricted" // read restricted data (records, rejected rows); audited
	ScopeApprove        Scope = "approve"         // validate and publish figures
)

// Scopes returns every scope.
func Scopes() []Scope {
	return []Scope{ScopeIngest, ScopeRead, ScopeReadRestricted, ScopeApprove}
}

// Valid reports whether s is a known scope.
func (s Scope) Valid() bool {
	return slices.Contains(Scopes(), s)
}

// ParseScopes parses scope names (as given to `atalaya token create`),
// refusing unknown ones and empty lists, and returns them sorted without
// duplicates.
func ParseScopes(names []string) ([]Scope, error) {
	var out []Scope
	for _, n := range names {
		s := Scope(strings.TrimSpace(n))
		if !s.Valid() {
			return nil, atalaya.Errorf(atalaya.EINVALID, "unknown token scope %q (known: %s)", n, scopeList())
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "a token needs at least one scope (%s)", scopeList())
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func scopeList() string {
	var b strings.Builder
	for i, s := range Scopes() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(s))
	}
	return b.String()
}

// Token format: atl_<id>_<secret>, both parts lower-case unpadded base32
// (RFC 4648 alphabet), so a token is one word that survives copy and paste,
// URLs and shell quoting. The id (80 bits) is not secret: it finds the
// stored hash and names the token in lists and the audit log. The secret
// has 256 bits.
const (
	TokenPrefix    = "atl_"
	tokenIDLen     = 10 // bytes
	tokenSecretLen = 32 // bytes
)

var tokenEnc = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

var (
	tokenIDChars     = tokenEnc.EncodedLen(tokenIDLen)
	tokenSecretChars = tokenEnc.EncodedLen(tokenSecretLen)
)

// APIToken is what the node stores about a token: never the token itself,
// only its SHA-256. A fast hash is enough here, unlike for passwords: the
// secret has 256 random bits, so no guessing is feasible however fast the
// hash, and a slow hash would only make every API request slower (and an
// easy way to load the server).
type APIToken struct {
	ID      string    // the public part, in the token after "atl_"
	Hash    string    // hex SHA-256 of the whole token
	Scopes  []Scope   // sorted
	Created time.Time // when it was created
	Expires time.Time // zero: never
}

// NewAPIToken makes a token with the given scopes that expires ttl after
// now (never if ttl is 0), reading randomness from r (crypto/rand.Reader in
// production). It returns the token to show the user once, and the record to
// store.
func NewAPIToken(r io.Reader, scopes []Scope, now time.Time, ttl time.Duration) (string, APIToken, error) {
	for _, s := range scopes {
		if !s.Valid() {
			return "", APIToken{}, atalaya.Errorf(atalaya.EINVALID, "unknown token scope %q (known: %s)", s, scopeList())
		}
	}
	if len(scopes) == 0 {
		return "", APIToken{}, atalaya.Errorf(atalaya.EINVALID, "a token needs at least one scope (%s)", scopeList())
	}
	if ttl < 0 {
		return "", APIToken{}, atalaya.Errorf(atalaya.EINVALID, "a token's lifetime cannot be negative")
	}
	buf := make([]byte, tokenIDLen+tokenSecretLen)
	if _, err := io.ReadFull(r, buf); err != nil {
		return "", APIToken{}, fmt.Errorf("read token: %w", err)
	}
	id := tokenEnc.EncodeToString(buf[:tokenIDLen])
	token := TokenPrefix + id + "_" + tokenEnc.EncodeToString(buf[tokenIDLen:])
	sorted := slices.Clone(scopes)
	slices.Sort(sorted)
	t := APIToken{ID: id, Hash: HashToken(token), Scopes: slices.Compact(sorted), Created: now}
	if ttl > 0 {
		t.Expires = now.Add(ttl)
	}
	return token, t, nil
}

// ParseToken checks the form of token and returns its id, with which the
// caller looks up the stored APIToken. It does not check the secret.
func ParseToken(token string) (id string, err error) {
	rest, ok := strings.CutPrefix(token, TokenPrefix)
	if !ok {
		return "", atalaya.Errorf(atalaya.EUNAUTHORIZED, "not an Atalaya API token (they start with %q)", TokenPrefix)
	}
	id, secret, ok := strings.Cut(rest, "_")
	if !ok || len(id) != tokenIDChars || len(secret) != tokenSecretChars {
		return "", atalaya.Errorf(atalaya.EUNAUTHORIZED, "malformed API token: want atl_ then %d and %d characters separated by _", tokenIDChars, tokenSecretChars)
	}
	if !canonical(id) {
		return "", atalaya.Errorf(atalaya.EUNAUTHORIZED, "malformed API token: the id is not lower-case base32")
	}
	if !canonical(secret) {
		return "", atalaya.Errorf(atalaya.EUNAUTHORIZED, "malformed API token: the secret is not lower-case base32")
	}
	return id, nil
}

// canonical reports whether s is lower-case base32 that encodes back to
// itself (no stray trailing bits), so that each token has one spelling.
func canonical(s string) bool {
	b, err := tokenEnc.DecodeString(s)
	return err == nil && tokenEnc.EncodeToString(b) == s
}

// HashToken returns the hex SHA-256 of token, the form stored.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Verify checks that token is the one t was made for and has not expired at
// now. The hashes are compared in constant time. Revocation is the store's
// business: a revoked token's record is marked or gone.
func (t APIToken) Verify(token string, now time.Time) error {
	id, err := ParseToken(token)
	if err != nil {
		return err
	}
	got, want := HashToken(token), t.Hash
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 || id != t.ID {
		return atalaya.Errorf(atalaya.EUNAUTHORIZED, "invalid API token")
	}
	if t.Expired(now) {
		return atalaya.Errorf(atalaya.EUNAUTHORIZED, "the API token %s expired at %s", t.ID, t.Expires.UTC().Format(time.RFC3339))
	}
	return nil
}

// Expired reports whether t has expired at now.
func (t APIToken) Expired(now time.Time) bool {
	return !t.Expires.IsZero() && !now.Before(t.Expires)
}

// Allows reports whether t carries scope s.
func (t APIToken) Allows(s Scope) bool {
	return slices.Contains(t.Scopes, s)
}
