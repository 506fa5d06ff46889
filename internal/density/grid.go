package density

import (
	"bufio"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"slices"
	"strconv"
)

// Grid is a surface on square cells. Cell (row, col) spans
// [MinX + col·CellSize, MinX + (col+1)·CellSize] × [MinY + row·CellSize,
// MinY + (row+1)·CellSize]; row 0 is the southernmost (smallest y) and
// Values is row-major: Values[row·Cols + col] is the value at the cell's
// centre.
type Grid struct {
	MinX, MinY float64
	CellSize   float64
	Rows, Cols int
	Values     []float64

	Kernel    Kernel
	Bandwidth float64 // the bandwidth used, in coordinate units
	Unit      Unit
}

// At returns the value of cell (row, col).
func (g *Grid) At(row, col int) float64 { return g.Values[row*g.Cols+col] }

// Center returns the coordinates of the centre of cell (row, col).
func (g *Grid) Center(row, col int) (x, y float64) {
	return g.MinX + (float64(col)+0.5)*g.CellSize, g.MinY + (float64(row)+0.5)*g.CellSize
}

// Max returns the largest value, or 0 for an empty grid.
func (g *Grid) Max() float64 {
	m := 0.0
	for _, v := range g.Values {
		m = max(m, v)
	}
	return m
}

// Sum returns the surface's integral: the sum of the values times the
// cell area for PerArea, the plain sum for PerCell.
func (g *Grid) Sum() float64 {
	s := 0.0
	for _, v := range g.Values {
		s += v
	}
	if g.Unit == PerArea {
		s *= g.CellSize * g.CellSize
	}
	return s
}

// GeoJSON writes an RFC 7946 FeatureCollection with one Polygon per cell
// whose value is not zero, in the grid's coordinates (which RFC 7946
// expects to be longitude and latitude; reproject before publishing if
// they are not). Each feature has the properties "row", "col" and "value".
//
// Rounding: corner coordinates are computed as MinX + col·CellSize (and
// likewise for y) and written in the shortest form that reads back to the
// same float64; "value" is written with 6 significant digits (relative
// rounding error at most 5e-6). Cells whose value is exactly 0 are left
// out; a value that rounds to 0 cannot occur, since 6 significant digits
// keep any non-zero float64 non-zero.
func (g *Grid) GeoJSON(w io.Writer) error { return g.GeoJSONAbove(w, 0) }

// GeoJSONAbove is GeoJSON for the cells whose value is greater than min
// (for instance 1e-3 of Max(), to leave out a Gaussian kernel's far tails).
func (g *Grid) GeoJSONAbove(w io.Writer, min float64) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"type":"FeatureCollection","features":[`)
	first := true
	num := func(v float64) { bw.WriteString(strconv.FormatFloat(v, 'g', -1, 64)) }
	for r := 0; r < g.Rows; r++ {
		y0 := g.MinY + float64(r)*g.CellSize
		y1 := g.MinY + float64(r+1)*g.CellSize
		for c := 0; c < g.Cols; c++ {
			v := g.Values[r*g.Cols+c]
			if v <= min {
				continue
			}
			if !first {
				bw.WriteByte(',')
			}
			first = false
			x0 := g.MinX + float64(c)*g.CellSize
			x1 := g.MinX + float64(c+1)*g.CellSize
			bw.WriteString(`{"type":"Feature","properties":{"row":`)
			bw.WriteString(strconv.Itoa(r))
			bw.WriteString(`,"col":`)
			bw.WriteString(strconv.Itoa(c))
			bw.WriteString(`,"value":`)
			bw.WriteString(strconv.FormatFloat(v, 'g', 6, 64))
			bw.WriteString(`},"geometry":{"type":"Polygon","coordinates":[[`)
			// Counter-clockwise, as RFC 7946 asks of exterior rings.
			for i, p := range [5][2]float64{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}} {
				if i > 0 {
					bw.WriteByte(',')
				}
				bw.WriteByte('[')
				num(p[0])
				bw.WriteByte(',')
				num(p[1])
				bw.WriteByte(']')
			}
			bw.WriteString(`]]}}`)
		}
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}

// Ramp is a colour ramp: colours evenly spaced from the lowest value to
// the highest, interpolated linearly in between.
type Ramp []color.NRGBA

// YlOrRd is a yellow-orange-red ramp (ColorBrewer's YlOrRd, 5 classes),
// the usual look of a hotspot map.
var YlOrRd = Ramp{
	{255, 255, 178, 255}, {254, 204, 92, 255}, {253, 141, 60, 255},
	{240, 59, 32, 255}, {189, 0, 38, 255},
}

// at returns the colour at t in [0, 1].
func (r Ramp) at(t float64) color.NRGBA {
	if len(r) == 1 {
		return r[0]
	}
	t = min(max(t, 0), 1) * float64(len(r)-1)
	i := min(int(t), len(r)-2)
	f := t - float64(i)
	a, b := r[i], r[i+1]
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + f*(float64(y)-float64(x)))) }
	return color.NRGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), mix(a.A, b.A)}
}

// PNG writes the grid as a PNG image of Cols × Rows pixels, north up
// (image row 0 is the grid's last row). A cell whose value is 0 is
// transparent; other values v are coloured at v/Max() along ramp (YlOrRd
// if ramp is empty).
func (g *Grid) PNG(w io.Writer, ramp Ramp) error {
	if len(ramp) == 0 {
		ramp = YlOrRd
	}
	img := image.NewNRGBA(image.Rect(0, 0, g.Cols, g.Rows))
	m := g.Max()
	for r := 0; r < g.Rows; r++ {
		for c := 0; c < g.Cols; c++ {
			v := g.Values[r*g.Cols+c]
			if v == 0 || m == 0 {
				continue
			}
			img.SetNRGBA(c, g.Rows-1-r, ramp.at(v/m))
		}
	}
	return png.Encode(w, img)
}

// QuantileBreaks returns k−1 upper class limits that split the non-zero
// cells into k classes of about equal size (quantiles of type 7), for a
// classed legend. It returns nil if no cell is non-zero or k < 2.
func (g *Grid) QuantileBreaks(k int) []float64 {
	var nz []float64
	for _, v := range g.Values {
		if v != 0 {
			nz = append(nz, v)
		}
	}
	if len(nz) == 0 || k < 2 {
		return nil
	}
	slices.Sort(nz)
	br := make([]float64, k-1)
	for i := range br {
		br[i] = quantile(nz, float64(i+1)/float64(k))
	}
	return br
}

// Class returns the class of v for breaks from QuantileBreaks: 0 for v ≤
// breaks[0], i for breaks[i−1] < v ≤ breaks[i], len(breaks) above the last.
func Class(v float64, breaks []float64) int {
	i, _ := slices.BinarySearch(breaks, v)
	return i
}

// Clip sets to 0 every cell whose centre is not inside the study area
// (a city's boundary, a coastline), since a kernel spreads density past
// them, and returns the share of the surface's integral it removed.
func (g *Grid) Clip(inside func(x, y float64) bool) float64 {
	before := g.Sum()
	for r := 0; r < g.Rows; r++ {
		for c := 0; c < g.Cols; c++ {
			if x, y := g.Center(r, c); !inside(x, y) {
				g.Values[r*g.Cols+c] = 0
			}
		}
	}
	if before == 0 {
		return 0
	}
	return (before - g.Sum()) / before
}
