package web

import (
	"crypto/rand"
	"errors"
	"html/template"
	"net/http"
	"strconv"
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
// a TOTP key, a code; throttled per account and per address. On success it
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
	fail := func(object, reason string) {
		th.Fail(userID, addr)
		if err := s.record(r, "signin.failure", object, reason); err != nil {
			s.error(w, r, err)
			return
		}
		s.checkpoint(r)
		s.renderSignIn(w, r, acc, http.StatusUnauthorized, "", "Wrong account, password or code, or the account is disabled.")
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
	if u.TOTPSecret != nil {
		step, err := auth.NewTOTP(u.TOTPSecret).Verify(code, acc.now(), u.TOTPLastStep)
		if err != nil {
			fail(object, "wrong or replayed code")
			return
		}
		if err := acc.Store.UseTOTPStep(ctx, u.ID, step); err != nil {
			fail(object, "replayed code")
			return
		}
	} else if u.TOTPRequired {
		fail(object, "second factor required but not enrolled")
		return
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
