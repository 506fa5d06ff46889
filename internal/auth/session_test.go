package auth_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
)

func TestSessionID(t *testing.T) {
	id, err := auth.NewSessionID(&counting{})
	if err != nil {
		t.Fatal(err)
	}
	if id != "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8" {
		t.Errorf("NewSessionID = %q", id)
	}
	if !auth.ValidSessionID(id) {
		t.Errorf("ValidSessionID(%q) = false", id)
	}
	for _, bad := range []string{"", id[:42], id + "A", id[:42] + "+", id + "="} {
		if auth.ValidSessionID(bad) {
			t.Errorf("ValidSessionID(%q) = true", bad)
		}
	}
	// printf %s "$id" | sha256sum
	if h := auth.HashSessionID(id); h != "ea866a757e4c38babfa8127cbe9a409d3e1f93a00ff1488ff735fcf917afffd0" {
		t.Errorf("HashSessionID(%q) = %q", id, h)
	}
	if _, err := auth.NewSessionID(bytes.NewReader(make([]byte, 31))); err == nil {
		t.Error("NewSessionID with 31 random bytes: no error")
	}
}

func TestCSRF(t *testing.T) {
	if _, err := auth.NewCSRF(make([]byte, 31)); atalaya.ErrorCode(err) != atalaya.EINVALID {
		t.Errorf("NewCSRF(31 bytes) = %v; want EINVALID", err)
	}
	key := bytes.Repeat([]byte{7}, 32)
	c, err := auth.NewCSRF(key)
	if err != nil {
		t.Fatal(err)
	}
	key[0] = 8 // the CSRF keeps its own copy
	tok := c.Token("session-a")
	if !c.Verify("session-a", tok) {
		t.Errorf("Verify(session-a, its token) = false")
	}
	other, _ := auth.NewCSRF(bytes.Repeat([]byte{9}, 32))
	for _, tc := range []struct{ name, session, token string }{
		{"other session", "session-b", tok},
		{"other key", "session-a", other.Token("session-a")},
		{"empty", "session-a", ""},
		{"padded", "session-a", tok + "="},
		{"truncated", "session-a", tok[:len(tok)-1]},
		{"not base64", "session-a", strings.Repeat("*", len(tok))},
	} {
		if c.Verify(tc.session, tc.token) {
			t.Errorf("%s: Verify = true", tc.name)
		}
	}
}

func TestSessionTimeouts(t *testing.T) {
	created := t0
	for _, tc := range []struct {
		name     string
		to       auth.SessionTimeouts
		lastSeen time.Duration // after created
		now      time.Duration // after created
		msg      string
	}{
		{"fresh", auth.SessionTimeouts{}, 0, time.Minute, ""},
		{"29 minutes idle", auth.SessionTimeouts{}, time.Hour, time.Hour + 29*time.Minute, ""},
		{"30 minutes idle", auth.SessionTimeouts{}, time.Hour, time.Hour + 30*time.Minute, "after 30m0s without activity"},
		{"active, but 12 h old", auth.SessionTimeouts{}, 12*time.Hour - time.Minute, 12 * time.Hour, "12h0m0s after signing in"},
		{"custom idle", auth.SessionTimeouts{Idle: 5 * time.Minute}, 0, 6 * time.Minute, "5m0s without activity"},
		{"custom absolute", auth.SessionTimeouts{Absolute: time.Hour}, 59 * time.Minute, time.Hour, "1h0m0s after signing in"},
	} {
		err := tc.to.Check(created, created.Add(tc.lastSeen), created.Add(tc.now))
		switch {
		case tc.msg == "" && err != nil:
			t.Errorf("%s: Check = %v; want nil", tc.name, err)
		case tc.msg != "" && (atalaya.ErrorCode(err) != atalaya.EUNAUTHORIZED || !strings.Contains(err.Error(), tc.msg)):
			t.Errorf("%s: Check = %v; want EUNAUTHORIZED containing %q", tc.name, err, tc.msg)
		}
	}
}
