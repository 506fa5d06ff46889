package indicator_test

// The `atalaya indicators` command, run in-process. The tests live here,
// next to the catalogue they exercise.

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya/internal/cli"
	"github.com/oas-atalaya/atalaya/internal/indicator"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Now: time.Now,
		Logger: slog.New(slog.DiscardHandler)}
	code := cli.Run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func TestIndicatorsList(t *testing.T) {
	code, out, stderr := runCLI(t, "", "indicators")
	if code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	c := defaultCatalogue(t)
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != len(c.Indicators)+1 {
		t.Fatalf("want a header and %d lines:\n%s", len(c.Indicators), out)
	}
	for _, s := range []string{"id ", "homicide-rate ", "Intentional homicide rate", "femicide-rate ", "Femicide rate"} {
		if !strings.Contains(out, s) {
			t.Errorf("listing lacks %q:\n%s", s, out)
		}
	}
	code, out, _ = runCLI(t, "", "indicators", "--lang", "fr")
	if code != cli.ExitOK || !strings.Contains(out, "Taux d'homicides volontaires") {
		t.Errorf("--lang fr: exit %d\n%s", code, out)
	}
	if code, _, stderr := runCLI(t, "", "indicators", "--lang", "de"); code != cli.ExitUsage || !strings.Contains(stderr, "--lang") {
		t.Errorf("--lang de: exit %d, %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", "indicators", "bogus"); code != cli.ExitUsage || !strings.Contains(stderr, `unknown subcommand "bogus"`) {
		t.Errorf("unknown subcommand: exit %d, %s", code, stderr)
	}
	if code, out, _ := runCLI(t, "", "help"); code != cli.ExitOK || !strings.Contains(out, "indicators") {
		t.Errorf("help does not list the indicators command:\n%s", out)
	}
}

func TestIndicatorsDocs(t *testing.T) {
	var want bytes.Buffer
	if err := defaultCatalogue(t).Markdown(&want); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "", "indicators", "docs")
	if code != cli.ExitOK || out != want.String() {
		t.Fatalf("docs to stdout: exit %d (%s), output differs from Catalogue.Markdown", code, stderr)
	}
	path := filepath.Join(t.TempDir(), "indicators.md")
	code, out, stderr = runCLI(t, "", "indicators", "docs", "--out", path)
	if code != cli.ExitOK || !strings.Contains(out, "wrote "+path) {
		t.Fatalf("docs --out: exit %d\n%s%s", code, out, stderr)
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("docs --out wrote something else (%v)", err)
	}
	if code, _, _ := runCLI(t, "", "indicators", "docs", "extra"); code != cli.ExitUsage {
		t.Errorf("docs with an argument: exit %d, want %d", code, cli.ExitUsage)
	}
	if code, _, stderr := runCLI(t, "", "indicators", "docs", "--out", filepath.Join(t.TempDir(), "no", "such", "dir", "x.md")); code != cli.ExitError || !strings.Contains(stderr, "cannot write") {
		t.Errorf("docs --out into a missing folder: exit %d, %s", code, stderr)
	}
}

func TestIndicatorsCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(good, []byte(baseRate), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(strings.Replace(baseRate, "unit: victim", "unit: case", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "", "indicators", "check", good)
	if code != cli.ExitOK || !strings.Contains(out, "is a valid indicator catalogue: 1 indicators (test-rate)") {
		t.Fatalf("check good: exit %d\n%s%s", code, out, stderr)
	}
	code, _, stderr = runCLI(t, "", "indicators", "check", bad)
	if code != cli.ExitError || !strings.Contains(stderr, "bad.yaml: indicator catalogue: indicator \"test-rate\": numerator.unit \"case\"") {
		t.Fatalf("check bad: exit %d\n%s", code, stderr)
	}
	code, out, _ = runCLI(t, baseShare, "indicators", "check", "-")
	if code != cli.ExitOK || !strings.Contains(out, "- is a valid indicator catalogue") {
		t.Fatalf("check from stdin: exit %d\n%s", code, out)
	}
	if code, _, _ := runCLI(t, "", "indicators", "check"); code != cli.ExitUsage {
		t.Errorf("check without a file: exit %d, want %d", code, cli.ExitUsage)
	}
	if code, _, stderr := runCLI(t, "", "indicators", "check", filepath.Join(dir, "missing.yaml")); code != cli.ExitError || !strings.Contains(stderr, "cannot open") {
		t.Errorf("check a missing file: exit %d, %s", code, stderr)
	}
	// The shipped catalogue passes its own check.
	if code, _, stderr := runCLI(t, "", "indicators", "check", "../../data/"+indicator.DefaultPath); code != cli.ExitOK {
		t.Errorf("check data/indicators.yaml: exit %d, %s", code, stderr)
	}
}
