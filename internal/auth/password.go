// Package auth holds the credential primitives of a node: argon2id password
// hashes, TOTP second factors (RFC 6238), API tokens, session ids and CSRF
// tokens, and sign-in throttling. It stores nothing and serves nothing: the
// store keeps the hashes it returns, and the web layer calls it.
//
// Every function that needs randomness takes an io.Reader (crypto/rand.Reader
// in production) and every check that depends on time takes the current time
// or a clock, so that tests are deterministic. docs/auth.md describes the
// formats and parameters.
package auth

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"golang.org/x/crypto/argon2"
)

// Params are the argon2id cost parameters of a password hash.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over memory
	Threads uint8  // lanes
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams returns the parameters for a server with two cores: 64 MiB,
// three passes and two lanes, with a 128-bit salt and a 256-bit hash. This is
// RFC 9106's second recommended option (§4: 64 MiB, t=3) with the lanes set
// to the cores available, and above OWASP's minimum (19 MiB, t=2, p=1). A
// hash takes about 250 ms and 64 MiB on a two-core server; the sign-in
// throttle keeps that from becoming a way to load the node.
func DefaultParams() Params {
	return Params{Memory: 64 * 1024, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}
}

// Limits on parameters accepted from a PHC string, so that a corrupt or
// hostile stored hash cannot make a sign-in allocate gigabytes or loop for
// minutes.
const (
	maxMemory  = 1 << 21 // KiB: 2 GiB
	maxTime    = 64
	minSaltLen = 8
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
)

// Validate checks that p is within the limits this package accepts.
func (p Params) Validate() error {
	switch {
	case p.Threads < 1:
		return atalaya.Errorf(atalaya.EINVALID, "argon2id: p must be at least 1")
	case p.Memory < 8*uint32(p.Threads):
		return atalaya.Errorf(atalaya.EINVALID, "argon2id: m must be at least 8 KiB per lane (m=%d, p=%d)", p.Memory, p.Threads)
	case p.Memory > maxMemory:
		return atalaya.Errorf(atalaya.EINVALID, "argon2id: m=%d KiB is over the limit of %d KiB", p.Memory, maxMemory)
	case p.Time < 1 || p.Time > maxTime:
		return atalaya.Errorf(atalaya.EINVALID, "argon2id: t must be between 1 and %d (t=%d)", maxTime, p.Time)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return atalaya.Errorf(atalaya.EINVALID, "argon2id: the salt must have %d to %d bytes (%d)", minSaltLen, maxSaltLen, p.SaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return atalaya.Errorf(atalaya.EINVALID, "argon2id: the hash must have %d to %d bytes (%d)", minKeyLen, maxKeyLen, p.KeyLen)
	}
	return nil
}

// PHC is a parsed argon2id hash in the PHC string format
// $argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>, salt and hash in unpadded
// standard base64.
type PHC struct {
	Params Params // SaltLen and KeyLen are those of Salt and Hash
	Salt   []byte
	Hash   []byte
}

// String renders h in the PHC string format.
func (h PHC) String() string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.Params.Memory, h.Params.Time, h.Params.Threads,
		b64.EncodeToString(h.Salt), b64.EncodeToString(h.Hash))
}

// ParsePHC parses an argon2id PHC string. Only argon2id version 19 with the
// parameters in the order m, t, p and no others is accepted.
func ParsePHC(s string) (PHC, error) {
	bad := func(format string, args ...any) (PHC, error) {
		return PHC{}, atalaya.Errorf(atalaya.EINVALID, "password hash: "+format, args...)
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" {
		return bad("not a PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash)")
	}
	if parts[1] != "argon2id" {
		return bad("algorithm %q is not argon2id", parts[1])
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("version %q is not v=%d", parts[2], argon2.Version)
	}
	var p Params
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return bad("parameters %q are not m=…,t=…,p=…", parts[3])
	}
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(kv[i], name+"=")
		if !ok {
			return bad("parameter %d is %q, want %s=…", i+1, kv[i], name)
		}
		bits := 32
		if name == "p" {
			bits = 8
		}
		// Decimal digits only: no sign, no leading zeros, as PHC requires.
		if v == "" || (len(v) > 1 && v[0] == '0') || strings.TrimLeft(v, "0123456789") != "" {
			return bad("parameter %s=%q is not a decimal number", name, v)
		}
		n, err := strconv.ParseUint(v, 10, bits)
		if err != nil {
			return bad("parameter %s=%q is out of range", name, v)
		}
		switch name {
		case "m":
			p.Memory = uint32(n)
		case "t":
			p.Time = uint32(n)
		case "p":
			p.Threads = uint8(n)
		}
	}
	b64 := base64.RawStdEncoding.Strict()
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return bad("the salt is not unpadded base64")
	}
	hash, err := b64.DecodeString(parts[5])
	if err != nil {
		return bad("the hash is not unpadded base64")
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(hash))
	if err := p.Validate(); err != nil {
		return PHC{}, atalaya.Errorf(atalaya.EINVALID, "password hash: %w", err)
	}
	return PHC{Params: p, Salt: salt, Hash: hash}, nil
}

// HashPassword hashes password with argon2id under p and a fresh salt read
// from r (crypto/rand.Reader in production), and returns the PHC string.
// It does not check the password policy; call CheckPasswordPolicy first.
func HashPassword(r io.Reader, password string, p Params) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	if _, err := io.ReadFull(r, salt); err != nil {
		return "", fmt.Errorf("read salt: %w", err)
	}
	return hashWithSalt(password, salt, p).String(), nil
}

func hashWithSalt(password string, salt []byte, p Params) PHC {
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	p.SaltLen = uint32(len(salt))
	return PHC{Params: p, Salt: salt, Hash: key}
}

// VerifyPassword reports whether password matches the PHC string encoded.
// The comparison takes the same time wherever the hashes differ. An error
// means encoded is not a hash this package accepts, not a wrong password.
func VerifyPassword(password, encoded string) (bool, error) {
	h, err := ParsePHC(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), h.Salt, h.Params.Time, h.Params.Memory, h.Params.Threads, h.Params.KeyLen)
	return subtle.ConstantTimeCompare(got, h.Hash) == 1, nil
}

// NeedsRehash reports whether encoded was made with parameters other than
// p (or cannot be parsed), so that the caller should hash the password
// again, with p, after a successful sign-in.
func NeedsRehash(encoded string, p Params) bool {
	h, err := ParsePHC(encoded)
	if err != nil {
		return true
	}
	return h.Params != p
}
