package cli_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	domain "github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
)

// auditEntries returns the entries that `audit log --json` prints.
func auditEntries(t *testing.T, db string) ([]domain.AuditEntry, string) {
	t.Helper()
	out := mustRun(t, "", "audit", "log", "--db", db, "--json")
	var es []domain.AuditEntry
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var e domain.AuditEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("audit log --json line %q: %v", line, err)
		}
		es = append(es, e)
	}
	return es, out
}

// TestCommandsAreAudited runs the commands that change data and checks the
// audit log they leave: the entries in order, ids only, no secret, signed
// so that deleting the newest entry is detected.
func TestCommandsAreAudited(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.db")
	db := "sqlite:" + path
	mustRun(t, "", "init", "--db", db)
	raw, err := os.ReadFile("../../testdata/lapd/lapd_crime_2020_first1000.csv")
	if err != nil {
		t.Fatal(err)
	}
	lapd := filepath.Join(dir, "lapd.csv")
	if err := os.WriteFile(lapd, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "", "ingest", "--db", db, "--profile", "lapd-incidents", "--submitter", "Ana Pérez <ana@example.org>", lapd)
	mustRun(t, "", "publish", "--db", db, "--source", "us-lapd", "--area", "USA", "--period", "2020",
		"--status", "validated", "--reason", "checked against the annual report", "--by", "approver1")
	mustRun(t, goodPassword, "user", "add", "ana", "--role", "analyst", "--name", "Ana Pérez", "--password-stdin", "--db", db)
	token := strings.TrimSpace(mustRun(t, "", "token", "create", "--user", "ana", "--scope", "read", "--name", "nightly", "--db", db))
	id, err := auth.ParseToken(token)
	if err != nil {
		t.Fatalf("token create printed %q: %v", token, err)
	}
	mustRun(t, "", "token", "revoke", token, "--db", db) // the whole token pasted: only its id is audited

	// The key was created beside the database, not in the working folder.
	if _, err := os.Stat(filepath.Join(dir, "atalaya-audit.key")); err != nil {
		t.Errorf("the audit key is not beside the database: %v", err)
	}
	if _, err := os.Stat("atalaya-audit.key"); err == nil {
		t.Errorf("an audit key was written in the package folder")
	}

	es, out := auditEntries(t, db)
	var got []string
	for i, e := range es {
		if e.Seq != int64(i) || e.Origin != "cli" || e.At.IsZero() {
			t.Errorf("entry %d: %+v", i, e)
		}
		got = append(got, fmt.Sprintf("%s|%s|%s|%s", e.Actor, e.Action, e.Object, e.Reason))
	}
	cli := es[0].Actor
	if !strings.HasPrefix(cli, "cli:") {
		t.Errorf("init's actor is %q; want cli:<OS user>", cli)
	}
	want := []string{
		cli + "|reference.load|reference:embedded|",
		cli + "|ingest|source:us-lapd|",
		cli + "|ingest.commit|batch:1 source:us-lapd|",
		"approver1|release.validate|source:us-lapd area:USA period:2020|checked against the annual report",
		cli + "|user.add|user:ana role:analyst|",
		cli + "|token.create|token:" + id + " user:ana|",
		cli + "|token.revoke|token:" + id + " user:ana|",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	noSecrets(t, "audit log", out, goodPassword, token, token[len(auth.TokenPrefix)+len(id)+1:], "Ana Pérez", "ana@example.org")

	vout := mustRun(t, "", "audit", "verify", "--db", db)
	if wantOK := fmt.Sprintf("OK: %d entries, root ", len(want)); !strings.HasPrefix(vout, wantOK) || strings.Contains(vout, "not yet signed") {
		t.Errorf("audit verify = %q; want %q… with every entry signed", vout, wantOK)
	}

	// An attacker with the database deletes the newest entry (the token's
	// revocation): the checkpoint signed after it names it.
	last := len(want) - 1
	tamper(t, path, fmt.Sprintf(`DELETE FROM audit_entries WHERE seq = %d`, last))
	code, vout, stderr := atalayaIn(t, "", "audit", "verify", "--db", db)
	if wantFail := fmt.Sprintf("FAIL: entry %d missing", last); code != 1 || !strings.HasPrefix(vout, wantFail) {
		t.Errorf("audit verify after deleting entry %d: exit %d %q %s; want exit 1, %q…", last, code, vout, stderr, wantFail)
	}
}

// TestUnauditableCommandFails: a command whose audit entry cannot be
// written fails and changes nothing.
func TestUnauditableCommandFails(t *testing.T) {
	_, db := accountsDB(t)
	path := strings.TrimPrefix(db, "sqlite:")
	keyDir := t.TempDir()

	// A key that cannot be created (its folder would be under a file).
	code, _, stderr := atalayaIn(t, goodPassword, "user", "add", "ana", "--role", "analyst", "--password-stdin", "--db", db,
		"--audit-key", "/dev/null/audit.key")
	if code != 1 || !strings.Contains(stderr, "cannot write the audit entry (user.add user:ana role:analyst)") {
		t.Errorf("user add with an unwritable key: exit %d %s; want 1, cannot write the audit entry", code, stderr)
	}
	// A key file that is not a key.
	bad := filepath.Join(keyDir, "bad.key")
	if err := os.WriteFile(bad, []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := atalayaIn(t, "", "areas", "add", "--code", "MEX", "--name", "México", "--level", "0", "--db", db,
		"--audit-key", bad); code != 1 || !strings.Contains(stderr, "cannot write the audit entry") {
		t.Errorf("areas add with a bad key: exit %d %s; want 1, cannot write the audit entry", code, stderr)
	}
	if out := mustRun(t, "", "user", "list", "--db", db, "--json"); strings.Contains(out, `"ana"`) {
		t.Errorf("user add failed its audit but added the user: %s", out)
	}
	if out := mustRun(t, "", "areas", "--db", db); strings.Contains(out, "MEX") {
		t.Errorf("areas add failed its audit but added the area: %s", out)
	}

	// An audit table broken by hand.
	key := filepath.Join(keyDir, "audit.key")
	s, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Exec(`ALTER TABLE audit_hashes RENAME TO audit_hashes_gone`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if code, _, stderr := atalayaIn(t, goodPassword, "user", "add", "ana", "--role", "analyst", "--password-stdin", "--db", db,
		"--audit-key", key); code != 1 || !strings.Contains(stderr, "cannot write the audit entry") {
		t.Errorf("user add with a broken audit table: exit %d %s; want 1, cannot write the audit entry", code, stderr)
	}
	if out := mustRun(t, "", "user", "list", "--db", db, "--json"); strings.Contains(out, `"ana"`) {
		t.Errorf("user add failed its audit but added the user: %s", out)
	}
}
