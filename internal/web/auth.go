package web

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
	"github.com/oas-atalaya/atalaya/internal/authz"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "atalaya_session"

// presigninCookie binds the sign-in form's CSRF token to the browser that
// fetched the form (login CSRF), before there is a session.
const presigninCookie = "atalaya_presignin"

// csrfSetting is the node setting that holds the CSRF server key.
const csrfSetting = "csrf_key"

// CSRFHeader carries the CSRF token of a session for API requests; the
// server also sends it in responses to requests made with a session.
const CSRFHeader = "X-CSRF-Token"

// csrfField is the hidden form field of the CSRF token.
const csrfField = "csrf"

// ObjectAuthorizer is an Authorizer that also decides per object: the
// handlers of batches, rejected rows, uploads and releases load the object
// first and ask whether the principal may act on it.
type ObjectAuthorizer interface {
	AuthorizeObject(r *http.Request, a Action, obj authz.Object) error
}

// SourceFilter says on which sources' objects a request may use an action,
// for listings that span sources.
type SourceFilter interface {
	Sources(r *http.Request, a Action) (all bool, sources []string)
}

// Accounts is the Authorizer of a node with accounts: it resolves the
// principal of a request from an API token (Authorization: Bearer atl_…) or
// a session cookie, and decides with internal/authz, deny by default.
// Requests made with a session cookie must carry the session's CSRF token
// (X-CSRF-Token header or a "csrf" form field) when they change state.
type Accounts struct {
	Store    atalaya.AccountStore
	Now      atalaya.Clock
	Timeouts auth.SessionTimeouts
	Throttle *auth.Throttle // sign-in attempts; made on first use if nil

	mu   sync.Mutex
	csrf *auth.CSRF
}

// identity is what Accounts learnt of a request, cached in its context.
type identity struct {
	p         authz.Principal
	sessionID string // the raw session id, when authenticated by cookie
	err       error  // a credential was presented and refused
}

type identityKey struct{}

func (a *Accounts) now() time.Time {
	if a.Now == nil {
		return time.Now()
	}
	return a.Now()
}

func (a *Accounts) throttle() *auth.Throttle {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.Throttle == nil {
		a.Throttle = auth.NewThrottle(auth.DefaultThrottleConfig(), a.now)
	}
	return a.Throttle
}

// CSRF returns the node's CSRF checker, creating the server key in the
// node's settings on first use.
func (a *Accounts) CSRF(ctx context.Context) (*auth.CSRF, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.csrf != nil {
		return a.csrf, nil
	}
	key, err := a.Store.Setting(ctx, csrfSetting)
	if atalaya.ErrorCode(err) == atalaya.ENOTFOUND {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		if err := a.Store.PutSetting(ctx, csrfSetting, key); err != nil {
			return nil, err
		}
		// Another process may have written its key first: use the stored one.
		key, err = a.Store.Setting(ctx, csrfSetting)
	}
	if err != nil {
		return nil, err
	}
	c, err := auth.NewCSRF(key)
	if err != nil {
		return nil, err
	}
	a.csrf = c
	return c, nil
}

// identify returns the request with its identity in its context.
func (a *Accounts) identify(r *http.Request) *http.Request {
	if _, ok := r.Context().Value(identityKey{}).(*identity); ok {
		return r
	}
	id := a.resolve(r)
	return r.WithContext(context.WithValue(r.Context(), identityKey{}, id))
}

func (a *Accounts) identityOf(r *http.Request) *identity {
	if id, ok := r.Context().Value(identityKey{}).(*identity); ok {
		return id
	}
	return a.resolve(r)
}

func (a *Accounts) resolve(r *http.Request) *identity {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return &identity{p: authz.Anonymous(), err: atalaya.Errorf(atalaya.EUNAUTHORIZED, "use Authorization: Bearer atl_… with an API token")}
		}
		p, err := a.tokenPrincipal(ctx, strings.TrimSpace(tok))
		if err != nil {
			return &identity{p: authz.Anonymous(), err: err}
		}
		return &identity{p: p}
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || !auth.ValidSessionID(c.Value) {
		return &identity{p: authz.Anonymous()}
	}
	hash := auth.HashSessionID(c.Value)
	sess, err := a.Store.Session(ctx, hash)
	if err != nil {
		return &identity{p: authz.Anonymous()}
	}
	now := a.now()
	if err := a.Timeouts.Check(sess.Created, sess.LastSeen, now); err != nil {
		a.Store.DeleteSession(ctx, hash)
		return &identity{p: authz.Anonymous()}
	}
	u, err := a.Store.User(ctx, sess.User)
	if err != nil {
		return &identity{p: authz.Anonymous()}
	}
	if u.Disabled {
		a.Store.DeleteSession(ctx, hash)
		return &identity{p: authz.Principal{User: u.ID, Role: u.Role, Disabled: true}, sessionID: c.Value}
	}
	if err := a.Store.TouchSession(ctx, hash, now); err != nil {
		return &identity{p: authz.Anonymous()}
	}
	return &identity{p: authz.Principal{User: u.ID, Role: u.Role, Sources: u.Sources}, sessionID: c.Value}
}

func (a *Accounts) tokenPrincipal(ctx context.Context, tok string) (authz.Principal, error) {
	id, err := auth.ParseToken(tok)
	if err != nil {
		return authz.Principal{}, err
	}
	rec, err := a.Store.Token(ctx, id)
	if atalaya.ErrorCode(err) == atalaya.ENOTFOUND {
		return authz.Principal{}, atalaya.Errorf(atalaya.EUNAUTHORIZED, "invalid API token")
	} else if err != nil {
		return authz.Principal{}, err
	}
	now := a.now()
	if err := (auth.APIToken{ID: rec.ID, Hash: rec.Hash, Expires: rec.Expires}).Verify(tok, now); err != nil {
		return authz.Principal{}, err
	}
	if rec.Revoked != nil {
		return authz.Principal{}, atalaya.Errorf(atalaya.EUNAUTHORIZED, "the API token %s was revoked", rec.ID)
	}
	u, err := a.Store.User(ctx, rec.User)
	if err != nil {
		return authz.Principal{}, atalaya.Errorf(atalaya.EUNAUTHORIZED, "invalid API token")
	}
	if u.Disabled {
		return authz.Principal{}, atalaya.Errorf(atalaya.EUNAUTHORIZED, "the account that owns API token %s is disabled", rec.ID)
	}
	if err := a.Store.TouchToken(ctx, rec.ID, now); err != nil {
		return authz.Principal{}, err
	}
	scopes := append([]string{}, rec.Scopes...)
	return authz.Principal{User: u.ID, Role: u.Role, Sources: u.Sources, Scopes: scopes}, nil
}

// permissions maps an action to the policy's permissions; the route-level
// check needs any of them on some object.
func permissions(a Action) []authz.Permission {
	switch a {
	case ActionReadPublic:
		return []authz.Permission{authz.PermReadPublished}
	case ActionReadLive:
		return []authz.Permission{authz.PermReadLive}
	case ActionReadBatches:
		return []authz.Permission{authz.PermReadBatches}
	case ActionReadRejections:
		return []authz.Permission{authz.PermReadRejections}
	case ActionReadAudit:
		return []authz.Permission{authz.PermReadAudit}
	case ActionAnalyse:
		return []authz.Permission{authz.PermAnalyse}
	case ActionIngest:
		return []authz.Permission{authz.PermUpload}
	case ActionApprove:
		return []authz.Permission{authz.PermValidate, authz.PermPublish}
	case ActionValidate:
		return []authz.Permission{authz.PermValidate}
	case ActionPublish:
		return []authz.Permission{authz.PermPublish}
	case ActionTokens:
		return []authz.Permission{authz.PermManageOwnTokens}
	case ActionRevokeToken:
		// The admin's rule first, so that a refusal names the owner rule.
		return []authz.Permission{authz.PermRevokeAnyToken, authz.PermManageOwnTokens}
	case ActionWork:
		// Any permission beyond public reads: every signed-in role holds one.
		return []authz.Permission{authz.PermReadBatches, authz.PermUpload, authz.PermReadLive, authz.PermValidate,
			authz.PermPublish, authz.PermEditMappings, authz.PermManageUsers, authz.PermManageSources, authz.PermManageSettings}
	case ActionEditMappings:
		return []authz.Permission{authz.PermEditMappings}
	case ActionManageUsers:
		return []authz.Permission{authz.PermManageUsers}
	case ActionManageSources:
		return []authz.Permission{authz.PermManageSources}
	case ActionManageSettings:
		return []authz.Permission{authz.PermManageSettings}
	}
	return nil
}

func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// Authorize implements Authorizer: a refused credential answers 401; a
// request with a session that changes state needs its CSRF token; then the
// action must be possible for the principal on some object (the handlers
// check the object itself).
func (a *Accounts) Authorize(r *http.Request, act Action) error {
	id := a.identityOf(r)
	if id.err != nil {
		return id.err
	}
	if id.sessionID != "" && !isSafeMethod(r.Method) && act != ActionSignIn {
		if err := a.checkCSRF(r, id.sessionID); err != nil {
			return err
		}
	}
	if act == ActionSignIn || act == ActionSignOut {
		return nil
	}
	perms := permissions(act)
	for _, perm := range perms {
		if all, srcs := authz.Sources(id.p, perm); all || len(srcs) > 0 {
			return nil
		}
		// Or on the principal's own objects (their audit entries).
		if id.p.User != "" && authz.Decide(id.p, perm, authz.Object{Owner: id.p.User}).Allowed {
			return nil
		}
	}
	if len(perms) == 0 {
		return atalaya.Errorf(atalaya.EFORBIDDEN, "unknown action %q: nothing is allowed that the policy does not name", act)
	}
	return refuse(id.p, authz.Decide(id.p, perms[0], authz.Object{}))
}

// AuthorizeObject implements ObjectAuthorizer.
func (a *Accounts) AuthorizeObject(r *http.Request, act Action, obj authz.Object) error {
	if err := a.Authorize(r, act); err != nil {
		return err
	}
	id := a.identityOf(r)
	perms := permissions(act)
	var d authz.Decision
	for _, perm := range perms {
		if d = authz.Decide(id.p, perm, obj); d.Allowed {
			return nil
		}
	}
	return refuse(id.p, d)
}

// Sources implements SourceFilter.
func (a *Accounts) Sources(r *http.Request, act Action) (bool, []string) {
	id := a.identityOf(r)
	if id.err != nil {
		return false, nil
	}
	var out []string
	for _, perm := range permissions(act) {
		all, srcs := authz.Sources(id.p, perm)
		if all {
			return true, nil
		}
		out = append(out, srcs...)
	}
	return false, out
}

// refuse turns a denial into 401 for the public (sign in first) and 403 for
// a signed-in principal.
func refuse(p authz.Principal, d authz.Decision) error {
	if p.User == "" {
		return atalaya.Errorf(atalaya.EUNAUTHORIZED, "sign in first: %s", d.Reason)
	}
	return atalaya.Errorf(atalaya.EFORBIDDEN, "%s", d.Reason)
}

func (a *Accounts) checkCSRF(r *http.Request, sessionID string) error {
	c, err := a.CSRF(r.Context())
	if err != nil {
		return err
	}
	tok := r.Header.Get(CSRFHeader)
	if tok == "" && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
		if err := r.ParseForm(); err == nil {
			tok = r.PostForm.Get(csrfField)
		}
	}
	if tok == "" && strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		tok = peekMultipartCSRF(r)
	}
	if tok == "" || !c.Verify(sessionID, tok) {
		return atalaya.Errorf(atalaya.EFORBIDDEN, "missing or invalid CSRF token: send the session's token in the %s header or the %q form field", CSRFHeader, csrfField)
	}
	return nil
}

// UserID implements Identifier: the user id, or "anonymous".
func (a *Accounts) UserID(r *http.Request) string {
	if u := a.identityOf(r).p.User; u != "" {
		return u
	}
	return "anonymous"
}

// Principal returns the principal of a request.
func (a *Accounts) Principal(r *http.Request) authz.Principal {
	return a.identityOf(r).p
}

// origin is the remote address of a request, without its port.
func origin(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// peekMultipartCSRF reads the CSRF field of a multipart form (an upload
// without JavaScript) when it comes first, as the portal's forms put it,
// without consuming the body: the handler reads the whole form after.
func peekMultipartCSRF(r *http.Request) string {
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		return ""
	}
	br := bufio.NewReaderSize(r.Body, 8<<10)
	head, _ := br.Peek(8 << 10)
	r.Body = struct {
		io.Reader
		io.Closer
	}{br, r.Body}
	mr := multipart.NewReader(bytes.NewReader(head), params["boundary"])
	part, err := mr.NextPart()
	if err != nil || part.FormName() != csrfField {
		return ""
	}
	v, err := io.ReadAll(io.LimitReader(part, 512))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(v))
}
