package web

import (
	"context"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/authz"
)

// auditReader is an audit log that can be read (internal/audit's *Log).
type auditReader interface {
	Entries(ctx context.Context, f atalaya.AuditFilter, fn func(atalaya.AuditEntry) error) error
	Size(ctx context.Context) (int64, error)
	LatestCheckpoint(ctx context.Context) (atalaya.AuditCheckpoint, bool, error)
}

// maxAuditLimit bounds one page of GET /api/v1/audit.
const maxAuditLimit = 1000

// auditQuery is a parsed query of the audit log.
type auditQuery struct {
	actor, object string
	since, until  time.Time // until is exclusive; zero: no bound
	after         int64     // entries with seq > after; -1: from the start
	limit         int
	ownOnly       bool // forced to the reader's own actions
}

// auditEntryJSON is an entry as the API shows it: ids only, never personal
// data.
type auditEntryJSON struct {
	Seq    int64  `json:"seq"`
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Object string `json:"object"`
	Origin string `json:"origin"`
	Reason string `json:"reason"`
}

type auditCheckpointJSON struct {
	Size  int64  `json:"size"`
	Root  string `json:"root"` // standard base64, as in the signed note
	KeyID string `json:"key_id"`
	At    string `json:"at"`
	Note  string `json:"note"`
}

type auditPage struct {
	Entries    []auditEntryJSON     `json:"entries"`
	Size       int64                `json:"size"`
	Checkpoint *auditCheckpointJSON `json:"checkpoint"`
	Next       *int64               `json:"next"` // the after of the next page; null on the last
	OwnOnly    bool                 `json:"own_only"`
}

// parseAuditTime reads an RFC 3339 time or a date (YYYY-MM-DD, UTC); a date
// as an upper bound means the end of that day.
func parseAuditTime(name, v string, upper bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UTC(), nil
	}
	if d, err := time.Parse(time.DateOnly, v); err == nil {
		if upper {
			d = d.AddDate(0, 0, 1)
		}
		return d, nil
	}
	return time.Time{}, atalaya.Errorf(atalaya.EINVALID, "%s %q is neither an RFC 3339 time nor a date (YYYY-MM-DD)", name, v)
}

// parseAuditQuery reads the filters and the page of an audit query.
func parseAuditQuery(q url.Values) (auditQuery, error) {
	aq := auditQuery{actor: q.Get("actor"), object: q.Get("object"), after: -1, limit: 100}
	var err error
	if aq.since, err = parseAuditTime("since", q.Get("since"), false); err != nil {
		return aq, err
	}
	if aq.until, err = parseAuditTime("until", q.Get("until"), true); err != nil {
		return aq, err
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxAuditLimit {
			return aq, atalaya.Errorf(atalaya.EINVALID, "limit %q: a number from 1 to %d", v, maxAuditLimit)
		}
		aq.limit = n
	}
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return aq, atalaya.Errorf(atalaya.EINVALID, "after %q: a sequence number (0 or more)", v)
		}
		aq.after = n
	}
	return aq, nil
}

// encode is the query as a reason for the audit entry of the read, and as
// the links of the admin page.
func (aq auditQuery) values() url.Values {
	v := url.Values{}
	if aq.actor != "" {
		v.Set("actor", aq.actor)
	}
	if aq.object != "" {
		v.Set("object", aq.object)
	}
	if !aq.since.IsZero() {
		v.Set("since", aq.since.Format(time.RFC3339))
	}
	if !aq.until.IsZero() {
		v.Set("until", aq.until.Format(time.RFC3339))
	}
	return v
}

// auditScope decides whose entries the request may read: all, or only the
// principal's own (stewards and analysts: the actor filter is forced).
func (s *Server) auditScope(r *http.Request) (ownOnly bool, err error) {
	if err := s.authorizeObject(r, ActionReadAudit, authz.Object{Kind: "audit"}); err == nil {
		return false, nil
	}
	user := s.userID(r)
	if err := s.authorizeObject(r, ActionReadAudit, authz.Object{Kind: "audit", Owner: user}); err != nil {
		return false, err
	}
	return true, nil
}

var errPageFull = errors.New("page full")

// readAudit parses, authorizes, records and runs an audit query.
func (s *Server) readAudit(r *http.Request) (auditQuery, auditPage, error) {
	aq, err := parseAuditQuery(r.URL.Query())
	if err != nil {
		return aq, auditPage{}, err
	}
	if aq.ownOnly, err = s.auditScope(r); err != nil {
		return aq, auditPage{}, err
	}
	if aq.ownOnly {
		aq.actor = s.userID(r)
	}
	reason := aq.values()
	if aq.after >= 0 {
		reason.Set("after", strconv.FormatInt(aq.after, 10))
	}
	if err := s.record(r, "read.audit", "audit", reason.Encode()); err != nil {
		return aq, auditPage{}, err
	}
	page := auditPage{Entries: []auditEntryJSON{}, OwnOnly: aq.ownOnly}
	log, ok := s.Audit.(auditReader)
	if !ok { // no audit log (LoopbackOnly trials): nothing to show
		return aq, page, nil
	}
	ctx := r.Context()
	f := atalaya.AuditFilter{From: aq.after + 1, Actor: aq.actor, Since: aq.since}
	var last int64 = -1
	err = log.Entries(ctx, f, func(e atalaya.AuditEntry) error {
		if !aq.until.IsZero() && !e.At.Before(aq.until) {
			return nil
		}
		if aq.object != "" && !strings.Contains(e.Object, aq.object) {
			return nil
		}
		if len(page.Entries) == aq.limit {
			return errPageFull
		}
		page.Entries = append(page.Entries, auditEntryJSON{Seq: e.Seq, At: e.At.UTC().Format(time.RFC3339Nano),
			Actor: e.Actor, Action: e.Action, Object: e.Object, Origin: e.Origin, Reason: e.Reason})
		last = e.Seq
		return nil
	})
	if errors.Is(err, errPageFull) {
		page.Next = &last
	} else if err != nil {
		return aq, auditPage{}, err
	}
	if page.Size, err = log.Size(ctx); err != nil {
		return aq, auditPage{}, err
	}
	c, ok, err := log.LatestCheckpoint(ctx)
	if err != nil {
		return aq, auditPage{}, err
	}
	if ok {
		page.Checkpoint = &auditCheckpointJSON{Size: c.Size, Root: base64.StdEncoding.EncodeToString(c.Root[:]),
			KeyID: c.KeyID, At: c.At.UTC().Format(time.RFC3339Nano), Note: string(c.Note)}
	}
	return aq, page, nil
}

// handleAudit is GET /api/v1/audit: the audit log, oldest first by seq,
// filtered and paginated; stewards and analysts see their own actions only.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	_, page, err := s.readAudit(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, page)
}

var auditTmpl = template.Must(template.New("audit").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Audit log — Atalaya</title><link rel="stylesheet" href="/static/style.css"></head>
<body>
<header>
<p class="account"><a href="/">Home</a></p>
<h1>Audit log</h1>
<p class="lead">{{if .OwnOnly}}Your own actions only: your role may read only the audit entries of what you did.{{else}}Every entry of the node's audit log.{{end}} Oldest first; entries name objects by their ids only. The log holds {{.Size}} entries{{with .Checkpoint}}; the latest signed checkpoint covers {{.Size}} (root <code>{{.Root}}</code>, key <code>{{.KeyID}}</code>): check any entry with <code>atalaya audit proof SEQ</code>{{end}}. The same as JSON: <a href="{{.API}}">{{.API}}</a>.</p>
</header>
<main>
<form method="get" action="/audit">
<label>Actor <input name="actor" value="{{.Actor}}"{{if .OwnOnly}} disabled{{end}}></label>
<label>Object contains <input name="object" value="{{.Object}}" placeholder="batch:12"></label>
<label>Since <input name="since" value="{{.Since}}" placeholder="2026-01-31"></label>
<label>Until <input name="until" value="{{.Until}}" placeholder="2026-12-31"></label>
<label>Per page <input name="limit" type="number" min="1" max="1000" value="{{.Limit}}"></label>
<button type="submit">Filter</button>
</form>
{{with .Error}}<p class="error" role="alert">{{.}}</p>{{end}}
<table><thead><tr><th scope="col" class="n">Seq</th><th scope="col">At (UTC)</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Object</th><th scope="col">Origin</th><th scope="col">Reason</th></tr></thead><tbody>
{{range .Entries}}<tr><td class="n">{{.Seq}}</td><td>{{.At}}</td><td>{{.Actor}}</td><td>{{.Action}}</td><td>{{.Object}}</td><td>{{.Origin}}</td><td>{{.Reason}}</td></tr>
{{else}}<tr><td colspan="7">No entries match.</td></tr>
{{end}}</tbody></table>
{{with .Next}}<p><a href="{{.}}">Next page</a></p>{{end}}
</main>
</body></html>`))

// handleAuditPage is GET /audit: the audit log as an HTML table, with the
// filters of GET /api/v1/audit as query parameters. No script, no inline
// style (the CSP allows neither).
func (s *Server) handleAuditPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	aq, page, err := s.readAudit(r)
	status := http.StatusOK
	var msg string
	if err != nil {
		code := atalaya.ErrorCode(err)
		if code != atalaya.EINVALID {
			s.error(w, r, err)
			return
		}
		status, msg = http.StatusBadRequest, atalaya.ErrorMessage(err)
	}
	limit := q.Get("limit")
	if limit == "" {
		limit = "100"
	}
	api := "/api/v1/audit"
	if enc := q.Encode(); enc != "" {
		api += "?" + enc
	}
	var next string
	if page.Next != nil {
		v := url.Values{}
		for _, k := range []string{"actor", "object", "since", "until", "limit"} {
			if q.Get(k) != "" {
				v.Set(k, q.Get(k))
			}
		}
		v.Set("after", strconv.FormatInt(*page.Next, 10))
		next = "/audit?" + v.Encode()
	}
	actor := q.Get("actor")
	if aq.ownOnly {
		actor = aq.actor
	}
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	auditTmpl.Execute(w, map[string]any{
		"OwnOnly": page.OwnOnly, "Size": page.Size, "Checkpoint": page.Checkpoint, "API": api,
		"Actor": actor, "Object": q.Get("object"), "Since": q.Get("since"), "Until": q.Get("until"), "Limit": limit,
		"Error": msg, "Entries": page.Entries, "Next": next,
	})
}
