package synth_test

import (
	"context"
	"fmt"

	"github.com/oas-atalaya/atalaya/internal/synth"
)

// The treated unit t is half a and half b before period 4; from period 4
// it falls 3 below that.
func ExampleFit() {
	p := synth.Panel{
		Units:   []string{"t", "a", "b", "c"},
		Periods: []int{1, 2, 3, 4, 5},
		Y: [][]float64{
			{2, 3, 4, 2, 3},
			{1, 2, 3, 4, 5},
			{3, 4, 5, 6, 7},
			{9, 9, 9, 9, 9},
		},
	}
	r, err := synth.Fit(context.Background(), p, synth.Spec{Treated: "t", TreatPeriod: 4})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, w := range r.Ordered {
		fmt.Printf("%s %.3f\n", w.Unit, w.Weight)
	}
	fmt.Printf("gap after: %.2f %.2f, pre RMSPE %.3f\n", r.Gap[3], r.Gap[4], r.PreRMSPE)
	// Output:
	// a 0.500
	// b 0.500
	// c 0.000
	// gap after: -3.00 -3.00, pre RMSPE 0.000
}
