package tabular

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
)

// WriteXLSX writes rows as a one-sheet Excel workbook to w. The first row is
// normally the header. Values are written as:
//
//   - numbers, when they are plain decimal numbers that Excel keeps exactly
//     as written ("12", "-3.5"; not "007", "1.50" or "1e3", which would
//     change and so stay text);
//   - dates, when they are YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (shown as
//     yyyy-mm-dd and yyyy-mm-dd hh:mm:ss), so that Excel can sort and filter
//     them;
//   - inline strings otherwise.
//
// Reading the workbook back with Open gives the same text for every cell.
// The sheet name must be 1 to 31 characters without any of : \ / ? * [ ];
// "" means "Sheet1".
func WriteXLSX(w io.Writer, sheet string, rows [][]string) error {
	if sheet == "" {
		sheet = "Sheet1"
	}
	if len([]rune(sheet)) > 31 || strings.ContainsAny(sheet, `:\/?*[]`) || strings.Trim(sheet, "'") != sheet {
		return atalaya.Errorf(atalaya.EINVALID, "sheet name %q is not allowed in Excel: use at most 31 characters and none of : \\ / ? * [ ]", sheet)
	}
	for i, r := range rows {
		if len(r) > maxColumns {
			return atalaya.Errorf(atalaya.EINVALID, "row %d has %d values; an Excel sheet holds at most %d columns", i+1, len(r), maxColumns)
		}
	}
	if len(rows) > 1<<20 {
		return atalaya.Errorf(atalaya.EINVALID, "%d rows do not fit in an Excel sheet (at most %d)", len(rows), 1<<20)
	}
	zw := zip.NewWriter(w)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypesXML},
		{"_rels/.rels", rootRelsXML},
		{"xl/workbook.xml", workbookXML(sheet)},
		{"xl/_rels/workbook.xml.rels", workbookRelsXML},
		{"xl/styles.xml", stylesXML},
	}
	for _, p := range parts {
		f, err := zw.Create(p.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return err
		}
	}
	f, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	if err := writeSheet(f, rows); err != nil {
		return err
	}
	return zw.Close()
}

// writeSheet writes the worksheet XML.
func writeSheet(w io.Writer, rows [][]string) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(xml.Header)
	bw.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	var ref []byte
	for i, row := range rows {
		r := strconv.Itoa(i + 1)
		bw.WriteString(`<row r="` + r + `">`)
		for j, v := range row {
			if v == "" {
				continue
			}
			ref = append(columnLetters(ref[:0], j), r...)
			bw.WriteString(`<c r="`)
			bw.Write(ref)
			switch kind, serial := cellFor(v); kind {
			case writeNumber:
				bw.WriteString(`"><v>` + v + `</v></c>`)
			case writeDate:
				bw.WriteString(`" s="1"><v>` + serial + `</v></c>`)
			case writeDateTime:
				bw.WriteString(`" s="2"><v>` + serial + `</v></c>`)
			default:
				bw.WriteString(`" t="inlineStr"><is><t xml:space="preserve">`)
				xml.EscapeText(bw, []byte(escapeX(v)))
				bw.WriteString(`</t></is></c>`)
			}
		}
		bw.WriteString(`</row>`)
	}
	bw.WriteString(`</sheetData></worksheet>`)
	return bw.Flush()
}

// How WriteXLSX writes a value.
const (
	writeText = iota
	writeNumber
	writeDate
	writeDateTime
)

// cellFor decides how a value is written: as a number, a date or a date and
// time (with its serial number), or text.
func cellFor(v string) (kind int, serial string) {
	if isPlainNumber(v) {
		return writeNumber, ""
	}
	for _, layout := range []struct {
		format string
		kind   int
	}{{"2006-01-02", writeDate}, {"2006-01-02T15:04:05", writeDateTime}} {
		if len(v) != len(layout.format) {
			continue
		}
		t, err := time.Parse(layout.format, v)
		if err != nil || t.Year() < 1901 || t.Format(layout.format) != v {
			continue
		}
		d := t.Sub(excelEpoch1900)
		days := int64(d / (24 * time.Hour))
		secs := int64(d%(24*time.Hour)) / int64(time.Second)
		serial := strconv.FormatInt(days, 10)
		if secs != 0 {
			serial = strconv.FormatFloat(float64(days)+float64(secs)/86400, 'f', -1, 64)
		}
		return layout.kind, serial
	}
	return writeText, ""
}

// isPlainNumber reports whether v is a decimal number that Excel stores and
// shows exactly as written: at most 15 significant digits, no exponent, no
// leading zero, no trailing zero after the point.
func isPlainNumber(v string) bool {
	digits := 0
	for i := 0; i < len(v); i++ {
		if isDigit(v[i]) {
			digits++
		}
	}
	if digits == 0 || digits > 15 || !isDigit(strings.TrimPrefix(v, "-")[0]) {
		return false
	}
	f, err := strconv.ParseFloat(v, 64)
	return err == nil && strconv.FormatFloat(f, 'f', -1, 64) == v
}

// escapeX writes control characters, which XML cannot hold, as Excel's
// _xHHHH_ escapes, and protects text that would read as such an escape.
func escapeX(s string) string {
	if !strings.Contains(s, "_x") && strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ReplaceAll(s, "_x", "_x005F_x") {
		if isControl(r) {
			fmt.Fprintf(&b, "_x%04X_", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF
}

// columnLetters appends the letters of a 0-based column index: A, B, …, AA.
func columnLetters(dst []byte, col int) []byte {
	var b [4]byte
	i := len(b)
	for n := col + 1; n > 0; n = (n - 1) / 26 {
		i--
		b[i] = byte('A' + (n-1)%26)
	}
	return append(dst, b[i:]...)
}

func workbookXML(sheet string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(sheet))
	return xml.Header + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<sheets><sheet name="` + strings.ReplaceAll(b.String(), `"`, "&quot;") + `" sheetId="1" r:id="rId1"/></sheets></workbook>`
}

const contentTypesXML = xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
	`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
	`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
	`</Types>`

const rootRelsXML = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
	`</Relationships>`

const workbookRelsXML = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`</Relationships>`

// stylesXML defines style 1 as a date (yyyy-mm-dd) and style 2 as a date
// and time (yyyy-mm-dd hh:mm:ss), plus the minimum Excel requires.
const stylesXML = xml.Header + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>` +
	`<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>` +
	`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
	`</styleSheet>`
