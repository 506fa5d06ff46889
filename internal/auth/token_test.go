package auth_test

import (
	"bytes"
	"crypto/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
)

// counting is a deterministic random source: 0, 1, 2, …
type counting struct{ n byte }

func (c *counting) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = c.n
		c.n++
	}
	return len(p), nil
}

var t0 = time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC)

func TestNewAPIToken(t *testing.T) {
	token, rec, err := auth.NewAPIToken(&counting{}, []auth.Scope{auth.ScopeIngest, auth.ScopeApprove, auth.ScopeIngest}, t0, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// Computed independently: base64.b32encode(bytes(range(42))) in Python.
	const want = "atl_aaaqeayeaudaocaj_bifqydiob4ibceqtcqkrmfyydenbwha5dypsaijcemsckjrhfauq"
	if token != want {
		t.Errorf("NewAPIToken = %q; want %q", token, want)
	}
	if rec.ID != "aaaqeayeaudaocaj" || rec.Hash != auth.HashToken(token) || len(rec.Hash) != 64 ||
		!slices.Equal(rec.Scopes, []auth.Scope{auth.ScopeApprove, auth.ScopeIngest}) ||
		!rec.Created.Equal(t0) || !rec.Expires.Equal(t0.Add(24*time.Hour)) {
		t.Errorf("NewAPIToken record = %+v", rec)
	}
	if strings.Contains(rec.Hash, token[21:]) {
		t.Error("the record holds the secret")
	}
	if !rec.Allows(auth.ScopeIngest) || rec.Allows(auth.ScopeReadRestricted) {
		t.Errorf("Allows: scopes %v", rec.Scopes)
	}
	if err := rec.Verify(token, t0.Add(time.Hour)); err != nil {
		t.Errorf("Verify within the lifetime = %v", err)
	}
	forever, frec, err := auth.NewAPIToken(rand.Reader, []auth.Scope{auth.ScopeRead}, t0, 0)
	if err != nil || !frec.Expires.IsZero() || frec.Verify(forever, t0.AddDate(50, 0, 0)) != nil {
		t.Errorf("NewAPIToken with ttl 0 = %+v, %v; want one that never expires", frec, err)
	}

	for _, tc := range []struct {
		scopes []auth.Scope
		ttl    time.Duration
		msg    string
	}{
		{nil, time.Hour, "at least one scope"},
		{[]auth.Scope{"root"}, time.Hour, `unknown token scope "root"`},
		{[]auth.Scope{auth.ScopeRead}, -time.Hour, "negative"},
	} {
		if _, _, err := auth.NewAPIToken(rand.Reader, tc.scopes, t0, tc.ttl); atalaya.ErrorCode(err) != atalaya.EINVALID || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("NewAPIToken(%v, %v) = %v; want EINVALID containing %q", tc.scopes, tc.ttl, err, tc.msg)
		}
	}
	if _, _, err := auth.NewAPIToken(bytes.NewReader(nil), []auth.Scope{auth.ScopeRead}, t0, 0); err == nil {
		t.Error("NewAPIToken with an empty random source: no error")
	}
}

func TestAPITokenVerify(t *testing.T) {
	token, rec, err := auth.NewAPIToken(&counting{}, []auth.Scope{auth.ScopeIngest}, t0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	other, _, _ := auth.NewAPIToken(&counting{n: 1}, []auth.Scope{auth.ScopeIngest}, t0, time.Hour)
	flipped := token[:len(token)-2] + "a" + token[len(token)-1:]
	sameID := token[:21] + other[21:]
	for _, tc := range []struct {
		name  string
		token string
		now   time.Time
		msg   string
	}{
		{"valid", token, t0, ""},
		{"one second before expiry", token, t0.Add(time.Hour - time.Second), ""},
		{"at expiry", token, t0.Add(time.Hour), "expired at 2026-11-28T16:00:00Z"},
		{"another token", other, t0, "invalid API token"},
		{"same id, other secret", sameID, t0, "invalid API token"},
		{"one character changed", flipped, t0, "invalid API token"},
		{"no prefix", strings.TrimPrefix(token, "atl_"), t0, "not an Atalaya API token"},
		{"upper case", strings.ToUpper(token), t0, "not an Atalaya API token"},
		{"truncated", token[:len(token)-1], t0, "malformed"},
		{"bearer prefix", "Bearer " + token, t0, "not an Atalaya API token"},
	} {
		err := rec.Verify(tc.token, tc.now)
		switch {
		case tc.msg == "" && err != nil:
			t.Errorf("%s: Verify = %v; want nil", tc.name, err)
		case tc.msg != "" && (atalaya.ErrorCode(err) != atalaya.EUNAUTHORIZED || !strings.Contains(err.Error(), tc.msg)):
			t.Errorf("%s: Verify = %v; want EUNAUTHORIZED containing %q", tc.name, err, tc.msg)
		}
	}
}

func TestParseToken(t *testing.T) {
	good := "atl_aaaqeayeaudaocaj_bifqydiob4ibceqtcqkrmfyydenbwha5dypsaijcemsckjrhfauq"
	if id, err := auth.ParseToken(good); err != nil || id != "aaaqeayeaudaocaj" {
		t.Errorf("ParseToken(%q) = %q, %v", good, id, err)
	}
	for _, tc := range []struct{ in, msg string }{
		{"", "not an Atalaya API token"},
		{"atl_", "malformed"},
		{"atl_aaaqeayeaudaocaj", "malformed"},
		{"atl_aaaqeayeaudaocaj_", "malformed"},
		{"atl_aaaqeayeaudaoca1_bifqydiob4ibceqtcqkrmfyydenbwha5dypsaijcemsckjrhfauq", "id is not"},
		{"atl_aaaqeayeaudaocaj_bifqydiob4ibceqtcqkrmfyydenbwha5dypsaijcemsckjrhfauQ", "secret is not"},
		{"atl_aaaqeayeaudaocaj_bifqydiob4ibceqtcqkrmfyydenbwha5dypsaijcemsckjrhfaur", "secret is not"}, // stray bits
		{"atl_aaaqeayeaudaocaj_bifqydiob4ibceqtcqkrmfyydenbwha5dypsaijcemsckjrhfa_q", "malformed"},
	} {
		if _, err := auth.ParseToken(tc.in); atalaya.ErrorCode(err) != atalaya.EUNAUTHORIZED || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParseToken(%q) = %v; want EUNAUTHORIZED containing %q", tc.in, err, tc.msg)
		}
	}
}

func TestParseScopes(t *testing.T) {
	got, err := auth.ParseScopes([]string{"read:restricted", " ingest", "ingest"})
	if err != nil || !slices.Equal(got, []auth.Scope{auth.ScopeIngest, auth.ScopeReadRestricted}) {
		t.Errorf("ParseScopes = %v, %v", got, err)
	}
	for _, in := range [][]string{nil, {"admin"}, {"ingest", "READ"}, {""}} {
		if _, err := auth.ParseScopes(in); atalaya.ErrorCode(err) != atalaya.EINVALID {
			t.Errorf("ParseScopes(%q) = %v; want EINVALID", in, err)
		}
	}
	for _, s := range auth.Scopes() {
		if !s.Valid() {
			t.Errorf("%q.Valid() = false", s)
		}
	}
}
