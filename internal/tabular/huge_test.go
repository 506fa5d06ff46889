package tabular_test

import (
	"archive/zip"
	"bytes"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/tabular"
)

// synthetic is an io.ReaderAt over content made of literal pieces and long
// runs of a repeated pattern, generated on the fly.
type synthetic struct {
	segs []segment
	size int64
}

type segment struct {
	start int64
	text  string // a literal, or the pattern when n > 0
	n     int64  // length of a repeated run
}

// lit and run build segments.
func lit(s string) segment                { return segment{text: s} }
func run(pattern string, n int64) segment { return segment{text: pattern, n: n} }

func newSynthetic(segs ...segment) *synthetic {
	s := &synthetic{}
	for _, sg := range segs {
		sg.start = s.size
		if sg.n == 0 {
			s.size += int64(len(sg.text))
		} else {
			s.size += sg.n
		}
		s.segs = append(s.segs, sg)
	}
	return s
}

func (s *synthetic) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for _, sg := range s.segs {
		length := sg.n
		if length == 0 {
			length = int64(len(sg.text))
		}
		for n < len(p) && off >= sg.start && off < sg.start+length {
			i := off - sg.start
			if sg.n == 0 {
				c := copy(p[n:], sg.text[i:])
				n, off = n+c, off+int64(c)
				continue
			}
			k := int(i % int64(len(sg.text)))
			c := copy(p[n:min(len(p), n+int(length-i))], sg.text[k:])
			n, off = n+c, off+int64(c)
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

const hugeRow = 50 << 20

// allocated runs f and returns the bytes it allocated.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestHugeRows(t *testing.T) {
	if testing.Short() {
		t.Skip("reads several 50 MB rows")
	}
	tests := []struct {
		name   string
		file   string
		src    *synthetic
		rows   [][]string
		errs   []string
		errMsg string
	}{
		{
			name: "unquoted line",
			file: "x.csv",
			src:  newSynthetic(lit("id,texto,n\n1,a,2\n2,"), run("abcdefghij", hugeRow), lit(",3\n3,b,4\n")),
			rows: [][]string{{"1", "a", "2"}, {"3", "b", "4"}},
			errs: []string{"row 2: longer than 1 MiB; skipped"},
		},
		{
			name: "quoted field with newlines, delimiters and escaped quotes",
			file: "x.csv",
			src:  newSynthetic(lit("id;texto;n\r\n1;a;2\r\n2;\""), run("ab;c\r\n\"\"d", hugeRow), lit("\";3\r\n3;b;4\r\n")),
			rows: [][]string{{"1", "a", "2"}, {"3", "b", "4"}},
			errs: []string{"row 2: longer than 1 MiB; skipped"},
		},
		{
			name: "delimiters only",
			file: "x.csv",
			src:  newSynthetic(lit("id,texto,n\n1,a,2\n"), run(",,,\"\",", hugeRow), lit("\n3,b,4\n")),
			rows: [][]string{{"1", "a", "2"}, {"3", "b", "4"}},
			errs: []string{"row 2: longer than 1 MiB; skipped"},
		},
		{
			name: "unterminated quote to the end of the file",
			file: "x.csv",
			src:  newSynthetic(lit("id,texto\n1,a\n2,\""), run("x\n", hugeRow)),
			rows: [][]string{{"1", "a"}},
			errs: []string{`row 2: a quoted field starting on line 3 is never closed (a " is missing)`},
		},
		{
			name: "JSON line",
			file: "x.jsonl",
			src:  newSynthetic(lit("{\"id\":1}\n{\"id\":\""), run("0123456789", hugeRow), lit("\"}\n{\"id\":3}\n")),
			rows: [][]string{{"1"}, {"3"}},
			errs: []string{"row 2: longer than 1 MiB; skipped"},
		},
		{
			name: "Excel cell (zip bomb)",
			file: "x.xlsx",
			src:  hugeXLSX(t),
			rows: [][]string{{"1", "a"}, {"3", "b"}},
			errs: []string{"row 2: longer than 1 MiB; skipped"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res result
			alloc := allocated(func() {
				r, err := tabular.Open(tt.src, tt.src.size, tt.file, tabular.Options{})
				if err != nil {
					res.err = err
					return
				}
				res.header = r.Header()
				for {
					row, err := r.Next()
					if err != nil {
						if err != io.EOF {
							res.err = err
						}
						break
					}
					row.Raw = strings.Clone(row.Raw[:min(len(row.Raw), 16)])
					res.rows = append(res.rows, row)
				}
			})
			if res.err != nil {
				t.Fatal(res.err)
			}
			rows, errs := res.fields()
			if !equalRows(rows, tt.rows) || !equal(errs, tt.errs) {
				t.Errorf("rows %q, errors %q; want %q, %q", rows, errs, tt.rows, tt.errs)
			}
			t.Logf("%s: allocated %.1f MiB for a %d MiB row", tt.name, float64(alloc)/(1<<20), hugeRow>>20)
			if alloc > 10<<20 {
				t.Errorf("allocated %d bytes reading a %d-byte row; want under 10 MiB", alloc, hugeRow)
			}
		})
	}
}

// hugeXLSX builds a workbook whose second data row holds a 50 MB inline
// string; it compresses to a few hundred kilobytes.
func hugeXLSX(t *testing.T) *synthetic {
	var small bytes.Buffer
	if err := tabular.WriteXLSX(&small, "s", [][]string{{"id", "texto"}}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(small.Bytes()), int64(small.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		w, _ := zw.Create(f.Name)
		if f.Name != "xl/worksheets/sheet1.xml" {
			rc, _ := f.Open()
			io.Copy(w, rc)
			rc.Close()
			continue
		}
		io.WriteString(w, `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+
			`<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>texto</t></is></c></row>`+
			`<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>a</t></is></c></row>`+
			`<row r="3"><c r="A3"><v>2</v></c><c r="B3" t="inlineStr"><is><t>`)
		chunk := []byte(strings.Repeat("y", 1<<20))
		for range hugeRow >> 20 {
			w.Write(chunk)
		}
		io.WriteString(w, `</t></is></c></row><row r="4"><c r="A4"><v>3</v></c><c r="B4" t="inlineStr"><is><t>b</t></is></c></row></sheetData></worksheet>`)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return newSynthetic(lit(buf.String()))
}
