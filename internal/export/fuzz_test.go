package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/export"
	"github.com/oas-atalaya/atalaya/internal/tabular"
)

// FuzzWriters checks that no writer fails or panics whatever the text of a
// value, that the CSV download parses back to the cells written (each
// neutralised), that SDMX-CSV rows all have the header's width, and that
// SDMX-JSON is JSON.
func FuzzWriters(f *testing.F) {
	f.Add("MEX", "México", "2023", "F", "15-29", "firearm", "no population", "suppressed", "es", int64(12), 1.5)
	f.Add("=1+1", "-2+3+cmd|' /C calc'!A0", "2015/2024", "", "60+", "", "line\r\nbreak", "a b", "xx", int64(-1), -1.5)
	f.Add("\"q\"", "\t@x", "2024-Q5", "_T", "U", "U", "\x00\x01_x0041_", "", "", int64(0), 0.0)
	f.Fuzz(func(t *testing.T, area, name, period, sex, age, weapon, note, flag, lang string, count int64, rate float64) {
		m := meta(lang)
		m.AreaNames = map[string]string{area: name}
		m.Query, m.Attribution = note, []string{name, note}
		v := atalaya.Value{Indicator: "homicide-rate", Area: area, Period: period, Sex: sex, Age: age, Weapon: weapon,
			Context: flag, SourceType: atalaya.SourceType(weapon), Unit: atalaya.CountingUnit(sex), Count: &count, Rate: &rate,
			Denominator: &count, Standard: note, Status: atalaya.Status(flag), Flags: []string{flag, note}, NotAvailable: note}
		empty := v
		empty.Count, empty.Rate, empty.Denominator = nil, nil, nil
		vals := []atalaya.Value{v, empty}

		for _, format := range export.Formats() {
			var out bytes.Buffer
			if err := format.Write(&out, m, vals); err != nil {
				t.Fatalf("%s: %v", format.Name, err)
			}
			switch format.Name {
			case "csv":
				checkCSV(t, out.Bytes(), v, name)
			case "xlsx":
				r, err := tabular.Open(bytes.NewReader(out.Bytes()), int64(out.Len()), "out.xlsx", tabular.Options{Sheet: "Data"})
				if err != nil {
					t.Fatalf("xlsx: %v", err)
				}
				if got := strings.Join(r.Header(), ","); got != strings.Join(export.Columns, ",") {
					t.Errorf("xlsx header = %s", got)
				}
				n := 0
				for {
					if _, err := r.Next(); err == io.EOF {
						break
					} else if err != nil {
						t.Fatalf("xlsx: %v", err)
					}
					n++
				}
				r.Close()
				if n != len(vals) {
					t.Errorf("xlsx: %d rows; want %d", n, len(vals))
				}
			case "sdmx-csv":
				cr := csv.NewReader(&out)
				recs, err := cr.ReadAll() // fails on rows of another width
				if err != nil {
					t.Fatalf("sdmx-csv does not parse: %v", err)
				}
				if len(recs) != 1+2*2+1 {
					t.Errorf("sdmx-csv: %d rows; want 6", len(recs))
				}
			case "sdmx-json":
				if !json.Valid(out.Bytes()) {
					t.Errorf("sdmx-json is not JSON:\n%s", out.String())
				}
			}
		}
	})
}

// checkCSV parses the CSV download and compares it with the cells written.
func checkCSV(t *testing.T, b []byte, v atalaya.Value, name string) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte(export.BOM)) {
		t.Fatal("csv: no byte-order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(b[len(export.BOM):])).ReadAll()
	if err != nil {
		t.Fatalf("csv does not parse: %v", err)
	}
	if len(recs) != 3 || strings.Join(recs[0], ",") != strings.Join(export.Columns, ",") {
		t.Fatalf("csv: %d records, header %q", len(recs), recs[0])
	}
	// A CSV reader turns a quoted CRLF into LF.
	cell := func(s string) string { return strings.ReplaceAll(export.Neutralise(s), "\r\n", "\n") }
	num := strconv.FormatInt(*v.Count, 10)
	want := map[string]string{
		"indicator": "homicide-rate", "area": cell(v.Area), "area_name": cell(name), "period": cell(v.Period),
		"sex": cell(v.Sex), "age": cell(v.Age), "weapon": cell(v.Weapon), "context": cell(v.Context),
		"count": num, "denominator": num, "multiplier": "100000",
		"standard": cell(v.Standard), "status": cell(string(v.Status)),
		"flags": cell(strings.Join(v.Flags, " ")), "not_available": cell(v.NotAvailable),
	}
	for i, c := range export.Columns {
		w, ok := want[c]
		if !ok {
			continue
		}
		if got := recs[1][i]; got != w {
			t.Errorf("csv %s = %q; want %q", c, got, w)
		}
		if c == "count" || c == "denominator" {
			if recs[2][i] != "" {
				t.Errorf("csv %s of a value without one = %q; want empty", c, recs[2][i])
			}
		}
	}
}
