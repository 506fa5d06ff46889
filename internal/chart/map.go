package chart

import (
	"html/template"
	"math"
	"slices"
	"strconv"

	"github.com/oas-atalaya/atalaya/internal/geo"
)

// Shape is one area of a choropleth map.
type Shape struct {
	// ID identifies the area (its code); MapOptions.Highlight names it.
	ID string
	// Name is the area's name, shown in its tooltip.
	Name string
	// Geometry is the area's boundary in WGS84 longitude and latitude.
	Geometry geo.MultiPolygon
	// Value is the area's value, used only when HasValue is set.
	Value float64
	// HasValue is false for an area with no data (not available,
	// suppressed): it is hatched and counted under "No data".
	HasValue bool
	// Label is the formatted value with its flags ("23.9 · small count"),
	// shown after the name in the tooltip; when empty, the tooltip shows
	// the value by Format, or NoDataLabel.
	Label string
	// Href, when set, makes the area a link (focusable by keyboard).
	Href string
}

// MapOptions controls a choropleth map. Strings are shown as given, so the
// caller translates them.
type MapOptions struct {
	// ID prefixes the ids of the map's elements; set it when a page shows
	// more than one chart.
	ID string
	// Title and Desc name and describe the map for screen readers (the
	// <title> and <desc> that aria-labelledby points at).
	Title, Desc string
	// Width is the width of the SVG in px, legend included (default 720).
	// Height is its height; 0 fits the height to the areas' shape.
	Width, Height int
	// Classes is the number of colour classes, 1 to 7 (default 5).
	Classes int
	// Method classifies the values when Breaks is nil (default Jenks).
	Method Method
	// Breaks, when set, are class limits as returned by Breaks, for maps
	// that must share a legend.
	Breaks []float64
	// Colors, when set, replaces the colour ramp: one colour per class,
	// lightest first.
	Colors []string
	// Format writes numbers in the legend and default tooltips in the
	// reader's locale (default: plain digits with a point).
	Format func(float64) string
	// Unit heads the legend ("Victims per 100,000").
	Unit string
	// NoDataLabel is the legend entry of areas without a value (default
	// "No data").
	NoDataLabel string
	// Highlight is the ID of an area to outline and mark with the
	// "highlight" class.
	Highlight string
	// Tolerance is the simplification tolerance in px (default 0.5).
	Tolerance float64
}

// Ramp returns the default colour ramp of k classes (1 ≤ k ≤ 7), lightest
// first: ColorBrewer's YlOrRd (Cynthia Brewer, Pennsylvania State
// University), a sequential scheme that ColorBrewer rates safe for readers
// with colour-vision deficiencies, readable in greyscale print, and whose
// darkest class still contrasts with the no-data hatch.
func Ramp(k int) []string {
	k = max(1, min(k, 7))
	return append([]string(nil), ylOrRd[k]...)
}

var ylOrRd = [8][]string{
	1: {"#fd8d3c"},
	2: {"#feb24c", "#e31a1c"},
	3: {"#ffeda0", "#feb24c", "#f03b20"},
	4: {"#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"},
	5: {"#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"},
	6: {"#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"},
	7: {"#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"},
}

// Map draws shapes as a choropleth: each area a <path> filled by its value's
// class (inside an <a> when it has an Href), areas without a value hatched,
// and a legend with the class ranges and "No data" on the right (under the
// map when opt.Width is under 480 px). Areas are
// projected by an equirectangular projection scaled by the cosine of the
// middle latitude (see projection), simplified by Douglas–Peucker to
// opt.Tolerance px and written to a tenth of a pixel, which keeps Mexico's
// 32 states near 50 KB. It returns "" when no shape has a geometry.
func Map(shapes []Shape, opt MapOptions) template.HTML {
	if opt.Width <= 0 {
		opt.Width = 720
	}
	if opt.Format == nil {
		opt.Format = plain
	}
	if opt.NoDataLabel == "" {
		opt.NoDataLabel = "No data"
	}
	if opt.Tolerance <= 0 {
		opt.Tolerance = 0.5
	}
	if opt.Classes <= 0 {
		opt.Classes = 5
	}
	opt.Classes = min(opt.Classes, 7)
	breaks := opt.Breaks
	if breaks == nil {
		var vs []float64
		for _, s := range shapes {
			if s.HasValue {
				vs = append(vs, s.Value)
			}
		}
		breaks = Breaks(vs, opt.Classes, opt.Method)
	}
	nc := max(len(breaks)-1, 0)
	colors := opt.Colors
	if len(colors) < nc {
		colors = Ramp(nc)
	}
	// The legend: heading, one row per class, then "No data".
	const row, sw, pad = 22.0, 18.0, 8.0
	labels := make([]string, nc)
	legendW := textWidth(opt.Unit, fontSize) + 2*pad
	// A class's range starts at its least value, so that classes read as
	// disjoint ("1 – 2", "3 – 5"); limits given in opt.Breaks are shown as
	// they are, since they must match the other maps that share them.
	lows := slices.Clone(breaks)
	if opt.Breaks == nil {
		for i := 1; i < nc; i++ {
			lows[i] = math.Inf(1)
		}
		for _, s := range shapes {
			if c := Classify(s.Value, breaks); s.HasValue && c > 0 {
				lows[c] = math.Min(lows[c], s.Value)
			}
		}
	}
	for i := range nc {
		labels[i] = classLabel(lows[i], breaks[i+1], opt.Format)
		legendW = math.Max(legendW, sw+3*pad+textWidth(labels[i], fontSize))
	}
	legendW = math.Max(legendW, sw+3*pad+textWidth(opt.NoDataLabel, fontSize))
	legendH := float64(nc+1)*row + 2*pad
	if opt.Unit != "" {
		legendH += row
	}
	// The legend goes right of the map, or under it when the map is
	// narrower than a phone held sideways.
	below := opt.Width < 480
	mapW := float64(opt.Width)
	if below {
		legendW = math.Min(legendW, mapW)
	} else {
		legendW = math.Min(legendW, mapW/2)
		mapW -= legendW
	}
	mapH := float64(opt.Height)
	if below && mapH > 0 {
		mapH = math.Max(mapH-legendH, 40)
	}
	if mapH <= 0 {
		mapH = mapW * 0.75
		if p, ok := newProjection(shapes, mapW-8, 1e6); ok {
			mapH = p.dyPx() + 8
		}
	}
	height := math.Max(mapH, legendH)
	if below {
		height = mapH + legendH
	}
	proj, ok := newProjection(shapes, mapW-8, mapH-8)
	if !ok {
		return ""
	}
	proj.offX += 4
	proj.offY += 4
	if !below {
		proj.offY += (height - mapH) / 2
	}

	links := false
	parts := []string{"map", opt.Title, opt.Desc}
	for _, s := range shapes {
		links = links || safeHref(s.Href) != ""
		parts = append(parts, s.ID, strconv.FormatFloat(s.Value, 'g', -1, 64))
	}
	role := "img"
	if links {
		// Links inside role="img" would be hidden from assistive
		// technology (its children are presentational).
		role = "group"
	}
	id := idFor(opt.ID, parts...)
	var b writer
	b.open(id, role, "chart map", float64(opt.Width), height, opt.Title, opt.Desc)
	b.f(`<defs><pattern id="%s-nd" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">`+
		`<rect width="6" height="6" fill="%s"/><line x1="0" y1="0" x2="0" y2="6" stroke="%s" stroke-width="2"/></pattern></defs>`,
		id, noData, noDataLine)
	b.f(`<g class="areas" stroke="#595959" stroke-width="0.5" stroke-linejoin="round" fill-rule="evenodd">`)
	var last *Shape
	for i := range shapes {
		s := &shapes[i]
		if s.ID == opt.Highlight && opt.Highlight != "" {
			last = s // drawn last, so that its outline is on top
			continue
		}
		drawArea(&b, proj, s, opt, id, breaks, colors, false)
	}
	if last != nil {
		drawArea(&b, proj, last, opt, id, breaks, colors, true)
	}
	b.f(`</g>`)

	// Legend, vertically centred in the right column, or under the map.
	lx, ly := float64(opt.Width)-legendW+pad, (height-legendH)/2+pad
	if below {
		lx, ly = pad, mapH+pad
	}
	b.f(`<g class="legend" fill="%s">`, textColor)
	if opt.Unit != "" {
		b.f(`<text x="%s" y="%s" font-weight="bold">%s</text>`, num(lx), num(ly+14), esc(opt.Unit))
		ly += row
	}
	for i := range nc {
		y := ly + float64(nc-1-i)*row // darkest (highest) on top
		b.f(`<rect x="%s" y="%s" width="%s" height="14" fill="%s" stroke="#595959" stroke-width="0.5"/><text x="%s" y="%s">%s</text>`,
			num(lx), num(y+2), num(sw), colors[i], num(lx+sw+pad), num(y+14), esc(labels[i]))
	}
	y := ly + float64(nc)*row
	b.f(`<rect x="%s" y="%s" width="%s" height="14" fill="url(#%s-nd)" stroke="#595959" stroke-width="0.5"/><text x="%s" y="%s">%s</text>`,
		num(lx), num(y+2), num(sw), id, num(lx+sw+pad), num(y+14), esc(opt.NoDataLabel))
	b.f(`</g></svg>`)
	return template.HTML(b.String())
}

// dyPx is the projected height of the extent in px.
func (p projection) dyPx() float64 { return p.heightPx }

// drawArea writes one area: its path, fill, tooltip and link.
func drawArea(b *writer, p projection, s *Shape, opt MapOptions, id string, breaks []float64, colors []string, hi bool) {
	d := shapePath(p, s.Geometry, opt.Tolerance)
	if d == "" {
		return
	}
	fill, class := "url(#"+id+"-nd)", "area nodata"
	label := s.Label
	if s.HasValue && finite(s.Value) {
		if c := Classify(s.Value, breaks); c >= 0 {
			fill, class = colors[c], "area"
		}
		if label == "" {
			label = opt.Format(s.Value)
		}
	} else if label == "" {
		label = opt.NoDataLabel
	}
	tip := s.Name
	if label != "" {
		tip += ": " + label
	}
	extra := ""
	if hi {
		class += " highlight"
		extra = ` stroke="#000000" stroke-width="2"`
	}
	href := safeHref(s.Href)
	if href != "" {
		b.f(`<a href="%s" aria-label="%s">`, esc(href), esc(tip))
	}
	b.f(`<path class="%s" d="%s" fill="%s"%s><title>%s</title></path>`, class, d, fill, extra, esc(tip))
	if href != "" {
		b.f(`</a>`)
	}
}

// classLabel is the legend text of a class from lo to hi.
func classLabel(lo, hi float64, format func(float64) string) string {
	a, c := format(lo), format(hi)
	if a == c {
		return a
	}
	return a + " – " + c
}
