package synth_test

import (
	"context"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/synth"
)

// BenchmarkFit is the speed target of issue 6: 40 donors × 30 periods.
// "exact" is the package's fit (active-set QP inside Synth's V search);
// "projected" is the naive baseline, the same search with the inner QP
// solved by a generic method, accelerated projected gradient.
// scripts/bench-synth.sh runs it and prints the ratio.
func BenchmarkFit(b *testing.B) {
	p, s := randomPanel(1, 40, 30)
	for _, solver := range []string{"exact", "projected"} {
		b.Run(solver, func(b *testing.B) {
			s := s
			if solver == "projected" {
				s.Solver = synth.SolverProjected
			}
			var mspe float64
			for b.Loop() {
				r, err := synth.Fit(context.Background(), p, s)
				if err != nil {
					b.Fatal(err)
				}
				mspe = r.FitMSPE
			}
			b.ReportMetric(mspe, "fitMSPE")
		})
	}
}

// BenchmarkPlacebos fits the treated unit and its 40 placebos.
func BenchmarkPlacebos(b *testing.B) {
	p, s := randomPanel(1, 40, 30)
	for b.Loop() {
		if _, err := synth.Placebos(context.Background(), p, s); err != nil {
			b.Fatal(err)
		}
	}
}
