package analysis_test

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/analysis"
)

func programme(id string, start time.Time, areas ...string) atalaya.Programme {
	return atalaya.Programme{ID: id, Name: id, Objective: "fewer homicides", Owner: "test", Areas: areas, Start: start, Indicators: []string{"homicide-rate"}}
}

// TestITSSeries: the interrupted time series runs on the programme
// area's monthly counts, which add up to the independent pandas
// reference's yearly counts, with the interruption at the start month.
func TestITSSeries(t *testing.T) {
	n, _ := realNode(t)
	p := programme("chih", time.Date(2019, 7, 15, 0, 0, 0, 0, time.UTC), "MEX-08")
	r, err := n.Evaluate(context.Background(), analysis.EvalQuery{Programme: p, Method: atalaya.MethodITS, Indicator: "homicide-rate", From: 2015, To: 2024})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Series) != 120 || r.Series[0].Period != "2015-01" || r.Series[119].Period != "2024-12" {
		t.Fatalf("series: %d months from %s", len(r.Series), r.Series[0].Period)
	}
	yearly := map[string]float64{}
	for i, pt := range r.Series {
		yearly[pt.Period[:4]] += *pt.Observed
		if pt.Treated != (pt.Period >= "2019-07") {
			t.Errorf("%s treated = %v", pt.Period, pt.Treated)
		}
		if pt.Treated && (pt.Low == nil || *pt.Low > *pt.Counterfactual || *pt.High < *pt.Counterfactual) {
			t.Errorf("%s: counterfactual band %v %v %v", pt.Period, pt.Low, pt.Counterfactual, pt.High)
		}
		_ = i
	}
	want, _ := golden(t, "../values/testdata/reference/mexico_homicide.csv")
	checked := 0
	for _, w := range want {
		if w["area"] == "MEX-08" && w["sex"] == "T" && w["period"] <= "2024" {
			if got := yearly[w["period"]]; got != num(t, w["count"]) {
				t.Errorf("Chihuahua %s: %v victims in the monthly series, reference %s", w["period"], got, w["count"])
			}
			checked++
		}
	}
	if checked != 10 {
		t.Errorf("%d reference years checked", checked)
	}
	if r.EffectKind != "rate_ratio" || !(r.Effect.Low < r.Effect.Value && r.Effect.Value < r.Effect.High) || r.Effect.Value <= 0 {
		t.Errorf("effect %+v", r.Effect)
	}
	if sig, _ := r.Significant, r.Direction; sig != (r.Effect.High < 1 || r.Effect.Low > 1) {
		t.Errorf("significance %v for %+v", sig, r.Effect)
	}
}

// TestSynthOnStates: a synthetic Chihuahua from the other states, the
// states another programme covers left out of the donors.
func TestSynthOnStates(t *testing.T) {
	n, _ := realNode(t)
	p := programme("chih", time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), "MEX-08")
	other := programme("son", time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC), "MEX-26")
	r, err := n.Evaluate(context.Background(), analysis.EvalQuery{Programme: p, Others: []atalaya.Programme{other}, Method: atalaya.MethodSynth, Indicator: "homicide-rate"})
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, f := range r.Figures {
		if f.Key == "analysis.fig.donor_weight" {
			sum += f.Value
			if f.Text == "Sonora" || f.Text == "Chihuahua" {
				t.Errorf("donor %s should not be in the pool", f.Text)
			}
		}
	}
	if math.Abs(sum-1) > 0.01 {
		t.Errorf("donor weights add up to %v", sum)
	}
	if len(r.Series) != 10 || r.Series[0].Period != "2015" || !r.Series[4].Treated || r.Series[3].Treated {
		t.Errorf("series %+v", r.Series)
	}
	if p := *r.Effect.P; p <= 0 || p > 1 {
		t.Errorf("placebo p = %v", p)
	}
	_, err = n.Evaluate(context.Background(), analysis.EvalQuery{Programme: programme("two", p.Start, "MEX-08", "MEX-26"), Method: atalaya.MethodSynth, Indicator: "homicide-rate"})
	if err == nil || !strings.Contains(err.Error(), "one treated area") {
		t.Errorf("two treated areas: %v", err)
	}
}

// TestDiDStaggered: two programmes starting in 2018 and 2020 make two
// groups; the event study spans the years around the starts.
func TestDiDStaggered(t *testing.T) {
	n, _ := realNode(t)
	p := programme("north", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), "MEX-08", "MEX-05")
	other := programme("pacific", time.Date(2018, 3, 1, 0, 0, 0, 0, time.UTC), "MEX-25", "MEX-18")
	r, err := n.Evaluate(context.Background(), analysis.EvalQuery{Programme: p, Others: []atalaya.Programme{other}, Method: atalaya.MethodDiD, Indicator: "homicide-rate"})
	if err != nil {
		t.Fatal(err)
	}
	treated := 0.0
	for _, f := range r.Figures {
		if f.Key == "analysis.fig.treated_areas" {
			treated = f.Value
		}
	}
	if treated != 4 {
		t.Errorf("%v treated areas, want 4", treated)
	}
	keys := map[string]bool{}
	for _, pt := range r.Series {
		keys[pt.Period] = true
	}
	for _, e := range []int{-4, -1, 0, 6} {
		if !keys[strconv.Itoa(e)] {
			t.Errorf("event time %d missing from %v", e, keys)
		}
	}
	if !(r.Effect.Low < r.Effect.Value && r.Effect.Value < r.Effect.High) {
		t.Errorf("effect %+v", r.Effect)
	}
}
