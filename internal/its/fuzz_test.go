package its_test

import (
	"math"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya/internal/its"
)

// FuzzFit fits random series: Fit must not panic, and when it returns no
// error every number it returns must be finite.
func FuzzFit(f *testing.F) {
	seed := make([]byte, 60)
	for i := range seed {
		seed[i] = byte(40 + i%12 - i/20)
	}
	f.Add(seed, uint8(30), uint8(2), uint8(0), uint8(3), false, false)
	f.Add(seed[:12], uint8(6), uint8(0), uint8(4), uint8(0), true, true)
	covs := []string{its.NonRobust, its.HC0, its.HC1, its.HC3, its.HAC}
	f.Fuzz(func(t *testing.T, b []byte, cut, harmonics, cov, lags uint8, quasi, levelOnly bool) {
		y := make([]float64, len(b))
		pop := make([]float64, len(b))
		for i, v := range b {
			y[i] = float64(v)
			pop[i] = 1000 + float64(i)
		}
		in := its.Input{
			Y: y, Population: pop, Start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
			Interruption: int(cut), Harmonics: int(harmonics % 7), CovType: covs[int(cov)%len(covs)],
			HACLags: int(lags % 24), Quasi: quasi, LevelOnly: levelOnly,
		}
		res, err := its.Fit(in)
		if err != nil {
			return
		}
		bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
		for _, c := range res.Coef {
			if bad(c.Estimate) || bad(c.SE) || bad(c.P) || bad(c.RRLow) || bad(c.RRHigh) {
				t.Fatalf("Fit(%+v): coefficient %+v is not finite", in, c)
			}
		}
		for _, s := range [][]float64{res.Fitted, res.Counterfactual, res.CFLow, res.CFHigh} {
			for i, v := range s {
				if bad(v) {
					t.Fatalf("Fit(%+v): series value %d is %g", in, i, v)
				}
			}
		}
		for _, e := range []its.Effect{res.LevelChange, res.SlopeChange, res.Cumulative} {
			if bad(e.Estimate) || bad(e.Low) || bad(e.High) || bad(e.P) || bad(e.SE) {
				t.Fatalf("Fit(%+v): effect %+v is not finite", in, e)
			}
		}
		if bad(res.Dispersion) || res.Reading == "" {
			t.Fatalf("Fit(%+v): dispersion %g, reading %q", in, res.Dispersion, res.Reading)
		}
	})
}
