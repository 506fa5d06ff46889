package cli

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya/internal/compstat"
	"github.com/oas-atalaya/atalaya/internal/spatial"
)

func runAnalyseCompare(ctx context.Context, env *Env, args []string) error {
	fs := analyseFlags(env, "compare", "compare --csv FILE --date COL [--count COL] [--by COL[,COL]] --as-of YYYY-MM-DD\n\n"+
		"A CompStat table: the last 7 days, the last 28 days and the year to date ending on --as-of, each\n"+
		"against the same window a year earlier (364 days for 7 and 28 days, so weekdays line up) and the\n"+
		"window just before, with the exact conditional test of R's poisson.test (days as exposures), so that\n"+
		"noise is not reported as a trend. Each row of FILE is an incident, or with --count a count for its date.\n"+
		"With --by, one row per group (at most two columns: offence and area), with Benjamini–Hochberg q-values.\n"+
		"Monthly data: --month COL (YYYY-MM, or YEAR,MONTH columns) instead of --date compares the month, the last\n"+
		"3 months and the year to date ending on --as-of YYYY-MM with the same months a year earlier.")
	in := addInputFlags(fs, env)
	dateCol := fs.String("date", "", "column of dates (times are ignored)")
	monthCol := fs.String("month", "", "instead of --date: a column of months (YYYY-MM) or YEAR,MONTH columns, for monthly counts")
	dateFmt := fs.String("date-format", "", "date format, e.g. DD/MM/YYYY or MM/DD/YYYY hh:mm:ss AM (default: detected)")
	countCol := fs.String("count", "", "column of counts per row (default: each row counts 1)")
	by := fs.String("by", "", "group by one or two columns (offence[,area]), comma-separated")
	asOf := fs.String("as-of", "", "the report date, the last day included (YYYY-MM-DD; default: the last date in the data)")
	alpha := fs.Float64("alpha", 0.05, "significance level of the tests")
	fdr := fs.Bool("fdr", false, "with --by, read significance from the Benjamini–Hochberg q-values instead of p")
	of := addOutputFlags(fs, "comparisons")
	if _, err := parseAnalyseFlags(fs, args, 0); err != nil {
		return err
	}
	if *monthCol != "" && *dateCol != "" {
		return usageErr("give --date (daily data) or --month (monthly data), not both")
	}
	if *monthCol == "" {
		if err := need("date", *dateCol); err != nil {
			return err
		}
	}
	if *alpha <= 0 || *alpha >= 1 {
		return usageErr("--alpha %g must lie between 0 and 1", *alpha)
	}
	d, err := in.read()
	if err != nil {
		return err
	}
	cc := -1
	if *countCol != "" {
		if cc, err = d.col("count", *countCol); err != nil {
			return err
		}
	}
	byCols := splitComma(*by)
	if len(byCols) > 2 {
		return usageErr("--by takes at most two columns (offence and area)")
	}
	var bc []int
	for _, b := range byCols {
		c, err := d.col("by", b)
		if err != nil {
			return err
		}
		bc = append(bc, c)
	}
	if *monthCol != "" {
		return compareMonthly(env, of, d, *monthCol, cc, bc, byCols, *asOf, *alpha, *fdr)
	}
	dates, err := d.dateColumn("date", *dateCol, *dateFmt)
	if err != nil {
		return err
	}
	type acc map[time.Time]int
	series := map[compstat.Key]acc{}
	var first, last time.Time
	for i := range d.rows {
		day := time.Date(dates[i].Year(), dates[i].Month(), dates[i].Day(), 0, 0, 0, 0, time.UTC)
		n := 1
		if cc >= 0 {
			v, err := d.count(i, cc)
			if err != nil {
				return err
			}
			n = int(v)
		}
		var k compstat.Key
		if len(bc) > 0 {
			k.Offence = strings.TrimSpace(d.rows[i][bc[0]])
		}
		if len(bc) > 1 {
			k.Area = strings.TrimSpace(d.rows[i][bc[1]])
		}
		if series[k] == nil {
			series[k] = acc{}
		}
		series[k][day] += n
		if first.IsZero() || day.Before(first) {
			first = day
		}
		if day.After(last) {
			last = day
		}
	}
	at := last
	if *asOf != "" {
		if at, err = time.Parse("2006-01-02", *asOf); err != nil {
			return usageErr("--as-of %q is not a date YYYY-MM-DD", *asOf)
		}
	}
	if at.Before(first) {
		return usageErr("--as-of %s is before the first date in the data (%s)", at.Format("2006-01-02"), first.Format("2006-01-02"))
	}
	tab := map[compstat.Key][]compstat.DayCount{}
	for k, m := range series {
		// Every series starts on the data's first day, so a group that
		// was quiet at first is not read as "no data".
		dc := []compstat.DayCount{{Day: first}}
		for day, n := range m {
			if day.Equal(first) {
				dc[0].Count += n
				continue
			}
			dc = append(dc, compstat.DayCount{Day: day, Count: n})
		}
		sort.Slice(dc, func(i, j int) bool { return dc[i].Day.Before(dc[j].Day) })
		tab[k] = dc
	}
	rows, err := compstat.CompareTable(tab, at, *alpha, *fdr)
	if err != nil {
		return err
	}
	r := &analysisReport{Title: "CompStat comparison as of " + at.Format("2006-01-02")}
	r.add("data from", first.Format("2006-01-02"))
	r.add("data to", last.Format("2006-01-02"))
	r.add("rows read", len(d.rows))
	r.add("test", fmt.Sprintf("exact conditional (poisson.test), alpha %g", *alpha))
	t := r.newTable("comparisons", "Windows against the same window a year earlier and the window before", compareCols(byCols)...)
	for _, row := range rows {
		for _, c := range row.Comparisons {
			t.add(compareRow(row.Key, len(bc), c)...)
		}
	}
	r.Notes = append(r.Notes, "7d and 28d compare with the same weekdays 364 days earlier; ytd with 1 January to the same date of the previous year.",
		"rate_ratio is (count/days) ÷ (last year's count/days), with its exact interval; a reading of noise means the test cannot tell the change from chance.")
	return emit(env, of, r)
}

func runAnalyseRateTest(ctx context.Context, env *Env, args []string) error {
	fs := analyseFlags(env, "ratetest", "ratetest X1 X2 [--t1 T1 --t2 T2] [--conf 0.95]\n\n"+
		"Exact test that two Poisson counts have the same rate, as R's poisson.test(c(X1, X2), c(T1, T2)):\n"+
		"rate ratio (X1/T1)/(X2/T2), its exact interval and the two-sided p-value.")
	t1 := fs.Float64("t1", 1, "exposure of X1 (days, person-years, population)")
	t2 := fs.Float64("t2", 1, "exposure of X2")
	conf := fs.Float64("conf", 0.95, "confidence level")
	of := addOutputFlags(fs, "summary")
	pos, err := parseAnalyseFlags(fs, args, 2)
	if err != nil {
		return err
	}
	var x [2]int
	for i, s := range pos {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v < 0 {
			return usageErr("count %q is not a whole number ≥ 0", s)
		}
		x[i] = v
	}
	rr, err := compstat.RateRatioTest(x[0], x[1], *t1, *t2, *conf)
	if err != nil {
		return err
	}
	r := &analysisReport{Title: "Exact Poisson rate-ratio test"}
	r.add("x1", x[0])
	r.add("t1", *t1)
	r.add("x2", x[1])
	r.add("t2", *t2)
	r.add("rate ratio", rr.Ratio)
	r.add(fmt.Sprintf("%g%% interval low", *conf*100), rr.Low)
	r.add(fmt.Sprintf("%g%% interval high", *conf*100), rr.High)
	r.add("p-value", rr.P)
	r.add("reading", string(rr.Read(1-*conf)))
	return emit(env, of, r)
}

// regularSeries reads a time column and a value column as a series sorted
// by period without gaps.
func regularSeries(d *dataFile, timeSpec, valueCol string, counts bool) (keys []int, kind int, y []float64, err error) {
	keys, kind, err = d.periodColumn("time", timeSpec)
	if err != nil {
		return
	}
	vc, err := d.col("value", valueCol)
	if err != nil {
		return
	}
	order := make([]int, len(d.rows))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return keys[order[a]] < keys[order[b]] })
	sorted := make([]int, len(order))
	for j, i := range order {
		if j > 0 {
			a := order[j-1]
			if keys[a] == keys[i] {
				return nil, 0, nil, analyseErr("%s rows %d and %d have the same period %s; a series has one row per period", d.name, d.lines[a], d.lines[i], formatPeriod(keys[i], kind))
			}
			if keys[i] != keys[a]+1 {
				return nil, 0, nil, analyseErr("%s has a gap in its series: no row between %s (row %d) and %s (row %d)",
					d.name, formatPeriod(keys[a], kind), d.lines[a], formatPeriod(keys[i], kind), d.lines[i])
			}
		}
		var v float64
		if counts {
			v, err = d.count(i, vc)
		} else {
			v, err = d.num(i, vc)
		}
		if err != nil {
			return nil, 0, nil, err
		}
		y = append(y, v)
		sorted[j] = keys[i]
	}
	return sorted, kind, y, nil
}

func runAnalyseSTL(ctx context.Context, env *Env, args []string) error {
	fs := analyseFlags(env, "stl", "stl --csv FILE --time COL --value COL --period 12 [--swindow periodic|N] [--robust]\n\n"+
		"Seasonal-trend decomposition by loess (Cleveland et al. 1990), a port of R's stats::stl with its defaults:\n"+
		"value = seasonal + trend + remainder. The series must be regular, one row per period without gaps.")
	in := addInputFlags(fs, env)
	timeCol := fs.String("time", "", "column of periods (months YYYY-MM, whole numbers, or YEAR,MONTH columns)")
	valueCol := fs.String("value", "", "column of values")
	period := fs.Int("period", 12, "period of the seasonality, in time steps (12 for months, 4 for quarters)")
	sw := fs.String("swindow", "periodic", "seasonal window: periodic, or an odd number ≥ 7 (R's s.window)")
	robust := fs.Bool("robust", false, "robust fitting (R's robust = TRUE: inner 1, outer 15)")
	tw := fs.Int("twindow", 0, "trend window (R's t.window; 0: R's default)")
	sdeg := fs.Int("sdegree", 0, "degree of the seasonal loess, 0 or 1 (R's s.degree)")
	outer := fs.Int("outer", 0, "robustness iterations (R's outer; 0: R's default)")
	of := addOutputFlags(fs, "components")
	if _, err := parseAnalyseFlags(fs, args, 0); err != nil {
		return err
	}
	if err := need("time", *timeCol); err != nil {
		return err
	}
	if err := need("value", *valueCol); err != nil {
		return err
	}
	swin := 0
	if *sw != "periodic" {
		n, err := strconv.Atoi(*sw)
		if err != nil || n < 7 || n%2 == 0 {
			return usageErr("--swindow %q: use periodic or an odd number ≥ 7", *sw)
		}
		swin = n
	}
	d, err := in.read()
	if err != nil {
		return err
	}
	keys, kind, y, err := regularSeries(d, *timeCol, *valueCol, false)
	if err != nil {
		return err
	}
	opt := compstat.DefaultSTLOptions(swin)
	opt.Robust = *robust
	if *tw > 0 {
		opt.TWindow = *tw
	}
	if swin > 0 {
		opt.SDegree = *sdeg
	}
	if *outer > 0 {
		opt.Outer = *outer
	}
	dec, err := compstat.STL(y, *period, opt)
	if err != nil {
		return err
	}
	r := &analysisReport{Title: "STL decomposition"}
	r.add("periods", len(y))
	r.add("period", *period)
	if swin == 0 {
		r.add("s.window", "periodic")
	} else {
		r.add("s.window", swin)
	}
	o := dec.Options
	r.add("t.window", o.TWindow)
	r.add("l.window", o.LWindow)
	r.add("inner", o.Inner)
	r.add("outer", o.Outer)
	t := r.newTable("components", "Components", "period", "value", "seasonal", "trend", "remainder", "weight")
	for i := range y {
		t.add(formatPeriod(keys[i], kind), y[i], dec.Seasonal[i], dec.Trend[i], dec.Remainder[i], dec.Weights[i])
	}
	return emit(env, of, r)
}

func runAnalyseYoY(ctx context.Context, env *Env, args []string) error {
	fs := analyseFlags(env, "yoy", "yoy --csv FILE --time COL --value COL\n\n"+
		"Each month against the same month a year earlier, with the rolling 12-month sum and, for counts, the\n"+
		"exact test of the two months' rates (their numbers of days as exposures).")
	in := addInputFlags(fs, env)
	timeCol := fs.String("time", "", "column of months (YYYY-MM) or YEAR,MONTH columns")
	valueCol := fs.String("value", "", "column of monthly counts")
	of := addOutputFlags(fs, "months")
	if _, err := parseAnalyseFlags(fs, args, 0); err != nil {
		return err
	}
	if err := need("time", *timeCol); err != nil {
		return err
	}
	d, err := in.read()
	if err != nil {
		return err
	}
	keys, kind, y, err := regularSeries(d, *timeCol, *valueCol, false)
	if err != nil {
		return err
	}
	if kind != periodMonth {
		return analyseErr("%s: --time must hold months (YYYY-MM) or be YEAR,MONTH columns", d.name)
	}
	start := time.Date(keys[0]/12, time.Month(keys[0]%12+1), 1, 0, 0, 0, 0, time.UTC)
	res := compstat.YearOverYear(y, start)
	r := &analysisReport{Title: "Year over year"}
	t := r.newTable("months", "Months against the same month a year earlier", "month", "count", "last_year", "change", "pct", "rolling12", "rate_ratio", "p", "reading")
	for _, m := range res {
		row := []any{m.Month.Format("2006-01"), m.Count, m.LastYear, m.Change, m.Percent, m.Rolling12}
		if m.Test != nil {
			row = append(row, m.Test.Ratio, m.Test.P, string(m.Test.Read(0.05)))
		} else {
			row = append(row, nil, nil, "")
		}
		t.add(row...)
	}
	return emit(env, of, r)
}

// compareMonthly is `analyse compare --month`: CompareMonths for each group,
// with Benjamini–Hochberg q-values over the groups for each window.
func compareMonthly(env *Env, of outputFlags, d *dataFile, monthSpec string, cc int, bc []int, byCols []string, asOf string, alpha float64, fdr bool) error {
	keys, kind, err := d.periodColumn("month", monthSpec)
	if err != nil {
		return err
	}
	if kind != periodMonth {
		return analyseErr("%s: --month must hold months (YYYY-MM) or be YEAR,MONTH columns", d.name)
	}
	series := map[compstat.Key]map[int]int{}
	first, last := keys[0], keys[0]
	for i := range d.rows {
		n := 1
		if cc >= 0 {
			v, err := d.count(i, cc)
			if err != nil {
				return err
			}
			n = int(v)
		}
		var k compstat.Key
		if len(bc) > 0 {
			k.Offence = strings.TrimSpace(d.rows[i][bc[0]])
		}
		if len(bc) > 1 {
			k.Area = strings.TrimSpace(d.rows[i][bc[1]])
		}
		if series[k] == nil {
			series[k] = map[int]int{}
		}
		series[k][keys[i]] += n
		first, last = min(first, keys[i]), max(last, keys[i])
	}
	at := last
	if asOf != "" {
		k, kd, err := parsePeriod(asOf)
		if err != nil || kd != periodMonth {
			return usageErr("--as-of %q: with --month give a month YYYY-MM", asOf)
		}
		at = k
	}
	if at < first || at > last {
		return usageErr("--as-of %s is outside the data (%s to %s)", formatPeriod(at, kind), formatPeriod(first, kind), formatPeriod(last, kind))
	}
	month := func(k int) time.Time { return time.Date(k/12, time.Month(k%12+1), 1, 0, 0, 0, 0, time.UTC) }
	type row struct {
		key compstat.Key
		cmp []compstat.Comparison
	}
	var rows []row
	for _, k := range sortedKeyList(series) {
		m := make([]int, last-first+1)
		for p, n := range series[k] {
			m[p-first] = n
		}
		c, err := compstat.CompareMonths(m, month(first), month(at), alpha)
		if err != nil {
			return err
		}
		rows = append(rows, row{k, c})
	}
	// Benjamini–Hochberg over the groups, per window and baseline.
	for w := range rows[0].cmp {
		for _, which := range []int{0, 1} {
			var p []float64
			for _, r := range rows {
				ch := r.cmp[w].VsLastYear
				if which == 1 {
					ch = r.cmp[w].VsPrevious
				}
				if ch.Test != nil {
					p = append(p, ch.Test.P)
				} else {
					p = append(p, math.NaN())
				}
			}
			q := spatial.BenjaminiHochberg(p)
			for i := range rows {
				ch := &rows[i].cmp[w].VsLastYear
				if which == 1 {
					ch = &rows[i].cmp[w].VsPrevious
				}
				if ch.Test == nil {
					continue
				}
				ch.Q = q[i]
				if fdr {
					ch.Reading = compstat.Noise
					if q[i] < alpha {
						ch.Reading = map[bool]compstat.Reading{true: compstat.Increase, false: compstat.Decrease}[ch.Test.Ratio > 1]
					}
				}
			}
		}
	}
	r := &analysisReport{Title: "CompStat comparison (monthly) as of " + formatPeriod(at, kind)}
	r.add("data from", formatPeriod(first, kind))
	r.add("data to", formatPeriod(last, kind))
	r.add("rows read", len(d.rows))
	r.add("test", fmt.Sprintf("exact conditional (poisson.test) with days as exposures, alpha %g", alpha))
	t := r.newTable("comparisons", "Windows against the same months a year earlier and the months before", compareCols(byCols)...)
	for _, x := range rows {
		for _, c := range x.cmp {
			t.add(compareRow(x.key, len(bc), c)...)
		}
	}
	r.Notes = append(r.Notes, "1m is the month, 3m the last three months, ytd January to the report month; months without rows count 0.")
	return emit(env, of, r)
}

func sortedKeyList[V any](m map[compstat.Key]V) []compstat.Key {
	k := make([]compstat.Key, 0, len(m))
	for x := range m {
		k = append(k, x)
	}
	sort.Slice(k, func(i, j int) bool {
		if k[i].Offence != k[j].Offence {
			return k[i].Offence < k[j].Offence
		}
		return k[i].Area < k[j].Area
	})
	return k
}

func compareCols(byCols []string) []string {
	cols := append([]string{}, byCols...)
	return append(cols, "window", "from", "to", "count", "last_year", "change", "pct", "rate_ratio", "rr_low", "rr_high", "p", "q", "reading",
		"previous", "prev_change", "prev_pct", "prev_p", "prev_reading")
}

func compareRow(k compstat.Key, nby int, c compstat.Comparison) []any {
	var v []any
	if nby > 0 {
		v = append(v, k.Offence)
	}
	if nby > 1 {
		v = append(v, k.Area)
	}
	ly, pv := c.VsLastYear, c.VsPrevious
	v = append(v, c.Window, c.Period.From.Format("2006-01-02"), c.Period.To.Format("2006-01-02"), c.Current, c.LastYear, ly.Change, ly.Percent)
	if ly.Test != nil {
		v = append(v, ly.Test.Ratio, ly.Test.Low, ly.Test.High, ly.Test.P, ly.Q)
	} else {
		v = append(v, nil, nil, nil, nil, nil)
	}
	v = append(v, string(ly.Reading), c.Previous, pv.Change, pv.Percent)
	if pv.Test != nil {
		v = append(v, pv.Test.P)
	} else {
		v = append(v, nil)
	}
	return append(v, string(pv.Reading))
}
