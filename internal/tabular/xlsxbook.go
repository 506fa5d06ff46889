package tabular

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"io"
	"strconv"
	"strings"

	"github.com/oas-atalaya/atalaya"
)

// ColumnKind says how WriteWorkbook writes the cells of a column.
type ColumnKind int

// The column kinds.
const (
	// ColumnAuto writes cells as WriteXLSX does: plain decimal numbers as
	// numbers, ISO dates as dates, the rest as text.
	ColumnAuto ColumnKind = iota
	// ColumnText writes every cell as text, even "2024" or "007".
	ColumnText
	// ColumnWrapped is ColumnText with the text wrapped at the column's
	// width (long definitions, notes).
	ColumnWrapped
	// ColumnNumber writes a cell as a number when it is a finite decimal
	// number ("12", "-0.5", "1.25e-7", "1.500"), as text otherwise.
	ColumnNumber
)

// Sheet is one worksheet of a workbook written by WriteWorkbook.
type Sheet struct {
	// Name is the sheet's tab: 1 to 31 characters, none of : \ / ? * [ ].
	Name string
	// Rows holds the cells row by row; "" leaves a cell empty.
	Rows [][]string
	// Kinds gives the kind of each column (0-based); columns beyond it
	// are ColumnAuto.
	Kinds []ColumnKind
	// Widths gives column widths in characters; 0 (or a column beyond it)
	// keeps Excel's default width.
	Widths []float64
	// Header is the number of rows at the top that are a header: they are
	// written as bold text and frozen, so that they stay in view while the
	// rest scrolls.
	Header int
}

// Styles of a workbook written by WriteWorkbook besides those of WriteXLSX
// (1 date, 2 date and time).
const (
	styleBold = 3
	styleWrap = 4
)

// WriteWorkbook writes sheets as one Excel workbook to w, in order. It is
// WriteXLSX for several sheets, with column kinds, widths and a frozen
// bold header. Reading a sheet back with Open gives the same text for
// every cell, except that a ColumnNumber cell comes back as Excel stores
// the number.
func WriteWorkbook(w io.Writer, sheets ...Sheet) error {
	if len(sheets) == 0 {
		return atalaya.Errorf(atalaya.EINVALID, "a workbook needs at least one sheet")
	}
	seen := map[string]bool{}
	for _, s := range sheets {
		if s.Name == "" || len([]rune(s.Name)) > 31 || strings.ContainsAny(s.Name, `:\/?*[]`) || strings.Trim(s.Name, "'") != s.Name {
			return atalaya.Errorf(atalaya.EINVALID, "sheet name %q is not allowed in Excel: use 1 to 31 characters and none of : \\ / ? * [ ]", s.Name)
		}
		if key := strings.ToLower(s.Name); seen[key] {
			return atalaya.Errorf(atalaya.EINVALID, "two sheets are named %q; Excel needs distinct names", s.Name)
		} else {
			seen[key] = true
		}
		if len(s.Rows) > 1<<20 {
			return atalaya.Errorf(atalaya.EINVALID, "sheet %q: %d rows do not fit in an Excel sheet (at most %d)", s.Name, len(s.Rows), 1<<20)
		}
		for i, r := range s.Rows {
			if len(r) > maxColumns {
				return atalaya.Errorf(atalaya.EINVALID, "sheet %q: row %d has %d values; an Excel sheet holds at most %d columns", s.Name, i+1, len(r), maxColumns)
			}
		}
	}
	zw := zip.NewWriter(w)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", bookContentTypes(len(sheets))},
		{"_rels/.rels", rootRelsXML},
		{"xl/workbook.xml", bookXML(sheets)},
		{"xl/_rels/workbook.xml.rels", bookRels(len(sheets))},
		{"xl/styles.xml", bookStylesXML},
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
	for i, s := range sheets {
		f, err := zw.Create("xl/worksheets/sheet" + strconv.Itoa(i+1) + ".xml")
		if err != nil {
			return err
		}
		if err := writeBookSheet(f, s); err != nil {
			return err
		}
	}
	return zw.Close()
}

// writeBookSheet writes one worksheet's XML.
func writeBookSheet(w io.Writer, s Sheet) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(xml.Header)
	bw.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	if s.Header > 0 && s.Header < 1<<20 {
		top := strconv.Itoa(s.Header + 1)
		bw.WriteString(`<sheetViews><sheetView workbookViewId="0"><pane ySplit="` + strconv.Itoa(s.Header) +
			`" topLeftCell="A` + top + `" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A` +
			top + `" sqref="A` + top + `"/></sheetView></sheetViews>`)
	}
	var cols strings.Builder
	for i, width := range s.Widths {
		if width > 0 && width <= 255 && i < maxColumns {
			n := strconv.Itoa(i + 1)
			cols.WriteString(`<col min="` + n + `" max="` + n + `" width="` + strconv.FormatFloat(width, 'f', -1, 64) + `" customWidth="1"/>`)
		}
	}
	if cols.Len() > 0 {
		bw.WriteString(`<cols>` + cols.String() + `</cols>`)
	}
	bw.WriteString(`<sheetData>`)
	var ref []byte
	for i, row := range s.Rows {
		r := strconv.Itoa(i + 1)
		bw.WriteString(`<row r="` + r + `">`)
		for j, v := range row {
			if v == "" {
				continue
			}
			ref = append(columnLetters(ref[:0], j), r...)
			bw.WriteString(`<c r="`)
			bw.Write(ref)
			kind := ColumnAuto
			if j < len(s.Kinds) {
				kind = s.Kinds[j]
			}
			switch {
			case i < s.Header:
				writeInline(bw, v, styleBold)
			case kind == ColumnText:
				writeInline(bw, v, 0)
			case kind == ColumnWrapped:
				writeInline(bw, v, styleWrap)
			case kind == ColumnNumber:
				if isDecimalNumber(v) {
					bw.WriteString(`"><v>` + v + `</v></c>`)
				} else {
					writeInline(bw, v, 0)
				}
			default:
				switch kind, serial := cellFor(v); kind {
				case writeNumber:
					bw.WriteString(`"><v>` + v + `</v></c>`)
				case writeDate:
					bw.WriteString(`" s="1"><v>` + serial + `</v></c>`)
				case writeDateTime:
					bw.WriteString(`" s="2"><v>` + serial + `</v></c>`)
				default:
					writeInline(bw, v, 0)
				}
			}
		}
		bw.WriteString(`</row>`)
	}
	bw.WriteString(`</sheetData></worksheet>`)
	return bw.Flush()
}

// writeInline finishes a cell whose reference is written as an inline
// string with the given style (0 for none).
func writeInline(bw *bufio.Writer, v string, style int) {
	if style != 0 {
		bw.WriteString(`" s="` + strconv.Itoa(style))
	}
	bw.WriteString(`" t="inlineStr"><is><t xml:space="preserve">`)
	xml.EscapeText(bw, []byte(escapeX(v)))
	bw.WriteString(`</t></is></c>`)
}

// isDecimalNumber reports whether v is a finite number written in decimal,
// with an optional sign, point and exponent: what a number cell may hold.
func isDecimalNumber(v string) bool {
	i, digits := 0, 0
	if i < len(v) && (v[i] == '-' || v[i] == '+') {
		i++
	}
	for ; i < len(v) && isDigit(v[i]); i++ {
		digits++
	}
	if i < len(v) && v[i] == '.' {
		for i++; i < len(v) && isDigit(v[i]); i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '-' || v[i] == '+') {
			i++
		}
		exp := 0
		for ; i < len(v) && isDigit(v[i]); i++ {
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	if i != len(v) {
		return false
	}
	_, err := strconv.ParseFloat(v, 64)
	return err == nil // out of range: ±Inf is not a number cell
}

func bookXML(sheets []Sheet) string {
	var b strings.Builder
	b.WriteString(xml.Header + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`)
	for i, s := range sheets {
		var name strings.Builder
		xml.EscapeText(&name, []byte(s.Name))
		n := strconv.Itoa(i + 1)
		b.WriteString(`<sheet name="` + strings.ReplaceAll(name.String(), `"`, "&quot;") + `" sheetId="` + n + `" r:id="rId` + n + `"/>`)
	}
	b.WriteString(`</sheets></workbook>`)
	return b.String()
}

func bookRels(n int) string {
	var b strings.Builder
	b.WriteString(xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i := 1; i <= n; i++ {
		s := strconv.Itoa(i)
		b.WriteString(`<Relationship Id="rId` + s + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet` + s + `.xml"/>`)
	}
	b.WriteString(`<Relationship Id="rId` + strconv.Itoa(n+1) + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`)
	b.WriteString(`</Relationships>`)
	return b.String()
}

func bookContentTypes(n int) string {
	var b strings.Builder
	b.WriteString(xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`)
	for i := 1; i <= n; i++ {
		b.WriteString(`<Override PartName="/xl/worksheets/sheet` + strconv.Itoa(i) + `.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`)
	}
	b.WriteString(`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`)
	return b.String()
}

// bookStylesXML is stylesXML with two more cell styles: 3 bold, 4 text
// wrapped and aligned to the top of the cell.
const bookStylesXML = xml.Header + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>` +
	`<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>` +
	`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
	`<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf></cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
	`</styleSheet>`
