package tabular_test

import (
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/tabular"
)

func TestJSONL(t *testing.T) {
	in := strings.Join([]string{
		`{"id": 1, "delito": "Robo", "monto": 12.50, "arma": null, "flag": true}`,
		``,
		`{"delito": "Homicidio", "id": 2}`,
		`{"id": 3, "extra": "x"}`,
		`{"id": 4, "delito": ["a", "b"]}`,
		`{"id": 5, "delito": {"x": 1}}`,
		`not json`,
		`{"id": 6, "delito": "a"} {"id": 7}`,
		`{"id": 8, "id": 9}`,
		`[1, 2]`,
		`{"id": 10, "delito": "Tr\u00e1fico", "monto": -1e3, "flag": false}`,
		`{"id": 11, "delito": "trunc`,
	}, "\r\n")
	res := read(t, in, "datos.jsonl", tabular.Options{})
	if res.err != nil {
		t.Fatal(res.err)
	}
	wantHeader := []string{"id", "delito", "monto", "arma", "flag"}
	if !equal(res.header, wantHeader) {
		t.Errorf("header = %q; want %q", res.header, wantHeader)
	}
	rows, errs := res.fields()
	wantRows := [][]string{
		{"1", "Robo", "12.50", "", "true"},
		{"2", "Homicidio", "", "", ""},
		{"10", "Tráfico", "-1e3", "", "false"},
	}
	if !equalRows(rows, wantRows) {
		t.Errorf("rows = %q\nwant %q", rows, wantRows)
	}
	wantErrs := []string{
		`row 3, column "extra": is a key that the first line does not have; every line must have the same keys`,
		`row 4, column "delito": is an array; only strings, numbers, true, false and null can be values`,
		`row 5, column "delito": is an object; only strings, numbers, true, false and null can be values`,
		`row 6: is not valid JSON (invalid character 'o' in literal null (expecting 'u'))`,
		`row 7: is not valid JSON (more than one JSON value on the line)`,
		`row 8, column "id": appears twice in the same object`,
		`row 9: is not valid JSON (the line does not start with {)`,
		`row 11: is not valid JSON (the line ends in the middle of a value)`,
	}
	if !equal(errs, wantErrs) {
		t.Errorf("row errors:\n%s\nwant\n%s", strings.Join(errs, "\n"), strings.Join(wantErrs, "\n"))
	}
	if res.rows[3].Raw != `{"id": 4, "delito": ["a", "b"]}` {
		t.Errorf("Raw = %q", res.rows[3].Raw)
	}
}

func TestJSONLFileErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"\n\n", "has no JSON object"},
		{"[1,2]\n", "is not a JSON object"},
		{`{"a": 1, "a": 2}`, `duplicate column names in its header: "a"`},
		{`{"a": 1, "": 2}`, "empty key"},
		{"{\"a\": \"\xe1\"}\n", ""},
	} {
		res := read(t, tt.in, "x.ndjson", tabular.Options{Encoding: "utf-8"})
		if tt.want == "" {
			if res.err == nil || !strings.Contains(res.err.Error(), "encoding: latin-1") {
				t.Errorf("%q: %v", tt.in, res.err)
			}
			continue
		}
		if res.err == nil || !strings.Contains(res.err.Error(), tt.want) {
			t.Errorf("%q: err = %v; want %q", tt.in, res.err, tt.want)
		}
	}
}

func TestJSONLLatin1AndLongLines(t *testing.T) {
	in := "{\"a\": \"Tr\xe1fico\"}\n{\"a\": \"" + strings.Repeat("x", 200<<10) + "\"}\n{\"a\": \"ok\"}\n"
	res := read(t, in, "x.jsonl", tabular.Options{MaxRowBytes: 100 << 10})
	rows, errs := res.fields()
	if res.err != nil || res.r.Encoding() != "latin-1" || !equalRows(rows, [][]string{{"Tráfico"}, {"ok"}}) ||
		!equal(errs, []string{"row 2: longer than 100 KiB; skipped"}) {
		t.Errorf("rows %q, errors %q, err %v", rows, errs, res.err)
	}
	// Detected from the content when the name says nothing.
	if res := read(t, `{"a":1}`, "export.dat", tabular.Options{}); res.err != nil || len(res.rows) != 1 {
		t.Errorf("content sniffing: %v", res.err)
	}
}
