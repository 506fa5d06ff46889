package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/analysis"
	"github.com/oas-atalaya/atalaya/internal/chart"
	"github.com/oas-atalaya/atalaya/internal/compstat"
	"github.com/oas-atalaya/atalaya/internal/density"
	"github.com/oas-atalaya/atalaya/internal/nearrepeat"
)

// compstatQuery reads indicator, area, as_of.
func (s *Server) compstatQuery(r *http.Request) (indicator, area, asOf string, err error) {
	q := r.URL.Query()
	for k := range q {
		switch k {
		case "indicator", "area", "as_of", "lang":
		default:
			return "", "", "", atalaya.Errorf(atalaya.EINVALID, "unknown parameter %q: use indicator, area, as_of", k)
		}
	}
	indicator, area, asOf = q.Get("indicator"), q.Get("area"), q.Get("as_of")
	if indicator == "" {
		indicator = "homicide-rate"
	}
	if area == "" {
		area = s.defaultCountry(r)
	}
	return indicator, area, asOf, nil
}

func (s *Server) handleCompStatAPI(w http.ResponseWriter, r *http.Request) {
	ind, area, asOf, err := s.compstatQuery(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	res, err := s.node().CompStat(r.Context(), ind, area, asOf, true, 0.05)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

type compstatView struct {
	Indicator, Area, AsOf string
	Name                  string
	Indicators            []indicatorChoice
	Res                   *analysis.CompStatResult
	Chart                 template.HTML // the area's monthly counts and their STL trend
	Error                 string
}

func (s *Server) handleCompStatPage(w http.ResponseWriter, r *http.Request) {
	v := &compstatView{}
	p := s.newPage(w, r, "analysis", "analysis.compstat.title", v)
	v.Indicators = s.indicatorChoices(p)
	var err error
	v.Indicator, v.Area, v.AsOf, err = s.compstatQuery(r)
	if err == nil {
		v.Res, err = s.node().CompStat(r.Context(), v.Indicator, v.Area, v.AsOf, true, 0.05)
	}
	if ind, ok := s.Engine.Catalogue().Lookup(v.Indicator); ok {
		v.Name = p.Text(ind.Name)
	}
	if err != nil {
		if atalaya.ErrorCode(err) == atalaya.EINTERNAL {
			s.pageError(w, r, p, err)
			return
		}
		v.Error = atalaya.ErrorMessage(err)
	}
	if v.Res != nil && len(v.Res.Rows) > 0 {
		// The area itself first, named in the reader's language.
		v.Res.Rows[0].Name = s.localName(r, v.Res.Rows[0].Area, v.Res.Rows[0].Name)
	}
	if v.Res != nil && len(v.Res.Trend) > 0 {
		var counts, trend chart.Series
		counts.Name, trend.Name = p.T("analysis.compstat.series_count"), p.T("analysis.compstat.series_trend")
		for _, t := range v.Res.Trend {
			label := p.Period(t.Month)
			counts.Points = append(counts.Points, chart.Point{Label: label, Y: t.Count, Low: t.Count, High: t.Count, HasValue: true})
			trend.Points = append(trend.Points, chart.Point{Label: label, Y: t.Trend, Low: t.Trend, High: t.Trend, HasValue: true})
		}
		v.Chart = chart.Trend(chart.TrendOptions{ID: "stl", Title: p.T("analysis.compstat.trend_title", v.Name, v.Res.Rows[0].Name),
			Desc: p.T("analysis.compstat.trend_desc"), Series: []chart.Series{counts, trend}, XLabel: p.T("analysis.eval.xlabel.month"),
			YLabel: p.T("analysis.compstat.series_count"), ZeroBased: true, Format: func(f float64) string { return p.Num(f, 0) }})
	}
	s.render(w, r, http.StatusOK, "analysis_compstat.html", p)
}

// readingClass is the CSS class of a CompStat reading.
func readingClass(rd compstat.Reading) string {
	switch rd {
	case compstat.Increase:
		return "up"
	case compstat.Decrease:
		return "down"
	}
	return ""
}

// pointParams are the point page's parameters.
type pointParams struct {
	Source, ICCS, From, To string
	Bandwidth              float64
	Space, Days            string
}

func (s *Server) pointParams(r *http.Request) (pointParams, error) {
	q := r.URL.Query()
	for k := range q {
		switch k {
		case "source", "iccs", "from", "to", "bandwidth", "space", "days", "lang":
		default:
			return pointParams{}, atalaya.Errorf(atalaya.EINVALID, "unknown parameter %q: use source, iccs, from, to, bandwidth, space, days", k)
		}
	}
	pp := pointParams{Source: q.Get("source"), ICCS: q.Get("iccs"), From: q.Get("from"), To: q.Get("to"), Space: q.Get("space"), Days: q.Get("days")}
	if pp.Source == "" {
		pp.Source = "us-lapd"
	}
	if pp.Space == "" {
		pp.Space = "0,200,400,800"
	}
	if pp.Days == "" {
		pp.Days = "0,7,14,28"
	}
	if b := q.Get("bandwidth"); b != "" {
		f, err := strconv.ParseFloat(b, 64)
		if err != nil || f <= 0 || f > 1e6 {
			return pp, atalaya.Errorf(atalaya.EINVALID, "bandwidth %q: give metres, e.g. 500", b)
		}
		pp.Bandwidth = f
	}
	return pp, nil
}

func (pp pointParams) query() string {
	q := url.Values{"source": {pp.Source}}
	for k, v := range map[string]string{"iccs": pp.ICCS, "from": pp.From, "to": pp.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if pp.Bandwidth > 0 {
		q.Set("bandwidth", strconv.FormatFloat(pp.Bandwidth, 'f', -1, 64))
	}
	return q.Encode()
}

type pointsView struct {
	P       pointParams
	Sum     *analysis.PointSummary
	Grid    *density.Grid
	Image   string
	Sources []atalaya.Source
	Error   string
	Cells   [][]nearrepeat.Cell
}

// pointCache keeps the last point set and surface computed, so that the
// page and the image it links (two requests) read the records and
// estimate the surface once.
type pointCache struct {
	mu   sync.Mutex
	key  string
	pts  *analysis.Points
	grid *density.Grid
}

// surface returns the points and the density surface of pp, from the
// cache when the data have not changed since.
func (s *Server) surface(r *http.Request, pp pointParams) (*analysis.Points, *density.Grid, error) {
	ver, err := s.Store.DataVersion(r.Context())
	if err != nil {
		return nil, nil, err
	}
	key := fmt.Sprintf("%d?%s", ver, pp.query())
	c := s.points
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.key == key {
		return c.pts, c.grid, nil
	}
	pts, err := s.node().Points(r.Context(), analysis.PointQuery{Source: pp.Source, ICCS: pp.ICCS, From: pp.From, To: pp.To})
	if err != nil {
		return nil, nil, err
	}
	g, err := analysis.Density(r.Context(), pts, pp.Bandwidth)
	if err != nil {
		return nil, nil, err
	}
	c.key, c.pts, c.grid = key, pts, g
	return pts, g, nil
}

func (s *Server) handlePointsPage(w http.ResponseWriter, r *http.Request) {
	v := &pointsView{}
	p := s.newPage(w, r, "analysis", "analysis.points.title", v)
	v.Sources, _ = s.Store.Sources(r.Context())
	pp, err := s.pointParams(r)
	v.P = pp
	var pts *analysis.Points
	if err == nil {
		pts, v.Grid, err = s.surface(r, pp)
	}
	if err == nil {
		var space, days []float64
		if space, err = nearrepeat.ParseBands(pp.Space); err == nil {
			if days, err = nearrepeat.ParseBands(pp.Days); err == nil {
				v.Sum, err = analysis.Summary(r.Context(), pts, space, days, 99, 1)
			}
		}
	}
	if err != nil {
		if atalaya.ErrorCode(err) == atalaya.EINTERNAL {
			s.pageError(w, r, p, err)
			return
		}
		v.Error = atalaya.ErrorMessage(err)
	} else {
		v.Image = "/analysis/points/density.png?" + pp.query()
		v.Cells = v.Sum.Knox.Cells
	}
	if err := s.record(r, "read.points", fmt.Sprintf("source:%s iccs:%s", pp.Source, pp.ICCS), ""); err != nil {
		s.pageError(w, r, p, err)
		return
	}
	s.render(w, r, http.StatusOK, "analysis_points.html", p)
}

func (s *Server) handleDensityPNG(w http.ResponseWriter, r *http.Request) {
	pp, err := s.pointParams(r)
	var g *density.Grid
	if err == nil {
		_, g, err = s.surface(r, pp)
	}
	var buf bytes.Buffer
	if err == nil {
		err = g.PNG(&buf, density.YlOrRd)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.record(r, "read.points", fmt.Sprintf("source:%s iccs:%s", pp.Source, pp.ICCS), ""); err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(buf.Bytes())
}

// ReadingKey is the catalogue key of a CompStat reading.
func (v *compstatView) ReadingKey(rd compstat.Reading) string {
	switch rd {
	case compstat.Increase:
		return "analysis.compstat.up"
	case compstat.Decrease:
		return "analysis.compstat.down"
	case compstat.Noise:
		return "analysis.compstat.noise"
	}
	return "analysis.compstat.nodata"
}

// ReadingClass is the CSS class of a CompStat reading.
func (v *compstatView) ReadingClass(rd compstat.Reading) string { return readingClass(rd) }
