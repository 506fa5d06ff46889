package chart

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestBars(t *testing.T) {
	states := []string{"Colima", "Baja California", "Chihuahua", "Guanajuato", "Zacatecas", "Morelos", "Sonora", "Michoacán de Ocampo", "Yucatán"}
	var bars []Bar
	for i, s := range states {
		v := float64((i*7)%9*9 + 2)
		bars = append(bars, Bar{ID: fmt.Sprint(i), Label: s, Value: v, Low: v * 0.8, High: v * 1.25, HasValue: s != "Yucatán"})
	}
	svg := string(Bars(BarOptions{ID: "b", Title: "Rank among states", Bars: bars, Highlight: "2", XLabel: "Victims per 100,000", NoDataLabel: "Suppressed"}))
	checkSVG(t, svg)
	// Ranked: values descending, the row without a value last.
	var order []string
	for _, part := range strings.Split(svg, `text-anchor="end" fill="`+textColor+`"`)[1:] {
		part = part[strings.Index(part, ">")+1:]
		order = append(order, part[:strings.Index(part, "<")])
	}
	if len(order) != len(states) || order[len(order)-1] != "Yucatán" {
		t.Fatalf("rows %q", order)
	}
	if !strings.Contains(svg, `class="bar highlight"><title>Chihuahua: `) || !strings.Contains(svg, ">Suppressed<") {
		t.Errorf("highlight or no-data row missing")
	}
	golden(t, "bars", svg)
	if Bars(BarOptions{}) != "" {
		t.Errorf("Bars with no rows is not empty")
	}
}

func TestBarsCases(t *testing.T) {
	tests := []struct {
		name  string
		opt   BarOptions
		order []string // labels top to bottom
		wants []string
	}{
		{"keep order", BarOptions{Title: "t", KeepOrder: true, Bars: []Bar{{Label: "b", Value: 1, HasValue: true}, {Label: "n"}, {Label: "a", Value: 5, HasValue: true}}},
			[]string{"b", "a", "n"}, []string{">No data<"}},
		{"negative values", BarOptions{Title: "t", Bars: []Bar{{Label: "up", Value: 3, HasValue: true}, {Label: "down", Value: -2, Low: -3, High: -1, HasValue: true}}},
			[]string{"up", "down"}, []string{">-2<", ">0<"}},
		{"long label truncated", BarOptions{Title: "t", Width: 300, Bars: []Bar{{Label: strings.Repeat("Coahuila de Zaragoza ", 4), Value: 1, HasValue: true}}},
			nil, []string{"…</text>"}},
		{"no values", BarOptions{Title: "t", NoDataLabel: "n/d", Bars: []Bar{{Label: "x"}, {Label: "y", Value: math.NaN(), HasValue: true}}},
			[]string{"x", "y"}, []string{">n/d<"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg := string(Bars(tt.opt))
			checkSVG(t, svg)
			var order []string
			for _, part := range strings.Split(svg, `text-anchor="end" fill="`+textColor+`"`)[1:] {
				part = part[strings.Index(part, ">")+1:]
				order = append(order, part[:strings.Index(part, "<")])
			}
			if tt.order != nil && !slices.Equal(order, tt.order) {
				t.Errorf("rows %q, want %q", order, tt.order)
			}
			for _, want := range tt.wants {
				if !strings.Contains(svg, want) {
					t.Errorf("lacks %q", want)
				}
			}
		})
	}
}

func TestSparkline(t *testing.T) {
	svg := string(Sparkline([]float64{3, 4, math.NaN(), 5, 4.5, 6}, 120, 32))
	if !strings.Contains(svg, `aria-hidden="true"`) || strings.Count(svg, "M") != 2 {
		t.Errorf("sparkline %s", svg)
	}
	golden(t, "sparkline", svg)
	for _, v := range [][]float64{nil, {1}, {math.NaN(), math.NaN()}} {
		if Sparkline(v, 100, 20) != "" {
			t.Errorf("Sparkline(%v) not empty", v)
		}
	}
}

// TestBarsMexico ranks the 32 states, the longest names included, as the
// area profile shows them.
func TestBarsMexico(t *testing.T) {
	var bars []Bar
	for i, s := range mexico(t) {
		v := s.Value / 5
		bars = append(bars, Bar{ID: s.ID, Label: s.Name, Value: v, Low: v * 0.85, High: v * 1.15, HasValue: s.HasValue,
			Text: strings.Replace(fmt.Sprintf("%.1f", v), ".", ",", 1) + map[bool]string{true: " *", false: ""}[i%9 == 4]})
	}
	svg := string(Bars(BarOptions{ID: "rank", Title: "Posición entre entidades", Bars: bars, Highlight: "08", XLabel: "Víctimas por 100 000",
		NoDataLabel: "Sin datos", Format: func(v float64) string { return strings.Replace(fmt.Sprintf("%g", v), ".", ",", 1) }}))
	if el := checkSVG(t, svg); el["rect"] != 30 {
		t.Errorf("%d bars, want 30 (two states without data)", el["rect"])
	}
	golden(t, "bars_mexico", svg)
}
