package spatial

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/oas-atalaya/atalaya"
)

// Global is a global Moran's I test.
type Global struct {
	// N is the number of observations; Permutations the number run.
	N, Permutations int
	// I is Moran's I = (n/S0) Σ_ij w_ij z_i z_j / Σ z_i², E its
	// expectation −1/(n−1).
	I, E float64
	// VarNorm, ZNorm and PNorm (two-sided) are under the normality
	// assumption; VarRand, ZRand and PRand under randomisation (Cliff &
	// Ord 1981), as esda's Moran and spdep's moran.test.
	VarNorm, ZNorm, PNorm float64
	VarRand, ZRand, PRand float64
	// PSim is esda's folded permutation pseudo p-value
	// (min(larger, perms−larger)+1)/(perms+1) over random permutations of
	// all values, ZSim the statistic standardised by the permutation mean
	// and standard deviation; NaN without permutations.
	PSim, ZSim float64
}

// GlobalMoran computes global Moran's I of x with weights w (row-standardise
// them first for the usual test), its normal and randomisation moments and,
// with perms > 0, a permutation pseudo p-value seeded by seed.
func GlobalMoran(x []float64, w *Weights, perms int, seed uint64) (Global, error) {
	if err := checkVariable(x, w); err != nil {
		return Global{}, err
	}
	if err := (Options{Permutations: perms}).check(); err != nil {
		return Global{}, err
	}
	if constant(x) {
		return Global{}, atalaya.Errorf(atalaya.EINVALID, "the variable is constant; Moran's I is undefined")
	}
	s0, s1, s2 := w.sums()
	if s0 == 0 {
		return Global{}, atalaya.Errorf(atalaya.EINVALID, "the weights have no links")
	}
	n := len(x)
	nf := float64(n)
	mean, _ := meanVar(x)
	z := make([]float64, n)
	ss, s4 := 0.0, 0.0
	for i, v := range x {
		z[i] = v - mean
		ss += z[i] * z[i]
		s4 += z[i] * z[i] * z[i] * z[i]
	}
	moran := func(v []float64) float64 {
		num := 0.0
		for i := range n {
			nb, wt := w.Neighbours(i)
			lag := 0.0
			for q, j := range nb {
				lag += wt[q] * v[j]
			}
			num += v[i] * lag
		}
		return nf / s0 * num / ss
	}
	g := Global{N: n, Permutations: perms, I: moran(z), E: -1 / (nf - 1), PSim: math.NaN(), ZSim: math.NaN()}
	s02 := s0 * s0
	g.VarNorm = (nf*nf*s1-nf*s2+3*s02)/((nf-1)*(nf+1)*s02) - g.E*g.E
	k := (s4 / nf) / ((ss / nf) * (ss / nf))
	a := nf * ((nf*nf-3*nf+3)*s1 - nf*s2 + 3*s02)
	b := k * ((nf*nf-nf)*s1 - 2*nf*s2 + 6*s02)
	g.VarRand = (a-b)/((nf-1)*(nf-2)*(nf-3)*s02) - g.E*g.E
	g.ZNorm = (g.I - g.E) / math.Sqrt(g.VarNorm)
	g.PNorm = twoSided(g.ZNorm)
	g.ZRand = (g.I - g.E) / math.Sqrt(g.VarRand)
	g.PRand = twoSided(g.ZRand)
	if perms > 0 {
		sims := make([]float64, perms)
		var wg sync.WaitGroup
		workers := max(1, min(runtime.GOMAXPROCS(0), perms))
		for t := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v := make([]float64, n)
				for p := t; p < perms; p += workers {
					copy(v, z)
					d := shuffleStream(seed, p)
					for i := n - 1; i > 0; i-- {
						j := int(d.intn(uint32(i + 1)))
						v[i], v[j] = v[j], v[i]
					}
					sims[p] = moran(v)
				}
			}()
		}
		wg.Wait()
		g.PSim, g.ZSim = foldedP(g.I, sims)
	}
	return g, nil
}

// foldedP returns esda's folded pseudo p-value of obs among sims and the
// standardised statistic (obs − mean)/sd.
func foldedP(obs float64, sims []float64) (p, z float64) {
	larger := 0
	sum, sum2 := 0.0, 0.0
	for _, s := range sims {
		if s >= obs {
			larger++
		}
		sum += s
		sum2 += s * s
	}
	perms := len(sims)
	if perms-larger < larger {
		larger = perms - larger
	}
	mean := sum / float64(perms)
	sd := math.Sqrt(math.Max(sum2/float64(perms)-mean*mean, 0))
	return float64(larger+1) / float64(perms+1), (obs - mean) / sd
}

// MoranRate is the global Moran's I of rates events/pop after the
// empirical-Bayes standardisation of Assunção & Reis (1999), esda's
// Moran_Rate (adjusted) and the statistic of spdep's EBImoran.mc.
func MoranRate(events, pop []float64, w *Weights, perms int, seed uint64) (Global, error) {
	y, err := AssuncaoReis(events, pop)
	if err != nil {
		return Global{}, err
	}
	return GlobalMoran(y, w, perms, seed)
}

// BenjaminiHochberg returns the Benjamini–Hochberg adjusted p-values
// (q-values) of p, like R's p.adjust(p, "BH"): an observation is
// significant at false-discovery rate q when its adjusted value is ≤ q.
// NaN values are left out of the count and stay NaN.
func BenjaminiHochberg(p []float64) []float64 {
	order := make([]int, 0, len(p))
	for i, v := range p {
		if !math.IsNaN(v) {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(p[a], p[b]) })
	out := make([]float64, len(p))
	for i := range out {
		out[i] = math.NaN()
	}
	m := float64(len(order))
	running := 1.0
	for r := len(order) - 1; r >= 0; r-- {
		i := order[r]
		running = math.Min(running, p[i]*m/float64(r+1))
		out[i] = running
	}
	return out
}

// FDRCutoff returns esda's false-discovery-rate cut-off (esda.fdr): with
// the m p-values sorted, the largest k·alpha/m such that the k-th smallest
// p-value is below it, or alpha/m when there is none. Observations with
// p < FDRCutoff(p, alpha) are then significant. NaN values are left out;
// with none left the cut-off is 0.
func FDRCutoff(p []float64, alpha float64) float64 {
	s := make([]float64, 0, len(p))
	for _, v := range p {
		if !math.IsNaN(v) {
			s = append(s, v)
		}
	}
	if len(s) == 0 {
		return 0
	}
	slices.Sort(s)
	m := float64(len(s))
	for k := len(s); k >= 1; k-- {
		bound := float64(k) * alpha / m
		if s[k-1] < bound {
			return bound
		}
	}
	return alpha / m
}
