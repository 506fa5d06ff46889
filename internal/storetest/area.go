package storetest

import (
	"testing"

	"github.com/oas-atalaya/atalaya"
)

// withoutBoundary is a as Areas returns it.
func withoutBoundary(a atalaya.Area) atalaya.Area {
	a.Boundary = nil
	return a
}

func areaCodes(as []atalaya.Area) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.Code)
	}
	return out
}

func testAreas(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)

	got, err := s.Area(c, "MEX-09-015")
	ok(t, err, "Area")
	same(t, "Area(MEX-09-015)", got, areaCuau)
	got, err = s.Area(c, "MEX")
	ok(t, err, "Area")
	same(t, "Area(MEX)", got, areaMEX)
	_, err = s.Area(c, "MEX-99")
	wantCode(t, err, atalaya.ENOTFOUND, "Area(MEX-99)")

	all, err := s.Areas(c, atalaya.AreaFilter{})
	ok(t, err, "Areas")
	same(t, "Areas({})", all, []atalaya.Area{
		withoutBoundary(areaCOL), withoutBoundary(areaBOG), withoutBoundary(areaMEX),
		withoutBoundary(areaCDMX), withoutBoundary(areaCuau), withoutBoundary(areaEdoMX),
	})

	level := func(n int) *int { return &n }
	for _, tc := range []struct {
		f    atalaya.AreaFilter
		want []string
	}{
		{atalaya.AreaFilter{Country: "MEX"}, []string{"MEX", "MEX-09", "MEX-09-015", "MEX-15"}},
		{atalaya.AreaFilter{Country: "COL"}, []string{"COL", "COL-11"}},
		{atalaya.AreaFilter{Country: "ARG"}, []string{}},
		{atalaya.AreaFilter{Parent: "MEX"}, []string{"MEX-09", "MEX-15"}},
		{atalaya.AreaFilter{Parent: "MEX-09"}, []string{"MEX-09-015"}},
		{atalaya.AreaFilter{Level: level(0)}, []string{"COL", "MEX"}},
		{atalaya.AreaFilter{Level: level(1), Country: "MEX"}, []string{"MEX-09", "MEX-15"}},
		{atalaya.AreaFilter{Level: level(2)}, []string{"MEX-09-015"}},
		{atalaya.AreaFilter{Search: "cuauhtémoc"}, []string{"MEX-09-015"}},
		{atalaya.AreaFilter{Search: "CIUDAD"}, []string{"MEX-09"}},
		{atalaya.AreaFilter{Search: "mex-09"}, []string{"MEX-09", "MEX-09-015"}},
		{atalaya.AreaFilter{Search: "bogotá"}, []string{"COL-11"}},
		{atalaya.AreaFilter{Search: "méxico", Level: level(1)}, []string{"MEX-09", "MEX-15"}},
		{atalaya.AreaFilter{Search: "%"}, []string{}},
		{atalaya.AreaFilter{Search: "_"}, []string{}},
	} {
		got, err := s.Areas(c, tc.f)
		ok(t, err, "Areas")
		same(t, "Areas("+describe(tc.f)+")", areaCodes(got), tc.want)
	}

	// Replace: every field is replaced, including a boundary by none.
	cdmx := areaCDMX
	cdmx.Name, cdmx.Names, cdmx.ValidFrom, cdmx.Source = "CDMX", map[string]string{"en": "Mexico City"}, "", "test"
	cuau := areaCuau
	cuau.Boundary = nil
	ok(t, s.PutAreas(c, []atalaya.Area{cuau, cdmx}), "PutAreas (replace)")
	got, err = s.Area(c, "MEX-09")
	ok(t, err, "Area")
	same(t, "Area(MEX-09) after replace", got, cdmx)
	got, err = s.Area(c, "MEX-09-015")
	ok(t, err, "Area")
	same(t, "Area(MEX-09-015) after replace", got, cuau)
}

func testAreaErrors(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	good := atalaya.Area{Code: "MEX-30", Country: "MEX", Parent: "MEX", Level: 1, Name: "Veracruz"}
	for _, tc := range []struct {
		name    string
		area    atalaya.Area
		mention []string
	}{
		{"missing parent", atalaya.Area{Code: "MEX-20-001", Country: "MEX", Parent: "MEX-20", Level: 2, Name: "Abejones"}, []string{"MEX-20-001", "MEX-20"}},
		{"bad code", atalaya.Area{Code: "mex", Country: "mex", Name: "x"}, []string{"mex"}},
		{"no name", atalaya.Area{Code: "MEX-31", Country: "MEX", Parent: "MEX", Level: 1}, []string{"MEX-31"}},
		{"level skips", atalaya.Area{Code: "MEX-09-016", Country: "MEX", Parent: "MEX", Level: 2, Name: "x"}, []string{"MEX-09-016"}},
		{"other country", atalaya.Area{Code: "COL-12", Country: "COL", Parent: "MEX", Level: 1, Name: "x"}, []string{"COL-12"}},
	} {
		// The good area in the same call must not be stored either.
		err := s.PutAreas(c, []atalaya.Area{good, tc.area})
		wantCode(t, err, atalaya.EINVALID, "PutAreas("+tc.name+")", tc.mention...)
	}
	_, err := s.Area(c, good.Code)
	wantCode(t, err, atalaya.ENOTFOUND, "Area of a failed PutAreas")

	// A parent that comes later in the same call is fine.
	child := atalaya.Area{Code: "MEX-30-001", Country: "MEX", Parent: "MEX-30", Level: 2, Name: "Acajete"}
	ok(t, s.PutAreas(c, []atalaya.Area{child, good}), "PutAreas(child before parent)")
	ok(t, s.PutAreas(c, nil), "PutAreas(nil)")
}

func testBoundaries(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	collect := func(country string) []atalaya.Area {
		var out []atalaya.Area
		ok(t, s.Boundaries(c, country, func(a atalaya.Area) error { out = append(out, a); return nil }), "Boundaries")
		return out
	}
	same(t, "Boundaries(MEX)", collect("MEX"), []atalaya.Area{areaMEX, areaCuau})
	same(t, "Boundaries(\"\")", collect(""), []atalaya.Area{areaCOL, areaMEX, areaCuau})
	same(t, "Boundaries(ARG)", collect("ARG"), []atalaya.Area(nil))
	checkStops(t, "Boundaries", func(fn func() error) error {
		return s.Boundaries(c, "", func(atalaya.Area) error { return fn() })
	})
}

func testPopulations(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	pop := func(area string, year int, sex, band string, v int64) atalaya.Population {
		return atalaya.Population{Area: area, Year: year, Sex: sex, AgeBand: band, Value: v, Source: "CONAPO 2023"}
	}
	in := []atalaya.Population{
		pop("MEX-09", 2024, "T", "T", 9_200_000),
		pop("MEX-09", 2023, "F", "T", 4_800_000),
		pop("MEX-09", 2023, "T", "15-29", 2_000_000),
		pop("MEX-09", 2023, "T", "T", 9_210_000),
		pop("MEX", 2023, "T", "T", 129_000_000),
		pop("COL", 2023, "M", "60+", 3_000_000),
	}
	ok(t, s.PutPopulations(c, in), "PutPopulations")

	all, err := s.Populations(c, atalaya.PopulationFilter{})
	ok(t, err, "Populations")
	same(t, "Populations({})", all, []atalaya.Population{in[5], in[4], in[1], in[2], in[3], in[0]})

	for _, tc := range []struct {
		f    atalaya.PopulationFilter
		want []atalaya.Population
	}{
		{atalaya.PopulationFilter{Areas: []string{"MEX-09"}, YearFrom: 2024}, []atalaya.Population{in[0]}},
		{atalaya.PopulationFilter{Areas: []string{"MEX-09", "MEX"}, YearTo: 2023, Sex: "T", AgeBand: "T"}, []atalaya.Population{in[4], in[3]}},
		{atalaya.PopulationFilter{Sex: "F"}, []atalaya.Population{in[1]}},
		{atalaya.PopulationFilter{AgeBand: "60+"}, []atalaya.Population{in[5]}},
		{atalaya.PopulationFilter{YearFrom: 2023, YearTo: 2023, Areas: []string{"MEX-15"}}, nil},
	} {
		got, err := s.Populations(c, tc.f)
		ok(t, err, "Populations")
		same(t, "Populations("+describe(tc.f)+")", got, tc.want)
	}

	// Replace by key.
	upd := pop("MEX-09", 2024, "T", "T", 9_300_000)
	upd.Source = "CONAPO 2024"
	ok(t, s.PutPopulations(c, []atalaya.Population{upd}), "PutPopulations (replace)")
	got, err := s.Populations(c, atalaya.PopulationFilter{Areas: []string{"MEX-09"}, YearFrom: 2024})
	ok(t, err, "Populations")
	same(t, "Populations after replace", got, []atalaya.Population{upd})

	err = s.PutPopulations(c, []atalaya.Population{pop("MEX-15", 2023, "T", "T", 1), pop("MEX-99", 2023, "T", "T", 1)})
	wantCode(t, err, atalaya.EINVALID, "PutPopulations(unknown area)", "MEX-99")
	err = s.PutPopulations(c, []atalaya.Population{pop("MEX-15", 2023, "X", "T", 1)})
	wantCode(t, err, atalaya.EINVALID, "PutPopulations(bad sex)")
	got, err = s.Populations(c, atalaya.PopulationFilter{Areas: []string{"MEX-15"}})
	ok(t, err, "Populations")
	same(t, "Populations of failed puts", got, []atalaya.Population(nil))
}
