package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya/internal/web"
)

// chromium returns the browser to test pages with: ATALAYA_CHROMIUM, which
// scripts/test always sets (installing Chromium if needed), or one on the
// PATH. Run alone with `go test`, the browser tests skip without one; under
// scripts/test (and CI) they cannot skip.
func chromium(t *testing.T) string {
	t.Helper()
	if b := os.Getenv("ATALAYA_CHROMIUM"); b != "" {
		return b
	}
	for _, b := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(b); err == nil {
			return p
		}
	}
	t.Skip("no Chromium: scripts/test installs it and sets ATALAYA_CHROMIUM")
	return ""
}

// browse loads url in headless Chromium and returns the DOM after scripts
// ran, and the browser's log (console messages, CSP violations).
func browse(t *testing.T, browser, url string, shot string) (dom, log string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-dev-shm-usage", "--enable-logging=stderr", "--v=0", "--user-data-dir=" + t.TempDir()}
	if shot != "" {
		out, err := exec.CommandContext(ctx, browser, append(args, "--window-size=1100,1500", "--screenshot="+shot, url)...).CombinedOutput()
		if err != nil {
			t.Fatalf("chromium screenshot: %v\n%s", err, out)
		}
	}
	cmd := exec.CommandContext(ctx, browser, append(args, "--dump-dom", url)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	return string(out), stderr.String()
}

// TestIndexPageInChromium renders the index page of a node with published
// real figures in headless Chromium: the homicide trend, its chart and the
// indicator links are there, and the browser reports no CSP violation.
func TestIndexPageInChromium(t *testing.T) {
	browser := chromium(t)
	store := realDataStore(t)
	srv := &web.Server{Store: store, Now: now, NodeName: "Mexico (test)"}
	h := srv.Handler()
	for y := 2015; y <= 2024; y++ {
		rec := do(t, h, "POST", "/api/v1/releases", local, strings.NewReader(`{"source":"mx-sesnsp","area":"MEX","period":"`+strconv.Itoa(y)+`","status":"published","reason":"test"}`), "application/json")
		if rec.Code != http.StatusCreated {
			t.Fatalf("publish %d: %d %s", y, rec.Code, rec.Body)
		}
	}
	ts := httptest.NewServer(h)
	defer ts.Close()
	shot := filepath.Join(t.TempDir(), "index.png")
	dom, log := browse(t, browser, ts.URL+"/", shot)
	for _, want := range []string{"<h2>Intentional homicide rate — M", `<svg class="chart"`, "<rect", "2015", "2024",
		"prosecution", `href="/api/v1/indicators/femicide-rate/values?area=MEX&amp;children=1"`} {
		if !strings.Contains(dom, want) {
			t.Errorf("the rendered page lacks %q", want)
		}
	}
	if n := strings.Count(dom, "<rect"); n != 10 {
		t.Errorf("the chart has %d bars, want 10 (2015–2024)", n)
	}
	if strings.Contains(log, "Refused to") || strings.Contains(log, "Content Security Policy") {
		t.Errorf("the browser reports a CSP violation:\n%s", log)
	}
	if st, err := os.Stat(shot); err != nil || st.Size() < 10000 {
		t.Errorf("screenshot: %v", err)
	}
}
