package compstat_test

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya/internal/compstat"
)

func FuzzRateRatioTest(f *testing.F) {
	f.Add(uint32(25), uint32(16), 1.0, 1.0, 0.95)
	f.Add(uint32(0), uint32(3), 7.0, 364.0, 0.9)
	f.Add(uint32(100000), uint32(1), 1e-300, 1e300, 0.999999)
	f.Fuzz(func(t *testing.T, x1, x2 uint32, t1, t2, conf float64) {
		r, err := compstat.RateRatioTest(int(x1%2000000), int(x2%2000000), t1, t2, conf)
		if err != nil {
			return
		}
		for _, v := range []float64{r.Ratio, r.Low, r.High, r.P} {
			if math.IsNaN(v) {
				t.Fatalf("RateRatioTest(%d, %d, %g, %g, %g) = %+v: NaN", x1, x2, t1, t2, conf, r)
			}
		}
		if r.P < 0 || r.P > 1 || r.Low > r.Ratio || r.Ratio > r.High {
			t.Fatalf("RateRatioTest(%d, %d, %g, %g, %g) = %+v: out of order", x1, x2, t1, t2, conf, r)
		}
	})
}

// floats turns fuzz bytes into finite-or-not float64 values.
func floats(b []byte) []float64 {
	var out []float64
	for len(b) >= 8 {
		out = append(out, math.Float64frombits(binary.LittleEndian.Uint64(b)))
		b = b[8:]
	}
	return out
}

func FuzzSTL(f *testing.F) {
	seed := make([]byte, 8*40)
	for i := 0; i < 40; i++ {
		binary.LittleEndian.PutUint64(seed[8*i:], math.Float64bits(float64(i%12)+float64(i)/10))
	}
	f.Add(seed, uint8(12), uint8(0), false)
	f.Add(seed, uint8(4), uint8(7), true)
	f.Fuzz(func(t *testing.T, b []byte, period, sw uint8, robust bool) {
		y := floats(b)
		opt := compstat.DefaultSTLOptions(int(sw))
		opt.Robust = robust
		d, err := compstat.STL(y, int(period), opt)
		if err != nil {
			return
		}
		for _, s := range [][]float64{d.Seasonal, d.Trend, d.Remainder, d.Weights} {
			for i, v := range s {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("STL(%v, %d, %+v): value %d is %g", y, period, opt, i, v)
				}
			}
		}
	})
}

func FuzzCompare(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, uint16(400), uint16(20))
	f.Fuzz(func(t *testing.T, b []byte, days, asOf uint16) {
		start := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
		var s []compstat.DayCount
		for i, c := range b {
			s = append(s, compstat.DayCount{Day: start.AddDate(0, 0, i*int(days%30+1)), Count: int(c)})
		}
		cs, err := compstat.Compare(s, start.AddDate(0, 0, int(asOf%1200)), 0.05)
		if err != nil {
			return
		}
		for _, c := range cs {
			for _, ch := range []compstat.Change{c.VsPrevious, c.VsLastYear} {
				if ch.Test != nil && (math.IsNaN(ch.Test.P) || math.IsNaN(ch.Test.Ratio)) {
					t.Fatalf("Compare: %+v has NaN", ch)
				}
				if ch.Percent != nil && math.IsNaN(*ch.Percent) {
					t.Fatalf("Compare: %+v has NaN percent", ch)
				}
			}
		}
	})
}
