package compstat

import (
	"encoding/json"
	"math"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/stats"
)

// RateRatio is the result of the exact test of two Poisson counts.
type RateRatio struct {
	Ratio float64 // (x1/t1) ÷ (x2/t2); +Inf when x2 = 0
	Low   float64 // lower bound of the exact interval; 0 when x1 = 0
	High  float64 // upper bound; +Inf when x2 = 0
	P     float64 // exact two-sided p-value of "the rates are equal"
	Conf  float64 // the confidence level of [Low, High]
}

// RateRatioTest compares two Poisson counts x1 and x2 observed over
// exposures t1 and t2 (days, person-years, populations) as R's
// poisson.test(c(x1, x2), c(t1, t2), conf.level = conf) does. Given the
// total n = x1 + x2, x1 is binomial with proportion t1/(t1+t2) when the
// rates are equal; the p-value is binom.test's two-sided one (the sum of
// the probabilities of the outcomes no more likely than x1, with R's
// relative tolerance 1e-7) and the interval is Clopper–Pearson's for the
// proportion, turned into a rate ratio by π/(1−π)·t2/t1.
//
// Counts must not be negative and not both zero, exposures must be
// positive and finite, and conf must lie in (0, 1); otherwise the error has
// code EINVALID.
func RateRatioTest(x1, x2 int, t1, t2 float64, conf float64) (RateRatio, error) {
	switch {
	case x1 < 0 || x2 < 0:
		return RateRatio{}, atalaya.Errorf(atalaya.EINVALID, "counts must not be negative (got %d and %d)", x1, x2)
	case x1 == 0 && x2 == 0:
		return RateRatio{}, atalaya.Errorf(atalaya.EINVALID, "both counts are zero: the rate ratio is undefined")
	case !(t1 > 0) || !(t2 > 0) || math.IsInf(t1, 0) || math.IsInf(t2, 0):
		return RateRatio{}, atalaya.Errorf(atalaya.EINVALID, "exposures must be positive and finite (got %g and %g)", t1, t2)
	case !(conf > 0 && conf < 1):
		return RateRatio{}, atalaya.Errorf(atalaya.EINVALID, "confidence level must lie strictly between 0 and 1 (got %g)", conf)
	}
	// The interval for equal exposures scales by t2/t1 exactly.
	ratio, lo, hi, ok := stats.RateRatio(int64(x1), 1, int64(x2), 1, conf)
	if !ok {
		return RateRatio{}, atalaya.Errorf(atalaya.EINVALID, "rate ratio undefined for counts %d and %d", x1, x2)
	}
	scale := t2 / t1
	rr := RateRatio{Ratio: ratio * scale, Low: lo * scale, High: hi * scale, Conf: conf}
	if x2 == 0 {
		rr.Ratio, rr.High = math.Inf(1), math.Inf(1)
	}
	p, q := 1/(1+t2/t1), 1/(1+t1/t2) // without overflow of t1 + t2
	rr.P = stats.BinomTestP(x1, x1+x2, p, q)
	return rr, nil
}

// MarshalJSON writes the infinite ratio and upper bound of x2 = 0 as null,
// which JSON can carry.
func (r RateRatio) MarshalJSON() ([]byte, error) {
	num := func(v float64) any {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return nil
		}
		return v
	}
	return json.Marshal(map[string]any{
		"ratio": num(r.Ratio), "low": num(r.Low), "high": num(r.High), "p": num(r.P), "conf": num(r.Conf),
	})
}

// Reading labels a change from a previous count to a current one.
type Reading string

// The readings of a comparison. Noise is a change that an exact test at
// the chosen alpha cannot tell from chance.
const (
	Increase Reading = "significant increase"
	Decrease Reading = "significant decrease"
	Noise    Reading = "no significant change (noise)"
	NoData   Reading = "no data to compare"
)

// Read returns the reading of a test at level alpha: significant when
// P < alpha, in the direction of the ratio.
func (r RateRatio) Read(alpha float64) Reading {
	switch {
	case r.P >= alpha:
		return Noise
	case r.Ratio > 1:
		return Increase
	case r.Ratio < 1:
		return Decrease
	}
	return Noise
}
