package web_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
	"github.com/oas-atalaya/atalaya/internal/web"
)

// tokenLiveCalls checks the token routes' answers against the document, on
// srv with accounts over store.
func tokenLiveCalls(t *testing.T, a *apiChecker, srv *web.Server, store atalaya.Store) {
	t.Helper()
	ctx := context.Background()
	as := store.(atalaya.AccountStore)
	phc, err := auth.HashPassword(rand.Reader, testPassword, cheap)
	if err != nil {
		t.Fatal(err)
	}
	hdr := map[string]map[string]string{}
	acc := &web.Accounts{Store: as, Now: now}
	csrf, err := acc.CSRF(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []atalaya.User{{ID: "tok-analyst", Role: atalaya.RoleAnalyst}, {ID: "tok-admin", Role: atalaya.RoleAdmin}} {
		u.Name, u.PasswordHash = u.ID, phc
		if err := as.PutUser(ctx, u, true); err != nil {
			t.Fatal(err)
		}
		sid, _ := auth.NewSessionID(rand.Reader)
		if err := as.AddSession(ctx, atalaya.Session{IDHash: auth.HashSessionID(sid), User: u.ID, Created: now(), LastSeen: now()}); err != nil {
			t.Fatal(err)
		}
		hdr[u.ID] = map[string]string{"Cookie": web.SessionCookie + "=" + sid, web.CSRFHeader: csrf.Token(sid)}
	}
	s2 := *srv
	s2.Auth = acc
	a.h = s2.Handler()
	body := func(v any) []byte {
		b, _ := json.Marshal(v)
		return b
	}
	call := func(method, path, who string, v any, status int, bad bool) *httptest.ResponseRecorder {
		c := apiCall{method: method, path: path, header: hdr[who], status: status, badRequest: bad}
		if v != nil {
			c.body, c.ctype = body(v), "application/json"
		}
		return a.check(c)
	}
	call("GET", "/api/v1/tokens", "", nil, 401, false)
	created := call("POST", "/api/v1/tokens", "tok-analyst", map[string]any{"name": "nightly", "scopes": []string{"read"}, "ttl_hours": 24}, 201, false)
	var got struct {
		Token string `json:"token"`
		Info  struct {
			ID string `json:"id"`
		} `json:"info"`
	}
	if created == nil || json.Unmarshal(created.Body.Bytes(), &got) != nil || !strings.HasPrefix(got.Token, auth.TokenPrefix) {
		t.Fatalf("created token: %v", created)
	}
	call("POST", "/api/v1/tokens", "tok-analyst", map[string]any{"name": "x", "scopes": []string{"approve"}, "ttl_hours": 24}, 400, false)
	call("POST", "/api/v1/tokens", "tok-analyst", map[string]any{"name": "x", "scopes": []string{"read"}, "ttl_hours": 8761}, 400, true)
	call("GET", "/api/v1/tokens", "tok-analyst", nil, 200, false)
	call("GET", "/api/v1/tokens?user=tok-admin", "tok-analyst", nil, 403, false)
	call("GET", "/api/v1/tokens?user=tok-analyst", "tok-admin", nil, 200, false)
	call("GET", "/api/v1/tokens", "tok-admin", nil, 200, false)
	hdr["bearer"] = map[string]string{"Authorization": "Bearer " + got.Token}
	call("POST", "/api/v1/tokens", "bearer", map[string]any{"name": "x", "scopes": []string{"read"}, "ttl_hours": 1}, 403, false)
	call("DELETE", "/api/v1/tokens/"+got.Info.ID, "", nil, 401, false)
	call("DELETE", "/api/v1/tokens/nosuchtoken", "tok-admin", nil, 404, false)
	call("DELETE", "/api/v1/tokens/"+got.Info.ID, "tok-analyst", nil, 200, false)
}

// TestTokenRoutes: the object-level cases of the token routes.
func TestTokenRoutes(t *testing.T) {
	n := newAccountsNode(t)
	ctx := context.Background()
	check := func(name string, rec *httptest.ResponseRecorder, want int, reason string) {
		t.Helper()
		if rec.Code != want || !strings.Contains(rec.Body.String(), reason) {
			t.Errorf("%s: %d %s; want %d with %q", name, rec.Code, rec.Body, want, reason)
		}
	}
	id, err := auth.ParseToken(n.token["analyst-read"])
	if err != nil {
		t.Fatal(err)
	}
	revoke := n.req("DELETE", "/api/v1/tokens/"+id, "", "")

	// Another user's token: refused, naming the rule; the token still works.
	check("steward revokes the analyst's token", n.do(revoke, "steward", true), 403, "belongs to analyst")
	check("approver revokes the analyst's token", n.do(n.req("DELETE", "/api/v1/tokens/"+id, "", ""), "approver", true), 403, "their own")
	check("the analyst's token still works", n.do(n.req("GET", "/api/v1/batches/1", "", ""), "token:analyst-read", false), 200, "")
	// A token may not manage tokens, not even its own.
	check("token creates a token", n.do(n.req("POST", "/api/v1/tokens", tokenBody, "application/json"), "token:analyst-read", false), 403, "API token cannot")
	check("token lists tokens", n.do(n.req("GET", "/api/v1/tokens", "", ""), "token:analyst-read", false), 403, "API token cannot")
	check("token revokes itself", n.do(n.req("DELETE", "/api/v1/tokens/"+id, "", ""), "token:analyst-read", false), 403, "API token cannot")
	// CSRF: a session's DELETE and POST without the token.
	check("DELETE without CSRF token", n.do(n.req("DELETE", "/api/v1/tokens/"+id, "", ""), "analyst", false), 403, "CSRF")
	check("POST without CSRF token", n.do(n.req("POST", "/api/v1/tokens", tokenBody, "application/json"), "analyst", false), 403, "CSRF")
	// Unknown ids.
	check("unknown id", n.do(n.req("DELETE", "/api/v1/tokens/nosuchtoken", "", ""), "analyst", true), 404, "no API token")
	// The steward's own token list does not show the analyst's.
	rec := n.do(n.req("GET", "/api/v1/tokens", "", ""), "steward", false)
	if rec.Code != 200 || strings.Contains(rec.Body.String(), id) || strings.Contains(rec.Body.String(), "hash") {
		t.Errorf("steward's token list: %d %s", rec.Code, rec.Body)
	}
	// The admin revokes it: the token stops working at once.
	check("admin revokes the analyst's token", n.do(n.req("DELETE", "/api/v1/tokens/"+id, "", ""), "admin", true), 200, `"revoked": "`)
	check("the revoked token", n.do(n.req("GET", "/api/v1/batches/1", "", ""), "token:analyst-read", false), 401, "revoked")

	// A token created through the API works, is stored hashed, and its
	// owner revokes it.
	rec = n.do(n.req("POST", "/api/v1/tokens", `{"name":"upload","scopes":["ingest"],"ttl_hours":8760}`, "application/json"), "steward", true)
	var got struct {
		Token string `json:"token"`
		Info  struct {
			ID      string `json:"id"`
			Expires string `json:"expires"`
		} `json:"info"`
	}
	if rec.Code != 201 || json.Unmarshal(rec.Body.Bytes(), &got) != nil || got.Info.Expires != "2027-11-28T12:00:00Z" {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	stored, err := n.store.Token(ctx, got.Info.ID)
	if err != nil || stored.Hash != auth.HashToken(got.Token) || stored.User != "steward" {
		t.Errorf("stored token: %+v %v", stored, err)
	}
	if rec := n.do(n.req("GET", "/api/v1/tokens", "", ""), "steward", false); strings.Contains(rec.Body.String(), got.Token) || strings.Contains(rec.Body.String(), stored.Hash) {
		t.Errorf("the list shows the token or its hash: %s", rec.Body)
	}
	n.token["new"] = got.Token
	check("the new token uploads", n.do(n.req("POST", "/api/v1/ingest?profile=canonical-incidents&filename=t.csv", incidentsCSV, "text/csv"), "token:new", false), 201, "")
	check("ttl over a year", n.do(n.req("POST", "/api/v1/tokens", `{"name":"x","scopes":["read"],"ttl_hours":8761}`, "application/json"), "steward", true), 400, "ttl_hours")
	check("unknown field", n.do(n.req("POST", "/api/v1/tokens", `{"name":"x","scopes":["read"],"ttl_hours":1,"user":"admin"}`, "application/json"), "steward", true), 400, "user")
	check("steward asks for approve", n.do(n.req("POST", "/api/v1/tokens", `{"name":"x","scopes":["approve"],"ttl_hours":1}`, "application/json"), "steward", true), 400, "approve")
	check("steward revokes own token", n.do(n.req("DELETE", "/api/v1/tokens/"+got.Info.ID, "", ""), "steward", true), 200, `"revoked": "`)

	// Every write was audited, with ids only.
	found := map[string]bool{}
	if err := n.store.AuditEntries(ctx, atalaya.AuditFilter{}, func(e atalaya.AuditEntry, _ [32]byte) error {
		found[e.Actor+" "+e.Action+" "+e.Object] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"admin token.revoke token:" + id + " user:analyst", "steward token.create token:" + got.Info.ID + " user:steward",
		"steward token.revoke token:" + got.Info.ID + " user:steward"} {
		if !found[want] {
			t.Errorf("no audit entry %q", want)
		}
	}
	if found["steward token.revoke token:"+id+" user:analyst"] {
		t.Errorf("the steward's refused revocation was audited as done")
	}
}
