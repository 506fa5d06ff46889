package compstat_test

import (
	"math"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya/internal/compstat"
)

func BenchmarkRateRatioTest(b *testing.B) {
	for _, c := range []struct {
		name   string
		x1, x2 int
	}{{"small", 25, 16}, {"national", 30046, 33742}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := compstat.RateRatioTest(c.x1, c.x2, 366, 365, 0.95); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSTL(b *testing.B) {
	y := make([]float64, 240)
	for i := range y {
		y[i] = 100 + float64(i)/4 + 10*math.Sin(2*math.Pi*float64(i)/12) + 3*math.Sin(float64(i)*1.7)
	}
	for _, c := range []struct {
		name string
		opt  compstat.STLOptions
	}{{"240months/periodic", compstat.DefaultSTLOptions(0)}, {"240months/s13robust", func() compstat.STLOptions {
		o := compstat.DefaultSTLOptions(13)
		o.Robust = true
		return o
	}()}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := compstat.STL(y, 12, c.opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCompare(b *testing.B) {
	var s []compstat.DayCount
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 5*365; i++ {
		s = append(s, compstat.DayCount{Day: start.AddDate(0, 0, i), Count: 20 + i%7})
	}
	asOf := start.AddDate(0, 0, 5*365-1)
	for b.Loop() {
		if _, err := compstat.Compare(s, asOf, 0.05); err != nil {
			b.Fatal(err)
		}
	}
}
