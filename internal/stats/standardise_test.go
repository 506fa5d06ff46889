package stats_test

import (
	"math"
	"slices"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/stats"
)

func TestDirectStandardised_OneStratum(t *testing.T) {
	// With one stratum Fay–Feuer reduces to the exact Poisson interval:
	// shapes k and k+1, scale 1/pop.
	for _, k := range []int64{0, 1, 7, 250, 33742} {
		rate, lo, hi, err := stats.DirectStandardised([]int64{k}, []int64{90000}, []float64{1}, 1e5, 0.95)
		wr, wlo, whi, _ := stats.RateCI(k, 90000, 1e5, 0.95)
		if err != nil || !near(rate, wr, 1e-14) || !near(lo, wlo, 1e-12) || !near(hi, whi, 1e-12) {
			t.Errorf("DirectStandardised(%d of 90000) = %g [%g, %g], %v; want RateCI's %g [%g, %g]", k, rate, lo, hi, err, wr, wlo, whi)
		}
	}
}

func TestDirectStandardised_WeightScale(t *testing.T) {
	// Weights are relative: a standard per 100,000 and the same standard as
	// proportions give the same rate.
	counts := []int64{1, 19, 12, 4, 0}
	pops := []int64{21500, 18800, 15100, 9900, 6100}
	who, err := stats.WHO2000().Aggregate([]int{0, 15, 30, 45, 60})
	if err != nil {
		t.Fatal(err)
	}
	props := make([]float64, len(who.Weights))
	for i, w := range who.Weights {
		props[i] = w / 100035
	}
	r1, lo1, hi1, err1 := stats.DirectStandardised(counts, pops, who.Weights, 1e5, 0.95)
	r2, lo2, hi2, err2 := stats.DirectStandardised(counts, pops, props, 1e5, 0.95)
	if err1 != nil || err2 != nil || !near(r1, r2, 1e-14) || !near(lo1, lo2, 1e-12) || !near(hi1, hi2, 1e-12) {
		t.Errorf("per 100,000: %g [%g, %g] %v; as proportions: %g [%g, %g] %v", r1, lo1, hi1, err1, r2, lo2, hi2, err2)
	}
	if !(lo1 < r1 && r1 < hi1) {
		t.Errorf("rate %g outside its interval [%g, %g]", r1, lo1, hi1)
	}
}

func TestDirectStandardised_Invalid(t *testing.T) {
	c, p, w := []int64{1, 2}, []int64{100, 200}, []float64{0.5, 0.5}
	tests := []struct {
		name   string
		counts []int64
		pops   []int64
		w      []float64
		level  float64
	}{
		{"Empty", nil, nil, nil, 0.95},
		{"ShortPops", c, p[:1], w, 0.95},
		{"ShortWeights", c, p, w[:1], 0.95},
		{"ZeroPop", c, []int64{100, 0}, w, 0.95},
		{"NegativeCount", []int64{1, -2}, p, w, 0.95},
		{"NegativeWeight", c, p, []float64{1, -0.5}, 0.95},
		{"NaNWeight", c, p, []float64{1, math.NaN()}, 0.95},
		{"InfWeight", c, p, []float64{1, math.Inf(1)}, 0.95},
		{"ZeroWeights", c, p, []float64{0, 0}, 0.95},
		{"Level", c, p, w, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rate, lo, hi, err := stats.DirectStandardised(tt.counts, tt.pops, tt.w, 1e5, tt.level)
			if atalaya.ErrorCode(err) != atalaya.EINVALID || !math.IsNaN(rate+lo+hi) {
				t.Errorf("DirectStandardised = %g, %g, %g, %v; want NaN and an %q error", rate, lo, hi, err, atalaya.EINVALID)
			}
		})
	}
}

func TestStandardPopulations(t *testing.T) {
	tests := []struct {
		pop  stats.StandardPopulation
		want float64
	}{
		{stats.WHO2000(), 100035}, // as published; see WHO2000
		{stats.Segi1960(), 100000},
	}
	for _, tt := range tests {
		var sum float64
		for _, w := range tt.pop.Weights {
			sum += w
		}
		if len(tt.pop.Bands) != 18 || len(tt.pop.Weights) != 18 || sum != tt.want {
			t.Errorf("%s: %d bands, %d weights summing to %g; want 18, 18, %g", tt.pop.Name, len(tt.pop.Bands), len(tt.pop.Weights), sum, tt.want)
		}
		if first, last := tt.pop.Bands[0].String(), tt.pop.Bands[17].String(); first != "0-4" || last != "85+" {
			t.Errorf("%s: bands run from %s to %s; want 0-4 to 85+", tt.pop.Name, first, last)
		}
	}
}

func TestStandardPopulation_Aggregate(t *testing.T) {
	segi := stats.Segi1960()
	before := slices.Clone(segi.Weights)
	got, err := segi.Aggregate([]int{0, 15, 30, 45, 60})
	if err != nil {
		t.Fatal(err)
	}
	var bands []string
	for _, b := range got.Bands {
		bands = append(bands, b.String())
	}
	wantBands := []string{"0-14", "15-29", "30-44", "45-59", "60+"}
	wantWeights := []float64{31000, 25000, 18000, 15000, 11000}
	if !slices.Equal(bands, wantBands) || !slices.Equal(got.Weights, wantWeights) {
		t.Errorf("Aggregate = %v %v; want %v %v", bands, got.Weights, wantBands, wantWeights)
	}
	if !slices.Equal(segi.Weights, before) {
		t.Errorf("Aggregate modified its receiver: %v", segi.Weights)
	}
	if got, err := segi.Aggregate([]int{0}); err != nil || len(got.Bands) != 1 || got.Bands[0].String() != "0+" || got.Weights[0] != 100000 {
		t.Errorf("Aggregate([0]) = %v %v, %v; want one band 0+ of 100000", got.Bands, got.Weights, err)
	}

	for _, froms := range [][]int{nil, {5}, {0, 7}, {0, 30, 15}, {0, 15, 15}, {0, 90}} {
		if _, err := segi.Aggregate(froms); atalaya.ErrorCode(err) != atalaya.EINVALID {
			t.Errorf("Aggregate(%v) error = %v; want an %q error", froms, err, atalaya.EINVALID)
		}
	}
}
