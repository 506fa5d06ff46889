// Package density estimates kernel density surfaces ("hotspot maps") of
// points on a regular grid, as ArcGIS Kernel Density and CrimeStat do.
//
// Coordinates must be projected, in metres or another linear unit; the
// surface is in points (or weight) per square unit of that unit.
//
// # Kernels
//
// With d the distance from a point to a cell centre and h the bandwidth:
//
//	Quartic (biweight; ArcGIS, CrimeStat): K(d) = 3/(π h²) · (1 − d²/h²)²   for d < h, else 0
//	Epanechnikov:                           K(d) = 2/(π h²) · (1 − d²/h²)    for d < h, else 0
//	Gaussian:                               K(d) = 1/(2π h²) · exp(−d²/(2h²))  (h is the standard deviation σ)
//
// Each integrates to 1 over the plane, so a surface integrates to the number
// of points, or to the sum of the weights.
//
// # Computation
//
// Estimate bins the points onto the grid's cell centres by linear
// (bilinear) binning and convolves the binned counts with the kernel
// sampled at whole-cell offsets: a disc stencil for the compact kernels,
// two 1-D passes truncated at 6σ for the Gaussian. Cost is O(n + cells·r²)
// for the compact kernels (r the radius in cells) and O(n + cells·σ) for
// the Gaussian; it is independent of n beyond the binning.
//
// Error against the exact sum Σ w_i K(|c − p_i|):
//   - Points lying on cell centres are binned without error; the compact
//     kernels are then exact to rounding (about 1e-15 relative), and the
//     Gaussian's truncation at 6σ drops at most exp(−18) ≈ 1.5e-8 of each
//     point's peak 1/(2πσ²) (tested: 1e-6 relative on cells above 1% of
//     the maximum).
//   - Other points carry the error of linear binning. Measured on 522 real
//     points (Chicago arsons) with cells of 100 m, the largest error as a
//     fraction of the surface's maximum was 0.0185 for the quartic with
//     h = 6 cells, 0.0025 with h = 15 cells, 0.003 and 0.0012 for the
//     Gaussian with σ = 6 and 8 cells, and 0.0057 for the Epanechnikov with
//     h = 15 cells; the tests hold it under 0.75·(cell/h)², or 0.1·cell/h
//     for the Epanechnikov, whose kink at the edge of its support makes
//     the error first order. Use cells of h/10 or smaller for maps that
//     must agree with the exact sum to 1%.
//   - The surface integrates to Σw up to the Riemann sum of the sampled
//     kernel: 4.4e-5 relative for the quartic and 1.3e-3 for the
//     Epanechnikov with h = 10 cells, 1e-9 for the Gaussian (when the
//     grid holds every kernel; the default bounds cut the Gaussian at 3σ,
//     which keeps 1 − exp(−4.5) ≈ 98.9% of each point's mass).
//
// Set Options.Exact to sum directly over the points instead (O(n·cells);
// for small data or to check a surface).
//
// Results do not depend on GOMAXPROCS: work is split by grid row and each
// row is computed the same way whichever goroutine runs it.
package density

import (
	"context"
	"math"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/oas-atalaya/atalaya"
)

// Kernel is a kernel function. The zero value is Quartic, the kernel of
// ArcGIS and CrimeStat.
type Kernel int

// The kernels. See the package documentation for their formulas.
const (
	Quartic Kernel = iota
	Gaussian
	Epanechnikov
)

// String returns the kernel's name in lower case.
func (k Kernel) String() string {
	switch k {
	case Quartic:
		return "quartic"
	case Gaussian:
		return "gaussian"
	case Epanechnikov:
		return "epanechnikov"
	}
	return "kernel(" + strconv.Itoa(int(k)) + ")"
}

// Unit is what a grid's values measure.
type Unit int

const (
	// PerArea is density: points (or weight) per square coordinate unit,
	// as ArcGIS's default "densities" output.
	PerArea Unit = iota
	// PerCell is the expected count per cell: density × cell area.
	PerCell
)

// Options set how Estimate works. The zero value is ArcGIS's default: a
// quartic kernel, the "arcgis" radius, cells of 1/250 of the shorter side,
// density per unit area.
type Options struct {
	Kernel Kernel
	// Bandwidth is the quartic and Epanechnikov radius, or the Gaussian σ,
	// in coordinate units. Zero chooses it by Rule.
	Bandwidth float64
	// Rule is "arcgis" (the default), "silverman" or "scott"; see
	// Bandwidth for their formulas and how they carry across kernels.
	Rule string
	// CellSize is the side of a square cell. Zero is ArcGIS's default: the
	// shorter side of Bounds divided by 250.
	CellSize float64
	// Bounds is minX, minY, maxX, maxY. All zero means the points' extent
	// widened on each side by the kernel's reach: the radius for the
	// compact kernels, 3σ for the Gaussian.
	Bounds [4]float64
	// Weights, if not nil, has one non-negative weight per point (a
	// "population field").
	Weights []float64
	// Unit is PerArea (the default) or PerCell.
	Unit Unit
	// Exact sums the kernel over every point for every cell instead of
	// binning and convolving. O(n·cells): only for small inputs.
	Exact bool
}

// maxCells bounds the grid so that a mistaken cell size fails fast.
const maxCells = 25_000_000

// maxTaps bounds the convolution's work: about 10 s on one core. A
// quartic of radius 25 cells on 1000 × 1000 cells is 1e9.
const maxTaps = 2e10

// gaussTrunc is where the Gaussian kernel is cut, in σ.
const gaussTrunc = 6.0

// Estimate computes a kernel density surface of pts on a grid.
func Estimate(ctx context.Context, pts [][2]float64, opt Options) (*Grid, error) {
	if opt.Kernel < Quartic || opt.Kernel > Epanechnikov {
		return nil, atalaya.Errorf(atalaya.EINVALID, "kernel %d is not known: use quartic, gaussian or epanechnikov", int(opt.Kernel))
	}
	if opt.Unit != PerArea && opt.Unit != PerCell {
		return nil, atalaya.Errorf(atalaya.EINVALID, "unit %d is not known: use per-area or per-cell", int(opt.Unit))
	}
	if len(pts) == 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "no points: a density surface needs at least one")
	}
	for i, p := range pts {
		if !finite(p[0]) || !finite(p[1]) {
			return nil, atalaya.Errorf(atalaya.EINVALID, "point %d has coordinates (%v, %v): they must be finite numbers", i+1, p[0], p[1])
		}
	}
	if opt.Weights != nil {
		if len(opt.Weights) != len(pts) {
			return nil, atalaya.Errorf(atalaya.EINVALID, "%d weights for %d points: give one weight per point", len(opt.Weights), len(pts))
		}
		for i, w := range opt.Weights {
			if !finite(w) || w < 0 {
				return nil, atalaya.Errorf(atalaya.EINVALID, "weight %d is %v: weights must be finite and not negative", i+1, w)
			}
		}
	}
	h := opt.Bandwidth
	if h == 0 {
		var err error
		h, err = bandwidthFor(pts, opt.Weights, opt.Rule, opt.Kernel)
		if err != nil {
			return nil, err
		}
	} else if !finite(h) || h < 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "bandwidth %v: it must be a positive number, or 0 to choose it by rule", h)
	}
	if !(h > 0) {
		return nil, atalaya.Errorf(atalaya.EINVALID, "the %q rule gives bandwidth %v for these points (all at one place?): give a bandwidth", ruleName(opt.Rule), h)
	}
	g, err := newGrid(pts, opt, h)
	if err != nil {
		return nil, err
	}
	if opt.Exact {
		err = exact(ctx, g, pts, opt.Weights)
	} else {
		err = binned(ctx, g, pts, opt.Weights)
	}
	if err != nil {
		return nil, err
	}
	if opt.Unit == PerCell {
		a := g.CellSize * g.CellSize
		for i := range g.Values {
			g.Values[i] *= a
		}
	}
	return g, nil
}

// reach is how far from a point the kernel is evaluated.
func reach(k Kernel, h float64) float64 {
	if k == Gaussian {
		return gaussTrunc * h
	}
	return h
}

func newGrid(pts [][2]float64, opt Options, h float64) (*Grid, error) {
	b := opt.Bounds
	if b == [4]float64{} {
		b = [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
		for _, p := range pts {
			b[0], b[1] = min(b[0], p[0]), min(b[1], p[1])
			b[2], b[3] = max(b[2], p[0]), max(b[3], p[1])
		}
		pad := h
		if opt.Kernel == Gaussian {
			pad = 3 * h
		}
		b[0], b[1], b[2], b[3] = b[0]-pad, b[1]-pad, b[2]+pad, b[3]+pad
	}
	for _, v := range b {
		if !finite(v) {
			return nil, atalaya.Errorf(atalaya.EINVALID, "bounds %v: they must be finite", b)
		}
	}
	if !(b[2] > b[0] && b[3] > b[1]) {
		return nil, atalaya.Errorf(atalaya.EINVALID, "bounds %v: need minX < maxX and minY < maxY", b)
	}
	c := opt.CellSize
	if c == 0 {
		c = min(b[2]-b[0], b[3]-b[1]) / 250
	}
	if !finite(c) || c <= 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "cell size %v: it must be a positive number, or 0 for the default", opt.CellSize)
	}
	cols := math.Ceil((b[2] - b[0]) / c)
	rows := math.Ceil((b[3] - b[1]) / c)
	if cols*rows > maxCells {
		return nil, atalaya.Errorf(atalaya.EINVALID, "cell size %v over bounds %v gives %.0f × %.0f cells, more than %d: use larger cells", c, b, cols, rows, maxCells)
	}
	r := math.Ceil(reach(opt.Kernel, h) / c)
	if r > 4096 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "bandwidth %v reaches %.0f cells of %v: at most 4096 cells (use larger cells)", h, r, c)
	}
	if !opt.Exact {
		if (cols+2*r+2)*(rows+2*r+2) > 2*maxCells {
			return nil, atalaya.Errorf(atalaya.EINVALID, "bandwidth %v with cells of %v needs a margin of %.0f cells around %.0f × %.0f cells: too large (use larger cells)", h, c, r+1, cols, rows)
		}
		// Work in kernel taps, so that a bandwidth far larger than the
		// grid fails fast instead of running for minutes.
		work := cols * rows * math.Pi * r * r / 2
		if opt.Kernel == Gaussian {
			work = 2 * (cols + 2*r) * (rows + 2*r) * r
		}
		if work > maxTaps {
			return nil, atalaya.Errorf(atalaya.EINVALID, "bandwidth %v reaches %.0f cells of %v over %.0f × %.0f cells: about %.1g kernel terms, more than %.0g (use larger cells)", h, r, c, cols, rows, work, float64(maxTaps))
		}
		if h < c/2 {
			return nil, atalaya.Errorf(atalaya.EINVALID, "bandwidth %v is less than half the cell size %v: binning would blur it (use smaller cells, or Exact)", h, c)
		}
	}
	sw := float64(len(pts))
	if opt.Weights != nil {
		sw = 0
		for _, w := range opt.Weights {
			sw += w
		}
	}
	if peak := sw * 3 / (math.Pi * h * h); !finite(peak) || h*h == 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "bandwidth %v with total weight %v gives a peak density of %v: out of range", h, sw, peak)
	}
	return &Grid{
		MinX: b[0], MinY: b[1], CellSize: c,
		Rows: int(rows), Cols: int(cols),
		Values: make([]float64, int(rows)*int(cols)),
		Kernel: opt.Kernel, Bandwidth: h, Unit: opt.Unit,
	}, nil
}

// kernel returns K(d) for d² = d2.
func kernel(k Kernel, h, d2 float64) float64 {
	h2 := h * h
	switch k {
	case Gaussian:
		return math.Exp(-d2/(2*h2)) / (2 * math.Pi * h2)
	case Epanechnikov:
		if d2 >= h2 {
			return 0
		}
		return 2 / (math.Pi * h2) * (1 - d2/h2)
	default:
		if d2 >= h2 {
			return 0
		}
		u := 1 - d2/h2
		return 3 / (math.Pi * h2) * u * u
	}
}

// exact sums the kernel over every point at every cell centre.
func exact(ctx context.Context, g *Grid, pts [][2]float64, w []float64) error {
	return parallel(ctx, g.Rows, func(r int) {
		y := g.MinY + (float64(r)+0.5)*g.CellSize
		row := g.Values[r*g.Cols : (r+1)*g.Cols]
		for c := range row {
			x := g.MinX + (float64(c)+0.5)*g.CellSize
			s := 0.0
			for i, p := range pts {
				dx, dy := p[0]-x, p[1]-y
				k := kernel(g.Kernel, g.Bandwidth, dx*dx+dy*dy)
				if w != nil {
					k *= w[i]
				}
				s += k
			}
			row[c] = s
		}
	})
}

// binned bins the points linearly onto a padded lattice of cell centres and
// convolves.
func binned(ctx context.Context, g *Grid, pts [][2]float64, w []float64) error {
	c := g.CellSize
	r := int(math.Ceil(reach(g.Kernel, g.Bandwidth) / c))
	pad := r + 1
	W, H := g.Cols+2*pad, g.Rows+2*pad
	bins := make([]float64, W*H)
	for i, p := range pts {
		u := (p[0]-g.MinX)/c - 0.5 + float64(pad)
		v := (p[1]-g.MinY)/c - 0.5 + float64(pad)
		if u < -1 || v < -1 || u >= float64(W) || v >= float64(H) {
			continue // too far from the grid to reach any cell
		}
		j0, i0 := math.Floor(u), math.Floor(v)
		fu, fv := u-j0, v-i0
		wt := 1.0
		if w != nil {
			wt = w[i]
		}
		j, k := int(j0), int(i0)
		add := func(row, col int, x float64) {
			if row >= 0 && row < H && col >= 0 && col < W && x != 0 {
				bins[row*W+col] += x
			}
		}
		add(k, j, wt*(1-fu)*(1-fv))
		add(k, j+1, wt*fu*(1-fv))
		add(k+1, j, wt*(1-fu)*fv)
		add(k+1, j+1, wt*fu*fv)
	}
	if g.Kernel == Gaussian {
		return separable(ctx, g, bins, W, H, pad, r)
	}
	return stencil(ctx, g, bins, W, pad, r)
}

// stencil convolves with a compact radial kernel sampled on a disc of
// radius r cells, using its symmetry in x and in y.
func stencil(ctx context.Context, g *Grid, bins []float64, W, pad, r int) error {
	c, h := g.CellSize, g.Bandwidth
	// krow[dy][dx] for dx, dy ≥ 0, each row cut where the kernel is zero.
	krow := make([][]float64, r+1)
	for dy := 0; dy <= r; dy++ {
		var k []float64
		for dx := 0; dx <= r; dx++ {
			d2 := c * c * float64(dx*dx+dy*dy)
			v := kernel(g.Kernel, h, d2)
			if v == 0 {
				break
			}
			k = append(k, v)
		}
		krow[dy] = k
	}
	cols := g.Cols
	return parallel(ctx, g.Rows, func(i int) {
		out := g.Values[i*cols : (i+1)*cols]
		tmp := make([]float64, W)
		for dy, k := range krow {
			if len(k) == 0 {
				continue
			}
			a := bins[(i+pad+dy)*W : (i+pad+dy+1)*W]
			if dy == 0 {
				copy(tmp, a)
			} else {
				b := bins[(i+pad-dy)*W : (i+pad-dy+1)*W]
				for j := range tmp {
					tmp[j] = a[j] + b[j]
				}
			}
			k0 := k[0]
			mid := tmp[pad : pad+cols]
			for j := range out {
				out[j] += k0 * mid[j]
			}
			taps(out, tmp, k, pad)
		}
	})
}

// taps adds Σ_{dx ≥ 1} k[dx]·(tmp[pad+j−dx] + tmp[pad+j+dx]) to out[j],
// four taps per pass over out to save loads and stores.
func taps(out, tmp, k []float64, pad int) {
	cols := len(out)
	dx := 1
	for ; dx+3 < len(k); dx += 4 {
		k1, k2, k3, k4 := k[dx], k[dx+1], k[dx+2], k[dx+3]
		l1 := tmp[pad-dx : pad-dx+cols]
		h1 := tmp[pad+dx : pad+dx+cols]
		l2 := tmp[pad-dx-1 : pad-dx-1+cols]
		h2 := tmp[pad+dx+1 : pad+dx+1+cols]
		l3 := tmp[pad-dx-2 : pad-dx-2+cols]
		h3 := tmp[pad+dx+2 : pad+dx+2+cols]
		l4 := tmp[pad-dx-3 : pad-dx-3+cols]
		h4 := tmp[pad+dx+3 : pad+dx+3+cols]
		for j := range out {
			out[j] += k1*(l1[j]+h1[j]) + k2*(l2[j]+h2[j]) + k3*(l3[j]+h3[j]) + k4*(l4[j]+h4[j])
		}
	}
	for ; dx < len(k); dx++ {
		kv := k[dx]
		lo := tmp[pad-dx : pad-dx+cols]
		hi := tmp[pad+dx : pad+dx+cols]
		for j := range out {
			out[j] += kv * (lo[j] + hi[j])
		}
	}
}

// separable convolves with the Gaussian in two 1-D passes cut at r cells.
func separable(ctx context.Context, g *Grid, bins []float64, W, H, pad, r int) error {
	c, s := g.CellSize, g.Bandwidth
	k := make([]float64, r+1)
	for i := range k {
		d := c * float64(i)
		k[i] = math.Exp(-d * d / (2 * s * s))
	}
	cols := g.Cols
	tmp := make([]float64, H*cols) // rows: all padded rows; columns: the grid's
	err := parallel(ctx, H, func(i int) {
		in := bins[i*W : (i+1)*W]
		out := tmp[i*cols : (i+1)*cols]
		mid := in[pad : pad+cols]
		for j := range out {
			out[j] = k[0] * mid[j]
		}
		taps(out, in, k, pad)
	})
	if err != nil {
		return err
	}
	norm := 1 / (2 * math.Pi * s * s)
	return parallel(ctx, g.Rows, func(i int) {
		out := g.Values[i*cols : (i+1)*cols]
		mid := tmp[(i+pad)*cols : (i+pad+1)*cols]
		for j := range out {
			out[j] = k[0] * mid[j]
		}
		for dy := 1; dy <= r; dy++ {
			kv := k[dy]
			lo := tmp[(i+pad-dy)*cols : (i+pad-dy+1)*cols]
			hi := tmp[(i+pad+dy)*cols : (i+pad+dy+1)*cols]
			for j := range out {
				out[j] += kv * (lo[j] + hi[j])
			}
		}
		for j := range out {
			out[j] *= norm
		}
	})
}

// parallel calls fn(i) for i in [0, n) on GOMAXPROCS goroutines, and stops
// early with ctx's error if ctx ends.
func parallel(ctx context.Context, n int, fn func(i int)) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
