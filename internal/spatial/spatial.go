// Package spatial holds the place-based methods of crime analysis: spatial
// weights, local and global spatial autocorrelation (Getis–Ord Gi and Gi*,
// Local and global Moran's I) with conditional-permutation inference and a
// false-discovery-rate correction, empirical-Bayes smoothing of rates, the
// Clark–Evans nearest-neighbour index, and crime concentration (Lorenz
// curve, Gini, share of crime in the top places).
//
// The formulas follow the reference implementations analysts compare with,
// and the tests check them against published results and golden numbers
// computed with R spdep and PySAL esda (see testdata/PROVENANCE.md):
//
//   - Getis–Ord z-scores use the general Ord & Getis (1995) moments, as
//     spdep::localG does; for binary weights they equal esda's G_Local.
//     Options.ESDAMoments selects esda's simplified moments instead.
//   - Local Moran's I is Anselin's (1995) I_i = z_i Σ_j w_ij z_j / m2 with
//     m2 = Σ z²/n, as spdep::localmoran (mlvar=TRUE); esda's Moran_Local
//     reports (n−1)/n times this. Its expectation and variance are the
//     conditional-randomisation moments of Sokal et al. (1998), which both
//     spdep (conditional=TRUE) and esda (EIc, VIc) report.
//   - Pseudo p-values are esda's folded conditional-permutation values:
//     the value at i is held fixed, its neighbours get a random sample of
//     the other n−1 values, and p = (min(larger, perms−larger)+1)/(perms+1)
//     where larger counts simulated statistics ≥ the observed one.
//
// Random numbers come from math/rand/v2's PCG, seeded per observation from
// the caller's seed, so results do not depend on GOMAXPROCS.
//
// Every function reports bad input as an *atalaya.Error with code
// EINVALID: lengths that do not match, non-finite values, a variable with
// no variance (the statistics would be NaN), and so on.
package spatial

import (
	"math"

	"github.com/oas-atalaya/atalaya"
)

// normalSF returns P(Z > z) for a standard normal Z.
func normalSF(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }

// twoSided returns the two-sided normal p-value of z, 2·P(Z > |z|).
func twoSided(z float64) float64 {
	if math.IsNaN(z) {
		return math.NaN()
	}
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}

// checkFinite returns an EINVALID error naming the first element of x that
// is NaN, infinite, or beyond ±maxMagnitude.
func checkFinite(name string, x []float64) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return atalaya.Errorf(atalaya.EINVALID, "%s[%d] is %v; every value must be a finite number", name, i, v)
		}
		if math.Abs(v) > maxMagnitude {
			return atalaya.Errorf(atalaya.EINVALID, "%s[%d] is %v; values beyond ±1e70 are not supported (rescale them)", name, i, v)
		}
	}
	return nil
}

// checkVariable validates a variable against weights: same length, at
// least three values, all finite.
func checkVariable(x []float64, w *Weights) error {
	if w == nil {
		return atalaya.Errorf(atalaya.EINVALID, "no spatial weights given")
	}
	if len(x) != w.N() {
		return atalaya.Errorf(atalaya.EINVALID, "the variable has %d values but the weights have %d observations", len(x), w.N())
	}
	if len(x) < 3 {
		return atalaya.Errorf(atalaya.EINVALID, "%d observations; at least 3 are needed", len(x))
	}
	return checkFinite("x", x)
}

// maxMagnitude bounds the values the statistics accept, so that sums of
// fourth powers cannot overflow.
const maxMagnitude = 1e70

// meanVar returns the mean and the population variance Σ(x−x̄)²/n, with
// the mean removed first for accuracy.
func meanVar(x []float64) (mean, m2 float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		d := v - mean
		m2 += d * d
	}
	return mean, m2 / float64(len(x))
}

// constant reports whether x has (numerically) no variance: every value
// within a relative 1e-12 of the mean.
func constant(x []float64) bool {
	mean, m2 := meanVar(x)
	scale := math.Max(math.Abs(mean), 1e-300)
	return math.Sqrt(m2) <= 1e-12*scale || m2 == 0
}
