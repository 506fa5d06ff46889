package chart

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// years returns a series of yearly points from 2015 with rate-like values
// and intervals; the last is provisional and 2019 has no value when gap is
// set.
func years(name string, base float64, gap bool) Series {
	s := Series{Name: name}
	for y := 2015; y <= 2025; y++ {
		v := base + 6*math.Sin(float64(y-2015)/2)
		p := Point{Label: fmt.Sprint(y), Y: v, Low: v - 1.5, High: v + 1.6, HasValue: !(gap && y == 2019), Provisional: y == 2025}
		s.Points = append(s.Points, p)
	}
	return s
}

func TestTrend(t *testing.T) {
	comma := func(v float64) string { return strings.Replace(fmt.Sprintf("%.1f", v), ".", ",", 1) }
	monthly := Series{Name: "México"}
	for i := range 126 {
		v := 2.0 + float64(i%12)/10 + float64(i)/60
		monthly.Points = append(monthly.Points, Point{Label: fmt.Sprintf("%d-%02d", 2015+i/12, i%12+1), Y: v, Low: v * 0.8, High: v * 1.2,
			HasValue: true, Provisional: i >= 120})
	}
	tests := []struct {
		name  string
		opt   TrendOptions
		wants []string
	}{
		{"trend_two_series", TrendOptions{ID: "t1", Title: "Homicide rate of women, Chihuahua and Mexico", Desc: "Rate per 100,000, 2015–2025, with 95% intervals",
			Series: []Series{years("Chihuahua", 12, true), years("Mexico", 5, false)}, XLabel: "Year", YLabel: "Victims per 100,000", ZeroBased: true},
			[]string{"Chihuahua, 2016: ", "Provisional", "95% interval", `stroke-dasharray="3 3"`, `role="img"`, ">Year<", ">Victims per 100,000<", ">0<"}},
		{"trend_monthly", TrendOptions{ID: "t2", Title: "Víctimas por mes", Series: []Series{monthly}, YLabel: "Víctimas por 100 000",
			Format: comma, ProvisionalLabel: "Preliminar", BandLabel: "Intervalo de 95 %"},
			[]string{"México, 2025-06: ", "Preliminar", "Intervalo de 95 %", ",", ">2025-06<"}},
		{"trend_four_narrow", TrendOptions{ID: "t5", Title: "Four series", Width: 400, Height: 300, YLabel: "Taux pour 100 000", XLabel: "Année", ZeroBased: true,
			Series: []Series{years("Chihuahua", 12, false), years("Ciudad de México", 8, false), years("Guanajuato", 20, true), years("Moyenne nationale", 5, false)},
			Format: comma, ProvisionalLabel: "Provisoire", BandLabel: "Intervalle à 95 %"},
			[]string{"Moyenne nationale", "Provisoire", ` class="series s3"`, `stroke-dasharray="9 3 2 3"`}},
		{"trend_single", TrendOptions{ID: "t3", Title: "One value", Series: []Series{{Points: []Point{{Label: "2024", Y: 3, HasValue: true}}}}, ZeroBased: true},
			[]string{"<title>2024: 3</title>"}},
		{"trend_escape", TrendOptions{ID: "t4", Title: `<script>alert("x")</script> & co`, Series: []Series{{Name: `A<b>"'`, Points: []Point{{Label: "<1>", Y: -2, HasValue: true}, {Label: "2", Y: 4, HasValue: true}}}}},
			[]string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co", "A&lt;b&gt;&#34;&#39;, &lt;1&gt;: -2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg := string(Trend(tt.opt))
			checkSVG(t, svg)
			for _, want := range tt.wants {
				if !strings.Contains(svg, want) {
					t.Errorf("lacks %q", want)
				}
			}
			golden(t, tt.name, svg)
		})
	}
}

// TestTrendTicksDoNotOverlap checks that the x labels drawn leave room
// between them, for any number of periods.
func TestTrendTicksDoNotOverlap(t *testing.T) {
	for _, n := range []int{1, 5, 11, 30, 126, 400} {
		s := Series{Name: "x"}
		for i := range n {
			s.Points = append(s.Points, Point{Label: fmt.Sprintf("%d-%02d", 2000+i/12, i%12+1), Y: float64(i), HasValue: true})
		}
		svg := string(Trend(TrendOptions{ID: "x", Title: "x", Series: []Series{s}, Width: 600}))
		var xs []float64
		g := svg[strings.Index(svg, `class="axis x"`):]
		g = g[:strings.Index(g, "</g>")]
		for _, part := range strings.Split(g, "<text x=\"")[1:] {
			var x float64
			fmt.Sscanf(part, "%g", &x)
			xs = append(xs, x)
		}
		if len(xs) == 0 || !strings.Contains(g, fmt.Sprintf(">%d-%02d<", 2000+(n-1)/12, (n-1)%12+1)) {
			t.Errorf("n=%d: last period not labelled", n)
		}
		for i := 1; i < len(xs); i++ {
			if xs[i]-xs[i-1] < textWidth("2000-01", fontSize)+4 {
				t.Errorf("n=%d: labels at %g and %g overlap", n, xs[i-1], xs[i])
			}
		}
	}
}

func TestTrendEmpty(t *testing.T) {
	for _, opt := range []TrendOptions{{}, {Series: []Series{{Name: "a", Points: []Point{{Label: "2020"}}}}}} {
		if got := Trend(opt); got != "" {
			t.Errorf("Trend(%+v) = %.80q, want empty", opt, got)
		}
	}
}
