package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya/internal/analysis/analysistest"
)

// TestProgrammeCommands: register a programme on a node with published
// real figures, evaluate it with each method, list and show it; errors
// name the problem.
func TestProgrammeCommands(t *testing.T) {
	dir := t.TempDir()
	s, err := analysistest.Mexico(context.Background(), dir, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db := "sqlite:" + filepath.Join(dir, "real.db")
	key := filepath.Join(dir, "audit.key")
	run := func(want int, args ...string) string {
		t.Helper()
		code, out, errb := atalaya(t, append(args, "--db", db)...)
		if code != want {
			t.Fatalf("atalaya %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out, errb)
		}
		return out + errb
	}
	run(0, "publish", "--source", "mx-sesnsp", "--area", "MEX", "--period", "2015-2024", "--status", "published", "--reason", "test", "--by", "t", "--audit-key", key)
	run(0, "programme", "add", "--id", "chih-2019", "--name", "Chihuahua", "--objective", "fewer homicides", "--owner", "SSP",
		"--areas", "MEX-08", "--start", "2019-01-01", "--indicators", "homicide-rate", "--by", "ana", "--audit-key", key)
	if out := run(1, "programme", "add", "--id", "chih-2019", "--name", "Chihuahua", "--objective", "o", "--owner", "o",
		"--areas", "MEX-08", "--start", "2019-01-01", "--indicators", "homicide-rate", "--audit-key", key); !strings.Contains(out, "already exists") {
		t.Errorf("a duplicate: %s", out)
	}
	if out := run(2, "programme", "add", "--id", "x1", "--start", "2019-13-01"); !strings.Contains(out, "YYYY-MM-DD") {
		t.Errorf("a bad date: %s", out)
	}
	if out := run(1, "programme", "add", "--id", "x1", "--name", "n", "--objective", "o", "--owner", "o", "--areas", "MEX-08",
		"--start", "2019-01-01", "--indicators", "nope", "--audit-key", key); !strings.Contains(out, `indicator "nope"`) {
		t.Errorf("an unknown indicator: %s", out)
	}
	for _, m := range []string{"its", "synth", "did"} {
		out := run(0, "programme", "evaluate", "chih-2019", "--method", m, "--by", "ana", "--audit-key", key)
		if !strings.Contains(out, "evaluation ") || !strings.Contains(out, "/analysis/evaluations/") {
			t.Errorf("evaluate %s: %s", m, out)
		}
	}
	if out := run(1, "programme", "evaluate", "nope", "--audit-key", key); !strings.Contains(out, "nope") {
		t.Errorf("an unknown programme: %s", out)
	}
	if out := run(0, "programme", "list"); !strings.Contains(out, "chih-2019") || !strings.Contains(out, "MEX-08") {
		t.Errorf("list: %s", out)
	}
	var shown struct {
		Programme   struct{ ID string }
		Evaluations []struct {
			Method string
			Result json.RawMessage
		}
	}
	if err := json.Unmarshal([]byte(run(0, "programme", "show", "chih-2019")), &shown); err != nil || len(shown.Evaluations) != 3 {
		t.Fatalf("show: %v %+v", err, shown)
	}
	if out := run(0, "audit", "verify", "--key", key); !strings.Contains(strings.ToLower(out), "ok") && !strings.Contains(out, "verified") {
		t.Errorf("audit verify after the programme commands: %s", out)
	}
	// A checkpoint kept outside the database: the log still extends it.
	note := run(0, "audit", "checkpoint", "--key", key)
	start := strings.Index(note, "atalaya")
	if start < 0 {
		t.Fatalf("audit checkpoint printed no note: %s", note)
	}
	cp := filepath.Join(dir, "outside.note")
	if err := os.WriteFile(cp, []byte(note[start:]), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := run(0, "audit", "verify", "--key", key, "--checkpoint", cp); !strings.Contains(out, "the log extends the checkpoint") {
		t.Errorf("audit verify --checkpoint: %s", out)
	}
}
