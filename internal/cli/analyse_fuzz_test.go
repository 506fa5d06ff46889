package cli

import (
	"math"
	"testing"
)

func TestAnalyseWindowSpec(t *testing.T) {
	for _, c := range []struct {
		in       string
		kind     int
		cols     int
		from, to int
		periods  []int
		bad      bool
	}{
		{"gdpcap:1960-1969", periodInt, 1, 1960, 1969, nil, false},
		{"a,b:1964..1969", periodInt, 2, 1964, 1969, nil, false},
		{"popdens:1969", periodInt, 1, 1969, 1969, nil, false},
		{"sec.x:1961-1969/2", periodInt, 1, 0, 0, []int{1961, 1963, 1965, 1967, 1969}, false},
		{"sec.x:1961,1963", periodInt, 1, 0, 0, []int{1961, 1963}, false},
		{"y:2015-01-2015-03", periodMonth, 1, 2015 * 12, 2015*12 + 2, nil, false},
		{"y:2015-01..2015-03", periodMonth, 1, 2015 * 12, 2015*12 + 2, nil, false},
		{"y:1969-1960", periodInt, 0, 0, 0, nil, true},
		{"y:", periodInt, 0, 0, 0, nil, true},
		{":1960", periodInt, 0, 0, 0, nil, true},
		{"y", periodInt, 0, 0, 0, nil, true},
		{"y:1960-", periodInt, 0, 0, 0, nil, true},
		{"y:1960-1970/0", periodInt, 0, 0, 0, nil, true},
	} {
		ws, err := parseWindowSpec(c.in, c.kind)
		if (err != nil) != c.bad {
			t.Errorf("%q: err %v", c.in, err)
			continue
		}
		if c.bad {
			continue
		}
		if len(ws.Cols) != c.cols || (c.periods == nil && (ws.From != c.from || ws.To != c.to || !ws.Ranged)) {
			t.Errorf("%q: %+v", c.in, ws)
		}
		if c.periods != nil && (ws.Ranged || len(ws.Periods) != len(c.periods)) {
			t.Errorf("%q: %+v", c.in, ws)
		}
	}
}

func TestAnalyseParseNumber(t *testing.T) {
	for _, c := range []struct {
		in    string
		delim rune
		want  float64
		ok    bool
	}{
		{"1234.5", ',', 1234.5, true}, {"1234,5", ';', 1234.5, true}, {"1.234,5", ';', 1234.5, true},
		{"1,234.5", ',', 1234.5, true}, {"1,234", ',', 1234, true}, {"1,5", ',', 1.5, true},
		{"1 234,5", ';', 1234.5, true}, {"-0,25", '\t', -0.25, true}, {"NA", ',', 0, false}, {"", ',', 0, false},
		{"1e3", ',', 1000, true}, {"1.234.567", ';', 1234567, true}, {"1,234,567", ',', 1234567, true},
	} {
		v, ok, err := parseNumber(c.in, c.delim)
		if err != nil || ok != c.ok || v != c.want {
			t.Errorf("parseNumber(%q, %q) = %g, %v, %v; want %g", c.in, c.delim, v, ok, err, c.want)
		}
	}
	for _, s := range []string{"0x10", "inf", "NaN1", "1_000", "abc", "1,2,3", "1e400", "1.23.4", "1,23,4"} {
		if _, _, err := parseNumber(s, ';'); err == nil {
			t.Errorf("parseNumber(%q) accepted", s)
		}
	}
}

// FuzzAnalyseSpecs checks that the parsers of the analyst's flags and
// cells never panic and give only sane results.
func FuzzAnalyseSpecs(f *testing.F) {
	for _, s := range []string{"gdpcap:1960-1969", "a,b:1961-1969/2", "x:1961,1963,1965", "y:2015-01..2016-12",
		"y:2015-01-2015-03", "y:2015-Q1..2016-Q4", "Q3 2019", "1.234,5", "2015/03", "03/2015", "-1960--1950", "y:-5-5", "y:1-99999999/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, kind := range []int{0, periodInt, periodMonth} {
			ws, err := parseWindowSpec(s, kind)
			if err != nil {
				continue
			}
			if len(ws.Cols) == 0 {
				t.Fatalf("%q: no columns", s)
			}
			if ws.Ranged && ws.From > ws.To {
				t.Fatalf("%q: range %d..%d", s, ws.From, ws.To)
			}
			if !ws.Ranged && (len(ws.Periods) == 0 || len(ws.Periods) > 100000) {
				t.Fatalf("%q: %d periods", s, len(ws.Periods))
			}
		}
		if v, ok, err := parseNumber(s, ','); err == nil && ok && (math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e15) {
			t.Fatalf("parseNumber(%q) = %g", s, v)
		}
		if k, kind, err := parsePeriod(s); err == nil {
			if kind != periodInt && kind != periodMonth && kind != periodQuarter {
				t.Fatalf("parsePeriod(%q): kind %d", s, kind)
			}
			if kind == periodMonth || kind == periodQuarter {
				if k2, kind2, err := parsePeriod(formatPeriod(k, kind)); err != nil || k2 != k || kind2 != kind {
					t.Fatalf("parsePeriod(%q) = %d does not round-trip through %q", s, k, formatPeriod(k, kind))
				}
			}
		}
	})
}
