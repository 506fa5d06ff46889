package stats_test

import (
	"fmt"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/stats"
)

func BenchmarkPoissonCI(b *testing.B) {
	for _, k := range []int64{0, 5, 100, 12752, 99999, 1e6, 1e7} {
		b.Run(fmt.Sprint(k), func(b *testing.B) {
			for b.Loop() {
				stats.PoissonCI(k, 0.95)
			}
		})
	}
}

func BenchmarkRateRatio(b *testing.B) {
	for _, k := range []int64{10, 1000, 100000} {
		b.Run(fmt.Sprint(k), func(b *testing.B) {
			for b.Loop() {
				stats.RateRatio(k, 1e6, k+k/10, 1e6, 0.95)
			}
		})
	}
}

func BenchmarkDirectStandardised(b *testing.B) {
	who := stats.WHO2000()
	counts := make([]int64, len(who.Weights))
	pops := make([]int64, len(who.Weights))
	for i := range counts {
		counts[i] = int64(3 + 2*i)
		pops[i] = int64(90000 - 4000*i)
	}
	for b.Loop() {
		if _, _, _, err := stats.DirectStandardised(counts, pops, who.Weights, 1e5, 0.95); err != nil {
			b.Fatal(err)
		}
	}
}
