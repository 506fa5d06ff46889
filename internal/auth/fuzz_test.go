package auth_test

import (
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
)

// FuzzParsePHC: any string parses or is refused with EINVALID, and what
// parses renders back to the same string (one spelling per hash).
func FuzzParsePHC(f *testing.F) {
	f.Add("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$t//HbSO1FWh8MWS7g4bL6Q")
	f.Add("$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMa")
	f.Add("$argon2id$v=19$m=4294967295,t=2,p=255$$")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := auth.ParsePHC(s)
		if err != nil {
			if atalaya.ErrorCode(err) != atalaya.EINVALID {
				t.Fatalf("ParsePHC(%q) = %v; want EINVALID", s, err)
			}
			return
		}
		if got := h.String(); got != s {
			t.Fatalf("ParsePHC(%q).String() = %q", s, got)
		}
		if err := h.Params.Validate(); err != nil {
			t.Fatalf("ParsePHC(%q) accepted invalid params: %v", s, err)
		}
	})
}

// FuzzParseToken: a token that parses has the documented shape, and its id
// is the part after the prefix.
func FuzzParseToken(f *testing.F) {
	f.Add("atl_aaaqeayeaudaocaj_bifqydiob4ibceqtcqkrmfyydenbwha5dypsaijcemsckjrhfauq")
	f.Add("atl_aaaqeayeaudaocaj_bifqydiob4ibceqtcqkrmfyydenbwha5dypsaijcemsckjrhfaur")
	f.Add("atl__")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := auth.ParseToken(s)
		if err != nil {
			if atalaya.ErrorCode(err) != atalaya.EUNAUTHORIZED {
				t.Fatalf("ParseToken(%q) = %v; want EUNAUTHORIZED", s, err)
			}
			return
		}
		if len(s) != 73 || !strings.HasPrefix(s, "atl_"+id+"_") || len(id) != 16 {
			t.Fatalf("ParseToken(%q) = %q", s, id)
		}
		if strings.Trim(s[4:], "abcdefghijklmnopqrstuvwxyz234567_") != "" {
			t.Fatalf("ParseToken(%q) accepted a character outside the alphabet", s)
		}
	})
}

// FuzzDecodeSecret: a secret that decodes re-encodes to the canonical form
// of the input and decodes again to the same bytes.
func FuzzDecodeSecret(f *testing.F) {
	f.Add("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
	f.Add("gezd gnbv-gy3t qojq gezd gnbv gy3t qojq====")
	f.Add("AEAQCAIBAEAQCAIB")
	f.Fuzz(func(t *testing.T, s string) {
		b, err := auth.DecodeSecret(s)
		if err != nil {
			if atalaya.ErrorCode(err) != atalaya.EINVALID {
				t.Fatalf("DecodeSecret(%q) = %v; want EINVALID", s, err)
			}
			return
		}
		if len(b) < 16 {
			t.Fatalf("DecodeSecret(%q) = %d bytes; want at least 16", s, len(b))
		}
		again, err := auth.DecodeSecret(auth.EncodeSecret(b))
		if err != nil || string(again) != string(b) {
			t.Fatalf("DecodeSecret(EncodeSecret(%x)) = %x, %v", b, again, err)
		}
	})
}

// FuzzParseKeyURI: a URI that parses gives a valid key whose own URI parses
// to the same key, issuer and account.
func FuzzParseKeyURI(f *testing.F) {
	f.Add("otpauth://totp/Atalaya%20MX:maria@example.org?algorithm=SHA1&digits=6&issuer=Atalaya+MX&period=30&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
	f.Add("otpauth://totp/ops?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8&algorithm=sha512&period=60")
	f.Add("otpauth://totp/a:b:c?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
	f.Fuzz(func(t *testing.T, s string) {
		k, issuer, account, err := auth.ParseKeyURI(s)
		if err != nil {
			if atalaya.ErrorCode(err) != atalaya.EINVALID {
				t.Fatalf("ParseKeyURI(%q) = %v; want EINVALID", s, err)
			}
			return
		}
		if err := k.Validate(); err != nil {
			t.Fatalf("ParseKeyURI(%q) gave an invalid key: %v", s, err)
		}
		u := k.KeyURI(issuer, account)
		k2, issuer2, account2, err := auth.ParseKeyURI(u)
		if err != nil || issuer2 != issuer || account2 != account || string(k2.Secret) != string(k.Secret) ||
			k2.Algorithm != k.Algorithm || k2.Digits != k.Digits || k2.Period != k.Period {
			t.Fatalf("ParseKeyURI(%q) = %+v %q %q; its URI %q parses to %+v %q %q %v", s, k, issuer, account, u, k2, issuer2, account2, err)
		}
	})
}
