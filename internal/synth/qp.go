package synth

import "math"

// This file holds the inner problem of synthetic control: donor weights w
// on the unit simplex (w ≥ 0, Σw = 1) minimising the convex quadratic
// ½w'Hw − q'w, where H = X0'VX0 and q = X0'VX1. Synth solves it with an
// interior-point method (kernlab's ipop) to about four digits; here it is
// solved exactly by a primal active-set method.

// qp is a simplex-constrained quadratic problem with reusable buffers.
type qp struct {
	j    int
	h    []float64 // j×j, row-major
	q    []float64
	w, z []float64
	g    []float64
	in   []bool
	kkt  []float64 // (m+1)×(m+2) augmented system
	idx  []int
	// warm is the support of the last solution: the next solve starts
	// there when the equality problem on it is still feasible (the V
	// search solves many neighbouring problems).
	warm    []bool
	hasWarm bool
}

func newQP(j int) *qp {
	return &qp{
		j: j, h: make([]float64, j*j), q: make([]float64, j),
		w: make([]float64, j), z: make([]float64, j), g: make([]float64, j),
		in: make([]bool, j), warm: make([]bool, j), kkt: make([]float64, (j+1)*(j+2)), idx: make([]int, 0, j),
	}
}

func (p *qp) objective(w []float64) float64 {
	var f float64
	for a := 0; a < p.j; a++ {
		var s float64
		for b := 0; b < p.j; b++ {
			s += p.h[a*p.j+b] * w[b]
		}
		f += w[a] * (0.5*s - p.q[a])
	}
	return f
}

// solveActiveSet returns the exact minimiser (into p.w) by a Lawson–Hanson
// style active-set method adapted to the simplex: start at the best vertex;
// repeatedly free the weight with the most negative reduced cost, solve the
// equality-constrained problem on the free set, and step back to the
// boundary whenever that solution leaves the simplex. It reports false if
// it fails to converge (degenerate or singular cases), in which case the
// caller falls back to projected gradient.
func (p *qp) solveActiveSet() bool {
	j := p.j
	scale := 0.0
	for a := 0; a < j; a++ {
		scale = math.Max(scale, math.Abs(p.h[a*j+a]))
		scale = math.Max(scale, math.Abs(p.q[a]))
	}
	if scale == 0 {
		for a := range p.w {
			p.w[a] = 1 / float64(j)
		}
		return true
	}
	tol := 1e-12 * scale
	best, bestF := 0, math.Inf(1)
	for a := 0; a < j; a++ {
		if f := 0.5*p.h[a*j+a] - p.q[a]; f < bestF {
			best, bestF = a, f
		}
	}
	if !p.warmStart() {
		for a := range p.w {
			p.w[a], p.in[a] = 0, false
		}
		p.w[best], p.in[best] = 1, true
	}
	for iter := 0; iter < 5*j+50; iter++ {
		// Gradient Hw − q; the multiplier of Σw = 1 is the gradient on
		// the free set (equal there at a solution of the equality problem).
		mu, nin := 0.0, 0
		for a := 0; a < j; a++ {
			var s float64
			for b := 0; b < j; b++ {
				s += p.h[a*j+b] * p.w[b]
			}
			p.g[a] = s - p.q[a]
			if p.in[a] {
				mu += p.g[a]
				nin++
			}
		}
		mu /= float64(nin)
		enter, minR := -1, -tol
		for a := 0; a < j; a++ {
			if !p.in[a] && p.g[a]-mu < minR {
				enter, minR = a, p.g[a]-mu
			}
		}
		if enter < 0 {
			copy(p.warm, p.in)
			p.hasWarm = true
			return true
		}
		p.in[enter] = true
		if !p.inner(enter) {
			return false
		}
	}
	return false
}

// warmStart starts from the last support if the equality problem on it
// has a strictly positive solution, which is then a feasible point.
func (p *qp) warmStart() bool {
	if !p.hasWarm {
		return false
	}
	copy(p.in, p.warm)
	if !p.solveEQP() {
		return false
	}
	for _, a := range p.idx {
		if !(p.z[a] > 0) {
			return false
		}
	}
	for a := range p.w {
		p.w[a] = 0
	}
	var sum float64
	for _, a := range p.idx {
		p.w[a] = p.z[a]
		sum += p.z[a]
	}
	for _, a := range p.idx {
		p.w[a] /= sum
	}
	return true
}

// inner solves the equality-constrained problem on the free set, moving
// from the current feasible w towards its solution and dropping weights
// that reach zero, until the solution is interior to the free face.
func (p *qp) inner(enter int) bool {
	for step := 0; step <= p.j; step++ {
		if !p.solveEQP() {
			return false
		}
		alpha, blocking := 1.0, -1
		for _, a := range p.idx {
			if p.z[a] <= 0 {
				if a == enter && step == 0 && p.w[a] == 0 {
					// The entering weight would turn negative at once:
					// numerically degenerate; give up on exactness.
					return false
				}
				if d := p.w[a] - p.z[a]; d > 0 {
					if r := p.w[a] / d; r < alpha {
						alpha, blocking = r, a
					}
				}
			}
		}
		if blocking < 0 {
			// z sums to 1 up to the solve's rounding; make it exact.
			var sum float64
			for _, a := range p.idx {
				sum += p.z[a]
			}
			for _, a := range p.idx {
				p.w[a] = p.z[a] / sum
			}
			return true
		}
		var sum float64
		for _, a := range p.idx {
			p.w[a] += alpha * (p.z[a] - p.w[a])
			if a == blocking || p.w[a] <= 0 {
				p.w[a], p.in[a] = 0, false
			}
			sum += p.w[a]
		}
		for _, a := range p.idx { // keep Σw = 1 exactly
			p.w[a] /= sum
		}
	}
	return false
}

// solveEQP solves [H_FF 1; 1' 0][z; −ν] = [q_F; 1] on the free set F by
// Gaussian elimination with partial pivoting, into p.z.
func (p *qp) solveEQP() bool {
	p.idx = p.idx[:0]
	for a := 0; a < p.j; a++ {
		p.z[a] = 0
		if p.in[a] {
			p.idx = append(p.idx, a)
		}
	}
	m := len(p.idx)
	n := m + 1
	cols := n + 1
	k := p.kkt[:n*cols]
	var scale float64
	for r, a := range p.idx {
		for c, b := range p.idx {
			k[r*cols+c] = p.h[a*p.j+b]
			scale = math.Max(scale, math.Abs(p.h[a*p.j+b]))
		}
		k[r*cols+m] = 1
		k[r*cols+n] = p.q[a]
	}
	for c := 0; c < m; c++ {
		k[m*cols+c] = 1
	}
	k[m*cols+m] = 0
	k[m*cols+n] = 1
	if !gauss(k, n, math.Max(scale, 1)*1e-13) {
		return false
	}
	for r, a := range p.idx {
		p.z[a] = k[r*cols+n]
	}
	return true
}

// gauss solves the n×(n+1) augmented system in place; the solution ends
// in the last column. It fails on a pivot below tol.
func gauss(k []float64, n int, tol float64) bool {
	cols := n + 1
	for c := 0; c < n; c++ {
		piv := c
		for r := c + 1; r < n; r++ {
			if math.Abs(k[r*cols+c]) > math.Abs(k[piv*cols+c]) {
				piv = r
			}
		}
		if math.Abs(k[piv*cols+c]) <= tol {
			return false
		}
		if piv != c {
			for x := c; x < cols; x++ {
				k[c*cols+x], k[piv*cols+x] = k[piv*cols+x], k[c*cols+x]
			}
		}
		for r := 0; r < n; r++ {
			if r == c || k[r*cols+c] == 0 {
				continue
			}
			f := k[r*cols+c] / k[c*cols+c]
			for x := c; x < cols; x++ {
				k[r*cols+x] -= f * k[c*cols+x]
			}
		}
	}
	for r := 0; r < n; r++ {
		k[r*cols+n] /= k[r*cols+r]
	}
	return true
}

// solveProjected minimises by accelerated projected gradient (FISTA with
// restarts) onto the simplex, for at most iters iterations or until the
// step is below tol. It is the fallback of the active-set method and the
// generic solver of the naive baseline.
func (p *qp) solveProjected(iters int, tol float64) {
	j := p.j
	// Lipschitz constant: a bound on the largest eigenvalue of H.
	var lip float64
	for a := 0; a < j; a++ {
		var s float64
		for b := 0; b < j; b++ {
			s += math.Abs(p.h[a*j+b])
		}
		lip = math.Max(lip, s)
	}
	for a := range p.w {
		p.w[a] = 1 / float64(j)
	}
	if lip == 0 {
		return
	}
	y := append([]float64(nil), p.w...)
	prev := append([]float64(nil), p.w...)
	t := 1.0
	fPrev := math.Inf(1)
	for it := 0; it < iters; it++ {
		for a := 0; a < j; a++ {
			var s float64
			for b := 0; b < j; b++ {
				s += p.h[a*j+b] * y[b]
			}
			p.z[a] = y[a] - (s-p.q[a])/lip
		}
		copy(prev, p.w)
		projectSimplex(p.z, p.w)
		var move float64
		for a := range p.w {
			move = math.Max(move, math.Abs(p.w[a]-prev[a]))
		}
		f := p.objective(p.w)
		if f > fPrev { // restart the momentum
			t = 1
			copy(y, p.w)
			fPrev = f
			continue
		}
		fPrev = f
		if move < tol {
			return
		}
		tn := (1 + math.Sqrt(1+4*t*t)) / 2
		for a := range y {
			y[a] = p.w[a] + (t-1)/tn*(p.w[a]-prev[a])
		}
		t = tn
	}
}

// projectSimplex writes the Euclidean projection of v onto the unit
// simplex into out (Held, Wolfe & Crowder; O(J log J) by sorting,
// here O(J²) by selection, fine for the few dozen donors of a study).
func projectSimplex(v, out []float64) {
	n := len(v)
	copy(out, v)
	// sort descending (insertion sort: n is small)
	for i := 1; i < n; i++ {
		for k := i; k > 0 && out[k] > out[k-1]; k-- {
			out[k], out[k-1] = out[k-1], out[k]
		}
	}
	var cum, theta float64
	for i := 0; i < n; i++ {
		cum += out[i]
		if t := (cum - 1) / float64(i+1); out[i]-t > 0 {
			theta = t
		}
	}
	for i := range out {
		out[i] = math.Max(v[i]-theta, 0)
	}
}
