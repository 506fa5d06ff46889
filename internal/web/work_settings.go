package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
)

// workSettings is what work_settings.html shows.
type workSettings struct {
	Roles    []roleChoice
	NoKey    []userRow // users of the ticked roles who have no TOTP key
	Idle     time.Duration
	Absolute time.Duration
	Error    string
	Notice   string
}

// roleChoice is one role of the TOTP setting's checkboxes.
type roleChoice struct {
	Role    atalaya.Role
	Checked bool
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, d workSettings, want []atalaya.Role) {
	acc, _, err := s.workAccounts(r)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	ctx := r.Context()
	if want == nil && d.Error == "" {
		if want, err = acc.TOTPRequiredRoles(ctx); err != nil {
			s.workError(w, r, err)
			return
		}
	}
	for _, role := range []atalaya.Role{atalaya.RoleSteward, atalaya.RoleAnalyst, atalaya.RoleApprover, atalaya.RoleAdmin} {
		d.Roles = append(d.Roles, roleChoice{role, slices.Contains(want, role)})
	}
	us, err := acc.Store.Users(ctx)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	for _, u := range us {
		if slices.Contains(want, u.Role) && len(u.TOTPSecret) == 0 && !u.Disabled {
			d.NoKey = append(d.NoKey, userRow{ID: u.ID, Name: u.Name, Role: u.Role})
		}
	}
	d.Idle, d.Absolute = acc.Timeouts.Idle, acc.Timeouts.Absolute
	if d.Idle <= 0 {
		d.Idle = auth.DefaultIdleTimeout
	}
	if d.Absolute <= 0 {
		d.Absolute = auth.DefaultAbsoluteTimeout
	}
	s.render(w, r, status, "work_settings.html", s.newPage(w, r, "work", "work.settings.title", d))
}

// handleWorkSettings is GET /work/settings: which roles must sign in with
// a TOTP code (the setting of `atalaya settings totp-roles`), and the
// session timeouts, which the node is started with (not stored settings).
func (s *Server) handleWorkSettings(w http.ResponseWriter, r *http.Request) {
	s.renderSettings(w, r, http.StatusOK, workSettings{Notice: notice(r)}, nil)
}

// handleWorkSettingsPost is POST /work/settings: sets the roles that must
// sign in with a TOTP code (role=…, repeated), audited as
// settings.totp_roles with the new value, as the command line does. It
// refuses to require a code of admins while no enabled admin has a key:
// at their next sign-in no admin could get in.
func (s *Server) handleWorkSettingsPost(w http.ResponseWriter, r *http.Request) {
	acc, _, err := s.workAccounts(r)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	if err := postForm(w, r, 16<<10); err != nil {
		s.workError(w, r, err)
		return
	}
	ctx := r.Context()
	roles, err := ParseTOTPRoles(strings.Join(r.PostForm["role"], ","))
	if err == nil && slices.Contains(roles, atalaya.RoleAdmin) {
		err = adminsCanSignIn(ctx, acc.Store)
	}
	value := FormatTOTPRoles(roles)
	if err == nil {
		err = s.record(r, "settings.totp_roles", "setting:"+TOTPRolesSetting+"="+orNoneValue(value), "")
	}
	if err == nil {
		err = acc.Store.PutSetting(ctx, TOTPRolesSetting, []byte(value))
		s.checkpoint(r)
	}
	if err != nil {
		if code := atalaya.ErrorCode(err); code == atalaya.EINVALID || code == atalaya.ECONFLICT {
			s.renderSettings(w, r, statusOf(code), workSettings{Error: atalaya.ErrorMessage(err)}, roles)
			return
		}
		s.workError(w, r, err)
		return
	}
	redirectDone(w, r, "/work/settings", "settings_saved", nil)
}

// adminsCanSignIn checks that some enabled admin has a TOTP key, before
// admins must give a code.
func adminsCanSignIn(ctx context.Context, as atalaya.AccountStore) error {
	us, err := as.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range us {
		if u.Role == atalaya.RoleAdmin && !u.Disabled && len(u.TOTPSecret) > 0 {
			return nil
		}
	}
	return atalaya.Errorf(atalaya.ECONFLICT, "no enabled admin has a TOTP key: requiring one of admins would lock every admin out; enrol a key first (atalaya user totp ID)")
}

// orNoneValue is the setting's value in audit entries: "none" for none,
// as `atalaya settings totp-roles` writes it.
func orNoneValue(v string) string {
	if v == "" {
		return "none"
	}
	return v
}

// workSource is a source as the sources page shows it.
type workSource struct {
	atalaya.Source
	Profiles  []string
	CodeLists []string
	Stewards  []string
	Batches   int
	Last      *atalaya.Batch
}

// handleWorkSources is GET /work/sources: the node's sources with their
// built-in profiles, code lists, stewards and latest batch. Sources are
// added by the profiles and `atalaya ingest`; this page only lists them.
func (s *Server) handleWorkSources(w http.ResponseWriter, r *http.Request) {
	acc, _, err := s.workAccounts(r)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	ctx := r.Context()
	srcs, err := s.Store.Sources(ctx)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	ps, err := builtinProfiles()
	if err != nil {
		s.workError(w, r, err)
		return
	}
	us, err := acc.Store.Users(ctx)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	if err := s.record(r, "read.batches", "batches", ""); err != nil {
		s.workError(w, r, err)
		return
	}
	var out []workSource
	for _, src := range srcs {
		ws := workSource{Source: src}
		for _, p := range ps {
			if p.Source == src.ID {
				ws.Profiles = append(ws.Profiles, p.Name)
				if p.CodeList != "" && p.CodeList != "iccs" && !slices.Contains(ws.CodeLists, p.CodeList) {
					ws.CodeLists = append(ws.CodeLists, p.CodeList)
				}
			}
		}
		for _, u := range us {
			if slices.Contains(u.Sources, src.ID) {
				ws.Stewards = append(ws.Stewards, u.ID)
			}
		}
		bs, err := s.Store.Batches(ctx, atalaya.BatchFilter{Source: src.ID})
		if err != nil {
			s.workError(w, r, err)
			return
		}
		ws.Batches = len(bs)
		if len(bs) > 0 {
			ws.Last = &bs[0]
		}
		out = append(out, ws)
	}
	s.render(w, r, http.StatusOK, "work_sources.html", s.newPage(w, r, "work", "work.sources.title", out))
}
