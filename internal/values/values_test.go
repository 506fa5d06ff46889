package values

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/indicator"
	"github.com/oas-atalaya/atalaya/internal/stats"
)

const (
	police = atalaya.SourcePolice
	health = atalaya.SourceHealth
	victim = atalaya.UnitVictim
)

var t0 = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func catalogueOnce() (*indicator.Catalogue, error) { return indicator.Default() }

func catalogue(t *testing.T) *indicator.Catalogue {
	t.Helper()
	cat, err := indicator.Default()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// basic: three states, 2023 monthly police data (state 03 misses
// November and December), health data annual, populations by sex.
func basic() *fakeStore {
	f := &fakeStore{areas: mexicoAreas(), version: 1}
	var cells []atalaya.CubeCell
	for m := 1; m <= 12; m++ {
		per := "2023-" + twoDigits(m)
		cells = append(cells,
			cell("MEX-01", per, "0101", "M", "18-29", "firearm", police, victim, 10),
			cell("MEX-01", per, "0101", "F", "30-59", "sharp", police, victim, 2),
			cell("MEX-02", per, "0101", "M", "U", "U", police, victim, 3),
		)
		if m <= 10 {
			cells = append(cells, cell("MEX-03", per, "0101", "F", "18-29", "firearm", police, victim, 1))
		}
		if m == 1 {
			cells = append(cells, cell("MEX-02", per, "0101", "U", "U", "firearm", police, victim, 1))
		}
	}
	cells = append(cells,
		cell("MEX-01", "2023", "0101", "T", "T", "T", health, victim, 150),
		cell("MEX-02", "2023", "0101", "T", "T", "T", health, victim, 40),
	)
	f.cells = rollup(cells)
	for _, p := range []struct {
		area    string
		t, w, m int64
	}{{"MEX", 3000000, 1550000, 1450000}, {"MEX-01", 1000000, 510000, 490000}, {"MEX-02", 1200000, 620000, 580000}, {"MEX-03", 800000, 420000, 380000}} {
		f.pops = append(f.pops,
			atalaya.Population{Area: p.area, Year: 2023, Sex: "T", AgeBand: "T", Value: p.t},
			atalaya.Population{Area: p.area, Year: 2023, Sex: "F", AgeBand: "T", Value: p.w},
			atalaya.Population{Area: p.area, Year: 2023, Sex: "M", AgeBand: "T", Value: p.m})
	}
	return f
}

func twoDigits(m int) string { return string([]byte{byte('0' + m/10), byte('0' + m%10)}) }

func query(t *testing.T, f *fakeStore, q Query) []atalaya.Value {
	t.Helper()
	e := New(f, catalogue(t), func() time.Time { return t0 })
	res, err := e.Values(context.Background(), q)
	if err != nil {
		t.Fatalf("%+v: %v", q, err)
	}
	return res.Values
}

func find(t *testing.T, vals []atalaya.Value, area, per string, match func(atalaya.Value) bool) atalaya.Value {
	t.Helper()
	for _, v := range vals {
		if v.Area == area && v.Period == per && (match == nil || match(v)) {
			return v
		}
	}
	t.Fatalf("no value for %s %s in %+v", area, per, vals)
	return atalaya.Value{}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

func TestRateUsesPreferredSourceAndGarwood(t *testing.T) {
	f := basic()
	vals := query(t, f, Query{Indicator: "homicide-rate", Areas: []string{"MEX"}, Children: true, From: "2023", To: "2023"})
	if len(vals) != 4 {
		t.Fatalf("got %d values, want 4", len(vals))
	}
	v := find(t, vals, "MEX-01", "2023", nil)
	if v.SourceType != police || *v.Count != 144 || *v.Denominator != 1000000 {
		t.Fatalf("MEX-01 = %s %v/%v, want police 144/1000000", v.SourceType, *v.Count, *v.Denominator)
	}
	rate, lo, hi, _ := stats.RateCI(144, 1000000, 1e5, 0.95)
	if !near(*v.Rate, rate) || !near(*v.CILow, lo) || !near(*v.CIHigh, hi) {
		t.Fatalf("rate %v [%v, %v], want %v [%v, %v]", *v.Rate, *v.CILow, *v.CIHigh, rate, lo, hi)
	}
	if !v.HasFlag(atalaya.FlagProvisional) || v.Status != atalaya.StatusPreliminary {
		t.Fatalf("unpublished value: status %s flags %v", v.Status, v.Flags)
	}
	if v.Months != 12 || v.HasFlag(atalaya.FlagPartialPeriod) {
		t.Fatalf("MEX-01 months %d flags %v", v.Months, v.Flags)
	}
	// State 03 misses two months: partial, and the nation's coverage is full
	// (every state reports in the year).
	v3 := find(t, vals, "MEX-03", "2023", nil)
	if v3.Months != 10 || !v3.HasFlag(atalaya.FlagPartialPeriod) || !v3.HasFlag(atalaya.FlagSmallCount) {
		t.Fatalf("MEX-03 months %d flags %v", v3.Months, v3.Flags)
	}
	mex := find(t, vals, "MEX", "2023", nil)
	if *mex.Count != 144+37+10 || mex.Coverage == nil || *mex.Coverage != 1 {
		t.Fatalf("MEX count %v coverage %v", *mex.Count, mex.Coverage)
	}
	// In December only two of three states report.
	dec := query(t, f, Query{Indicator: "homicide-rate", Areas: []string{"MEX"}, From: "2023-12", To: "2023-12"})
	if c := dec[0].Coverage; c == nil || !near(*c, 2.0/3) || !dec[0].HasFlag(atalaya.FlagCoverage) {
		t.Fatalf("MEX 2023-12 coverage %v flags %v", c, dec[0].Flags)
	}
	if *dec[0].Denominator != 3000000 {
		t.Fatalf("a month's rate is over the year's population, not annualised: %v", *dec[0].Denominator)
	}
}

func TestSexSpecificDenominators(t *testing.T) {
	vals := query(t, basic(), Query{Indicator: "homicide-rate", Areas: []string{"MEX-01"}, From: "2023", To: "2023", By: "sex"})
	fem := find(t, vals, "MEX-01", "2023", func(v atalaya.Value) bool { return v.Sex == "F" })
	if *fem.Count != 24 || *fem.Denominator != 510000 {
		t.Fatalf("F = %v/%v, want 24/510000 (women)", *fem.Count, *fem.Denominator)
	}
	m := find(t, vals, "MEX-01", "2023", func(v atalaya.Value) bool { return v.Sex == "M" })
	if *m.Count != 120 || *m.Denominator != 490000 {
		t.Fatalf("M = %v/%v", *m.Count, *m.Denominator)
	}
	tot := find(t, vals, "MEX-01", "2023", func(v atalaya.Value) bool { return v.Sex == "T" })
	if *tot.Denominator != 1000000 {
		t.Fatalf("T denominator %v", *tot.Denominator)
	}
	// Victims of unknown sex are counted, without a rate.
	vals = query(t, basic(), Query{Indicator: "homicide-rate", Areas: []string{"MEX-02"}, From: "2023", To: "2023", By: "sex"})
	u := find(t, vals, "MEX-02", "2023", func(v atalaya.Value) bool { return v.Sex == "U" })
	if u.Count == nil || *u.Count != 1 || u.Rate != nil || u.NotAvailable == "" {
		t.Fatalf("U = %+v", u)
	}
}

func TestShareExcludesUnknownWeapon(t *testing.T) {
	vals := query(t, basic(), Query{Indicator: "firearm-homicide-share", Areas: []string{"MEX"}, From: "2023", To: "2023"})
	v := vals[0]
	// Firearm: 120 (MEX-01) + 1 (MEX-02 unknown sex) + 10 (MEX-03); known
	// weapon: 144 + 1 + 10; MEX-02's 36 victims of unknown weapon leave the
	// denominator.
	if *v.Count != 131 || *v.Denominator != 155 {
		t.Fatalf("share %v/%v, want 131/155", *v.Count, *v.Denominator)
	}
	lo, hi, _ := stats.ClopperPearson(131, 155, 0.95)
	if !near(*v.Rate, 100*131.0/155) || !near(*v.CILow, 100*lo) || !near(*v.CIHigh, 100*hi) {
		t.Fatalf("share %v [%v %v]", *v.Rate, *v.CILow, *v.CIHigh)
	}
}

func TestRatioBetweenSourceTypes(t *testing.T) {
	vals := query(t, basic(), Query{Indicator: "homicide-source-ratio", Areas: []string{"MEX-01", "MEX-02", "MEX-03"}, From: "2023", To: "2023"})
	v := find(t, vals, "MEX-01", "2023", nil)
	r, lo, hi, _ := stats.RateRatio(144, 1, 150, 1, 0.95)
	if *v.Count != 144 || *v.Denominator != 150 || !near(*v.Rate, r) || !near(*v.CILow, lo) || !near(*v.CIHigh, hi) {
		t.Fatalf("ratio %v/%v = %v [%v %v]", *v.Count, *v.Denominator, *v.Rate, *v.CILow, *v.CIHigh)
	}
	v3 := find(t, vals, "MEX-03", "2023", nil)
	if v3.Rate != nil || v3.NotAvailable == "" || !v3.HasFlag(atalaya.FlagNotAvailable) {
		t.Fatalf("no health source for MEX-03: %+v", v3)
	}
}

func TestNotAvailableNeverZero(t *testing.T) {
	f := basic()
	// Youth homicide needs 15-29; the police bands 18-29 fit, but there is
	// no population by age.
	vals := query(t, f, Query{Indicator: "youth-homicide-rate", Areas: []string{"MEX-01"}, From: "2023", To: "2023"})
	if v := vals[0]; v.Rate != nil || v.NotAvailable == "" {
		t.Fatalf("youth rate without age populations: %+v", v)
	}
	// A year with no source at all.
	vals = query(t, f, Query{Indicator: "homicide-rate", Areas: []string{"MEX-01"}, From: "2021", To: "2021"})
	if v := vals[0]; v.Count != nil || v.NotAvailable == "" {
		t.Fatalf("no data in 2021: %+v", v)
	}
	// A band that straddles 15-29.
	f.cells = append(f.cells, cell("MEX-02", "2023-03", "0101", "M", "0-17", "U", police, victim, 1))
	vals = query(t, f, Query{Indicator: "youth-homicide-rate", Areas: []string{"MEX-02"}, From: "2023", To: "2023"})
	if v := vals[0]; v.Count != nil || v.NotAvailable == "" {
		t.Fatalf("straddling band: %+v", v)
	}
}

func TestAggregatesAreSumsNotAverages(t *testing.T) {
	f := basic()
	vals := query(t, f, Query{Indicator: "homicide-rate", Areas: []string{"MEX-01", "MEX-02"}, From: "2023", To: "2023", Total: "area"})
	v := vals[0]
	if v.Area != "MEX-01+MEX-02" || *v.Count != 181 || *v.Denominator != 2200000 {
		t.Fatalf("aggregate %s %v/%v", v.Area, *v.Count, *v.Denominator)
	}
	if !near(*v.Rate, 181.0/2200000*1e5) {
		t.Fatalf("aggregate rate %v", *v.Rate)
	}
}

func TestPublishedViewAndAsOf(t *testing.T) {
	f := basic()
	cat := catalogue(t)
	e := New(f, cat, func() time.Time { return t0 })
	ctx := context.Background()
	q := Query{Indicator: "homicide-rate", Areas: []string{"MEX-01"}, From: "2023", To: "2023", Public: true}
	res, err := e.Values(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if v := res.Values[0]; v.Count != nil {
		t.Fatalf("nothing published yet, got %+v", v)
	}
	f.release(1, police, "MEX", "2023", atalaya.StatusPublished, t0.Add(-48*time.Hour), time.Time{})
	// A revision: MEX-01 gets 6 more victims, published a day later.
	f.cells = append(f.cells, cell("MEX-01", "2023-05", "0101", "M", "18-29", "firearm", police, victim, 6),
		cell("MEX", "2023-05", "0101", "M", "18-29", "firearm", police, victim, 6))
	f.release(2, police, "MEX-01", "2023", atalaya.StatusPublished, t0.Add(-24*time.Hour), time.Time{})
	// A release under embargo until tomorrow.
	f.cells = append(f.cells, cell("MEX-01", "2023-06", "0101", "M", "18-29", "firearm", police, victim, 100))
	f.release(3, police, "MEX-01", "2023", atalaya.StatusPublished, t0.Add(-time.Hour), t0.Add(24*time.Hour))

	for _, c := range []struct {
		asOf time.Time
		want int64
	}{{time.Time{}, 150}, {t0.Add(-36 * time.Hour), 144}, {t0.Add(-12 * time.Hour), 150}} {
		q.AsOf = c.asOf
		res, err := e.Values(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		v := res.Values[0]
		if v.Count == nil || *v.Count != c.want || v.Status != atalaya.StatusPublished || v.HasFlag(atalaya.FlagProvisional) {
			t.Fatalf("as of %v: %+v, want %d published", c.asOf, v, c.want)
		}
	}
	// Before any release, nothing.
	q.AsOf = t0.Add(-72 * time.Hour)
	res, _ = e.Values(ctx, q)
	if res.Values[0].Count != nil {
		t.Fatalf("before the first release: %+v", res.Values[0])
	}
	// The live view shows the newest figures, published status from the releases.
	live, _ := e.Values(ctx, Query{Indicator: "homicide-rate", Areas: []string{"MEX-01"}, From: "2023", To: "2023"})
	if v := live.Values[0]; *v.Count != 250 || v.Status != atalaya.StatusPublished {
		t.Fatalf("live: %+v", v)
	}
}

// TestEmbargoLiftsWithoutNewData: the current published view changes when
// an embargo lifts, even though no data changed.
func TestEmbargoLiftsWithoutNewData(t *testing.T) {
	f := basic()
	f.release(1, police, "MEX", "2023", atalaya.StatusPublished, t0.Add(-time.Minute), t0.Add(time.Hour))
	now := t0
	e := New(f, catalogue(t), func() time.Time { return now })
	q := Query{Indicator: "homicide-rate", Areas: []string{"MEX"}, From: "2023", To: "2023", Public: true}
	res, err := e.Values(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if res.Values[0].Count != nil {
		t.Fatalf("embargoed figure is public: %+v", res.Values[0])
	}
	now = t0.Add(61 * time.Minute)
	res, _ = e.Values(context.Background(), q)
	if v := res.Values[0]; v.Count == nil || *v.Count != 191 {
		t.Fatalf("after the embargo: %+v", v)
	}
	// A release made a fraction of a second ago is public.
	f.release(2, police, "MEX", "2023", atalaya.StatusPublished, now.Add(-300*time.Millisecond), time.Time{})
	res, _ = e.Values(context.Background(), q)
	if v := res.Values[0]; v.Count == nil {
		t.Fatalf("a release made just now: %+v", v)
	}
}

// TestBreakdownByContext: victims with no special context are a category
// of their own ("none"), never added to the total a second time.
func TestBreakdownByContext(t *testing.T) {
	f := &fakeStore{areas: mexicoAreas(), version: 1}
	fem := cell("MEX-01", "2023", "0101", "F", "U", "U", police, victim, 5)
	fem.Context = "femicide"
	f.cells = rollup([]atalaya.CubeCell{fem, cell("MEX-01", "2023", "0101", "M", "U", "U", police, victim, 40)})
	vals := query(t, f, Query{Indicator: "homicide-rate", Areas: []string{"MEX-01"}, From: "2023", To: "2023", By: "context"})
	got := map[string]int64{}
	for _, v := range vals {
		got[v.Context] = *v.Count
	}
	if len(vals) != 3 || got["T"] != 45 || got["femicide"] != 5 || got["none"] != 40 {
		t.Fatalf("by context: %v", got)
	}
}
