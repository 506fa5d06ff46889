package tabular_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/tabular"
)

// csvCase is a CSV reading test.
type csvCase struct {
	name   string
	in     string
	opt    tabular.Options
	header []string
	rows   [][]string
	errs   []string // row error messages, in order
	delim  rune
	enc    string
	raws   []string // Row.Raw of every row, if given
}

func TestCSV(t *testing.T) {
	tests := []csvCase{
		{
			name:   "plain comma LF",
			in:     "a,b,c\n1,2,3\n4,5,6\n",
			header: []string{"a", "b", "c"},
			rows:   [][]string{{"1", "2", "3"}, {"4", "5", "6"}},
			delim:  ',', enc: "utf-8",
			raws: []string{"1,2,3", "4,5,6"},
		},
		{
			name:   "semicolon with decimal commas",
			in:     "año;tasa;total\n2020;1,5;1.234,5\n2021;22,75;2.001,0\n",
			header: []string{"año", "tasa", "total"},
			rows:   [][]string{{"2020", "1,5", "1.234,5"}, {"2021", "22,75", "2.001,0"}},
			delim:  ';',
		},
		{
			name:   "semicolon, decimal commas and a comma in the header",
			in:     "nombre, apellido;tasa\nAna;1,5\nLuis;2,5\n",
			header: []string{"nombre, apellido", "tasa"},
			rows:   [][]string{{"Ana", "1,5"}, {"Luis", "2,5"}},
			delim:  ';',
		},
		{
			name:   "tab",
			in:     "a\tb\n1\t2\n",
			header: []string{"a", "b"},
			rows:   [][]string{{"1", "2"}},
			delim:  '\t',
		},
		{
			name:   "pipe",
			in:     "a|b|c\n1|2|3\n",
			header: []string{"a", "b", "c"},
			rows:   [][]string{{"1", "2", "3"}},
			delim:  '|',
		},
		{
			name:   "comma wins a tie",
			in:     "a,b;c\nx,y;z\n",
			header: []string{"a", "b;c"},
			rows:   [][]string{{"x", "y;z"}},
			delim:  ',',
		},
		{
			name:   "declared delimiter",
			in:     "a;b,c\n1;2,3\n",
			opt:    tabular.Options{Delimiter: ';'},
			header: []string{"a", "b,c"},
			rows:   [][]string{{"1", "2,3"}},
			delim:  ';',
		},
		{
			name:   "CRLF",
			in:     "a,b\r\n1,2\r\n3,4\r\n",
			header: []string{"a", "b"},
			rows:   [][]string{{"1", "2"}, {"3", "4"}},
		},
		{
			name:   "CR only",
			in:     "a,b\r1,2\r3,4",
			header: []string{"a", "b"},
			rows:   [][]string{{"1", "2"}, {"3", "4"}},
		},
		{
			name:   "no final newline",
			in:     "a,b\n1,2",
			header: []string{"a", "b"},
			rows:   [][]string{{"1", "2"}},
		},
		{
			name:   "BOM",
			in:     "\xEF\xBB\xBFid,name\n1,x\n",
			header: []string{"id", "name"},
			rows:   [][]string{{"1", "x"}},
			enc:    "utf-8",
		},
		{
			name:   "quoted fields with escapes and embedded newlines",
			in:     "id,text,n\n1,\"say \"\"hi\"\"\",2\n2,\"two\nlines\",3\n3,\"crlf\r\ninside\",4\n4,\"a,b\",5\n",
			header: []string{"id", "text", "n"},
			rows:   [][]string{{"1", `say "hi"`, "2"}, {"2", "two\nlines", "3"}, {"3", "crlf\r\ninside", "4"}, {"4", "a,b", "5"}},
			raws:   []string{`1,"say ""hi""",2`, "2,\"two\nlines\",3", "3,\"crlf\r\ninside\",4", `4,"a,b",5`},
		},
		{
			name:   "quoted field spanning lines counts as one row",
			in:     "a,b\n\"x\n\ny\",1\nlast,2\n",
			header: []string{"a", "b"},
			rows:   [][]string{{"x\n\ny", "1"}, {"last", "2"}},
		},
		{
			name:   "bare quote in unquoted field",
			in:     "a,b\n5\" screen,2\nO\"Brien,3\n",
			header: []string{"a", "b"},
			rows:   [][]string{{`5" screen`, "2"}, {`O"Brien`, "3"}},
		},
		{
			name:   "text after a closing quote and spaces around quotes",
			in:     "a,b,c\n\"abc\"def, \"x\" ,\"y\"  \n",
			header: []string{"a", "b", "c"},
			rows:   [][]string{{"abcdef", "x", "y"}},
		},
		{
			name:   "blank lines skipped and not counted",
			in:     "\n\na,b\n\n1,2\n   \n,\n\r\n3,4\n\n",
			header: []string{"a", "b"},
			rows:   [][]string{{"1", "2"}, {"3", "4"}},
		},
		{
			name:   "trailing delimiter",
			in:     "a,b,\n1,2,\n3,4\n5,6,,,\n",
			header: []string{"a", "b"},
			rows:   [][]string{{"1", "2"}, {"3", "4"}, {"5", "6"}},
		},
		{
			name:   "fewer fields are padded, more are a row error",
			in:     "a,b,c\n1\n1,2,3,4\n\"q\",2,3,\"x\"\n7,8,9\n",
			header: []string{"a", "b", "c"},
			rows:   [][]string{{"1", "", ""}, {"7", "8", "9"}},
			errs:   []string{"row 2: has 4 fields, the header has 3", "row 3: has 4 fields, the header has 3"},
			raws:   []string{"1", "1,2,3,4", "q,2,3,x", "7,8,9"},
		},
		{
			name:   "unterminated quote at the end of the file",
			in:     "a,b\n1,2\n3,\"open\n4,5\n",
			header: []string{"a", "b"},
			rows:   [][]string{{"1", "2"}},
			errs:   []string{`row 2: a quoted field starting on line 3 is never closed (a " is missing)`},
		},
		{
			name:   "skip title rows",
			in:     "Informe mensual, \"2020\nCifras preliminares\na;b\n1;2\n",
			opt:    tabular.Options{SkipRows: 2},
			header: []string{"a", "b"},
			rows:   [][]string{{"1", "2"}},
			delim:  ';',
		},
		{
			name:   "header names trimmed",
			in:     " a , b \n1,2\n",
			header: []string{"a", "b"},
			rows:   [][]string{{"1", "2"}},
		},
		{
			name:   "tsv extension",
			in:     "a,b\tc\n1,2\t3\n",
			header: []string{"a,b", "c"},
			rows:   [][]string{{"1,2", "3"}},
			delim:  '\t',
		},
		{
			name:   "header only",
			in:     "a,b\n",
			header: []string{"a", "b"},
		},
		{
			name:   "small MaxRowBytes",
			in:     "a,b\n1,2\n" + strings.Repeat("x", 100) + ",3\n\"" + strings.Repeat("y", 100) + "\",4\n5,6\n",
			opt:    tabular.Options{MaxRowBytes: 50},
			header: []string{"a", "b"},
			rows:   [][]string{{"1", "2"}, {"5", "6"}},
			errs:   []string{"row 2: longer than 50 bytes; skipped", "row 3: longer than 50 bytes; skipped"},
		},
	}
	// Every case also runs with tiny read buffers, so that rows and line
	// ends straddle buffer refills.
	for _, bs := range []int64{0, 16, 17} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/buf=%d", tt.name, bs), func(t *testing.T) {
				if bs > 0 {
					defer tabular.SetBufSize(bs)()
				}
				tt.check(t)
			})
		}
	}
}

func (tt csvCase) check(t *testing.T) {
	name := "test.csv"
	if strings.HasPrefix(tt.name, "tsv") {
		name = "test.tsv"
	}
	res := read(t, tt.in, name, tt.opt)
	if res.err != nil {
		t.Fatalf("read: %v", res.err)
	}
	if !equal(res.header, tt.header) {
		t.Errorf("Header() = %q; want %q", res.header, tt.header)
	}
	rows, errs := res.fields()
	if !equalRows(rows, tt.rows) {
		t.Errorf("rows = %q; want %q", rows, tt.rows)
	}
	if fmt.Sprint(errs) != fmt.Sprint(tt.errs) {
		t.Errorf("row errors = %q; want %q", errs, tt.errs)
	}
	if tt.delim != 0 && res.r.Delimiter() != tt.delim {
		t.Errorf("Delimiter() = %q; want %q", res.r.Delimiter(), tt.delim)
	}
	if tt.enc != "" && res.r.Encoding() != tt.enc {
		t.Errorf("Encoding() = %q; want %q", res.r.Encoding(), tt.enc)
	}
	if tt.raws != nil {
		var raws []string
		for _, r := range res.rows {
			raws = append(raws, r.Raw)
		}
		if !equal(raws, tt.raws) {
			t.Errorf("Raw = %q; want %q", raws, tt.raws)
		}
	}
	if got := res.r.BytesRead(); got != int64(len(tt.in)) {
		t.Errorf("BytesRead() = %d at the end; want %d", got, len(tt.in))
	}
}

// TestCSVFieldsSafeToKeep checks that the strings of a row do not change
// when later rows are read.
func TestCSVFieldsSafeToKeep(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "%d,\"v%d\"\n%d,w%d\n", i, i, i, i)
	}
	res := read(t, b.String(), "x.csv", tabular.Options{})
	if len(res.rows) != 10000 {
		t.Fatalf("read %d rows; want 10000", len(res.rows))
	}
	for i, r := range res.rows {
		want := fmt.Sprintf("v%d", i/2)
		if i%2 == 1 {
			want = fmt.Sprintf("w%d", i/2)
		}
		if r.Fields[1] != want {
			t.Fatalf("row %d: Fields[1] = %q; want %q", i+1, r.Fields[1], want)
		}
	}
}

// TestCSVLongLines checks rows longer than the read buffer but within
// MaxRowBytes, quoted and not, and a file of lone CRs.
func TestCSVLongLines(t *testing.T) {
	long := strings.Repeat("abcdefghij", 20000) // 200 KB
	for _, eol := range []string{"\n", "\r\n", "\r"} {
		in := "a,b" + eol + long + ",1" + eol + "\"" + long + eol + long + "\",2" + eol + "x,3" + eol
		res := read(t, in, "x.csv", tabular.Options{})
		rows, errs := res.fields()
		want := [][]string{{long, "1"}, {long + eol + long, "2"}, {"x", "3"}}
		if res.err != nil || len(errs) > 0 || !equalRows(rows, want) {
			t.Errorf("eol %q: got %d rows, errors %q, %v", eol, len(rows), errs, res.err)
		}
	}
}
