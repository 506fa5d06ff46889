// Package chart draws the portal's charts and maps as SVG on the server, so
// that pages show them without JavaScript.
//
// Map draws a choropleth of areas, Trend a line chart of one or more series
// with confidence bands and provisional points, Bars a ranked horizontal bar
// chart with intervals, and Sparkline a small trend line for the home page.
// Breaks classifies values for a choropleth legend by natural breaks
// (Fisher–Jenks), quantiles or equal intervals.
//
// Every function returns a complete <svg> element as template.HTML, ready to
// place in an html/template page. The output is built for a strict Content
// Security Policy and for screen readers:
//
//   - no <script>, no event handlers and no style attributes: colours, fonts
//     and strokes are SVG presentation attributes (fill=, stroke=,
//     font-family=), and hooks for the page's stylesheet are class= only;
//   - all text taken from the caller (names, labels, titles) is escaped;
//   - the <svg> has role="img" (role="group" when it holds links) and
//     aria-labelledby pointing at its own <title> and <desc>, and each
//     mark carries a <title> that browsers show on hover;
//   - text is at least 11px, in the font family of the Font constant.
//
// Numbers are written by the caller's Format function, so the page's
// locale decides between 1,234.5 and 1.234,5; strings that the chart shows
// (legend headings, "No data", "Provisional") come from the options so that
// they can be translated. Each chart should carry a table alternative on its
// page: the SVG is a picture of the numbers, not a replacement for them.
//
// The SVGs carry width and height attributes for their natural size; a page
// makes them fluid with `svg.chart { max-width: 100%; height: auto }`. Its
// stylesheet can also reach these classes: "chart" with "map", "trend" or
// "bars" on the root, "sparkline"; in maps "area", "nodata", "highlight"
// and "legend" (areas with links sit in <a> elements, so a focus style such
// as `.map a:focus-visible path { stroke: #000; stroke-width: 2 }` marks
// the keyboard position); in trends "series s0"…, "band", "line",
// "provisional", "point", "axis x", "axis y" and "axis-title"; in bar
// charts "bar" and "highlight".
//
// Element ids inside an SVG (title, desc, patterns) are prefixed with the
// options' ID, so that several charts can share a page; charts without an ID
// get one derived from their content, which is unique unless the same chart
// is drawn twice on one page.
package chart

import (
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Font is the font-family attribute of all text: the system sans-serif
// faces, so no web font has to be fetched.
const Font = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

// Colours of the chart furniture; each passes WCAG AA contrast (4.5:1) on
// white for text.
const (
	textColor  = "#1f2933" // labels and legend text
	mutedColor = "#52606d" // tick labels and axis titles (7:1 on white)
	gridColor  = "#d9dee5" // grid lines
	axisColor  = "#7b8794" // the zero line and axis ticks
	noData     = "#f0f0f0" // background of the no-data hatch
	noDataLine = "#9aa5b1" // hatch lines
)

// fontSize is the size of all chart text in px; the brief sets 11 as the
// least that stays legible in screenshots.
const fontSize = 12

// SeriesColors are the line colours of Trend's series, in order: the
// Okabe–Ito palette, chosen to stay distinct for readers with any common
// colour-vision deficiency. Series also differ by dash pattern and marker
// shape, so that no reader depends on colour alone.
var SeriesColors = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"}

// seriesDash are the stroke-dasharray values of the series, by index.
var seriesDash = []string{"", "7 3", "2 2", "9 3 2 3"}

// writer is a small SVG writer: a strings.Builder with printf.
type writer struct{ strings.Builder }

func (b *writer) f(format string, args ...any) { fmt.Fprintf(&b.Builder, format, args...) }

// open writes the <svg> start tag with its accessible name and description
// and returns the id prefix. role is "img" or "group".
func (b *writer) open(id, role, class string, width, height float64, title, desc string) {
	b.f(`<svg xmlns="http://www.w3.org/2000/svg" class="%s" viewBox="0 0 %s %s" width="%s" height="%s" role="%s"`,
		esc(class), num(width), num(height), num(width), num(height), role)
	labelled := ""
	if title != "" {
		labelled = id + "-title"
	}
	if desc != "" {
		labelled = strings.TrimSpace(labelled + " " + id + "-desc")
	}
	if labelled != "" {
		b.f(` aria-labelledby="%s"`, labelled)
	}
	b.f(` font-family="%s" font-size="%d">`, esc(Font), fontSize)
	if title != "" {
		b.f(`<title id="%s-title">%s</title>`, id, esc(title))
	}
	if desc != "" {
		b.f(`<desc id="%s-desc">%s</desc>`, id, esc(desc))
	}
}

// esc escapes s for XML text and attribute values, and drops the control
// characters that XML 1.0 does not allow (and invalid UTF-8).
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&#34;")
		case r == '\'':
			b.WriteString("&#39;")
		case r == utf8.RuneError, r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xFFFE, r == 0xFFFF:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// idFor returns id when set, with any character other than an ASCII
// letter, digit, '-' or '_' replaced by '-' so that it is a valid id that
// aria-labelledby can name, or else a prefix derived from parts.
func idFor(id string, parts ...string) string {
	if id != "" {
		return strings.Map(func(r rune) rune {
			if r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
				return r
			}
			return '-'
		}, id)
	}
	h := fnv.New32a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return fmt.Sprintf("chart-%08x", h.Sum32())
}

// num formats a coordinate with at most one decimal.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// plain formats v without locale: integers as they are, other numbers
// with four significant digits but at least one decimal; it is the default
// Format.
func plain(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	d := 3 - int(math.Floor(math.Log10(math.Abs(v))))
	d = max(1, min(d, 6))
	s := strconv.FormatFloat(v, 'f', d, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// textWidth estimates the width in px of s at size px in a sans-serif face:
// 0.58 em per character, a little over the average, so that layouts err on
// the side of room.
func textWidth(s string, size float64) float64 {
	return float64(utf8.RuneCountInString(s)) * size * 0.58
}

// niceTicks returns round tick values covering [lo, hi] in about n
// intervals: a step of 1, 2, 2.5 or 5 times a power of ten, the one whose
// number of intervals is nearest n with the least of the axis left empty
// (the wider step on a tie).
func niceTicks(lo, hi float64, n int) []float64 {
	if !(hi > lo) {
		if lo == 0 {
			return []float64{0, 1}
		}
		hi = lo + math.Abs(lo)
		if lo > 0 {
			lo = 0
		}
	}
	n = max(n, 1)
	p := math.Pow(10, math.Floor(math.Log10((hi-lo)/float64(n))))
	step, best := 0.0, math.Inf(1)
	for _, m := range []float64{10, 5, 2.5, 2, 1, 0.5} {
		s := m * p
		k := math.Ceil(hi/s-1e-9) - math.Floor(lo/s+1e-9)
		// Distance from n intervals, plus twice the share of the axis
		// left empty.
		if d := math.Abs(k-float64(n)) + 2*(1-(hi-lo)/(k*s)); d < best {
			step, best = s, d
		}
	}
	// Ticks are rounded to the step's decimals, to drop binary noise such
	// as 0.6000000000000001.
	scale := math.Pow(10, math.Max(0, 1-math.Floor(math.Log10(step))))
	first := math.Floor(lo/step + 1e-9)
	var ticks []float64
	for i := 0.0; i <= 200; i++ {
		v := math.Round((first+i)*step*scale) / scale
		ticks = append(ticks, v)
		if v >= hi-step*1e-9 {
			break
		}
	}
	return ticks
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// safeHref returns href if it is a relative URL or uses http, https or
// mailto, and "" otherwise, so that a javascript: URL never becomes a link.
func safeHref(href string) string {
	h := strings.TrimSpace(href)
	i := strings.IndexAny(h, ":/?#")
	if i < 0 || h[i] != ':' {
		return href
	}
	switch strings.ToLower(h[:i]) {
	case "http", "https", "mailto":
		return href
	}
	return ""
}
