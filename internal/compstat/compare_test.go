package compstat_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/compstat"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// daily returns a series from 2023-01-01 to 2024-03-31 with count f(day).
func daily(f func(time.Time) int) []compstat.DayCount {
	var s []compstat.DayCount
	for d := date(2023, 1, 1); !d.After(date(2024, 3, 31)); d = d.AddDate(0, 0, 1) {
		s = append(s, compstat.DayCount{Day: d, Count: f(d)})
	}
	return s
}

func TestCompare(t *testing.T) {
	// 2 a day in 2023, 3 a day in 2024: a 50% rise.
	s := daily(func(d time.Time) int {
		if d.Year() == 2024 {
			return 3
		}
		return 2
	})
	got, err := compstat.Compare(s, date(2024, 2, 29), 0.05)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		window                   string
		current, previous, last  int
		days, prevDays, lastDays int
		reading, prevReading     compstat.Reading
		ratio                    float64
	}{
		{"7d", 21, 21, 14, 7, 7, 7, compstat.Noise, compstat.Noise, 1.5},
		{"28d", 84, 84, 56, 28, 28, 28, compstat.Increase, compstat.Noise, 1.5},
		// 1 Jan – 29 Feb 2024 (60 days) against 1 Jan – 28 Feb 2023 (59)
		{"ytd", 180, 120, 118, 60, 60, 59, compstat.Increase, compstat.Increase, 1.5},
	}
	for i, w := range want {
		c := got[i]
		if c.Window != w.window || c.Current != w.current || c.Previous != w.previous || c.LastYear != w.last {
			t.Errorf("Compare[%d] = %s %d/%d/%d; want %s %d/%d/%d", i, c.Window, c.Current, c.Previous, c.LastYear, w.window, w.current, w.previous, w.last)
		}
		if c.Period.Days() != w.days || c.VsPrevious.Period.Days() != w.prevDays || c.VsLastYear.Period.Days() != w.lastDays {
			t.Errorf("%s: days %d/%d/%d; want %d/%d/%d", w.window, c.Period.Days(), c.VsPrevious.Period.Days(), c.VsLastYear.Period.Days(), w.days, w.prevDays, w.lastDays)
		}
		if c.Reading != w.reading || c.VsPrevious.Reading != w.prevReading {
			t.Errorf("%s: readings %q, %q; want %q, %q", w.window, c.Reading, c.VsPrevious.Reading, w.reading, w.prevReading)
		}
		if r := c.VsLastYear.Test.Ratio; math.Abs(r-w.ratio) > 1e-12 {
			t.Errorf("%s: rate ratio vs last year %g; want %g", w.window, r, w.ratio)
		}
	}
	// ytd vs 2023: a 52.5% rise in counts, 50% in daily rates.
	if p := *got[2].VsLastYear.Percent; math.Abs(p-100*62.0/118) > 1e-9 {
		t.Errorf("ytd percent change = %g; want %g", p, 100*62.0/118)
	}
}

func TestCompare_NoData(t *testing.T) {
	s := []compstat.DayCount{{Day: date(2024, 1, 1)}, {Day: date(2024, 3, 10), Count: 4}}
	got, err := compstat.Compare(s, date(2024, 3, 31), 0.05)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range got {
		if c.VsLastYear.Reading != compstat.NoData || c.VsLastYear.Test != nil {
			t.Errorf("%s vs last year: %q; want %q with no test", c.Window, c.VsLastYear.Reading, compstat.NoData)
		}
	}
	if c := got[0]; c.Current != 0 || c.Previous != 0 || c.VsPrevious.Reading != compstat.Noise {
		t.Errorf("7d: %d vs %d read %q; want 0 vs 0 read as noise", c.Current, c.Previous, c.VsPrevious.Reading)
	}
	if c := got[1]; c.Current != 4 || c.VsPrevious.Test == nil || c.VsPrevious.Percent != nil {
		t.Errorf("28d: %+v; want 4 vs 0 tested, with no percent change", c.VsPrevious)
	}
}

func TestCompare_Invalid(t *testing.T) {
	ok := []compstat.DayCount{{Day: date(2024, 1, 1), Count: 1}}
	for name, c := range map[string]struct {
		s     []compstat.DayCount
		asOf  time.Time
		alpha float64
	}{
		"empty":    {nil, date(2024, 1, 1), 0.05},
		"negative": {[]compstat.DayCount{{Day: date(2024, 1, 1), Count: -1}}, date(2024, 1, 1), 0.05},
		"alpha":    {ok, date(2024, 1, 1), 0},
		"no date":  {ok, time.Time{}, 0.05},
	} {
		if _, err := compstat.Compare(c.s, c.asOf, c.alpha); atalaya.ErrorCode(err) != atalaya.EINVALID {
			t.Errorf("Compare(%s) error = %v; want code %s", name, err, atalaya.EINVALID)
		}
	}
}

func TestCompareTable(t *testing.T) {
	flat := daily(func(time.Time) int { return 2 })
	up := daily(func(d time.Time) int {
		if d.Year() == 2024 {
			return 3
		}
		return 2
	})
	rows, err := compstat.CompareTable(map[compstat.Key][]compstat.DayCount{
		{Offence: "robbery", Area: "north"}:  flat,
		{Offence: "burglary", Area: "south"}: up,
		{Offence: "burglary", Area: "north"}: flat,
	}, date(2024, 2, 29), 0.05, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].Area != "north" || rows[1].Area != "south" || rows[2].Offence != "robbery" {
		t.Fatalf("rows not sorted by offence and area: %+v", rows)
	}
	ytd := rows[1].Comparisons[2]
	if ytd.Reading != compstat.Increase || ytd.VsLastYear.Q < ytd.VsLastYear.Test.P {
		t.Errorf("burglary south ytd: %q, q %g, p %g; want an increase with q ≥ p", ytd.Reading, ytd.VsLastYear.Q, ytd.VsLastYear.Test.P)
	}
}

func TestCompareMonths(t *testing.T) {
	// Mexico's homicide victims: June 2025 against June 2024, etc.
	header, rows := readGolden(t, "testdata/mexico_homicide_monthly.csv")
	c := column(header)
	y := make([]int, len(rows))
	for i, r := range rows {
		y[i] = int(num(t, r[c["victims"]]))
	}
	got, err := compstat.CompareMonths(y, date(2015, 1, 1), date(2025, 6, 1), 0.05)
	if err != nil {
		t.Fatal(err)
	}
	// Checked by hand against the file: H1 2025 = 12,752 (PROVENANCE.md).
	ytd := got[2]
	if ytd.Window != "ytd" || ytd.Current != 12752 || ytd.Period.Days() != 181 || ytd.Reading != compstat.Decrease {
		t.Errorf("ytd = %s %d over %d days, %q; want ytd 12752 over 181 days, a decrease", ytd.Window, ytd.Current, ytd.Period.Days(), ytd.Reading)
	}
	if got[0].Period.Days() != 30 || got[0].VsPrevious.Period.Days() != 31 {
		t.Errorf("1m windows: %d and %d days; want 30 (June) and 31 (May)", got[0].Period.Days(), got[0].VsPrevious.Period.Days())
	}
	if _, err := compstat.CompareMonths(y, date(2015, 1, 1), date(2030, 1, 1), 0.05); atalaya.ErrorCode(err) != atalaya.EINVALID {
		t.Errorf("CompareMonths(after the end) error = %v; want %s", err, atalaya.EINVALID)
	}
}

func TestYearOverYear(t *testing.T) {
	m := []float64{10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 9, 11, 20, 6, 9}
	got := compstat.YearOverYear(m, date(2023, 1, 1))
	if len(got) != 3 {
		t.Fatalf("YearOverYear gives %d months; want 3", len(got))
	}
	jan := got[0]
	if !jan.Month.Equal(date(2024, 1, 1)) || jan.Change != 10 || *jan.Percent != 100 || *jan.Rolling12 != 136 {
		t.Errorf("January 2024 = %+v; want +10, +100%%, rolling 136", jan)
	}
	// February 2024 has 29 days against 28: the rate ratio is 6/29 ÷ 12/28.
	if feb := got[1]; math.Abs(feb.Test.Ratio-(6.0/29)/(12.0/28)) > 1e-12 {
		t.Errorf("February rate ratio = %g; want %g", feb.Test.Ratio, (6.0/29)/(12.0/28))
	}
	if got[2].Test.P != 1 || *got[2].Percent != 0 {
		t.Errorf("March 2024, 9 vs 9: %+v; want no change, p = 1", got[2])
	}
}

func ExampleCompare() {
	// Burglaries: 3 a day in 2023, then 4 a day from 2024.
	var s []compstat.DayCount
	for d := date(2023, 1, 1); !d.After(date(2024, 3, 31)); d = d.AddDate(0, 0, 1) {
		n := 3
		if d.Year() == 2024 {
			n = 4
		}
		s = append(s, compstat.DayCount{Day: d, Count: n})
	}
	cs, err := compstat.Compare(s, date(2024, 3, 31), 0.05)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cs {
		fmt.Printf("%-3s %4d vs %4d a year earlier (%+.0f%%, p = %.2g): %s\n",
			c.Window, c.Current, c.LastYear, *c.VsLastYear.Percent, c.VsLastYear.Test.P, c.Reading)
	}
	// Output:
	// 7d    28 vs   21 a year earlier (+33%, p = 0.39): no significant change (noise)
	// 28d  112 vs   84 a year earlier (+33%, p = 0.054): no significant change (noise)
	// ytd  364 vs  270 a year earlier (+35%, p = 0.00034): significant increase
}
