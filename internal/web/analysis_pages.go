package web

import (
	"encoding/json"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/analysis"
	"github.com/oas-atalaya/atalaya/internal/chart"
	"github.com/oas-atalaya/atalaya/internal/values"
)

func valuesQueryFor(indicator, area string) values.Query {
	return values.Query{Indicator: indicator, Areas: []string{area}, Public: true}
}

// canAnalyse reports whether the reader may register programmes and run
// evaluations (to show the forms; the routes check again).
func (s *Server) canAnalyse(r *http.Request) bool {
	return s.Auth.Authorize(r, ActionAnalyse) == nil
}

type programmeRow struct {
	atalaya.Programme
	AreaNames   string
	Evaluations int
}

// analysisIndex is the analysis page: hot spots, the programme
// registry and the form to register one.
type analysisIndex struct {
	Programmes []programmeRow
	CanAnalyse bool
	Indicators []indicatorChoice
	Country    string
	Error      string
	Form       programmeInput
}

type indicatorChoice struct{ ID, Name string }

func (s *Server) indicatorChoices(p *Page) []indicatorChoice {
	var out []indicatorChoice
	for _, ind := range s.Engine.Catalogue().Indicators {
		out = append(out, indicatorChoice{ind.ID, p.Text(ind.Name)})
	}
	return out
}

func (s *Server) areaNames(r *http.Request, codes []string) string {
	var names []string
	for _, c := range codes {
		names = append(names, s.localName(r, c, c))
	}
	return strings.Join(names, ", ")
}

// localName is an area's name in the reader's language when the area has
// one (Natural Earth's countries do), else its own name, else fallback.
func (s *Server) localName(r *http.Request, code, fallback string) string {
	a, err := s.Store.Area(r.Context(), code)
	if err != nil {
		return fallback
	}
	if n := a.Names[string(s.language(nil, r))]; n != "" {
		return n
	}
	if a.Name != "" {
		return a.Name
	}
	return fallback
}

func (s *Server) handleAnalysisPage(w http.ResponseWriter, r *http.Request) {
	s.renderAnalysisIndex(w, r, http.StatusOK, "", programmeInput{})
}

func (s *Server) renderAnalysisIndex(w http.ResponseWriter, r *http.Request, status int, msg string, form programmeInput) {
	v := &analysisIndex{CanAnalyse: s.canAnalyse(r), Country: s.defaultCountry(r), Error: msg, Form: form}
	p := s.newPage(w, r, "analysis", "analysis.title", v)
	v.Indicators = s.indicatorChoices(p)
	ps, err := s.programmes()
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	list, err := ps.Programmes(r.Context())
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	for _, pr := range list {
		evs, _ := ps.Evaluations(r.Context(), pr.ID)
		v.Programmes = append(v.Programmes, programmeRow{pr, s.areaNames(r, pr.Areas), len(evs)})
	}
	s.render(w, r, status, "analysis_index.html", p)
}

func (s *Server) handleProgrammeForm(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "unreadable form: %v", err))
		return
	}
	f := r.PostForm
	in := programmeInput{ID: f.Get("id"), Name: f.Get("name"), Objective: f.Get("objective"), Owner: f.Get("owner"),
		Start: f.Get("start"), End: f.Get("end"), Indicators: f["indicator"]}
	for _, a := range strings.FieldsFunc(f.Get("areas"), func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		in.Areas = append(in.Areas, strings.ToUpper(a))
	}
	if _, err := s.createProgramme(r, in); err != nil {
		if atalaya.ErrorCode(err) == atalaya.EINTERNAL {
			s.error(w, r, err)
			return
		}
		s.renderAnalysisIndex(w, r, http.StatusBadRequest, atalaya.ErrorMessage(err), in)
		return
	}
	http.Redirect(w, r, "/analysis/programmes/"+url.PathEscape(strings.TrimSpace(in.ID)), http.StatusSeeOther)
}

// hotspotView is the hot-spot page.
type hotspotView struct {
	Q          analysis.HotspotQuery
	Res        *analysis.HotspotResult
	Map        template.HTML
	Indicators []indicatorChoice
	Name       string
	Error      string
	Hot, Cold  int
}

// zBreaks are the classes of a Gi* z-score map: cold and hot spots at
// 90, 95 and 99 % confidence around a middle class of no significance.
var zBreaks = []float64{-1.645, -1.96, -2.576}

var zColors = []string{"#2166ac", "#67a9cf", "#d1e5f0", "#f0f0f0", "#fddbc7", "#ef8a62", "#b2182b"}

func (s *Server) handleHotspotsPage(w http.ResponseWriter, r *http.Request) {
	v := &hotspotView{}
	p := s.newPage(w, r, "analysis", "analysis.hotspots.title", v)
	v.Indicators = s.indicatorChoices(p)
	hq, err := s.hotspotQuery(r)
	v.Q = hq
	if err == nil {
		v.Res, err = s.node().Hotspots(r.Context(), hq)
	}
	if ind, ok := s.Engine.Catalogue().Lookup(hq.Indicator); ok {
		v.Name = p.Text(ind.Name)
	}
	if err != nil {
		if atalaya.ErrorCode(err) == atalaya.EINTERNAL {
			s.pageError(w, r, p, err)
			return
		}
		v.Error = atalaya.ErrorMessage(err)
		s.render(w, r, http.StatusOK, "analysis_hotspots.html", p)
		return
	}
	lo, hi := -3.0, 3.0
	var shapes []chart.Shape
	for _, u := range v.Res.Units {
		lo, hi = math.Min(lo, u.GiZ-0.01), math.Max(hi, u.GiZ+0.01)
		switch u.GiCluster {
		case "hot":
			v.Hot++
		case "cold":
			v.Cold++
		}
		shapes = append(shapes, chart.Shape{ID: u.Area, Name: u.Name, Geometry: u.Geometry, Value: u.GiZ, HasValue: true,
			Label: p.T("analysis.hotspots.tooltip", p.Num(u.GiZ, 2), p.Num(u.Rate, 1)), Href: "/areas/" + u.Area + "?indicator=" + hq.Indicator})
	}
	for _, m := range v.Res.Missing {
		if g, err := s.node().Geometry(r.Context(), m.Area); err == nil && g != nil {
			shapes = append(shapes, chart.Shape{ID: m.Area, Name: m.Name, Geometry: g})
		}
	}
	breaks := []float64{lo, -2.576, -1.96, -1.645, 1.645, 1.96, 2.576, hi}
	v.Map = chart.Map(shapes, chart.MapOptions{ID: "hotspots", Title: p.T("analysis.hotspots.map", v.Name, p.Period(hq.Period)),
		Desc: p.T("analysis.hotspots.map_desc"), Breaks: breaks, Colors: zColors, Format: func(f float64) string { return p.Num(f, 2) },
		Unit: p.T("analysis.hotspots.unit"), NoDataLabel: p.T("analysis.nodata")})
	s.render(w, r, http.StatusOK, "analysis_hotspots.html", p)
}

// programmeView is a programme's page.
type programmeView struct {
	P           atalaya.Programme
	AreaNames   string
	Indicators  []indicatorChoice
	Evaluations []atalaya.Evaluation
	CanAnalyse  bool
	Error       string
}

func (s *Server) handleProgrammePage(w http.ResponseWriter, r *http.Request) {
	s.renderProgramme(w, r, http.StatusOK, "")
}

func (s *Server) renderProgramme(w http.ResponseWriter, r *http.Request, status int, msg string) {
	v := &programmeView{CanAnalyse: s.canAnalyse(r), Error: msg}
	p := s.newPage(w, r, "analysis", "", v)
	ps, err := s.programmes()
	if err == nil {
		v.P, err = ps.Programme(r.Context(), r.PathValue("id"))
	}
	if err == nil {
		v.Evaluations, err = ps.Evaluations(r.Context(), v.P.ID)
	}
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	p.Title = v.P.Name
	v.AreaNames = s.areaNames(r, v.P.Areas)
	for _, id := range v.P.Indicators {
		if ind, ok := s.Engine.Catalogue().Lookup(id); ok {
			v.Indicators = append(v.Indicators, indicatorChoice{id, p.Text(ind.Name)})
		}
	}
	s.render(w, r, status, "analysis_programme.html", p)
}

func (s *Server) handleEvaluateForm(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "unreadable form: %v", err))
		return
	}
	e, err := s.evaluate(r, r.PathValue("id"), r.PostForm.Get("method"), r.PostForm.Get("indicator"), r.PostForm.Get("reason"))
	if err != nil {
		if code := atalaya.ErrorCode(err); code == atalaya.EINVALID {
			s.renderProgramme(w, r, http.StatusBadRequest, atalaya.ErrorMessage(err))
			return
		}
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/analysis/evaluations/"+strconv.FormatInt(e.ID, 10), http.StatusSeeOther)
}

// evaluationView is an evaluation report.
type evaluationView struct {
	E         atalaya.Evaluation
	R         analysis.Report
	P         atalaya.Programme
	AreaNames string
	Indicator string
	Chart     template.HTML
	Reading   string
	Figures   []figureRow
	Rows      []analysis.Point
	Effect    string // the headline effect's label
	XLabel    string
}

type figureRow struct{ Label, Value string }

func (s *Server) handleEvaluationPage(w http.ResponseWriter, r *http.Request) {
	v := &evaluationView{}
	p := s.newPage(w, r, "analysis", "", v)
	e, err := s.evaluationByID(r)
	if err == nil {
		v.E = e
		err = json.Unmarshal(e.Result, &v.R)
	}
	ps, _ := s.programmes()
	if err == nil {
		v.P, err = ps.Programme(r.Context(), e.Programme)
	}
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	v.AreaNames = s.areaNames(r, v.R.Areas)
	v.Indicator = v.R.Indicator
	if ind, ok := s.Engine.Catalogue().Lookup(v.R.Indicator); ok {
		v.Indicator = p.Text(ind.Name)
	}
	p.Title = p.T("analysis.eval.title", p.T("analysis.method."+v.R.Method), v.P.Name)
	v.Reading = reading(p, v)
	v.Figures = figures(p, v.R)
	v.Rows = v.R.Series
	v.Effect = p.T("analysis.eval.effect.rate_ratio")
	if v.R.EffectKind != "rate_ratio" {
		v.Effect = p.T("analysis.eval.effect.rate_difference", p.Int(v.R.Multiplier))
	}
	v.XLabel = p.T("analysis.eval.xlabel." + v.R.Frequency)
	if v.R.Method == atalaya.MethodDiD {
		v.XLabel = p.T("analysis.eval.xlabel.event")
	}
	v.Chart = evaluationChart(p, v)
	s.render(w, r, http.StatusOK, "analysis_evaluation.html", p)
}

func evaluationChart(p *Page, v *evaluationView) template.HTML {
	var obs, cf chart.Series
	obs.Name, cf.Name = p.T("analysis.eval.observed"), p.T("analysis.eval.counterfactual")
	if v.R.Method == atalaya.MethodDiD {
		obs.Name, cf.Name = p.T("analysis.eval.effect_by_year"), p.T("analysis.eval.no_effect")
	}
	for _, pt := range v.R.Series {
		label := pt.Period
		if v.R.Frequency == "month" {
			label = p.Period(pt.Period)
		}
		o := chart.Point{Label: label}
		if pt.Observed != nil {
			o.Y, o.HasValue = *pt.Observed, true
			if v.R.Method == atalaya.MethodDiD && pt.Low != nil {
				o.Low, o.High = *pt.Low, *pt.High
			} else {
				o.Low, o.High = o.Y, o.Y
			}
		}
		c := chart.Point{Label: label}
		if pt.Counterfactual != nil {
			c.Y, c.HasValue = *pt.Counterfactual, true
			c.Low, c.High = c.Y, c.Y
			if v.R.Method != atalaya.MethodDiD && pt.Low != nil {
				c.Low, c.High = *pt.Low, *pt.High
			}
		}
		obs.Points, cf.Points = append(obs.Points, o), append(cf.Points, c)
	}
	ylabel := p.T("analysis.eval.ylabel.its")
	if v.R.Method != atalaya.MethodITS {
		ylabel = p.T("analysis.eval.ylabel."+v.R.Method, p.Int(v.R.Multiplier))
	}
	xlabel := p.T("analysis.eval.xlabel." + v.R.Frequency)
	if v.R.Method == atalaya.MethodDiD {
		xlabel = p.T("analysis.eval.xlabel.event")
	}
	return chart.Trend(chart.TrendOptions{ID: "evaluation", Title: p.Title, Desc: p.T("analysis.eval.chart_desc"), Series: []chart.Series{obs, cf},
		XLabel: xlabel, YLabel: ylabel, ZeroBased: v.R.Method != atalaya.MethodDiD, Format: func(f float64) string {
			if v.R.Method == atalaya.MethodITS {
				return p.Num(f, 0)
			}
			return p.Num(f, 1)
		},
		BandLabel: p.T("analysis.eval.band")})
}

// reading is the plain-language reading of a report in the page's
// language.
func reading(p *Page, v *evaluationView) string {
	r := v.R
	start := p.Period(r.Start)
	var effect, low, high string
	switch r.EffectKind {
	case "rate_ratio":
		pct := math.Abs(r.Effect.Value-1) * 100
		effect, low, high = p.Num(pct, 0), p.Num(r.Effect.Low, 2), p.Num(r.Effect.High, 2)
		out := p.T("analysis.reading.its."+r.Direction, start, v.AreaNames, effect, p.Num(r.Effect.Value, 2), low, high)
		// The change in the trend, and a caution when the counterfactual
		// extends a steep pre-programme trend far beyond what was seen.
		var slope, slopeLo, slopeHi float64
		for _, f := range r.Figures {
			switch f.Key {
			case "analysis.fig.slope_change":
				slope = f.Value
			case "analysis.fig.slope_change_low":
				slopeLo = f.Value
			case "analysis.fig.slope_change_high":
				slopeHi = f.Value
			}
		}
		if slope > 0 {
			dir := "none"
			if slopeHi < 1 {
				dir = "down"
			} else if slopeLo > 1 {
				dir = "up"
			}
			out += " " + p.T("analysis.reading.its.slope_"+dir, p.Num(math.Abs(slope-1)*100, 1), p.Num(slopeLo, 3), p.Num(slopeHi, 3))
		}
		if n := len(r.Series); n > 0 && r.Series[n-1].Observed != nil && r.Series[n-1].Counterfactual != nil {
			if o, c := *r.Series[n-1].Observed, *r.Series[n-1].Counterfactual; o > 0 && (c/o > 2 || o/c > 2) {
				out += " " + p.T("analysis.reading.its.extrapolation")
			}
		}
		return out
	default:
		effect, low, high = p.Num(math.Abs(r.Effect.Value), 2), p.Num(r.Effect.Low, 2), p.Num(r.Effect.High, 2)
		return p.T("analysis.reading."+r.Method+"."+r.Direction, start, v.AreaNames, effect, p.Int(r.Multiplier), low, high)
	}
}

func figures(p *Page, r analysis.Report) []figureRow {
	var out []figureRow
	for _, f := range r.Figures {
		val := p.Num(f.Value, 3)
		switch f.Key {
		case "analysis.fig.months_before", "analysis.fig.months_after", "analysis.fig.treated_areas", "analysis.fig.comparison_areas",
			"analysis.fig.cumulative", "analysis.fig.cumulative_low", "analysis.fig.cumulative_high":
			val = p.Num(f.Value, 0)
		case "analysis.fig.placebo_rank":
			val = p.T("analysis.fig.rank_of", p.Num(f.Value, 0), f.Text)
		case "analysis.fig.donor_weight":
			out = append(out, figureRow{p.T(f.Key, f.Text), val})
			continue
		}
		out = append(out, figureRow{p.T(f.Key), val})
	}
	return out
}
