package web

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
	"github.com/oas-atalaya/atalaya/internal/authz"
)

// maxTokenTTLHours bounds the lifetime of a token made through the API: a
// year.
const maxTokenTTLHours = 8760

// tokenJSON is a token as the API shows it: never its hash, never the
// token itself (which only the answer to its creation holds, once).
type tokenJSON struct {
	ID       string   `json:"id"`
	User     string   `json:"user"`
	Name     string   `json:"name"`
	Scopes   []string `json:"scopes"`
	Created  string   `json:"created"`
	Expires  *string  `json:"expires"`
	Revoked  *string  `json:"revoked"`
	LastUsed *string  `json:"last_used"`
}

func timeJSON(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func optTimeJSON(t *time.Time) *string {
	if t == nil || t.IsZero() {
		return nil
	}
	s := timeJSON(*t)
	return &s
}

func tokenInfo(t atalaya.TokenRecord) tokenJSON {
	out := tokenJSON{ID: t.ID, User: t.User, Name: t.Name, Scopes: append([]string{}, t.Scopes...),
		Created: timeJSON(t.Created), Revoked: optTimeJSON(t.Revoked), LastUsed: optTimeJSON(t.LastUsed)}
	if !t.Expires.IsZero() {
		out.Expires = optTimeJSON(&t.Expires)
	}
	return out
}

// tokenAccounts returns the node's accounts and the principal of r, for the
// token routes: they need accounts (404 without), a signed-in user and a
// browser session (an API token may never manage tokens).
func (s *Server) tokenAccounts(r *http.Request) (*Accounts, authz.Principal, error) {
	acc, ok := s.Auth.(*Accounts)
	if !ok || acc.Store == nil {
		return nil, authz.Principal{}, atalaya.Errorf(atalaya.ENOTFOUND, "this node has no accounts, hence no API tokens to manage here; use `atalaya token`")
	}
	p := acc.Principal(r)
	if p.User == "" {
		return nil, p, atalaya.Errorf(atalaya.EUNAUTHORIZED, "sign in first: API tokens belong to accounts")
	}
	if p.ViaToken() {
		return nil, p, atalaya.Errorf(atalaya.EFORBIDDEN, "an API token cannot create, list or revoke API tokens; sign in to do it")
	}
	return acc, p, nil
}

// handleTokens lists API tokens: the caller's own; an admin's, everybody's
// or one user's (?user=ID).
func (s *Server) handleTokens(w http.ResponseWriter, r *http.Request) {
	acc, p, err := s.tokenAccounts(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	user := r.URL.Query().Get("user")
	admin := authz.Decide(p, authz.PermRevokeAnyToken, authz.Object{Kind: "token"}).Allowed
	switch {
	case admin:
		// user "" lists every token.
	case user == "" || user == p.User:
		user = p.User
	default:
		d := authz.Decide(p, authz.PermManageOwnTokens, authz.Object{Kind: "token", Owner: user})
		s.error(w, r, refuse(p, d))
		return
	}
	recs, err := acc.Store.Tokens(r.Context(), user)
	if err != nil {
		s.error(w, r, err)
		return
	}
	out := make([]tokenJSON, 0, len(recs))
	for _, t := range recs {
		out = append(out, tokenInfo(t))
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
}

// tokenRequest is the body of POST /api/v1/tokens.
type tokenRequest struct {
	Name     string   `json:"name"`
	Scopes   []string `json:"scopes"`
	TTLHours int      `json:"ttl_hours"`
}

// roleCanUse reports whether role holds, under some condition, a
// permission that scope covers: a token with a scope its owner's role could
// never use is refused.
func roleCanUse(role atalaya.Role, scope auth.Scope) bool {
	for _, rule := range authz.Matrix() {
		if rule.Role == role && rule.Cond != authz.No && rule.Cond != "" && slices.Contains(rule.Perm.Scopes(), string(scope)) {
			return true
		}
	}
	return false
}

// handleCreateToken makes an API token for the signed-in user. Only its
// hash is stored; the token is in the answer, once.
func (s *Server) handleCreateToken(w http.ResponseWriter, r *http.Request) {
	acc, p, err := s.tokenAccounts(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.authorizeObject(r, ActionTokens, authz.Object{Kind: "token", Owner: p.User}); err != nil {
		s.error(w, r, err)
		return
	}
	var req tokenRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "the body must be a JSON object with name, scopes and ttl_hours: %v", err))
		return
	}
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" || len(req.Name) > 100 || strings.IndexFunc(req.Name, unicode.IsControl) >= 0 {
		s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "name: what the token is for, 1 to 100 characters without control characters"))
		return
	}
	if req.TTLHours < 1 || req.TTLHours > maxTokenTTLHours {
		s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "ttl_hours %d: a token lives 1 to %d hours (a year)", req.TTLHours, maxTokenTTLHours))
		return
	}
	scopes, err := auth.ParseScopes(req.Scopes)
	if err != nil {
		s.error(w, r, err)
		return
	}
	for _, sc := range scopes {
		if !roleCanUse(p.Role, sc) {
			s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "scope %q: %ss can never use it (see docs/roles.md); ask only for what the role may do", sc, p.Role))
			return
		}
	}
	tok, t, err := auth.NewAPIToken(rand.Reader, scopes, s.Now().UTC(), time.Duration(req.TTLHours)*time.Hour)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var names []string
	for _, sc := range t.Scopes {
		names = append(names, string(sc))
	}
	rec := atalaya.TokenRecord{ID: t.ID, Hash: t.Hash, User: p.User, Name: req.Name, Scopes: names, Created: t.Created, Expires: t.Expires}
	if err := s.record(r, "token.create", "token:"+t.ID+" user:"+p.User, ""); err != nil {
		s.error(w, r, err)
		return
	}
	if err := acc.Store.AddToken(r.Context(), rec); err != nil {
		s.error(w, r, err)
		return
	}
	s.checkpoint(r)
	if stored, err := acc.Store.Token(r.Context(), t.ID); err == nil {
		rec = stored
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Location", "/api/v1/tokens")
	writeJSON(w, http.StatusCreated, map[string]any{"token": tok, "info": tokenInfo(rec)})
}

// handleRevokeToken revokes a token: one's own, or anybody's for an admin.
func (s *Server) handleRevokeToken(w http.ResponseWriter, r *http.Request) {
	acc, _, err := s.tokenAccounts(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	id := r.PathValue("id")
	rec, err := acc.Store.Token(r.Context(), id)
	if err != nil {
		if atalaya.ErrorCode(err) == atalaya.ENOTFOUND {
			err = atalaya.Errorf(atalaya.ENOTFOUND, "no API token %q", id)
		}
		s.error(w, r, err)
		return
	}
	if err := s.authorizeObject(r, ActionRevokeToken, authz.Object{Kind: "token", ID: rec.ID, Owner: rec.User}); err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.record(r, "token.revoke", "token:"+rec.ID+" user:"+rec.User, ""); err != nil {
		s.error(w, r, err)
		return
	}
	if err := acc.Store.RevokeToken(r.Context(), rec.ID, s.Now().UTC()); err != nil {
		s.error(w, r, err)
		return
	}
	s.checkpoint(r)
	if got, err := acc.Store.Token(r.Context(), rec.ID); err == nil {
		rec = got
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"token": tokenInfo(rec)})
}
