package compstat

import (
	"math"
	"time"
)

// YoY compares one month with the same month a year earlier.
type YoY struct {
	Month     time.Time // first day of the month
	Count     float64
	LastYear  float64
	Change    float64
	Percent   *float64 // nil when LastYear is 0
	Rolling12 *float64 // sum of the 12 months ending here; nil for the first 11
	// Test is the exact test of the two months' rates with their numbers
	// of days as exposures, when both counts are whole and not both zero.
	Test *RateRatio
}

// YearOverYear compares each month of a monthly series from its 13th
// month on with the same month a year earlier, and gives the rolling
// 12-month sum next to it, which analysts read as a seasonally neutral
// trend. start is the month of monthly[0]. Tests are at the 95% level.
// Values that are negative or not finite give no test.
func YearOverYear(monthly []float64, start time.Time) []YoY {
	first := monthOf(start)
	var out []YoY
	roll := 0.0
	for i, v := range monthly {
		roll += v
		if i >= 12 {
			roll -= monthly[i-12]
		}
		if i < 12 {
			continue
		}
		m := first.AddDate(0, i, 0)
		y := YoY{Month: m, Count: v, LastYear: monthly[i-12], Change: v - monthly[i-12]}
		if y.LastYear != 0 {
			p := 100 * y.Change / y.LastYear
			y.Percent = &p
		}
		r := roll
		y.Rolling12 = &r
		if whole(v) && whole(y.LastYear) && v+y.LastYear > 0 {
			d1 := float64(m.AddDate(0, 1, -1).Day())
			d2 := float64(m.AddDate(-1, 1, -1).Day())
			if rr, err := RateRatioTest(int(v), int(y.LastYear), d1, d2, 0.95); err == nil {
				y.Test = &rr
			}
		}
		out = append(out, y)
	}
	return out
}

// whole reports whether v is a count a test can use.
func whole(v float64) bool {
	return v >= 0 && v < 1<<31 && v == math.Trunc(v)
}
