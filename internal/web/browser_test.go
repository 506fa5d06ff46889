package web_test

import (
	"os"
	"os/exec"
	"testing"
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
