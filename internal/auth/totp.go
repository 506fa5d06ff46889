package auth

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"hash"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
)

// Algorithm is the HMAC hash of a TOTP key (RFC 6238 §1.2).
type Algorithm string

// The TOTP algorithms. SHA1 is the default because every authenticator app
// supports it; HMAC-SHA1 is not weakened by SHA-1's collisions.
const (
	SHA1   Algorithm = "SHA1"
	SHA256 Algorithm = "SHA256"
	SHA512 Algorithm = "SHA512"
)

func (a Algorithm) hash() func() hash.Hash {
	switch a {
	case SHA1:
		return sha1.New
	case SHA256:
		return sha256.New
	case SHA512:
		return sha512.New
	}
	return nil
}

// TOTP defaults: 30-second steps, 6 digits, one step of clock skew either
// way, and 160-bit secrets (RFC 4226 §4 recommends 160 bits).
const (
	DefaultPeriod    = 30 * time.Second
	DefaultDigits    = 6
	DefaultSkew      = 1
	TOTPSecretLen    = 20
	minTOTPSecretLen = 16 // RFC 4226 §4, R6: at least 128 bits
)

// TOTP is a time-based one-time password key (RFC 6238).
type TOTP struct {
	Secret    []byte
	Algorithm Algorithm     // SHA1 if empty
	Digits    int           // 6 if zero; 6 to 8
	Period    time.Duration // 30 s if zero; whole seconds
	Skew      int           // steps accepted either side of now; 0 means none
}

// NewTOTP returns a key with secret and the defaults: SHA1, 6 digits, 30 s,
// a skew of one step.
func NewTOTP(secret []byte) TOTP {
	return TOTP{Secret: secret, Algorithm: SHA1, Digits: DefaultDigits, Period: DefaultPeriod, Skew: DefaultSkew}
}

// GenerateTOTPSecret reads a new 160-bit secret from r (crypto/rand.Reader
// in production).
func GenerateTOTPSecret(r io.Reader) ([]byte, error) {
	b := make([]byte, TOTPSecretLen)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("read TOTP secret: %w", err)
	}
	return b, nil
}

func (k TOTP) norm() TOTP {
	if k.Algorithm == "" {
		k.Algorithm = SHA1
	}
	if k.Digits == 0 {
		k.Digits = DefaultDigits
	}
	if k.Period == 0 {
		k.Period = DefaultPeriod
	}
	return k
}

// Validate checks the key's settings.
func (k TOTP) Validate() error {
	k = k.norm()
	switch {
	case k.Algorithm.hash() == nil:
		return atalaya.Errorf(atalaya.EINVALID, "TOTP: unknown algorithm %q (SHA1, SHA256 or SHA512)", k.Algorithm)
	case k.Digits < 6 || k.Digits > 8:
		return atalaya.Errorf(atalaya.EINVALID, "TOTP: digits must be 6, 7 or 8 (%d)", k.Digits)
	case k.Period < time.Second || k.Period%time.Second != 0:
		return atalaya.Errorf(atalaya.EINVALID, "TOTP: the period must be a whole number of seconds (%v)", k.Period)
	case k.Skew < 0 || k.Skew > 10:
		return atalaya.Errorf(atalaya.EINVALID, "TOTP: the skew must be 0 to 10 steps (%d)", k.Skew)
	case len(k.Secret) == 0:
		return atalaya.Errorf(atalaya.EINVALID, "TOTP: empty secret")
	}
	return nil
}

// Step returns the time step that t falls in: the whole periods since the
// Unix epoch (RFC 6238 §4.2, T0 = 0).
func (k TOTP) Step(t time.Time) int64 {
	k = k.norm()
	return floorDiv(t.Unix(), int64(k.Period/time.Second))
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// Code returns the code for time t.
func (k TOTP) Code(t time.Time) string {
	return k.CodeAt(k.Step(t))
}

// CodeAt returns the code for time step step: HOTP (RFC 4226 §5.3) with the
// step as the counter, left-padded with zeros to the key's digits.
func (k TOTP) CodeAt(step int64) string {
	k = k.norm()
	h := k.Algorithm.hash()
	if h == nil {
		h = sha1.New
	}
	mac := hmac.New(h, k.Secret)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:]) & 0x7fffffff
	mod := uint32(1)
	for range k.Digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", k.Digits, bin%mod)
}

// Verify checks code against the steps from now-Skew to now+Skew and
// returns the step it matched. Steps at or before lastStep are refused, so
// that a code cannot be used twice: the caller stores the returned step and
// passes it as lastStep next time (0 if the key has never been used). Every
// candidate is compared in constant time.
func (k TOTP) Verify(code string, now time.Time, lastStep int64) (int64, error) {
	if err := k.Validate(); err != nil {
		return 0, err
	}
	k = k.norm()
	code = strings.ReplaceAll(code, " ", "")
	if len(code) != k.Digits || strings.Trim(code, "0123456789") != "" {
		return 0, atalaya.Errorf(atalaya.EUNAUTHORIZED, "the code must have %d digits", k.Digits)
	}
	cur := k.Step(now)
	// Compare every candidate, so that the time taken does not say which
	// step matched; whether a step is fresh depends on public values only.
	var found int64
	matched, replayed := 0, 0
	for s := cur - int64(k.Skew); s <= cur+int64(k.Skew); s++ {
		eq := subtle.ConstantTimeCompare([]byte(k.CodeAt(s)), []byte(code))
		fresh := 0
		if s > lastStep {
			fresh = 1
		}
		if eq&fresh == 1 && matched == 0 {
			found, matched = s, 1
		}
		replayed |= eq &^ fresh
	}
	if matched == 1 {
		return found, nil
	}
	if replayed == 1 {
		return 0, atalaya.Errorf(atalaya.EUNAUTHORIZED, "this code was already used; wait for the next one")
	}
	return 0, atalaya.Errorf(atalaya.EUNAUTHORIZED, "the code is wrong or has expired")
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// EncodeSecret renders a TOTP secret as unpadded upper-case base32, the form
// authenticator apps accept.
func EncodeSecret(secret []byte) string {
	return b32.EncodeToString(secret)
}

// DecodeSecret parses a base32 TOTP secret as people type it: any case,
// spaces and hyphens ignored, padding optional. It must hold at least 128
// bits.
func DecodeSecret(s string) ([]byte, error) {
	clean := strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '=':
			return -1
		case 'a' <= r && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, s)
	b, err := b32.DecodeString(clean)
	if err != nil {
		return nil, atalaya.Errorf(atalaya.EINVALID, "TOTP secret: not base32 (letters A–Z and digits 2–7)")
	}
	if len(b) < minTOTPSecretLen {
		return nil, atalaya.Errorf(atalaya.EINVALID, "TOTP secret: %d bits; at least %d needed", 8*len(b), 8*minTOTPSecretLen)
	}
	return b, nil
}

// KeyURI returns the otpauth:// provisioning URI of k in the Key Uri Format
// that authenticator apps read from a QR code (neither issuer nor account may
// contain a colon):
// otpauth://totp/Issuer:account?secret=…&issuer=Issuer&algorithm=SHA1&digits=6&period=30.
func (k TOTP) KeyURI(issuer, account string) string {
	k = k.norm()
	q := url.Values{}
	q.Set("secret", EncodeSecret(k.Secret))
	label := account
	if issuer != "" {
		q.Set("issuer", issuer)
		label = issuer + ":" + account
	}
	q.Set("algorithm", string(k.Algorithm))
	q.Set("digits", strconv.Itoa(k.Digits))
	q.Set("period", strconv.Itoa(int(k.Period/time.Second)))
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + label, RawQuery: q.Encode()}
	return u.String()
}

// ParseKeyURI parses an otpauth://totp/ URI as KeyURI writes it, returning
// the key (Skew DefaultSkew), the issuer and the account name.
func ParseKeyURI(s string) (k TOTP, issuer, account string, err error) {
	bad := func(format string, args ...any) (TOTP, string, string, error) {
		return TOTP{}, "", "", atalaya.Errorf(atalaya.EINVALID, "otpauth URI: "+format, args...)
	}
	u, err := url.Parse(s)
	if err != nil {
		return bad("not a URI")
	}
	if u.Scheme != "otpauth" || u.Host != "totp" {
		return bad("not otpauth://totp/")
	}
	label := strings.TrimPrefix(u.Path, "/")
	issuer, account, ok := strings.Cut(label, ":")
	if !ok {
		issuer, account = "", label
	}
	account = strings.TrimSpace(account)
	if account == "" {
		return bad("no account name")
	}
	q := u.Query()
	if qi := q.Get("issuer"); qi != "" {
		if issuer != "" && qi != issuer {
			return bad("issuer %q differs from the label's %q", qi, issuer)
		}
		issuer = qi
	}
	if strings.Contains(issuer, ":") || strings.Contains(account, ":") {
		return bad("the issuer and the account name must not contain a colon")
	}
	secret, err := DecodeSecret(q.Get("secret"))
	if err != nil {
		return TOTP{}, "", "", atalaya.Errorf(atalaya.EINVALID, "otpauth URI: %w", err)
	}
	k = NewTOTP(secret)
	if a := q.Get("algorithm"); a != "" {
		k.Algorithm = Algorithm(strings.ToUpper(a))
	}
	for name, dst := range map[string]*int{"digits": &k.Digits, "period": nil} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n > 3600 {
			return bad("%s=%q is not a small positive number", name, v)
		}
		if dst != nil {
			*dst = n
		} else {
			k.Period = time.Duration(n) * time.Second
		}
	}
	if err := k.Validate(); err != nil {
		return TOTP{}, "", "", atalaya.Errorf(atalaya.EINVALID, "otpauth URI: %w", err)
	}
	return k, issuer, account, nil
}
