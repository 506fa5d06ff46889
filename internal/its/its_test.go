package its_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/its"
)

// TestFit_LopezBernal reproduces the published result of Lopez Bernal,
// Cummins and Gasparrini (2017), model 3 (quasi-Poisson, level change
// only, two harmonics, age-standardised population offset): rate ratio
// 0.8851 (95% CI 0.8394–0.9332), dispersion 2.262.
func TestFit_LopezBernal(t *testing.T) {
	d := loadDataset(t, "sicily")
	res, err := its.Fit(its.Input{Y: d.y, Population: d.pop, Start: d.start, Interruption: 36,
		Harmonics: 2, Quasi: true, LevelOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	l := res.LevelChange
	got := fmt.Sprintf("%.4f (%.4f-%.4f) %.3f", l.Estimate, l.Low, l.High, res.Dispersion)
	if want := "0.8851 (0.8394-0.9332) 2.262"; got != want {
		t.Errorf("Fit(sicily, model 3) level change = %s; want %s", got, want)
	}
	if !strings.Contains(res.Reading, "January 2005") || !strings.Contains(res.Reading, "significant decrease") {
		t.Errorf("Reading = %q; want the month and a significant decrease", res.Reading)
	}
}

// TestFit_KnownEffect checks that the simulated effect (level 0.8, slope
// 0.995 a month) lies inside the 95% intervals.
func TestFit_KnownEffect(t *testing.T) {
	d := loadDataset(t, "synthetic")
	for _, cov := range []string{its.NonRobust, its.HC0, its.HC3, its.HAC} {
		res, err := its.Fit(its.Input{Y: d.y, Population: d.pop, Start: d.start, Interruption: 72,
			Harmonics: 1, CovType: cov, HACLags: 6})
		if err != nil {
			t.Fatal(err)
		}
		if l := res.LevelChange; !(l.Low < 0.8 && 0.8 < l.High) {
			t.Errorf("%s: level change %.4f (%.4f–%.4f) misses 0.8", cov, l.Estimate, l.Low, l.High)
		}
		if s := res.SlopeChange; !(s.Low < 0.995 && 0.995 < s.High) {
			t.Errorf("%s: slope change %.5f (%.5f–%.5f) misses 0.995", cov, s.Estimate, s.Low, s.High)
		}
		if c := res.Cumulative; !(c.Estimate < 0 && c.Low < c.Estimate && c.Estimate < c.High) {
			t.Errorf("%s: cumulative effect %+v; want negative inside its interval", cov, c)
		}
	}
}

func TestFit_Invalid(t *testing.T) {
	y := make([]float64, 48)
	for i := range y {
		y[i] = float64(10 + i%5)
	}
	pop := make([]float64, 48)
	for i := range pop {
		pop[i] = 1e5
	}
	neg := append([]float64(nil), y...)
	neg[3] = -1
	nan := append([]float64(nil), y...)
	nan[5] = math.NaN()
	zeroPop := append([]float64(nil), pop...)
	zeroPop[7] = 0
	for name, in := range map[string]its.Input{
		"too few":           {Y: y[:6], Interruption: 3},
		"interruption at 0": {Y: y, Interruption: 0},
		"interruption end":  {Y: y, Interruption: 46},
		"negative count":    {Y: neg, Interruption: 24},
		"NaN count":         {Y: nan, Interruption: 24},
		"all zero":          {Y: make([]float64, 48), Interruption: 24},
		"zero population":   {Y: y, Population: zeroPop, Interruption: 24},
		"short population":  {Y: y, Population: pop[:10], Interruption: 24},
		"harmonics":         {Y: y, Interruption: 24, Harmonics: 6},
		"cov type":          {Y: y, Interruption: 24, CovType: "HC7"},
		"conf":              {Y: y, Interruption: 24, Conf: 1.5},
		"negative lags":     {Y: y, Interruption: 24, CovType: its.HAC, HACLags: -1},
	} {
		if _, err := its.Fit(in); atalaya.ErrorCode(err) != atalaya.EINVALID {
			t.Errorf("Fit(%s) error = %v; want code %s", name, err, atalaya.EINVALID)
		}
	}
}

// TestFit_ZeroAfter: a series that drops to zero after the interruption
// has no finite maximum-likelihood level change; Fit must say so.
func TestFit_ZeroAfter(t *testing.T) {
	y := make([]float64, 48)
	for i := 0; i < 24; i++ {
		y[i] = 20
	}
	_, err := its.Fit(its.Input{Y: y, Interruption: 24})
	if atalaya.ErrorCode(err) != atalaya.EINVALID {
		t.Errorf("Fit(zeros after) error = %v; want code %s", err, atalaya.EINVALID)
	}
}

func ExampleFit() {
	// Four years of monthly counts in a city of 500,000; a programme
	// starts in January 2022.
	y := []float64{
		41, 38, 45, 47, 50, 52, 55, 53, 49, 46, 42, 44,
		43, 40, 47, 49, 52, 55, 57, 55, 51, 48, 44, 46,
		36, 33, 39, 40, 42, 44, 46, 45, 41, 38, 35, 37,
		37, 34, 40, 41, 43, 45, 47, 46, 42, 39, 36, 38,
	}
	pop := make([]float64, len(y))
	for i := range pop {
		pop[i] = 500000
	}
	res, err := its.Fit(its.Input{
		Y: y, Population: pop, Start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		Interruption: 24, Harmonics: 2, CovType: its.HAC, HACLags: 3,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Reading)
	// Output: From January 2022 the rate changed by -22.2% at once (rate ratio 0.778, 95% CI 0.765–0.791; a significant decrease) and its trend by -0.2% a month (rate ratio 0.9978, 95% CI 0.9966–0.9991; a significant decrease). Over the 24 months after, there were 307 fewer events than the model expects without the change (95% CI 279 to 334 fewer).
}
