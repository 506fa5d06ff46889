package did_test

import (
	"fmt"

	"github.com/oas-atalaya/atalaya/internal/did"
)

// Four units over three periods: b is treated from period 2, c from 3.
func ExampleATTgt() {
	var obs []did.Obs
	y := map[string][]float64{"a": {1, 2, 3}, "b": {1, 4, 6}, "c": {2, 3, 6}, "d": {0, 1, 2}}
	first := map[string]int{"a": 0, "b": 2, "c": 3, "d": 0}
	for _, u := range []string{"a", "b", "c", "d"} {
		for t, v := range y[u] {
			obs = append(obs, did.Obs{Unit: u, Period: t + 1, Y: v, FirstTreat: first[u]})
		}
	}
	gt, err := did.ATTgt(obs, did.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range gt.Rows {
		fmt.Printf("ATT(%d,%d) = %.2f\n", r.Group, r.Period, r.ATT)
	}
	agg, _ := gt.Aggregate(did.Simple)
	fmt.Printf("overall %.2f\n", agg.ATT)
	// Output:
	// ATT(2,2) = 2.00
	// ATT(2,3) = 3.00
	// ATT(3,2) = 0.00
	// ATT(3,3) = 2.00
	// overall 2.33
}
