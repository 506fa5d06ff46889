package web

import (
	"net/http"
	"sort"
	"strconv"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/values"
)

// qualityView is the data-quality page.
type qualityView struct {
	CountryName  string
	From, To     string
	Coverage     []coverageRow
	Missing      []figure // sub-area × year with months missing
	Ratio        []figure
	RatioAny     bool
	Sources      []sourceRow
	Subareas     int
	IndicatorID  string
	IndicatorNam string
}

// coverageRow is one year × source type of the coverage table.
type coverageRow struct {
	Period, SourceType string
	Months             int  // months the source reports for the country
	Reporting          int  // sub-areas that report
	Partial            int  // sub-areas that miss months
	HasCoverage        bool // the figure exists
}

// sourceRow is a source with the rows of its batches (counts only).
type sourceRow struct {
	ID, Agency, Type                          string
	Batches                                   int
	Read, Accepted, Rejected, Duplicates, Flg int64
}

func (s *Server) handleQuality(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := s.newPage(w, r, "quality", "public.quality.title", nil)
	lang := string(p.Lang)
	v := &qualityView{IndicatorID: "homicide-rate"}
	p.Data = v
	srcs, err := s.Store.Sources(ctx)
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	rows := map[string]*sourceRow{}
	for _, src := range srcs {
		rows[src.ID] = &sourceRow{ID: src.ID, Agency: src.Agency, Type: string(src.Type)}
	}
	batches, err := s.Store.Batches(ctx, atalaya.BatchFilter{})
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	for _, b := range batches {
		sr := rows[b.Source]
		if sr == nil {
			sr = &sourceRow{ID: b.Source}
			rows[b.Source] = sr
		}
		sr.Batches++
		sr.Read += b.Read
		sr.Accepted += b.Accepted
		sr.Rejected += b.Rejected
		sr.Duplicates += b.Duplicates
		sr.Flg += b.Flagged
	}
	for _, sr := range rows {
		if sr.Batches > 0 {
			v.Sources = append(v.Sources, *sr)
		}
	}
	sort.Slice(v.Sources, func(i, j int) bool { return v.Sources[i].ID < v.Sources[j].ID })

	country, _, err := s.nodeCountry(ctx)
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	if country == "" {
		s.render(w, r, http.StatusOK, "public_quality.html", p)
		return
	}
	ca, err := s.Store.Area(ctx, country)
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	v.CountryName = areaName(ca, lang)
	ind, _ := s.Engine.Catalogue().Lookup(v.IndicatorID)
	v.IndicatorNam = text(ind.Name, lang)
	first, last := s.yearRange(ctx, ind.ID, country)
	if last == 0 {
		s.render(w, r, http.StatusOK, "public_quality.html", p)
		return
	}
	v.From, v.To = strconv.Itoa(first), strconv.Itoa(last)
	// Coverage: by source type, the months the country's figure covers and
	// the sub-areas that report, every month or some.
	res, err := s.Engine.Values(ctx, values.Query{Indicator: ind.ID, Areas: []string{country}, Children: true, From: v.From, To: v.To, By: "source", Public: true})
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	cov := map[[2]string]*coverageRow{}
	var order [][2]string
	subs := map[string]bool{}
	for _, val := range res.Values {
		k := [2]string{val.Period, string(val.SourceType)}
		c := cov[k]
		if c == nil {
			c = &coverageRow{Period: val.Period, SourceType: string(val.SourceType)}
			cov[k] = c
			order = append(order, k)
		}
		f := toFigure(val, res.AreaNames)
		if val.Area == country {
			c.Months, c.HasCoverage = val.Months, f.HasCount
			continue
		}
		subs[val.Area] = true
		if !f.HasCount && f.NA != "public.na.suppressed" {
			continue
		}
		c.Reporting++
		if val.Months > 0 && val.Months < 12 {
			c.Partial++
			v.Missing = append(v.Missing, f)
		}
	}
	v.Subareas = len(subs)
	for _, k := range order {
		v.Coverage = append(v.Coverage, *cov[k])
	}
	// Police (or prosecution) against health: the ratio indicator.
	if _, ok := s.Engine.Catalogue().Lookup("homicide-source-ratio"); ok {
		fs, _, err := s.query(ctx, values.Query{Indicator: "homicide-source-ratio", Areas: []string{country}, From: v.From, To: v.To})
		if err == nil {
			v.Ratio = fs
			v.RatioAny = anyFigure(fs)
		}
	}
	s.render(w, r, http.StatusOK, "public_quality.html", p)
}
