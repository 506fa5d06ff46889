package chart

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestEsc(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{`<a href="x">&'`, "&lt;a href=&#34;x&#34;&gt;&amp;&#39;"},
		{"ctl\x00\x01\x1f\tok\n", "ctl\tok\n"},
		{"bad\xffutf8", "badutf8"},
		{"Michoacán – 1 234,5", "Michoacán – 1 234,5"},
	}
	for _, tt := range tests {
		if got := esc(tt.in); got != tt.want {
			t.Errorf("esc(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSafeHref(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/areas/MEX-08", "/areas/MEX-08"},
		{"?area=08&lang=es", "?area=08&lang=es"},
		{"https://example.org/x", "https://example.org/x"},
		{"javascript:alert(1)", ""},
		{" JavaScript:alert(1)", ""},
		{"data:text/html,x", ""},
		{"/x?next=javascript:1", "/x?next=javascript:1"},
	}
	for _, tt := range tests {
		if got := safeHref(tt.in); got != tt.want {
			t.Errorf("safeHref(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIDFor(t *testing.T) {
	if got := idFor(`map 1<"x">`); got != "map-1--x--" {
		t.Errorf("idFor = %q", got)
	}
	a, b := idFor("", "map", "A"), idFor("", "map", "B")
	if a == b || !strings.HasPrefix(a, "chart-") || a != idFor("", "map", "A") {
		t.Errorf("derived ids %q, %q", a, b)
	}
}

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		want   []float64
	}{
		{0, 27.5, []float64{0, 5, 10, 15, 20, 25, 30}},
		{0, 0.9, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{12.3, 17.9, []float64{12, 13, 14, 15, 16, 17, 18}},
		{-2.1, 4, []float64{-4, -2, 0, 2, 4}},
		{0, 0, []float64{0, 1}},
		{3, 3, []float64{0, 1, 2, 3, 4, 5, 6}},
		{0, 1000, []float64{0, 200, 400, 600, 800, 1000}},
	}
	for _, tt := range tests {
		if got := niceTicks(tt.lo, tt.hi, 5); !slices.Equal(got, tt.want) {
			t.Errorf("niceTicks(%g, %g) = %v, want %v", tt.lo, tt.hi, got, tt.want)
		}
	}
}

func TestPlainAndTenths(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 12: "12", 12.345678: "12.35", 0.012345: "0.01235", -3.5: "-3.5", 1234.5: "1234.5"} {
		if got := plain(v); got != want {
			t.Errorf("plain(%g) = %q, want %q", v, got, want)
		}
	}
	var b strings.Builder
	for i, v := range []int{123, -5, 0, 30, 7, -12} {
		writeTenths(&b, v, i > 0)
	}
	if got := b.String(); got != "12.3-.5 0 3 .7-1.2" {
		t.Errorf("writeTenths: %q", got)
	}
}

func TestNoScriptAnywhere(t *testing.T) {
	evil := `"><script>alert(1)</script><x onload="y`
	shape := Shape{ID: evil, Name: evil, Label: evil, Href: "javascript:alert(1)", Geometry: square(0, 0, 1, false), HasValue: true, Value: math.NaN()}
	shapes := []Shape{shape}
	outs := []string{
		string(Map(shapes, MapOptions{ID: evil, Title: evil, Desc: evil, Unit: evil, NoDataLabel: evil, Highlight: evil})),
		string(Trend(TrendOptions{ID: evil, Title: evil, Desc: evil, XLabel: evil, YLabel: evil, ProvisionalLabel: evil, BandLabel: evil,
			Series: []Series{{Name: evil, Points: []Point{{Label: evil, Y: 1, Low: 0, High: 2, HasValue: true, Provisional: true}}}}})),
		string(Bars(BarOptions{ID: evil, Title: evil, Desc: evil, XLabel: evil, NoDataLabel: evil, Highlight: evil,
			Bars: []Bar{{ID: evil, Label: evil, Text: evil, Value: 2, Low: math.Inf(-1), High: 3, HasValue: true}, {Label: evil}}})),
	}
	for i, s := range outs {
		checkSVG(t, s)
		if strings.Contains(s, "<script") || strings.Contains(s, "<x ") || strings.Contains(s, "javascript:") {
			t.Errorf("output %d is not escaped: %.300s", i, s)
		}
	}
	if shapes[0].Href != shape.Href {
		t.Errorf("Map changed its caller's shapes")
	}
	if !strings.Contains(outs[0], `role="img"`) || strings.Contains(outs[0], "<a ") {
		t.Errorf("a javascript: link was drawn")
	}
}
