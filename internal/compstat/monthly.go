package compstat

import (
	"time"

	"github.com/oas-atalaya/atalaya"
)

// CompareMonths is Compare for a monthly series: monthly[i] is the count of
// the i-th month from start, and the report is on the month asOf (its
// last month included). The windows are the month ("1m"), the last three
// months ("3m") and the year to date ("ytd"), each against the window
// just before and the same months a year earlier; the numbers of days are
// the exposures, so February is not mistaken for a drop.
func CompareMonths(monthly []int, start, asOf time.Time, alpha float64) ([]Comparison, error) {
	if len(monthly) == 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "the series is empty")
	}
	if !(alpha > 0 && alpha < 1) {
		return nil, atalaya.Errorf(atalaya.EINVALID, "alpha must lie strictly between 0 and 1 (got %g)", alpha)
	}
	for i, v := range monthly {
		if v < 0 {
			return nil, atalaya.Errorf(atalaya.EINVALID, "counts must not be negative (month %d has %d)", i+1, v)
		}
	}
	first := monthOf(start)
	last := monthIndex(first, monthOf(asOf))
	if last < 0 || last >= len(monthly) {
		return nil, atalaya.Errorf(atalaya.EINVALID, "the report month %s is outside the series (%s, %d months)",
			asOf.Format("2006-01"), first.Format("2006-01"), len(monthly))
	}
	// sum counts months from index a to b; it is not covered before the
	// first month.
	sum := func(p Period) (int, bool) {
		a, b := monthIndex(first, p.From), monthIndex(first, p.To)
		if a < 0 {
			return 0, false
		}
		n := 0
		for i := a; i <= b; i++ {
			n += monthly[i]
		}
		return n, true
	}
	end := first.AddDate(0, last, 0)
	window := func(from, to time.Time, name string) Period {
		return Period{name, from, to.AddDate(0, 1, -1)}
	}
	var out []Comparison
	for _, w := range []struct {
		name   string
		months int
	}{{"1m", 1}, {"3m", 3}, {"ytd", int(end.Month())}} {
		from := end.AddDate(0, 1-w.months, 0)
		cur := window(from, end, "current")
		prev := window(from.AddDate(0, -w.months, 0), end.AddDate(0, -w.months, 0), "previous")
		ly := window(from.AddDate(-1, 0, 0), end.AddDate(-1, 0, 0), "last year")
		out = append(out, compare(w.name, cur, prev, ly, sum, alpha))
	}
	return out, nil
}

// monthOf returns the first day of t's month, UTC.
func monthOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// monthIndex returns the number of months from first to t's month.
func monthIndex(first, t time.Time) int {
	return (t.Year()-first.Year())*12 + int(t.Month()) - int(first.Month())
}
