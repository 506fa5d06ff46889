package compstat_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/compstat"
)

// TestRateRatioTest_R checks estimate, interval and p-value against R's
// poisson.test to 1e-6 relative.
func TestRateRatioTest_R(t *testing.T) {
	header, rows := readGolden(t, "testdata/golden_poisson_test.csv")
	c := column(header)
	worst := 0.0
	defer func() { t.Logf("largest relative difference from R: %.2g", worst) }()
	for _, r := range rows {
		x1, x2 := int(num(t, r[c["x1"]])), int(num(t, r[c["x2"]]))
		t1, t2, conf := num(t, r[c["t1"]]), num(t, r[c["t2"]]), num(t, r[c["conf"]])
		got, err := compstat.RateRatioTest(x1, x2, t1, t2, conf)
		if err != nil {
			t.Errorf("RateRatioTest(%d, %d, %g, %g, %g): %v", x1, x2, t1, t2, conf, err)
			continue
		}
		for _, f := range []struct {
			name      string
			got, want float64
			floor     float64
		}{
			{"estimate", got.Ratio, num(t, r[c["estimate"]]), 0},
			{"low", got.Low, num(t, r[c["low"]]), 0},
			{"high", got.High, num(t, r[c["high"]]), 0},
			// p-values below 1e-300 are subnormal in R too; compare them
			// absolutely.
			{"p", got.P, num(t, r[c["p"]]), 1e-300},
		} {
			if f.want != 0 && !math.IsInf(f.want, 0) && f.want > 1e-300 {
				worst = math.Max(worst, math.Abs(f.got-f.want)/math.Abs(f.want))
			}
			if !closeTo(f.got, f.want, 1e-6, f.floor) {
				t.Errorf("RateRatioTest(%d, %d, %g, %g, %g) %s = %.17g; want %.17g (R)", x1, x2, t1, t2, conf, f.name, f.got, f.want)
			}
		}
	}
}

func TestRateRatioTest_Invalid(t *testing.T) {
	for _, c := range []struct {
		x1, x2 int
		t1, t2 float64
		conf   float64
	}{
		{-1, 3, 1, 1, 0.95},
		{0, 0, 1, 1, 0.95},
		{1, 3, 0, 1, 0.95},
		{1, 3, 1, math.NaN(), 0.95},
		{1, 3, 1, math.Inf(1), 0.95},
		{1, 3, 1, 1, 1},
		{1, 3, 1, 1, math.NaN()},
	} {
		_, err := compstat.RateRatioTest(c.x1, c.x2, c.t1, c.t2, c.conf)
		if atalaya.ErrorCode(err) != atalaya.EINVALID {
			t.Errorf("RateRatioTest(%v) error = %v; want code %s", c, err, atalaya.EINVALID)
		}
	}
}

func TestRateRatio_Read(t *testing.T) {
	for _, c := range []struct {
		x1, x2 int
		want   compstat.Reading
	}{
		{25, 16, compstat.Noise},
		{60, 30, compstat.Increase},
		{30, 60, compstat.Decrease},
	} {
		r, err := compstat.RateRatioTest(c.x1, c.x2, 1, 1, 0.95)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Read(0.05); got != c.want {
			t.Errorf("RateRatioTest(%d, %d).Read(0.05) = %q; want %q (p = %g)", c.x1, c.x2, got, c.want, r.P)
		}
	}
}

func TestRateRatio_MarshalJSON(t *testing.T) {
	r, err := compstat.RateRatioTest(5, 0, 1, 1, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["ratio"] != nil || m["high"] != nil || m["low"] == nil || m["p"] == nil {
		t.Errorf("json.Marshal(%+v) = %s; want null ratio and high, numbers otherwise", r, b)
	}
}
