package web_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
	"github.com/oas-atalaya/atalaya/internal/web"
)

// totpSignIn signs user in with the right password and code, from its own
// address each time (the fixed test clock never refills the per-address
// rate limit).
func totpSignIn(t *testing.T, n *accountsNode, user, code string) *httptest.ResponseRecorder {
	t.Helper()
	totpAddr++
	ck, tok := signInForm(t, n.h)
	return signIn(t, n.h, fmt.Sprintf("192.0.2.%d:4000", totpAddr), ck, tok, user, testPassword, code)
}

var totpAddr int

func sessionOf(rec *httptest.ResponseRecorder) string {
	for _, c := range rec.Result().Cookies() {
		if c.Name == web.SessionCookie && c.Value != "" {
			return c.Value
		}
	}
	return ""
}

func setTOTPRoles(t *testing.T, n *accountsNode, v string) {
	t.Helper()
	if err := n.store.PutSetting(context.Background(), web.TOTPRolesSetting, []byte(v)); err != nil {
		t.Fatal(err)
	}
}

func enrolTOTP(t *testing.T, n *accountsNode, user string) []byte {
	t.Helper()
	ctx := context.Background()
	secret, err := auth.GenerateTOTPSecret(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	u, err := n.store.User(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	u.TOTPSecret = secret
	if err := n.store.PutUser(ctx, u, false); err != nil {
		t.Fatal(err)
	}
	return secret
}

const askAdmin = "ask an administrator to run `atalaya user totp "

// TestTOTPRequiredByRole: a role in the node setting must sign in with a
// code; one without an enrolled key is refused, told what to do, and the
// refusal audited; a role not in the setting signs in with its password
// (unless the user's own flag requires TOTP).
func TestTOTPRequiredByRole(t *testing.T) {
	n := newAccountsNode(t)
	ctx := context.Background()
	setTOTPRoles(t, n, "approver,admin")

	// A required role without a key: refused with the way out.
	rec := totpSignIn(t, n, "approver", "")
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), askAdmin+"approver`") || sessionOf(rec) != "" {
		t.Errorf("approver without a key: %d %s", rec.Code, rec.Body)
	}
	var reasons []string
	n.store.AuditEntries(ctx, atalaya.AuditFilter{}, func(e atalaya.AuditEntry, _ [32]byte) error {
		if e.Action == "signin.failure" && e.Object == "user:approver" {
			reasons = append(reasons, e.Reason)
		}
		return nil
	})
	if len(reasons) != 1 || !strings.Contains(reasons[0], "role approver") {
		t.Errorf("audited failures of approver: %q", reasons)
	}

	// A required role with a key: the code is needed.
	secret := enrolTOTP(t, n, "admin")
	if rec := totpSignIn(t, n, "admin", ""); rec.Code != http.StatusUnauthorized || sessionOf(rec) != "" {
		t.Errorf("admin with a key, no code: %d", rec.Code)
	}
	code, wrong := auth.NewTOTP(secret).Code(now()), "000000"
	if code == wrong {
		wrong = "111111"
	}
	if rec := totpSignIn(t, n, "admin", wrong); rec.Code != http.StatusUnauthorized {
		t.Errorf("admin with a wrong code: %d", rec.Code)
	}
	if rec := totpSignIn(t, n, "admin", code); rec.Code != http.StatusSeeOther || sessionOf(rec) == "" {
		t.Errorf("admin with the code: %d %s", rec.Code, rec.Body)
	}

	// A role not in the setting: the password is enough.
	if rec := totpSignIn(t, n, "analyst", ""); rec.Code != http.StatusSeeOther || sessionOf(rec) == "" {
		t.Errorf("analyst (role not required): %d %s", rec.Code, rec.Body)
	}
	// … unless the user's own flag requires it.
	u, _ := n.store.User(ctx, "steward")
	u.TOTPRequired = true
	if err := n.store.PutUser(ctx, u, false); err != nil {
		t.Fatal(err)
	}
	if rec := totpSignIn(t, n, "steward", ""); rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), askAdmin+"steward`") {
		t.Errorf("steward with the per-user flag: %d %s", rec.Code, rec.Body)
	}

	// A wrong password is still the generic refusal: the message about the
	// second factor is only for who knows the password.
	ck, tok := signInForm(t, n.h)
	rec = signIn(t, n.h, "192.0.2.250:4000", ck, tok, "approver", "not the password", "")
	if rec.Code != http.StatusUnauthorized || strings.Contains(rec.Body.String(), askAdmin) {
		t.Errorf("approver with a wrong password: %d %s", rec.Code, rec.Body)
	}
}

// TestTOTPRoleSettingChange: a change of the setting applies at the next
// sign-in; a session opened before keeps working until it ends.
func TestTOTPRoleSettingChange(t *testing.T) {
	n := newAccountsNode(t)
	rec := totpSignIn(t, n, "analyst", "")
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("analyst before the setting: %d %s", rec.Code, rec.Body)
	}
	n.session["analyst-before"] = sessionOf(rec)

	setTOTPRoles(t, n, "analyst")
	if rec := n.do(n.req("GET", "/api/v1/cube?area=MEX&iccs=01", "", ""), "analyst-before", false); rec.Code != http.StatusOK {
		t.Errorf("the session opened before the change: %d %s", rec.Code, rec.Body)
	}
	if rec := totpSignIn(t, n, "analyst", ""); rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), askAdmin+"analyst`") {
		t.Errorf("analyst after the setting: %d %s", rec.Code, rec.Body)
	}
	secret := enrolTOTP(t, n, "analyst")
	if rec := totpSignIn(t, n, "analyst", auth.NewTOTP(secret).Code(now())); rec.Code != http.StatusSeeOther {
		t.Errorf("analyst with the code: %d %s", rec.Code, rec.Body)
	}

	// Cleared: a role without keys signs in with the password again.
	if rec := totpSignIn(t, n, "approver", ""); rec.Code != http.StatusSeeOther {
		t.Errorf("approver, role never required: %d", rec.Code)
	}
	setTOTPRoles(t, n, "approver")
	if rec := totpSignIn(t, n, "approver", ""); rec.Code != http.StatusForbidden {
		t.Errorf("approver, role required: %d", rec.Code)
	}
	setTOTPRoles(t, n, "")
	if rec := totpSignIn(t, n, "approver", ""); rec.Code != http.StatusSeeOther {
		t.Errorf("approver, setting cleared: %d", rec.Code)
	}

	// A stored value that does not parse refuses sign-in instead of
	// letting it through without the second factor.
	setTOTPRoles(t, n, "approver,root")
	if rec := totpSignIn(t, n, "approver", ""); rec.Code != http.StatusInternalServerError || sessionOf(rec) != "" {
		t.Errorf("approver, invalid setting: %d %s", rec.Code, rec.Body)
	}
}

func TestParseTOTPRoles(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []atalaya.Role
	}{
		{"", nil},
		{"none", nil},
		{" admin , approver,admin", []atalaya.Role{atalaya.RoleApprover, atalaya.RoleAdmin}},
		{"steward", []atalaya.Role{atalaya.RoleSteward}},
	} {
		got, err := web.ParseTOTPRoles(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseTOTPRoles(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"public", "root", "admin,,approver", "Admin", "admin;approver"} {
		if got, err := web.ParseTOTPRoles(in); atalaya.ErrorCode(err) != atalaya.EINVALID {
			t.Errorf("ParseTOTPRoles(%q) = %v, %v; want EINVALID", in, got, err)
		}
	}
	if got := web.FormatTOTPRoles([]atalaya.Role{atalaya.RoleApprover, atalaya.RoleAdmin}); got != "approver,admin" {
		t.Errorf("FormatTOTPRoles = %q", got)
	}
}
