package tabular_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/tabular"
)

// zipOf builds a zip archive from file names and contents. The members are
// stored uncompressed, which keeps fuzzing fast; WriteXLSX covers deflate.
func zipOf(t testing.TB, files map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[n]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestXLSXRoundTrip(t *testing.T) {
	in := [][]string{
		{"cve_ent", "entidad", "fecha", "hora", "n", "tasa", "nota"},
		{"01", "Aguascalientes", "2020-01-31", "2021-06-30T13:45:10", "12", "-3.5", `a & b <c> "d"`},
		{"02", "Baja California", "1999-12-31", "2000-02-29T00:00:01", "0", "1.50", "línea 1\nlínea 2"},
		{"03", "", "", "", "1e3", "0.1", "  espacios  "},
		{"04", "x_x000D_y", "2020-13-01", "007", "123456789012345678", "NaN", "ctl\x01"},
		{"05", "", "", "", "", "", ""},
		{"06", "solo"},
	}
	var buf bytes.Buffer
	if err := tabular.WriteXLSX(&buf, "Víctimas 2020", in); err != nil {
		t.Fatal(err)
	}
	res := readBytes(t, buf.Bytes(), "out.xlsx", tabular.Options{})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if !equal(res.header, in[0]) {
		t.Errorf("header = %q; want %q", res.header, in[0])
	}
	rows, errs := res.fields()
	want := [][]string{}
	for _, r := range in[1:] {
		if strings.Join(r[1:], "") == "" && len(r) > 1 {
			want = append(want, append([]string{r[0]}, make([]string, 6)...))
			continue
		}
		full := make([]string, 7)
		copy(full, r)
		want = append(want, full)
	}
	if len(errs) > 0 || !equalRows(rows, want) {
		t.Errorf("rows = %q\nwant %q\nerrors %q", rows, want, errs)
	}
	if res.r.Encoding() != "utf-8" || res.r.Delimiter() != 0 {
		t.Errorf("Encoding, Delimiter = %q, %q", res.r.Encoding(), res.r.Delimiter())
	}
	if got := res.r.BytesRead(); got <= 0 || got > int64(buf.Len()) {
		t.Errorf("BytesRead() = %d; want in (0, %d]", got, buf.Len())
	}

	// The cells were written with the right types.
	zr, _ := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	sheet := readZipFile(t, zr, "xl/worksheets/sheet1.xml")
	for _, w := range []string{
		`<c r="A2" t="inlineStr"><is><t xml:space="preserve">01</t>`,   // leading zero kept as text
		`<c r="E2"><v>12</v></c>`,                                      // a number
		`<c r="C2" s="1"><v>43861</v></c>`,                             // a date
		`<c r="D2" s="2"><v>44377.57303240741</v></c>`,                 // a date and time
		`<c r="F3" t="inlineStr"><is><t xml:space="preserve">1.50</t>`, // would lose its zero as a number
	} {
		if !strings.Contains(sheet, w) {
			t.Errorf("sheet XML lacks %s", w)
		}
	}
}

func readZipFile(t *testing.T, zr *zip.Reader, name string) string {
	t.Helper()
	f, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b bytes.Buffer
	b.ReadFrom(f)
	return b.String()
}

func TestWriteXLSXSheetName(t *testing.T) {
	for _, name := range []string{"a/b", "x[1]", strings.Repeat("n", 32), "'q'"} {
		if err := tabular.WriteXLSX(&bytes.Buffer{}, name, nil); err == nil {
			t.Errorf("WriteXLSX(%q) = nil; want an error", name)
		}
	}
	var buf bytes.Buffer
	if err := tabular.WriteXLSX(&buf, "", [][]string{{"a"}, {"1"}}); err != nil {
		t.Fatal(err)
	}
	if res := readBytes(t, buf.Bytes(), "x.xlsx", tabular.Options{Sheet: "Sheet1"}); res.err != nil || len(res.rows) != 1 {
		t.Errorf("default sheet name: %v, %d rows", res.err, len(res.rows))
	}
}

// workbookParts returns the parts of a hand-made workbook with two sheets,
// shared strings, rich text, styles with date formats, and a sheet that
// uses an x: namespace prefix.
func workbookParts(date1904 bool) map[string]string {
	pr := ""
	if date1904 {
		pr = `<workbookPr date1904="1"/>`
	}
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	return map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook ` + ns + `>` + pr + `<sheets><sheet name="Resumen" sheetId="1" r:id="rId1"/><sheet name="Datos" sheetId="2" r:id="rId2"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/datos.xml"/>
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>`,
		"xl/sharedStrings.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="7" uniqueCount="7">
<si><t>fecha</t></si>
<si><t>delito</t></si>
<si><r><t>Homi</t></r><r><rPr><b/></rPr><t>cidio doloso</t></r><rPh sb="0" eb="1"><t>ホミ</t></rPh></si>
<si><t xml:space="preserve"> Robo </t></si>
<si><t>línea_x000D_
dos</t></si>
<si><t>cantidad</t></si>
<si><t>Informe 2020</t></si>
</sst>`,
		"xl/styles.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="3"><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/><numFmt numFmtId="165" formatCode="#,##0.00 &quot;d&quot;"/><numFmt numFmtId="166" formatCode="[h]:mm:ss"/></numFmts>
<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="22"/><xf numFmtId="166"/></cellXfs>
</styleSheet>`,
		"xl/worksheets/sheet1.xml": `<?xml version="1.0"?><worksheet ` + ns + `><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>resumen</t></is></c></row><row r="2"><c r="A2"><v>1</v></c></row></sheetData></worksheet>`,
		"xl/worksheets/datos.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:dimension ref="A1:E9"/><x:sheetData>
<x:row r="1"><x:c r="A1" t="s"><x:v>6</x:v></x:c></x:row>
<x:row r="3"><x:c r="A3" t="s"><x:v>0</x:v></x:c><x:c r="B3" t="s"><x:v>1</x:v></x:c><x:c r="C3" t="s"><x:v>5</x:v></x:c><x:c r="D3" t="inlineStr"><x:is><x:t>nota</x:t></x:is></x:c><x:c r="E3" t="inlineStr"><x:is><x:t>hora</x:t></x:is></x:c></x:row>
<x:row r="5" spans="1:5"><x:c r="A5" s="1"><x:v>43831</x:v></x:c><x:c r="B5" t="s"><x:v>2</x:v></x:c><x:c r="C5" s="3"><x:v>12</x:v></x:c><x:c r="D5" t="b"><x:v>1</x:v></x:c><x:c r="E5" s="5"><x:v>0.5</x:v></x:c></x:row>
<x:row r="6"></x:row>
<x:row r="9"><x:c r="A9" s="2"><x:v>43890.75</x:v></x:c><x:c r="B9" t="s"><x:v>3</x:v></x:c><x:c r="D9" t="e"><x:v>#DIV/0!</x:v></x:c><x:c r="E9" s="4"><x:f>NOW()</x:f><x:v>60</x:v></x:c></x:row>
<x:row><x:c s="2"><x:v>1</x:v></x:c><x:c t="s"><x:v>4</x:v></x:c><x:c t="str"><x:f>A1</x:f><x:v>texto</x:v></x:c><x:c t="b"><x:v>0</x:v></x:c></x:row>
<x:row r="12"><x:c r="A12" t="s"><x:v>99</x:v></x:c></x:row>
<x:row r="13"><x:c r="A13"><x:v>1</x:v></x:c><x:c r="G13"><x:v>2</x:v></x:c></x:row>
</x:sheetData><x:mergeCells count="0"/></x:worksheet>`,
	}
}

func TestXLSXSharedStrings(t *testing.T) {
	for _, date1904 := range []bool{false, true} {
		t.Run(fmt.Sprintf("date1904=%v", date1904), func(t *testing.T) {
			data := zipOf(t, workbookParts(date1904))
			res := read(t, data, "informe.xlsx", tabular.Options{Sheet: "Datos", SkipRows: 1})
			if res.err != nil {
				t.Fatal(res.err)
			}
			wantHeader := []string{"fecha", "delito", "cantidad", "nota", "hora"}
			if !equal(res.header, wantHeader) {
				t.Errorf("header = %q; want %q", res.header, wantHeader)
			}
			d1, d2, d3 := "2020-01-01", "2020-02-29T18:00:00", "1900-01-01"
			if date1904 {
				d1, d2, d3 = "2024-01-02", "2024-03-01T18:00:00", "1904-01-02"
			}
			want := [][]string{
				{d1, "Homicidio doloso", "12", "true", "12:00:00"},
				{d2, " Robo ", "", "#DIV/0!", "60"},
				{d3, "línea\r\ndos", "texto", "false", ""},
			}
			if date1904 {
				want[1][4] = "1904-03-01"
			}
			rows, errs := res.fields()
			if !equalRows(rows, want) {
				t.Errorf("rows = %q\nwant %q", rows, want)
			}
			wantErrs := []string{
				`row 4, column "fecha": refers to shared string "99", which the workbook does not have`,
				"row 5: has 7 fields, the header has 5",
			}
			if !equal(errs, wantErrs) {
				t.Errorf("row errors = %q\nwant %q", errs, wantErrs)
			}
		})
	}
}

func TestXLSXSheets(t *testing.T) {
	data := zipOf(t, workbookParts(false))
	res := read(t, data, "informe.xlsx", tabular.Options{})
	if res.err != nil || !equal(res.header, []string{"resumen"}) || len(res.rows) != 1 || res.rows[0].Fields[0] != "1" {
		t.Errorf("first sheet: header %q, rows %v, err %v", res.header, res.rows, res.err)
	}
	res = read(t, data, "informe.xlsx", tabular.Options{Sheet: "datos"})
	if res.err != nil || !equal(res.header, []string{"Informe 2020"}) {
		t.Errorf("sheet by name ignoring case: header %q, err %v", res.header, res.err)
	}
	res = read(t, data, "informe.xlsx", tabular.Options{Sheet: "Hoja1"})
	if res.err == nil || !strings.Contains(res.err.Error(), `has no sheet named "Hoja1"; its sheets are "Resumen", "Datos"`) {
		t.Errorf("missing sheet: %v", res.err)
	}
	// An xlsx named .csv is read as a workbook when the format is not declared.
	if res := read(t, data, "informe.csv", tabular.Options{}); res.err != nil || res.header[0] != "resumen" {
		t.Errorf("xlsx named .csv: %v", res.err)
	}
}

func TestXLSXLimits(t *testing.T) {
	var rows [][]string
	rows = append(rows, []string{"a", "b"})
	rows = append(rows, []string{"1", "x"})
	rows = append(rows, []string{"2", strings.Repeat("y", 5000)})
	rows = append(rows, []string{"3", "z"})
	var buf bytes.Buffer
	if err := tabular.WriteXLSX(&buf, "s", rows); err != nil {
		t.Fatal(err)
	}
	res := readBytes(t, buf.Bytes(), "x.xlsx", tabular.Options{MaxRowBytes: 1000})
	got, errs := res.fields()
	if res.err != nil || !equalRows(got, [][]string{{"1", "x"}, {"3", "z"}}) || !equal(errs, []string{"row 2: longer than 1000 bytes; skipped"}) {
		t.Errorf("rows %q, errors %q, err %v", got, errs, res.err)
	}

	// Rows just under the limit, one after the other.
	rows = [][]string{{"a"}}
	for i := range 5 {
		rows = append(rows, []string{fmt.Sprint(i) + strings.Repeat("v", 900)})
	}
	buf.Reset()
	if err := tabular.WriteXLSX(&buf, "s", rows); err != nil {
		t.Fatal(err)
	}
	res = readBytes(t, buf.Bytes(), "x.xlsx", tabular.Options{MaxRowBytes: 990})
	if got, errs := res.fields(); res.err != nil || len(got) != 5 || len(errs) != 0 {
		t.Errorf("rows near the limit: %d rows, errors %q, %v", len(got), errs, res.err)
	}

	defer tabular.SetMaxSharedStrings(100)()
	res = read(t, zipOf(t, workbookParts(false)), "x.xlsx", tabular.Options{})
	if res.err == nil || !strings.Contains(res.err.Error(), "shared strings table is larger than 100 bytes") {
		t.Errorf("shared strings limit: %v", res.err)
	}
}

func TestXLSXDamaged(t *testing.T) {
	parts := workbookParts(false)
	parts["xl/worksheets/sheet1.xml"] = `<worksheet><sheetData><row><c><v>a</v></c></row><row><c><v>1</v></c></row><row><c><v>2</v></c></rowx>`
	res := read(t, zipOf(t, parts), "x.xlsx", tabular.Options{})
	if res.err == nil || !strings.Contains(res.err.Error(), "damaged worksheet") || len(res.rows) != 1 {
		t.Errorf("damaged sheet: %d rows, %v", len(res.rows), res.err)
	}
	delete(parts, "xl/_rels/workbook.xml.rels")
	if res := read(t, zipOf(t, parts), "x.xlsx", tabular.Options{}); res.err == nil {
		t.Errorf("no workbook rels: no error")
	}
	ods := zipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"})
	if res := read(t, ods, "x.ods", tabular.Options{Format: "xlsx"}); res.err == nil || !strings.Contains(res.err.Error(), ".ods") {
		t.Errorf("ods: %v", res.err)
	}
}

func TestXLSXSparseRows(t *testing.T) {
	parts := workbookParts(false)
	parts["xl/worksheets/sheet1.xml"] = `<worksheet><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>b</t></is></c></row>
<row r="2"><c r="A2"><v>1</v></c><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>
<row r="3"><c r="B3"><v>2</v></c><c r="A3"><v>1</v></c><c r="B3"><v>3</v></c></row>
<row r="4"><c r="A4" t="inlineStr"><is><t> </t></is></c></row>
<row r="5"><c r="A5"><v>5</v></c><c r="A5"/></row>
<row r="6"><c r="XFE6"><v>1</v></c></row>
<row r="7"><c r="A7"><v>7</v></c></row>
</sheetData></worksheet>`
	res := read(t, zipOf(t, parts), "x.xlsx", tabular.Options{})
	if res.err != nil {
		t.Fatal(res.err)
	}
	rows, errs := res.fields()
	wantRows := [][]string{{"1", "3"}, {"7", ""}}
	wantErrs := []string{
		"row 1: has 16384 fields, the header has 2",
		`row 3, column "XFE6": is not a valid cell reference in this sheet`,
	}
	if !equalRows(rows, wantRows) || !equal(errs, wantErrs) {
		t.Errorf("rows %q, errors %q\nwant %q, %q", rows, errs, wantRows, wantErrs)
	}
}
