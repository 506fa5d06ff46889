package its_test

import (
	"math"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya/internal/its"
)

// twentyYears is a 20-year monthly series (240 points) with seasonality,
// a trend and a drop of 15% at month 180, in a population of 5 million.
func twentyYears() its.Input {
	n := 240
	y := make([]float64, n)
	pop := make([]float64, n)
	for i := range y {
		pop[i] = 5e6 * (1 + 0.0005*float64(i))
		rate := 2e-5 * math.Exp(0.001*float64(i)+0.1*math.Sin(2*math.Pi*float64(i)/12))
		if i >= 180 {
			rate *= 0.85
		}
		// deterministic "noise" keeps the benchmark reproducible
		y[i] = math.Round(rate*pop[i] + 3*math.Sin(float64(i)*1.7))
	}
	return its.Input{Y: y, Population: pop, Start: time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC),
		Interruption: 180, Harmonics: 2}
}

func BenchmarkFit(b *testing.B) {
	for _, cov := range []string{its.NonRobust, its.HC3, its.HAC} {
		in := twentyYears()
		in.CovType, in.HACLags = cov, 12
		b.Run("240months/"+cov, func(b *testing.B) {
			for b.Loop() {
				if _, err := its.Fit(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
