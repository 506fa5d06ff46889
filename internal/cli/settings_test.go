package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/web"
)

// TestSettingsTOTPRolesCommand: print, set (validated, normalised,
// audited with the new value, warning of users without a key) and clear
// the roles that must sign in with a TOTP code.
func TestSettingsTOTPRolesCommand(t *testing.T) {
	_, db := accountsDB(t)
	if out := mustRun(t, "", "settings", "totp-roles", "--db", db); out != "none\n" {
		t.Errorf("never set: %q", out)
	}
	mustRun(t, goodPassword, "user", "add", "ana", "--role", "approver", "--password-stdin", "--db", db)

	code, out, stderr := atalayaIn(t, "", "settings", "totp-roles", "admin, approver,admin", "--db", db)
	if code != 0 || !strings.Contains(out, "approver,admin") {
		t.Fatalf("set: exit %d %q %s", code, out, stderr)
	}
	if !strings.Contains(stderr, "ana (approver) has no TOTP key") || !strings.Contains(stderr, "atalaya user totp ana") {
		t.Errorf("no warning about ana, who has no key: %q", stderr)
	}
	if out := mustRun(t, "", "settings", "totp-roles", "--db", db); out != "approver,admin\n" {
		t.Errorf("after set: %q", out)
	}
	v, err := openAccounts(t, db).Setting(context.Background(), web.TOTPRolesSetting)
	if err != nil || string(v) != "approver,admin" {
		t.Errorf("stored setting %q %v", v, err)
	}

	// Invalid values change nothing and write no audit entry.
	for _, bad := range [][]string{{"root"}, {"public"}, {"admin,,analyst"}, {"admin", "analyst"}, {""}} {
		code, _, stderr := atalayaIn(t, "", append([]string{"settings", "totp-roles", "--db", db}, bad...)...)
		if code == 0 || stderr == "" {
			t.Errorf("totp-roles %q: exit %d %q", bad, code, stderr)
		}
	}
	if out := mustRun(t, "", "settings", "totp-roles", "--db", db); out != "approver,admin\n" {
		t.Errorf("after invalid values: %q", out)
	}

	mustRun(t, "", "settings", "totp-roles", "none", "--db", db)
	if out := mustRun(t, "", "settings", "totp-roles", "--db", db); out != "none\n" {
		t.Errorf("after none: %q", out)
	}

	es, _ := auditEntries(t, db)
	var got []string
	for _, e := range es {
		if strings.HasPrefix(e.Action, "settings.") {
			got = append(got, e.Action+" "+e.Object)
		}
	}
	want := []string{
		"settings.totp_roles setting:totp_required_roles=approver,admin",
		"settings.totp_roles setting:totp_required_roles=none",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if out := mustRun(t, "", "audit", "verify", "--db", db); !strings.HasPrefix(out, "OK: ") || strings.Contains(out, "not yet signed") {
		t.Errorf("audit verify: %q", out)
	}

	if code, _, _ := atalayaIn(t, "", "settings"); code != 2 {
		t.Errorf("settings without a subcommand: exit %d", code)
	}
	if code, _, _ := atalayaIn(t, "", "settings", "colour"); code != 2 {
		t.Errorf("unknown setting: exit %d", code)
	}
}
