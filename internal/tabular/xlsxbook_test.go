package tabular_test

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/tabular"
)

func TestWriteWorkbook(t *testing.T) {
	data := tabular.Sheet{
		Name:   "Data",
		Rows:   [][]string{{"period", "count", "note"}, {"2024", "12", "=x"}, {"007", "-0.5", "a\nb"}, {"2024-01-02", "n/a", ""}},
		Kinds:  []tabular.ColumnKind{tabular.ColumnText, tabular.ColumnNumber, tabular.ColumnWrapped},
		Widths: []float64{10, 0, 40},
		Header: 1,
	}
	about := tabular.Sheet{Name: "About", Rows: [][]string{{"Indicator", "Homicide rate"}, {"Generated", "2025-07-01"}}}
	var buf bytes.Buffer
	if err := tabular.WriteWorkbook(&buf, data, about); err != nil {
		t.Fatal(err)
	}
	for _, s := range []tabular.Sheet{data, about} {
		res := readBytes(t, buf.Bytes(), "book.xlsx", tabular.Options{Sheet: s.Name})
		if res.err != nil {
			t.Fatalf("sheet %s: %v", s.Name, res.err)
		}
		if !equal(res.header, s.Rows[0]) {
			t.Errorf("sheet %s header = %q; want %q", s.Name, res.header, s.Rows[0])
		}
		rows, _ := res.fields()
		for i, want := range s.Rows[1:] {
			if i >= len(rows) || !equal(rows[i], want) {
				t.Errorf("sheet %s row %d = %q; want %q", s.Name, i+1, rows, want)
				break
			}
		}
	}
	sheet1 := member(t, buf.Bytes(), "xl/worksheets/sheet1.xml")
	for _, want := range []string{
		`<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>`,
		`<col min="1" max="1" width="10" customWidth="1"/>`,
		`<c r="A1" s="3" t="inlineStr">`,                           // bold header
		`<c r="A2" t="inlineStr"><is><t xml:space="preserve">2024`, // text column: a year stays text
		`<c r="B2"><v>12</v></c>`,                                  // number column
		`<c r="B3"><v>-0.5</v></c>`,
		`<c r="B4" t="inlineStr">`, // not a number: text
		`<c r="C3" s="4" t="inlineStr">`,
		`<c r="A4" t="inlineStr"><is><t xml:space="preserve">2024-01-02`, // not a date in a text column
	} {
		if !strings.Contains(sheet1, want) {
			t.Errorf("sheet1.xml lacks %s", want)
		}
	}
	if sheet2 := member(t, buf.Bytes(), "xl/worksheets/sheet2.xml"); !strings.Contains(sheet2, `<c r="B2" s="1">`) || strings.Contains(sheet2, "pane") {
		t.Errorf("auto column without header: date not typed, or a frozen pane:\n%s", sheet2)
	}
}

func TestWriteWorkbookRefuses(t *testing.T) {
	for name, sheets := range map[string][]tabular.Sheet{
		"no sheet":       nil,
		"empty name":     {{Name: ""}},
		"bad character":  {{Name: "a/b"}},
		"duplicate name": {{Name: "Data"}, {Name: "data"}},
		"too wide":       {{Name: "s", Rows: [][]string{make([]string, 16385)}}},
	} {
		if err := tabular.WriteWorkbook(io.Discard, sheets...); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func member(t *testing.T, book []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
