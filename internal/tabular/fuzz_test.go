package tabular_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/tabular"
)

// fuzzOptions derives reader options from a fuzzed number.
func fuzzOptions(n uint16) tabular.Options {
	return tabular.Options{
		MaxRowBytes: []int{0, 8, 64, 1024}[n&3],
		Delimiter:   []rune{0, ',', ';', '\t', '|', 0, 0, 0}[n>>2&7],
		Encoding:    []string{"", "utf-8", "latin-1", "windows-1252"}[n>>5&3],
		SkipRows:    int(n >> 7 & 3),
	}
}

// checkReader reads a file to its end and checks the contract of Open and
// Reader: errors are *FileError with code EINVALID, Line goes up by one for
// each row, rows have as many fields as the header, row errors are
// *RowError, all text is valid UTF-8, and errors are sticky.
func checkReader(t *testing.T, data []byte, name string, opt tabular.Options) {
	r, err := tabular.Open(bytes.NewReader(data), int64(len(data)), name, opt)
	if err != nil {
		checkFuzzError(t, err)
		return
	}
	defer r.Close()
	h := r.Header()
	seen := map[string]bool{}
	for _, c := range h {
		if c == "" || seen[c] || !utf8.ValidString(c) || strings.TrimSpace(c) != c {
			t.Fatalf("bad header %q", h)
		}
		seen[c] = true
	}
	if len(h) == 0 {
		t.Fatal("empty header")
	}
	var rows, calls int64
	for {
		calls++
		if calls > int64(len(data))+10 {
			t.Fatalf("more rows than bytes: %d", calls)
		}
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			checkFuzzError(t, err)
			if _, err2 := r.Next(); err2 != err {
				t.Fatalf("Next after %v = %v", err, err2)
			}
			break
		}
		rows++
		if row.Line != rows {
			t.Fatalf("row %d has Line %d", rows, row.Line)
		}
		if !utf8.ValidString(row.Raw) || len(row.Raw) > 4<<10 {
			t.Fatalf("row %d: bad Raw %q", rows, row.Raw)
		}
		if row.Err != nil {
			var re *tabular.RowError
			if !errors.As(row.Err, &re) || re.Line != row.Line || len(re.Value) > 200 || !utf8.ValidString(re.Error()) {
				t.Fatalf("row %d: bad error %#v", rows, row.Err)
			}
			continue
		}
		if len(row.Fields) != len(h) {
			t.Fatalf("row %d has %d fields, header %d", rows, len(row.Fields), len(h))
		}
		for _, f := range row.Fields {
			if !utf8.ValidString(f) {
				t.Fatalf("row %d: invalid UTF-8 %q", rows, f)
			}
		}
	}
	if rows != calls-1 {
		t.Fatalf("%d rows in %d calls", rows, calls)
	}
	if r.BytesRead() < 0 || r.BytesRead() > int64(len(data)) {
		t.Fatalf("BytesRead() = %d of %d", r.BytesRead(), len(data))
	}
}

func checkFuzzError(t *testing.T, err error) {
	var fe *tabular.FileError
	if !errors.As(err, &fe) || atalaya.ErrorCode(err) != atalaya.EINVALID || !utf8.ValidString(err.Error()) {
		t.Fatalf("bad file error %#v", err)
	}
}

var csvSeeds = []string{
	"a,b,c\n1,2,3\n",
	"a;b\r\n1,5;2\r\n",
	"\xEF\xBB\xBFid\tname\n1\t\"x\ny\"\n",
	"a|b\r1|2\r",
	"a,b\n\"unterminated\n",
	"a,b\n\"q\"\"x\",\"y\" ,z\n",
	"Tr\xe1fico,\x93x\x94\n1,2\n",
	"a,a\n1,2\n",
	"a,,b\n",
	"\n\n",
	"a,b,\n1,2,,,\n3\n",
	"x\x00y\n",
	"a\n" + strings.Repeat("z", 100) + "\n1\n",
}

// fuzzBuffer shrinks the read buffer for some inputs, so that rows span
// buffer refills; it returns the function restoring it.
func fuzzBuffer(opts uint16) func() {
	return tabular.SetBufSize([]int64{64 << 10, 16, 17, 64}[opts>>9&3])
}

func FuzzCSV(f *testing.F) {
	for i, s := range csvSeeds {
		f.Add([]byte(s), uint16(i*37))
	}
	f.Fuzz(func(t *testing.T, data []byte, opts uint16) {
		defer fuzzBuffer(opts)()
		checkReader(t, data, "f.csv", fuzzOptions(opts))
	})
}

func FuzzSDMXCSV(f *testing.F) {
	for i, s := range []string{
		"DATAFLOW,REF_AREA: Area,OBS_VALUE\nX:Y(1.0),MEX: Mexico,1\n",
		"STRUCTURE;STRUCTURE_ID;ACTION;A: a\ndataflow;X:Y(1.0): n;D;B: b\ndataflow;X:Y(1.0);I;C\n",
		"STRUCTURE[;],STRUCTURE_ID\n",
		"FREQ\nA\n",
	} {
		f.Add([]byte(s), uint16(i))
	}
	f.Fuzz(func(t *testing.T, data []byte, opts uint16) {
		defer fuzzBuffer(opts)()
		opt := fuzzOptions(opts)
		opt.Format = "sdmx-csv"
		checkReader(t, data, "f.csv", opt)
	})
}

func FuzzJSONL(f *testing.F) {
	for i, s := range []string{
		`{"a":1,"b":"x"}` + "\n" + `{"b":null,"a":true}` + "\n",
		`{"a":[1,{"b":2}]}` + "\n{\"a\":1,\"c\":2}\n",
		"{\"a\":\"Tr\xe1fico\"}\n",
		"\n\n{\"a\":1}\nnope\n{\"a\":1} 2\n",
		`{"a":1,"a":2}`,
		"[1]\n",
	} {
		f.Add([]byte(s), uint16(i*5))
	}
	f.Fuzz(func(t *testing.T, data []byte, opts uint16) {
		defer fuzzBuffer(opts)()
		checkReader(t, data, "f.jsonl", fuzzOptions(opts))
	})
}

// FuzzXLSX fuzzes the XML parts of a workbook (the sheet, the shared
// strings and the styles) inside a valid zip archive, and whole files.
func FuzzXLSX(f *testing.F) {
	parts := workbookParts(false)
	f.Add(parts["xl/worksheets/datos.xml"], parts["xl/sharedStrings.xml"], parts["xl/styles.xml"], uint16(0), []byte(nil))
	f.Add(`<worksheet><sheetData><row><c t="inlineStr"><is><t>a</t></is></c></row><row><c><v>1</v></c><c r="ZZZZ9"/></row></sheetData></worksheet>`,
		"", "", uint16(1), []byte(nil))
	f.Add(`<worksheet><sheetData><row r="2"><c r="B2" t="s"><v>0</v></c></row><row><c s="1"><v>60.5</v></c></row></sheetData></worksheet>`,
		`<sst><si><t>h_x000D_</t></si></sst>`, `<styleSheet><cellXfs><xf numFmtId="14"/><xf numFmtId="22"/></cellXfs></styleSheet>`, uint16(2), []byte(nil))
	var buf bytes.Buffer
	tabular.WriteXLSX(&buf, "s", [][]string{{"a", "b"}, {"1", "2020-01-02"}, {"x", "2020-01-02T03:04:05"}})
	f.Add("", "", "", uint16(0), buf.Bytes())
	f.Fuzz(func(t *testing.T, sheet, sst, styles string, opts uint16, raw []byte) {
		opt := fuzzOptions(opts)
		opt.Sheet = ""
		if len(raw) > 0 {
			checkReader(t, raw, "f.xlsx", opt)
			return
		}
		p := workbookParts(opts&0x200 != 0)
		p["xl/worksheets/sheet1.xml"] = sheet
		p["xl/sharedStrings.xml"] = sst
		p["xl/styles.xml"] = styles
		checkReader(t, []byte(zipOf(t, p)), "f.xlsx", opt)
	})
}

func checkReaderQuiet(data []byte, opts uint16) {
	r, err := tabular.Open(bytes.NewReader(data), int64(len(data)), "f.csv", fuzzOptions(opts))
	if err != nil {
		return
	}
	for {
		if _, err := r.Next(); err != nil {
			return
		}
	}
}
