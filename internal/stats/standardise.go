package stats

import (
	"math"

	"github.com/oas-atalaya/atalaya"
)

// DirectStandardised returns the directly standardised rate of the strata
// counts[i] / pops[i], weighted by the standard population stdWeights, and
// its confidence interval at the given level, all multiplied by per (1e5 for
// a rate per 100,000). The weights need not sum to one: like epitools they
// are divided by their sum, so a standard population can be passed as it is
// published (see WHO2000 and Segi1960, and Aggregate for coarser bands).
//
// The interval is the gamma interval of Fay and Feuer (1997), as computed by
// R's epitools::ageadjust.direct. With wᵢ the normalised weights, the rate
// is y = Σ wᵢcᵢ/pᵢ, its variance v = Σ wᵢ²cᵢ/pᵢ² and wm = maxᵢ wᵢ/pᵢ:
//
//	lo = G⁻¹(α/2; shape y²/v, scale v/y)
//	hi = G⁻¹(1−α/2; shape (y+wm)²/(v+wm²), scale (v+wm²)/(y+wm))
//
// where G⁻¹ is the gamma quantile and α = 1 − level. When every count is
// zero, lo is 0 and hi follows from the same formula (shape 1, scale wm),
// where epitools returns NaN for lo.
//
// It returns an error of code EINVALID when the slices are empty or of
// different lengths, a population is not positive (a stratum without
// population has no rate: merge it into a neighbouring band), a count is
// negative, a weight is negative or not finite, the weights sum to zero, or
// the level is outside (0, 1).
func DirectStandardised(counts, pops []int64, stdWeights []float64, per, level float64) (rate, lo, hi float64, err error) {
	if len(counts) == 0 || len(counts) != len(pops) || len(counts) != len(stdWeights) {
		return nan, nan, nan, atalaya.Errorf(atalaya.EINVALID,
			"direct standardisation needs as many counts, populations and weights, and at least one: got %d, %d and %d",
			len(counts), len(pops), len(stdWeights))
	}
	if !validLevel(level) {
		return nan, nan, nan, atalaya.Errorf(atalaya.EINVALID, "confidence level %g is not between 0 and 1", level)
	}
	var sum float64
	for i := range counts {
		switch w := stdWeights[i]; {
		case pops[i] <= 0:
			return nan, nan, nan, atalaya.Errorf(atalaya.EINVALID, "stratum %d has population %d; a rate needs a positive population", i, pops[i])
		case counts[i] < 0:
			return nan, nan, nan, atalaya.Errorf(atalaya.EINVALID, "stratum %d has a negative count (%d)", i, counts[i])
		case !(w >= 0) || math.IsInf(w, 1):
			return nan, nan, nan, atalaya.Errorf(atalaya.EINVALID, "stratum %d has standard weight %g; weights must be finite and not negative", i, w)
		default:
			sum += w
		}
	}
	if !(sum > 0) || math.IsInf(sum, 1) {
		return nan, nan, nan, atalaya.Errorf(atalaya.EINVALID, "the standard weights sum to %g", sum)
	}

	var y, v, wm float64
	for i, c := range counts {
		w := stdWeights[i] / sum
		p := float64(pops[i])
		y += w * (float64(c) / p)
		v += w * w * (float64(c) / (p * p))
		wm = math.Max(wm, w/p)
	}
	a := tails(level)
	if y > 0 {
		lo = gammaInv(y*y/v, a, 1-a) * (v / y)
	}
	yk, vk := y+wm, v+wm*wm
	hi = gammaInv(yk*yk/vk, 1-a, a) * (vk / yk)
	return y * per, lo * per, hi * per, nil
}
