package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/authz"
)

// The working pages (routes_work.go) are server-rendered forms for signed-in
// users: the dashboard, upload and batches, the mapping editor, the
// approval queue, and the admin pages for users, settings and sources.
// Every one needs a browser session on a node with accounts: an API token
// is refused (scripts use the API), and so is a node without accounts.
// Writes go through the same checks and audit entries as the API; where
// the API already does the write (an upload, a release) the page calls the
// API's handler.

// workAccounts returns the node's accounts and the principal of a working
// page's request.
func (s *Server) workAccounts(r *http.Request) (*Accounts, authz.Principal, error) {
	acc, ok := s.Auth.(*Accounts)
	if !ok || acc.Store == nil {
		return nil, authz.Principal{}, atalaya.Errorf(atalaya.ENOTFOUND, "the working pages need accounts: serve the node with sign-in")
	}
	p := acc.Principal(r)
	if p.User == "" {
		return nil, p, atalaya.Errorf(atalaya.EUNAUTHORIZED, "sign in first")
	}
	if p.ViaToken() {
		return nil, p, atalaya.Errorf(atalaya.EFORBIDDEN, "an API token cannot use the working pages; sign in, or use the API")
	}
	return acc, p, nil
}

// workErrorData is what work_error.html shows.
type workErrorData struct {
	Code    string // the domain error code, also in the page for scripts and tests
	Key     string // the catalogue key of the headline
	Message string // the reason, as the API gives it
	Back    string // where to go back to
}

// workErrorKeys are the headlines of the error page, by error code.
var workErrorKeys = map[string]string{
	atalaya.EUNAUTHORIZED: "work.error.unauthorized",
	atalaya.EFORBIDDEN:    "work.error.forbidden",
	atalaya.ENOTFOUND:     "work.error.notfound",
	atalaya.EINVALID:      "work.error.invalid",
	atalaya.EREJECTED:     "work.error.invalid",
	atalaya.ECONFLICT:     "work.error.conflict",
	atalaya.ETOOLARGE:     "work.error.toolarge",
}

// workError renders err as a page; internal errors are logged, not shown.
func (s *Server) workError(w http.ResponseWriter, r *http.Request, err error) {
	code := atalaya.ErrorCode(err)
	msg := atalaya.ErrorMessage(err)
	if code == atalaya.EINTERNAL {
		if errors.Is(err, context.Canceled) {
			return
		}
		s.Logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		msg = ""
	}
	key, ok := workErrorKeys[code]
	if !ok {
		key = "work.error.internal"
	}
	back := "/work"
	if r.Method == http.MethodPost {
		back = r.URL.Path
	}
	p := s.newPage(w, r, "work", "common.error.title", workErrorData{Code: code, Key: key, Message: msg, Back: back})
	s.render(w, r, statusOf(code), "work_error.html", p)
}

// workNotices are the messages a page shows after a write redirected to
// it (?done=KEY); anything else in done is ignored.
var workNotices = []string{"uploaded", "mapping_saved", "mapping_same", "released", "user_changed", "user_disabled",
	"user_enabled", "settings_saved"}

// notice returns the catalogue key of the page's ?done= notice, or "".
func notice(r *http.Request) string {
	if d := r.URL.Query().Get("done"); slices.Contains(workNotices, d) {
		return "work.done." + d
	}
	return ""
}

// redirectDone sends the browser to path with a notice (see notice).
func redirectDone(w http.ResponseWriter, r *http.Request, path, done string, extra url.Values) {
	v := url.Values{"done": {done}}
	for k, vs := range extra {
		v[k] = vs
	}
	http.Redirect(w, r, path+"?"+v.Encode(), http.StatusSeeOther)
}

// captured is an answer of an API handler that a page called.
type captured struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *captured) Header() http.Header { return c.header }
func (c *captured) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}
func (c *captured) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

// callAPI runs an API handler for a page's request r, with body and
// content type ctype, and returns its answer. The request keeps r's
// identity (in its context) and carries the CSRF token the guard already
// checked, so the handler's own checks and audit entries apply unchanged.
func (s *Server) callAPI(r *http.Request, h http.HandlerFunc, body io.Reader, ctype string) *captured {
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(body)
	r2.ContentLength = -1
	r2.Form, r2.PostForm, r2.MultipartForm = nil, nil, nil // the new body is the handler's to read
	r2.Header.Set("Content-Type", ctype)
	if tok := csrfOf(r); tok != "" {
		r2.Header.Set(CSRFHeader, tok)
	}
	c := &captured{header: http.Header{}}
	h(c, r2)
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c
}

// csrfOf is the CSRF token a request carried, in its header or form.
func csrfOf(r *http.Request) string {
	if tok := r.Header.Get(CSRFHeader); tok != "" {
		return tok
	}
	if r.PostForm != nil {
		return r.PostForm.Get(csrfField)
	}
	if r.MultipartForm != nil && len(r.MultipartForm.Value[csrfField]) > 0 {
		return r.MultipartForm.Value[csrfField][0]
	}
	return ""
}

// apiError turns an API handler's error answer back into an error.
func apiError(c *captured) error {
	var body struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(c.body.Bytes(), &body); err != nil || body.Error.Code == "" {
		return atalaya.Errorf(atalaya.EINTERNAL, "the API answered %d: %.200s", c.status, c.body.String())
	}
	return atalaya.Errorf(body.Error.Code, "%s", body.Error.Message)
}

// postForm parses a page's form (the guard has parsed it when it checked a
// form's CSRF token) within limit bytes.
func postForm(w http.ResponseWriter, r *http.Request, limit int64) error {
	if r.PostForm == nil {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
	}
	if err := r.ParseForm(); err != nil {
		return atalaya.Errorf(atalaya.EINVALID, "send the page's form (application/x-www-form-urlencoded) of at most %d KiB", limit>>10)
	}
	return nil
}

// field is a trimmed form value.
func field(r *http.Request, name string) string { return strings.TrimSpace(r.PostForm.Get(name)) }
