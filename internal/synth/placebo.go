package synth

import (
	"context"
	"runtime"
	"sort"
	"sync"

	"github.com/oas-atalaya/atalaya"
)

// Placebo is the synthetic control of one unit in the placebo test.
type Placebo struct {
	Unit      string
	Treated   bool // the unit actually treated
	PreRMSPE  float64
	PostRMSPE float64
	Ratio     float64
	Gap       []float64 // over Result.Periods
	Excluded  bool      // pre-treatment fit too poor (Spec.PlaceboMaxPreRatio)
}

// Inference is the placebo-in-space test: the treated unit's post/pre
// RMSPE ratio ranked among the ratios of every donor refitted as if it had
// been treated (with the other donors, never the treated unit, as its
// donor pool).
type Inference struct {
	Result   *Result              // the treated unit's fit
	Placebos []Placebo            // the treated unit first, then the donors in order
	Rank     int                  // 1 = the largest ratio among the units kept
	Units    int                  // units kept (the treated unit and included placebos)
	P        float64              // Rank / Units
	Ratios   map[string]float64   // post/pre RMSPE ratio by unit
	Gaps     map[string][]float64 // gap series by unit, over Result.Periods
}

// Placebos fits the treated unit and every donor in turn, on up to
// GOMAXPROCS goroutines, and returns the rank-based p-value of the
// treated unit's post/pre RMSPE ratio: the share of units (itself
// included) whose ratio is at least as large. Ties count against the
// treated unit. Every placebo searches its own V, as in ADH 2010; a
// custom Spec.V applies to the treated unit's fit only.
func Placebos(ctx context.Context, p Panel, s Spec) (*Inference, error) {
	pr, err := prepare(p, s)
	if err != nil {
		return nil, err
	}
	donors := pr.donors
	specs := make([]Spec, len(donors)+1)
	specs[0] = s
	for j, d := range donors {
		ps := s
		ps.Treated = d
		ps.Donors = make([]string, 0, len(donors)-1)
		for _, o := range donors {
			if o != d {
				ps.Donors = append(ps.Donors, o)
			}
		}
		if len(ps.Donors) == 0 {
			return nil, atalaya.Errorf(atalaya.EINVALID, "placebos need at least two donors")
		}
		ps.V = nil
		specs[j+1] = ps
	}
	results := make([]*Result, len(specs))
	errs := make([]error, len(specs))
	var wg sync.WaitGroup
	next := make(chan int)
	workers := max(1, min(runtime.GOMAXPROCS(0), len(specs)))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i], errs[i] = Fit(ctx, p, specs[i])
			}
		}()
	}
	for i := range specs {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return rank(results, append([]string{s.Treated}, donors...), s.PlaceboMaxPreRatio), nil
}

func rank(results []*Result, units []string, maxPre float64) *Inference {
	inf := &Inference{Result: results[0], Ratios: map[string]float64{}, Gaps: map[string][]float64{}}
	treated := results[0]
	var ratios []float64
	for i, r := range results {
		pl := Placebo{Unit: units[i], Treated: i == 0, PreRMSPE: r.PreRMSPE, PostRMSPE: r.PostRMSPE, Ratio: r.Ratio, Gap: r.Gap}
		if i > 0 && maxPre > 0 && r.PreRMSPE > maxPre*treated.PreRMSPE {
			pl.Excluded = true
		} else {
			ratios = append(ratios, r.Ratio)
		}
		inf.Placebos = append(inf.Placebos, pl)
		inf.Ratios[pl.Unit], inf.Gaps[pl.Unit] = r.Ratio, r.Gap
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(ratios)))
	for _, x := range ratios {
		if x >= treated.Ratio {
			inf.Rank++
		}
	}
	inf.Units = len(ratios)
	inf.P = float64(inf.Rank) / float64(inf.Units)
	return inf
}
