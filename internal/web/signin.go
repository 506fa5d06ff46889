package web

import (
	"context"
	"crypto/rand"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
)

var signinTmpl = template.Must(template.New("signin").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in — Atalaya {{.Node}}</title><link rel="stylesheet" href="/static/style.css"></head>
<body>
<header><h1>Sign in — Atalaya {{.Node}}</h1></header>
<main>
{{with .Message}}<p class="error" role="alert">{{.}}</p>{{end}}
<form method="post" action="/signin">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<p><label for="user">Account</label><br><input id="user" name="user" autocomplete="username" required value="{{.User}}"></p>
<p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><label for="code">Code from your authenticator app (if you enrolled one)</label><br><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*"></p>
<p><button type="submit">Sign in</button></p>
</form>
<p>The public needs no account: published figures are on the <a href="/">home page</a>.</p>
</main></body></html>
`))

// TOTPRolesSetting is the node setting that lists, comma-separated, the
// roles whose users must sign in with a TOTP code (RFC 6238), set with
// `atalaya settings totp-roles`. Sign-in reads it every time, so a change
// applies from each user's next sign-in; open sessions are kept. A user of
// such a role without an enrolled key cannot sign in until an admin runs
// `atalaya user totp ID`. API tokens are not affected.
const TOTPRolesSetting = "totp_required_roles"

// ParseTOTPRoles parses a value of TOTPRolesSetting: role names separated
// by commas, or "" or "none" for none. Every name must be a role that signs
// in (not public). The roles are returned once each, from least to most
// trusted.
func ParseTOTPRoles(s string) ([]atalaya.Role, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "none" {
		return nil, nil
	}
	want := map[atalaya.Role]bool{}
	for _, name := range strings.Split(s, ",") {
		role := atalaya.Role(strings.TrimSpace(name))
		switch {
		case role == "":
			return nil, atalaya.Errorf(atalaya.EINVALID, "roles requiring TOTP %q: an empty role name", s)
		case !role.Valid():
			return nil, atalaya.Errorf(atalaya.EINVALID, "roles requiring TOTP: unknown role %q", role)
		case role == atalaya.RolePublic:
			return nil, atalaya.Errorf(atalaya.EINVALID, "roles requiring TOTP: the public does not sign in")
		}
		want[role] = true
	}
	var out []atalaya.Role
	for _, role := range atalaya.Roles() {
		if want[role] {
			out = append(out, role)
		}
	}
	return out, nil
}

// FormatTOTPRoles is the value of TOTPRolesSetting for roles: their names
// joined by commas, "" for none.
func FormatTOTPRoles(roles []atalaya.Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return strings.Join(names, ",")
}

// TOTPRequiredRoles returns the roles that must sign in with a TOTP code
// (none when the setting was never made). A stored value that does not
// parse is an error: sign-in is refused rather than let through without
// the second factor.
func (a *Accounts) TOTPRequiredRoles(ctx context.Context) ([]atalaya.Role, error) {
	v, err := a.Store.Setting(ctx, TOTPRolesSetting)
	if atalaya.ErrorCode(err) == atalaya.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	roles, err := ParseTOTPRoles(string(v))
	if err != nil {
		return nil, atalaya.Errorf(atalaya.EINTERNAL, "the node setting %s is invalid (set it again with `atalaya settings totp-roles`): %v", TOTPRolesSetting, err)
	}
	return roles, nil
}

// RoleRequiresTOTP reports whether users of role must sign in with a TOTP
// code by the node setting TOTPRolesSetting.
func (a *Accounts) RoleRequiresTOTP(ctx context.Context, role atalaya.Role) (bool, error) {
	roles, err := a.TOTPRequiredRoles(ctx)
	if err != nil {
		return false, err
	}
	for _, r := range roles {
		if r == role {
			return true, nil
		}
	}
	return false, nil
}

// dummyPHC is checked against when the account is unknown, disabled or has
// no password, so that the time a refusal takes does not tell which.
var dummyPHC = sync.OnceValue(func() string {
	h, _ := auth.HashPassword(rand.Reader, "no account has this password", auth.DefaultParams())
	return h
})

func (s *Server) accounts(w http.ResponseWriter, r *http.Request) (*Accounts, bool) {
	acc, ok := s.Auth.(*Accounts)
	if !ok {
		s.error(w, r, atalaya.Errorf(atalaya.ENOTFOUND, "sign-in is not configured on this node"))
	}
	return acc, ok
}

// handleSignInForm shows the sign-in form, with a CSRF token bound to a
// pre-sign-in cookie (so that another site cannot sign a browser in to an
// account of its choosing).
func (s *Server) handleSignInForm(w http.ResponseWriter, r *http.Request) {
	acc, ok := s.accounts(w, r)
	if !ok {
		return
	}
	s.renderSignIn(w, r, acc, http.StatusOK, "", "")
}

func (s *Server) renderSignIn(w http.ResponseWriter, r *http.Request, acc *Accounts, status int, user, msg string) {
	c, err := acc.CSRF(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	pre := ""
	if ck, err := r.Cookie(presigninCookie); err == nil && auth.ValidSessionID(ck.Value) {
		pre = ck.Value
	} else {
		if pre, err = auth.NewSessionID(rand.Reader); err != nil {
			s.error(w, r, err)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: presigninCookie, Value: pre, Path: "/signin", MaxAge: 3600,
			HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	signinTmpl.Execute(w, map[string]string{"Node": s.NodeName, "CSRF": c.Token(pre), "User": user, "Message": msg})
}

// handleSignIn checks an account name, a password and, when the account has
// a TOTP key, a code (an account without one is refused if it, or its role
// by the node setting TOTPRolesSetting, must use one); throttled per account and per address. On success it
// starts a new session (a fresh id: a session id planted before sign-in is
// worthless) and redirects to the home page.
func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	acc, ok := s.accounts(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "send the sign-in form (application/x-www-form-urlencoded)"))
		return
	}
	c, err := acc.CSRF(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	pre, err := r.Cookie(presigninCookie)
	if err != nil || !auth.ValidSessionID(pre.Value) || !c.Verify(pre.Value, r.PostForm.Get(csrfField)) {
		s.error(w, r, atalaya.Errorf(atalaya.EFORBIDDEN, "missing or invalid CSRF token: load the sign-in form again"))
		return
	}
	userID, password, code := r.PostForm.Get("user"), r.PostForm.Get("password"), r.PostForm.Get("code")
	addr := origin(r)
	th := acc.throttle()
	if err := th.Allow(userID, addr); err != nil {
		var te *auth.ThrottledError
		if errors.As(err, &te) {
			w.Header().Set("Retry-After", strconv.Itoa(int(te.RetryAfter.Seconds())))
		}
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	refuse := func(object, reason string, status int, msg string) {
		th.Fail(userID, addr)
		if err := s.record(r, "signin.failure", object, reason); err != nil {
			s.error(w, r, err)
			return
		}
		s.checkpoint(r)
		s.renderSignIn(w, r, acc, status, "", msg)
	}
	fail := func(object, reason string) {
		refuse(object, reason, http.StatusUnauthorized, "Wrong account, password or code, or the account is disabled.")
	}
	u, err := acc.Store.User(ctx, userID)
	if atalaya.ErrorCode(err) == atalaya.ENOTFOUND || !atalaya.ValidUserID(userID) {
		auth.VerifyPassword(password, dummyPHC())
		fail("", "unknown account")
		return
	} else if err != nil {
		s.error(w, r, err)
		return
	}
	object := "user:" + u.ID
	if u.Disabled || u.PasswordHash == "" {
		auth.VerifyPassword(password, dummyPHC())
		fail(object, "account disabled or without a password")
		return
	}
	good, err := auth.VerifyPassword(password, u.PasswordHash)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !good {
		fail(object, "wrong password")
		return
	}
	if len(u.TOTPSecret) > 0 {
		step, err := auth.NewTOTP(u.TOTPSecret).Verify(code, acc.now(), u.TOTPLastStep)
		if err != nil {
			fail(object, "wrong or replayed code")
			return
		}
		if err := acc.Store.UseTOTPStep(ctx, u.ID, step); err != nil {
			fail(object, "replayed code")
			return
		}
	} else {
		// No key enrolled: refused if the user or their role must use one.
		// The password was right, so the message may say what to do.
		reason := ""
		if u.TOTPRequired {
			reason = "second factor required but not enrolled"
		} else if byRole, err := acc.RoleRequiresTOTP(ctx, u.Role); err != nil {
			s.error(w, r, err)
			return
		} else if byRole {
			reason = "second factor required for role " + string(u.Role) + " but not enrolled"
		}
		if reason != "" {
			refuse(object, reason, http.StatusForbidden, "This account must sign in with a code from an authenticator app, and none is enrolled yet: "+
				"ask an administrator to run `atalaya user totp "+u.ID+"`.")
			return
		}
	}
	if err := s.record(r, "signin", object, ""); err != nil {
		s.error(w, r, err)
		return
	}
	th.Succeed(userID, addr)
	if auth.NeedsRehash(u.PasswordHash, auth.DefaultParams()) {
		if phc, err := auth.HashPassword(rand.Reader, password, auth.DefaultParams()); err == nil {
			if err := acc.Store.SetPassword(ctx, u.ID, phc); err != nil {
				s.Logger.Error("password rehash", "err", err)
			}
		}
	}
	if old, err := r.Cookie(SessionCookie); err == nil && auth.ValidSessionID(old.Value) {
		acc.Store.DeleteSession(ctx, auth.HashSessionID(old.Value))
	}
	sid, err := auth.NewSessionID(rand.Reader)
	if err != nil {
		s.error(w, r, err)
		return
	}
	now := acc.now()
	if err := acc.Store.AddSession(ctx, atalaya.Session{IDHash: auth.HashSessionID(sid), User: u.ID, Created: now, LastSeen: now, Origin: addr}); err != nil {
		s.error(w, r, err)
		return
	}
	s.checkpoint(r)
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: sid, Path: "/", HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	http.SetCookie(w, &http.Cookie{Name: presigninCookie, Value: "", Path: "/signin", MaxAge: -1, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// handleSignOut ends the session (the guard checked its CSRF token).
func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request) {
	acc, ok := s.accounts(w, r)
	if !ok {
		return
	}
	if id := acc.identityOf(r); id.sessionID != "" {
		if err := s.record(r, "signout", "user:"+id.p.User, ""); err != nil {
			s.error(w, r, err)
			return
		}
		if err := acc.Store.DeleteSession(r.Context(), auth.HashSessionID(id.sessionID)); err != nil {
			s.error(w, r, err)
			return
		}
		s.checkpoint(r)
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
