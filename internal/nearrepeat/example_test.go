package nearrepeat_test

import (
	"context"
	"fmt"
	"time"

	"github.com/oas-atalaya/atalaya/internal/nearrepeat"
)

func ExampleKnox() {
	day := func(d int) time.Time { return time.Date(2025, 3, d, 0, 0, 0, 0, time.UTC) }
	// (0,0) and (60,80) are exactly 100 m apart: "100 ≤ d < 200 m".
	ev := []nearrepeat.Event{
		{X: 0, Y: 0, T: day(1)}, {X: 0, Y: 100, T: day(4)}, {X: 60, Y: 80, T: day(2)},
		{X: 900, Y: 900, T: day(20)}, {X: 2000, Y: 0, T: day(9)},
	}
	space, _ := nearrepeat.ParseBands("0,100,200")
	days, _ := nearrepeat.ParseBands("0,3,7")
	res, err := nearrepeat.Knox(context.Background(), ev, nearrepeat.Options{
		SpaceBands: space, TimeBands: days, Permutations: 99, Seed: 1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, row := range res.Cells {
		for _, c := range row {
			if c.Observed > 0 && c.SpaceLabel != res.SpaceBands[len(res.SpaceBands)-1].Label {
				fmt.Printf("%s, %s: %d pair(s)\n", c.SpaceLabel, c.TimeLabel, c.Observed)
			}
		}
	}
	// Output:
	// 0 < d < 100 m, 0 ≤ Δt < 3 days: 1 pair(s)
	// 100 ≤ d < 200 m, 0 ≤ Δt < 3 days: 1 pair(s)
	// 100 ≤ d < 200 m, 3 ≤ Δt < 7 days: 1 pair(s)
}
