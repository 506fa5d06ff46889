package stats_test

import (
	"fmt"

	"github.com/oas-atalaya/atalaya/internal/stats"
)

func ExampleRateCI() {
	// 12 homicides in a municipality of 48,000 inhabitants.
	rate, lo, hi, ok := stats.RateCI(12, 48000, 1e5, 0.95)
	if !ok {
		return
	}
	fmt.Printf("%.1f per 100,000 (95%% CI %.1f to %.1f)\n", rate, lo, hi)
	// Output: 25.0 per 100,000 (95% CI 12.9 to 43.7)
}

func ExampleDirectStandardised() {
	// Homicides and population by age band, standardised to the WHO World
	// Standard Population in five broad bands.
	who, err := stats.WHO2000().Aggregate([]int{0, 15, 30, 45, 60})
	if err != nil {
		fmt.Println(err)
		return
	}
	counts := []int64{1, 19, 12, 4, 0}
	pops := []int64{21500, 18800, 15100, 9900, 6100}
	rate, lo, hi, err := stats.DirectStandardised(counts, pops, who.Weights, 1e5, 0.95)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(who.Bands)
	fmt.Printf("%.1f per 100,000 (95%% CI %.1f to %.1f)\n", rate, lo, hi)
	// Output:
	// [0-14 15-29 30-44 45-59 60+]
	// 49.5 per 100,000 (95% CI 34.6 to 69.4)
}

func ExampleRateRatio() {
	// 25 robberies this quarter against 16 in the same quarter last year,
	// over the same population.
	ratio, lo, hi, _ := stats.RateRatio(25, 1, 16, 1, 0.95)
	fmt.Printf("ratio %.2f (95%% CI %.2f to %.2f)\n", ratio, lo, hi)
	// Output: ratio 1.56 (95% CI 0.80 to 3.13)
}
