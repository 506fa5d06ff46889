package tabular_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/oas-atalaya/atalaya/internal/tabular"
)

func TestEncodings(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		encoding string // declared
		want     string // Reader.Encoding()
		header   []string
		row      []string
	}{
		{"utf-8 detected", "delito,lugar\nTráfico,Bogotá\n", "", "utf-8",
			[]string{"delito", "lugar"}, []string{"Tráfico", "Bogotá"}},
		{"latin-1 detected", "delito,lugar\nTr\xe1fico,Bogot\xe1\n", "", "latin-1",
			[]string{"delito", "lugar"}, []string{"Tráfico", "Bogotá"}},
		{"windows-1252 detected from curly quotes", "delito,nota\nTr\xe1fico,\x93grave\x94 \x96 20\x80\n", "", "windows-1252",
			[]string{"delito", "nota"}, []string{"Tráfico", "“grave” – 20€"}},
		{"latin-1 in the header", "a\xf1o,n\n2020,1\n", "", "latin-1",
			[]string{"año", "n"}, []string{"2020", "1"}},
		{"declared latin-1 keeps C1 controls", "a,b\n\x93,\xe1\n", "ISO-8859-1", "latin-1",
			[]string{"a", "b"}, []string{"\u0093", "á"}},
		{"declared cp1252 alias", "a,b\nx\x80,\x81\n", "CP1252", "windows-1252",
			[]string{"a", "b"}, []string{"x€", "\u0081"}},
		{"declared utf8 alias", "a,b\nñ,1\n", "UTF8", "utf-8",
			[]string{"a", "b"}, []string{"ñ", "1"}},
		{"BOM wins over a declaration", "\xEF\xBB\xBFa,b\nñ,1\n", "latin-1", "utf-8",
			[]string{"a", "b"}, []string{"ñ", "1"}},
		{"auto", "a,b\n\xe9,1\n", "auto", "latin-1",
			[]string{"a", "b"}, []string{"é", "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := read(t, tt.in, "x.csv", tabular.Options{Encoding: tt.encoding})
			if res.err != nil {
				t.Fatal(res.err)
			}
			if got := res.r.Encoding(); got != tt.want {
				t.Errorf("Encoding() = %q; want %q", got, tt.want)
			}
			rows, errs := res.fields()
			if len(rows) != 1 || len(errs) > 0 {
				t.Fatalf("rows %q, errors %q", rows, errs)
			}
			if !equal(res.header, tt.header) || !equal(rows[0], tt.row) {
				t.Errorf("got %q %q; want %q %q", res.header, rows[0], tt.header, tt.row)
			}
			for _, f := range append(res.header, rows[0]...) {
				if !utf8.ValidString(f) {
					t.Errorf("%q is not valid UTF-8", f)
				}
			}
		})
	}
}

// TestLateInvalidUTF8 checks that a Latin-1 byte after the first 64 KiB of
// a file that looked like (or was declared as) UTF-8 stops the read with a
// file error naming the line and the fix.
func TestLateInvalidUTF8(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,delito\n")
	for b.Len() < 100<<10 {
		b.WriteString("1,Robo\n")
	}
	lines := strings.Count(b.String(), "\n")
	b.WriteString("2,Tr\xe1fico\n3,Robo\n")
	for _, enc := range []string{"", "utf-8"} {
		res := read(t, b.String(), "victimas.csv", tabular.Options{Encoding: enc})
		if res.err == nil {
			t.Fatalf("encoding %q: no error", enc)
		}
		msg := res.err.Error()
		for _, want := range []string{"victimas.csv", "line " + itoa(lines+1), "encoding: latin-1", "windows-1252"} {
			if !strings.Contains(msg, want) {
				t.Errorf("encoding %q: error %q does not mention %q", enc, msg, want)
			}
		}
		if len(res.rows) != lines-1 {
			t.Errorf("encoding %q: %d rows before the error; want %d", enc, len(res.rows), lines-1)
		}
		var fe *tabular.FileError
		if errorsAs(res.err, &fe); fe.Line != int64(lines+1) {
			t.Errorf("FileError.Line = %d; want %d", fe.Line, lines+1)
		}
	}
	// Declared Latin-1, the same file reads to the end.
	res := read(t, b.String(), "victimas.csv", tabular.Options{Encoding: "latin-1"})
	if res.err != nil || len(res.rows) != lines+1 || res.rows[lines-1].Fields[1] != "Tráfico" {
		t.Errorf("declared latin-1: %d rows, %v", len(res.rows), res.err)
	}
}

func TestUnknownEncoding(t *testing.T) {
	res := read(t, "a\n1\n", "x.csv", tabular.Options{Encoding: "ebcdic"})
	if res.err == nil || !strings.Contains(res.err.Error(), `"ebcdic"`) {
		t.Errorf("err = %v; want a file error naming the encoding", res.err)
	}
}
