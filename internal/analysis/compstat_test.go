package analysis_test

import (
	"context"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/compstat"
)

// TestCompStatYearToDate: the year-to-date window of December 2024 is the
// whole year: its counts equal the pandas reference's yearly counts of
// 2024 and 2023, and its test is the exact test of those two counts.
func TestCompStatYearToDate(t *testing.T) {
	n, _ := realNode(t)
	res, err := n.CompStat(context.Background(), "homicide-rate", "MEX", "2024-12", false, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 33 || res.Rows[0].Area != "MEX" {
		t.Fatalf("%d rows, first %s; want Mexico and its 32 states", len(res.Rows), res.Rows[0].Area)
	}
	want, _ := golden(t, "../values/testdata/reference/mexico_homicide.csv")
	ref := map[string]int{}
	for _, w := range want {
		if w["sex"] == "T" {
			ref[w["area"]+"/"+w["period"]] = int(num(t, w["count"]))
		}
	}
	for _, row := range res.Rows {
		var ytd *compstat.Comparison
		for i := range row.Comparisons {
			if row.Comparisons[i].Window == "ytd" {
				ytd = &row.Comparisons[i]
			}
		}
		if ytd == nil {
			t.Fatalf("%s: no year-to-date window", row.Area)
		}
		if ytd.Current != ref[row.Area+"/2024"] || ytd.LastYear != ref[row.Area+"/2023"] {
			t.Errorf("%s: year to date %d vs %d, reference %d vs %d", row.Area, ytd.Current, ytd.LastYear, ref[row.Area+"/2024"], ref[row.Area+"/2023"])
		}
		if ytd.VsLastYear.Test == nil {
			continue
		}
		rr, err := compstat.RateRatioTest(ytd.Current, ytd.LastYear, 366, 365, 0.95)
		if err != nil {
			t.Fatal(err)
		}
		if !near(ytd.VsLastYear.Test.P, rr.P, 1e-9) {
			t.Errorf("%s: p = %v, the exact test of the yearly counts gives %v", row.Area, ytd.VsLastYear.Test.P, rr.P)
		}
	}
	// The seasonal trend covers the national series 2015-01..2024-12, and
	// its months add up to the reference's yearly counts.
	if len(res.Trend) != 120 || res.Trend[0].Month != "2015-01" || res.Trend[119].Month != "2024-12" {
		t.Fatalf("trend: %d months from %v", len(res.Trend), res.Trend[:1])
	}
	yearly := map[string]float64{}
	for _, p := range res.Trend {
		yearly[p.Month[:4]] += p.Count
		if p.Trend <= 0 {
			t.Errorf("%s: trend %v", p.Month, p.Trend)
		}
	}
	for y, c := range yearly {
		if int(c) != ref["MEX/"+y] {
			t.Errorf("national %s: %v in the monthly series, reference %d", y, c, ref["MEX/"+y])
		}
	}
	if _, err := n.CompStat(context.Background(), "homicide-rate", "MEX", "2024-13", false, 0.05); err == nil {
		t.Error("a bad month is accepted")
	}
}
