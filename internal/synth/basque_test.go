package synth_test

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/synth"
)

const basqueTreated = "Basque Country (Pais Vasco)"

// basque loads testdata/basque.csv as a panel with outcome gdpcap.
func basque(tb testing.TB) synth.Panel {
	tb.Helper()
	f, err := os.Open("testdata/basque.csv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	head := recs[0]
	p := synth.Panel{Outcome: "gdpcap", Vars: map[string][][]float64{}}
	unit := map[string]int{}
	year := map[int]int{}
	for _, r := range recs[1:] {
		if _, ok := unit[r[1]]; !ok {
			unit[r[1]] = len(p.Units)
			p.Units = append(p.Units, r[1])
		}
		y, _ := strconv.ParseFloat(r[2], 64)
		if _, ok := year[int(y)]; !ok {
			year[int(y)] = len(p.Periods)
			p.Periods = append(p.Periods, int(y))
		}
	}
	mk := func() [][]float64 {
		m := make([][]float64, len(p.Units))
		for i := range m {
			m[i] = make([]float64, len(p.Periods))
		}
		return m
	}
	for _, h := range head[3:] {
		p.Vars[h] = mk()
	}
	for _, r := range recs[1:] {
		i := unit[r[1]]
		y, _ := strconv.ParseFloat(r[2], 64)
		t := year[int(y)]
		for c, h := range head[3:] {
			v := math.NaN()
			if s := r[3+c]; s != "" {
				if v, err = strconv.ParseFloat(s, 64); err != nil {
					tb.Fatal(err)
				}
			}
			p.Vars[h][i][t] = v
		}
	}
	p.Y = p.Vars["gdpcap"]
	delete(p.Vars, "gdpcap")
	return p
}

// basqueSpec is the specification of Abadie & Gardeazabal (2003) as in
// Synth's example and pysyncon's tests/test_synth_basque.py.
func basqueSpec(p synth.Panel, withSpain bool) synth.Spec {
	s := synth.Spec{Treated: basqueTreated, TreatPeriod: 1975, FitFrom: 1960, FitTo: 1969}
	for _, u := range p.Units {
		if u != basqueTreated && (withSpain || u != "Spain (Espana)") {
			s.Donors = append(s.Donors, u)
		}
	}
	for _, v := range []string{"school.illit", "school.prim", "school.med", "school.high", "school.post.high", "invest"} {
		s.Predictors = append(s.Predictors, synth.Predictor{Var: v, From: 1964, To: 1969})
	}
	s.Predictors = append(s.Predictors, synth.Predictor{Var: "gdpcap", From: 1960, To: 1969})
	for _, v := range []string{"sec.agriculture", "sec.energy", "sec.industry", "sec.construction", "sec.services.venta", "sec.services.nonventa"} {
		s.Predictors = append(s.Predictors, synth.Predictor{Var: v, Periods: []int{1961, 1963, 1965, 1967, 1969}})
	}
	s.Predictors = append(s.Predictors, synth.Predictor{Var: "popdens", Periods: []int{1969}})
	return s
}

func TestBasqueExplore(t *testing.T) {
	p := basque(t)
	for _, spain := range []bool{true, false} {
		r, err := synth.Fit(context.Background(), p, basqueSpec(p, spain))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range r.Ordered {
			if w.Weight > 1e-6 {
				t.Logf("spain=%v %s %.9f", spain, w.Unit, w.Weight)
			}
		}
		t.Logf("V=%.4f lossV=%.9g pre=%.6g post=%.6g att=%.6g", r.V, r.FitMSPE, r.PreRMSPE, r.PostRMSPE, r.ATT)
	}
}
