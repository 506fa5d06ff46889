package density

import (
	"math"
	"slices"
	"strings"

	"github.com/oas-atalaya/atalaya"
)

// Bandwidth returns the bandwidth that a rule gives for pts, unweighted,
// in the rule's own kernel. With n points, s_x and s_y the sample
// standard deviations (divisor n − 1) and IQR the interquartile range
// (quantiles interpolated linearly, as numpy and R's type 7):
//
//   - "scott": σ = s̄ · n^(−1/6), where s̄ = √((s_x² + s_y²)/2). This is
//     Scott's (1992) normal-reference rule for d = 2, n^(−1/(d+4)), the
//     factor of scipy.stats.gaussian_kde's default, applied to the pooled
//     variance so that the kernel stays round. Gives a Gaussian σ.
//   - "silverman": σ = s̃ · n^(−1/6), where s̃ is the mean over the two
//     axes of min(s, IQR/1.349). Silverman (1986) eq. 4.14, whose constant
//     A(K) is 1 for the Gaussian kernel in two dimensions (so it equals
//     Scott's there), with his robust spread of §3.4.2. Gives a Gaussian σ.
//   - "arcgis": r = 0.9 · min(SD, √(1/ln 2) · Dm) · n^(−0.2), the "spatial
//     variant of Silverman's rule of thumb" of ArcGIS Kernel Density.
//     SD = √(Σ(x−x̄)²/n + Σ(y−ȳ)²/n) is the standard distance and Dm the
//     median distance to the mean centre (x̄, ȳ). Gives a quartic radius.
//
// Estimate converts a rule's bandwidth to another kernel by the ratio of
// the kernels' canonical bandwidths δ(K) = (R(K)/μ₂(K)²)^(1/6), where
// R(K) = ∫K² and μ₂(K) = ∫x²K (Marron and Nolan 1988; Silverman 1986
// table 4.1 in spirit). In two dimensions, with a unit bandwidth:
// Gaussian δ = (1/(4π))^(1/6); quartic δ = (576/(5π))^(1/6);
// Epanechnikov δ = (48/π)^(1/6). So a quartic radius is 2.7792 Gaussian σ
// and an Epanechnikov radius 2.4019 σ: the kernels then smooth alike.
//
// With weights (Options.Weights), Estimate uses the weighted means and
// variances, and n is: for "scott", Kish's effective size (Σw)²/Σw², as
// scipy does; for "arcgis", Σw, as ArcGIS does with a population field,
// with the weighted median. "silverman" does not take weights.
func Bandwidth(pts [][2]float64, rule string) (float64, error) {
	return bandwidth(pts, nil, rule)
}

func ruleName(r string) string {
	if r == "" {
		return "arcgis"
	}
	return strings.ToLower(r)
}

// canonical returns δ(K) for a unit bandwidth, in two dimensions.
func canonical(k Kernel) float64 {
	switch k {
	case Gaussian:
		return math.Pow(1/(4*math.Pi), 1.0/6)
	case Epanechnikov:
		return math.Pow(48/math.Pi, 1.0/6)
	}
	return math.Pow(576/(5*math.Pi), 1.0/6)
}

// bandwidthFor returns a rule's bandwidth converted to kernel k.
func bandwidthFor(pts [][2]float64, w []float64, rule string, k Kernel) (float64, error) {
	h, err := bandwidth(pts, w, rule)
	if err != nil {
		return 0, err
	}
	native := Gaussian
	if ruleName(rule) == "arcgis" {
		native = Quartic
	}
	return h * canonical(k) / canonical(native), nil
}

func bandwidth(pts [][2]float64, w []float64, rule string) (float64, error) {
	if len(pts) < 2 {
		return 0, atalaya.Errorf(atalaya.EINVALID, "%d points: a bandwidth rule needs at least 2", len(pts))
	}
	if w != nil && len(w) != len(pts) {
		return 0, atalaya.Errorf(atalaya.EINVALID, "%d weights for %d points: give one weight per point", len(w), len(pts))
	}
	weight := func(i int) float64 {
		if w == nil {
			return 1
		}
		return w[i]
	}
	var sw, sw2, mx, my float64
	for i, p := range pts {
		wi := weight(i)
		sw += wi
		sw2 += wi * wi
		mx += wi * p[0]
		my += wi * p[1]
	}
	if !(sw > 0) {
		return 0, atalaya.Errorf(atalaya.EINVALID, "the weights sum to %v: a bandwidth rule needs a positive total", sw)
	}
	mx /= sw
	my /= sw
	var ssx, ssy float64
	for i, p := range pts {
		wi := weight(i)
		ssx += wi * (p[0] - mx) * (p[0] - mx)
		ssy += wi * (p[1] - my) * (p[1] - my)
	}
	switch ruleName(rule) {
	case "scott":
		// Unbiased weighted variance as numpy.cov with aweights.
		den := sw - sw2/sw
		if !(den > 0) {
			return 0, atalaya.Errorf(atalaya.EINVALID, "one point carries all the weight: the scott rule needs spread")
		}
		neff := sw * sw / sw2
		s := math.Sqrt((ssx/den + ssy/den) / 2)
		return s * math.Pow(neff, -1.0/6), nil
	case "silverman":
		if w != nil {
			return 0, atalaya.Errorf(atalaya.EINVALID, "the silverman rule does not take weights: use scott or arcgis, or give a bandwidth")
		}
		n := float64(len(pts))
		xs := make([]float64, len(pts))
		ys := make([]float64, len(pts))
		for i, p := range pts {
			xs[i], ys[i] = p[0], p[1]
		}
		sx := math.Sqrt(ssx / (n - 1))
		sy := math.Sqrt(ssy / (n - 1))
		s := (min(sx, iqr(xs)/1.349) + min(sy, iqr(ys)/1.349)) / 2
		return s * math.Pow(n, -1.0/6), nil
	case "arcgis":
		sd := math.Sqrt(ssx/sw + ssy/sw)
		ds := make([]float64, len(pts))
		for i, p := range pts {
			ds[i] = math.Hypot(p[0]-mx, p[1]-my)
		}
		dm := weightedMedian(ds, w)
		return 0.9 * min(sd, math.Sqrt(1/math.Ln2)*dm) * math.Pow(sw, -0.2), nil
	}
	return 0, atalaya.Errorf(atalaya.EINVALID, "bandwidth rule %q is not known: use arcgis, silverman or scott", rule)
}

// iqr returns the interquartile range with linear interpolation (type 7).
// It sorts xs.
func iqr(xs []float64) float64 {
	slices.Sort(xs)
	return quantile(xs, 0.75) - quantile(xs, 0.25)
}

func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	i := int(math.Floor(pos))
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(i)
	return sorted[i] + f*(sorted[i+1]-sorted[i])
}

// weightedMedian returns the median of xs, weighted by w (nil for equal
// weights): the first value at which the cumulative weight reaches half
// the total, averaged with the next when it reaches exactly half, so that
// equal weights give the ordinary median.
func weightedMedian(xs, w []float64) float64 {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case xs[a] < xs[b]:
			return -1
		case xs[a] > xs[b]:
			return 1
		}
		return a - b
	})
	weight := func(i int) float64 {
		if w == nil {
			return 1
		}
		return w[i]
	}
	total := 0.0
	for i := range xs {
		total += weight(i)
	}
	half, cum := total/2, 0.0
	for k, i := range idx {
		cum += weight(i)
		if cum == half && k+1 < len(idx) {
			return (xs[i] + xs[idx[k+1]]) / 2
		}
		if cum > half {
			return xs[i]
		}
	}
	return xs[idx[len(idx)-1]]
}
