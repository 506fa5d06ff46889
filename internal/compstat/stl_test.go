package compstat_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/compstat"
)

// stlCases are the stl() calls of testdata/make_golden.R.
var stlCases = []struct {
	name string
	opt  compstat.STLOptions
}{
	{"periodic", compstat.DefaultSTLOptions(0)},
	{"s7", compstat.DefaultSTLOptions(7)},
	{"s13_robust", func() compstat.STLOptions {
		o := compstat.DefaultSTLOptions(13)
		o.Robust = true
		return o
	}()},
	{"s21_t31_deg1", func() compstat.STLOptions {
		o := compstat.DefaultSTLOptions(21)
		o.TWindow, o.SDegree = 31, 1
		return o
	}()},
	{"s7_outer3", func() compstat.STLOptions {
		o := compstat.DefaultSTLOptions(7)
		o.Outer = 3
		return o
	}()},
}

// TestSTL_R checks seasonal, trend and robustness weights against R's
// stats::stl on nottem, co2, UKgas (quarterly) and Mexico's monthly homicide victims, to
// 1e-6 relative (the largest relative difference is logged).
func TestSTL_R(t *testing.T) {
	for series, period := range map[string]int{"nottem": 12, "co2": 12, "ukgas": 4, "mexico": 12} {
		header, rows := readGolden(t, "testdata/golden_stl_"+series+".csv")
		c := column(header)
		y := make([]float64, len(rows))
		for i, r := range rows {
			y[i] = num(t, r[c["y"]])
		}
		for _, sc := range stlCases {
			t.Run(series+"/"+sc.name, func(t *testing.T) {
				d, err := compstat.STL(y, period, sc.opt)
				if err != nil {
					t.Fatal(err)
				}
				worst := 0.0
				for _, part := range []struct {
					col string
					got []float64
				}{
					{"_seasonal", d.Seasonal}, {"_trend", d.Trend}, {"_weights", d.Weights},
				} {
					for i, r := range rows {
						want := num(t, r[c[sc.name+part.col]])
						got := part.got[i]
						rel := math.Abs(got-want) / math.Max(math.Abs(want), 1e-300)
						if want == 0 {
							rel = math.Abs(got)
						}
						worst = math.Max(worst, rel)
						if rel > 1e-6 {
							t.Errorf("STL(%s, %s)%s[%d] = %.17g; want %.17g (R)", series, sc.name, part.col, i, got, want)
						}
					}
				}
				t.Logf("largest relative difference from R: %.3g", worst)
			})
		}
	}
}

func TestSTL_Invalid(t *testing.T) {
	y := make([]float64, 36)
	for _, c := range []struct {
		y      []float64
		period int
		opt    compstat.STLOptions
	}{
		{y[:24], 12, compstat.DefaultSTLOptions(0)},
		{y, 1, compstat.DefaultSTLOptions(0)},
		{append([]float64{math.NaN()}, y...), 12, compstat.DefaultSTLOptions(0)},
		{y, 12, compstat.STLOptions{SWindow: 7, TDegree: 2}},
		{y, 12, compstat.STLOptions{SWindow: -7}},
	} {
		_, err := compstat.STL(c.y, c.period, c.opt)
		if atalaya.ErrorCode(err) != atalaya.EINVALID {
			t.Errorf("STL(%d points, %d, %+v) error = %v; want code %s", len(c.y), c.period, c.opt, err, atalaya.EINVALID)
		}
	}
}

func ExampleSTL() {
	// Three years of a monthly series with a summer peak and a rising trend.
	y := make([]float64, 36)
	for i := range y {
		y[i] = 100 + float64(i) + 10*math.Sin(2*math.Pi*float64(i)/12)
	}
	d, err := compstat.STL(y, 12, compstat.DefaultSTLOptions(0))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("trend %.1f → %.1f, seasonal peak %.1f\n", d.Trend[0], d.Trend[35], d.Seasonal[3])
	// Output: trend 101.0 → 134.0, seasonal peak 9.2
}
