package web

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
	"github.com/oas-atalaya/atalaya/internal/authz"
)

// The users page lists the accounts and lets an admin add one (with an
// initial password, or a one-time password the page makes and shows
// once), change a role and a steward's sources (never their own role:
// authz.PermManageRoles is for others only), disable and enable an
// account (disabling ends its sessions) and reset a password (which ends
// its sessions too). No change may leave the node without an enabled
// admin. Every change is audited before it is made, with the actions of
// `atalaya user …`: user.add, user.role, user.disable, user.enable,
// user.passwd.

// CheckNewUser checks an account before it is stored, as `atalaya user
// add` does: a role that signs in, sources for stewards only and each of
// them known to the node, and an id that is free when create is set.
func CheckNewUser(ctx context.Context, st atalaya.Store, as atalaya.AccountStore, u atalaya.User, create bool) error {
	if !u.Role.Valid() || u.Role == atalaya.RolePublic {
		return atalaya.Errorf(atalaya.EINVALID, "unknown role %q: use steward, analyst, approver or admin", u.Role)
	}
	if err := u.Validate(); err != nil {
		return err
	}
	for _, src := range u.Sources {
		if _, err := st.Source(ctx, src); atalaya.ErrorCode(err) == atalaya.ENOTFOUND {
			return atalaya.Errorf(atalaya.EINVALID, "unknown source %q", src)
		} else if err != nil {
			return err
		}
	}
	if create {
		if _, err := as.User(ctx, u.ID); err == nil {
			return atalaya.Errorf(atalaya.ECONFLICT, "user %s already exists", u.ID)
		} else if atalaya.ErrorCode(err) != atalaya.ENOTFOUND {
			return err
		}
	}
	return nil
}

// NewPasswordHash checks password against the policy for account id and
// returns its argon2id hash, as `atalaya user add` and `user passwd` do.
func NewPasswordHash(id, password string) (string, error) {
	if err := auth.CheckPasswordPolicy(password, id); err != nil {
		return "", err
	}
	return auth.HashPassword(rand.Reader, password, auth.DefaultParams())
}

var onetimeEnc = base32.NewEncoding("abcdefghijkmnpqrstuvwxyz23456789").WithPadding(base32.NoPadding)

// OneTimePassword makes a password for an admin to hand over once: 120
// random bits in groups of five characters without look-alikes (l, o, 0,
// 1), such as "k7dfa-2mzq4-…".
func OneTimePassword() (string, error) {
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	s := onetimeEnc.EncodeToString(b)
	var groups []string
	for len(s) > 5 {
		groups, s = append(groups, s[:5]), s[5:]
	}
	return strings.Join(append(groups, s), "-"), nil
}

// lastAdmin reports whether user is the only enabled admin.
func lastAdmin(ctx context.Context, as atalaya.AccountStore, user string) (bool, error) {
	us, err := as.Users(ctx)
	if err != nil {
		return false, err
	}
	target := false
	for _, u := range us {
		if u.Role != atalaya.RoleAdmin || u.Disabled {
			continue
		}
		if u.ID != user {
			return false, nil
		}
		target = true
	}
	return target, nil
}

// userRow is an account as the page shows it: never a hash or a secret.
type userRow struct {
	ID, Name     string
	Role         atalaya.Role
	Sources      []string
	Disabled     bool
	TOTP         bool // a key is enrolled
	TOTPRequired bool
	Created      time.Time
	Self         bool
}

// Has reports whether the account has source src.
func (u userRow) Has(src string) bool { return slices.Contains(u.Sources, src) }

// workUsers is what work_users.html shows.
type workUsers struct {
	Users   []userRow
	Edit    *userRow // the account whose forms are open (?edit=ID)
	Sources []atalaya.Source
	Roles   []atalaya.Role
	Add     userRow // the add form's values after a refusal
	Shown   *shownPassword
	Error   string
	Notice  string
	MinLen  int
}

// shownPassword is a one-time password, or a new TOTP key's otpauth://
// URI (TOTP set), shown once after it was set.
type shownPassword struct {
	User, Password string
	TOTP           bool
}

// totpIssuer names the node in authenticator apps, as `atalaya user totp`
// does.
const totpIssuer = "Atalaya"

// renderUsers shows the users page.
func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, d workUsers, edit string) {
	acc, p, err := s.workAccounts(r)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	ctx := r.Context()
	us, err := acc.Store.Users(ctx)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	if d.Sources, err = s.Store.Sources(ctx); err != nil {
		s.workError(w, r, err)
		return
	}
	for _, u := range us {
		d.Users = append(d.Users, userRow{ID: u.ID, Name: u.Name, Role: u.Role, Sources: u.Sources, Disabled: u.Disabled,
			TOTP: len(u.TOTPSecret) > 0, TOTPRequired: u.TOTPRequired, Created: u.Created, Self: u.ID == p.User})
	}
	for i := range d.Users {
		if d.Users[i].ID == edit {
			d.Edit = &d.Users[i]
		}
	}
	d.Roles = []atalaya.Role{atalaya.RoleSteward, atalaya.RoleAnalyst, atalaya.RoleApprover, atalaya.RoleAdmin}
	d.MinLen = auth.MinPasswordLen
	if d.Add.Role == "" {
		d.Add.Role = atalaya.RoleAnalyst
	}
	s.render(w, r, status, "work_users.html", s.newPage(w, r, "work", "work.users.title", d))
}

// handleWorkUsers is GET /work/users: the accounts, the add form, and the
// forms of the account named by ?edit=.
func (s *Server) handleWorkUsers(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, http.StatusOK, workUsers{Notice: notice(r)}, r.URL.Query().Get("edit"))
}

// userError shows the users page again with a refusal a person can act on
// (invalid input, a conflict, a rule); other errors get the error page.
func (s *Server) userError(w http.ResponseWriter, r *http.Request, d workUsers, edit string, err error) {
	switch code := atalaya.ErrorCode(err); code {
	case atalaya.EINVALID, atalaya.ECONFLICT, atalaya.EFORBIDDEN:
		d.Error = atalaya.ErrorMessage(err)
		s.renderUsers(w, r, statusOf(code), d, edit)
	default:
		s.workError(w, r, err)
	}
}

// handleWorkUserAdd is POST /work/users: adds an account. Without a
// password the page makes a one-time password and shows it once.
func (s *Server) handleWorkUserAdd(w http.ResponseWriter, r *http.Request) {
	acc, p, err := s.workAccounts(r)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	if err := postForm(w, r, 64<<10); err != nil {
		s.workError(w, r, err)
		return
	}
	ctx := r.Context()
	u := atalaya.User{ID: field(r, "id"), Name: field(r, "name"), Role: atalaya.Role(field(r, "role")),
		Sources: formSources(r), TOTPRequired: field(r, "require_totp") != ""}
	d := workUsers{Add: userRow{ID: u.ID, Name: u.Name, Role: u.Role, Sources: u.Sources, TOTPRequired: u.TOTPRequired}}
	if u.Name == "" {
		u.Name = u.ID
	}
	if err := CheckNewUser(ctx, s.Store, acc.Store, u, true); err != nil {
		s.userError(w, r, d, "", err)
		return
	}
	// Giving the new account its role is a role change too.
	if dec := authz.Decide(p, authz.PermManageRoles, authz.Object{Kind: "account", ID: u.ID, User: u.ID}); !dec.Allowed {
		s.userError(w, r, d, "", refuse(p, dec))
		return
	}
	pw, shown, err := formPassword(r)
	if err == nil {
		u.PasswordHash, err = NewPasswordHash(u.ID, pw)
	}
	if err == nil {
		err = s.record(r, "user.add", "user:"+u.ID+" role:"+string(u.Role), "")
	}
	if err == nil {
		err = acc.Store.PutUser(ctx, u, true)
		s.checkpoint(r)
	}
	if err != nil {
		s.userError(w, r, d, "", err)
		return
	}
	if shown {
		s.renderUsers(w, r, http.StatusCreated, workUsers{Notice: "work.done.user_added", Shown: &shownPassword{User: u.ID, Password: pw}}, u.ID)
		return
	}
	redirectDone(w, r, "/work/users", "user_changed", url.Values{"edit": {u.ID}})
}

// formSources are the sources ticked in a form, sorted.
func formSources(r *http.Request) []string {
	var out []string
	for _, v := range r.PostForm["source"] {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// formPassword is the form's password, or a one-time password when the
// field is empty (shown tells which).
func formPassword(r *http.Request) (pw string, shown bool, err error) {
	if pw = r.PostForm.Get("password"); pw != "" {
		return pw, false, nil
	}
	pw, err = OneTimePassword()
	return pw, true, err
}

// handleWorkUserChange is POST /work/users/{id}: op=role (role and
// sources), op=disable, op=enable, op=password or op=totp (a new key).
func (s *Server) handleWorkUserChange(w http.ResponseWriter, r *http.Request) {
	acc, p, err := s.workAccounts(r)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	if err := postForm(w, r, 64<<10); err != nil {
		s.workError(w, r, err)
		return
	}
	ctx := r.Context()
	id := r.PathValue("id")
	u, err := acc.Store.User(ctx, id)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	var d workUsers
	fail := func(err error) { s.userError(w, r, d, id, err) }
	switch op := field(r, "op"); op {
	case "role":
		if dec := authz.Decide(p, authz.PermManageRoles, authz.Object{Kind: "account", ID: id, User: id}); !dec.Allowed {
			fail(refuse(p, dec))
			return
		}
		nu := u
		nu.Role, nu.Sources = atalaya.Role(field(r, "role")), formSources(r)
		if nu.Role != atalaya.RoleSteward {
			nu.Sources = nil
		}
		if err := CheckNewUser(ctx, s.Store, acc.Store, nu, false); err != nil {
			fail(err)
			return
		}
		if u.Role == atalaya.RoleAdmin && nu.Role != atalaya.RoleAdmin {
			if last, err := lastAdmin(ctx, acc.Store, id); err != nil || last {
				fail(orLastAdmin(err, id))
				return
			}
		}
		obj := "user:" + id + " role:" + string(nu.Role)
		if len(nu.Sources) > 0 {
			obj += " sources:" + strings.Join(nu.Sources, ",")
		}
		if err := s.record(r, "user.role", obj, ""); err != nil {
			fail(err)
			return
		}
		err = acc.Store.PutUser(ctx, nu, false)
		s.checkpoint(r)
		if err != nil {
			fail(err)
			return
		}
		redirectDone(w, r, "/work/users", "user_changed", url.Values{"edit": {id}})
	case "disable", "enable":
		disable := op == "disable"
		if disable && id == p.User {
			fail(atalaya.Errorf(atalaya.EFORBIDDEN, "you cannot disable your own account; another admin must"))
			return
		}
		if disable {
			if last, err := lastAdmin(ctx, acc.Store, id); err != nil || last {
				fail(orLastAdmin(err, id))
				return
			}
		}
		if err := s.record(r, "user."+op, "user:"+id, ""); err != nil {
			fail(err)
			return
		}
		// Disabling deletes the user's sessions (AccountStore.SetDisabled).
		err = acc.Store.SetDisabled(ctx, id, disable)
		s.checkpoint(r)
		if err != nil {
			fail(err)
			return
		}
		redirectDone(w, r, "/work/users", "user_"+op+"d", url.Values{"edit": {id}})
	case "password":
		if id == p.User && r.PostForm.Get("password") == "" {
			fail(atalaya.Errorf(atalaya.EINVALID, "type your own new password: a one-time password would end your session before you could read it"))
			return
		}
		pw, shown, err := formPassword(r)
		var phc string
		if err == nil {
			phc, err = NewPasswordHash(id, pw)
		}
		if err == nil {
			err = s.record(r, "user.passwd", "user:"+id, "")
		}
		if err == nil {
			// SetPassword ends the user's sessions.
			err = acc.Store.SetPassword(ctx, id, phc)
			s.checkpoint(r)
		}
		if err != nil {
			fail(err)
			return
		}
		if id == p.User {
			// The admin's own session ended with the reset.
			http.Redirect(w, r, "/signin", http.StatusSeeOther)
			return
		}
		d.Notice = "work.done.password_reset"
		if shown {
			d.Shown = &shownPassword{User: id, Password: pw}
		}
		s.renderUsers(w, r, http.StatusOK, d, id)
	case "totp":
		// A new TOTP key, replacing any, as `atalaya user totp ID --reset`:
		// its otpauth:// URI is shown once, for the user's authenticator app.
		secret, err := auth.GenerateTOTPSecret(rand.Reader)
		if err == nil {
			err = s.record(r, "user.totp", "user:"+id, "")
		}
		if err == nil {
			u.TOTPSecret, u.TOTPLastStep = secret, 0
			err = acc.Store.PutUser(ctx, u, false)
			s.checkpoint(r)
		}
		if err != nil {
			fail(err)
			return
		}
		d.Notice = "work.done.totp_enrolled"
		d.Shown = &shownPassword{User: id, Password: auth.NewTOTP(secret).KeyURI(totpIssuer, id), TOTP: true}
		s.renderUsers(w, r, http.StatusOK, d, id)
	default:
		fail(atalaya.Errorf(atalaya.EINVALID, "unknown change %q: use role, disable, enable, password or totp", op))
	}
}

// orLastAdmin is err, or the refusal to leave the node without an admin.
func orLastAdmin(err error, id string) error {
	if err != nil {
		return err
	}
	return atalaya.Errorf(atalaya.ECONFLICT, "%s is the only enabled admin: make another account admin first, or nobody could run the node", id)
}
