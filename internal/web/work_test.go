package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/data"
	"github.com/oas-atalaya/atalaya/internal/audit"
	"github.com/oas-atalaya/atalaya/internal/auth"
	"github.com/oas-atalaya/atalaya/internal/i18n"
	"github.com/oas-atalaya/atalaya/internal/ingest"
	"github.com/oas-atalaya/atalaya/internal/sqlite"
	"github.com/oas-atalaya/atalaya/internal/web"
)

// workNode is an accounts node (authz_matrix_test.go) with the shipped
// code lists, the SESNSP and LAPD mappings, and a steward of mx-sesnsp.
func workNode(t *testing.T) *accountsNode {
	t.Helper()
	n := newAccountsNode(t)
	ctx := context.Background()
	read := func(name string) []byte {
		b, err := fs.ReadFile(data.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if _, err := ingest.ImportCodeLists(ctx, n.store, bytes.NewReader(read("mappings/codelists.csv")), "codelists.csv"); err != nil {
		t.Fatal(err)
	}
	for _, cl := range []string{"mx-sesnsp-victimas", "us-lapd-crime-codes"} {
		if _, err := ingest.ImportMapping(ctx, n.store, cl, bytes.NewReader(read("mappings/"+cl+".csv")), cl+".csv", "shipped"); err != nil {
			t.Fatal(err)
		}
	}
	n.addUser(atalaya.User{ID: "steward-mx", Role: atalaya.RoleSteward, Sources: []string{"mx-sesnsp"}})
	n.addUser(atalaya.User{ID: "admin2", Role: atalaya.RoleAdmin})
	return n
}

// realWorkNode is a node with accounts on the real-data fixture
// (fixture_test.go: SESNSP for four states, nothing released), with a
// steward of mx-sesnsp and an approver.
func realWorkNode(t *testing.T) *accountsNode {
	t.Helper()
	store := realDataStore(t).(*sqlite.DB)
	key, err := audit.LoadKey(filepath.Join(t.TempDir(), "audit.key"), "test-node")
	if err != nil {
		t.Fatal(err)
	}
	acc := &web.Accounts{Store: store, Now: now}
	srv := &web.Server{Store: store, Now: now, NodeName: "México (prueba)", Auth: acc, Audit: audit.New(store, key, now)}
	n := &accountsNode{t: t, srv: srv, h: srv.Handler(), acc: acc, store: store, session: map[string]string{}, token: map[string]string{}}
	if n.csrf, err = acc.CSRF(context.Background()); err != nil {
		t.Fatal(err)
	}
	n.addUser(atalaya.User{ID: "demo-steward", Role: atalaya.RoleSteward, Sources: []string{"mx-sesnsp"}})
	n.addUser(atalaya.User{ID: "demo-approver", Role: atalaya.RoleApprover})
	return n
}

// addUser stores u with the test password and a session.
func (n *accountsNode) addUser(u atalaya.User) {
	n.t.Helper()
	ctx := context.Background()
	phc, err := auth.HashPassword(rand.Reader, testPassword, cheap)
	if err != nil {
		n.t.Fatal(err)
	}
	u.Name, u.PasswordHash = u.ID, phc
	if err := n.store.PutUser(ctx, u, true); err != nil {
		n.t.Fatal(err)
	}
	sid, _ := auth.NewSessionID(rand.Reader)
	if err := n.store.AddSession(ctx, atalaya.Session{IDHash: auth.HashSessionID(sid), User: u.ID, Created: now(), LastSeen: now()}); err != nil {
		n.t.Fatal(err)
	}
	n.session[u.ID] = sid
}

// get fetches a page in English as who.
func (n *accountsNode) get(path, who string) *httptest.ResponseRecorder {
	r := n.req("GET", path, "", "")
	r.AddCookie(&http.Cookie{Name: "atalaya_lang", Value: "en"})
	return n.do(r, who, false)
}

// post sends a form as who, with the session's CSRF token in the form
// (as a browser does) when csrf is set.
func (n *accountsNode) post(path, who string, form url.Values, csrf bool) *httptest.ResponseRecorder {
	if csrf && who != "" {
		form.Set("csrf", n.csrf.Token(n.session[who]))
	}
	r := n.req("POST", path, form.Encode(), formType)
	r.AddCookie(&http.Cookie{Name: "atalaya_lang", Value: "en"})
	return n.do(r, who, false)
}

// upload sends the upload form as who, with the CSRF token in the header
// as work.js does.
func (n *accountsNode) upload(who, profile, name, body string, csrf bool, accept string) *httptest.ResponseRecorder {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf", "in the form: checked in the header")
	mw.WriteField("profile", profile)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(body))
	mw.Close()
	r := n.req("POST", "/work/upload", b.String(), mw.FormDataContentType())
	if accept != "" {
		r.Header.Set("Accept", accept)
	}
	return n.do(r, who, csrf)
}

// audited reports whether the audit log has an entry of actor, action and
// object (and reason, if not empty).
func (n *accountsNode) audited(actor, action, object, reason string) bool {
	found := false
	n.store.AuditEntries(context.Background(), atalaya.AuditFilter{}, func(e atalaya.AuditEntry, _ [32]byte) error {
		found = found || e.Actor == actor && e.Action == action && e.Object == object && (reason == "" || e.Reason == reason)
		return nil
	})
	return found
}

func wantStatus(t *testing.T, name string, rec *httptest.ResponseRecorder, want int, contains ...string) {
	t.Helper()
	if rec.Code != want {
		t.Errorf("%s: status %d, want %d: %.600s", name, rec.Code, want, rec.Body)
		return
	}
	for _, c := range contains {
		if !strings.Contains(rec.Body.String(), c) {
			t.Errorf("%s: the answer lacks %q: %.2000s", name, c, rec.Body)
		}
	}
}

// TestWorkDashboard: each role is offered the pages it may open, and only
// those.
func TestWorkDashboard(t *testing.T) {
	n := workNode(t)
	all := []string{"/work/upload", "/work/batches", "/work/mappings", "/work/approvals", "/work/users", "/work/settings", "/work/sources", "/audit", "/work/account"}
	for who, want := range map[string][]string{
		"steward":  {"/work/upload", "/work/batches", "/work/mappings", "/audit", "/work/account"},
		"analyst":  {"/work/batches", "/audit", "/work/account"},
		"approver": {"/work/batches", "/work/approvals", "/audit", "/work/account"},
		"admin":    {"/work/batches", "/work/mappings", "/work/users", "/work/settings", "/work/sources", "/audit", "/work/account"},
	} {
		rec := n.get("/work", who)
		wantStatus(t, "dashboard of "+who, rec, 200, "Signed in as "+who)
		for _, href := range all {
			has := strings.Contains(rec.Body.String(), `<li><a href="`+href+`">`)
			if has != slices.Contains(want, href) {
				t.Errorf("dashboard of %s: link to %s is %v, want %v", who, href, has, !has)
			}
		}
	}
	wantStatus(t, "dashboard, public", n.get("/work", ""), 401)
	wantStatus(t, "dashboard, disabled user's session", n.get("/work", "gone"), 401)
}

// TestWorkUpload: a steward uploads to their source's profile and sees the
// rejected rows; uploading to another source's profile, without the CSRF
// token, or with an API token is refused and stores nothing.
func TestWorkUpload(t *testing.T) {
	n := workNode(t)
	ctx := context.Background()
	rec := n.get("/work/upload", "steward")
	wantStatus(t, "upload form", rec, 200, `value="canonical-incidents"`, `enctype="multipart/form-data"`, `<progress`, `src="/static/work.js"`)
	if strings.Contains(rec.Body.String(), `value="canonical-aggregates"`) || strings.Contains(rec.Body.String(), `value="sesnsp-victims"`) {
		t.Errorf("the upload form offers another source's profile")
	}
	// Without script the form posts as is: its CSRF token comes first,
	// before the file, so that it can be read without the upload.
	if form := rec.Body.String()[strings.Index(rec.Body.String(), `id="upload-form"`):]; strings.Index(form, `name="csrf"`) > strings.Index(form, `name="profile"`) {
		t.Errorf("the upload form's CSRF field is not its first field")
	}
	before, _ := n.store.CountRecords(ctx, atalaya.RecordFilter{})

	body := "record_id,occurred_on,iccs,area,victim_sex\nU1,2024-03-05,0101,MEX-09,F\nU2,2024-03-45,0101,MEX-09,F\nU3,2024-03-05,0401,MEX-77,M\n"
	rec = n.upload("steward", "canonical-incidents", "march.csv", body, true, "")
	loc := rec.Header().Get("Location")
	wantStatus(t, "upload", rec, 303)
	if !strings.HasPrefix(loc, "/work/batches/") || !strings.HasSuffix(loc, "?done=uploaded") {
		t.Fatalf("upload redirects to %q", loc)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/work/batches/"), "?done=uploaded")
	rec = n.get(loc, "steward")
	wantStatus(t, "batch page", rec, 200, "The file was received and processed.", "Batch "+id, "<dd>3</dd>", "<dd>1</dd>", "<dd>2</dd>",
		`<td class="n">2</td><td>occurred_on</td><td><code>2024-03-45</code></td>`, `<td class="n">3</td><td>area</td><td><code>MEX-77</code></td>`,
		`href="/api/v1/batches/`+id+`/rejections?format=csv"`)
	// The CSV download is the API's.
	csv := n.do(n.req("GET", "/api/v1/batches/"+id+"/rejections?format=csv", "", ""), "steward", false)
	wantStatus(t, "rejections CSV", csv, 200, "MEX-77")
	if after, _ := n.store.CountRecords(ctx, atalaya.RecordFilter{}); after != before+1 {
		t.Errorf("records %d → %d, want one more", before, after)
	}
	for _, e := range [][2]string{{"ingest", "source:canonical profile:canonical-incidents"}, {"ingest.batch", "batch:" + id + " source:canonical"}, {"read.rejections", "batch:" + id}} {
		if !n.audited("steward", e[0], e[1], "") {
			t.Errorf("no audit entry %s %s", e[0], e[1])
		}
	}

	// work.js asks for JSON: the batch's page to go to.
	rec = n.upload("steward", "canonical-incidents", "april.csv", "record_id,occurred_on,iccs,area,victim_sex\nU9,2024-04-05,0101,MEX-09,F\n", true, "application/json")
	var res struct {
		Batch    int64
		Location string
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &res); rec.Code != 201 || err != nil || !strings.HasPrefix(res.Location, "/work/batches/") {
		t.Errorf("upload asking for JSON: %d %s", rec.Code, rec.Body)
	}

	before, _ = n.store.CountRecords(ctx, atalaya.RecordFilter{})
	wantStatus(t, "steward of A uploads to B's profile", n.upload("steward", "canonical-aggregates", "b.csv", aggregatesCSV, true, ""), 403, "belongs to canonical-aggregates", `data-code="forbidden"`)
	wantStatus(t, "upload without the CSRF token", n.upload("steward", "canonical-incidents", "c.csv", body, false, ""), 403, "CSRF")
	wantStatus(t, "upload with an ingest token", n.upload("token:steward-ingest", "canonical-incidents", "t.csv", body, false, ""), 403, "API token")
	wantStatus(t, "upload of a profile that is not built in", n.upload("steward", "/etc/passwd", "p.csv", body, true, ""), 400, "not a built-in profile")
	wantStatus(t, "analyst uploads", n.upload("analyst", "canonical-incidents", "a.csv", body, true, ""), 403)
	wantStatus(t, "disabled user's session uploads", n.upload("gone", "canonical-incidents", "g.csv", body, true, ""), 401)
	if after, _ := n.store.CountRecords(ctx, atalaya.RecordFilter{}); after != before {
		t.Errorf("refused uploads stored records: %d → %d", before, after)
	}
}

// TestWorkBatches: the batch list holds only the sources the user may
// see; a batch of another source is refused whatever id is typed; who may
// not read rejected rows sees the counts only.
func TestWorkBatches(t *testing.T) {
	n := workNode(t)
	rec := n.get("/work/batches", "steward")
	wantStatus(t, "steward's batches", rec, 200, `<a href="/work/batches/1">1</a>`)
	if strings.Contains(rec.Body.String(), `<a href="/work/batches/2">`) || strings.Contains(rec.Body.String(), "<td>canonical-aggregates</td>") {
		t.Errorf("the steward of A sees source B's batches")
	}
	wantStatus(t, "analyst's batches", n.get("/work/batches", "analyst"), 200, `<a href="/work/batches/1">1</a>`, `<a href="/work/batches/2">2</a>`)
	wantStatus(t, "steward of A opens B's batch", n.get("/work/batches/2", "steward"), 403, "belongs to canonical-aggregates")
	wantStatus(t, "steward of B opens A's batch", n.get("/work/batches/1", "steward-b"), 403, "belongs to canonical")
	wantStatus(t, "unknown batch", n.get("/work/batches/999", "analyst"), 404)
	rec = n.get("/work/batches/1", "analyst")
	wantStatus(t, "analyst opens a batch", rec, 200, "Only the stewards of this source see the rejected rows")
	if strings.Contains(rec.Body.String(), "rejections?format=csv") || strings.Contains(rec.Body.String(), "2024-13-05") {
		t.Errorf("the analyst sees rejected rows")
	}
	if !n.audited("analyst", "read.batch", "batch:1", "") || n.audited("analyst", "read.rejections", "batch:1", "") {
		t.Errorf("the analyst's read is not audited as read.batch")
	}
}

// mappingForm is the editor's form for the latest version of code list
// id, with change applied to its rows.
func mappingForm(t *testing.T, n *accountsNode, id string, change func(i int, e *atalaya.MappingEntry)) url.Values {
	t.Helper()
	m, err := n.store.Mapping(context.Background(), id, 0)
	if err != nil {
		t.Fatal(err)
	}
	f := url.Values{"rows": {fmt.Sprint(len(m.Entries))}}
	for i, e := range m.Entries {
		change(i, &e)
		k := fmt.Sprint(i)
		f.Set("code"+k, e.NationalCode)
		f.Set("label"+k, e.Label)
		f.Set("iccs"+k, e.ICCS)
		f.Set("sex"+k, e.Implies.Sex)
		f.Set("weapon"+k, e.Implies.Weapon)
		f.Set("context"+k, e.Implies.Context)
		f.Set("note"+k, e.Note)
	}
	return f
}

// TestWorkMappings: the editor shows the rows with the indicators they
// feed; a steward edits their source's list into a new version, with a
// reason, audited; another source's list, a missing reason and other
// roles are refused.
func TestWorkMappings(t *testing.T) {
	n := workNode(t)
	ctx := context.Background()
	const sesnsp, lapd = "mx-sesnsp-victimas", "us-lapd-crime-codes"
	rec := n.get("/work/mappings", "steward-mx")
	wantStatus(t, "steward's code lists", rec, 200, `href="/work/mappings/`+sesnsp+`"`)
	if strings.Contains(rec.Body.String(), lapd) {
		t.Errorf("the steward of mx-sesnsp is offered the LAPD list")
	}
	wantStatus(t, "admin's code lists", n.get("/work/mappings", "admin"), 200, sesnsp, lapd)
	rec = n.get("/work/mappings/"+sesnsp, "steward-mx")
	wantStatus(t, "editor", rec, 200, `value="Feminicidio"`, "Intentional homicide rate", "Femicide rate", `name="reason"`, `name="csrf"`)

	v1, _ := n.store.Mapping(ctx, sesnsp, 0)
	form := mappingForm(t, n, sesnsp, func(i int, e *atalaya.MappingEntry) {
		if e.NationalCode == "Homicidio doloso / Con arma blanca" {
			e.Implies.Weapon = "other"
		}
	})
	// Drop the last row and add one.
	form.Set(fmt.Sprintf("drop%d", len(v1.Entries)-1), "1")
	form.Set("rows", fmt.Sprint(len(v1.Entries)+1))
	k := fmt.Sprint(len(v1.Entries))
	form.Set("code"+k, "Homicidio doloso / Con explosivo")
	form.Set("iccs"+k, "0101")
	form.Set("weapon"+k, "other")

	noReason := url.Values{}
	for k, v := range form {
		noReason[k] = v
	}
	wantStatus(t, "edit without a reason", n.post("/work/mappings/"+sesnsp, "steward-mx", noReason, true), 400, "give the reason", `value="Homicidio doloso / Con explosivo"`)
	form.Set("reason", "SESNSP reclassified knives")
	wantStatus(t, "edit without the CSRF token", n.post("/work/mappings/"+sesnsp, "steward-mx", form, false), 403, "CSRF")
	wantStatus(t, "analyst edits", n.post("/work/mappings/"+sesnsp, "analyst", form, true), 403)
	wantStatus(t, "steward of canonical edits SESNSP's list", n.post("/work/mappings/"+sesnsp, "steward", form, true), 403, "mx-sesnsp")
	if m, _ := n.store.Mapping(ctx, sesnsp, 0); m.Version != v1.Version {
		t.Fatalf("a refused edit made version %d", m.Version)
	}
	rec = n.post("/work/mappings/"+sesnsp, "steward-mx", form, true)
	wantStatus(t, "steward edits their list", rec, 303)
	if loc := rec.Header().Get("Location"); !strings.Contains(loc, "done=mapping_saved") {
		t.Errorf("after the edit: Location %q", loc)
	}
	m, _ := n.store.Mapping(ctx, sesnsp, 0)
	if m.Version != v1.Version+1 || m.Note != "SESNSP reclassified knives" || len(m.Entries) != len(v1.Entries) {
		t.Fatalf("new version %d (%q), %d entries; want %d with the reason, %d entries", m.Version, m.Note, len(m.Entries), v1.Version+1, len(v1.Entries))
	}
	if e, ok := m.Lookup("Homicidio doloso / Con arma blanca"); !ok || e.Implies.Weapon != "other" {
		t.Errorf("the edited row: %+v", e)
	}
	if _, ok := m.Lookup("Homicidio doloso / Con explosivo"); !ok {
		t.Errorf("the added row is missing")
	}
	if _, ok := m.Lookup(v1.Entries[len(v1.Entries)-1].NationalCode); ok {
		t.Errorf("the dropped row is still there")
	}
	if old, _ := n.store.Mapping(ctx, sesnsp, v1.Version); len(old.Entries) != len(v1.Entries) {
		t.Errorf("version %d changed", v1.Version)
	}
	if !n.audited("steward-mx", "mapping.edit", "codelist:"+sesnsp, "SESNSP reclassified knives") {
		t.Errorf("the edit is not audited with its reason")
	}
	wantStatus(t, "the editor after saving", n.get("/work/mappings/"+sesnsp+"?done=mapping_saved", "steward-mx"), 200, "saved as a new version", "SESNSP reclassified knives")

	// Another source's list, by id.
	lform := mappingForm(t, n, lapd, func(int, *atalaya.MappingEntry) {})
	lform.Set("reason", "not mine")
	wantStatus(t, "steward of mx-sesnsp opens LAPD's list", n.get("/work/mappings/"+lapd, "steward-mx"), 403, "us-lapd")
	wantStatus(t, "steward of mx-sesnsp edits LAPD's list", n.post("/work/mappings/"+lapd, "steward-mx", lform, true), 403, "us-lapd")
	// An admin may; the same rows add no version.
	rec = n.post("/work/mappings/"+lapd, "admin", lform, true)
	wantStatus(t, "admin saves LAPD's list unchanged", rec, 303)
	if loc := rec.Header().Get("Location"); !strings.Contains(loc, "done=mapping_same") {
		t.Errorf("an unchanged save: Location %q", loc)
	}
	// An invalid ICCS code is refused with the reason, and no version.
	bad := mappingForm(t, n, lapd, func(i int, e *atalaya.MappingEntry) {
		if i == 0 {
			e.ICCS = "99x"
		}
	})
	bad.Set("reason", "typo")
	wantStatus(t, "invalid ICCS code", n.post("/work/mappings/"+lapd, "admin", bad, true), 400, "not an ICCS code")
	wantStatus(t, "the identity list", n.get("/work/mappings/iccs", "admin"), 400, "no mapping to edit")
}

// TestWorkApprovals: the approver sees live and published totals and
// validates or publishes through the release API; others are refused.
func TestWorkApprovals(t *testing.T) {
	n := workNode(t)
	ctx := context.Background()
	rec := n.get("/work/approvals", "approver")
	wantStatus(t, "queue", rec, 200, `<td class="nowrap">canonical</td><td>MEX</td><td>2024</td>`, "Preliminary")
	if !n.audited("approver", "read.approvals", "releases:queue", "") {
		t.Errorf("reading the queue is not audited")
	}
	wantStatus(t, "decision form", n.get("/work/approvals?source=canonical&area=MEX&period=2024", "approver"), 200, "Decide on canonical, MEX, 2024", `name="csrf"`, `value="published"`)
	form := url.Values{"source": {"canonical"}, "area": {"MEX"}, "period": {"2024"}, "status": {"validated"}, "reason": {"checked against the police's report"}}
	wantStatus(t, "analyst validates", n.post("/work/approvals", "analyst", form, true), 403)
	wantStatus(t, "admin validates", n.post("/work/approvals", "admin", form, true), 403)
	wantStatus(t, "steward validates", n.post("/work/approvals", "steward", form, true), 403)
	wantStatus(t, "approver without the CSRF token", n.post("/work/approvals", "approver", form, false), 403, "CSRF")
	noReason := url.Values{"source": {"canonical"}, "area": {"MEX"}, "period": {"2024"}, "status": {"validated"}}
	wantStatus(t, "without a reason", n.post("/work/approvals", "approver", noReason, true), 400, "give the reason")
	emb := url.Values{"source": {"canonical"}, "area": {"MEX"}, "period": {"2024"}, "status": {"validated"}, "reason": {"x"}, "embargo": {"2026-12-01"}}
	wantStatus(t, "embargo on validation", n.post("/work/approvals", "approver", emb, true), 400, "published figures only")
	if rels, _ := n.store.Releases(ctx, atalaya.ReleaseFilter{Source: "canonical"}); len(rels) != 0 {
		t.Fatalf("refused decisions made releases: %+v", rels)
	}
	rec = n.post("/work/approvals", "approver", form, true)
	wantStatus(t, "approver validates", rec, 303)
	emb.Set("status", "published")
	wantStatus(t, "approver publishes with an embargo", n.post("/work/approvals", "approver", emb, true), 303)
	rels, _ := n.store.Releases(ctx, atalaya.ReleaseFilter{Source: "canonical", Area: "MEX", Period: "2024"})
	if len(rels) != 2 || rels[0].Status != atalaya.StatusValidated || rels[0].By != "approver" || rels[1].Status != atalaya.StatusPublished ||
		!rels[1].Embargo.Equal(mustDate("2026-12-01")) || rels[0].Reason != "checked against the police's report" {
		t.Fatalf("releases %+v", rels)
	}
	if !n.audited("approver", "release.validate", "source:canonical area:MEX period:2024", "checked against the police's report") ||
		!n.audited("approver", "release.publish", "source:canonical area:MEX period:2024", "x") {
		t.Errorf("the decisions are not audited")
	}
	wantStatus(t, "queue after publishing", n.get("/work/approvals?done=released", "approver"), 200, "recorded as a new release", "Published", "embargoed until", "revision 2")
	wantStatus(t, "unknown source", n.post("/work/approvals", "approver", url.Values{"source": {"nope"}, "area": {"MEX"}, "period": {"2024"}, "status": {"validated"}, "reason": {"x"}}, true), 404)
}

func mustDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestWorkApprovalsLiveTotals: on real figures (SESNSP, the only
// prosecution source, whose totals come from the cube), the queue's live
// total of a year is the total its release records, and a release made
// clears the "changed" mark.
func TestWorkApprovalsLiveTotals(t *testing.T) {
	n := realWorkNode(t)
	ctx := context.Background()
	liveOf := func(year string) (string, bool) {
		body := n.get("/work/approvals", "demo-approver").Body.String()
		m := regexp.MustCompile(`<td class="nowrap">mx-sesnsp</td><td>MEX</td><td>` + year + `</td><td class="n">([0-9,]+)( <span class="changed">)?`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no row for mx-sesnsp MEX %s", year)
		}
		return strings.ReplaceAll(m[1], ",", ""), m[2] != ""
	}
	for _, y := range []string{"2019", "2025"} {
		live, _ := liveOf(y)
		rec := n.post("/work/approvals", "demo-approver", url.Values{"source": {"mx-sesnsp"}, "area": {"MEX"}, "period": {y}, "status": {"validated"}, "reason": {"check"}}, true)
		wantStatus(t, "validate "+y, rec, 303)
		rels, err := n.store.Releases(ctx, atalaya.ReleaseFilter{Source: "mx-sesnsp", Area: "MEX", Period: y})
		if err != nil || len(rels) != 1 {
			t.Fatalf("releases of %s: %v %v", y, rels, err)
		}
		if fmt.Sprint(rels[0].Total) != live || rels[0].Total == 0 {
			t.Errorf("%s: the queue's live total %s, the release's %d", y, live, rels[0].Total)
		}
		if after, changed := liveOf(y); after != live || changed {
			t.Errorf("%s after the release: live %s, changed %v", y, after, changed)
		}
	}
	body := n.get("/work/approvals", "demo-approver").Body.String()
	if !strings.Contains(body, `<td class="n">6</td>`) || !strings.Contains(body, `<td class="n">12</td>`) {
		t.Errorf("the months reported (12 a year, 6 in 2025) are not shown")
	}
}

// TestWorkUsers: an admin adds accounts (typed or one-time password),
// changes roles and sources, disables (ending the sessions), enables and
// resets passwords; nobody changes their own role or disables themselves;
// other roles and CSRF-less posts are refused; every change is audited.
func TestWorkUsers(t *testing.T) {
	n := workNode(t)
	ctx := context.Background()
	rec := n.get("/work/users", "admin")
	wantStatus(t, "users", rec, 200, "<code>steward-mx</code>", "<code>mx-sesnsp</code>", `action="/work/users"`)
	if strings.Contains(rec.Body.String(), "$argon2id") {
		t.Fatal("the users page shows a password hash")
	}
	add := url.Values{"id": {"new-steward"}, "name": {"New Steward"}, "role": {"steward"}, "source": {"canonical"}, "password": {"a long enough passphrase 7"}}
	wantStatus(t, "approver adds a user", n.post("/work/users", "approver", add, true), 403)
	wantStatus(t, "add without the CSRF token", n.post("/work/users", "admin", add, false), 403, "CSRF")
	if _, err := n.store.User(ctx, "new-steward"); err == nil {
		t.Fatal("a refused add created the user")
	}
	wantStatus(t, "add", n.post("/work/users", "admin", add, true), 303)
	u, err := n.store.User(ctx, "new-steward")
	if err != nil || u.Role != atalaya.RoleSteward || !slices.Equal(u.Sources, []string{"canonical"}) {
		t.Fatalf("added user %+v %v", u, err)
	}
	if ok, _ := auth.VerifyPassword("a long enough passphrase 7", u.PasswordHash); !ok {
		t.Errorf("the typed password does not verify")
	}
	if !n.audited("admin", "user.add", "user:new-steward role:steward", "") {
		t.Errorf("the add is not audited")
	}
	wantStatus(t, "add again", n.post("/work/users", "admin", add, true), 409, "already exists")
	wantStatus(t, "steward without sources", n.post("/work/users", "admin", url.Values{"id": {"x1"}, "role": {"steward"}}, true), 400, "at least one source")
	wantStatus(t, "unknown source", n.post("/work/users", "admin", url.Values{"id": {"x2"}, "role": {"steward"}, "source": {"nope"}}, true), 400, "unknown source")
	wantStatus(t, "weak password", n.post("/work/users", "admin", url.Values{"id": {"x3"}, "role": {"analyst"}, "password": {"short"}}, true), 400, "at least 12")

	// A one-time password, shown once, that signs in.
	rec = n.post("/work/users", "admin", url.Values{"id": {"otp-user"}, "role": {"analyst"}}, true)
	wantStatus(t, "add with a one-time password", rec, 201, "shown only now")
	m := regexp.MustCompile(`<code class="secret">([a-z2-9-]+)</code>`).FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatalf("no one-time password on the page")
	}
	u, _ = n.store.User(ctx, "otp-user")
	if ok, _ := auth.VerifyPassword(m[1], u.PasswordHash); !ok {
		t.Errorf("the one-time password %q does not verify", m[1])
	}

	// Roles: not one's own; another admin's, yes.
	wantStatus(t, "admin changes own role", n.post("/work/users/admin", "admin", url.Values{"op": {"role"}, "role": {"steward"}, "source": {"canonical"}}, true), 403, "another admin must")
	wantStatus(t, "role change", n.post("/work/users/analyst", "admin", url.Values{"op": {"role"}, "role": {"approver"}}, true), 303)
	if u, _ := n.store.User(ctx, "analyst"); u.Role != atalaya.RoleApprover {
		t.Errorf("analyst's role is %s", u.Role)
	}
	wantStatus(t, "steward's sources", n.post("/work/users/steward", "admin", url.Values{"op": {"role"}, "role": {"steward"}, "source": {"canonical", "canonical-aggregates"}}, true), 303)
	if u, _ := n.store.User(ctx, "steward"); !slices.Equal(u.Sources, []string{"canonical", "canonical-aggregates"}) {
		t.Errorf("steward's sources %v", u.Sources)
	}
	if !n.audited("admin", "user.role", "user:analyst role:approver", "") || !n.audited("admin", "user.role", "user:steward role:steward sources:canonical,canonical-aggregates", "") {
		t.Errorf("role changes are not audited")
	}

	// Disabling ends the sessions at once; enabling lets the user sign in again.
	wantStatus(t, "steward-mx's session before", n.get("/work", "steward-mx"), 200)
	wantStatus(t, "admin disables self", n.post("/work/users/admin", "admin", url.Values{"op": {"disable"}}, true), 403, "another admin must")
	wantStatus(t, "disable", n.post("/work/users/steward-mx", "admin", url.Values{"op": {"disable"}}, true), 303)
	wantStatus(t, "disabled user's session", n.get("/work", "steward-mx"), 401)
	wantStatus(t, "disabled user's upload", n.upload("steward-mx", "sesnsp-victims", "x.csv", "a\n", true, ""), 401)
	if u, _ := n.store.User(ctx, "steward-mx"); !u.Disabled {
		t.Errorf("steward-mx is not disabled")
	}
	wantStatus(t, "enable", n.post("/work/users/steward-mx", "admin", url.Values{"op": {"enable"}}, true), 303)
	if !n.audited("admin", "user.disable", "user:steward-mx", "") || !n.audited("admin", "user.enable", "user:steward-mx", "") {
		t.Errorf("disable and enable are not audited")
	}

	// A password reset ends the user's sessions.
	rec = n.post("/work/users/approver", "admin", url.Values{"op": {"password"}}, true)
	wantStatus(t, "reset with a one-time password", rec, 200, "shown only now", "sessions ended")
	wantStatus(t, "the reset user's old session", n.get("/work", "approver"), 401)
	if !n.audited("admin", "user.passwd", "user:approver", "") {
		t.Errorf("the reset is not audited")
	}
	// A new TOTP key, shown once as its otpauth:// URI.
	rec = n.post("/work/users/analyst", "admin", url.Values{"op": {"totp"}}, true)
	wantStatus(t, "enrol a TOTP key", rec, 200, "otpauth://totp/Atalaya:analyst?", "shown only now")
	if u, _ := n.store.User(ctx, "analyst"); len(u.TOTPSecret) == 0 {
		t.Errorf("no TOTP key stored")
	}
	if !n.audited("admin", "user.totp", "user:analyst", "") {
		t.Errorf("the TOTP key is not audited")
	}
	wantStatus(t, "steward enrols a key", n.post("/work/users/analyst", "steward", url.Values{"op": {"totp"}}, true), 403)
	wantStatus(t, "own reset without a password", n.post("/work/users/admin", "admin", url.Values{"op": {"password"}}, true), 400, "type your own new password")
	wantStatus(t, "unknown change", n.post("/work/users/otp-user", "admin", url.Values{"op": {"delete"}}, true), 400)
	wantStatus(t, "unknown user", n.post("/work/users/nobody", "admin", url.Values{"op": {"enable"}}, true), 404)
	wantStatus(t, "token manages users", n.do(n.req("GET", "/work/users", "", ""), "token:admin-ingest", false), 403)
}

// TestWorkLastAdmin: no change leaves the node without an enabled admin.
func TestWorkLastAdmin(t *testing.T) {
	n := workNode(t)
	// admin2 disables admin: admin2 remains.
	wantStatus(t, "admin2 disables admin", n.post("/work/users/admin", "admin2", url.Values{"op": {"disable"}}, true), 303)
	// admin2 is now the only enabled admin; nobody else can act as admin,
	// and admin2 may change neither its own role nor disable itself.
	wantStatus(t, "last admin demotes self", n.post("/work/users/admin2", "admin2", url.Values{"op": {"role"}, "role": {"analyst"}}, true), 403)
	wantStatus(t, "last admin disables self", n.post("/work/users/admin2", "admin2", url.Values{"op": {"disable"}}, true), 403)
	// Demoting the disabled admin is fine: admin2 is still there.
	wantStatus(t, "demote the disabled admin", n.post("/work/users/admin", "admin2", url.Values{"op": {"role"}, "role": {"analyst"}}, true), 303)
	// Requiring TOTP of admins while none has a key would lock them out.
	wantStatus(t, "TOTP for admins without keys", n.post("/work/settings", "admin2", url.Values{"role": {"admin"}}, true), 409, "lock every admin out")
}

// TestWorkSettings: the TOTP roles setting, as `atalaya settings
// totp-roles` sets it, audited with the new value.
func TestWorkSettings(t *testing.T) {
	n := workNode(t)
	ctx := context.Background()
	wantStatus(t, "settings", n.get("/work/settings", "admin"), 200, `name="role" value="approver"`, "30 minutes", "12 hours")
	wantStatus(t, "analyst's settings", n.get("/work/settings", "analyst"), 403)
	wantStatus(t, "approver sets", n.post("/work/settings", "approver", url.Values{"role": {"approver"}}, true), 403)
	wantStatus(t, "set without the CSRF token", n.post("/work/settings", "admin", url.Values{"role": {"approver"}}, false), 403, "CSRF")
	wantStatus(t, "set", n.post("/work/settings", "admin", url.Values{"role": {"approver", "steward"}}, true), 303)
	v, err := n.store.Setting(ctx, web.TOTPRolesSetting)
	if err != nil || string(v) != "steward,approver" {
		t.Fatalf("setting %q %v", v, err)
	}
	if !n.audited("admin", "settings.totp_roles", "setting:totp_required_roles=steward,approver", "") {
		t.Errorf("the setting is not audited")
	}
	wantStatus(t, "settings after", n.get("/work/settings?done=settings_saved", "admin"), 200, "The settings were saved", `<a href="/work/users?edit=steward-mx">steward-mx</a>`)
	wantStatus(t, "unknown role", n.post("/work/settings", "admin", url.Values{"role": {"public"}}, true), 400)
	wantStatus(t, "none", n.post("/work/settings", "admin", url.Values{}, true), 303)
	if v, _ := n.store.Setting(ctx, web.TOTPRolesSetting); string(v) != "" {
		t.Errorf("setting after none: %q", v)
	}
	rec := n.get("/work/sources", "admin")
	wantStatus(t, "sources", rec, 200, "<code>canonical</code>", `<a href="/work/users?edit=steward">steward</a>`, "canonical-incidents")
}

// TestWorkAccount: a user changes their own password after giving the
// current one; the change ends their sessions and is audited.
func TestWorkAccount(t *testing.T) {
	n := workNode(t)
	ctx := context.Background()
	wantStatus(t, "account", n.get("/work/account", "steward"), 200, "<code>steward</code>", "Data steward", "<code>canonical</code>", `name="current"`)
	const next = "a brand new passphrase 9"
	wantStatus(t, "wrong current password", n.post("/work/account", "steward", url.Values{"current": {"nope"}, "password": {next}, "again": {next}}, true), 400, "current password is wrong")
	wantStatus(t, "new passwords differ", n.post("/work/account", "steward", url.Values{"current": {testPassword}, "password": {next}, "again": {next + "x"}}, true), 400, "differ")
	wantStatus(t, "weak password", n.post("/work/account", "steward", url.Values{"current": {testPassword}, "password": {"steward"}, "again": {"steward"}}, true), 400, "cannot be used", "at least 12")
	wantStatus(t, "without the CSRF token", n.post("/work/account", "steward", url.Values{"current": {testPassword}, "password": {next}, "again": {next}}, false), 403, "CSRF")
	rec := n.post("/work/account", "steward", url.Values{"current": {testPassword}, "password": {next}, "again": {next}}, true)
	wantStatus(t, "change", rec, 303)
	if loc := rec.Header().Get("Location"); loc != "/signin" {
		t.Errorf("after the change: Location %q", loc)
	}
	u, _ := n.store.User(ctx, "steward")
	if ok, _ := auth.VerifyPassword(next, u.PasswordHash); !ok {
		t.Errorf("the new password does not verify")
	}
	wantStatus(t, "the old session", n.get("/work", "steward"), 401)
	if !n.audited("steward", "user.passwd", "user:steward", "own") {
		t.Errorf("the change is not audited")
	}
	wantStatus(t, "token", n.do(n.req("GET", "/work/account", "", ""), "token:steward-ingest", false), 403, "API token")
}

// TestWorkPagesAreClean: every page in every language has no missing
// message, no inline script or style, a CSRF token in every form that
// posts, and labels on its inputs.
func TestWorkPagesAreClean(t *testing.T) {
	n := workNode(t)
	pages := map[string]string{
		"/work": "admin", "/work/upload": "steward", "/work/batches": "steward", "/work/batches/1": "steward",
		"/work/mappings": "admin", "/work/mappings/mx-sesnsp-victimas": "steward-mx", "/work/approvals?source=canonical&area=MEX&period=2024": "approver",
		"/work/users?edit=analyst": "admin", "/work/settings": "admin", "/work/sources": "admin", "/work/batches/2": "steward",
		"/work/account": "analyst",
	}
	inlineScript := regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`)
	for path, who := range pages {
		for _, lang := range i18n.Langs {
			r := n.req("GET", path, "", "")
			r.AddCookie(&http.Cookie{Name: "atalaya_lang", Value: string(lang)})
			rec := n.do(r, who, false)
			body := rec.Body.String()
			if rec.Code >= 500 || strings.Contains(body, "⟦") {
				t.Errorf("%s in %s: %d, or a missing message: %.300s", path, lang, rec.Code, body)
			}
			if inlineScript.MatchString(body) || strings.Contains(body, "style=") || strings.Contains(body, " on") && regexp.MustCompile(`\son[a-z]+=`).MatchString(body) {
				t.Errorf("%s in %s: inline script or style", path, lang)
			}
			if forms, tokens := strings.Count(body, `<form method="post"`), strings.Count(body, `name="csrf"`); forms != tokens {
				t.Errorf("%s: %d forms that post, %d CSRF tokens", path, forms, tokens)
			}
			if rec.Header().Get("Cache-Control") != "private, no-store" {
				t.Errorf("%s: Cache-Control %q", path, rec.Header().Get("Cache-Control"))
			}
		}
	}
}

// TestWorkCatalogue: every message of the work group is used by a working
// page, and every message a page names is in the catalogue.
func TestWorkCatalogue(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var src strings.Builder
	for _, pattern := range []string{"templates/work_*.html", "work*.go"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			src.Write(b)
		}
	}
	text := src.String()
	// Keys built from a prefix and a value: the prefix is named, the values
	// come from code lists this test enumerates.
	dynamic := map[string][]string{
		"work.role.":     {"steward", "analyst", "approver", "admin"},
		"work.rolename.": {"steward", "analyst", "approver", "admin"},
		"work.kind.":     {"records", "aggregates", "population"},
		"work.status.":   {"preliminary", "validated", "published"},
		"work.weapon.":   {"firearm", "sharp", "other", "none", "U"},
		"work.context.":  {"femicide", "organised_crime", "intimate_partner_family", "cyber"},
		"work.srctype.":  {"police", "prosecution", "health", "prison", "survey", "international", "statistics"},
		"work.sex.":      {"F", "M"},
		"work.done.":     {"uploaded", "mapping_saved", "mapping_same", "released", "user_changed", "user_disabled", "user_enabled", "settings_saved", "user_added", "password_reset", "totp_enrolled"},
		"work.error.":    {"unauthorized", "forbidden", "notfound", "invalid", "conflict", "toolarge", "internal", "internal_text"},
	}
	used := map[string]bool{}
	for prefix, vs := range dynamic {
		for _, v := range vs {
			used[prefix+v] = true
			if !c.Has(prefix + v) {
				t.Errorf("message %s%s is missing", prefix, v)
			}
		}
	}
	for _, m := range regexp.MustCompile(`"(work\.[a-z_.]+[a-z_])"`).FindAllStringSubmatch(text, -1) {
		if _, isPrefix := dynamic[m[1]+"."]; isPrefix {
			continue
		}
		used[m[1]] = true
		if !c.Has(m[1]) {
			t.Errorf("message %s is used but not in the catalogue", m[1])
		}
	}
	for _, k := range c.Keys() {
		if strings.HasPrefix(k, "work.") && !used[k] {
			t.Errorf("message %s is in the catalogue but no working page uses it", k)
		}
	}
}
