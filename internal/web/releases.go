package web

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/authz"
	"github.com/oas-atalaya/atalaya/internal/cube"
)

// Identifier names the user behind a request, for the records of who did
// what (a release's approver, audit entries). Accounts is one;
// LoopbackOnly's requests are "local" (the node's machine).
type Identifier interface {
	UserID(r *http.Request) string
}

func (s *Server) userID(r *http.Request) string {
	if id, ok := s.Auth.(Identifier); ok {
		return id.UserID(r)
	}
	return "local"
}

// handleReleases is the revision log. The public sees the published
// releases that are public now (embargo lifted); with view=all, restricted
// readers see every release, validated and embargoed ones included.
func (s *Server) handleReleases(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	all := false
	switch q.Get("view") {
	case "", "published":
	case "all":
		if err := s.Auth.Authorize(r, ActionReadLive); err != nil {
			s.error(w, r, err)
			return
		}
		if err := s.record(r, "read.releases", "releases:all", ""); err != nil {
			s.error(w, r, err)
			return
		}
		all = true
	default:
		s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "view=%q: use view=published (the default) or view=all (restricted)", q.Get("view")))
		return
	}
	f := atalaya.ReleaseFilter{Source: q.Get("source"), Area: q.Get("area"), Period: q.Get("period")}
	rels, err := s.Store.Releases(r.Context(), f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	now := s.Now()
	out := []atalaya.Release{}
	for i := len(rels) - 1; i >= 0; i-- { // newest first
		rel := rels[i]
		if !all && (rel.Status != atalaya.StatusPublished || rel.PublicFrom().After(now)) {
			continue
		}
		out = append(out, rel)
	}
	if all {
		w.Header().Set("Cache-Control", "private, no-cache")
		writeJSON(w, http.StatusOK, map[string]any{"releases": out})
		return
	}
	s.writeCached(w, r, "releases", 0, map[string]any{"releases": out})
}

// releaseRequest is the body of POST /api/v1/releases.
type releaseRequest struct {
	Source  string         `json:"source"`
	Area    string         `json:"area"`
	Period  string         `json:"period"`
	Status  atalaya.Status `json:"status"`
	Embargo *time.Time     `json:"embargo,omitempty"`
	Reason  string         `json:"reason"`
}

// handleRelease validates or publishes a source's figures for an area and a
// year: the snapshot of the cube is taken now and kept.
func (s *Server) handleRelease(w http.ResponseWriter, r *http.Request) {
	var req releaseRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "the body must be a JSON object with source, area, period, status, reason and an optional embargo: %v", err))
		return
	}
	if req.Status != atalaya.StatusValidated && req.Status != atalaya.StatusPublished {
		s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "status %q: a release is validated or published", req.Status))
		return
	}
	if len(req.Period) != 4 || !atalaya.ValidPeriod(req.Period) {
		s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "period %q: releases cover a year (YYYY)", req.Period))
		return
	}
	if _, err := s.Store.Source(r.Context(), req.Source); err != nil {
		s.error(w, r, err)
		return
	}
	act := ActionValidate
	if req.Status == atalaya.StatusPublished {
		act = ActionPublish
	}
	if err := s.authorizeObject(r, act, authz.Object{Kind: "release", ID: req.Source + "/" + req.Area + "/" + req.Period, Source: req.Source}); err != nil {
		s.error(w, r, err)
		return
	}
	if _, err := s.Store.Area(r.Context(), req.Area); err != nil {
		s.error(w, r, err)
		return
	}
	cells, err := cube.Snapshot(r.Context(), s.Store, req.Source, req.Area, req.Period)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.record(r, "release."+string(act), "source:"+req.Source+" area:"+req.Area+" period:"+req.Period, req.Reason); err != nil {
		s.error(w, r, err)
		return
	}
	rel := atalaya.Release{Source: req.Source, Area: req.Area, Period: req.Period, Status: req.Status,
		Reason: req.Reason, By: s.userID(r)}
	if req.Embargo != nil {
		rel.Embargo = *req.Embargo
	}
	rel, err = s.Store.AddRelease(r.Context(), rel, cells)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.checkpoint(r)
	w.Header().Set("Location", "/api/v1/releases?source="+rel.Source+"&area="+rel.Area+"&period="+rel.Period)
	writeJSON(w, http.StatusCreated, map[string]any{"release": rel})
}
