package values

import (
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/stats"
)

// TestAgeStandardised checks the engine's wiring of direct standardisation:
// the source's bands, the population's finer bands added up to them, the
// WHO standard regrouped into them (stats.DirectStandardised itself is
// checked against R epitools values in internal/stats).
func TestAgeStandardised(t *testing.T) {
	f := &fakeStore{areas: mexicoAreas(), version: 1}
	bands := []string{"0-14", "15-29", "30-44", "45-59", "60+"}
	counts := []int64{3, 40, 30, 12, 5}
	var cells []atalaya.CubeCell
	for i, b := range bands {
		cells = append(cells, cell("MEX-01", "2023", "0101", "M", b, "U", police, victim, counts[i]))
	}
	cells = append(cells, cell("MEX-01", "2023", "0101", "M", "U", "U", police, victim, 4))
	f.cells = rollup(cells)
	// Population in five-year bands (finer than the source's).
	fine := map[string]int64{"0-4": 50000, "5-9": 50000, "10-14": 50000, "15-19": 45000, "20-24": 45000, "25-29": 40000,
		"30-34": 40000, "35-39": 35000, "40-44": 35000, "45-49": 30000, "50-54": 30000, "55-59": 25000, "60+": 60000}
	var total int64
	for b, n := range fine {
		f.pops = append(f.pops, atalaya.Population{Area: "MEX-01", Year: 2023, Sex: "T", AgeBand: b, Value: n})
		total += n
	}
	f.pops = append(f.pops, atalaya.Population{Area: "MEX-01", Year: 2023, Sex: "T", AgeBand: "T", Value: total})
	vals := query(t, f, Query{Indicator: "homicide-rate", Areas: []string{"MEX-01"}, From: "2023", To: "2023", Standard: "who2000"})
	v := vals[0]
	if v.Rate == nil || v.Standard == "" {
		t.Fatalf("standardised value: %+v", v)
	}
	pops := []int64{150000, 130000, 110000, 85000, 60000}
	std, _ := stats.WHO2000().Aggregate([]int{0, 15, 30, 45, 60})
	rate, lo, hi, err := stats.DirectStandardised(counts, pops, std.Weights, 1e5, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if !near(*v.Rate, rate) || !near(*v.CILow, lo) || !near(*v.CIHigh, hi) {
		t.Fatalf("standardised %v [%v %v], want %v [%v %v]", *v.Rate, *v.CILow, *v.CIHigh, rate, lo, hi)
	}
	if *v.Count != 90 {
		t.Fatalf("count %d: victims of unknown age are left out of a standardised rate", *v.Count)
	}
	// Without population by age, not available, with the reason.
	f.pops = f.pops[len(f.pops)-1:]
	f.version++
	vals = query(t, f, Query{Indicator: "homicide-rate", Areas: []string{"MEX-01"}, From: "2023", To: "2023", Standard: "who2000"})
	if v := vals[0]; v.Rate != nil || v.NotAvailable == "" {
		t.Fatalf("no age populations: %+v", v)
	}
}
