package spatial

import (
	"math"

	"github.com/oas-atalaya/atalaya"
)

// Options controls a local statistic.
type Options struct {
	// Star includes each observation in its own neighbourhood (Gi*): a
	// self-weight of 1 is added to the weights as built, before row
	// standardisation if the weights are row-standardised. Ignored by
	// LocalMoran.
	Star bool
	// Permutations is the number of conditional permutations for the
	// pseudo p-values; 0 skips them. 999 is customary.
	Permutations int
	// Seed seeds the permutations; the same seed gives the same result on
	// any machine and any number of cores.
	Seed uint64
	// FDR, when positive, is the false-discovery rate at which
	// Significant is decided with the Benjamini–Hochberg procedure; 0
	// means no correction.
	FDR float64
	// Alpha is the significance level without FDR correction; 0 means
	// 0.05.
	Alpha float64
	// ESDAMoments makes GetisOrd use esda's simplified moments, which
	// replace Σ_j w_ij² by Σ_j w_ij; they agree with the general moments
	// for binary weights and differ for row-standardised ones.
	ESDAMoments bool
}

// Result holds a local statistic for every observation.
type Result struct {
	// Stat is the statistic: Gi or Gi* for GetisOrd, I_i for LocalMoran.
	Stat []float64
	// Lag is the spatial lag Σ_j w_ij v_j: of the values for GetisOrd
	// (self included for Gi*), of the deviations from the mean for
	// LocalMoran.
	Lag []float64
	// E and Var are the expectation and variance of Stat under the null
	// (Ord & Getis 1995 for G; conditional randomisation, Sokal et al.
	// 1998, for I_i).
	E, Var []float64
	// Z is (Stat − E)/√Var and P its two-sided normal p-value; both are
	// NaN where undefined: an observation without neighbours, or one whose
	// variance is zero because all the other values are equal.
	Z, P []float64
	// PSim is the folded conditional-permutation pseudo p-value, ZSim the
	// statistic standardised by the mean and standard deviation of the
	// simulated values; both nil without permutations.
	PSim, ZSim []float64
	// ETotal and VarTotal are Local Moran's moments under total
	// randomisation (Anselin 1995; spdep conditional=FALSE); nil for G.
	ETotal, VarTotal []float64
	// Quadrant is the Moran scatterplot quadrant of each observation:
	// "HH" (value above the mean, lag above), "LH", "LL" or "HL"; a value
	// or lag exactly at the mean counts as low, as in esda. Nil for G.
	Quadrant []string
	// Significant reports PSim (P without permutations) at or below
	// Alpha, or, when FDR is set, below the Benjamini–Hochberg bound.
	Significant []bool
	// Cluster is "hot" or "cold" for a significant G above or below its
	// expectation, the Quadrant of a significant I_i, and "" otherwise.
	Cluster []string
}

func (o Options) check() error {
	if o.Permutations < 0 || o.Permutations > 1_000_000 {
		return atalaya.Errorf(atalaya.EINVALID, "permutations must be between 0 and 1000000, not %d", o.Permutations)
	}
	if !(o.FDR >= 0 && o.FDR < 1) {
		return atalaya.Errorf(atalaya.EINVALID, "the false-discovery rate must be in [0, 1), not %v", o.FDR)
	}
	if !(o.Alpha >= 0 && o.Alpha < 1) {
		return atalaya.Errorf(atalaya.EINVALID, "alpha must be in [0, 1), not %v", o.Alpha)
	}
	return nil
}

// GetisOrd computes the local Getis–Ord statistic Gi (or Gi* with
// opt.Star) of the non-negative variable x:
//
//	Gi = Σ_{j≠i} w_ij x_j / Σ_{j≠i} x_j      Gi* = Σ_j w_ij x_j / Σ_j x_j
//
// with z-scores from the Ord & Getis (1995) moments for general weights
// (spdep::localG), and, with opt.Permutations, esda's conditional
// permutation pseudo p-values. Without Star the weights must not contain
// self-weights.
func GetisOrd(x []float64, w *Weights, opt Options) (Result, error) {
	if err := checkVariable(x, w); err != nil {
		return Result{}, err
	}
	if err := opt.check(); err != nil {
		return Result{}, err
	}
	for i, v := range x {
		if v < 0 {
			return Result{}, atalaya.Errorf(atalaya.EINVALID, "x[%d] is %v; Getis–Ord G needs non-negative values such as counts or rates", i, v)
		}
	}
	if constant(x) {
		return Result{}, atalaya.Errorf(atalaya.EINVALID, "the variable is constant; Getis–Ord z-scores are undefined")
	}
	ws := w
	if opt.Star && !w.HasSelf() {
		ws = w.WithSelf(1)
	} else if !opt.Star && w.HasSelf() {
		return Result{}, atalaya.Errorf(atalaya.EINVALID, "the weights include self-weights; set Star for Gi*")
	}
	nbrs, selfW := splitSelf(ws)
	n := len(x)
	mean, m2 := meanVar(x)
	ss := m2 * float64(n)
	sum := mean * float64(n)
	N := float64(n)
	if !opt.Star {
		N = float64(n - 1)
	}
	r := Result{Stat: make([]float64, n), Lag: make([]float64, n), E: make([]float64, n), Var: make([]float64, n),
		Z: make([]float64, n), P: make([]float64, n)}
	f := affine{a: make([]float64, n), b: make([]float64, n)}
	for i := range n {
		nb, wt := nbrs.Neighbours(i)
		lag := 0.0
		for q, j := range nb {
			lag += wt[q] * x[j]
		}
		wi, s1 := selfW[i], selfW[i]*selfW[i]
		for _, v := range wt {
			wi += v
			s1 += v * v
		}
		if opt.ESDAMoments {
			s1 = wi
		}
		d := x[i] - mean
		xbar, s2, denom := mean, m2, sum
		if !opt.Star {
			xbar = mean - d/N
			s2 = (ss - d*d*float64(n)/N) / N
			denom = sum - x[i]
			if s2 <= 1e-12*m2 {
				return Result{}, atalaya.Errorf(atalaya.EINVALID, "the values other than x[%d] are all equal, so Gi is undefined there; use Gi* (Star)", i)
			}
		}
		f.a[i], f.b[i] = 1/denom, selfW[i]*x[i]/denom
		r.Lag[i] = lag + selfW[i]*x[i]
		r.Stat[i] = f.a[i]*lag + f.b[i]
		varLag := s2 * (N*s1 - wi*wi) / (N - 1)
		r.E[i] = wi * xbar / denom
		r.Var[i] = varLag / (denom * denom)
		r.Z[i] = (r.Lag[i] - wi*xbar) / math.Sqrt(varLag)
		if wi == 0 || varLag <= 0 {
			r.Z[i] = math.NaN()
		}
		r.P[i] = twoSided(r.Z[i])
	}
	if opt.Permutations > 0 {
		ps := conditionalPermutations(x, nbrs, f, r.Stat, opt.Permutations, opt.Seed)
		r.PSim, r.ZSim = ps.p, ps.z
	}
	r.Significant = significant(r.P, r.PSim, opt)
	r.Cluster = make([]string, n)
	for i, s := range r.Significant {
		switch {
		case s && r.Stat[i] > r.E[i]:
			r.Cluster[i] = "hot"
		case s && r.Stat[i] < r.E[i]:
			r.Cluster[i] = "cold"
		}
	}
	return r, nil
}

// splitSelf returns w without its self-weights but with the other
// effective weights unchanged, and the self-weight of each observation
// (0 when absent).
func splitSelf(w *Weights) (*Weights, []float64) {
	selfW := make([]float64, w.n)
	if !w.HasSelf() {
		return w, selfW
	}
	out := &Weights{n: w.n, offsets: make([]int, w.n+1), rowStd: w.rowStd}
	for i := 0; i < w.n; i++ {
		for p := w.offsets[i]; p < w.offsets[i+1]; p++ {
			if int(w.nbrs[p]) == i {
				selfW[i] = w.vals[p]
				continue
			}
			out.nbrs = append(out.nbrs, w.nbrs[p])
			out.raw = append(out.raw, w.raw[p])
			out.vals = append(out.vals, w.vals[p])
		}
		out.offsets[i+1] = len(out.nbrs)
	}
	return out, selfW
}

// LocalMoran computes Anselin's Local Moran's I_i = z_i Σ_j w_ij z_j / m2
// of x, where z are the deviations from the mean and m2 = Σ z²/n (spdep
// localmoran; esda's Moran_Local is (n−1)/n times this), its moments under
// conditional and total randomisation, the Moran scatterplot quadrant and,
// with opt.Permutations, esda's conditional-permutation pseudo p-values.
// The weights must not contain self-weights.
func LocalMoran(x []float64, w *Weights, opt Options) (Result, error) {
	if err := checkVariable(x, w); err != nil {
		return Result{}, err
	}
	if err := opt.check(); err != nil {
		return Result{}, err
	}
	if w.HasSelf() {
		return Result{}, atalaya.Errorf(atalaya.EINVALID, "the weights include self-weights, which Local Moran's I does not allow")
	}
	if constant(x) {
		return Result{}, atalaya.Errorf(atalaya.EINVALID, "the variable is constant; Local Moran's I is undefined")
	}
	n := len(x)
	nf := float64(n)
	mean, m2 := meanVar(x)
	z := make([]float64, n)
	m4 := 0.0
	for i, v := range x {
		z[i] = v - mean
		m4 += z[i] * z[i] * z[i] * z[i]
	}
	b2 := m4 / nf / (m2 * m2)
	r := Result{Stat: make([]float64, n), Lag: make([]float64, n), E: make([]float64, n), Var: make([]float64, n),
		Z: make([]float64, n), P: make([]float64, n), ETotal: make([]float64, n), VarTotal: make([]float64, n),
		Quadrant: make([]string, n)}
	f := affine{a: make([]float64, n), b: make([]float64, n)}
	for i := range n {
		nb, wt := w.Neighbours(i)
		lag, wi, wi2 := 0.0, 0.0, 0.0
		for q, j := range nb {
			lag += wt[q] * z[j]
			wi += wt[q]
			wi2 += wt[q] * wt[q]
		}
		zi := z[i]
		f.a[i] = zi / m2
		r.Lag[i] = lag
		r.Stat[i] = f.a[i] * lag
		r.E[i] = -(zi * zi * wi) / ((nf - 1) * m2)
		r.Var[i] = (zi / m2) * (zi / m2) * (nf / (nf - 2)) * (wi2 - wi*wi/(nf-1)) * (m2 - zi*zi/(nf-1))
		r.Z[i] = (r.Stat[i] - r.E[i]) / math.Sqrt(r.Var[i])
		if len(nb) == 0 || !(r.Var[i] > 0) {
			r.Z[i] = math.NaN()
		}
		r.P[i] = twoSided(r.Z[i])
		r.ETotal[i] = -wi / (nf - 1)
		r.VarTotal[i] = (nf-b2)/(nf-1)*wi2 + (2*b2-nf)/((nf-1)*(nf-2))*(wi*wi-wi2) - r.ETotal[i]*r.ETotal[i]
		r.Quadrant[i] = quadrant(zi, lag)
	}
	if opt.Permutations > 0 {
		ps := conditionalPermutations(z, w, f, r.Stat, opt.Permutations, opt.Seed)
		r.PSim, r.ZSim = ps.p, ps.z
	}
	r.Significant = significant(r.P, r.PSim, opt)
	r.Cluster = make([]string, n)
	for i, s := range r.Significant {
		if s {
			r.Cluster[i] = r.Quadrant[i]
		}
	}
	return r, nil
}

// quadrant returns the Moran scatterplot quadrant of a deviation and its
// lag, esda's convention: a value of exactly zero counts as low.
func quadrant(z, lag float64) string {
	switch {
	case z > 0 && lag > 0:
		return "HH"
	case z <= 0 && lag > 0:
		return "LH"
	case z <= 0:
		return "LL"
	default:
		return "HL"
	}
}

// significant decides significance from the pseudo p-values when there
// are any, else from the analytical ones; NaN is never significant.
func significant(p, psim []float64, opt Options) []bool {
	if psim != nil {
		p = psim
	}
	out := make([]bool, len(p))
	if opt.FDR > 0 {
		adj := BenjaminiHochberg(p)
		for i, q := range adj {
			out[i] = q <= opt.FDR
		}
		return out
	}
	alpha := opt.Alpha
	if alpha == 0 {
		alpha = 0.05
	}
	for i, v := range p {
		out[i] = v <= alpha
	}
	return out
}
