package compstat

import (
	"math"
	"sort"
	"time"

	"github.com/oas-atalaya/atalaya"
)

// DayCount is the count of one day. Days without a DayCount count as zero
// once the series has begun: a series begins on its earliest day, so a
// caller whose data start on a quiet day includes that day with count 0.
type DayCount struct {
	Day   time.Time
	Count int
}

// Period is a span of whole days, both ends included.
type Period struct {
	Name     string
	From, To time.Time
}

// Days returns the number of days in p.
func (p Period) Days() int { return int(p.To.Sub(p.From).Hours()/24+0.5) + 1 }

// Change compares a window's count with a baseline window's.
type Change struct {
	Period  Period
	Count   int      // the baseline count
	Change  int      // current − baseline
	Percent *float64 // 100·change/baseline; nil when the baseline is 0
	// Test is the exact test of the two rates, with the numbers of days as
	// exposures (so a leap day is accounted for); nil when both counts are
	// zero or the baseline lies before the start of the data.
	Test    *RateRatio
	Reading Reading
	Q       float64 // Benjamini–Hochberg adjusted p-value (CompareTable); P otherwise
}

// Comparison is one row of a CompStat report: a window ending on the
// report date against the window just before and the same window a year
// earlier. A baseline (or the window itself) that begins before the data
// is read as NoData and not tested.
type Comparison struct {
	Window     string // "7d", "28d" or "ytd" (by day); "1m", "3m" or "ytd" (by month)
	Period     Period
	Current    int
	Previous   int
	LastYear   int
	VsPrevious Change
	VsLastYear Change
	Reading    Reading // of VsLastYear
}

// Compare builds the CompStat comparisons of a daily series on asOf (the
// last day included): the last 7 days, the last 28 days and the year to
// date, each against the window just before it and against the same
// window a year earlier. For 7 and 28 days "a year earlier" is 364 days
// (52 weeks) earlier, so that weekdays line up; for the year to date it is
// 1 January to the same date of the previous year (28 February for 29
// February). Each change is tested with RateRatioTest at level 1 − alpha
// and read as a significant increase, a significant decrease or noise.
func Compare(series []DayCount, asOf time.Time, alpha float64) ([]Comparison, error) {
	counts, first, err := dayMap(series)
	if err != nil {
		return nil, err
	}
	if !(alpha > 0 && alpha < 1) {
		return nil, atalaya.Errorf(atalaya.EINVALID, "alpha must lie strictly between 0 and 1 (got %g)", alpha)
	}
	if asOf.IsZero() {
		return nil, atalaya.Errorf(atalaya.EINVALID, "the report date is missing")
	}
	end := day(asOf)
	sum := func(p Period) (int, bool) {
		if p.From.Before(first) {
			return 0, false
		}
		n := 0
		for d := p.From; !d.After(p.To); d = d.AddDate(0, 0, 1) {
			n += counts[d]
		}
		return n, true
	}
	var out []Comparison
	for _, w := range []int{7, 28} {
		cur := Period{"current", end.AddDate(0, 0, 1-w), end}
		prev := Period{"previous", cur.From.AddDate(0, 0, -w), cur.From.AddDate(0, 0, -1)}
		ly := Period{"last year", cur.From.AddDate(0, 0, -364), end.AddDate(0, 0, -364)}
		out = append(out, compare(map[int]string{7: "7d", 28: "28d"}[w], cur, prev, ly, sum, alpha))
	}
	jan1 := time.Date(end.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	cur := Period{"current", jan1, end}
	prev := Period{"previous", jan1.AddDate(0, 0, -cur.Days()), jan1.AddDate(0, 0, -1)}
	lyEnd := time.Date(end.Year()-1, end.Month(), end.Day(), 0, 0, 0, 0, time.UTC)
	if lyEnd.Month() != end.Month() { // 29 February
		lyEnd = time.Date(end.Year()-1, 2, 28, 0, 0, 0, 0, time.UTC)
	}
	ly := Period{"last year", jan1.AddDate(-1, 0, 0), lyEnd}
	out = append(out, compare("ytd", cur, prev, ly, sum, alpha))
	return out, nil
}

// compare builds one Comparison from the three windows.
func compare(window string, cur, prev, ly Period, sum func(Period) (int, bool), alpha float64) Comparison {
	n, covered := sum(cur)
	c := Comparison{Window: window, Period: cur, Current: n}
	c.VsPrevious = change(n, cur, prev, sum, alpha)
	c.VsLastYear = change(n, cur, ly, sum, alpha)
	if !covered { // the window begins before the data: a partial count
		for _, ch := range []*Change{&c.VsPrevious, &c.VsLastYear} {
			ch.Test, ch.Percent, ch.Reading, ch.Q = nil, nil, NoData, 1
		}
	}
	c.Previous, c.LastYear = c.VsPrevious.Count, c.VsLastYear.Count
	c.Reading = c.VsLastYear.Reading
	return c
}

// change compares the current count with the baseline window's.
func change(n int, cur, base Period, sum func(Period) (int, bool), alpha float64) Change {
	b, ok := sum(base)
	ch := Change{Period: base, Count: b, Change: n - b, Reading: NoData, Q: 1}
	if !ok {
		return ch
	}
	if b > 0 {
		p := 100 * float64(n-b) / float64(b)
		ch.Percent = &p
	}
	if n == 0 && b == 0 {
		ch.Reading = Noise
		return ch
	}
	rr, err := RateRatioTest(n, b, float64(cur.Days()), float64(base.Days()), 1-alpha)
	if err != nil {
		return ch
	}
	ch.Test, ch.Q = &rr, rr.P
	ch.Reading = rr.Read(alpha)
	return ch
}

// dayMap sums a series by UTC calendar day and returns its first day.
func dayMap(series []DayCount) (map[time.Time]int, time.Time, error) {
	m := make(map[time.Time]int, len(series))
	var first time.Time
	for _, d := range series {
		if d.Count < 0 {
			return nil, first, atalaya.Errorf(atalaya.EINVALID, "counts must not be negative (%s has %d)", d.Day.Format(time.DateOnly), d.Count)
		}
		k := day(d.Day)
		m[k] += d.Count
		if first.IsZero() || k.Before(first) {
			first = k
		}
	}
	if len(series) == 0 {
		return nil, first, atalaya.Errorf(atalaya.EINVALID, "the series is empty")
	}
	return m, first, nil
}

// day returns the calendar day of t (in t's location) as midnight UTC.
func day(t time.Time) time.Time {
	y, mo, d := t.Date()
	return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
}

// Key names a row of a CompStat table.
type Key struct {
	Offence, Area string
}

// Row is the comparisons of one offence in one area.
type Row struct {
	Key
	Comparisons []Comparison
}

// CompareTable runs Compare for every series of a table and returns the
// rows sorted by offence and area. A table of many offences and areas
// shows about alpha × rows "significant" changes by chance alone, so each
// change also gets a Benjamini–Hochberg adjusted p-value Q, computed over
// the rows for each window and baseline; with fdr true the readings are
// taken from Q instead of P.
func CompareTable(series map[Key][]DayCount, asOf time.Time, alpha float64, fdr bool) ([]Row, error) {
	keys := make([]Key, 0, len(series))
	for k := range series {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Offence != keys[j].Offence {
			return keys[i].Offence < keys[j].Offence
		}
		return keys[i].Area < keys[j].Area
	})
	rows := make([]Row, 0, len(keys))
	for _, k := range keys {
		cs, err := Compare(series[k], asOf, alpha)
		if err != nil {
			return nil, atalaya.Errorf(atalaya.EINVALID, "%s in %s: %s", k.Offence, k.Area, atalaya.ErrorMessage(err))
		}
		rows = append(rows, Row{Key: k, Comparisons: cs})
	}
	if len(rows) == 0 {
		return rows, nil
	}
	for w := range rows[0].Comparisons {
		for _, pick := range []func(*Comparison) *Change{
			func(c *Comparison) *Change { return &c.VsPrevious },
			func(c *Comparison) *Change { return &c.VsLastYear },
		} {
			var tested []*Change
			for i := range rows {
				if ch := pick(&rows[i].Comparisons[w]); ch.Test != nil {
					tested = append(tested, ch)
				}
			}
			adjustBH(tested)
			if fdr {
				for _, ch := range tested {
					ch.Reading = RateRatio{Ratio: ch.Test.Ratio, P: ch.Q}.Read(alpha)
				}
				for i := range rows {
					rows[i].Comparisons[w].Reading = rows[i].Comparisons[w].VsLastYear.Reading
				}
			}
		}
	}
	return rows, nil
}

// adjustBH sets Q to the Benjamini–Hochberg adjusted p-values of the
// tests (R's p.adjust(p, "BH")).
func adjustBH(chs []*Change) {
	m := len(chs)
	idx := make([]int, m)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return chs[idx[a]].Test.P > chs[idx[b]].Test.P })
	q := 1.0
	for r, i := range idx {
		rank := m - r
		q = math.Min(q, chs[i].Test.P*float64(m)/float64(rank))
		chs[i].Q = q
	}
}
