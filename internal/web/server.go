// Package web serves the node's portal and its JSON API under /api/v1.
// Every route names an Action, and an Authorizer decides: Accounts (auth.go)
// with sign-in, API tokens and internal/authz's policy, which serve and demo
// use; or LoopbackOnly, the zero-value default for tests and trials, which
// lets only the node's own machine past public reads.
package web

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/authz"
	"github.com/oas-atalaya/atalaya/internal/i18n"
	"github.com/oas-atalaya/atalaya/internal/indicator"
	"github.com/oas-atalaya/atalaya/internal/values"
)

// Action is what a request wants to do, for the Authorizer.
type Action string

// The actions a route may need.
const (
	ActionReadPublic     Action = "read:public"
	ActionReadLive       Action = "read:live"       // view=live, view=all, the cube
	ActionReadBatches    Action = "read:batches"    // batch summaries
	ActionReadRejections Action = "read:rejections" // rejected rows (personal data)
	ActionReadAudit      Action = "read:audit"      // the audit log (all, or one's own actions)
	ActionIngest         Action = "ingest"          // upload files
	ActionApprove        Action = "approve"         // validate or publish figures (route level)
	ActionValidate       Action = "validate"        // validate a source's figures (object level)
	ActionPublish        Action = "publish"         // publish a source's figures (object level)
	ActionSignIn         Action = "signin"          // the sign-in form: open to everyone
	ActionSignOut        Action = "signout"         // signing out: CSRF-checked with a session
	ActionTokens         Action = "token:own"       // list, create and revoke one's own API tokens (sessions only)
	ActionRevokeToken    Action = "token:revoke"    // revoke a token (object level): one's own, or anybody's for an admin
)

// Auditor records the audit entries of writes and restricted reads;
// internal/audit's *Log implements it.
type Auditor interface {
	Append(ctx context.Context, e atalaya.AuditEntry) (atalaya.AuditEntry, error)
}

// Authorizer decides whether a request may perform an action. It returns an
// *atalaya.Error with EUNAUTHORIZED or EFORBIDDEN to refuse.
type Authorizer interface {
	Authorize(r *http.Request, a Action) error
}

// LoopbackOnly lets anyone read public data and lets only requests from the
// loopback interface (the node's own machine) read restricted data or
// upload. It is the default until accounts and roles exist.
type LoopbackOnly struct{}

// Authorize implements Authorizer.
//
// A request that came through a proxy (Forwarded or X-Forwarded-For set) is
// not trusted as local even when the proxy runs on the same machine: behind
// a reverse proxy every request would otherwise look local.
func (LoopbackOnly) Authorize(r *http.Request, a Action) error {
	if a == ActionReadPublic || a == ActionSignIn || a == ActionSignOut {
		return nil
	}
	if r.Header.Get("Forwarded") != "" || r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("X-Real-Ip") != "" {
		return atalaya.Errorf(atalaya.EFORBIDDEN, "this resource is restricted to the node's own machine until sign-in is configured; requests through a proxy are refused")
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err == nil {
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			return nil
		}
	}
	return atalaya.Errorf(atalaya.EFORBIDDEN, "this resource is restricted to the node's own machine until sign-in is configured")
}

// Server is the HTTP server of a node.
type Server struct {
	Store  atalaya.Store
	Engine *values.Engine // computes indicator values; made from Store if nil
	Auth   Authorizer     // LoopbackOnly if nil
	// Audit records writes and restricted reads. Without it only
	// LoopbackOnly lets restricted actions through (deny by default).
	Audit     Auditor
	Logger    *slog.Logger
	Now       atalaya.Clock
	NodeName  string
	MaxUpload int64 // bytes; default 512 MiB
	TempDir   string
	// DefaultLang is the portal's language when a reader's browser asks
	// for none of es, en, pt, fr; Spanish if empty.
	DefaultLang i18n.Lang
	mux         *http.ServeMux
	cat         *i18n.Catalogue // the portal's messages (made in Handler)
	points      *pointCache     // the last point analysis's surface (analysis_points.go)
	bodies      *bodyCache      // rendered values responses (cache.go)
}

// Handler returns the server's routes, wrapped in its middleware.
func (s *Server) Handler() http.Handler {
	if s.Auth == nil {
		s.Auth = LoopbackOnly{}
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Engine == nil {
		cat, err := indicator.Default()
		if err != nil {
			panic("the embedded indicator catalogue is invalid: " + err.Error())
		}
		s.Engine = values.New(s.Store, cat, s.Now)
	}
	if s.cat == nil {
		c, err := i18n.Load()
		if err != nil {
			panic("the embedded message catalogue is invalid: " + err.Error())
		}
		s.cat = c
	}
	if s.points == nil {
		s.points = &pointCache{}
	}
	if s.bodies == nil {
		s.bodies = newBodyCache(64 << 20)
	}
	if s.MaxUpload == 0 {
		s.MaxUpload = 512 << 20
	}
	s.mux = http.NewServeMux()
	for _, r := range s.routes() {
		s.mux.Handle(r.pattern, s.guard(r.action, r.handler))
	}
	return securityHeaders(s.mux)
}

// route is one entry of the route table.
type route struct {
	pattern string
	action  Action
	handler http.HandlerFunc
}

// Routes lists the route patterns and the action each needs, for tests that
// check every route.
func (s *Server) Routes() map[string]Action {
	out := map[string]Action{}
	for _, r := range s.routes() {
		out[r.pattern] = r.action
	}
	return out
}

func (s *Server) routes() []route {
	rs := s.apiRoutes()
	rs = append(rs, s.publicPageRoutes()...)
	rs = append(rs, s.workPageRoutes()...)
	return append(rs, s.analysisRoutes()...)
}

// apiRoutes are the API's routes and the pages that predate the portal.
func (s *Server) apiRoutes() []route {
	return []route{
		{"GET /{$}", ActionReadPublic, s.handleIndex},
		{"GET /static/", ActionReadPublic, s.handleStatic},
		{"GET /api/v1/health", ActionReadPublic, s.handleHealth},
		{"GET /api/v1/areas", ActionReadPublic, s.handleAreas},
		{"GET /api/v1/areas/{code}", ActionReadPublic, s.handleArea},
		{"GET /api/v1/iccs", ActionReadPublic, s.handleICCS},
		{"GET /api/v1/codelists", ActionReadPublic, s.handleCodeLists},
		{"GET /api/v1/codelists/{id}/mapping", ActionReadPublic, s.handleMapping},
		{"GET /api/v1/sources", ActionReadPublic, s.handleSources},
		{"GET /api/v1/populations", ActionReadPublic, s.handlePopulations},
		{"GET /api/v1/openapi.json", ActionReadPublic, s.handleOpenAPI},
		{"GET /api/v1/indicators", ActionReadPublic, s.handleIndicators},
		{"GET /api/v1/indicators/{id}", ActionReadPublic, s.handleIndicator},
		{"GET /api/v1/indicators/{id}/values", ActionReadPublic, s.handleValues},
		{"GET /api/v1/releases", ActionReadPublic, s.handleReleases},
		{"POST /api/v1/releases", ActionApprove, s.handleRelease},
		{"GET /api/v1/cube", ActionReadLive, s.handleCube},
		{"GET /api/v1/batches", ActionReadBatches, s.handleBatches},
		{"GET /api/v1/batches/{id}", ActionReadBatches, s.handleBatch},
		{"GET /api/v1/batches/{id}/rejections", ActionReadRejections, s.handleRejections},
		{"POST /api/v1/ingest", ActionIngest, s.handleIngest},
		{"GET /api/v1/audit", ActionReadAudit, s.handleAudit},
		{"GET /audit", ActionReadAudit, s.handleAuditPage},
		{"GET /api/v1/tokens", ActionTokens, s.handleTokens},
		{"POST /api/v1/tokens", ActionTokens, s.handleCreateToken},
		{"DELETE /api/v1/tokens/{id}", ActionTokens, s.handleRevokeToken},
		{"GET /signin", ActionSignIn, s.handleSignInForm},
		{"POST /signin", ActionSignIn, s.handleSignIn},
		{"POST /signout", ActionSignOut, s.handleSignOut},
	}
}

func (s *Server) guard(a Action, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if acc, ok := s.Auth.(*Accounts); ok {
			r = acc.identify(r)
			// The session's CSRF token, for scripts that drive a session;
			// never on public answers, which shared caches may keep.
			if id := acc.identityOf(r); id.sessionID != "" && id.err == nil && !id.p.Disabled && a != ActionReadPublic && a != ActionSignIn {
				if c, err := acc.CSRF(r.Context()); err == nil {
					w.Header().Set(CSRFHeader, c.Token(id.sessionID))
				}
			}
		}
		if err := s.Auth.Authorize(r, a); err != nil {
			// A signed-out reader who opens a page of the portal (not
			// the API) gets a page that says to sign in, with the same
			// status.
			page := r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/api/") && r.Header.Get("Authorization") == ""
			if page && atalaya.ErrorCode(err) == atalaya.EUNAUTHORIZED {
				s.render(w, r, http.StatusUnauthorized, "signin_needed.html", s.newPage(w, r, "", "common.signin_needed.title", nil))
				return
			}
			// A signed-in reader refused a page gets the reason on a page.
			if page && atalaya.ErrorCode(err) == atalaya.EFORBIDDEN {
				p := s.newPage(w, r, "", "common.refused.title", map[string]string{"Code": atalaya.EFORBIDDEN, "Message": atalaya.ErrorMessage(err)})
				s.render(w, r, http.StatusForbidden, "refused.html", p)
				return
			}
			s.error(w, r, err)
			return
		}
		h(w, r)
	})
}

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		if r.TLS != nil {
			// Only over TLS: a browser must never learn HSTS from a
			// plain-HTTP answer (RFC 6797 §7.2).
			hd.Set("Strict-Transport-Security", "max-age=31536000")
		}
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}

// statusOf maps domain error codes to HTTP statuses, in one place.
func statusOf(code string) int {
	switch code {
	case atalaya.EINVALID, atalaya.EREJECTED:
		return http.StatusBadRequest
	case atalaya.ENOTFOUND:
		return http.StatusNotFound
	case atalaya.ECONFLICT:
		return http.StatusConflict
	case atalaya.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case atalaya.EFORBIDDEN:
		return http.StatusForbidden
	case atalaya.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case atalaya.ETOOMANY:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// authorizeObject checks an action on an object the handler loaded.
func (s *Server) authorizeObject(r *http.Request, a Action, obj authz.Object) error {
	if oa, ok := s.Auth.(ObjectAuthorizer); ok {
		return oa.AuthorizeObject(r, a, obj)
	}
	return s.Auth.Authorize(r, a)
}

// sources says on which sources' objects the request may use a.
func (s *Server) sources(r *http.Request, a Action) (bool, []string) {
	if sf, ok := s.Auth.(SourceFilter); ok {
		return sf.Sources(r, a)
	}
	return true, nil
}

// record appends an audit entry before the request goes on: if it cannot be
// written, the action fails. Without an audit log only LoopbackOnly (tests,
// trials on the node's machine) goes on; anything else is refused.
func (s *Server) record(r *http.Request, action, object, reason string) error {
	if s.Audit == nil {
		if _, ok := s.Auth.(LoopbackOnly); ok {
			return nil
		}
		return atalaya.Errorf(atalaya.EFORBIDDEN, "this node has no audit log: restricted actions are refused")
	}
	_, err := s.Audit.Append(r.Context(), atalaya.AuditEntry{Actor: s.userID(r), Action: action, Object: object,
		Origin: origin(r), Reason: reason})
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	if strings.HasPrefix(action, "read.") {
		s.checkpoint(r) // writes sign theirs after the write
	}
	return nil
}

// checkpointer is an audit log that signs checkpoints (internal/audit's
// *Log).
type checkpointer interface {
	Checkpoint(ctx context.Context) (atalaya.AuditCheckpoint, error)
}

// checkpoint signs a checkpoint of the audit log after a write, so that
// `atalaya audit verify` covers the write's entries. The write is done: a
// failure is logged, and the next checkpoint covers the entries.
func (s *Server) checkpoint(r *http.Request) {
	if c, ok := s.Audit.(checkpointer); ok {
		if _, err := c.Checkpoint(r.Context()); err != nil {
			s.Logger.Error("audit checkpoint", "err", err)
		}
	}
}

// error renders an error as JSON; internal errors are logged, not shown.
func (s *Server) error(w http.ResponseWriter, r *http.Request, err error) {
	code := atalaya.ErrorCode(err)
	if code == atalaya.EINTERNAL {
		if errors.Is(err, context.Canceled) {
			return
		}
		s.Logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, statusOf(code), map[string]any{"error": map[string]string{"code": code, "message": atalaya.ErrorMessage(err)}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// ListenAndServe serves h on addr until ctx ends, with timeouts on every
// phase of a request; over TLS when tlsConf is not nil.
func ListenAndServe(ctx context.Context, addr string, h http.Handler, tlsConf *tls.Config, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return atalaya.Errorf(atalaya.EINVALID, "cannot listen on %s: %v", addr, err)
	}
	if tlsConf != nil {
		ln = tls.NewListener(ln, tlsConf)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 10 * time.Minute,
		WriteTimeout: 10 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	case err := <-errc:
		return err
	}
}
