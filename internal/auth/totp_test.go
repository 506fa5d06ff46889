package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
)

// rfc6238Seeds are the keys of RFC 6238 Appendix B: the ASCII digits
// repeated to the hash's output size.
var rfc6238Seeds = map[auth.Algorithm][]byte{
	auth.SHA1:   []byte("12345678901234567890"),
	auth.SHA256: []byte("12345678901234567890123456789012"),
	auth.SHA512: []byte("1234567890123456789012345678901234567890123456789012345678901234"),
}

// TestTOTPRFC6238 checks every test vector of RFC 6238 Appendix B (8 digits,
// 30-second steps).
func TestTOTPRFC6238(t *testing.T) {
	for _, tc := range []struct {
		unix int64
		step int64
		alg  auth.Algorithm
		want string
	}{
		{59, 0x1, auth.SHA1, "94287082"},
		{59, 0x1, auth.SHA256, "46119246"},
		{59, 0x1, auth.SHA512, "90693936"},
		{1111111109, 0x23523EC, auth.SHA1, "07081804"},
		{1111111109, 0x23523EC, auth.SHA256, "68084774"},
		{1111111109, 0x23523EC, auth.SHA512, "25091201"},
		{1111111111, 0x23523ED, auth.SHA1, "14050471"},
		{1111111111, 0x23523ED, auth.SHA256, "67062674"},
		{1111111111, 0x23523ED, auth.SHA512, "99943326"},
		{1234567890, 0x273EF07, auth.SHA1, "89005924"},
		{1234567890, 0x273EF07, auth.SHA256, "91819424"},
		{1234567890, 0x273EF07, auth.SHA512, "93441116"},
		{2000000000, 0x3F940AA, auth.SHA1, "69279037"},
		{2000000000, 0x3F940AA, auth.SHA256, "90698825"},
		{2000000000, 0x3F940AA, auth.SHA512, "38618901"},
		{20000000000, 0x27BC86AA, auth.SHA1, "65353130"},
		{20000000000, 0x27BC86AA, auth.SHA256, "77737706"},
		{20000000000, 0x27BC86AA, auth.SHA512, "47863826"},
	} {
		k := auth.TOTP{Secret: rfc6238Seeds[tc.alg], Algorithm: tc.alg, Digits: 8, Period: 30 * time.Second}
		at := time.Unix(tc.unix, 0).UTC()
		if got := k.Step(at); got != tc.step {
			t.Errorf("%s Step(%d) = %#x; want %#x", tc.alg, tc.unix, got, tc.step)
		}
		if got := k.Code(at); got != tc.want {
			t.Errorf("%s Code(%d) = %s; want %s", tc.alg, tc.unix, got, tc.want)
		}
		if step, err := k.Verify(tc.want, at, 0); err != nil || step != tc.step {
			t.Errorf("%s Verify(%s, %d) = %#x, %v; want %#x", tc.alg, tc.want, tc.unix, step, err, tc.step)
		}
	}
}

func TestTOTPVerify(t *testing.T) {
	k := auth.NewTOTP(rfc6238Seeds[auth.SHA1])
	now := time.Unix(1111111111, 0)
	cur := k.Step(now)
	prev, next, old := k.CodeAt(cur-1), k.CodeAt(cur+1), k.CodeAt(cur-2)
	for _, tc := range []struct {
		name     string
		code     string
		lastStep int64
		step     int64
		msg      string
	}{
		{"current", k.Code(now), 0, cur, ""},
		{"with a space", k.Code(now)[:3] + " " + k.Code(now)[3:], 0, cur, ""},
		{"previous step", prev, 0, cur - 1, ""},
		{"next step", next, 0, cur + 1, ""},
		{"two steps old", old, 0, 0, "wrong or has expired"},
		{"replayed", k.Code(now), cur, 0, "already used"},
		{"previous after current", prev, cur, 0, "already used"},
		{"next after current", next, cur, cur + 1, ""},
		{"too short", "12345", 0, 0, "6 digits"},
		{"letters", "12345a", 0, 0, "6 digits"},
	} {
		step, err := k.Verify(tc.code, now, tc.lastStep)
		if tc.msg == "" {
			if err != nil || step != tc.step {
				t.Errorf("%s: Verify = %d, %v; want %d", tc.name, step, err, tc.step)
			}
			continue
		}
		if atalaya.ErrorCode(err) != atalaya.EUNAUTHORIZED || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: Verify = %d, %v; want EUNAUTHORIZED containing %q", tc.name, step, err, tc.msg)
		}
	}
	if len(k.Code(now)) != 6 {
		t.Errorf("default code %q; want 6 digits", k.Code(now))
	}
	noSkew := k
	noSkew.Skew = 0
	if _, err := noSkew.Verify(prev, now, 0); err == nil {
		t.Error("Verify with Skew 0 accepted the previous step")
	}
	bad := k
	bad.Algorithm = "MD5"
	if _, err := bad.Verify(k.Code(now), now, 0); atalaya.ErrorCode(err) != atalaya.EINVALID {
		t.Errorf("Verify with MD5 = %v; want EINVALID", err)
	}
}

func TestSecretEncoding(t *testing.T) {
	secret, err := auth.GenerateTOTPSecret(strings.NewReader(strings.Repeat("\x01", 20)))
	if err != nil {
		t.Fatal(err)
	}
	enc := auth.EncodeSecret(secret)
	if enc != "AEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIB" {
		t.Errorf("EncodeSecret = %q", enc)
	}
	for _, in := range []string{enc, strings.ToLower(enc), "aeaq caib-aeaq caib aeaq caib aeaq caib", enc + "===="} {
		got, err := auth.DecodeSecret(in)
		if err != nil || string(got) != string(secret) {
			t.Errorf("DecodeSecret(%q) = %x, %v; want %x", in, got, err, secret)
		}
	}
	for _, tc := range []struct{ in, msg string }{
		{"AEAQCAIBAEAQCAIB", "80 bits; at least 128"},
		{"AEAQCAIBAEAQCAIBAEAQCAIBAEAQCAI1", "not base32"},
		{"", "0 bits"},
	} {
		if _, err := auth.DecodeSecret(tc.in); atalaya.ErrorCode(err) != atalaya.EINVALID || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("DecodeSecret(%q) = %v; want EINVALID containing %q", tc.in, err, tc.msg)
		}
	}
	if _, err := auth.GenerateTOTPSecret(strings.NewReader("short")); err == nil {
		t.Error("GenerateTOTPSecret with a short source: no error")
	}
}

func TestKeyURI(t *testing.T) {
	k := auth.NewTOTP([]byte("12345678901234567890"))
	got := k.KeyURI("Atalaya MX", "maria@example.org")
	want := "otpauth://totp/Atalaya%20MX:maria@example.org?algorithm=SHA1&digits=6&issuer=Atalaya+MX&period=30&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	if got != want {
		t.Errorf("KeyURI = %q; want %q", got, want)
	}
	pk, issuer, account, err := auth.ParseKeyURI(got)
	if err != nil || issuer != "Atalaya MX" || account != "maria@example.org" || string(pk.Secret) != string(k.Secret) ||
		pk.Algorithm != auth.SHA1 || pk.Digits != 6 || pk.Period != 30*time.Second || pk.Skew != 1 {
		t.Errorf("ParseKeyURI(%q) = %+v, %q, %q, %v", got, pk, issuer, account, err)
	}
	k8 := auth.TOTP{Secret: rfc6238Seeds[auth.SHA512], Algorithm: auth.SHA512, Digits: 8, Period: 60 * time.Second}
	pk, _, account, err = auth.ParseKeyURI(k8.KeyURI("", "ops"))
	if err != nil || account != "ops" || pk.Algorithm != auth.SHA512 || pk.Digits != 8 || pk.Period != time.Minute {
		t.Errorf("ParseKeyURI(no issuer) = %+v, %q, %v", pk, account, err)
	}
	const s = "secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	for _, tc := range []struct{ in, msg string }{
		{"https://totp/a?" + s, "not otpauth://totp/"},
		{"otpauth://hotp/a?" + s, "not otpauth://totp/"},
		{"otpauth://totp/?" + s, "no account name"},
		{"otpauth://totp/A:b?issuer=B&" + s, "differs"},
		{"otpauth://totp/a?secret=GEZDG", "bits"},
		{"otpauth://totp/a?digits=x&" + s, "digits"},
		{"otpauth://totp/a?digits=9&" + s, "digits must be"},
		{"otpauth://totp/a?period=0&" + s, "period"},
		{"otpauth://totp/a?algorithm=MD5&" + s, "unknown algorithm"},
		{"otpauth://totp/a%zz?" + s, "not a URI"},
		{"otpauth://totp/::?" + s, "colon"},
		{"otpauth://totp/a:b:c?" + s, "colon"},
		{"otpauth://totp/b?issuer=a:x&" + s, "colon"},
	} {
		if _, _, _, err := auth.ParseKeyURI(tc.in); atalaya.ErrorCode(err) != atalaya.EINVALID || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParseKeyURI(%q) = %v; want EINVALID containing %q", tc.in, err, tc.msg)
		}
	}
}
