package spatial

import (
	"cmp"
	"math"
	"slices"

	"github.com/oas-atalaya/atalaya"
)

// Weights is a sparse spatial-weights matrix in compressed-sparse-row form:
// for observation i, Neighbours(i) lists the j with w_ij ≠ 0 in increasing
// order, with their weights.
//
// A Weights keeps the weights as built (binary 1 for contiguity, distance
// band and k-nearest neighbours) and, after RowStandardise, the
// row-standardised weights w_ij / Σ_j w_ij. The statistics use the
// effective weights; WithSelf re-derives them from the weights as built,
// as esda does for Gi* (self-weight added first, then the row is
// standardised, so a binary row of k neighbours becomes 1/(k+1) each).
//
// A Weights is immutable once built and safe for concurrent use.
type Weights struct {
	n       int
	offsets []int     // len n+1; row i is nbrs[offsets[i]:offsets[i+1]]
	nbrs    []int32   // neighbour indices, increasing within a row
	raw     []float64 // weights as built
	vals    []float64 // effective weights: raw, or raw row-standardised
	rowStd  bool
}

// N returns the number of observations.
func (w *Weights) N() int { return w.n }

// Neighbours returns the neighbours of observation i in increasing order
// and their effective weights. The slices must not be modified.
func (w *Weights) Neighbours(i int) ([]int32, []float64) {
	a, b := w.offsets[i], w.offsets[i+1]
	return w.nbrs[a:b], w.vals[a:b]
}

// Cardinality returns the number of neighbours of i (i itself included
// when the weights have a self-weight).
func (w *Weights) Cardinality(i int) int { return w.offsets[i+1] - w.offsets[i] }

// Links returns the number of non-zero weights (directed links).
func (w *Weights) Links() int { return len(w.nbrs) }

// RowStandardised reports whether the effective weights are
// row-standardised.
func (w *Weights) RowStandardised() bool { return w.rowStd }

// Islands returns the observations without neighbours, in order.
func (w *Weights) Islands() []int {
	var out []int
	for i := 0; i < w.n; i++ {
		if w.offsets[i+1] == w.offsets[i] {
			out = append(out, i)
		}
	}
	return out
}

// HasSelf reports whether any observation is its own neighbour.
func (w *Weights) HasSelf() bool {
	for i := 0; i < w.n; i++ {
		if w.selfPos(i) >= 0 {
			return true
		}
	}
	return false
}

// selfPos returns the position of i in its own row, or -1.
func (w *Weights) selfPos(i int) int {
	a, b := w.offsets[i], w.offsets[i+1]
	k, ok := slices.BinarySearch(w.nbrs[a:b], int32(i))
	if !ok {
		return -1
	}
	return a + k
}

// Symmetric reports whether w_ij = w_ji for every pair, comparing the
// weights as built.
func (w *Weights) Symmetric() bool {
	for i := 0; i < w.n; i++ {
		for p := w.offsets[i]; p < w.offsets[i+1]; p++ {
			j := int(w.nbrs[p])
			a, b := w.offsets[j], w.offsets[j+1]
			k, ok := slices.BinarySearch(w.nbrs[a:b], int32(i))
			if !ok || w.raw[a+k] != w.raw[p] {
				return false
			}
		}
	}
	return true
}

// RowStandardise returns a copy of w whose effective weights are divided
// by their row sums (rows of islands stay empty). It is idempotent.
func (w *Weights) RowStandardise() *Weights {
	out := *w
	out.rowStd = true
	out.vals = standardise(w.offsets, w.raw)
	return &out
}

// Binary returns a copy of w whose effective weights are 1 for every link,
// like esda's transform "B".
func (w *Weights) Binary() *Weights {
	out := *w
	out.rowStd = false
	out.raw = make([]float64, len(w.raw))
	for i := range out.raw {
		out.raw[i] = 1
	}
	out.vals = out.raw
	return &out
}

// WithSelf returns a copy of w in which every observation is its own
// neighbour with weight v as built (an existing self-weight is replaced);
// if w is row-standardised the rows are standardised again after adding
// it. This is the weights matrix of Gi* (v = 1).
func (w *Weights) WithSelf(v float64) *Weights {
	offsets := make([]int, w.n+1)
	nbrs := make([]int32, 0, len(w.nbrs)+w.n)
	raw := make([]float64, 0, len(w.nbrs)+w.n)
	for i := 0; i < w.n; i++ {
		added := false
		for p := w.offsets[i]; p < w.offsets[i+1]; p++ {
			j := w.nbrs[p]
			if j == int32(i) {
				continue
			}
			if !added && j > int32(i) {
				nbrs, raw = append(nbrs, int32(i)), append(raw, v)
				added = true
			}
			nbrs, raw = append(nbrs, j), append(raw, w.raw[p])
		}
		if !added {
			nbrs, raw = append(nbrs, int32(i)), append(raw, v)
		}
		offsets[i+1] = len(nbrs)
	}
	out := &Weights{n: w.n, offsets: offsets, nbrs: nbrs, raw: raw, vals: raw}
	if w.rowStd {
		return out.RowStandardise()
	}
	return out
}

// withoutSelf returns w with self-weights removed (w itself if it has
// none).
func (w *Weights) withoutSelf() *Weights {
	if !w.HasSelf() {
		return w
	}
	offsets := make([]int, w.n+1)
	var nbrs []int32
	var raw []float64
	for i := 0; i < w.n; i++ {
		for p := w.offsets[i]; p < w.offsets[i+1]; p++ {
			if w.nbrs[p] != int32(i) {
				nbrs, raw = append(nbrs, w.nbrs[p]), append(raw, w.raw[p])
			}
		}
		offsets[i+1] = len(nbrs)
	}
	out := &Weights{n: w.n, offsets: offsets, nbrs: nbrs, raw: raw, vals: raw}
	if w.rowStd {
		return out.RowStandardise()
	}
	return out
}

// standardise divides each row of raw by its sum.
func standardise(offsets []int, raw []float64) []float64 {
	vals := make([]float64, len(raw))
	for i := 0; i+1 < len(offsets); i++ {
		a, b := offsets[i], offsets[i+1]
		s := 0.0
		for _, v := range raw[a:b] {
			s += v
		}
		for p := a; p < b; p++ {
			if s != 0 {
				vals[p] = raw[p] / s
			}
		}
	}
	return vals
}

// sums returns S0 = Σ_ij w_ij, S1 = ½ Σ_ij (w_ij + w_ji)² and
// S2 = Σ_i (w_i. + w_.i)² of the effective weights, as in Cliff & Ord.
func (w *Weights) sums() (s0, s1, s2 float64) {
	colSum := make([]float64, w.n)
	rowSum := make([]float64, w.n)
	for i := 0; i < w.n; i++ {
		for p := w.offsets[i]; p < w.offsets[i+1]; p++ {
			j := int(w.nbrs[p])
			v := w.vals[p]
			s0 += v
			rowSum[i] += v
			colSum[j] += v
			// (w_ij + w_ji)² summed over ordered pairs.
			a, b := w.offsets[j], w.offsets[j+1]
			wji := 0.0
			if k, ok := slices.BinarySearch(w.nbrs[a:b], int32(i)); ok {
				wji = w.vals[a+k]
			}
			s1 += (v + wji) * (v + wji)
			if wji == 0 {
				// the pair (j, i) is not visited from row j; count it here.
				s1 += v * v
			}
		}
	}
	s1 /= 2
	for i := range rowSum {
		t := rowSum[i] + colSum[i]
		s2 += t * t
	}
	return s0, s1, s2
}

// FromEdges builds weights for n observations from directed links
// edges[k] = {i, j} with weights wt[k] (wt nil means 1 for every link).
// A link of i to itself is a self-weight. Indices must be in [0, n),
// weights finite and non-zero, and each directed link given once. Links
// are not mirrored: pass both directions for symmetric weights.
func FromEdges(n int, edges [][2]int, wt []float64) (*Weights, error) {
	if n < 1 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "the number of observations must be positive, not %d", n)
	}
	if wt != nil && len(wt) != len(edges) {
		return nil, atalaya.Errorf(atalaya.EINVALID, "%d edges but %d weights", len(edges), len(wt))
	}
	type link struct {
		i, j int32
		v    float64
	}
	links := make([]link, len(edges))
	for k, e := range edges {
		if e[0] < 0 || e[0] >= n || e[1] < 0 || e[1] >= n {
			return nil, atalaya.Errorf(atalaya.EINVALID, "edge %d (%d, %d) is outside 0..%d", k, e[0], e[1], n-1)
		}
		v := 1.0
		if wt != nil {
			v = wt[k]
			if math.IsNaN(v) || math.IsInf(v, 0) || v == 0 {
				return nil, atalaya.Errorf(atalaya.EINVALID, "edge %d (%d, %d) has weight %v; weights must be finite and non-zero", k, e[0], e[1], v)
			}
		}
		links[k] = link{int32(e[0]), int32(e[1]), v}
	}
	slices.SortFunc(links, func(a, b link) int {
		if c := cmp.Compare(a.i, b.i); c != 0 {
			return c
		}
		return cmp.Compare(a.j, b.j)
	})
	w := &Weights{n: n, offsets: make([]int, n+1), nbrs: make([]int32, len(links)), raw: make([]float64, len(links))}
	for k, l := range links {
		if k > 0 && links[k-1].i == l.i && links[k-1].j == l.j {
			return nil, atalaya.Errorf(atalaya.EINVALID, "the link (%d, %d) is given twice", l.i, l.j)
		}
		w.nbrs[k], w.raw[k] = l.j, l.v
		w.offsets[l.i+1]++
	}
	for i := 0; i < n; i++ {
		w.offsets[i+1] += w.offsets[i]
	}
	w.vals = w.raw
	return w, nil
}

// fromRows builds binary weights from per-observation neighbour lists,
// sorting each row and dropping duplicates.
func fromRows(rows [][]int32) *Weights {
	n := len(rows)
	w := &Weights{n: n, offsets: make([]int, n+1)}
	for i, r := range rows {
		slices.Sort(r)
		r = slices.Compact(r)
		w.nbrs = append(w.nbrs, r...)
		w.offsets[i+1] = len(w.nbrs)
	}
	w.raw = make([]float64, len(w.nbrs))
	for i := range w.raw {
		w.raw[i] = 1
	}
	w.vals = w.raw
	return w
}

// Grid returns binary contiguity weights of a regular lattice of rows ×
// cols cells numbered row by row (cell r*cols + c): rook neighbours share
// an edge, queen neighbours an edge or a corner.
func Grid(rows, cols int, queen bool) (*Weights, error) {
	if rows < 1 || cols < 1 || rows > math.MaxInt32/cols {
		return nil, atalaya.Errorf(atalaya.EINVALID, "a grid needs positive rows and columns within limits, not %d × %d", rows, cols)
	}
	n := rows * cols
	w := &Weights{n: n, offsets: make([]int, n+1)}
	w.nbrs = make([]int32, 0, n*8)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			for dr := -1; dr <= 1; dr++ {
				for dc := -1; dc <= 1; dc++ {
					if (dr == 0 && dc == 0) || (!queen && dr != 0 && dc != 0) {
						continue
					}
					rr, cc := r+dr, c+dc
					if rr < 0 || rr >= rows || cc < 0 || cc >= cols {
						continue
					}
					w.nbrs = append(w.nbrs, int32(rr*cols+cc))
				}
			}
			w.offsets[r*cols+c+1] = len(w.nbrs)
		}
	}
	w.raw = make([]float64, len(w.nbrs))
	for i := range w.raw {
		w.raw[i] = 1
	}
	w.vals = w.raw
	return w, nil
}
