package web

import (
	"html/template"
	"math"
	"net/http"
	"sort"
	"strconv"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/chart"
	"github.com/oas-atalaya/atalaya/internal/values"
)

// areasView is the list of areas: the country and its sub-areas with the
// latest homicide rate, each a link to its profile.
type areasView struct {
	Country     areaOption
	Year        string
	Areas       []figure
	Map         template.HTML
	IndicatorID string
	Name        string
}

func (s *Server) handleAreasPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := s.newPage(w, r, "areas", "public.areas.title", nil)
	lang := string(p.Lang)
	v := &areasView{IndicatorID: "homicide-rate"}
	p.Data = v
	country, _, err := s.nodeCountry(ctx)
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	if country == "" {
		s.render(w, r, http.StatusOK, "public_areas.html", p)
		return
	}
	ca, err := s.Store.Area(ctx, country)
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	v.Country = areaOption{Code: country, Name: areaName(ca, lang)}
	ind, _ := s.Engine.Catalogue().Lookup(v.IndicatorID)
	v.Name = text(ind.Name, lang)
	_, last := s.yearRange(ctx, ind.ID, country)
	if last > 0 {
		v.Year = strconv.Itoa(last)
		_, kids, err := s.rankData(ctx, p, ind, country, v.Country.Name, last, "T", "", "rank")
		if err != nil {
			s.pageError(w, r, p, err)
			return
		}
		if v.Map, err = s.mapData(ctx, p, ind, country, country, kids, last, "T", "jenks", ""); err != nil {
			s.pageError(w, r, p, err)
			return
		}
		v.Areas = kids
		sort.SliceStable(v.Areas, func(i, j int) bool { return v.Areas[i].Name < v.Areas[j].Name })
	} else {
		as, err := s.Store.Areas(ctx, atalaya.AreaFilter{Parent: country})
		if err != nil {
			s.pageError(w, r, p, err)
			return
		}
		for _, a := range as {
			v.Areas = append(v.Areas, figure{Area: a.Code, Name: areaName(a, lang)})
		}
	}
	s.render(w, r, http.StatusOK, "public_areas.html", p)
}

// profileRow is one indicator of an area's profile.
type profileRow struct {
	ID, Name, Unit string
	Last, Par      figure
	Change         float64
	HasChange      bool
	Rank, Of       int
	Spark          template.HTML
	Sexes          bool // the indicator has a sex breakdown
}

// areaView is an area's profile.
type areaView struct {
	Sel             selection
	Code, Name      string
	Parent, ParName string
	Children        []areaOption
	Rows            []profileRow
	Trend, Bars     template.HTML
	TrendRows       []trendRow
	Sum             summary
	Unit            string
	Kids            []figure
	RankParentName  string
	Year            string
	Flags           []string
	Explore         string
}

func (s *Server) handleAreaPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := s.newPage(w, r, "areas", "", nil)
	lang := string(p.Lang)
	code := r.PathValue("code")
	a, err := s.Store.Area(ctx, code)
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	v := &areaView{Code: a.Code, Name: areaName(a, lang), Parent: a.Parent}
	p.Data, p.Title = v, v.Name
	kids, err := s.Store.Areas(ctx, atalaya.AreaFilter{Parent: a.Code})
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	for _, k := range kids {
		v.Children = append(v.Children, areaOption{Code: k.Code, Name: areaName(k, lang)})
	}
	sort.Slice(v.Children, func(i, j int) bool { return v.Children[i].Name < v.Children[j].Name })
	sel, err := s.parseSelection(ctx, r.URL.Query(), lang, a.Code)
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	sel.Area, sel.AreaName, sel.Parent, sel.ParName = a.Code, v.Name, a.Parent, ""
	if a.Parent != "" {
		if pa, err := s.Store.Area(ctx, a.Parent); err == nil {
			sel.ParName = areaName(pa, lang)
		}
	}
	v.Sel, v.ParName = sel, sel.ParName
	if !sel.has() {
		s.render(w, r, http.StatusOK, "public_area.html", p)
		return
	}
	v.Year = strconv.Itoa(sel.Last)
	// Every indicator with published figures: the latest year, the change
	// on the year before, the parent's figure and the rank among siblings.
	first, last := strconv.Itoa(sel.First), strconv.Itoa(sel.Last)
	areas := []string{a.Code}
	if a.Parent != "" {
		areas = append(areas, a.Parent)
	}
	for _, ind := range s.Engine.Catalogue().Indicators {
		fs, _, err := s.query(ctx, values.Query{Indicator: ind.ID, Areas: areas, From: first, To: last})
		if err != nil {
			continue
		}
		var own, par []figure
		for _, f := range fs {
			if f.Area == a.Code {
				own = append(own, f)
			} else {
				par = append(par, f)
			}
		}
		if len(own) == 0 || !anyFigure(own) || noEvents(own) {
			continue
		}
		row := profileRow{ID: ind.ID, Name: text(ind.Name, lang), Unit: p.T(unitKey(ind)), Last: own[len(own)-1], Sexes: hasBreakdown(ind, "sex")}
		if len(par) > 0 {
			row.Par = par[len(par)-1]
		}
		if len(own) > 1 {
			row.Change, row.HasChange = change(own[len(own)-2], row.Last)
		}
		vals := make([]float64, len(own))
		for i, f := range own {
			vals[i] = math.NaN()
			if f.Has {
				vals[i] = f.Rate
			}
		}
		row.Spark = chart.Sparkline(vals, 120, 32)
		if a.Parent != "" && row.Last.Has {
			sib, _, err := s.query(ctx, values.Query{Indicator: ind.ID, Areas: []string{a.Parent}, Children: true, From: last, To: last})
			if err == nil {
				for _, f := range sib {
					if f.Area == a.Parent || !f.Has {
						continue
					}
					row.Of++
					if f.Rate > row.Last.Rate {
						row.Rank++
					}
				}
				row.Rank++
			}
		}
		v.Rows = append(v.Rows, row)
	}
	// The chosen indicator: trend against the parent, and the ranking of
	// the siblings (of the sub-areas, for a country).
	if v.Trend, v.TrendRows, err = s.trendData(ctx, p, sel, "trend"); err != nil {
		s.pageError(w, r, p, err)
		return
	}
	v.Sum, v.Unit = summarize(v.TrendRows), p.T(unitKeyFor(sel.Ind, sel.Sex))
	rankParent, rankName, hi := a.Code, v.Name, ""
	if a.Parent != "" {
		rankParent, rankName, hi = a.Parent, sel.ParName, a.Code
	}
	if rankParent != a.Code || len(kids) > 0 {
		if v.Bars, v.Kids, err = s.rankData(ctx, p, sel.Ind, rankParent, rankName, sel.To, sel.Sex, hi, "rank"); err != nil {
			s.pageError(w, r, p, err)
			return
		}
	}
	v.RankParentName = rankName
	v.Flags = flagsOf(v.Kids, v.TrendRows, nil)
	q := sel.query()
	v.Explore = "/explore?" + q.Encode()
	s.render(w, r, http.StatusOK, "public_area.html", p)
}

func anyFigure(fs []figure) bool {
	for _, f := range fs {
		if f.Has {
			return true
		}
	}
	return false
}
