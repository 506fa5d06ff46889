package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/chart"
	"github.com/oas-atalaya/atalaya/internal/indicator"
	"github.com/oas-atalaya/atalaya/internal/values"
)

// selection is what the explorer, the embed page and the area profile show:
// an indicator, an area, a range of years, a sex and a breakdown, read from
// the query string and checked against the catalogue and the areas.
type selection struct {
	Ind               indicator.Indicator
	Area, Parent      string
	AreaName, ParName string
	Level             int
	From, To          int
	First, Last       int    // the published years of the indicator
	Sex               string // T, F or M
	By                string // a breakdown for the table, or ""
	Method            string // jenks or quantile
}

// parseSelection reads a selection; an unknown indicator or area is 404.
func (s *Server) parseSelection(ctx context.Context, q url.Values, lang, defArea string) (selection, error) {
	var sel selection
	id := q.Get("indicator")
	if id == "" {
		id = "homicide-rate"
	}
	ind, ok := s.Engine.Catalogue().Lookup(id)
	if !ok {
		return sel, notFoundIndicator(id)
	}
	sel.Ind = ind
	sel.Area = q.Get("area")
	if sel.Area == "" {
		sel.Area = defArea
	}
	a, err := s.Store.Area(ctx, sel.Area)
	if err != nil {
		return sel, err
	}
	sel.AreaName, sel.Parent, sel.Level = areaName(a, lang), a.Parent, a.Level
	if a.Parent != "" {
		if p, err := s.Store.Area(ctx, a.Parent); err == nil {
			sel.ParName = areaName(p, lang)
		}
	}
	sel.First, sel.Last = s.yearRange(ctx, ind.ID, a.Country)
	sel.From, sel.To = sel.First, sel.Last
	if y, err := strconv.Atoi(q.Get("from")); err == nil && y >= sel.First && y <= sel.Last {
		sel.From = y
	}
	if y, err := strconv.Atoi(q.Get("to")); err == nil && y >= sel.First && y <= sel.Last {
		sel.To = y
	}
	if sel.From > sel.To {
		sel.From, sel.To = sel.To, sel.From
	}
	sel.Sex = "T"
	if x := q.Get("sex"); (x == "F" || x == "M") && hasBreakdown(ind, "sex") {
		sel.Sex = x
	}
	if b := q.Get("by"); b != "" && hasBreakdown(ind, b) {
		sel.By = b
	}
	sel.Method = "jenks"
	if q.Get("breaks") == "quantile" {
		sel.Method = "quantile"
	}
	return sel, nil
}

// has reports whether the indicator has published years at all.
func (sel selection) has() bool { return sel.Last > 0 }

// query returns the selection's query string (what the permalink keeps).
func (sel selection) query() url.Values {
	v := url.Values{"indicator": {sel.Ind.ID}, "area": {sel.Area}}
	if sel.has() {
		v.Set("from", strconv.Itoa(sel.From))
		v.Set("to", strconv.Itoa(sel.To))
	}
	if sel.Sex != "T" {
		v.Set("sex", sel.Sex)
	}
	if sel.By != "" {
		v.Set("by", sel.By)
	}
	if sel.Method != "jenks" {
		v.Set("breaks", sel.Method)
	}
	return v
}

// trendRow is one period of the trend table: the area and its parent.
type trendRow struct {
	Period      string
	Area, Par   figure
	Provisional bool
}

// trendData reads the selection's area (and its parent) by year, draws the
// trend chart and returns the table's rows.
func (s *Server) trendData(ctx context.Context, p *Page, sel selection, id string) (template.HTML, []trendRow, error) {
	areas := []string{sel.Area}
	if sel.Parent != "" {
		areas = append(areas, sel.Parent)
	}
	fs, _, err := s.query(ctx, values.Query{Indicator: sel.Ind.ID, Areas: areas, From: strconv.Itoa(sel.From), To: strconv.Itoa(sel.To), By: sexBy(sel.Sex)})
	if err != nil {
		return "", nil, err
	}
	fs = pick(fs, sel.Sex)
	byPeriod := map[string]*trendRow{}
	var rows []*trendRow
	for _, f := range fs {
		r := byPeriod[f.Period]
		if r == nil {
			r = &trendRow{Period: f.Period}
			byPeriod[f.Period] = r
			rows = append(rows, r)
		}
		if f.Area == sel.Area {
			r.Area = f
		} else {
			r.Par = f
		}
		if f.Status != string(atalaya.StatusPublished) || hasFlag(f, atalaya.FlagPartialPeriod) || hasFlag(f, atalaya.FlagProvisional) {
			r.Provisional = true
		}
	}
	var out []trendRow
	ss := []chart.Series{{Name: sel.AreaName}}
	if sel.Parent != "" {
		ss = append(ss, chart.Series{Name: sel.ParName})
	}
	for _, r := range rows {
		out = append(out, *r)
		ss[0].Points = append(ss[0].Points, chartPoint(p, r.Area, r.Provisional))
		if sel.Parent != "" {
			ss[1].Points = append(ss[1].Points, chartPoint(p, r.Par, r.Provisional))
		}
	}
	title := p.T("public.trend.title", text(sel.Ind.Name, string(p.Lang)), sel.AreaName, p.T("public.sex."+sel.Sex))
	svg := chart.Trend(chart.TrendOptions{ID: id, Title: title, Desc: p.T("public.trend.desc"), Series: ss,
		XLabel: p.T("public.axis.year"), YLabel: p.T(unitKeyFor(sel.Ind, sel.Sex)), ZeroBased: true, Format: p.Short,
		ProvisionalLabel: p.T("public.trend.provisional"), BandLabel: p.T("public.trend.band")})
	return svg, out, nil
}

// summary is a trend said in a sentence: the first and the last year with
// a figure, for the area and for its parent.
type summary struct {
	Area, Par        bool
	A0, A1, P0, P1   figure
	AChange, PChange float64
	HasAChg, HasPChg bool
}

func summarize(rows []trendRow) summary {
	var s summary
	for _, r := range rows {
		if r.Area.Has {
			if !s.Area {
				s.A0, s.Area = r.Area, true
			}
			s.A1 = r.Area
		}
		if r.Par.Has {
			if !s.Par {
				s.P0, s.Par = r.Par, true
			}
			s.P1 = r.Par
		}
	}
	s.Area = s.Area && s.A0.Period != s.A1.Period
	s.Par = s.Par && s.P0.Period != s.P1.Period
	s.AChange, s.HasAChg = change(s.A0, s.A1)
	s.PChange, s.HasPChg = change(s.P0, s.P1)
	return s
}

// top are the first n ranked figures with a value.
func top(kids []figure, n int) []figure {
	var out []figure
	for _, f := range kids {
		if f.Has && len(out) < n {
			out = append(out, f)
		}
	}
	return out
}

func chartPoint(p *Page, f figure, provisional bool) chart.Point {
	return chart.Point{Label: p.Period(f.Period), Y: f.Rate, Low: f.Low, High: f.High, HasValue: f.Has, Provisional: provisional}
}

func hasFlag(f figure, flag string) bool {
	for _, x := range f.Flags {
		if x == flag {
			return true
		}
	}
	return false
}

// rankData reads the sub-areas of parent for one year, ranks them (rates,
// greatest first; no figure last) and draws the ranked bars.
func (s *Server) rankData(ctx context.Context, p *Page, ind indicator.Indicator, parent, parentName string, year int, sex, highlight, id string) (template.HTML, []figure, error) {
	y := strconv.Itoa(year)
	fs, _, err := s.query(ctx, values.Query{Indicator: ind.ID, Areas: []string{parent}, Children: true, From: y, To: y, By: sexBy(sex)})
	if err != nil {
		return "", nil, err
	}
	var kids []figure
	for _, f := range pick(fs, sex) {
		if f.Area != parent {
			kids = append(kids, f)
		}
	}
	sort.SliceStable(kids, func(i, j int) bool {
		a, b := kids[i], kids[j]
		if a.Has != b.Has {
			return a.Has
		}
		if a.Rate != b.Rate {
			return a.Rate > b.Rate
		}
		return a.Name < b.Name
	})
	var bars []chart.Bar
	for i := range kids {
		if kids[i].Has {
			kids[i].Rank = i + 1
		}
		f := kids[i]
		bars = append(bars, chart.Bar{ID: f.Area, Label: f.Name, Value: f.Rate, Low: f.Low, High: f.High, HasValue: f.Has, Text: p.R(f.Rate)})
	}
	title := p.T("public.rank.title", text(ind.Name, string(p.Lang)), parentName, p.Period(y), p.T("public.sex."+sex))
	svg := chart.Bars(chart.BarOptions{ID: id, Title: title, Desc: p.T("public.rank.desc"), Bars: bars, Highlight: highlight,
		XLabel: p.T(unitKeyFor(ind, sex)), Format: p.Short, NoDataLabel: p.T("public.nodata")})
	return svg, kids, nil
}

// mapData draws the choropleth of parent's sub-areas for the figures of
// kids; areas link to their profiles.
func (s *Server) mapData(ctx context.Context, p *Page, ind indicator.Indicator, parent, country string, kids []figure, year int, sex, method, highlight string) (template.HTML, error) {
	shapes, err := s.shapes(ctx, country, parent)
	if err != nil || len(shapes) == 0 {
		return "", err
	}
	byArea := map[string]figure{}
	for _, f := range kids {
		byArea[f.Area] = f
	}
	out := make([]chart.Shape, 0, len(shapes))
	for _, sh := range shapes {
		f, ok := byArea[sh.ID]
		sh.Name = f.Name
		if !ok || sh.Name == "" {
			sh.Name = sh.ID
		}
		if ok && f.Has {
			sh.Value, sh.HasValue = f.Rate, true
			sh.Label = p.R(f.Rate)
		}
		sh.Href = "/areas/" + sh.ID + "?indicator=" + ind.ID
		if sex != "T" {
			sh.Href += "&sex=" + sex
		}
		out = append(out, sh)
	}
	m, _ := chart.ParseMethod(method)
	title := p.T("public.map.title", text(ind.Name, string(p.Lang)), p.Period(strconv.Itoa(year)), p.T("public.sex."+sex))
	return chart.Map(out, chart.MapOptions{ID: "map", Title: title, Desc: p.T("public.map.desc"), Method: m, Classes: 5,
		// The no-break spaces widen the legend: chart estimates text widths
		// from narrower glyphs than a bold heading has.
		Format: p.R, Unit: p.T(unitKeyFor(ind, sex)) + "\u00a0\u00a0\u00a0", NoDataLabel: p.T("public.nodata"), Highlight: highlight}), nil
}

// exploreView is the explorer's page.
type exploreView struct {
	Sel                    selection
	Indicators             []indicatorOption
	Areas                  []areaOption
	Years                  []int
	Name, Definition, Unit string
	Map, Trend, Bars       template.HTML
	MapYear                string
	Kids                   []figure
	Top                    []figure
	Rows                   []trendRow
	Sum                    summary
	Breakdown              []figure // the area by year and category, when By is set
	Downloads              []link
	Permalink, Embed       string
	Flags                  []string // the flags the tables show, for the notes
}

type link struct{ Name, Href string }

func (s *Server) handleExplore(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := s.newPage(w, r, "explorer", "public.explore.title", nil)
	lang := string(p.Lang)
	country, _, err := s.nodeCountry(ctx)
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	if country == "" {
		s.render(w, r, http.StatusOK, "public_explore.html", p)
		return
	}
	sel, err := s.parseSelection(ctx, r.URL.Query(), lang, country)
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	v := &exploreView{Sel: sel, Indicators: s.indicatorOptions(lang, sel.Ind.ID), Name: text(sel.Ind.Name, lang),
		Definition: keepNumbers(text(sel.Ind.Definition, lang)), Unit: p.T(unitKeyFor(sel.Ind, sel.Sex))}
	p.Data = v
	p.Title = v.Name + " — " + sel.AreaName
	if v.Areas, err = s.areaOptions(ctx, country, lang, sel.Area); err != nil {
		s.pageError(w, r, p, err)
		return
	}
	for y := sel.First; y <= sel.Last && sel.has(); y++ {
		v.Years = append(v.Years, y)
	}
	if sel.has() {
		if v.Trend, v.Rows, err = s.trendData(ctx, p, sel, "trend"); err != nil {
			s.pageError(w, r, p, err)
			return
		}
		// The map and the ranking: the area's sub-areas, or its siblings
		// when it has none.
		parent, parentName, hi := sel.Area, sel.AreaName, ""
		if n, _ := s.Store.Areas(ctx, atalaya.AreaFilter{Parent: sel.Area}); len(n) == 0 && sel.Parent != "" {
			parent, parentName, hi = sel.Parent, sel.ParName, sel.Area
		}
		v.MapYear = strconv.Itoa(sel.To)
		if v.Bars, v.Kids, err = s.rankData(ctx, p, sel.Ind, parent, parentName, sel.To, sel.Sex, hi, "rank"); err != nil {
			s.pageError(w, r, p, err)
			return
		}
		v.Top, v.Sum = top(v.Kids, 3), summarize(v.Rows)
		if v.Map, err = s.mapData(ctx, p, sel.Ind, parent, country, v.Kids, sel.To, sel.Sex, sel.Method, hi); err != nil {
			s.pageError(w, r, p, err)
			return
		}
		if sel.By != "" {
			fs, _, err := s.query(ctx, values.Query{Indicator: sel.Ind.ID, Areas: []string{sel.Area}, From: strconv.Itoa(sel.From), To: strconv.Itoa(sel.To), By: sel.By})
			if err != nil {
				s.pageError(w, r, p, err)
				return
			}
			v.Breakdown = fs
		}
	}
	q := sel.query()
	api := url.Values{"area": {sel.Area}, "children": {"1"}, "from": q["from"], "to": q["to"], "by": {sexBy(sel.Sex)}}
	if sel.By != "" {
		api.Set("by", sel.By)
	}
	for _, f := range []struct{ name, format string }{{"CSV", "csv"}, {"XLSX", "xlsx"}, {"SDMX-CSV", "sdmx-csv"}, {"SDMX-JSON", "sdmx-json"}, {"JSON", ""}} {
		v.Downloads = append(v.Downloads, link{f.name, valuesURL(sel.Ind.ID, api, f.format)})
	}
	q.Set("lang", lang)
	v.Permalink = pageOrigin(r) + "/explore?" + q.Encode()
	v.Embed = `<iframe src="` + pageOrigin(r) + "/embed/chart?" + q.Encode() + `" width="760" height="420" title="` +
		template.HTMLEscapeString(v.Name+" — "+sel.AreaName) + `" loading="lazy"></iframe>`
	v.Flags = flagsOf(v.Kids, v.Rows, v.Breakdown)
	s.render(w, r, http.StatusOK, "public_explore.html", p)
}

// flagsOf lists the flags that appear in the figures, in a fixed order.
func flagsOf(kids []figure, rows []trendRow, more []figure) []string {
	seen := map[string]bool{}
	add := func(f figure) {
		for _, x := range f.Flags {
			seen[x] = true
		}
		if f.NA != "" {
			seen[atalaya.FlagNotAvailable] = true
		}
	}
	for _, f := range kids {
		add(f)
	}
	for _, f := range more {
		add(f)
	}
	for _, r := range rows {
		add(r.Area)
		add(r.Par)
	}
	var out []string
	for _, f := range []string{atalaya.FlagSmallCount, atalaya.FlagSuppressed, atalaya.FlagPartialPeriod, atalaya.FlagCoverage,
		atalaya.FlagProvisional, atalaya.FlagNotAvailable} {
		if seen[f] {
			out = append(out, f)
		}
	}
	return out
}

// pageError answers an error as an HTML page: 404 for an unknown
// indicator or area, 400 for a bad request, 500 otherwise (logged).
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, p *Page, err error) {
	code := atalaya.ErrorCode(err)
	status := statusOf(code)
	if status >= 500 {
		s.Logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	key := "common.error.title"
	if status == http.StatusNotFound {
		key = "common.notfound.title"
	}
	p.Title, p.Data = p.T(key), nil
	s.render(w, r, status, "public_error.html", p)
}
