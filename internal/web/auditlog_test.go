package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
)

// auditAnswer is GET /api/v1/audit's answer, entries kept raw to check
// their fields.
type auditAnswer struct {
	Entries    []map[string]any `json:"entries"`
	Size       int64            `json:"size"`
	Checkpoint *struct {
		Size  int64  `json:"size"`
		Root  string `json:"root"`
		KeyID string `json:"key_id"`
		Note  string `json:"note"`
	} `json:"checkpoint"`
	Next    *int64 `json:"next"`
	OwnOnly bool   `json:"own_only"`
}

func (n *accountsNode) audit(t *testing.T, who, query string, want int) auditAnswer {
	t.Helper()
	rec := n.do(n.req("GET", "/api/v1/audit?"+query, "", ""), who, false)
	if rec.Code != want {
		t.Fatalf("GET /api/v1/audit?%s as %s: %d, want %d: %.300s", query, who, rec.Code, want, rec.Body)
	}
	var a auditAnswer
	if want == 200 {
		if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
			t.Fatalf("GET /api/v1/audit?%s: %v", query, err)
		}
	}
	return a
}

func actors(a auditAnswer) []string {
	var out []string
	for _, e := range a.Entries {
		if s, _ := e["actor"].(string); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// TestAuditLogAPI: an admin reads every entry, a steward and an analyst
// only their own (whatever they ask for); the filters and pages work; the
// entries carry ids only; and every read is itself audited.
func TestAuditLogAPI(t *testing.T) {
	n := newAccountsNode(t)
	ctx := context.Background()

	all := n.audit(t, "admin", "limit=1000", 200)
	if all.OwnOnly || all.Next != nil {
		t.Errorf("admin: own_only %v, next %v", all.OwnOnly, all.Next)
	}
	if got := actors(all); !slices.Contains(got, "steward") || !slices.Contains(got, "steward-b") || !slices.Contains(got, "admin") {
		t.Errorf("admin sees the actors %v, want steward, steward-b and admin at least", got)
	}
	if all.Size < int64(len(all.Entries)) || len(all.Entries) == 0 {
		t.Errorf("size %d, %d entries", all.Size, len(all.Entries))
	}
	if c := all.Checkpoint; c == nil || c.Size == 0 || c.Root == "" || !strings.HasPrefix(c.KeyID, "test-node+") || !strings.Contains(c.Note, "test-node") {
		t.Errorf("checkpoint %+v", all.Checkpoint)
	}
	allowed := []string{"seq", "at", "actor", "action", "object", "origin", "reason"}
	for _, e := range all.Entries {
		for k := range e {
			if !slices.Contains(allowed, k) {
				t.Errorf("entry %v has the field %q", e, k)
			}
		}
		if len(e) != len(allowed) {
			t.Errorf("entry %v: want the fields %v", e, allowed)
		}
		if b, _ := json.Marshal(e); strings.Contains(string(b), testPassword) {
			t.Errorf("entry %s holds a password", b)
		}
	}
	for i := 1; i < len(all.Entries); i++ {
		if all.Entries[i]["seq"].(float64) <= all.Entries[i-1]["seq"].(float64) {
			t.Fatalf("entries not in seq order: %v", all.Entries)
		}
	}

	// Stewards and analysts: their own actions only, even when they ask
	// for someone else's.
	for _, who := range []string{"steward", "analyst"} {
		for _, q := range []string{"", "actor=admin", "actor=steward-b&limit=1000"} {
			a := n.audit(t, who, q, 200)
			if !a.OwnOnly || len(a.Entries) == 0 || !slices.Equal(actors(a), []string{who}) {
				t.Errorf("%s asking %q: own_only %v, actors %v", who, q, a.OwnOnly, actors(a))
			}
		}
	}
	// Approvers read everything, too.
	if a := n.audit(t, "approver", "actor=steward-b", 200); a.OwnOnly || !slices.Equal(actors(a), []string{"steward-b"}) {
		t.Errorf("approver asking for steward-b: own_only %v, actors %v", a.OwnOnly, actors(a))
	}
	n.audit(t, "", "", 401)
	n.audit(t, "token:admin-ingest", "", 403)

	// Filters.
	if a := n.audit(t, "admin", "object=batch:2", 200); len(a.Entries) == 0 {
		t.Errorf("object=batch:2: no entries")
	} else {
		for _, e := range a.Entries {
			if !strings.Contains(e["object"].(string), "batch:2") {
				t.Errorf("object=batch:2 gave %v", e)
			}
		}
	}
	day := now().Format(time.DateOnly)
	for q, some := range map[string]bool{
		"since=" + day: true,
		"until=" + day: true,
		"since=" + url.QueryEscape(now().Add(time.Hour).Format(time.RFC3339)):  false,
		"until=" + url.QueryEscape(now().Add(-time.Hour).Format(time.RFC3339)): false,
		"until=" + now().AddDate(0, 0, -1).Format(time.DateOnly):               false,
		"actor=nobody": false,
	} {
		if a := n.audit(t, "admin", q, 200); (len(a.Entries) > 0) != some {
			t.Errorf("%s: %d entries", q, len(a.Entries))
		}
	}
	for _, q := range []string{"limit=0", "limit=1001", "limit=x", "after=-1", "after=x", "since=soon", "until=2026-13-01"} {
		n.audit(t, "admin", q, 400)
	}

	// Pages: limit=2 and the next cursor walk the log without gaps.
	var seqs []float64
	q := "limit=2&actor=steward"
	for pages := 0; ; pages++ {
		a := n.audit(t, "admin", q, 200)
		for _, e := range a.Entries {
			seqs = append(seqs, e["seq"].(float64))
		}
		if a.Next == nil || pages > 100 {
			break
		}
		q = "limit=2&actor=steward&after=" + strconv.FormatInt(*a.Next, 10)
	}
	want := n.audit(t, "admin", "limit=1000&actor=steward", 200)
	if len(seqs) != len(want.Entries) || len(seqs) < 3 {
		t.Errorf("paged %d entries %v, one page %d", len(seqs), seqs, len(want.Entries))
	}

	// Every read was audited, with the query as its reason.
	var reads int
	n.store.AuditEntries(ctx, atalaya.AuditFilter{}, func(e atalaya.AuditEntry, _ [32]byte) error {
		if e.Action == "read.audit" {
			reads++
			if e.Actor == "steward" && strings.Contains(e.Reason, "actor=admin") {
				t.Errorf("the steward's read names the forced filter wrongly: %+v", e)
			}
		}
		return nil
	})
	if reads < 15 { // refused and invalid queries read nothing and are not recorded
		t.Errorf("%d read.audit entries", reads)
	}
}

// TestAuditLogPage: GET /audit shows the same entries as HTML, without
// script or inline style, with the filters and a next-page link.
func TestAuditLogPage(t *testing.T) {
	n := newAccountsNode(t)
	get := func(who, path string, want int) string {
		t.Helper()
		rec := n.do(n.req("GET", path, "", ""), who, false)
		if rec.Code != want {
			t.Fatalf("GET %s as %s: %d, want %d: %.300s", path, who, rec.Code, want, rec.Body)
		}
		body := rec.Body.String()
		if want == 200 || want == 400 {
			if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || rec.Header().Get("Cache-Control") != "private, no-store" {
				t.Errorf("GET %s: %s, %s", path, rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"))
			}
			for _, bad := range []string{"<script", "style=", "<style"} {
				if strings.Contains(strings.ToLower(body), bad) {
					t.Errorf("GET %s: the page has %q", path, bad)
				}
			}
		}
		return body
	}
	admin := get("admin", "/audit", 200)
	for _, want := range []string{"<table>", "<td>steward-b</td>", "<td>ingest.batch</td>", "atalaya audit proof", "key <code>test-node"} {
		if !strings.Contains(admin, want) {
			t.Errorf("the admin's page lacks %q", want)
		}
	}
	own := get("steward", "/audit?actor=steward-b", 200)
	if strings.Contains(own, "<td>steward-b</td>") || !strings.Contains(own, "<td>steward</td>") || !strings.Contains(own, "Your own actions only") {
		t.Errorf("the steward's page shows others' entries or not theirs:\n%s", own)
	}
	if p := get("admin", "/audit?limit=1&actor=steward", 200); !strings.Contains(p, `href="/audit?actor=steward&amp;after=`) {
		t.Errorf("no next-page link:\n%s", p)
	}
	if p := get("admin", "/audit?object=%3Cscript%3Ealert(1)%3C/script%3E", 200); strings.Contains(p, "<script>alert") {
		t.Errorf("the filter is not escaped")
	}
	if p := get("admin", "/audit?since=soon", 400); !strings.Contains(p, "RFC 3339") {
		t.Errorf("no error message:\n%s", p)
	}
	get("", "/audit", 401)
}
