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
	p := synth.Panel{Outcome: "gdpcap", Predictors: map[string][][]float64{}}
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
		p.Predictors[h] = mk()
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
			p.Predictors[h][i][t] = v
		}
	}
	p.Y = p.Predictors["gdpcap"]
	delete(p.Predictors, "gdpcap")
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
		s.PredictorSpecs = append(s.PredictorSpecs, synth.Predictor{Var: v, From: 1964, To: 1969})
	}
	s.PredictorSpecs = append(s.PredictorSpecs, synth.Predictor{Var: "gdpcap", From: 1960, To: 1969})
	for _, v := range []string{"sec.agriculture", "sec.energy", "sec.industry", "sec.construction", "sec.services.venta", "sec.services.nonventa"} {
		s.PredictorSpecs = append(s.PredictorSpecs, synth.Predictor{Var: v, Periods: []int{1961, 1963, 1965, 1967, 1969}})
	}
	s.PredictorSpecs = append(s.PredictorSpecs, synth.Predictor{Var: "popdens", Periods: []int{1969}})
	return s
}

// TestBasque reproduces the published donor weights of Abadie &
// Gardeazabal (2003): Cataluña 0.8508, Madrid 0.1492, all others 0, with
// and without Spain in the donor pool (pysyncon includes it; Synth's
// example, controls 2:16 and 18, does not). The 9-decimal values are
// pysyncon's; ours agree to 3e-6, below the 3 decimals published.
func TestBasque(t *testing.T) {
	p := basque(t)
	for _, spain := range []bool{true, false} {
		r, err := synth.Fit(context.Background(), p, basqueSpec(p, spain))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]float64{"Cataluna": 0.850816306, "Madrid (Comunidad De)": 0.149183694}
		var sum float64
		for _, w := range r.Ordered {
			sum += w.Weight
			if w.Weight < 0 {
				t.Errorf("weight of %s = %g < 0", w.Unit, w.Weight)
			}
			if math.Abs(w.Weight-want[w.Unit]) > 1e-5 {
				t.Errorf("spain=%v: weight of %s = %.6f; want %.6f", spain, w.Unit, w.Weight, want[w.Unit])
			}
			if math.Round(w.Weight*1000)/1000 != math.Round(want[w.Unit]*1000)/1000 {
				t.Errorf("spain=%v: weight of %s = %.3f; published %.3f", spain, w.Unit, w.Weight, want[w.Unit])
			}
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("weights sum to %.15f", sum)
		}
		// pysyncon tests/test_synth_basque.py:157-159.
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"fit-window MSPE", r.FitMSPE, 0.008864544955047298},
			{"ATT 1975-1997", r.ATT, -0.6995647842110987},
		} {
			if math.Abs(c.got-c.want) > 1e-5*math.Abs(c.want) {
				t.Errorf("spain=%v: %s = %.12g; want %.12g", spain, c.name, c.got, c.want)
			}
		}
		if len(r.V) != 14 || len(r.Synthetic) != 43 || len(r.Gap) != 43 {
			t.Errorf("%d V weights, %d synthetic, %d gaps; want 14, 43, 43", len(r.V), len(r.Synthetic), len(r.Gap))
		}
		for i, per := range r.Periods {
			if d := r.Treated[i] - r.Synthetic[i] - r.Gap[i]; math.Abs(d) > 1e-12 {
				t.Fatalf("gap %d inconsistent by %g", per, d)
			}
		}
	}
}

// TestBasquePlacebos checks the placebo-in-space test against pysyncon's
// tests/test_synth_basque.py. pysyncon's placebo gaps are synthetic −
// actual, ours actual − synthetic, hence the sign. Madrid's and
// Andalucía's placebo fits agree within pysyncon's tolerance 0.025 (in
// fact to 1e-3). Cataluña's does not: pysyncon's single Nelder–Mead run
// stops at a poor V (its gaps give a 1960–69 MSPE of 0.116), while Synth's
// four searches find one with MSPE below 0.001, so ours is the better
// solution of the same problem, checked here. The p-value differs for the
// same reason: pysyncon counts 3 placebos with a ratio at least the
// Basque one's (p = 3/18); our placebos have 1 (Andalucía), so the rank
// is 2 of 18 and p = 2/18 = 0.111, the treated unit counted as in ADH 2010.
func TestBasquePlacebos(t *testing.T) {
	p := basque(t)
	inf, err := synth.Placebos(context.Background(), p, basqueSpec(p, true))
	if err != nil {
		t.Fatal(err)
	}
	if inf.Units != 18 || inf.Rank != 2 || math.Abs(inf.P-2.0/18) > 1e-12 {
		t.Errorf("rank %d of %d, p = %.4f; want 2 of 18, p = 0.1111", inf.Rank, inf.Units, inf.P)
	}
	gaps := map[string][]float64{ // pysyncon tests/test_synth_basque.py:79-119, 1960-1970
		"Cataluna":              {-0.203808056, -0.220131278, -0.263867427, -0.305086234, -0.307812904, -0.310500965, -0.369694018, -0.423575377, -0.45873673, -0.488697382, -0.492355237},
		"Madrid (Comunidad De)": {-0.927175216, -1.066517558, -1.011035191, -0.950460346, -0.945849043, -0.930054154, -0.772216555, -0.614639881, -0.557819528, -0.491421484, -0.441239691},
		"Andalucia":             {0.005071129, -0.002029762, 0.002976458, 0.008368423, 0.012947728, 0.0182735, 0.002324614, -0.012943574, -0.009046578, -0.00457983, -0.013673715},
	}
	for _, pl := range inf.Placebos {
		want, ok := gaps[pl.Unit]
		if !ok {
			continue
		}
		var ours, theirs float64
		for i, w := range want {
			g := pl.Gap[1960-1955+i]
			if i < 10 {
				ours += g * g / 10
				theirs += w * w / 10
			}
			if pl.Unit != "Cataluna" && math.Abs(g+w) > 0.025 {
				t.Errorf("placebo gap %s %d = %.4f; pysyncon %.4f", pl.Unit, 1960+i, g, -w)
			}
		}
		if ours > theirs*(1+1e-4) {
			t.Errorf("placebo %s: 1960-69 MSPE %.6f; worse than pysyncon's %.6f", pl.Unit, ours, theirs)
		}
	}
	// Excluding placebos fitted worse than 2× the treated unit's RMSPE
	// can only remove units ranked below or above; p stays a share.
	s := basqueSpec(p, true)
	s.PlaceboMaxPreRatio = 2
	inf2, err := synth.Placebos(context.Background(), p, s)
	if err != nil {
		t.Fatal(err)
	}
	if inf2.Units >= inf.Units || inf2.P <= 0 || inf2.P > 1 {
		t.Errorf("with exclusion: rank %d of %d; want fewer units", inf2.Rank, inf2.Units)
	}
}
