package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/data"
	"github.com/oas-atalaya/atalaya/internal/ingest"
	"github.com/oas-atalaya/atalaya/internal/sqlite"
	"github.com/oas-atalaya/atalaya/internal/web"
)

func now() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }

func newServer(t *testing.T) (*web.Server, atalaya.Store) {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "w.db"), sqlite.WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	b, _ := fs.ReadFile(data.FS, "iccs/iccs_v1_codes.csv")
	if _, err := ingest.ImportICCS(ctx, s, bytes.NewReader(b), "iccs"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutAreas(ctx, []atalaya.Area{{Code: "MEX", Country: "MEX", Name: "México"}, {Code: "MEX-09", Country: "MEX", Parent: "MEX", Level: 1, Name: "Ciudad de México"}}); err != nil {
		t.Fatal(err)
	}
	return &web.Server{Store: s, Now: now}, s
}

func do(t *testing.T, h http.Handler, method, path, remote string, body io.Reader, ctype string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, body)
	req.RemoteAddr = remote
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

const local, remote = "127.0.0.1:5000", "203.0.113.7:5000"

// TestRoutes checks every route of the router for an anonymous remote
// client and a local one: public routes answer both, restricted routes
// refuse the remote client. A new route without an entry here fails.
func TestRoutes(t *testing.T) {
	srv, _ := newServer(t)
	h := srv.Handler()
	// Every route's path comes from the authorization matrices, which
	// cover the whole route table.
	paths := map[string]string{}
	for _, m := range []map[string]matrixCase{apiMatrix, publicPageMatrix, workPageMatrix, analysisMatrix} {
		for k, c := range m {
			paths[k] = c.path
		}
	}
	for pattern, action := range srv.Routes() {
		path, ok := paths[pattern]
		if !ok {
			t.Errorf("route %s has no entry in the test table", pattern)
			continue
		}
		method, _, _ := strings.Cut(pattern, " ")
		for _, from := range []string{local, remote} {
			rec := do(t, h, method, path, from, strings.NewReader(""), "text/csv")
			// Sign-in and sign-out are open to all (LoopbackOnly has no
			// accounts: they answer 404).
			restricted := action != web.ActionReadPublic && action != web.ActionSignIn && action != web.ActionSignOut
			switch {
			case restricted && from == remote && rec.Code != http.StatusForbidden:
				t.Errorf("%s from %s: %d, want 403", pattern, from, rec.Code)
			case (!restricted || from == local) && (rec.Code == http.StatusForbidden || rec.Code >= 500):
				t.Errorf("%s from %s: %d %s", pattern, from, rec.Code, rec.Body)
			}
			if rec.Header().Get("Content-Security-Policy") == "" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: security headers missing", pattern)
			}
		}
	}
}

// TestProxiedRequestsAreNotLocal: behind a reverse proxy on the same
// machine every request comes from loopback; restricted routes must still
// refuse them.
func TestProxiedRequestsAreNotLocal(t *testing.T) {
	srv, _ := newServer(t)
	h := srv.Handler()
	for _, hdr := range []string{"X-Forwarded-For", "Forwarded", "X-Real-Ip"} {
		req := httptest.NewRequest("GET", "/api/v1/batches", nil)
		req.RemoteAddr = local
		req.Header.Set(hdr, "203.0.113.9")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", hdr, rec.Code)
		}
	}
}

func TestAPIErrors(t *testing.T) {
	srv, _ := newServer(t)
	h := srv.Handler()
	for path, want := range map[string]int{
		"/api/v1/areas/XYZ":                     404,
		"/api/v1/areas?level=-1":                400,
		"/api/v1/cube":                          400,
		"/api/v1/codelists/nope/mapping":        404,
		"/api/v1/codelists/x/mapping?version=a": 400,
		"/api/v1/batches/abc":                   400,
		"/api/v1/populations?from=20x":          400,
	} {
		rec := do(t, h, "GET", path, local, nil, "")
		var body struct {
			Error struct{ Code, Message string }
		}
		json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != want || body.Error.Message == "" {
			t.Errorf("GET %s: %d %s; want %d with a message", path, rec.Code, rec.Body, want)
		}
	}
}

func TestUploadShowsRejectedRows(t *testing.T) {
	srv, store := newServer(t)
	h := srv.Handler()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("profile", "canonical-incidents")
	fw, _ := mw.CreateFormFile("file", "incidents.csv")
	io.WriteString(fw, "record_id,occurred_on,iccs,area,victim_sex\nA1,2024-01-05,0101,MEX-09,F\nA2,2024-13-05,0101,MEX-09,F\nA3,2024-01-05,0401,MEX-99,M\n")
	mw.Close()
	rec := do(t, h, "POST", "/api/v1/ingest", local, &body, mw.FormDataContentType())
	if rec.Code != http.StatusCreated {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	var res struct {
		Batch      atalaya.Batch
		Rejections []atalaya.Rejection
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res.Batch.Read != 3 || res.Batch.Accepted != 1 || res.Batch.Rejected != 2 || len(res.Rejections) != 2 {
		t.Fatalf("upload result %+v", res)
	}
	if res.Rejections[0].Row != 2 || res.Rejections[0].Column != "occurred_on" || res.Rejections[1].Column != "area" {
		t.Fatalf("rejections %+v", res.Rejections)
	}
	csv := do(t, h, "GET", "/api/v1/batches/1/rejections?format=csv", local, nil, "")
	if csv.Code != 200 || !strings.HasPrefix(csv.Header().Get("Content-Type"), "text/csv") || !strings.Contains(csv.Body.String(), "MEX-99") {
		t.Fatalf("rejections CSV: %d %s", csv.Code, csv.Body)
	}
	// Only built-in profiles over HTTP: a path must not be read.
	rec = do(t, h, "POST", "/api/v1/ingest?profile=/etc/passwd&filename=x.csv", local, strings.NewReader("a\n1\n"), "text/csv")
	if rec.Code != 400 {
		t.Fatalf("profile path over HTTP: %d", rec.Code)
	}
	// Uploads are bounded.
	srv.MaxUpload = 1024
	h = srv.Handler()
	rec = do(t, h, "POST", "/api/v1/ingest?profile=canonical-incidents&filename=big.csv", local, strings.NewReader(strings.Repeat("x", 4096)), "text/csv")
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized upload: %d %s", rec.Code, rec.Body)
	}
	if n, _ := store.CountRecords(context.Background(), atalaya.RecordFilter{}); n != 1 {
		t.Fatalf("%d records stored, want 1", n)
	}
}
