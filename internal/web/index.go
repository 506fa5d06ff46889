package web

import (
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/oas-atalaya/atalaya/internal/chart"
	"github.com/oas-atalaya/atalaya/internal/values"
)

// homeView is the Home page: the node's headline indicators.
type homeView struct {
	Country, CountryName string
	LastYear, PrevYear   string
	FirstYear            string
	LastMonth            string // YYYY-MM
	Published            string // the date of the latest release, as the reader writes it
	Revision             int
	Cards                []homeCard
}

// homeCard is one headline indicator.
type homeCard struct {
	ID, Name, Unit   string
	CountKey         string // "%[1]s victims"
	Last             figure // latest year
	YearChange       float64
	HasYearChange    bool
	Month            figure // latest month
	PrevMonth        figure
	MonthChange      float64
	HasMonthChange   bool
	YoYChange        float64
	HasYoY           bool
	Spark            template.HTML
	Explore, Methods string
}

// handleIndex is the Home page.
func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := s.newPage(w, r, "home", "public.home.title", nil)
	lang := string(p.Lang)
	hv := &homeView{}
	p.Data = hv
	country, rel, err := s.nodeCountry(ctx)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if country == "" {
		s.render(w, r, http.StatusOK, "public_home.html", p)
		return
	}
	ca, err := s.Store.Area(ctx, country)
	if err != nil {
		s.error(w, r, err)
		return
	}
	hv.Country, hv.CountryName = country, areaName(ca, lang)
	hv.Published, hv.Revision = p.Date(rel.PublicFrom()), rel.Revision
	first, last := s.yearRange(ctx, "homicide-rate", country)
	if last == 0 {
		last, _ = strconv.Atoi(rel.Period)
		first = last
	}
	hv.FirstYear, hv.LastYear, hv.PrevYear = strconv.Itoa(first), strconv.Itoa(last), strconv.Itoa(last-1)
	hv.LastMonth = hv.LastYear + "-12"
	for _, ind := range s.Engine.Catalogue().Indicators {
		years, _, err := s.query(ctx, values.Query{Indicator: ind.ID, Areas: []string{country}, From: hv.FirstYear, To: hv.LastYear})
		if err != nil || len(years) == 0 || !years[len(years)-1].Has || noEvents(years) {
			continue // nothing published, or no source counts it
		}
		c := homeCard{ID: ind.ID, Name: text(ind.Name, lang), Unit: p.T(unitKey(ind)), Last: years[len(years)-1],
			CountKey: "public.count." + string(ind.Numerator.Unit),
			Explore:  "/explore?indicator=" + ind.ID + "&area=" + country, Methods: "/methods/" + ind.ID}
		if len(years) > 1 {
			c.YearChange, c.HasYearChange = change(years[len(years)-2], c.Last)
		}
		vals := make([]float64, len(years))
		for i, f := range years {
			vals[i] = math.NaN()
			if f.Has {
				vals[i] = f.Rate
			}
		}
		c.Spark = chart.Sparkline(vals, 120, 32)
		// The latest month, the month before and the same month a year
		// earlier: counts, compared as counts.
		months, _, err := s.query(ctx, values.Query{Indicator: ind.ID, Areas: []string{country},
			From: hv.PrevYear + "-12", To: hv.LastMonth})
		if err == nil && len(months) == 13 && months[12].HasCount {
			c.Month, c.PrevMonth = months[12], months[11]
			c.MonthChange, c.HasMonthChange = countChange(months[11], months[12])
			c.YoYChange, c.HasYoY = countChange(months[0], months[12])
		}
		hv.Cards = append(hv.Cards, c)
	}
	s.render(w, r, http.StatusOK, "public_home.html", p)
}

// noEvents reports whether no figure counts anything: an indicator none
// of the node's sources measures (they report other offences, so its
// counts are true zeros, but a headline of zeros would mislead).
func noEvents(fs []figure) bool {
	for _, f := range fs {
		if f.HasCount && f.Count > 0 {
			return false
		}
		if !f.HasCount && f.NA == "public.na.suppressed" {
			return false
		}
	}
	return true
}

// countChange is the relative change of the counts from a to b.
func countChange(a, b figure) (float64, bool) {
	if !a.HasCount || !b.HasCount || a.Count == 0 {
		return 0, false
	}
	return float64(b.Count-a.Count) / float64(a.Count), true
}

// Group writes an integer with thousands separators: 58,685 (for the
// command line; pages use Page.Int).
func Group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
