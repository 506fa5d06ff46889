package ingest

import (
	"testing"
	"time"
)

func TestDates(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		format, in, want string
		ok               bool
	}{
		{"YYYY-MM-DD", "2024-01-05", "2024-01-05", true},
		{"YYYY-MM-DD", "2020-01-08T00:00:00.000", "2020-01-08", true}, // Socrata timestamps
		{"DD/MM/YYYY HH:mm", "05/01/2024 22:10", "2024-01-05", true},
		{"DD/MM/YYYY", "05/01/2024 22:10", "2024-01-05", true}, // time ignored
		{"MM/DD/YYYY hh:mm:ss AM", "01/08/2020 12:00:00 AM", "2020-01-08", true},
		{"MM/DD/YYYY", "01/08/2020 12:00:00 AM", "2020-01-08", true},
		{"D/M/YYYY", "5/1/2024", "2024-01-05", true},
		{"DD/MM/YYYY", "31/02/2024", "", false},
		{"DD/MM/YYYY", "2024-02-30", "", false},
		{"DD/MM/YYYY", "05/01/2030", "", false}, // future
		{"DD/MM/YYYY", "05/01/1850", "", false}, // before 1900
		{"DD/MM/YYYY", "", "", false},
		{"YYYY-MM-DDTHH:mm:ss.SSS", "2020-01-08T10:11:12.345", "2020-01-08", true},
	}
	for _, c := range cases {
		dp := newDateParser(c.format, "", now)
		got, err := dp.parse(c.in)
		if (err == nil) != c.ok || (c.ok && got.Format("2006-01-02") != c.want) {
			t.Errorf("%s %q: %v %v; want %q ok=%v", c.format, c.in, got, err, c.want, c.ok)
		}
	}
}

func TestNumbersAndPeriods(t *testing.T) {
	comma := newNumberParser(",", ".")
	for in, want := range map[string]float64{"1.234,5": 1234.5, "19,4326": 19.4326, "-99,13": -99.13, " 7 ": 7} {
		if got, err := comma.parse(in); err != nil || got != want {
			t.Errorf("decimal comma %q = %v %v, want %v", in, got, err, want)
		}
	}
	plain := newNumberParser(".", "")
	for _, bad := range []string{"", "abc", "1e999", "NaN", "12,5", "0x10p0", "1_000", "inf", "Infinity"} {
		if _, err := plain.parse(bad); err == nil {
			t.Errorf("%q parsed as a number", bad)
		}
	}
	for in, want := range map[string]string{"2024": "2024", "2024-03": "2024-03", "2024-M03": "2024-03", "2024-q2": "2024-Q2"} {
		if got, err := parsePeriod(in); err != nil || got != want {
			t.Errorf("period %q = %q %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"24", "2024-13", "2024-Q5", "2024-1", "x2024", "2024-+1", "2024-M+2", "2e03", "+024", "2024-00"} {
		if _, err := parsePeriod(bad); err == nil {
			t.Errorf("period %q accepted", bad)
		}
	}
	for in, want := range map[string]int{"1": 1, "12": 12, "Enero": 1, "fév": 2, "févr": 0, "déc": 12, "sept": 9, "Março": 3, "oct": 10} {
		got, err := parseMonth(in)
		if want == 0 {
			if err == nil {
				t.Errorf("month %q accepted as %d", in, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("month %q = %d %v, want %d", in, got, err, want)
		}
	}
	if _, err := parseMonth("jui"); err == nil {
		t.Error("the ambiguous French abbreviation jui was accepted")
	}
}
