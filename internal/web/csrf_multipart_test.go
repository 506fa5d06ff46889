package web_test

import (
	"bytes"
	"mime/multipart"
	"strings"
	"testing"
)

// TestUploadWithoutJavaScript: a plain multipart upload form carries the
// CSRF token as its first field (no header, no script): accepted with the
// session's token, refused with another.
func TestUploadWithoutJavaScript(t *testing.T) {
	n := newAccountsNode(t)
	send := func(tok string) int {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("csrf", tok)
		mw.WriteField("profile", "canonical-incidents")
		fw, _ := mw.CreateFormFile("file", "plain.csv")
		fw.Write([]byte("record_id,occurred_on,iccs,area,victim_sex\nP1,2024-03-05,0101,MEX-09,F\n"))
		mw.Close()
		r := n.req("POST", "/work/upload", b.String(), mw.FormDataContentType())
		return n.do(r, "steward", false).Code
	}
	if code := send(n.csrf.Token(n.session["steward"])); code == 403 || code >= 500 {
		t.Errorf("the form with the session's token: %d", code)
	}
	if code := send(strings.Repeat("0", 43)); code != 403 {
		t.Errorf("the form with a wrong token: %d, want 403", code)
	}
	if code := send(""); code != 403 {
		t.Errorf("the form without a token: %d, want 403", code)
	}
}

// TestSignInNeededPage: a signed-out reader opening a working page gets a
// page (not JSON) that links to the sign-in form, still with 401; the API
// keeps its JSON errors.
func TestSignInNeededPage(t *testing.T) {
	n := newAccountsNode(t)
	r := n.req("GET", "/work", "", "")
	r.Header.Set("Accept-Language", "en")
	rec := n.do(r, "", false)
	if rec.Code != 401 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || !strings.Contains(rec.Body.String(), `href="/signin"`) {
		t.Errorf("GET /work signed out: %d %s %.200s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	// A signed-in reader refused a page gets the reason on a page.
	r = n.req("GET", "/work/approvals", "", "")
	r.Header.Set("Accept-Language", "en")
	rec = n.do(r, "steward", false)
	if rec.Code != 403 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || !strings.Contains(rec.Body.String(), `data-code="forbidden"`) {
		t.Errorf("GET /work/approvals as a steward: %d %s %.200s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	rec = n.do(n.req("GET", "/api/v1/batches", "", ""), "", false)
	if rec.Code != 401 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Errorf("GET /api/v1/batches signed out: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
}
