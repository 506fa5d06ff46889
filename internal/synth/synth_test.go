package synth_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/synth"
)

// randomPanel is a factor-model panel: 1 treated unit and donors units
// over periods periods, with three covariates, the treated unit lying
// inside the donors' convex hull and an effect of −2 from period
// 2*periods/3 on. The spec matches on the covariates' pre-period means
// and the outcome in three pre-treatment periods.
func randomPanel(seed uint64, donors, periods int) (synth.Panel, synth.Spec) {
	rng := rand.New(rand.NewPCG(seed, 7))
	n := donors + 1
	p := synth.Panel{Outcome: "y", Predictors: map[string][][]float64{}}
	for i := 0; i < n; i++ {
		p.Units = append(p.Units, "u"+string(rune('A'+i/26))+string(rune('a'+i%26)))
	}
	for t := 0; t < periods; t++ {
		p.Periods = append(p.Periods, 2000+t)
	}
	load := make([][2]float64, n)
	for i := 1; i < n; i++ {
		load[i] = [2]float64{rng.NormFloat64(), rng.NormFloat64()}
	}
	load[0] = [2]float64{0.5*load[1][0] + 0.3*load[2][0] + 0.2*load[3][0], 0.5*load[1][1] + 0.3*load[2][1] + 0.2*load[3][1]}
	f1, f2 := make([]float64, periods), make([]float64, periods)
	for t := range f1 {
		f1[t], f2[t] = float64(t)/10, math.Sin(float64(t)/3)
	}
	treat := 2000 + 2*periods/3
	p.Y = make([][]float64, n)
	for i := range p.Y {
		p.Y[i] = make([]float64, periods)
		for t := range p.Y[i] {
			p.Y[i][t] = 10 + load[i][0]*f1[t] + load[i][1]*f2[t] + 0.05*rng.NormFloat64()
			if i == 0 && 2000+t >= treat {
				p.Y[i][t] -= 2
			}
		}
	}
	s := synth.Spec{Treated: p.Units[0], TreatPeriod: treat}
	for c := 0; c < 3; c++ {
		name := "x" + string(rune('1'+c))
		m := make([][]float64, n)
		for i := range m {
			m[i] = make([]float64, periods)
			for t := range m[i] {
				m[i][t] = load[i][c%2]*float64(c+1) + 0.1*rng.NormFloat64()
			}
		}
		p.Predictors[name] = m
		s.PredictorSpecs = append(s.PredictorSpecs, synth.Predictor{Var: name, From: 2000, To: treat - 1})
	}
	for _, t := range []int{2000, 2000 + periods/3, treat - 1} {
		s.PredictorSpecs = append(s.PredictorSpecs, synth.Predictor{Var: "y", Periods: []int{t}})
	}
	for _, u := range p.Units[1:] {
		s.Donors = append(s.Donors, u)
	}
	return p, s
}

func TestRandomPanelRecoversEffect(t *testing.T) {
	p, s := randomPanel(1, 40, 30)
	r, err := synth.Fit(context.Background(), p, s)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.ATT+2) > 0.3 {
		t.Errorf("ATT = %.3f; want about −2", r.ATT)
	}
	if r.Ratio < 5 {
		t.Errorf("post/pre RMSPE ratio %.2f; want a clear effect", r.Ratio)
	}
	var sum float64
	for _, w := range r.Ordered {
		sum += w.Weight
	}
	if math.Abs(sum-1) > 1e-12 || len(r.V) != 6 {
		t.Errorf("Σw = %v, %d V weights", sum, len(r.V))
	}
	// A custom V skips the search and is returned normalised.
	s.V = []float64{1, 1, 1, 1, 1, 5}
	r2, err := synth.Fit(context.Background(), p, s)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r2.V[5]-0.5) > 1e-15 {
		t.Errorf("custom V normalised to %v", r2.V)
	}
	// The naive solver (generic QP inside the same search) gets close,
	// on a smaller panel to keep the test fast.
	p, s = randomPanel(4, 8, 15)
	r4, err := synth.Fit(context.Background(), p, s)
	if err != nil {
		t.Fatal(err)
	}
	s.Solver = synth.SolverProjected
	r3, err := synth.Fit(context.Background(), p, s)
	if err != nil {
		t.Fatal(err)
	}
	if r3.FitMSPE > 1.5*r4.FitMSPE+1e-9 {
		t.Errorf("projected-gradient fit MSPE %.6g; exact %.6g", r3.FitMSPE, r4.FitMSPE)
	}
}

func TestErrors(t *testing.T) {
	p, s := randomPanel(2, 5, 10)
	bad := func(name string, mp func(*synth.Panel), ms func(*synth.Spec)) {
		t.Helper()
		pp, ss := p, s
		pp.Y = append([][]float64(nil), p.Y...)
		ss.Donors = append([]string(nil), s.Donors...)
		if mp != nil {
			mp(&pp)
		}
		if ms != nil {
			ms(&ss)
		}
		_, err := synth.Fit(context.Background(), pp, ss)
		var e *atalaya.Error
		if !errors.As(err, &e) || e.Code != atalaya.EINVALID {
			t.Errorf("%s: err = %v; want EINVALID", name, err)
		}
	}
	bad("treated not in panel", nil, func(s *synth.Spec) { s.Treated = "nowhere" })
	bad("donor not in panel", nil, func(s *synth.Spec) { s.Donors[0] = "nowhere" })
	bad("treated as donor", nil, func(s *synth.Spec) { s.Donors[0] = s.Treated })
	bad("duplicate donor", nil, func(s *synth.Spec) { s.Donors[1] = s.Donors[0] })
	bad("no donors", func(p *synth.Panel) { p.Units, p.Y = p.Units[:1], p.Y[:1] }, func(s *synth.Spec) { s.Donors = nil })
	bad("unbalanced", func(p *synth.Panel) { p.Y[2] = p.Y[2][:5] }, nil)
	bad("NaN outcome", func(p *synth.Panel) {
		row := append([]float64(nil), p.Y[1]...)
		row[0] = math.NaN()
		p.Y[1] = row
	}, nil)
	bad("treatment before panel", nil, func(s *synth.Spec) { s.TreatPeriod = 1990 })
	bad("treatment after panel", nil, func(s *synth.Spec) { s.TreatPeriod = 2100 })
	bad("unknown predictor", nil, func(s *synth.Spec) {
		s.PredictorSpecs = []synth.Predictor{{Var: "nope", From: 2000, To: 2001}}
	})
	bad("predictor period outside", nil, func(s *synth.Spec) {
		s.PredictorSpecs = []synth.Predictor{{Var: "x1", Periods: []int{1800}}}
	})
	bad("empty window", nil, func(s *synth.Spec) { s.PredictorSpecs = []synth.Predictor{{Var: "x1", From: 2005, To: 2001}} })
	bad("fit window outside", nil, func(s *synth.Spec) { s.FitFrom, s.FitTo = 1900, 1910 })
	bad("V length", nil, func(s *synth.Spec) { s.V = []float64{1} })
	bad("V zero", nil, func(s *synth.Spec) { s.V = make([]float64, 6) })
	bad("solver", nil, func(s *synth.Spec) { s.Solver = "simplex" })
	bad("unsorted periods", func(p *synth.Panel) {
		p.Periods = append([]int(nil), p.Periods...)
		p.Periods[0], p.Periods[1] = p.Periods[1], p.Periods[0]
	}, nil)
	if _, err := synth.Placebos(context.Background(), p, synth.Spec{Treated: p.Units[0], Donors: p.Units[1:2], TreatPeriod: s.TreatPeriod}); atalaya.ErrorCode(err) != atalaya.EINVALID {
		t.Errorf("placebos with one donor: err = %v; want EINVALID", err)
	}
}

func TestCancel(t *testing.T) {
	p, s := randomPanel(3, 20, 20)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := synth.Placebos(ctx, p, s); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled placebos: err = %v; want context.Canceled", err)
	}
}

// FuzzFit fits random small panels built from the fuzzer's bytes: the
// fit must never panic, fail only with EINVALID, and return finite
// weights on the simplex.
func FuzzFit(f *testing.F) {
	f.Add([]byte{4, 6, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 200, 0, 17}, uint8(1))
	f.Add([]byte{2, 2, 1, 0, 0, 0, 0}, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		if len(data) < 3 {
			return
		}
		n, nt := int(data[0]%7)+1, int(data[1]%8)+1
		treat := 2000 + int(data[2])%(nt+1)
		data = data[3:]
		at := func(i int) float64 {
			if len(data) == 0 {
				return 0
			}
			return float64(int(data[i%len(data)])-100) / 9
		}
		p := synth.Panel{Predictors: map[string][][]float64{"x": nil}}
		for i := 0; i < n; i++ {
			p.Units = append(p.Units, string(rune('a'+i)))
			row, xr := make([]float64, nt), make([]float64, nt)
			for t := range row {
				row[t], xr[t] = at(i*nt+t), at(i*nt+t+7)
				if mode&1 != 0 && (i+t)%5 == 0 {
					xr[t] = math.NaN()
				}
			}
			p.Y = append(p.Y, row)
			p.Predictors["x"] = append(p.Predictors["x"], xr)
		}
		for t := 0; t < nt; t++ {
			p.Periods = append(p.Periods, 2000+t)
		}
		s := synth.Spec{Treated: "a", TreatPeriod: treat}
		if mode&2 != 0 {
			s.PredictorSpecs = []synth.Predictor{{Var: "x", From: 2000, To: treat - 1}, {Periods: []int{2000}}}
		}
		ctx := context.Background()
		var r *synth.Result
		var err error
		if mode&4 != 0 {
			var inf *synth.Inference
			if inf, err = synth.Placebos(ctx, p, s); err == nil {
				r = inf.Result
				if inf.P <= 0 || inf.P > 1 {
					t.Fatalf("p = %v", inf.P)
				}
			}
		} else {
			r, err = synth.Fit(ctx, p, s)
		}
		if err != nil {
			if atalaya.ErrorCode(err) != atalaya.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		var sum float64
		for _, w := range r.Ordered {
			if !(w.Weight >= 0) {
				t.Fatalf("weight %v", w)
			}
			sum += w.Weight
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Fatalf("weights sum to %v", sum)
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("result does not encode as JSON: %v", err)
		}
		for _, v := range append(append([]float64{r.PreRMSPE, r.PostRMSPE, r.Ratio, r.ATT, r.FitMSPE}, r.Gap...), r.V...) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("non-finite value in %+v", r)
			}
		}
	})
}
