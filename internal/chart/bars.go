package chart

import (
	"html/template"
	"math"
	"slices"
	"strings"
)

// Bar is one row of a ranked bar chart.
type Bar struct {
	// ID identifies the row (an area code); BarOptions.Highlight names it.
	ID string
	// Label is the row's name, written left of the bar.
	Label string
	// Value is the bar's length; Low and High bound its interval, drawn as
	// a whisker when High > Low. They are used only when HasValue is set.
	Value, Low, High float64
	// HasValue is false for a row without a value: it is ranked last and
	// shows NoDataLabel instead of a bar.
	HasValue bool
	// Text is written right of the bar: the formatted value with its flags
	// ("23.9 ·  small count"); default Format(Value).
	Text string
}

// BarOptions controls a ranked bar chart. Strings are shown as given, so the
// caller translates them.
type BarOptions struct {
	// ID prefixes the ids of the chart's elements; set it when a page shows
	// more than one chart.
	ID string
	// Title and Desc name and describe the chart for screen readers.
	Title, Desc string
	// Bars are the rows. Bars sorts them by value, greatest first, unless
	// KeepOrder is set; rows without a value go last either way.
	Bars      []Bar
	KeepOrder bool
	// Highlight is the ID of a row to draw in a contrasting colour, with
	// its label in bold and the "highlight" class.
	Highlight string
	// Width is the SVG's width in px (default 720); the height follows
	// from the number of rows.
	Width int
	// XLabel is the title of the value axis ("Victims per 100,000").
	XLabel string
	// Format writes the tick labels and default value texts in the
	// reader's locale (default: plain digits with a point).
	Format func(float64) string
	// NoDataLabel is written for rows without a value (default "No
	// data").
	NoDataLabel string
}

// Bar colours: the Okabe–Ito blue, and its vermilion for the highlighted
// row, a pair that stays distinct under every common colour-vision
// deficiency.
const (
	barColor       = "#0072B2"
	highlightColor = "#D55E00"
)

// Bars draws a horizontal bar chart, one row per bar ranked by value, with
// interval whiskers, the value text at the end of each bar, an axis with
// round ticks from zero, and one row highlighted. It returns "" when there
// are no bars.
func Bars(opt BarOptions) template.HTML {
	if len(opt.Bars) == 0 {
		return ""
	}
	if opt.Width <= 0 {
		opt.Width = 720
	}
	if opt.Format == nil {
		opt.Format = plain
	}
	if opt.NoDataLabel == "" {
		opt.NoDataLabel = "No data"
	}
	bars := slices.Clone(opt.Bars)
	for i := range bars {
		bars[i].HasValue = bars[i].HasValue && finite(bars[i].Value)
		if !finite(bars[i].Low) || !finite(bars[i].High) {
			bars[i].Low, bars[i].High = 0, 0
		}
	}
	slices.SortStableFunc(bars, func(a, b Bar) int {
		switch {
		case a.HasValue != b.HasValue:
			if a.HasValue {
				return -1
			}
			return 1
		case opt.KeepOrder || !a.HasValue:
			return 0
		case a.Value > b.Value:
			return -1
		case a.Value < b.Value:
			return 1
		}
		return 0
	})
	lo, hi := 0.0, 0.0
	labelW, textW := 0.0, 0.0
	texts := make([]string, len(bars))
	for i, br := range bars {
		labelW = math.Max(labelW, textWidth(br.Label, fontSize))
		switch {
		case !br.HasValue:
			texts[i] = opt.NoDataLabel
		case br.Text != "":
			texts[i] = br.Text
		default:
			texts[i] = opt.Format(br.Value)
		}
		textW = math.Max(textW, textWidth(texts[i], fontSize))
		if br.HasValue {
			lo, hi = math.Min(lo, br.Value), math.Max(hi, br.Value)
			if br.High > br.Low {
				lo, hi = math.Min(lo, br.Low), math.Max(hi, br.High)
			}
		}
	}
	W := float64(opt.Width)
	labelW = math.Min(labelW, W*0.3)
	const row, barH, top = 22.0, 14.0, 8.0
	left := labelW + 14
	right := textW + 14
	plotW := W - left - right
	if plotW < 40 {
		return ""
	}
	ticks := niceTicks(lo, hi, max(2, min(8, int(plotW/70))))
	x0, x1 := ticks[0], ticks[len(ticks)-1]
	xAt := func(v float64) float64 { return left + plotW*(v-x0)/(x1-x0) }
	plotH := float64(len(bars)) * row
	H := top + plotH + 24
	if opt.XLabel != "" {
		H += 20
	}

	id := idFor(opt.ID, "bars", opt.Title, opt.Desc)
	var b writer
	b.open(id, "img", "chart bars", W, H, opt.Title, opt.Desc)
	b.f(`<g class="axis x" fill="%s" text-anchor="middle">`, mutedColor)
	for _, v := range ticks {
		stroke := gridColor
		if v == 0 {
			stroke = axisColor
		}
		b.f(`<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s"/><text x="%s" y="%s">%s</text>`,
			num(xAt(v)), num(xAt(v)), num(top), num(top+plotH), stroke, num(xAt(v)), num(top+plotH+16), esc(opt.Format(v)))
	}
	b.f(`</g>`)
	if opt.XLabel != "" {
		b.f(`<text class="axis-title" x="%s" y="%s" fill="%s" text-anchor="middle">%s</text>`,
			num(left+plotW/2), num(H-6), mutedColor, esc(opt.XLabel))
	}
	for i, br := range bars {
		y := top + float64(i)*row
		cy := y + row/2
		hi := opt.Highlight != "" && br.ID == opt.Highlight
		class, fill, weight := "bar", barColor, ""
		if hi {
			class, fill, weight = "bar highlight", highlightColor, ` font-weight="bold"`
		}
		tip := br.Label + ": " + texts[i]
		if br.HasValue && br.High > br.Low {
			tip += " (" + opt.Format(br.Low) + " – " + opt.Format(br.High) + ")"
		}
		b.f(`<g class="%s"><title>%s</title>`, class, esc(tip))
		b.f(`<text x="%s" y="%s" text-anchor="end" fill="%s"%s>%s</text>`, num(left-8), num(cy+4), textColor, weight, esc(truncate(br.Label, labelW)))
		end := xAt(0)
		if br.HasValue {
			a, z := xAt(math.Min(0, br.Value)), xAt(math.Max(0, br.Value))
			b.f(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, num(a), num(cy-barH/2), num(math.Max(z-a, 0.5)), num(barH), fill)
			end = z
			if br.High > br.Low {
				l, h := xAt(br.Low), xAt(br.High)
				b.f(`<path d="M%s %sH%sM%s %sV%sM%s %sV%s" stroke="%s" stroke-width="1.5" fill="none"/>`,
					num(l), num(cy), num(h), num(l), num(cy-4), num(cy+4), num(h), num(cy-4), num(cy+4), textColor)
				end = math.Max(end, h)
			}
		}
		b.f(`<text x="%s" y="%s" fill="%s"%s>%s</text></g>`, num(end+6), num(cy+4), textColor, weight, esc(texts[i]))
	}
	b.f(`</svg>`)
	return template.HTML(b.String())
}

// truncate shortens s with an ellipsis to fit width px.
func truncate(s string, width float64) string {
	if textWidth(s, fontSize) <= width {
		return s
	}
	r := []rune(s)
	n := max(1, int(width/(fontSize*0.58))-1)
	return strings.TrimSpace(string(r[:min(n, len(r))])) + "…"
}

// Sparkline draws values as a small line w×h px with a dot on the last
// value, for a headline figure; NaN values leave gaps. It is decorative
// (aria-hidden), so the figure it accompanies must be given in text. It
// returns "" with fewer than two values.
func Sparkline(values []float64, w, h int) template.HTML {
	if len(values) < 2 || w <= 0 || h <= 0 {
		return ""
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	last := -1
	for i, v := range values {
		if !finite(v) {
			continue
		}
		lo, hi, last = math.Min(lo, v), math.Max(hi, v), i
	}
	if last < 0 {
		return ""
	}
	if hi == lo {
		lo, hi = lo-1, hi+1
	}
	const pad = 3.0
	W, H := float64(w), float64(h)
	x := func(i int) float64 { return pad + (W-2*pad)*float64(i)/float64(len(values)-1) }
	y := func(v float64) float64 { return pad + (H-2*pad)*(1-(v-lo)/(hi-lo)) }
	var d strings.Builder
	pen := false
	for i, v := range values {
		if !finite(v) {
			pen = false
			continue
		}
		if pen {
			d.WriteString("L")
		} else {
			d.WriteString("M")
		}
		d.WriteString(num(x(i)) + " " + num(y(v)))
		pen = true
	}
	var b writer
	b.f(`<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" viewBox="0 0 %d %d" width="%d" height="%d" aria-hidden="true" focusable="false">`, w, h, w, h)
	b.f(`<path d="%s" fill="none" stroke="%s" stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"/>`, d.String(), barColor)
	b.f(`<circle cx="%s" cy="%s" r="2.5" fill="%s"/></svg>`, num(x(last)), num(y(values[last])), barColor)
	return template.HTML(b.String())
}
