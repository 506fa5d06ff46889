package values

import (
	"context"
	"testing"
	"time"
)

// FuzzQuery feeds arbitrary query parameters (they come from URLs) to the
// engine: it must answer or refuse with an error, never panic, and every
// value it gives must be for a requested area.
func FuzzQuery(f *testing.F) {
	f.Add("MEX", "2023", "2023", "sex", "", false)
	f.Add("MEX-01,MEX-02", "2023-01", "2023-12", "", "area", true)
	f.Add("MEX", "2023-Q1", "2023-Q4", "weapon", "period", false)
	f.Add("MEX", "9999", "0000", "age", "all", true)
	store := basic()
	cat, err := catalogueOnce()
	if err != nil {
		f.Fatal(err)
	}
	e := New(store, cat, func() time.Time { return t0 })
	f.Fuzz(func(t *testing.T, area, from, to, by, total string, public bool) {
		q := Query{Indicator: "homicide-rate", Areas: splitAreas(area), From: from, To: to, By: by, Total: total, Public: public}
		res, err := e.Values(context.Background(), q)
		if err != nil {
			return
		}
		for _, v := range res.Values {
			if v.Area == "" || v.Period == "" || v.Flags == nil {
				t.Fatalf("incomplete value %+v", v)
			}
			if v.Count != nil && *v.Count < 0 {
				t.Fatalf("negative count %+v", v)
			}
		}
	})
}

func splitAreas(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}
