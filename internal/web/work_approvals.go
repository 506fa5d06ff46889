package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/cube"
)

// The approval queue lists, per source × area × year, the live total (the
// source's current figures, as a release would snapshot them now) next to
// the latest release's, with the status, the months reported and the last
// decision; an approver validates or publishes a row through the release
// API's handler (its per-object checks and audit entry).

// approvalRow is one source × area × year of the queue.
type approvalRow struct {
	Source     string
	SourceType atalaya.SourceType
	Area       string
	Period     string
	Live       int64            // the total a release made now would have
	Months     int              // months with figures at the area
	Status     atalaya.Status   // of the latest release, or preliminary
	Last       *atalaya.Release // the latest release
	Published  *atalaya.Release // the latest published release
	Changed    bool             // the live total differs from the latest release's
	Embargoed  bool             // the latest published release is not public yet
	Selected   bool             // the row the decision form is about
	Href       string           // the row's link
}

// workApprovals is what work_approvals.html shows.
type workApprovals struct {
	Rows     []approvalRow
	Selected *approvalRow
	Reason   string
	Embargo  string
	Error    string
	Notice   string
}

// approvalQueue computes the queue's rows.
func (s *Server) approvalQueue(r *http.Request) ([]approvalRow, error) {
	ctx := r.Context()
	srcs, err := s.Store.Sources(ctx)
	if err != nil {
		return nil, err
	}
	cats, err := s.Store.ICCS(ctx)
	if err != nil {
		return nil, err
	}
	var sections []string // the top ICCS sections, which a release's total sums
	for _, c := range cats {
		if c.Level == 1 {
			sections = append(sections, c.Code)
		}
	}
	var rows []approvalRow
	for _, src := range srcs {
		lf := liveFigures{src: src, sections: sections, exact: sharesType(src, srcs)}
		rels, err := s.Store.Releases(ctx, atalaya.ReleaseFilter{Source: src.ID})
		if err != nil {
			return nil, err
		}
		years := map[string][]string{} // area → years
		add := func(area, year string) {
			if !slices.Contains(years[area], year) {
				years[area] = append(years[area], year)
			}
		}
		for _, rel := range rels {
			add(rel.Area, rel.Period)
		}
		// Where its type reports: its country, or (a source of no one
		// country) every country.
		f := atalaya.CubeFilter{SourceType: src.Type}
		if src.Country != "" {
			f.Areas = []string{src.Country}
		}
		rep, err := s.Store.Reporting(ctx, 0, f)
		if err != nil {
			return nil, err
		}
		for _, k := range rep {
			if len(k.Period) >= 4 && atalaya.AreaCountry(k.Area) == k.Area {
				add(k.Area, k.Period[:4])
			}
		}
		for area, ys := range years {
			rs, err := s.approvalRows(r, lf, area, ys, rels)
			if err != nil {
				return nil, err
			}
			rows = append(rows, rs...)
		}
	}
	slices.SortFunc(rows, func(a, b approvalRow) int {
		if c := strings.Compare(a.Source, b.Source); c != 0 {
			return c
		}
		if c := strings.Compare(a.Area, b.Area); c != 0 {
			return c
		}
		return strings.Compare(b.Period, a.Period) // newest first
	})
	return rows, nil
}

// liveFigures computes a source's live totals.
type liveFigures struct {
	src      atalaya.Source
	sections []string // the top ICCS sections
	exact    bool     // another source of its type may report at its areas: recompute from its rows
}

// sharesType reports whether another source of src's type may report in
// src's country, so that the cube (by source type) mixes their figures.
func sharesType(src atalaya.Source, all []atalaya.Source) bool {
	for _, o := range all {
		if o.ID != src.ID && o.Type == src.Type && (o.Country == "" || src.Country == "" || o.Country == src.Country) {
			return true
		}
	}
	return false
}

// liveYear is the live total and the months reported of a year.
type liveYear struct {
	total  int64
	months map[string]bool
}

// totals returns, per year, what a release of the source's area would
// total now: the sum at the area over the top ICCS sections of the year's
// cells (as storeutil.ReleaseSnapshot sums them), and the months with
// figures. When the source is the only one of its type in its country,
// the cube's cells of that type are its own and are read directly;
// otherwise its rows are aggregated again, as a release does
// (cube.Snapshots), which costs a pass over them.
func (s *Server) totals(ctx context.Context, lf liveFigures, area string, years []string) (map[string]*liveYear, error) {
	out := map[string]*liveYear{}
	for _, y := range years {
		out[y] = &liveYear{months: map[string]bool{}}
	}
	add := func(c atalaya.CubeCell) {
		if c.Area != area || atalaya.ICCSLevel(c.ICCS) != 1 || len(c.Period) < 4 {
			return
		}
		ly := out[c.Period[:4]]
		if ly == nil {
			return
		}
		ly.total += c.Count
		if len(c.Period) == 7 {
			ly.months[c.Period] = true
		}
	}
	if !lf.exact {
		cells, err := s.Store.Cube(ctx, atalaya.CubeFilter{Areas: []string{area}, ICCS: lf.sections, SourceType: lf.src.Type})
		if err != nil {
			return nil, err
		}
		for _, c := range cells {
			add(c)
		}
		return out, nil
	}
	snaps, err := cube.Snapshots(ctx, s.Store, lf.src.ID, area, years)
	if err != nil {
		return nil, err
	}
	for _, cells := range snaps {
		for _, c := range cells {
			add(c)
		}
	}
	return out, nil
}

// approvalRows are the rows of one source and area.
func (s *Server) approvalRows(r *http.Request, lf liveFigures, area string, years []string, rels []atalaya.Release) ([]approvalRow, error) {
	src := lf.src
	live, err := s.totals(r.Context(), lf, area, years)
	if atalaya.ErrorCode(err) == atalaya.ENOTFOUND {
		return nil, nil // an area the node no longer has
	} else if err != nil {
		return nil, err
	}
	now := s.Now()
	var out []approvalRow
	for _, y := range years {
		row := approvalRow{Source: src.ID, SourceType: src.Type, Area: area, Period: y, Status: atalaya.StatusPreliminary}
		row.Live, row.Months = live[y].total, len(live[y].months)
		total := row.Live
		for i := range rels {
			rel := &rels[i]
			if rel.Area != area || rel.Period != y {
				continue
			}
			row.Last, row.Status = rel, rel.Status
			if rel.Status == atalaya.StatusPublished {
				row.Published = rel
			}
		}
		if row.Last == nil && total == 0 {
			continue
		}
		row.Changed = row.Last != nil && row.Last.Total != row.Live
		row.Embargoed = row.Published != nil && row.Published.PublicFrom().After(now)
		row.Href = "/work/approvals?" + url.Values{"source": {src.ID}, "area": {area}, "period": {y}}.Encode()
		out = append(out, row)
	}
	return out, nil
}

// handleWorkApprovals is GET /work/approvals: the queue, and the decision
// form of the row named by ?source=&area=&period=. Reading it is a read
// of live figures, audited as read.approvals.
func (s *Server) handleWorkApprovals(w http.ResponseWriter, r *http.Request) {
	if _, _, err := s.workAccounts(r); err != nil {
		s.workError(w, r, err)
		return
	}
	q := r.URL.Query()
	s.renderApprovals(w, r, http.StatusOK, workApprovals{Notice: notice(r)}, q.Get("source"), q.Get("area"), q.Get("period"))
}

func (s *Server) renderApprovals(w http.ResponseWriter, r *http.Request, status int, d workApprovals, source, area, period string) {
	if err := s.record(r, "read.approvals", "releases:queue", ""); err != nil {
		s.workError(w, r, err)
		return
	}
	rows, err := s.approvalQueue(r)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	for i := range rows {
		if rows[i].Source == source && rows[i].Area == area && rows[i].Period == period {
			rows[i].Selected = true
			d.Selected = &rows[i]
		}
	}
	d.Rows = rows
	s.render(w, r, status, "work_approvals.html", s.newPage(w, r, "work", "work.approvals.title", d))
}

// handleWorkApprovalsPost is POST /work/approvals: validates or publishes
// one row (status=validated|published, a reason, for publishing an
// optional embargo date) by the release API's handler.
func (s *Server) handleWorkApprovalsPost(w http.ResponseWriter, r *http.Request) {
	if _, _, err := s.workAccounts(r); err != nil {
		s.workError(w, r, err)
		return
	}
	if err := postForm(w, r, 64<<10); err != nil {
		s.workError(w, r, err)
		return
	}
	req := releaseRequest{Source: field(r, "source"), Area: field(r, "area"), Period: field(r, "period"),
		Status: atalaya.Status(field(r, "status")), Reason: field(r, "reason")}
	d := workApprovals{Reason: req.Reason, Embargo: field(r, "embargo")}
	err := func() error {
		if req.Reason == "" {
			return atalaya.Errorf(atalaya.EINVALID, "give the reason for the decision: it is kept in the revision log and the audit log")
		}
		if d.Embargo != "" {
			if req.Status != atalaya.StatusPublished {
				return atalaya.Errorf(atalaya.EINVALID, "an embargo applies to published figures only")
			}
			t, err := time.Parse(time.DateOnly, d.Embargo)
			if err != nil {
				return atalaya.Errorf(atalaya.EINVALID, "embargo %q: give a date (YYYY-MM-DD)", d.Embargo)
			}
			req.Embargo = &t
		}
		body, err := json.Marshal(req)
		if err != nil {
			return err
		}
		c := s.callAPI(r, s.handleRelease, strings.NewReader(string(body)), "application/json")
		if c.status != http.StatusCreated {
			return apiError(c)
		}
		return nil
	}()
	if err != nil {
		code := atalaya.ErrorCode(err)
		if code != atalaya.EINVALID && code != atalaya.ENOTFOUND {
			s.workError(w, r, err)
			return
		}
		d.Error = atalaya.ErrorMessage(err)
		s.renderApprovals(w, r, statusOf(code), d, req.Source, req.Area, req.Period)
		return
	}
	redirectDone(w, r, "/work/approvals", "released", nil)
}
