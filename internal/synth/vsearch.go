package synth

import (
	"context"
	"math"
)

// evaluator computes Synth's fn.V: the outcome MSPE over the fit window
// of the weights that are optimal for a given V.
type evaluator struct {
	pr     *problem
	qp     *qp
	solver string
	v      []float64
	calls  int
	ctx    context.Context
}

func newEvaluator(pr *problem, solver string) *evaluator {
	return &evaluator{pr: pr, qp: newQP(len(pr.donors)), solver: solver, v: make([]float64, len(pr.x1))}
}

// weights returns the donor weights optimal for V (normalised).
func (ev *evaluator) weights(v []float64) []float64 {
	ev.setup(v)
	ev.solve()
	return append([]float64(nil), ev.qp.w...)
}

// setup fills H = X0'VX0 and q = X0'VX1.
func (ev *evaluator) setup(v []float64) {
	pr, p := ev.pr, ev.qp
	j := p.j
	for a := range p.h {
		p.h[a] = 0
	}
	for a := range p.q {
		p.q[a] = 0
	}
	for k, vk := range v {
		if vk == 0 {
			continue
		}
		row := pr.x0[k]
		for a := 0; a < j; a++ {
			ra := vk * row[a]
			p.q[a] += ra * pr.x1[k]
			h := p.h[a*j:]
			for b := a; b < j; b++ {
				h[b] += ra * row[b]
			}
		}
	}
	for a := 0; a < j; a++ {
		for b := 0; b < a; b++ {
			p.h[a*j+b] = p.h[b*j+a]
		}
	}
	// With fewer predictors than donors H is singular and the optimal
	// weights may form a whole face of the simplex. A ridge of 1e-10 of
	// the largest diagonal picks the one of least norm, so the weights
	// depend on V alone (continuously), not on the solver's path, at a
	// cost of about 1e-10 relative in the objective.
	var dmax float64
	for a := 0; a < j; a++ {
		dmax = math.Max(dmax, p.h[a*j+a])
	}
	for a := 0; a < j; a++ {
		p.h[a*j+a] += ridge * dmax
	}
}

// ridge is the relative regularisation of H (see setup).
const ridge = 1e-10

func (ev *evaluator) solve() {
	if ev.solver == SolverProjected {
		ev.qp.solveProjected(3000, 1e-9)
		return
	}
	if !ev.qp.solveActiveSet() {
		ev.qp.solveProjected(20000, 1e-14)
	}
}

// lossV is fn.V: V = |params|/Σ|params|, then the fit-window MSPE.
func (ev *evaluator) lossV(params []float64) float64 {
	ev.calls++
	var s float64
	for i, x := range params {
		ev.v[i] = math.Abs(x)
		s += ev.v[i]
	}
	if s == 0 || math.IsNaN(s) || math.IsInf(s, 0) {
		return math.Inf(1)
	}
	for i := range ev.v {
		ev.v[i] /= s
	}
	ev.setup(ev.v)
	ev.solve()
	return mspe(ev.pr.z1, ev.pr.z0, ev.qp.w)
}

// lossW is Synth's loss.w, the predictor discrepancy at the solution.
func (ev *evaluator) lossW(v, w []float64) float64 {
	var s float64
	for k, vk := range v {
		d := ev.pr.x1[k]
		for j, x := range ev.pr.x0[k] {
			d -= x * w[j]
		}
		s += vk * d * d
	}
	return s
}

// searchV is the outer search of synth(): Nelder–Mead and BFGS (optimx's
// methods in Synth) from equal weights and from the regression-based
// start, keeping the lowest MSPE; earlier starts win ties, as in Synth.
func (ev *evaluator) searchV(ctx context.Context) ([]float64, error) {
	k := len(ev.pr.x1)
	ev.ctx = ctx
	starts := [][]float64{make([]float64, k)}
	for i := range starts[0] {
		starts[0][i] = 1 / float64(k)
	}
	if rs := ev.pr.regressionStart(); rs != nil {
		starts = append(starts, rs)
	}
	var best []float64
	bestF := math.Inf(1)
	for _, st := range starts {
		for _, method := range []func([]float64) ([]float64, float64){ev.nelderMead, ev.bfgs} {
			x, f := method(st)
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if f < bestF {
				best, bestF = x, f
			}
		}
	}
	v := normaliseV(best)
	if v == nil {
		v = starts[0]
	}
	return v, nil
}

func (ev *evaluator) cancelled() bool {
	return ev.ctx != nil && ev.ctx.Err() != nil
}

// nelderMead is R's optim(method = "Nelder-Mead") (nmmin in optim.c):
// reflection 1, contraction 0.5, expansion 2, initial step 10% of the
// largest parameter, relative tolerance sqrt(eps), at most 500 function
// evaluations.
func (ev *evaluator) nelderMead(start []float64) ([]float64, float64) {
	const (
		alpha, beta, gamma = 1.0, 0.5, 2.0
		maxit              = 500
		big                = 1.0e35
	)
	intol := math.Sqrt(2.220446049250313e-16)
	n := len(start)
	fn := func(x []float64) float64 {
		f := ev.lossV(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return big
		}
		return f
	}
	b := append([]float64(nil), start...)
	f := fn(b)
	funcount := 1
	convtol := intol * (math.Abs(f) + intol)
	n1 := n + 1
	c := n + 2
	// p[i][j]: rows 0..n-1 parameters, row n the function values; columns
	// 0..n the vertices, column n+1 the centroid.
	p := make([][]float64, n+1)
	for i := range p {
		p[i] = make([]float64, c)
	}
	p[n1-1][0] = f
	for i := 0; i < n; i++ {
		p[i][0] = b[i]
	}
	l := 1
	step := 0.0
	for i := 0; i < n; i++ {
		step = math.Max(step, 0.1*math.Abs(b[i]))
	}
	if step == 0 {
		step = 0.1
	}
	size := 0.0
	for j := 2; j <= n1; j++ {
		for i := 0; i < n; i++ {
			p[i][j-1] = b[i]
		}
		trystep := step
		for p[j-2][j-1] == b[j-2] {
			p[j-2][j-1] = b[j-2] + trystep
			trystep *= 10
		}
		size += trystep
	}
	oldsize := size
	calcvert := true
	for {
		if ev.cancelled() {
			break
		}
		if calcvert {
			for j := 0; j < n1; j++ {
				if j+1 != l {
					for i := 0; i < n; i++ {
						b[i] = p[i][j]
					}
					p[n1-1][j] = fn(b)
					funcount++
				}
			}
			calcvert = false
		}
		vl := p[n1-1][l-1]
		vh := vl
		h := l
		for j := 1; j <= n1; j++ {
			if j != l {
				fj := p[n1-1][j-1]
				if fj < vl {
					l, vl = j, fj
				}
				if fj > vh {
					h, vh = j, fj
				}
			}
		}
		if vh <= vl+convtol {
			break
		}
		for i := 0; i < n; i++ {
			temp := -p[i][h-1]
			for j := 0; j < n1; j++ {
				temp += p[i][j]
			}
			p[i][c-1] = temp / float64(n)
		}
		for i := 0; i < n; i++ {
			b[i] = (1+alpha)*p[i][c-1] - alpha*p[i][h-1]
		}
		f = fn(b)
		funcount++
		vr := f
		if vr < vl {
			p[n1-1][c-1] = f
			for i := 0; i < n; i++ {
				fi := gamma*b[i] + (1-gamma)*p[i][c-1]
				p[i][c-1] = b[i]
				b[i] = fi
			}
			f = fn(b)
			funcount++
			if f < vr {
				for i := 0; i < n; i++ {
					p[i][h-1] = b[i]
				}
				p[n1-1][h-1] = f
			} else {
				for i := 0; i < n; i++ {
					p[i][h-1] = p[i][c-1]
				}
				p[n1-1][h-1] = vr
			}
		} else {
			if vr < vh {
				for i := 0; i < n; i++ {
					p[i][h-1] = b[i]
				}
				p[n1-1][h-1] = vr
			}
			for i := 0; i < n; i++ {
				b[i] = (1-beta)*p[i][h-1] + beta*p[i][c-1]
			}
			f = fn(b)
			funcount++
			if f < p[n1-1][h-1] {
				for i := 0; i < n; i++ {
					p[i][h-1] = b[i]
				}
				p[n1-1][h-1] = f
			} else if vr >= vh {
				calcvert = true
				size = 0
				for j := 0; j < n1; j++ {
					if j+1 != l {
						for i := 0; i < n; i++ {
							p[i][j] = beta*(p[i][j]-p[i][l-1]) + p[i][l-1]
							size += math.Abs(p[i][j] - p[i][l-1])
						}
					}
				}
				if size >= oldsize {
					break
				}
				oldsize = size
			}
		}
		if funcount > maxit {
			break
		}
	}
	x := make([]float64, n)
	for i := range x {
		x[i] = p[i][l-1]
	}
	return x, p[n1-1][l-1]
}

// bfgs is R's optim(method = "BFGS") (vmmin in optim.c) with optim's
// central finite-difference gradient (ndeps 1e-3): at most 100
// iterations, relative tolerance sqrt(eps).
func (ev *evaluator) bfgs(start []float64) ([]float64, float64) {
	const (
		stepredn = 0.2
		acctol   = 0.0001
		reltest  = 10.0
		maxit    = 100
		ndeps    = 1e-3
	)
	reltol := math.Sqrt(2.220446049250313e-16)
	n := len(start)
	fn := ev.lossV
	grad := func(x, g []float64) bool {
		for i := range x {
			xi := x[i]
			x[i] = xi + ndeps
			f1 := fn(x)
			x[i] = xi - ndeps
			f2 := fn(x)
			x[i] = xi
			g[i] = (f1 - f2) / (2 * ndeps)
			if math.IsNaN(g[i]) || math.IsInf(g[i], 0) {
				return false
			}
		}
		return true
	}
	b := append([]float64(nil), start...)
	f := fn(b)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, math.Inf(1)
	}
	fmin := f
	g := make([]float64, n)
	if !grad(b, g) {
		return b, fmin
	}
	gradcount, iter := 1, 1
	ilast := gradcount
	bm := make([][]float64, n)
	for i := range bm {
		bm[i] = make([]float64, n)
	}
	x := make([]float64, n)
	cv := make([]float64, n)
	t := make([]float64, n)
	count := 0
	for {
		if ev.cancelled() {
			break
		}
		if ilast == gradcount {
			for i := range bm {
				for j := range bm[i] {
					bm[i][j] = 0
				}
				bm[i][i] = 1
			}
		}
		copy(x, b)
		copy(cv, g)
		gradproj := 0.0
		for i := 0; i < n; i++ {
			s := 0.0
			for j := 0; j < n; j++ {
				s -= bm[i][j] * g[j]
			}
			t[i] = s
			gradproj += s * g[i]
		}
		if gradproj < 0 {
			steplength := 1.0
			accpoint := false
			for {
				count = 0
				for i := 0; i < n; i++ {
					b[i] = x[i] + steplength*t[i]
					if reltest+x[i] == reltest+b[i] {
						count++
					}
				}
				if count < n {
					f = fn(b)
					accpoint = !math.IsNaN(f) && !math.IsInf(f, 0) && f <= fmin+gradproj*steplength*acctol
					if !accpoint {
						steplength *= stepredn
					}
				}
				if count == n || accpoint {
					break
				}
			}
			enough := math.Abs(f-fmin) > reltol*(math.Abs(fmin)+reltol)
			if !enough {
				count = n
				fmin = f
			}
			if count < n {
				fmin = f
				if !grad(b, g) {
					break
				}
				gradcount++
				iter++
				d1 := 0.0
				for i := 0; i < n; i++ {
					t[i] *= steplength
					cv[i] = g[i] - cv[i]
					d1 += t[i] * cv[i]
				}
				if d1 > 0 {
					d2 := 0.0
					for i := 0; i < n; i++ {
						s := 0.0
						for j := 0; j < n; j++ {
							s += bm[i][j] * cv[j]
						}
						x[i] = s
						d2 += s * cv[i]
					}
					d2 = 1 + d2/d1
					for i := 0; i < n; i++ {
						for j := 0; j < n; j++ {
							bm[i][j] += (d2*t[i]*t[j] - x[i]*t[j] - t[i]*x[j]) / d1
						}
					}
				} else {
					ilast = gradcount
				}
			} else if ilast < gradcount {
				count = 0
				ilast = gradcount
			}
		} else {
			count = 0
			if ilast == gradcount {
				count = n
			} else {
				ilast = gradcount
			}
		}
		if iter >= maxit {
			break
		}
		if gradcount-ilast > 2*n {
			ilast = gradcount
		}
		if count == n && ilast == gradcount {
			break
		}
	}
	return b, fmin
}
