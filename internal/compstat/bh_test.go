package compstat

import (
	"math"
	"testing"
)

// TestAdjustBH checks against R: p.adjust(c(0.01, 0.04, 0.03, 0.5), "BH")
// = 0.04, 0.05333333, 0.05333333, 0.5.
func TestAdjustBH(t *testing.T) {
	ps := []float64{0.01, 0.04, 0.03, 0.5}
	want := []float64{0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5}
	chs := make([]*Change, len(ps))
	for i, p := range ps {
		chs[i] = &Change{Test: &RateRatio{P: p}}
	}
	adjustBH(chs)
	for i, c := range chs {
		if math.Abs(c.Q-want[i]) > 1e-12 {
			t.Errorf("adjustBH(%v)[%d] = %g; want %g", ps, i, c.Q, want[i])
		}
	}
}
