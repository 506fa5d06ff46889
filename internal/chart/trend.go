package chart

import (
	"html/template"
	"math"
	"strings"
)

// Point is one period of a trend series.
type Point struct {
	// Label is the period as shown under the x axis ("2015", "2024-03").
	Label string
	// Y is the value; Low and High bound its interval, drawn as a band
	// when High > Low. They are used only when HasValue is set.
	Y, Low, High float64
	// HasValue is false where there is no value: the line has a gap.
	HasValue bool
	// Provisional marks a value that may still change: its marker is
	// hollow and the segments that touch it are dashed.
	Provisional bool
}

// Series is one line of a trend chart.
type Series struct {
	// Name is the legend entry and tooltip prefix ("Chihuahua").
	Name string
	// Points are the series' periods in order. Periods are matched across
	// series by Label.
	Points []Point
}

// TrendOptions controls a trend chart. Strings are shown as given, so the
// caller translates them.
type TrendOptions struct {
	// ID prefixes the ids of the chart's elements; set it when a page shows
	// more than one chart.
	ID string
	// Title and Desc name and describe the chart for screen readers.
	Title, Desc string
	// Series are the lines, at most about four for legibility; each has
	// its own colour, dash pattern and marker shape.
	Series []Series
	// Width and Height are the SVG's size in px (default 720×320).
	Width, Height int
	// XLabel and YLabel are the axis titles ("Year", "Victims per
	// 100,000").
	XLabel, YLabel string
	// ZeroBased starts the y axis at zero (or below, for negative values);
	// otherwise it starts at a round value under the least value.
	ZeroBased bool
	// Format writes the tick labels and tooltip numbers in the reader's
	// locale (default: plain digits with a point).
	Format func(float64) string
	// ProvisionalLabel is the legend entry of provisional values (default
	// "Provisional"); BandLabel that of the bands (default "95%
	// interval"). They appear only when the chart has such values.
	ProvisionalLabel, BandLabel string
}

// Trend draws a line chart: one line per series with a marker per value,
// its interval as a translucent band, provisional values dashed and hollow,
// gaps where a period has no value, labelled axes with round ticks, and a
// legend above. Period labels are thinned so that they never overlap, and
// the last period is always labelled. It returns "" when no point has a
// value.
func Trend(opt TrendOptions) template.HTML {
	if opt.Width <= 0 {
		opt.Width = 720
	}
	if opt.Height <= 0 {
		opt.Height = 320
	}
	if opt.Format == nil {
		opt.Format = plain
	}
	if opt.ProvisionalLabel == "" {
		opt.ProvisionalLabel = "Provisional"
	}
	if opt.BandLabel == "" {
		opt.BandLabel = "95% interval"
	}
	// The periods, in order of first appearance, and the value range.
	var labels []string
	index := map[string]int{}
	lo, hi := math.Inf(1), math.Inf(-1)
	bands, provisional := false, false
	for _, s := range opt.Series {
		for _, p := range s.Points {
			if _, ok := index[p.Label]; !ok {
				index[p.Label] = len(labels)
				labels = append(labels, p.Label)
			}
			if !p.HasValue || !finite(p.Y) {
				continue
			}
			lo, hi = math.Min(lo, p.Y), math.Max(hi, p.Y)
			if hasBand(p) {
				bands = true
				lo, hi = math.Min(lo, p.Low), math.Max(hi, p.High)
			}
			provisional = provisional || p.Provisional
		}
	}
	if lo > hi {
		return ""
	}
	if opt.ZeroBased {
		lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	}
	ticks := niceTicks(lo, hi, 5)
	y0, y1 := ticks[0], ticks[len(ticks)-1]

	// Legend entries, laid out in rows above the plot.
	type entry struct {
		name  string
		kind  int // 0 series, 1 band, 2 provisional
		index int
	}
	var entries []entry
	if len(opt.Series) > 1 || (len(opt.Series) == 1 && opt.Series[0].Name != "") {
		for i, s := range opt.Series {
			entries = append(entries, entry{s.Name, 0, i})
		}
	}
	if bands {
		entries = append(entries, entry{opt.BandLabel, 1, 0})
	}
	if provisional {
		entries = append(entries, entry{opt.ProvisionalLabel, 2, 0})
	}
	W, H := float64(opt.Width), float64(opt.Height)
	tickW := 0.0
	tickText := make([]string, len(ticks))
	for i, v := range ticks {
		tickText[i] = opt.Format(v)
		tickW = math.Max(tickW, textWidth(tickText[i], fontSize))
	}
	left := tickW + 14
	if opt.YLabel != "" {
		left += 20
	}
	// Room on the right for half the last period label.
	right, bottom := math.Max(16, textWidth(labels[len(labels)-1], fontSize)/2+4), 26.0
	if opt.XLabel != "" {
		bottom += 20
	}
	type placed struct {
		entry
		x, y float64
	}
	var legend []placed
	lx, ly := left, 16.0
	for _, e := range entries {
		ew := 40 + textWidth(e.name, fontSize) + 18
		if lx > left && lx+ew > W-right {
			lx, ly = left, ly+20
		}
		legend = append(legend, placed{e, lx, ly})
		lx += ew
	}
	top := 12.0
	if len(legend) > 0 {
		top = ly + 18
	}
	plotW, plotH := W-left-right, H-top-bottom
	if plotW < 20 || plotH < 20 {
		return ""
	}
	slot := plotW / float64(len(labels))
	xAt := func(i int) float64 { return left + (float64(i)+0.5)*slot }
	yAt := func(v float64) float64 { return top + plotH*(1-(v-y0)/(y1-y0)) }

	id := idFor(opt.ID, "trend", opt.Title, opt.Desc, strings.Join(labels, ","))
	var b writer
	b.open(id, "img", "chart trend", W, H, opt.Title, opt.Desc)
	// Grid and y ticks.
	b.f(`<g class="axis y" fill="%s" text-anchor="end">`, mutedColor)
	for i, v := range ticks {
		stroke := gridColor
		if v == 0 {
			stroke = axisColor
		}
		b.f(`<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s"/><text x="%s" y="%s">%s</text>`,
			num(left), num(W-right), num(yAt(v)), num(yAt(v)), stroke, num(left-6), num(yAt(v)+4), esc(tickText[i]))
	}
	b.f(`</g>`)
	if opt.YLabel != "" {
		cy := top + plotH/2
		b.f(`<text class="axis-title" x="14" y="%s" fill="%s" text-anchor="middle" transform="rotate(-90 14 %s)">%s</text>`,
			num(cy), mutedColor, num(cy), esc(opt.YLabel))
	}
	// X labels, thinned to every step-th counted back from the last.
	maxLabel := 0.0
	for _, l := range labels {
		maxLabel = math.Max(maxLabel, textWidth(l, fontSize))
	}
	step := max(1, int(math.Ceil((maxLabel+10)/slot)))
	b.f(`<g class="axis x" fill="%s" text-anchor="middle">`, mutedColor)
	for i, l := range labels {
		if (len(labels)-1-i)%step != 0 {
			continue
		}
		b.f(`<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s"/><text x="%s" y="%s">%s</text>`,
			num(xAt(i)), num(xAt(i)), num(top+plotH), num(top+plotH+4), axisColor, num(xAt(i)), num(top+plotH+18), esc(l))
	}
	b.f(`</g>`)
	if opt.XLabel != "" {
		b.f(`<text class="axis-title" x="%s" y="%s" fill="%s" text-anchor="middle">%s</text>`,
			num(left+plotW/2), num(H-8), mutedColor, esc(opt.XLabel))
	}
	// Markers shrink with the slot; below 2px they would turn a dense
	// line into dots, so they are drawn invisible, kept for their tooltips.
	r := math.Min(4, slot/3)
	for si, s := range opt.Series {
		drawSeries(&b, s, si, index, xAt, yAt, r, opt, len(opt.Series) > 1 || s.Name != "")
	}
	for _, e := range legend {
		c := SeriesColors[e.index%len(SeriesColors)]
		y := e.y
		switch e.kind {
		case 0:
			b.f(`<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s" stroke-width="2"%s/>`,
				num(e.x), num(e.x+30), num(y-4), num(y-4), c, dashAttr(seriesDash[e.index%len(seriesDash)]))
			marker(&b, e.index, e.x+15, y-4, 4, c, false)
		case 1:
			// The band of one series is in its colour; a key for several
			// is grey.
			fill := SeriesColors[0]
			if len(opt.Series) > 1 {
				fill = mutedColor
			}
			b.f(`<rect x="%s" y="%s" width="30" height="12" fill="%s" fill-opacity="0.2"/>`, num(e.x), num(y-10), fill)
		case 2:
			b.f(`<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s" stroke-width="2" stroke-dasharray="3 3"/>`,
				num(e.x), num(e.x+30), num(y-4), num(y-4), mutedColor)
			b.f(`<circle cx="%s" cy="%s" r="4" fill="#ffffff" stroke="%s" stroke-width="1.5"/>`, num(e.x+15), num(y-4), mutedColor)
		}
		b.f(`<text x="%s" y="%s" fill="%s">%s</text>`, num(e.x+38), num(y), textColor, esc(e.name))
	}
	b.f(`</svg>`)
	return template.HTML(b.String())
}

// hasBand reports whether p has an interval to draw.
func hasBand(p Point) bool {
	return p.High > p.Low && finite(p.Low) && finite(p.High)
}

// drawSeries writes one series: band, solid and dashed segments, markers.
func drawSeries(b *writer, s Series, si int, index map[string]int, xAt func(int) float64, yAt func(float64) float64, r float64, opt TrendOptions, named bool) {
	c := SeriesColors[si%len(SeriesColors)]
	type q struct {
		Point
		i int
	}
	var pts []q
	for _, p := range s.Points {
		if p.HasValue && finite(p.Y) {
			pts = append(pts, q{p, index[p.Label]})
		}
	}
	// Bands: one polygon per run of consecutive periods with intervals.
	var band strings.Builder
	for i := 0; i < len(pts); {
		j := i
		for j < len(pts) && hasBand(pts[j].Point) && (j == i || pts[j].i == pts[j-1].i+1) {
			j++
		}
		if j == i {
			i++
			continue
		}
		run := pts[i:j]
		if len(run) == 1 { // a lone interval: a narrow bar
			x, p := xAt(run[0].i), run[0]
			band.WriteString("M" + num(x-3) + " " + num(yAt(p.High)) + "H" + num(x+3) + "V" + num(yAt(p.Low)) + "H" + num(x-3))
		} else {
			for k, p := range run {
				cmd := "L"
				if k == 0 {
					cmd = "M"
				}
				band.WriteString(cmd + num(xAt(p.i)) + " " + num(yAt(p.High)))
			}
			for k := len(run) - 1; k >= 0; k-- {
				band.WriteString("L" + num(xAt(run[k].i)) + " " + num(yAt(run[k].Low)))
			}
		}
		band.WriteString("Z")
		i = j
	}
	b.f(`<g class="series s%d">`, si)
	if band.Len() > 0 {
		b.f(`<path class="band" d="%s" fill="%s" fill-opacity="0.18"/>`, band.String(), c)
	}
	// Segments between neighbouring periods; dashed when either end is
	// provisional.
	var solid, dashed strings.Builder
	for k := 1; k < len(pts); k++ {
		a, z := pts[k-1], pts[k]
		if z.i != a.i+1 {
			continue // a gap
		}
		seg := "M" + num(xAt(a.i)) + " " + num(yAt(a.Y)) + "L" + num(xAt(z.i)) + " " + num(yAt(z.Y))
		if a.Provisional || z.Provisional {
			dashed.WriteString(seg)
		} else {
			solid.WriteString(seg)
		}
	}
	if solid.Len() > 0 {
		b.f(`<path class="line" d="%s" fill="none" stroke="%s" stroke-width="2" stroke-linejoin="round"%s/>`,
			solid.String(), c, dashAttr(seriesDash[si%len(seriesDash)]))
	}
	if dashed.Len() > 0 {
		b.f(`<path class="line provisional" d="%s" fill="none" stroke="%s" stroke-width="2" stroke-dasharray="3 3"/>`, dashed.String(), c)
	}
	for _, p := range pts {
		tip := p.Label + ": " + opt.Format(p.Y)
		if named {
			tip = s.Name + ", " + tip
		}
		if hasBand(p.Point) {
			tip += " (" + opt.Format(p.Low) + " – " + opt.Format(p.High) + ")"
		}
		if p.Provisional {
			tip += ", " + opt.ProvisionalLabel
		}
		b.f(`<g class="point">`)
		if r < 2 && !p.Provisional {
			b.f(`<circle cx="%s" cy="%s" r="3" fill="#ffffff" fill-opacity="0"/>`, num(xAt(p.i)), num(yAt(p.Y)))
		} else {
			marker(b, si, xAt(p.i), yAt(p.Y), math.Max(r, 2), c, p.Provisional)
		}
		b.f(`<title>%s</title></g>`, esc(tip))
	}
	b.f(`</g>`)
}

// marker writes series si's marker shape at (x, y): circle, square,
// triangle or diamond; hollow when provisional.
func marker(b *writer, si int, x, y, r float64, c string, hollow bool) {
	fill, stroke := c, ` stroke="#ffffff" stroke-width="1"`
	if hollow {
		fill, stroke = "#ffffff", ` stroke="`+c+`" stroke-width="1.5"`
	}
	switch si % 4 {
	case 0:
		b.f(`<circle cx="%s" cy="%s" r="%s" fill="%s"%s/>`, num(x), num(y), num(r), fill, stroke)
	case 1:
		b.f(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"%s/>`, num(x-r*0.9), num(y-r*0.9), num(r*1.8), num(r*1.8), fill, stroke)
	case 2:
		b.f(`<path d="M%s %sL%s %sL%s %sZ" fill="%s"%s/>`, num(x), num(y-r*1.2), num(x+r*1.1), num(y+r*0.8), num(x-r*1.1), num(y+r*0.8), fill, stroke)
	default:
		b.f(`<path d="M%s %sL%s %sL%s %sL%s %sZ" fill="%s"%s/>`, num(x), num(y-r*1.2), num(x+r*1.2), num(y), num(x), num(y+r*1.2), num(x-r*1.2), num(y), fill, stroke)
	}
}

// dashAttr returns a stroke-dasharray attribute, or "" for a solid line.
func dashAttr(d string) string {
	if d == "" {
		return ""
	}
	return ` stroke-dasharray="` + d + `"`
}
