package auth_test

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
)

// fastParams keep the tests quick; the golden file covers DefaultParams.
var fastParams = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// TestHashGolden checks x/crypto's argon2id against hashes computed by the
// reference C implementation (testdata/argon2id_golden.py). x/crypto has no
// API for the secret and associated data of RFC 9106 §5.3's test vector, so
// that vector cannot be checked here.
func TestHashGolden(t *testing.T) {
	f, err := os.Open("testdata/argon2id.golden")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 3 {
			t.Fatalf("line %q: want 3 fields", sc.Text())
		}
		password, want := fields[0], fields[2]
		salt, err := hex.DecodeString(fields[1])
		if err != nil {
			t.Fatal(err)
		}
		h, err := auth.ParsePHC(want)
		if err != nil {
			t.Fatalf("ParsePHC(%q): %v", want, err)
		}
		if !bytes.Equal(h.Salt, salt) {
			t.Errorf("ParsePHC(%q).Salt = %x; want %x", want, h.Salt, salt)
		}
		if got := h.String(); got != want {
			t.Errorf("ParsePHC(%q).String() = %q", want, got)
		}
		got, err := auth.HashPassword(bytes.NewReader(salt), password, h.Params)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("HashPassword(%q, salt %x) = %q; want %q", password, salt, got, want)
		}
		ok, err := auth.VerifyPassword(password, want)
		if !ok || err != nil {
			t.Errorf("VerifyPassword(%q, %q) = %v, %v; want true", password, want, ok, err)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no golden hashes")
	}
}

func TestHashVerify(t *testing.T) {
	h, err := auth.HashPassword(strings.NewReader(strings.Repeat("s", 16)), "a long passphrase", fastParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("HashPassword = %q; want the PHC prefix", h)
	}
	for _, tc := range []struct {
		password string
		want     bool
	}{
		{"a long passphrase", true},
		{"a long passphrasE", false},
		{"a long passphrase ", false},
		{"", false},
	} {
		got, err := auth.VerifyPassword(tc.password, h)
		if err != nil || got != tc.want {
			t.Errorf("VerifyPassword(%q) = %v, %v; want %v", tc.password, got, err, tc.want)
		}
	}
}

func TestHashPasswordErrors(t *testing.T) {
	if _, err := auth.HashPassword(strings.NewReader("short"), "x", fastParams); err == nil {
		t.Error("HashPassword with a short random source: no error")
	}
	bad := fastParams
	bad.Memory = 4
	if _, err := auth.HashPassword(strings.NewReader(strings.Repeat("s", 16)), "x", bad); atalaya.ErrorCode(err) != atalaya.EINVALID {
		t.Errorf("HashPassword with m=4: %v; want EINVALID", err)
	}
	if err := auth.DefaultParams().Validate(); err != nil {
		t.Errorf("DefaultParams().Validate() = %v", err)
	}
}

func TestNeedsRehash(t *testing.T) {
	h, err := auth.HashPassword(strings.NewReader(strings.Repeat("s", 16)), "x", fastParams)
	if err != nil {
		t.Fatal(err)
	}
	more := fastParams
	more.Time = 2
	longer := fastParams
	longer.KeyLen = 16
	for _, tc := range []struct {
		name    string
		encoded string
		p       auth.Params
		want    bool
	}{
		{"same", h, fastParams, false},
		{"more time", h, more, true},
		{"other key length", h, longer, true},
		{"defaults", h, auth.DefaultParams(), true},
		{"garbage", "$2b$10$abc", fastParams, true},
	} {
		if got := auth.NeedsRehash(tc.encoded, tc.p); got != tc.want {
			t.Errorf("%s: NeedsRehash = %v; want %v", tc.name, got, tc.want)
		}
	}
}

func TestParsePHCErrors(t *testing.T) {
	const salt, hash = "c29tZXNhbHQ", "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
	for _, tc := range []struct{ in, msg string }{
		{"", "not a PHC string"},
		{"argon2id$v=19$m=65536,t=2,p=1$" + salt + "$" + hash, "not a PHC string"},
		{"$argon2i$v=19$m=65536,t=2,p=1$" + salt + "$" + hash, `algorithm "argon2i"`},
		{"$argon2id$v=16$m=65536,t=2,p=1$" + salt + "$" + hash, `version "v=16"`},
		{"$argon2id$m=65536,t=2,p=1$" + salt + "$" + hash, "not a PHC string"},
		{"$argon2id$v=19$t=2,m=65536,p=1$" + salt + "$" + hash, "want m="},
		{"$argon2id$v=19$m=65536,t=2$" + salt + "$" + hash, "not m=…,t=…,p=…"},
		{"$argon2id$v=19$m=65536,t=2,p=1,k=1$" + salt + "$" + hash, "not m=…,t=…,p=…"},
		{"$argon2id$v=19$m=+65536,t=2,p=1$" + salt + "$" + hash, "not a decimal number"},
		{"$argon2id$v=19$m=065536,t=2,p=1$" + salt + "$" + hash, "not a decimal number"},
		{"$argon2id$v=19$m=,t=2,p=1$" + salt + "$" + hash, "not a decimal number"},
		{"$argon2id$v=19$m=65536,t=2,p=256$" + salt + "$" + hash, "out of range"},
		{"$argon2id$v=19$m=99999999999,t=2,p=1$" + salt + "$" + hash, "out of range"},
		{"$argon2id$v=19$m=4294967295,t=2,p=1$" + salt + "$" + hash, "over the limit"},
		{"$argon2id$v=19$m=65536,t=0,p=1$" + salt + "$" + hash, "t must be"},
		{"$argon2id$v=19$m=65536,t=2,p=0$" + salt + "$" + hash, "p must be"},
		{"$argon2id$v=19$m=8,t=2,p=2$" + salt + "$" + hash, "8 KiB per lane"},
		{"$argon2id$v=19$m=65536,t=2,p=1$" + salt + "=$" + hash, "salt is not unpadded base64"},
		{"$argon2id$v=19$m=65536,t=2,p=1$" + salt + "$" + hash + "=", "hash is not unpadded base64"},
		{"$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$" + hash, "salt must have"},
		{"$argon2id$v=19$m=65536,t=2,p=1$" + salt + "$CTFhFdXPJO1aFaMa", "hash must have"},
	} {
		_, err := auth.ParsePHC(tc.in)
		if err == nil || atalaya.ErrorCode(err) != atalaya.EINVALID || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParsePHC(%q) = %v; want EINVALID containing %q", tc.in, err, tc.msg)
		}
		if ok, err := auth.VerifyPassword("password", tc.in); ok || err == nil {
			t.Errorf("VerifyPassword(%q) = %v, %v; want an error", tc.in, ok, err)
		}
	}
}

func TestCheckPasswordPolicy(t *testing.T) {
	for _, tc := range []struct {
		password, user, msg string
	}{
		{"correct horse battery", "maria", ""},
		{"contraseña muy larga", "maria", ""},
		{"short", "maria", "at least 12 characters (it has 5)"},
		{"ñandú ñandú", "maria", "at least 12 characters (it has 11)"},
		{strings.Repeat("a", 257), "maria", "at most 256"},
		{"MARIA.LOPEZ-2026", "maria.lopez", "must not contain the user name"},
		{"Password1234", "maria", "too common"},
		{"administrator", "maria", "too common"},
		{"zzzzzzzzzzzz", "maria", "one character"},
		{"ññññññññññññ", "maria", "one character"},
		{"\xff\xfe bad utf-8 here", "maria", "UTF-8"},
	} {
		err := auth.CheckPasswordPolicy(tc.password, tc.user)
		switch {
		case tc.msg == "" && err != nil:
			t.Errorf("CheckPasswordPolicy(%q, %q) = %v; want nil", tc.password, tc.user, err)
		case tc.msg != "" && (atalaya.ErrorCode(err) != atalaya.EINVALID || !strings.Contains(err.Error(), tc.msg)):
			t.Errorf("CheckPasswordPolicy(%q, %q) = %v; want EINVALID containing %q", tc.password, tc.user, err, tc.msg)
		}
	}
}
