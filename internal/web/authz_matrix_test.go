package web_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/audit"
	"github.com/oas-atalaya/atalaya/internal/auth"
	"github.com/oas-atalaya/atalaya/internal/sqlite"
	"github.com/oas-atalaya/atalaya/internal/web"
)

// Source A is the canonical-incidents profile's source, B the
// canonical-aggregates profile's: batch 1 is A's, batch 2 is B's.
const srcA, srcB = "canonical", "canonical-aggregates"

// accountsNode is a node with accounts, an audit log and two batches.
type accountsNode struct {
	t       *testing.T
	srv     *web.Server
	h       http.Handler
	acc     *web.Accounts
	store   *sqlite.DB
	csrf    *auth.CSRF
	session map[string]string // user id → raw session id
	token   map[string]string // name → API token
}

const incidentsCSV = "record_id,occurred_on,iccs,area,victim_sex\nA1,2024-01-05,0101,MEX-09,F\nA2,2024-13-05,0101,MEX-09,F\nA3,2024-01-05,0401,MEX-99,M\n"
const aggregatesCSV = "DATAFLOW,REF_AREA,TIME_PERIOD,ICCS,OBS_VALUE\nATALAYA_COUNTS,MEX-09,2024,0101,3\nATALAYA_COUNTS,MEX-99,2024,0101,3\n"

// cheap are argon2id parameters fast enough for tests; a sign-in with a
// hash made with them is rehashed with the defaults.
var cheap = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

const testPassword = "correct horse battery staple 42"

func newAccountsNode(t *testing.T) *accountsNode {
	t.Helper()
	ctx := context.Background()
	srv, st := newServer(t)
	store := st.(*sqlite.DB)
	key, err := audit.LoadKey(filepath.Join(t.TempDir(), "audit.key"), "test-node")
	if err != nil {
		t.Fatal(err)
	}
	acc := &web.Accounts{Store: store, Now: now}
	srv.Auth = acc
	srv.Audit = audit.New(store, key, now)
	n := &accountsNode{t: t, srv: srv, h: srv.Handler(), acc: acc, store: store, session: map[string]string{}, token: map[string]string{}}
	if n.csrf, err = acc.CSRF(ctx); err != nil {
		t.Fatal(err)
	}
	phc, err := auth.HashPassword(rand.Reader, testPassword, cheap)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []atalaya.User{
		{ID: "steward", Role: atalaya.RoleSteward, Sources: []string{srcA}},
		{ID: "analyst", Role: atalaya.RoleAnalyst},
		{ID: "approver", Role: atalaya.RoleApprover},
		{ID: "admin", Role: atalaya.RoleAdmin},
		{ID: "gone", Role: atalaya.RoleAnalyst},
	} {
		u.Name, u.PasswordHash = u.ID, phc
		if err := store.PutUser(ctx, u, true); err != nil {
			t.Fatal(err)
		}
		sid, _ := auth.NewSessionID(rand.Reader)
		if err := store.AddSession(ctx, atalaya.Session{IDHash: auth.HashSessionID(sid), User: u.ID, Created: now(), LastSeen: now()}); err != nil {
			t.Fatal(err)
		}
		n.session[u.ID] = sid
	}
	// A disabled user's session.
	if err := store.SetDisabled(ctx, "gone", true); err != nil {
		t.Fatal(err)
	}
	mk := func(name, user string, scopes []auth.Scope, ttl time.Duration, created time.Time, revoke bool) {
		tok, rec, err := auth.NewAPIToken(rand.Reader, scopes, created, ttl)
		if err != nil {
			t.Fatal(err)
		}
		var ss []string
		for _, s := range rec.Scopes {
			ss = append(ss, string(s))
		}
		if err := store.AddToken(ctx, atalaya.TokenRecord{ID: rec.ID, Hash: rec.Hash, User: user, Name: name, Scopes: ss, Created: rec.Created, Expires: rec.Expires}); err != nil {
			t.Fatal(err)
		}
		if revoke {
			if err := store.RevokeToken(ctx, rec.ID, now()); err != nil {
				t.Fatal(err)
			}
		}
		n.token[name] = tok
	}
	all := auth.Scopes()
	mk("expired", "analyst", all, time.Hour, now().Add(-2*time.Hour), false)
	mk("revoked", "analyst", all, 0, now(), true)
	mk("admin-ingest", "admin", []auth.Scope{auth.ScopeIngest}, 0, now(), false)
	mk("steward-ingest", "steward", []auth.Scope{auth.ScopeIngest}, 0, now(), false)
	mk("analyst-read", "analyst", []auth.Scope{auth.ScopeRead}, 0, now(), false)

	// Batch 1 of source A, batch 2 of source B (with rejected rows each).
	for _, up := range []struct{ profile, body string }{{"canonical-incidents", incidentsCSV}, {"canonical-aggregates", aggregatesCSV}} {
		rec := n.do(n.req("POST", "/api/v1/ingest?profile="+up.profile+"&filename=f.csv", up.body, "text/csv"), "steward", true)
		if up.profile == "canonical-incidents" && rec.Code != 201 {
			t.Fatalf("setup upload %s: %d %s", up.profile, rec.Code, rec.Body)
		}
	}
	if err := store.PutUser(ctx, atalaya.User{ID: "steward-b", Name: "b", Role: atalaya.RoleSteward, Sources: []string{srcB}}, true); err != nil {
		t.Fatal(err)
	}
	sid, _ := auth.NewSessionID(rand.Reader)
	store.AddSession(ctx, atalaya.Session{IDHash: auth.HashSessionID(sid), User: "steward-b", Created: now(), LastSeen: now()})
	n.session["steward-b"] = sid
	rec := n.do(n.req("POST", "/api/v1/ingest?profile=canonical-aggregates&filename=f.csv", aggregatesCSV, "text/csv"), "steward-b", true)
	if rec.Code != 201 {
		t.Fatalf("setup upload to source B: %d %s", rec.Code, rec.Body)
	}
	for id, src := range map[int64]string{1: srcA, 2: srcB} {
		if b, err := store.Batch(ctx, id); err != nil || b.Source != src {
			t.Fatalf("batch %d: %+v %v, want source %s", id, b, err, src)
		}
	}
	return n
}

func (n *accountsNode) req(method, path, body, ctype string) *http.Request {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.RemoteAddr = remote
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	return r
}

// do sends r as who: "" (the public), a user with a session (with its
// CSRF token when csrf), or "token:NAME".
func (n *accountsNode) do(r *http.Request, who string, csrf bool) *httptest.ResponseRecorder {
	if name, ok := strings.CutPrefix(who, "token:"); ok {
		r.Header.Set("Authorization", "Bearer "+n.token[name])
	} else if who != "" {
		sid := n.session[who]
		r.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: sid})
		if csrf {
			r.Header.Set(web.CSRFHeader, n.csrf.Token(sid))
		}
	}
	rec := httptest.NewRecorder()
	n.h.ServeHTTP(rec, r)
	return rec
}

// principals are the columns of the matrix.
var principals = []string{"public", "steward", "analyst", "approver", "admin",
	"disabled", "expired-token", "revoked-token", "admin-ingest-token", "steward-ingest-token"}

func whoOf(p string) string {
	switch p {
	case "public":
		return ""
	case "disabled":
		return "gone"
	case "expired-token", "revoked-token", "admin-ingest-token", "steward-ingest-token":
		return "token:" + strings.TrimSuffix(p, "-token")
	}
	return p
}

// matrixCase is one request and the status each principal must get.
type matrixCase struct {
	method, path, body, ctype string
	want                      [10]int // in the order of principals
}

// Columns: public, steward (of A), analyst, approver, admin, disabled user's
// session, expired token, revoked token, admin's ingest-scoped token,
// steward's ingest-scoped token.
var (
	public   = [10]int{200, 200, 200, 200, 200, 200, 401, 401, 200, 200}
	notFound = [10]int{404, 404, 404, 404, 404, 404, 401, 401, 404, 404}
	live     = [10]int{401, 403, 200, 200, 200, 401, 401, 401, 403, 403}
	batches  = [10]int{401, 200, 200, 200, 200, 401, 401, 401, 403, 403}
	rejects  = [10]int{401, 200, 403, 403, 403, 401, 401, 401, 403, 403}
)

const tokenBody = `{"name":"matrix","scopes":["read"],"ttl_hours":24}`

const publishBody = `{"source":"canonical","area":"MEX","period":"2024","status":"published","reason":"matrix"}`

// apiMatrix has one entry per API route; with the page and analysis
// matrices (authz_matrix_*_test.go) it covers every route of the router:
// a route without an entry fails.
var apiMatrix = map[string]matrixCase{
	"GET /{$}":                            {method: "GET", path: "/", want: public},
	"GET /static/":                        {method: "GET", path: "/static/style.css", want: public},
	"GET /api/v1/health":                  {method: "GET", path: "/api/v1/health", want: public},
	"GET /api/v1/areas":                   {method: "GET", path: "/api/v1/areas", want: public},
	"GET /api/v1/areas/{code}":            {method: "GET", path: "/api/v1/areas/MEX", want: public},
	"GET /api/v1/iccs":                    {method: "GET", path: "/api/v1/iccs", want: public},
	"GET /api/v1/codelists":               {method: "GET", path: "/api/v1/codelists", want: public},
	"GET /api/v1/codelists/{id}/mapping":  {method: "GET", path: "/api/v1/codelists/none/mapping", want: notFound},
	"GET /api/v1/sources":                 {method: "GET", path: "/api/v1/sources", want: public},
	"GET /api/v1/populations":             {method: "GET", path: "/api/v1/populations", want: public},
	"GET /api/v1/openapi.json":            {method: "GET", path: "/api/v1/openapi.json", want: public},
	"GET /api/v1/indicators":              {method: "GET", path: "/api/v1/indicators", want: public},
	"GET /api/v1/indicators/{id}":         {method: "GET", path: "/api/v1/indicators/homicide-rate", want: public},
	"GET /api/v1/indicators/{id}/values":  {method: "GET", path: "/api/v1/indicators/homicide-rate/values?area=MEX", want: public},
	"GET /api/v1/releases":                {method: "GET", path: "/api/v1/releases", want: public},
	"GET /api/v1/cube":                    {method: "GET", path: "/api/v1/cube?area=MEX&iccs=01", want: live},
	"GET /api/v1/batches":                 {method: "GET", path: "/api/v1/batches", want: batches},
	"GET /api/v1/batches/{id}":            {method: "GET", path: "/api/v1/batches/1", want: batches},
	"GET /api/v1/batches/{id}/rejections": {method: "GET", path: "/api/v1/batches/1/rejections", want: rejects},
	"GET /api/v1/audit":                   {method: "GET", path: "/api/v1/audit?limit=5", want: batches},
	"GET /audit":                          {method: "GET", path: "/audit?limit=5", want: batches},
	// API tokens: sessions only; an unknown id is 404 to whoever may
	// revoke tokens (object-level cases in TestTokenRoutes).
	"GET /api/v1/tokens": {method: "GET", path: "/api/v1/tokens", want: batches},
	"POST /api/v1/tokens": {method: "POST", path: "/api/v1/tokens", body: tokenBody, ctype: "application/json",
		want: [10]int{401, 201, 201, 201, 201, 401, 401, 401, 403, 403}},
	"DELETE /api/v1/tokens/{id}": {method: "DELETE", path: "/api/v1/tokens/none",
		want: [10]int{401, 404, 404, 404, 404, 401, 401, 401, 403, 403}},
	"POST /api/v1/ingest": {method: "POST", path: "/api/v1/ingest?profile=canonical-incidents&filename=more.csv",
		body: "record_id,occurred_on,iccs,area,victim_sex\nM1,2024-02-05,0101,MEX-09,M\n", ctype: "text/csv",
		want: [10]int{401, 201, 403, 403, 403, 401, 401, 401, 403, 201}},
	"POST /api/v1/releases": {method: "POST", path: "/api/v1/releases", body: publishBody, ctype: "application/json",
		want: [10]int{401, 403, 403, 201, 403, 401, 401, 401, 403, 403}},
	"GET /signin": {method: "GET", path: "/signin", want: public},
	// Without the sign-in form's cookie and token: refused (login CSRF).
	"POST /signin": {method: "POST", path: "/signin", body: "user=admin&password=x", ctype: "application/x-www-form-urlencoded",
		want: [10]int{403, 403, 403, 403, 403, 403, 401, 401, 403, 403}},
	"POST /signout": {method: "POST", path: "/signout", ctype: "application/x-www-form-urlencoded",
		want: [10]int{303, 303, 303, 303, 303, 303, 401, 401, 303, 303}},
}

// variants are further requests on the same routes: other views and other
// objects than the matrix's.
var variants = []matrixCase{
	// view=live and view=all need read:live; an analyst's read-scoped
	// token is covered by checks below.
	{method: "GET", path: "/api/v1/indicators/homicide-rate/values?area=MEX&view=live", want: live},
	{method: "GET", path: "/api/v1/releases?view=all", want: live},
	// Source B's batch, its rejected rows and its listing: not the steward of A's.
	{method: "GET", path: "/api/v1/batches/2", want: [10]int{401, 403, 200, 200, 200, 401, 401, 401, 403, 403}},
	{method: "GET", path: "/api/v1/batches/2/rejections", want: [10]int{401, 403, 403, 403, 403, 401, 401, 401, 403, 403}},
	{method: "GET", path: "/api/v1/batches?source=" + srcB, want: [10]int{401, 403, 200, 200, 200, 401, 401, 401, 403, 403}},
	{method: "GET", path: "/api/v1/batches?source=" + srcA, want: batches},
	// An absent batch is 404 to whoever may see batches at all.
	{method: "GET", path: "/api/v1/batches/999", want: [10]int{401, 404, 404, 404, 404, 401, 401, 401, 403, 403}},
	// Uploading to source B's profile.
	{method: "POST", path: "/api/v1/ingest?profile=canonical-aggregates&filename=b.csv", body: aggregatesCSV, ctype: "text/csv",
		want: [10]int{401, 403, 403, 403, 403, 401, 401, 401, 403, 403}},
	// Validating needs validate: the approver only.
	{method: "POST", path: "/api/v1/releases", ctype: "application/json",
		body: `{"source":"canonical","area":"MEX","period":"2023","status":"validated","reason":"matrix"}`,
		want: [10]int{401, 403, 403, 201, 403, 401, 401, 401, 403, 403}},
	// Another user's token list: the analyst's own and the admin's only.
	{method: "GET", path: "/api/v1/tokens?user=analyst", want: [10]int{401, 403, 200, 403, 200, 401, 401, 401, 403, 403}},
	// A scope the role could never use: approve for anyone but the approver.
	{method: "POST", path: "/api/v1/tokens", body: `{"name":"x","scopes":["approve"],"ttl_hours":1}`, ctype: "application/json",
		want: [10]int{401, 400, 400, 201, 400, 401, 401, 401, 403, 403}},
}

// TestAuthorizationMatrix: every route of the router × every principal,
// with the status each must get. A route without an entry fails.
func TestAuthorizationMatrix(t *testing.T) {
	n := newAccountsNode(t)
	matrix := map[string]matrixCase{}
	for _, part := range []map[string]matrixCase{apiMatrix, publicPageMatrix, workPageMatrix, analysisMatrix} {
		for k, v := range part {
			if _, dup := matrix[k]; dup {
				t.Errorf("route %s has two matrix entries", k)
			}
			matrix[k] = v
		}
	}
	for pattern := range n.srv.Routes() {
		if _, ok := matrix[pattern]; !ok {
			t.Errorf("route %s has no entry in the authorization matrix", pattern)
		}
	}
	for pattern := range matrix {
		if _, ok := n.srv.Routes()[pattern]; !ok {
			t.Errorf("the matrix has %s, which is not a route", pattern)
		}
	}
	run := func(name string, c matrixCase) {
		for i, p := range principals {
			rec := n.do(n.req(c.method, c.path, c.body, c.ctype), whoOf(p), true)
			if rec.Code != c.want[i] {
				t.Errorf("%s as %s: %d, want %d: %.300s", name, p, rec.Code, c.want[i], rec.Body)
			}
			if rec.Code == 403 && !strings.Contains(rec.Body.String(), `"forbidden"`) {
				t.Errorf("%s as %s: 403 without a reason: %s", name, p, rec.Body)
			}
		}
	}
	// Sign-out last: it ends the sessions.
	for pattern, c := range matrix {
		if pattern != "POST /signout" {
			run(pattern, c)
		}
	}
	for _, c := range variants {
		run(c.method+" "+c.path, c)
	}
	run("POST /signout", matrix["POST /signout"])
}

// TestObjectLevelTricks: the refusals the issue names, one by one.
func TestObjectLevelTricks(t *testing.T) {
	n := newAccountsNode(t)
	check := func(name string, rec *httptest.ResponseRecorder, want int, reason string) {
		t.Helper()
		if rec.Code != want || !strings.Contains(rec.Body.String(), reason) {
			t.Errorf("%s: %d %s; want %d with %q", name, rec.Code, rec.Body, want, reason)
		}
	}
	// A steward of A changes the id to B's batch.
	check("steward of A reads batch 2", n.do(n.req("GET", "/api/v1/batches/2", "", ""), "steward", false), 403, "belongs to "+srcB)
	check("steward of A reads B's rejected rows", n.do(n.req("GET", "/api/v1/batches/2/rejections?format=csv", "", ""), "steward", false), 403, "belongs to "+srcB)
	check("steward of B reads A's rejected rows", n.do(n.req("GET", "/api/v1/batches/1/rejections", "", ""), "steward-b", false), 403, "belongs to "+srcA)
	// The listing of a steward holds only their sources' batches.
	rec := n.do(n.req("GET", "/api/v1/batches", "", ""), "steward", false)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"source": "`+srcA+`"`) || strings.Contains(rec.Body.String(), `"source": "`+srcB+`"`) {
		t.Errorf("steward's batch list: %d %s", rec.Code, rec.Body)
	}
	check("steward of A reads A's batch", n.do(n.req("GET", "/api/v1/batches/1", "", ""), "steward", false), 200, "")
	check("steward of A reads A's rejected rows", n.do(n.req("GET", "/api/v1/batches/1/rejections", "", ""), "steward", false), 200, "")
	// Uploading to another source's profile.
	check("steward of A uploads to B", n.do(n.req("POST", "/api/v1/ingest?profile=canonical-aggregates&filename=x.csv", aggregatesCSV, "text/csv"), "steward", true), 403, srcB)
	// CSRF: a valid session without a token, with a forged one, with
	// another session's token.
	up := func() *http.Request {
		return n.req("POST", "/api/v1/ingest?profile=canonical-incidents&filename=c.csv", incidentsCSV, "text/csv")
	}
	check("POST without CSRF token", n.do(up(), "steward", false), 403, "CSRF")
	r := up()
	r.Header.Set(web.CSRFHeader, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	check("POST with a forged CSRF token", n.do(r, "steward", false), 403, "CSRF")
	r = up()
	r.Header.Set(web.CSRFHeader, n.csrf.Token(n.session["analyst"]))
	check("POST with another session's CSRF token", n.do(r, "steward", false), 403, "CSRF")
	check("sign-out without CSRF token", n.do(n.req("POST", "/signout", "", "application/x-www-form-urlencoded"), "steward", false), 403, "CSRF")
	check("sign-out with CSRF form field", n.do(n.req("POST", "/signout", "csrf="+url.QueryEscape(n.csrf.Token(n.session["steward"])), "application/x-www-form-urlencoded"), "steward", false), 303, "")
	// The session is gone: the cookie is worth nothing now.
	check("after sign-out", n.do(n.req("GET", "/api/v1/batches", "", ""), "steward", false), 401, "sign in")
	// A bearer token needs no CSRF token.
	check("token upload", n.do(up(), "token:steward-ingest", false), 201, "")
	// An analyst reads rejected rows; an analyst publishes; an approver does.
	check("analyst reads rejected rows", n.do(n.req("GET", "/api/v1/batches/1/rejections", "", ""), "analyst", false), 403, "rejected rows")
	check("analyst publishes", n.do(n.req("POST", "/api/v1/releases", publishBody, "application/json"), "analyst", true), 403, "analysts may not")
	check("approver publishes", n.do(n.req("POST", "/api/v1/releases", publishBody, "application/json"), "approver", true), 201, "")
	// A read-scoped token reads batch summaries but not rejected rows.
	check("read token, batches", n.do(n.req("GET", "/api/v1/batches/1", "", ""), "token:analyst-read", false), 200, "")
	check("read token, cube", n.do(n.req("GET", "/api/v1/cube?area=MEX&iccs=01", "", ""), "token:analyst-read", false), 200, "")
	// Expired, revoked and malformed tokens; a session past its idle timeout.
	check("expired token", n.do(n.req("GET", "/api/v1/batches", "", ""), "token:expired", false), 401, "expired")
	check("revoked token", n.do(n.req("GET", "/api/v1/batches", "", ""), "token:revoked", false), 401, "revoked")
	r = n.req("GET", "/api/v1/batches", "", "")
	r.Header.Set("Authorization", "Bearer atl_nonsense")
	check("malformed token", n.do(r, "", false), 401, "token")
	idle := &web.Accounts{Store: n.store, Now: func() time.Time { return now().Add(31 * time.Minute) }}
	srv := *n.srv
	srv.Auth = idle
	h := srv.Handler()
	r = n.req("GET", "/api/v1/batches", "", "")
	r.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: n.session["analyst"]})
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	check("idle session", rec, 401, "sign in")

	// The log verifies against its signed checkpoints (one after each write).
	l := n.srv.Audit.(*audit.Log)
	if rep, err := l.Verify(context.Background()); err != nil || !rep.OK() || rep.Checkpoints == 0 || rep.Signed != rep.Size {
		t.Errorf("audit verify: %v %v", rep, err)
	}
	// Every restricted read and write above was audited, with ids only.
	var entries []atalaya.AuditEntry
	if err := n.store.AuditEntries(context.Background(), atalaya.AuditFilter{}, func(e atalaya.AuditEntry, _ [32]byte) error {
		entries = append(entries, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, e := range entries {
		found[e.Actor+" "+e.Action+" "+e.Object] = true
		if e.Origin != "203.0.113.7" {
			t.Errorf("entry %+v: origin", e)
		}
	}
	for _, want := range []string{"steward ingest source:canonical profile:canonical-incidents", "steward read.batch batch:1",
		"steward read.rejections batch:1", "approver release.publish source:canonical area:MEX period:2024", "steward signout user:steward",
		"analyst read.cube cube"} {
		if !found[want] {
			t.Errorf("no audit entry %q in %v", want, found)
		}
	}
}

// failingAudit refuses every entry.
type failingAudit struct{}

func (failingAudit) Append(context.Context, atalaya.AuditEntry) (atalaya.AuditEntry, error) {
	return atalaya.AuditEntry{}, errors.New("disk full")
}

// TestAuditFailureFailsTheAction: no audit entry, no upload and no read;
// without an audit log, Accounts refuses restricted actions.
func TestAuditFailureFailsTheAction(t *testing.T) {
	n := newAccountsNode(t)
	before, _ := n.store.CountRecords(context.Background(), atalaya.RecordFilter{})
	n.srv.Audit = failingAudit{}
	n.h = n.srv.Handler()
	rec := n.do(n.req("POST", "/api/v1/ingest?profile=canonical-incidents&filename=z.csv", "record_id,occurred_on,iccs,area,victim_sex\nZ1,2024-03-05,0101,MEX-09,M\n", "text/csv"), "steward", true)
	if rec.Code != 500 {
		t.Errorf("upload with a failing audit log: %d %s", rec.Code, rec.Body)
	}
	if after, _ := n.store.CountRecords(context.Background(), atalaya.RecordFilter{}); after != before {
		t.Errorf("the upload was stored although its audit entry failed: %d → %d records", before, after)
	}
	if rec := n.do(n.req("GET", "/api/v1/batches/1/rejections", "", ""), "steward", false); rec.Code != 500 {
		t.Errorf("restricted read with a failing audit log: %d", rec.Code)
	}
	n.srv.Audit = nil
	n.h = n.srv.Handler()
	if rec := n.do(n.req("GET", "/api/v1/batches/1", "", ""), "analyst", false); rec.Code != 403 {
		t.Errorf("restricted read without an audit log: %d", rec.Code)
	}
	if rec := n.do(n.req("GET", "/api/v1/areas", "", ""), "", false); rec.Code != 200 {
		t.Errorf("public read without an audit log: %d", rec.Code)
	}
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signInForm fetches the sign-in form and returns its cookie and token.
func signInForm(t *testing.T, h http.Handler) (*http.Cookie, string) {
	t.Helper()
	r := httptest.NewRequest("GET", "/signin", nil)
	r.RemoteAddr = remote
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	m := csrfInput.FindStringSubmatch(rec.Body.String())
	cs := rec.Result().Cookies()
	if rec.Code != 200 || m == nil || len(cs) != 1 {
		t.Fatalf("sign-in form: %d %v %s", rec.Code, cs, rec.Body)
	}
	if strings.Contains(rec.Body.String(), "<script") || strings.Contains(rec.Body.String(), "style=") {
		t.Errorf("the sign-in form has inline script or style")
	}
	return cs[0], m[1]
}

func signIn(t *testing.T, h http.Handler, from string, ck *http.Cookie, csrf, user, password, code string) *httptest.ResponseRecorder {
	t.Helper()
	form := url.Values{"user": {user}, "password": {password}, "code": {code}, "csrf": {csrf}}
	r := httptest.NewRequest("POST", "/signin", strings.NewReader(form.Encode()))
	r.RemoteAddr = from
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(ck)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// TestSignIn: the form, a wrong password, a sign-in that rehashes the
// password and starts a new session, TOTP with replay protection, and the
// lockout after five failures.
func TestSignIn(t *testing.T) {
	n := newAccountsNode(t)
	ctx := context.Background()
	ck, tok := signInForm(t, n.h)
	if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
		t.Errorf("pre-sign-in cookie %+v", ck)
	}
	if rec := signIn(t, n.h, remote, ck, tok, "analyst", "wrong password here", ""); rec.Code != 401 {
		t.Errorf("wrong password: %d", rec.Code)
	}
	if rec := signIn(t, n.h, remote, ck, "forged", "analyst", testPassword, ""); rec.Code != 403 {
		t.Errorf("forged form token: %d", rec.Code)
	}
	old := n.session["analyst"]
	rec := signIn(t, n.h, remote, ck, tok, "analyst", testPassword, "")
	if rec.Code != 303 || rec.Header().Get("Location") != "/" {
		t.Fatalf("sign-in: %d %s", rec.Code, rec.Body)
	}
	var sess *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == web.SessionCookie {
			sess = c
		}
	}
	if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Path != "/" || sess.Value == old {
		t.Fatalf("session cookie %+v", sess)
	}
	u, _ := n.store.User(ctx, "analyst")
	if auth.NeedsRehash(u.PasswordHash, auth.DefaultParams()) {
		t.Errorf("the password was not rehashed with the default parameters")
	}
	n.session["analyst2"] = sess.Value
	if rec := n.do(n.req("GET", "/api/v1/cube?area=MEX&iccs=01", "", ""), "analyst2", false); rec.Code != 200 || rec.Header().Get(web.CSRFHeader) == "" {
		t.Errorf("the new session: %d, CSRF header %q", rec.Code, rec.Header().Get(web.CSRFHeader))
	}

	home := n.req("GET", "/", "", "")
	home.Header.Set("Accept-Language", "en")
	if rec := n.do(home, "analyst2", false); !strings.Contains(rec.Body.String(), "Signed in as analyst") ||
		!strings.Contains(rec.Body.String(), n.csrf.Token(sess.Value)) || rec.Header().Get("Cache-Control") != "private, no-store" {
		t.Errorf("the home page of a signed-in user: %s %.300s", rec.Header(), rec.Body)
	}

	// TOTP: a code is needed, and accepted once.
	secret, _ := auth.GenerateTOTPSecret(rand.Reader)
	u, _ = n.store.User(ctx, "approver")
	u.TOTPSecret = secret
	if err := n.store.PutUser(ctx, u, false); err != nil {
		t.Fatal(err)
	}
	ck, tok = signInForm(t, n.h)
	if rec := signIn(t, n.h, remote, ck, tok, "approver", testPassword, ""); rec.Code != 401 {
		t.Errorf("TOTP account without a code: %d", rec.Code)
	}
	code := auth.NewTOTP(secret).Code(now())
	if rec := signIn(t, n.h, remote, ck, tok, "approver", testPassword, code); rec.Code != 303 {
		t.Errorf("TOTP sign-in: %d %s", rec.Code, rec.Body)
	}
	if rec := signIn(t, n.h, remote, ck, tok, "approver", testPassword, code); rec.Code != 401 {
		t.Errorf("replayed TOTP code: %d", rec.Code)
	}

	// A disabled account cannot sign in.
	if rec := signIn(t, n.h, remote, ck, tok, "gone", testPassword, ""); rec.Code != 401 {
		t.Errorf("disabled account: %d", rec.Code)
	}

	if rec := signIn(t, n.h, remote, ck, tok, "nobody", testPassword, ""); rec.Code != 401 {
		t.Errorf("unknown account: %d", rec.Code)
	}

	// Lockout of the account: five failures (from five addresses), then
	// 429 with Retry-After even with the right password from a sixth.
	for i := 0; i < 5; i++ {
		if rec := signIn(t, n.h, fmt.Sprintf("198.51.100.%d:1000", i+1), ck, tok, "admin", "not the password", ""); rec.Code != 401 {
			t.Errorf("failure %d: %d", i+1, rec.Code)
		}
	}
	rec = signIn(t, n.h, "198.51.100.99:1000", ck, tok, "admin", testPassword, "")
	if rec.Code != 429 || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "account") {
		t.Errorf("after five failures: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	// Failures were audited without the password.
	var n1, n2 int
	n.store.AuditEntries(ctx, atalaya.AuditFilter{}, func(e atalaya.AuditEntry, _ [32]byte) error {
		if e.Action == "signin.failure" {
			n1++
		}
		if strings.Contains(e.Object+e.Reason, "not the password") {
			n2++
		}
		return nil
	})
	if n1 < 8 || n2 != 0 {
		t.Errorf("%d sign-in failures audited (want ≥ 8), %d with the password", n1, n2)
	}
}
