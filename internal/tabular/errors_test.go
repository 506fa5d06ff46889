package tabular_test

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/tabular"
)

func itoa(n int) string { return strconv.Itoa(n) }

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func TestFileErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		in   string
		opt  tabular.Options
		want []string // substrings of the message
	}{
		{"empty", "x.csv", "", tabular.Options{}, []string{"x.csv is empty"}},
		{"only blank lines", "x.csv", "\n\r\n  \n", tabular.Options{}, []string{"x.csv has no header row"}},
		{"only a BOM", "x.csv", "\xEF\xBB\xBF", tabular.Options{}, []string{"has no header row"}},
		{"nothing after skipped lines", "x.csv", "title\n", tabular.Options{SkipRows: 3}, []string{"no header row after the 3 skipped lines"}},
		{"NUL bytes", "x.csv", "a,b\n1,\x002\n", tabular.Options{}, []string{"is not a text file (binary content at byte 6)"}},
		{"control characters", "x.csv", "a\x01\x02\x03\x04\x05\x06b\n", tabular.Options{}, []string{"is not a text file (binary content at byte 1)"}},
		{"random binary", "x.csv", "\x7fELF\x02\x01\x01\x00\x00\x00", tabular.Options{}, []string{"is not a text file"}},
		{"UTF-16 with BOM", "x.csv", "\xFF\xFEa\x00,\x00b\x00", tabular.Options{}, []string{"UTF-16"}},
		{"UTF-16 without BOM", "x.csv", "a\x00,\x00b\x00\n\x001\x00,\x002\x00\n\x00", tabular.Options{}, []string{"UTF-16"}},
		{"PDF", "x.csv", "%PDF-1.4\n", tabular.Options{}, []string{"is a PDF document"}},
		{"old xls", "x.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", tabular.Options{}, []string{".xls"}},
		{"gzip", "x.csv", "\x1F\x8B\x08\x00", tabular.Options{}, []string{"gzip"}},
		{"zip declared as csv", "x.csv", "PK\x03\x04rest", tabular.Options{Format: "csv"}, []string{"is a zip archive", "not a CSV file"}},
		{"zip that is not a workbook", "x.xlsx", zipOf(t, map[string]string{"readme.txt": "hi"}), tabular.Options{}, []string{"is a zip archive but not an Excel workbook"}},
		{"truncated zip", "x.xlsx", "PK\x03\x04\x14\x00\x00\x00", tabular.Options{}, []string{"truncated"}},
		{"text named xlsx", "x.xlsx", "a,b\n1,2\n", tabular.Options{}, []string{"is not an Excel .xlsx workbook"}},
		{"duplicate header", "x.csv", "fecha,delito,fecha\n1,2,3\n", tabular.Options{}, []string{`duplicate column names`, `"fecha" (columns 1 and 3)`}},
		{"empty header name", "x.csv", "fecha,,delito\n1,2,3\n", tabular.Options{}, []string{`empty column name`, `column 2 after "fecha"`}},
		{"header too long", "x.csv", strings.Repeat("a", 100) + "\n1\n", tabular.Options{MaxRowBytes: 10}, []string{"header row longer than 10 bytes"}},
		{"header with open quote", "x.csv", "a,\"b\n", tabular.Options{}, []string{"never closed"}},
		{"unknown format", "x.csv", "a\n", tabular.Options{Format: "parquet"}, []string{`unknown format "parquet"`}},
		{"bad delimiter", "x.csv", "a\n", tabular.Options{Delimiter: '"'}, []string{"delimiter"}},
		{"NUL after the first 64 KiB", "x.csv", "a,b\n" + strings.Repeat("1,2\n", 20000) + "3,\x00\n", tabular.Options{}, []string{"is not a text file (binary content at byte 80006)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := read(t, tt.in, tt.file, tt.opt)
			if res.err == nil {
				t.Fatalf("no error; header %q, %d rows", res.header, len(res.rows))
			}
			for _, w := range tt.want {
				if !strings.Contains(res.err.Error(), w) {
					t.Errorf("error %q does not contain %q", res.err, w)
				}
			}
			if code := atalaya.ErrorCode(res.err); code != atalaya.EINVALID {
				t.Errorf("ErrorCode = %q; want %q", code, atalaya.EINVALID)
			}
			if msg := atalaya.ErrorMessage(res.err); msg != res.err.Error() {
				t.Errorf("ErrorMessage = %q; want %q", msg, res.err.Error())
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{&tabular.RowError{Line: 17, Reason: "has 14 fields, the header has 12"}, "row 17: has 14 fields, the header has 12"},
		{&tabular.RowError{Line: 3, Column: "edad", Reason: "is an array"}, `row 3, column "edad": is an array`},
		{&tabular.FileError{File: "a.csv", Reason: "is empty"}, "a.csv is empty"},
		{&tabular.FileError{File: "a.csv", Line: 9, Reason: "is not valid UTF-8"}, "a.csv, line 9, is not valid UTF-8"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q; want %q", got, tt.want)
		}
	}
}

// TestNextAfterError checks that errors are sticky.
func TestNextAfterError(t *testing.T) {
	in := "a\n" + strings.Repeat("x\n", 40000) + "\xff\n"
	r, err := tabular.Open(strings.NewReader(in), int64(len(in)), "x.csv", tabular.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var first error
	for first == nil {
		_, first = r.Next()
	}
	for range 3 {
		if _, err := r.Next(); err != first {
			t.Fatalf("Next after %v = %v", first, err)
		}
	}
}

// TestTruncated reads files cut short at various points.
func TestTruncated(t *testing.T) {
	var wb bytes.Buffer
	if err := tabular.WriteXLSX(&wb, "s", [][]string{{"a", "b"}, {"1", "2"}, {"3", "4"}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, in string
		rows           int
		want           string // row or file error
	}{
		{"CSV cut in a row", "x.csv", "a,b,c\n1,2,3\n4,5", 2, ""},
		{"CSV cut in a quoted field", "x.csv", "a,b\n1,2\n3,\"cut he", 2, "row 2: a quoted field starting on line 3 is never closed"},
		{"CSV cut in a character", "x.csv", "a,b\n1,España\n2,Espa\xc3", 1, "x.csv, line 3, ends in the middle of a character"},
		{"CSV cut in the header", "x.csv", "año,\"b", 0, "never closed"},
		{"JSON lines cut in an object", "x.jsonl", "{\"a\":1}\n{\"a\":", 2, "row 2: is not valid JSON (the line ends in the middle of a value)"},
		{"workbook cut in half", "x.xlsx", wb.String()[:wb.Len()/2], 0, "truncated"},
		{"workbook cut at the end", "x.xlsx", wb.String()[:wb.Len()-10], 0, "truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := read(t, tt.in, tt.file, tabular.Options{})
			got := ""
			if res.err != nil {
				got = res.err.Error()
			}
			for _, r := range res.rows {
				if r.Err != nil {
					got = r.Err.Error()
				}
			}
			if len(res.rows) != tt.rows || !strings.Contains(got, tt.want) || tt.want == "" && got != "" {
				t.Errorf("%d rows, error %q; want %d rows, error %q", len(res.rows), got, tt.rows, tt.want)
			}
		})
	}
}

func TestRowErrorValue(t *testing.T) {
	res := read(t, "a,b\n1,2,,\"extra value\"\n", "x.csv", tabular.Options{})
	var re *tabular.RowError
	if len(res.rows) != 1 || !errors.As(res.rows[0].Err, &re) || re.Value != "extra value" || re.Line != 1 {
		t.Fatalf("rows %+v", res.rows)
	}
	if res.rows[0].Raw != "1,2,,extra value" {
		t.Errorf("Raw = %q", res.rows[0].Raw)
	}
}
