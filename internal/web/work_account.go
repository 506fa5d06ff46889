package web

import (
	"net/http"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
)

// workAccount is what work_account.html shows: the user's own account.
type workAccount struct {
	User   userRow
	MinLen int
	Error  string // catalogue key of why the change was refused
	Detail string // the password policy's reason (in English, as internal/auth gives it)
}

// renderAccount shows the account page.
func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, msg, detail string) {
	acc, p, err := s.workAccounts(r)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	u, err := acc.Store.User(r.Context(), p.User)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	d := workAccount{User: userRow{ID: u.ID, Name: u.Name, Role: u.Role, Sources: u.Sources, TOTP: len(u.TOTPSecret) > 0,
		TOTPRequired: u.TOTPRequired, Created: u.Created}, MinLen: auth.MinPasswordLen, Error: msg, Detail: detail}
	s.render(w, r, status, "work_account.html", s.newPage(w, r, "work", "work.account.title", d))
}

// handleWorkAccount is GET /work/account: the user's own account and the
// form to change their password (after a one-time password, say).
func (s *Server) handleWorkAccount(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, "", "")
}

// handleWorkAccountPost is POST /work/account: changes the user's own
// password. The current password is checked, and its failures count
// against the sign-in throttle, so that a session left open does not let
// anyone guess it. The change is audited as user.passwd and ends the
// user's sessions, this one included: they sign in again.
func (s *Server) handleWorkAccountPost(w http.ResponseWriter, r *http.Request) {
	acc, p, err := s.workAccounts(r)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	if err := postForm(w, r, 16<<10); err != nil {
		s.workError(w, r, err)
		return
	}
	ctx := r.Context()
	u, err := acc.Store.User(ctx, p.User)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	th, addr := acc.throttle(), origin(r)
	if err := th.Allow(u.ID, addr); err != nil {
		s.workError(w, r, err)
		return
	}
	current, next := r.PostForm.Get("current"), r.PostForm.Get("password")
	if good, err := auth.VerifyPassword(current, u.PasswordHash); err != nil || !good {
		th.Fail(u.ID, addr)
		s.renderAccount(w, r, http.StatusBadRequest, "work.account.wrong", "")
		return
	}
	th.Succeed(u.ID, addr)
	if next != r.PostForm.Get("again") {
		s.renderAccount(w, r, http.StatusBadRequest, "work.account.differ", "")
		return
	}
	phc, err := NewPasswordHash(u.ID, next)
	if err == nil {
		err = s.record(r, "user.passwd", "user:"+u.ID, "own")
	}
	if err == nil {
		err = acc.Store.SetPassword(ctx, u.ID, phc) // ends the user's sessions
		s.checkpoint(r)
	}
	if atalaya.ErrorCode(err) == atalaya.EINVALID {
		s.renderAccount(w, r, http.StatusBadRequest, "work.account.policy", atalaya.ErrorMessage(err))
		return
	} else if err != nil {
		s.workError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}
