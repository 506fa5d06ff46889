package cli_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	domain "github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/audit"
	"github.com/oas-atalaya/atalaya/internal/sqlite"
)

// auditFixture makes a database with n audit entries and a checkpoint
// signed by `audit checkpoint`, and returns its path and key file.
func auditFixture(t *testing.T, n int) (path, key string) {
	t.Helper()
	dir := t.TempDir()
	path, key = filepath.Join(dir, "a.db"), filepath.Join(dir, "keys", "audit.key")
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	k, err := audit.LoadKey(key, audit.DefaultKeyName) // creates it, as the first checkpoint would
	if err != nil {
		t.Fatalf("LoadKey: %v", err)
	}
	l := audit.New(s, k, time.Now)
	for i := range n {
		if _, err := l.Append(context.Background(), domain.AuditEntry{Actor: fmt.Sprintf("user:%d", i%3), Action: "read.rejections",
			Object: fmt.Sprintf("batch:%d", i), Origin: "192.0.2.1", Reason: "review"}); err != nil {
			t.Fatalf("Append: %v", err)
		}
	}
	s.Close()
	code, out, stderr := atalaya(t, "audit", "checkpoint", "--db", "sqlite:"+path, "--key", key)
	if code != 0 || !strings.HasPrefix(out, fmt.Sprintf("atalaya-audit\n%d\n", n)) {
		t.Fatalf("audit checkpoint: exit %d\n%s%s", code, out, stderr)
	}
	return path, key
}

// tamper runs SQL on the database after dropping its audit triggers.
func tamper(t *testing.T, path string, queries ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range append([]string{`DROP TRIGGER audit_entries_no_update`, `DROP TRIGGER audit_entries_no_delete`}, queries...) {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestAuditVerifyCommand(t *testing.T) {
	tests := []struct {
		name    string
		queries []string
		want    string
	}{
		{"untouched", nil, "OK: 8 entries, root "},
		{"flip", []string{`UPDATE audit_entries SET reason = 'reviex' WHERE seq = 5`}, "FAIL: entry 5 changed"},
		{"delete", []string{`DELETE FROM audit_entries WHERE seq = 2`}, "FAIL: entry 2 missing"},
		{"swap", []string{`UPDATE audit_entries SET seq = -1 WHERE seq = 3`, `UPDATE audit_entries SET seq = 3 WHERE seq = 6`,
			`UPDATE audit_entries SET seq = 6 WHERE seq = -1`}, "FAIL: entry 3 reordered: it holds the content of entry 6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, key := auditFixture(t, 8)
			tamper(t, path, tt.queries...)
			code, out, stderr := atalaya(t, "audit", "verify", "--db", "sqlite:"+path, "--key", key)
			wantCode := 0
			if tt.queries != nil {
				wantCode = 1
			}
			if code != wantCode || !strings.HasPrefix(out, tt.want) {
				t.Errorf("audit verify after %s: exit %d, %q %s; want exit %d, %q…", tt.name, code, out, stderr, wantCode, tt.want)
			}
		})
	}
}

func TestAuditProofCommands(t *testing.T) {
	path, key := auditFixture(t, 5)
	dir := t.TempDir()
	proof := filepath.Join(dir, "proof.json")
	if code, _, stderr := atalaya(t, "audit", "proof", "3", "--db", "sqlite:"+path, "--key", key, "--out", proof); code != 0 {
		t.Fatalf("audit proof: %s", stderr)
	}
	code, out, stderr := atalaya(t, "audit", "check-proof", proof, "--key", key+".pub")
	if code != 0 || !strings.HasPrefix(out, "OK: entry 3 is in the audit log of 5 entries") || !strings.Contains(out, `"object":"batch:3"`) {
		t.Errorf("audit check-proof: exit %d %q %s", code, out, stderr)
	}

	// The same proof with another entry's content fails.
	data, err := os.ReadFile(proof)
	if err != nil {
		t.Fatal(err)
	}
	var b audit.ProofBundle
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	b.Entry = []byte(strings.Replace(string(b.Entry), "batch:3", "batch:4", 1))
	data, _ = json.Marshal(b)
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := atalaya(t, "audit", "check-proof", bad, "--key", key+".pub"); code != 1 || !strings.Contains(stderr, "does not verify") {
		t.Errorf("audit check-proof (tampered): exit %d %s; want 1, does not verify", code, stderr)
	}

	// An entry after the latest checkpoint has no proof yet.
	if code, _, stderr := atalaya(t, "audit", "proof", "5", "--db", "sqlite:"+path, "--key", key); code != 1 || !strings.Contains(stderr, "not found") {
		t.Errorf("audit proof 5: exit %d %s; want 1, not found", code, stderr)
	}
}

func TestAuditLogCommand(t *testing.T) {
	path, _ := auditFixture(t, 7)
	code, out, stderr := atalaya(t, "audit", "log", "--db", "sqlite:"+path, "--actor", "user:1", "--json")
	if code != 0 {
		t.Fatalf("audit log: %s", stderr)
	}
	var seqs []int64
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var e domain.AuditEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("audit log --json line %q: %v", line, err)
		}
		seqs = append(seqs, e.Seq)
	}
	if fmt.Sprint(seqs) != "[1 4]" {
		t.Errorf("audit log --actor user:1 = seqs %v; want [1 4]", seqs)
	}
	code, out, _ = atalaya(t, "audit", "log", "--db", "sqlite:"+path, "--object", "batch:6")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[1], "6 ") {
		t.Errorf("audit log --object batch:6 = exit %d\n%s", code, out)
	}
	if code, _, _ := atalaya(t, "audit", "log", "--since", "yesterday"); code != 2 {
		t.Errorf("audit log --since yesterday: exit %d; want 2", code)
	}
}
