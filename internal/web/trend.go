package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/values"
)

// trendView is the homicide trend the index page shows: the published
// SDG 16.1.1 rate of the country with the most recent published release.
type trendView struct {
	Name, Definition, AreaName, Link string
	Rows                             []trendRow
	Chart                            template.HTML
}

type trendRow struct {
	Period, Source, Flags, NotAvailable string
	Count, Denominator                  int64
	Rate, Low, High                     float64
}

func (s *Server) trend(r *http.Request) (string, *trendView, error) {
	rels, err := s.Store.Releases(r.Context(), atalaya.ReleaseFilter{Status: atalaya.StatusPublished})
	if err != nil || len(rels) == 0 {
		return "", nil, err
	}
	area, err := s.Store.Area(r.Context(), rels[len(rels)-1].Area)
	if err != nil {
		return "", nil, err
	}
	country := area.Country
	ind, ok := s.Engine.Catalogue().Lookup("homicide-rate")
	if !ok {
		return country, nil, nil
	}
	res, err := s.Engine.Values(r.Context(), values.Query{Indicator: ind.ID, Areas: []string{country}, Public: true})
	if err != nil {
		return "", nil, err
	}
	tv := &trendView{Name: text(ind.Name, "en"), Definition: text(ind.Definition, "en"), AreaName: res.AreaNames[country],
		Link: "/api/v1/indicators/" + ind.ID + "/values?area=" + country}
	for _, v := range res.Values {
		row := trendRow{Period: v.Period, Source: string(v.SourceType), Flags: strings.Join(v.Flags, ", "), NotAvailable: v.NotAvailable}
		if v.Count != nil && v.Rate != nil {
			row.Count, row.Denominator, row.Rate, row.Low, row.High = *v.Count, *v.Denominator, *v.Rate, *v.CILow, *v.CIHigh
		}
		if row.NotAvailable == "" && v.Rate == nil {
			row.NotAvailable = "not available"
		}
		tv.Rows = append(tv.Rows, row)
	}
	tv.Chart = trendChart(tv.Rows)
	return country, tv, nil
}

// trendChart draws the rates as bars with their 95% intervals as whiskers,
// in SVG (no script, no inline style: the page's CSP allows neither).
func trendChart(rows []trendRow) template.HTML {
	const w, h, left, bottom, top = 720.0, 240.0, 48.0, 28.0, 12.0
	var max float64
	n := 0
	for _, r := range rows {
		if r.Count > 0 || r.Rate > 0 {
			n++
			if r.High > max {
				max = r.High
			}
		}
	}
	if n == 0 || max == 0 {
		return ""
	}
	step := niceStep(max / 4)
	top2 := step * float64(int(max/step)+1)
	y := func(v float64) float64 { return top + (h-bottom-top)*(1-v/top2) }
	bw := (w - left - 8) / float64(len(rows))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="Rate per 100,000 by year with 95%% intervals">`, w, h)
	for v := 0.0; v <= top2+1e-9; v += step {
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#d9dee5"/><text x="%.1f" y="%.1f" font-size="11" text-anchor="end" fill="#5b6675">%g</text>`,
			left, w-8, y(v), y(v), left-6, y(v)+4, v)
	}
	for i, r := range rows {
		x := left + float64(i)*bw
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle" fill="#5b6675">%s</text>`, x+bw/2, h-8, template.HTMLEscapeString(r.Period))
		if r.Count == 0 && r.Rate == 0 {
			continue
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#0b5394" opacity="0.85"><title>%s: %.2f (%.2f – %.2f)</title></rect>`,
			x+bw*0.2, y(r.Rate), bw*0.6, y(0)-y(r.Rate), template.HTMLEscapeString(r.Period), r.Rate, r.Low, r.High)
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#1b2430" stroke-width="1.5"/>`, x+bw/2, x+bw/2, y(r.Low), y(r.High))
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#1b2430" stroke-width="1.5"/><line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#1b2430" stroke-width="1.5"/>`,
			x+bw*0.4, x+bw*0.6, y(r.Low), y(r.Low), x+bw*0.4, x+bw*0.6, y(r.High), y(r.High))
	}
	fmt.Fprintf(&b, `<text x="4" y="%.1f" font-size="11" fill="#5b6675" transform="rotate(-90 10 %.1f)">per 100,000</text>`, (h-bottom+top)/2+30, (h-bottom+top)/2)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceStep rounds a step up to 1, 2 or 5 times a power of ten.
func niceStep(x float64) float64 {
	p := 1.0
	for p*10 <= x {
		p *= 10
	}
	for p > x && p > 1e-9 {
		p /= 10
	}
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x {
			return m * p
		}
	}
	return 10 * p
}
