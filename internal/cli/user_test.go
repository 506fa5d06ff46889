package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	domain "github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
	"github.com/oas-atalaya/atalaya/internal/cli"
	"github.com/oas-atalaya/atalaya/internal/sqlite"
)

// atalayaIn runs the command line with stdin as standard input.
func atalayaIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Now: time.Now, Logger: discardLogger()}
	code := cli.Run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

// accountsDB makes a database with the source mx-sesnsp and returns its
// folder and --db URL.
func accountsDB(t *testing.T) (dir, db string) {
	t.Helper()
	dir = t.TempDir()
	path := filepath.Join(dir, "a.db")
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.PutSource(context.Background(), domain.Source{ID: "mx-sesnsp", Agency: "SESNSP", Type: domain.SourcePolice, Country: "MEX"}); err != nil {
		t.Fatal(err)
	}
	return dir, "sqlite:" + path
}

// openAccounts opens the database at url for a direct look.
func openAccounts(t *testing.T, db string) *sqlite.DB {
	t.Helper()
	s, err := sqlite.Open(context.Background(), strings.TrimPrefix(db, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// mustRun runs a command that must succeed and returns its standard output.
func mustRun(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	code, out, stderr := atalayaIn(t, stdin, args...)
	if code != 0 {
		t.Fatalf("atalaya %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
	return out
}

// noSecrets fails if out holds a password hash, a TOTP secret or a token.
func noSecrets(t *testing.T, what, out string, secrets ...string) {
	t.Helper()
	for _, s := range append([]string{"$argon2id$", auth.TokenPrefix}, secrets...) {
		if s != "" && strings.Contains(out, s) {
			t.Errorf("%s shows a secret (%q):\n%s", what, s, out)
		}
	}
}

const goodPassword = "correct horse battery staple"

func TestUserAddCommand(t *testing.T) {
	_, db := accountsDB(t)
	mustRun(t, goodPassword+"\n", "user", "add", "ana", "--role", "steward", "--source", "mx-sesnsp", "--name", "Ana Pérez", "--password-stdin", "--db", db)
	mustRun(t, goodPassword+"\r\n", "user", "add", "beto", "--role", "analyst", "--password-stdin", "--db", db)
	mustRun(t, goodPassword, "user", "add", "carla", "--role", "approver", "--password-stdin", "--db", db)
	out := mustRun(t, goodPassword, "user", "add", "--db", db, "dora", "--role", "admin", "--password-stdin", "--require-totp")
	if out != "added user dora (admin)\n" {
		t.Errorf("user add output = %q", out)
	}

	s := openAccounts(t, db)
	for id, role := range map[string]domain.Role{"ana": domain.RoleSteward, "beto": domain.RoleAnalyst, "carla": domain.RoleApprover, "dora": domain.RoleAdmin} {
		u, err := s.User(context.Background(), id)
		if err != nil {
			t.Fatalf("User(%s): %v", id, err)
		}
		if u.Role != role {
			t.Errorf("%s: role %s; want %s", id, u.Role, role)
		}
		// The password is stored as argon2id only; a trailing CR is not part of it.
		if ok, err := auth.VerifyPassword(goodPassword, u.PasswordHash); !ok || err != nil {
			t.Errorf("%s: VerifyPassword = %v, %v; want true", id, ok, err)
		}
		if strings.Contains(u.PasswordHash, goodPassword) {
			t.Errorf("%s: the stored hash holds the password", id)
		}
	}
	if u, _ := s.User(context.Background(), "ana"); u.Name != "Ana Pérez" || len(u.Sources) != 1 || u.Sources[0] != "mx-sesnsp" {
		t.Errorf("ana = %+v", u)
	}
	if u, _ := s.User(context.Background(), "dora"); !u.TOTPRequired {
		t.Errorf("dora: TOTPRequired false after --require-totp")
	}

	table := mustRun(t, "", "user", "list", "--db", db)
	for _, want := range []string{"ana   ", "steward", "mx-sesnsp", "dora", "required", "active"} {
		if !strings.Contains(table, want) {
			t.Errorf("user list does not show %q:\n%s", want, table)
		}
	}
	noSecrets(t, "user list", table)
	js := mustRun(t, "", "user", "list", "--json", "--db", db)
	noSecrets(t, "user list --json", js)
	var views []map[string]any
	if err := json.Unmarshal([]byte(js), &views); err != nil || len(views) != 4 {
		t.Fatalf("user list --json: %v, %d users\n%s", err, len(views), js)
	}
	if views[0]["id"] != "ana" || views[0]["role"] != "steward" || views[3]["totp_required"] != true {
		t.Errorf("user list --json = %v", views)
	}
	for _, v := range views {
		if len(v) != 9 {
			t.Errorf("user list --json: fields %v; want exactly id, name, role, sources, totp, totp_required, disabled, created, updated", v)
		}
	}
}

func TestUserAddCommand_Errors(t *testing.T) {
	_, db := accountsDB(t)
	mustRun(t, goodPassword, "user", "add", "ana", "--role", "analyst", "--password-stdin", "--db", db)
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"unknown role", goodPassword, []string{"user", "add", "x", "--role", "superuser", "--password-stdin"}, 1, `unknown role "superuser": use steward, analyst, approver, admin`},
		{"public role", goodPassword, []string{"user", "add", "x", "--role", "public", "--password-stdin"}, 1, `unknown role "public"`},
		{"no role", goodPassword, []string{"user", "add", "x", "--password-stdin"}, 2, "needs --role"},
		{"steward without source", goodPassword, []string{"user", "add", "x", "--role", "steward", "--password-stdin"}, 1, "a steward needs --source"},
		{"unknown source", goodPassword, []string{"user", "add", "x", "--role", "steward", "--source", "mx-nada", "--password-stdin"}, 1, `unknown source "mx-nada"`},
		{"analyst with source", goodPassword, []string{"user", "add", "x", "--role", "analyst", "--source", "mx-sesnsp", "--password-stdin"}, 1, "only stewards"},
		{"upper-case id", goodPassword, []string{"user", "add", "Ana", "--role", "analyst", "--password-stdin"}, 1, `user id "Ana"`},
		{"short password", "short-pass\n", []string{"user", "add", "x", "--role", "analyst", "--password-stdin"}, 1, "at least 12 characters (it has 10)"},
		{"common password", "password1234\n", []string{"user", "add", "x", "--role", "analyst", "--password-stdin"}, 1, "too common"},
		{"password with the name", "xavier-and-more-words\n", []string{"user", "add", "xavier", "--role", "analyst", "--password-stdin"}, 1, "must not contain the user name"},
		{"empty stdin", "", []string{"user", "add", "x", "--role", "analyst", "--password-stdin"}, 1, "no password on standard input"},
		{"no terminal", "", []string{"user", "add", "x", "--role", "analyst"}, 2, "use --password-stdin"},
		{"exists", goodPassword, []string{"user", "add", "ana", "--role", "analyst", "--password-stdin"}, 1, "user ana already exists"},
		{"two ids", goodPassword, []string{"user", "add", "x", "y", "--role", "analyst", "--password-stdin"}, 2, "takes one ID"},
		{"passwd unknown user", goodPassword, []string{"user", "passwd", "nadie", "--password-stdin"}, 1, `no user "nadie"`},
		{"disable unknown user", "", []string{"user", "disable", "nadie"}, 1, `no user "nadie"`},
		{"totp unknown user", "", []string{"user", "totp", "nadie"}, 1, `no user "nadie"`},
		{"unknown subcommand", "", []string{"user", "remove"}, 2, "use add, passwd, disable, enable, list or totp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := atalayaIn(t, tt.stdin, append(tt.args, "--db", db)...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
	users, err := openAccounts(t, db).Users(context.Background())
	if err != nil || len(users) != 1 {
		t.Errorf("after the refused adds: %d users (%v); want 1", len(users), err)
	}
}

func TestUserPasswdDisableCommands(t *testing.T) {
	_, db := accountsDB(t)
	mustRun(t, goodPassword, "user", "add", "ana", "--role", "analyst", "--password-stdin", "--db", db)
	s := openAccounts(t, db)
	ctx := context.Background()
	now := time.Now()
	addSession := func(hash string) {
		t.Helper()
		if err := s.AddSession(ctx, domain.Session{IDHash: hash, User: "ana", Created: now, LastSeen: now, Origin: "192.0.2.1"}); err != nil {
			t.Fatalf("AddSession: %v", err)
		}
	}
	gone := func(hash, after string) {
		t.Helper()
		if _, err := s.Session(ctx, hash); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("session after %s: %v; want ENOTFOUND", after, err)
		}
	}

	addSession(auth.HashSessionID("s1"))
	if code, _, stderr := atalayaIn(t, "short\n", "user", "passwd", "ana", "--password-stdin", "--db", db); code != 1 || !strings.Contains(stderr, "at least 12") {
		t.Errorf("weak passwd: exit %d %q", code, stderr)
	}
	if _, err := s.Session(ctx, auth.HashSessionID("s1")); err != nil {
		t.Errorf("a refused passwd ended the session: %v", err)
	}
	mustRun(t, "another long passphrase\n", "user", "passwd", "ana", "--password-stdin", "--db", db)
	gone(auth.HashSessionID("s1"), "passwd")
	u, _ := s.User(ctx, "ana")
	if ok, _ := auth.VerifyPassword("another long passphrase", u.PasswordHash); !ok {
		t.Errorf("the new password does not verify")
	}

	addSession(auth.HashSessionID("s2"))
	if out := mustRun(t, "", "user", "disable", "ana", "--db", db); !strings.Contains(out, "disabled ana") {
		t.Errorf("user disable output %q", out)
	}
	gone(auth.HashSessionID("s2"), "disable")
	if table := mustRun(t, "", "user", "list", "--db", db); !strings.Contains(table, "disabled") {
		t.Errorf("user list does not show ana disabled:\n%s", table)
	}
	if code, _, stderr := atalayaIn(t, "", "token", "create", "--user", "ana", "--scope", "read", "--db", db); code != 1 || !strings.Contains(stderr, "disabled") {
		t.Errorf("token for a disabled user: exit %d %q", code, stderr)
	}
	mustRun(t, "", "user", "enable", "ana", "--db", db)
	if u, _ := s.User(ctx, "ana"); u.Disabled {
		t.Errorf("ana still disabled after enable")
	}
}

func TestUserTOTPCommand(t *testing.T) {
	_, db := accountsDB(t)
	mustRun(t, goodPassword, "user", "add", "ana", "--role", "approver", "--password-stdin", "--db", db)
	code, out, stderr := atalayaIn(t, "", "user", "totp", "ana", "--db", db)
	if code != 0 || !strings.Contains(stderr, "shown only now") {
		t.Fatalf("user totp: exit %d\n%s%s", code, out, stderr)
	}
	k, issuer, account, err := auth.ParseKeyURI(strings.TrimSpace(out))
	if err != nil || issuer != "Atalaya" || account != "ana" {
		t.Fatalf("ParseKeyURI(%q) = %v, %q, %q", out, err, issuer, account)
	}
	u, _ := openAccounts(t, db).User(context.Background(), "ana")
	if !bytes.Equal(u.TOTPSecret, k.Secret) {
		t.Errorf("stored secret differs from the URI's")
	}
	list := mustRun(t, "", "user", "list", "--json", "--db", db)
	noSecrets(t, "user list", list, auth.EncodeSecret(k.Secret))
	if !strings.Contains(list, `"totp":true`) {
		t.Errorf("user list does not show the enrolment: %s", list)
	}
	if code, _, stderr := atalayaIn(t, "", "user", "totp", "ana", "--db", db); code != 1 || !strings.Contains(stderr, "--reset") {
		t.Errorf("second user totp: exit %d %q", code, stderr)
	}
	out2 := mustRun(t, "", "user", "totp", "ana", "--reset", "--db", db)
	if out2 == out {
		t.Errorf("--reset printed the same key")
	}
}

func TestTokenCommands(t *testing.T) {
	dir, db := accountsDB(t)
	mustRun(t, goodPassword, "user", "add", "ana", "--role", "steward", "--source", "mx-sesnsp", "--password-stdin", "--db", db)
	mustRun(t, goodPassword, "user", "add", "beto", "--role", "analyst", "--password-stdin", "--db", db)
	code, out, stderr := atalayaIn(t, "", "token", "create", "--user", "ana", "--scope", "ingest,read", "--name", "nightly upload", "--db", db)
	if code != 0 {
		t.Fatalf("token create: exit %d %s", code, stderr)
	}
	token := strings.TrimSpace(out)
	id, err := auth.ParseToken(token)
	if err != nil || strings.Count(out, "\n") != 1 {
		t.Fatalf("token create printed %q: %v", out, err)
	}
	if !strings.Contains(stderr, "shown only now") || strings.Contains(stderr, token) {
		t.Errorf("token create stderr %q", stderr)
	}
	mustRun(t, "", "token", "create", "--user", "beto", "--scope", "read", "--ttl", "1h", "--db", db)

	// Only the hash is stored: read the row back, then every byte of the
	// database files.
	s := openAccounts(t, db)
	rec, err := s.Token(context.Background(), id)
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if rec.Hash != auth.HashToken(token) || rec.User != "ana" || rec.Name != "nightly upload" ||
		strings.Join(rec.Scopes, ",") != "ingest,read" || rec.Expires.Sub(rec.Created) != cli.DefaultTokenTTL {
		t.Errorf("stored token %+v", rec)
	}
	raw, err := sql.Open("sqlite", strings.TrimPrefix(db, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var hash, scopes string
	if err := raw.QueryRow(`SELECT hash, scopes FROM api_tokens WHERE id = ?`, id).Scan(&hash, &scopes); err != nil {
		t.Fatal(err)
	}
	if hash != auth.HashToken(token) || strings.Contains(hash+scopes, token) {
		t.Errorf("api_tokens row: hash %q scopes %q", hash, scopes)
	}
	secret := token[strings.LastIndex(token, "_")+1:]
	files, _ := filepath.Glob(filepath.Join(dir, "a.db*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(secret)) || bytes.Contains(b, []byte(goodPassword)) {
			t.Errorf("%s holds the token secret or a password", filepath.Base(f))
		}
	}

	list := mustRun(t, "", "token", "list", "--db", db)
	noSecrets(t, "token list", list, secret, hash)
	if !strings.Contains(list, id) || !strings.Contains(list, "nightly upload") || !strings.Contains(list, "ingest,read") {
		t.Errorf("token list:\n%s", list)
	}
	js := mustRun(t, "", "token", "list", "--user", "ana", "--json", "--db", db)
	noSecrets(t, "token list --json", js, secret, hash)
	var views []map[string]any
	if err := json.Unmarshal([]byte(js), &views); err != nil || len(views) != 1 || views[0]["status"] != "active" {
		t.Errorf("token list --user ana --json: %v\n%s", err, js)
	}

	if out := mustRun(t, "", "token", "revoke", id, "--db", db); out != "revoked token "+id+"\n" {
		t.Errorf("token revoke output %q", out)
	}
	if rec, _ := s.Token(context.Background(), id); rec.Revoked == nil {
		t.Errorf("token not revoked")
	}
	js = mustRun(t, "", "token", "list", "--user", "ana", "--json", "--db", db)
	if !strings.Contains(js, `"status":"revoked"`) {
		t.Errorf("token list after revoke: %s", js)
	}

	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"token", "revoke", "nope"}, 1, `no token "nope"`},
		{[]string{"token", "create", "--user", "nadie", "--scope", "read"}, 1, `no user "nadie"`},
		{[]string{"token", "create", "--user", "ana", "--scope", "everything"}, 1, `unknown token scope "everything"`},
		{[]string{"token", "create", "--user", "ana"}, 1, "at least one scope"},
		{[]string{"token", "create", "--user", "ana", "--scope", "read", "--ttl", "0"}, 1, "a token must expire"},
		{[]string{"token", "create", "--scope", "read"}, 2, "needs --user"},
		{[]string{"token", "list", "--user", "nadie"}, 1, `no user "nadie"`},
		{[]string{"token", "delete"}, 2, "use create, revoke or list"},
	} {
		code, out, stderr := atalayaIn(t, "", append(tt.args, "--db", db)...)
		if code != tt.code || !strings.Contains(stderr, tt.want) || strings.Contains(out, auth.TokenPrefix) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and %q", tt.args, code, out, stderr, tt.code, tt.want)
		}
	}
}
