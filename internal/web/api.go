package web

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/authz"
	"github.com/oas-atalaya/atalaya/internal/export"
)

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if _, err := s.Store.Sources(r.Context()); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "backend": s.Store.Backend()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "backend": s.Store.Backend(), "time": s.Now().UTC()})
}

func (s *Server) handleAreas(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := atalaya.AreaFilter{Country: q.Get("country"), Parent: q.Get("parent"), Search: q.Get("q")}
	if l := q.Get("level"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 0 {
			s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "level %q must be a whole number ≥ 0", l))
			return
		}
		f.Level = &n
	}
	tree := false
	switch q.Get("tree") {
	case "", "0":
	case "1":
		tree = true
	default:
		s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "tree=%q: use tree=1", q.Get("tree")))
		return
	}
	areas, err := s.Store.Areas(r.Context(), f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if tree {
		s.writeCached(w, r, "", 0, map[string]any{"areas": areaTree(areas)})
		return
	}
	s.writeCached(w, r, "", 0, map[string]any{"areas": nonNil(areas)})
}

// areaNode is an area with its sub-areas, for ?tree=1.
type areaNode struct {
	atalaya.Area
	Children []*areaNode `json:"children,omitempty"`
}

// areaTree nests areas under their parents; areas whose parent is not in
// the list are roots.
func areaTree(areas []atalaya.Area) []*areaNode {
	nodes := make(map[string]*areaNode, len(areas))
	flat := make([]*areaNode, len(areas))
	for i, a := range areas {
		flat[i] = &areaNode{Area: a}
		nodes[a.Code] = flat[i]
	}
	roots := []*areaNode{}
	for _, n := range flat {
		if p := nodes[n.Parent]; p != nil && n.Parent != "" {
			p.Children = append(p.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	return roots
}

func (s *Server) handleArea(w http.ResponseWriter, r *http.Request) {
	a, err := s.Store.Area(r.Context(), r.PathValue("code"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	out := map[string]any{"area": a}
	if a.Boundary != nil && r.URL.Query().Get("boundary") == "1" {
		out["boundary"] = json.RawMessage(a.Boundary)
	}
	s.writeCached(w, r, "", 0, out)
}

func (s *Server) handleCodeLists(w http.ResponseWriter, r *http.Request) {
	cls, err := s.Store.CodeLists(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.writeCached(w, r, "", 0, map[string]any{"code_lists": nonNil(cls)})
}

func (s *Server) handleMapping(w http.ResponseWriter, r *http.Request) {
	v := 0
	if q := r.URL.Query().Get("version"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 {
			s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "version %q must be a number ≥ 1", q))
			return
		}
		v = n
	}
	m, err := s.Store.Mapping(r.Context(), r.PathValue("id"), v)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.writeCached(w, r, "", 0, m)
}

func (s *Server) handleSources(w http.ResponseWriter, r *http.Request) {
	srcs, err := s.Store.Sources(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.writeCached(w, r, "", 0, map[string]any{"sources": nonNil(srcs)})
}

func (s *Server) handlePopulations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := atalaya.PopulationFilter{Areas: splitList(q.Get("area")), Sex: q.Get("sex"), AgeBand: q.Get("age")}
	var err error
	if f.YearFrom, err = optInt(q.Get("from")); err != nil {
		s.error(w, r, err)
		return
	}
	if f.YearTo, err = optInt(q.Get("to")); err != nil {
		s.error(w, r, err)
		return
	}
	pops, err := s.Store.Populations(r.Context(), f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.writeCached(w, r, "", 0, map[string]any{"populations": nonNil(pops)})
}

// handleCube returns counts from the cube. Counts are not yet subject to
// disclosure control (the indicators issue adds it); every cell states its
// status.
func (s *Server) handleCube(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := atalaya.CubeFilter{Areas: splitList(q.Get("area")), ICCS: splitList(q.Get("iccs")), PeriodFrom: q.Get("from"),
		PeriodTo: q.Get("to"), SourceType: atalaya.SourceType(q.Get("source_type")), Unit: atalaya.CountingUnit(q.Get("unit"))}
	if len(f.Areas) == 0 || len(f.ICCS) == 0 {
		s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "give area=CODE[,CODE…] and iccs=CODE[,CODE…], e.g. /api/v1/cube?area=MEX&iccs=0101&from=2024-01&to=2024-12"))
		return
	}
	if err := s.record(r, "read.cube", "cube", ""); err != nil {
		s.error(w, r, err)
		return
	}
	cells, err := s.Store.Cube(r.Context(), f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"cells": nonNil(cells)})
}

func (s *Server) handleBatches(w http.ResponseWriter, r *http.Request) {
	src := r.URL.Query().Get("source")
	all, mine := true, []string(nil)
	object := "batches"
	if src != "" {
		if err := s.authorizeObject(r, ActionReadBatches, authz.Object{Kind: "source", ID: src, Source: src}); err != nil {
			s.error(w, r, err)
			return
		}
		object = "source:" + src
	} else {
		all, mine = s.sources(r, ActionReadBatches)
	}
	if err := s.record(r, "read.batches", object, ""); err != nil {
		s.error(w, r, err)
		return
	}
	bs, err := s.Store.Batches(r.Context(), atalaya.BatchFilter{Source: src, Limit: 200})
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !all {
		bs = slices.DeleteFunc(bs, func(b atalaya.Batch) bool { return !slices.Contains(mine, b.Source) })
	}
	writeJSON(w, http.StatusOK, map[string]any{"batches": nonNil(bs)})
}

func (s *Server) batchID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, atalaya.Errorf(atalaya.EINVALID, "batch id %q is not a number", r.PathValue("id"))
	}
	return id, nil
}

func (s *Server) handleBatch(w http.ResponseWriter, r *http.Request) {
	id, err := s.batchID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	b, err := s.Store.Batch(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.authorizeObject(r, ActionReadBatches, batchObject(b)); err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.record(r, "read.batch", "batch:"+strconv.FormatInt(id, 10), ""); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"batch": b, "balanced": b.Balanced()})
}

// batchObject is a batch as the policy sees it.
func batchObject(b atalaya.Batch) authz.Object {
	return authz.Object{Kind: "batch", ID: strconv.FormatInt(b.ID, 10), Source: b.Source}
}

// handleRejections lists a batch's rejected rows as JSON, or as CSV with
// ?format=csv.
func (s *Server) handleRejections(w http.ResponseWriter, r *http.Request) {
	id, err := s.batchID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	b, err := s.Store.Batch(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.authorizeObject(r, ActionReadRejections, batchObject(b)); err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.record(r, "read.rejections", "batch:"+strconv.FormatInt(id, 10), ""); err != nil {
		s.error(w, r, err)
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", "attachment; filename=\"batch-"+strconv.FormatInt(id, 10)+"-rejected.csv\"")
		cw := csv.NewWriter(w)
		cw.Write([]string{"batch", "file", "row", "column", "value", "reason"})
		err := s.Store.Rejections(r.Context(), id, func(x atalaya.Rejection) error {
			return cw.Write([]string{strconv.FormatInt(x.Batch, 10), export.Neutralise(x.File), strconv.FormatInt(x.Row, 10),
				export.Neutralise(x.Column), export.Neutralise(x.Value), export.Neutralise(x.Reason)})
		})
		cw.Flush()
		if err != nil {
			// The header is sent: the truncated file ends with a line that
			// says so, and the error is logged.
			s.Logger.Error("rejections CSV cut short", "batch", id, "err", err)
			io.WriteString(w, "# error: the list is incomplete; try again\n")
		}
		return
	}
	var out []atalaya.Rejection
	err = s.Store.Rejections(r.Context(), id, func(x atalaya.Rejection) error {
		if len(out) < 10000 {
			out = append(out, x)
		}
		return nil
	})
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"rejections": nonNil(out)})
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func optInt(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, atalaya.Errorf(atalaya.EINVALID, "%q is not a whole number", s)
	}
	return n, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
