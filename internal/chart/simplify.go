package chart

import (
	"math"
	"strconv"
	"strings"

	"github.com/oas-atalaya/atalaya/internal/geo"
)

// projection maps longitude and latitude to pixels with an equirectangular
// (plate carrée) projection whose x is scaled by the cosine of the middle
// latitude of the extent, so that shapes near that latitude keep their
// proportions. It is not conformal, but over a country (Mexico spans 18° of
// latitude) its distortion of shape is a few per cent, less than a reader
// can see, and unlike Mercator it keeps areas near the middle latitude
// comparable, which a choropleth needs.
type projection struct {
	minLon, maxLat float64
	k, scale       float64 // cos(φ0), pixels per projected degree
	offX, offY     float64
	heightPx       float64 // projected height of the extent
	wrap           bool    // shift eastern longitudes by −360 (extent crosses 180°)
}

// newProjection fits the extent of shapes into a w×h box, centred.
func newProjection(shapes []Shape, w, h float64) (projection, bool) {
	var p projection
	minLon, minLat, maxLon, maxLat := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, s := range shapes {
		lo, hi := s.Geometry.BBox()
		if lo == hi {
			continue
		}
		minLon, minLat = math.Min(minLon, lo.Lon), math.Min(minLat, lo.Lat)
		maxLon, maxLat = math.Max(maxLon, hi.Lon), math.Max(maxLat, hi.Lat)
	}
	if minLon > maxLon {
		return p, false
	}
	// An extent that reaches both sides of the antimeridian (the
	// Aleutians in the Americas) is drawn as one piece west of it.
	if minLon < -170 && maxLon > 170 {
		p.wrap = true
		minLon, maxLon = math.Inf(1), math.Inf(-1)
		for _, s := range shapes {
			for _, poly := range s.Geometry {
				for _, ring := range poly {
					for _, q := range ring {
						lon := q.Lon
						if lon > 0 {
							lon -= 360
						}
						minLon, maxLon = math.Min(minLon, lon), math.Max(maxLon, lon)
					}
				}
			}
		}
	}
	p.minLon, p.maxLat = minLon, maxLat
	p.k = math.Cos((minLat + maxLat) / 2 * math.Pi / 180)
	dx, dy := (maxLon-minLon)*p.k, maxLat-minLat
	p.scale = math.Min(w/math.Max(dx, 1e-9), h/math.Max(dy, 1e-9))
	p.offX = (w - dx*p.scale) / 2
	p.offY = (h - dy*p.scale) / 2
	p.heightPx = dy * p.scale
	return p, true
}

// xy projects q to pixels.
func (p projection) xy(q geo.Point) (x, y float64) {
	lon := q.Lon
	if p.wrap && lon > 0 {
		lon -= 360
	}
	return p.offX + (lon-p.minLon)*p.k*p.scale, p.offY + (p.maxLat-q.Lat)*p.scale
}

// pt is a projected point in tenths of a pixel, the precision of the path.
type pt struct{ x, y int }

// simplifyRing projects ring, simplifies it by a radial-distance pass and
// Douglas–Peucker with tolerance tol in pixels and rounds it to tenths of a pixel. It returns
// the ring without its closing point and its area in px², and nil when
// fewer than three distinct points remain.
func simplifyRing(p projection, ring []geo.Point, tol float64) ([]pt, float64) {
	if len(ring) < 3 {
		return nil, 0
	}
	// Points closer than tol to the last one kept are dropped first (as
	// simplify.js does): at map scale most of a boundary's points are,
	// and the Douglas–Peucker pass then has far fewer to scan.
	xs := make([][2]float64, 0, len(ring))
	for i, q := range ring {
		x, y := p.xy(q)
		if n := len(xs); n > 0 && i < len(ring)-1 {
			if dx, dy := x-xs[n-1][0], y-xs[n-1][1]; dx*dx+dy*dy < tol*tol {
				continue
			}
		}
		xs = append(xs, [2]float64{x, y})
	}
	keep := make([]bool, len(xs))
	keep[0], keep[len(xs)-1] = true, true
	stack := [][2]int{{0, len(xs) - 1}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		far, at := -1.0, -1
		for i := s[0] + 1; i < s[1]; i++ {
			if d := segDist2(xs[i], xs[s[0]], xs[s[1]]); d > far {
				far, at = d, i
			}
		}
		if at >= 0 && far > tol*tol {
			keep[at] = true
			stack = append(stack, [2]int{s[0], at}, [2]int{at, s[1]})
		}
	}
	var out []pt
	for i, k := range keep {
		if !k {
			continue
		}
		q := pt{int(math.Round(xs[i][0] * 10)), int(math.Round(xs[i][1] * 10))}
		if n := len(out); n > 0 && out[n-1] == q {
			continue
		}
		out = append(out, q)
	}
	for len(out) > 1 && out[len(out)-1] == out[0] {
		out = out[:len(out)-1]
	}
	if len(out) < 3 {
		return nil, 0
	}
	var a float64
	for i, q := range out {
		r := out[(i+1)%len(out)]
		a += float64(q.x*r.y - r.x*q.y)
	}
	return out, math.Abs(a) / 200 // tenths² to px², halved
}

// segDist2 returns the squared distance from q to the segment a–b.
func segDist2(q, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, ((q[0]-a[0])*dx+(q[1]-a[1])*dy)/l))
	}
	ex, ey := q[0]-a[0]-t*dx, q[1]-a[1]-t*dy
	return ex*ex + ey*ey
}

// minRingArea is the area in px² under which a ring is dropped: it would
// not show as more than a speck.
const minRingArea = 0.5

// shapePath returns the SVG path data of m: each ring that survives
// simplification as a subpath in relative coordinates. The largest exterior
// ring is always kept, as a one-pixel square if nothing else remains, so
// that every area can be seen and pointed at.
func shapePath(p projection, m geo.MultiPolygon, tol float64) string {
	type ring struct {
		pts  []pt
		area float64
	}
	var rings []ring
	var big []geo.Point
	bigArea := -1.0
	for _, poly := range m {
		for i, r := range poly {
			pts, a := simplifyRing(p, r, tol)
			if i == 0 {
				if ext := ringExtent(p, r); ext > bigArea {
					bigArea, big = ext, r
				}
			}
			if pts != nil && a >= minRingArea {
				rings = append(rings, ring{pts, a})
			}
		}
	}
	if len(rings) == 0 && big != nil {
		// The area is smaller than its simplification: mark its place.
		var cx, cy float64
		for _, q := range big {
			x, y := p.xy(q)
			cx, cy = cx+x, cy+y
		}
		n := float64(len(big))
		x, y := int(math.Round(cx/n*10))-5, int(math.Round(cy/n*10))-5
		rings = append(rings, ring{pts: []pt{{x, y}, {x + 10, y}, {x + 10, y + 10}, {x, y + 10}}})
	}
	var b strings.Builder
	for _, r := range rings {
		b.WriteByte('M')
		writeTenths(&b, r.pts[0].x, false)
		writeTenths(&b, r.pts[0].y, true)
		b.WriteByte('l')
		for i := 1; i < len(r.pts); i++ {
			writeTenths(&b, r.pts[i].x-r.pts[i-1].x, i > 1)
			writeTenths(&b, r.pts[i].y-r.pts[i-1].y, true)
		}
		b.WriteByte('z')
	}
	return b.String()
}

// ringExtent returns the projected bounding-box area of r, the measure by
// which the largest ring of a shape is chosen.
func ringExtent(p projection, r []geo.Point) float64 {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, q := range r {
		x, y := p.xy(q)
		x0, y0, x1, y1 = math.Min(x0, x), math.Min(y0, y), math.Max(x1, x), math.Max(y1, y)
	}
	return (x1 - x0) * (y1 - y0)
}

// writeTenths writes t/10 as a short decimal (".5", "-1.2", "3"), after a
// space when sep is set and the number does not begin with a minus sign,
// which separates it on its own.
func writeTenths(b *strings.Builder, t int, sep bool) {
	if sep && t >= 0 {
		b.WriteByte(' ')
	}
	if t < 0 {
		b.WriteByte('-')
		t = -t
	}
	if t >= 10 || t == 0 {
		b.WriteString(strconv.Itoa(t / 10))
	}
	if t%10 != 0 {
		b.WriteByte('.')
		b.WriteByte(byte('0' + t%10))
	}
}
