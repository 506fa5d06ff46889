package tabular

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// sheetReader streams the rows of one worksheet with an xml.Decoder: only
// the current row is ever held in memory.
type sheetReader struct {
	wb      *workbook
	rc      io.ReadCloser
	in      *limitReader
	dec     *xml.Decoder
	max     int
	size    int64
	dataOff int64   // offset of the sheet's compressed data in the file
	ratio   float64 // compressed size / uncompressed size
	header  []string
	line    int64 // data rows returned
	rowNum  int   // worksheet number of the last row read
	done    bool  // </sheetData> seen
	err     error
	cells   []cellValue // the non-empty cells of the current row
	sorted  bool        // cells are in column order without repeats
	text    []byte
}

// cellValue is a cell of the current row; empty cells are only kept while
// they may replace an earlier cell of the same column. Rows are kept sparse so
// that a stray cell in column XFD costs no more than any other.
type cellValue struct {
	col int
	v   string
}

// rowResult describes a worksheet row read by readRow.
type rowResult struct {
	num     int       // worksheet row number (1-based)
	tooLong bool      // longer than MaxRowBytes: skipped
	problem *RowError // a cell that cannot be read
}

// newSheetReader opens the sheet stream and reads the header: the first
// non-empty row after the SkipRows first rows.
func newSheetReader(wb *workbook, sheetPath string, size int64, opt Options) (Reader, error) {
	f := wb.file(sheetPath)
	rc, err := f.Open()
	if err != nil {
		return nil, wb.partError(f.Name, err)
	}
	s := &sheetReader{wb: wb, rc: rc, max: opt.MaxRowBytes, size: size}
	s.in = newLimitReader(f, rc, s.outsideLimit())
	s.dec = xml.NewDecoder(s.in)
	s.dataOff, _ = f.DataOffset()
	if f.UncompressedSize64 > 0 {
		s.ratio = float64(f.CompressedSize64) / float64(f.UncompressedSize64)
	}
	if err := s.readHeader(opt.SkipRows); err != nil {
		rc.Close()
		return nil, err
	}
	return s, nil
}

func (s *sheetReader) readHeader(skip int) error {
	for {
		res, ok, err := s.readRow()
		if err != nil {
			return err
		}
		if !ok {
			if skip > 0 {
				return fileErrorf(s.wb.name, 0, "has no header row after the %d skipped rows", skip)
			}
			return fileErrorf(s.wb.name, 0, "has an empty sheet: no header row")
		}
		if res.num <= skip || !res.tooLong && s.width() == 0 {
			continue
		}
		if res.tooLong {
			return fileErrorf(s.wb.name, int64(res.num), "has a header row longer than %s", sizeText(s.max))
		}
		h, err := cleanHeader(s.wb.name, int64(res.num), s.dense(s.width()))
		if err != nil {
			return err
		}
		s.header = h
		return nil
	}
}

// Next implements Reader.
func (s *sheetReader) Next() (Row, error) {
	if s.err != nil {
		return Row{}, s.err
	}
	for {
		res, ok, err := s.readRow()
		if err != nil {
			s.err = err
			return Row{}, err
		}
		if !ok {
			s.err = io.EOF
			return Row{}, io.EOF
		}
		n := s.width()
		if !res.tooLong && res.problem == nil && n == 0 {
			continue
		}
		s.line++
		row := Row{Line: s.line, Raw: joinRaw(s.dense(min(n, maxRawBytes)), ',')}
		switch {
		case res.tooLong:
			row.Err = tooLongError(s.line, s.max)
		case res.problem != nil:
			res.problem.Line = s.line
			row.Err = res.problem
		case n > len(s.header):
			row.Err = fieldCountError(s.line, n, len(s.header), s.after(len(s.header)))
		default:
			row.Fields = s.dense(len(s.header))
		}
		return row, nil
	}
}

// width returns the number of columns up to the last non-empty cell.
func (s *sheetReader) width() int {
	s.sort()
	if len(s.cells) == 0 {
		return 0
	}
	return s.cells[len(s.cells)-1].col + 1
}

// after returns the first value at or past column n.
func (s *sheetReader) after(n int) string {
	for _, c := range s.cells {
		if c.col >= n {
			return c.v
		}
	}
	return ""
}

// dense returns the first n columns of the current row in a fresh slice.
func (s *sheetReader) dense(n int) []string {
	s.sort()
	out := make([]string, n)
	for _, c := range s.cells {
		if c.col >= n {
			break
		}
		out[c.col] = c.v
	}
	return out
}

// sort puts the cells in column order; of two cells in the same column,
// the later one wins, as in Excel.
func (s *sheetReader) sort() {
	if s.sorted {
		return
	}
	slices.SortStableFunc(s.cells, func(a, b cellValue) int { return a.col - b.col })
	out := s.cells[:0]
	for i, c := range s.cells {
		if i+1 < len(s.cells) && s.cells[i+1].col == c.col || c.v == "" {
			continue
		}
		out = append(out, c)
	}
	s.cells, s.sorted = out, true
}

// cell is the cell being read.
type cell struct {
	col      int
	typ      string
	style    int
	inValue  bool // in <v>, or in <t> of an inline string
	inInline bool
	phonetic int
}

// readRow reads the next <row> into s.cells. ok is false after the last.
func (s *sheetReader) readRow() (res rowResult, ok bool, err error) {
	if s.done {
		return res, false, nil
	}
	inRow, c := false, cell{col: -1}
	for {
		tok, err := s.dec.RawToken()
		if err != nil {
			return s.rowError(err, inRow, res)
		}
		if !inRow {
			// Outside rows the limit only guards against one giant token;
			// it must not refuse a long <worksheet> tag or <cols> list.
			s.in.markWith(s.outsideLimit())
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				inRow = true
				s.startRow(t, &res)
				c.col = -1
			case "c":
				if inRow {
					s.startCell(t, &c, &res)
				}
			case "v":
				c.inValue = inRow
			case "is":
				c.inInline = inRow
			case "t":
				c.inValue = c.inInline && c.phonetic == 0
			case "rPh":
				c.phonetic++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "row":
				if inRow {
					s.in.markWith(s.outsideLimit())
					return res, true, nil
				}
			case "sheetData":
				s.done = true
				return res, false, nil
			case "c":
				if inRow {
					s.endCell(&c, &res)
				}
			case "v", "t":
				c.inValue = false
			case "is":
				c.inInline = false
			case "rPh":
				c.phonetic--
			}
		case xml.CharData:
			if c.inValue {
				s.text = append(s.text, t...)
			}
		}
	}
}

// rowError handles a decoder error: a row over the size limit is skipped
// and reported; anything else makes the file unusable.
func (s *sheetReader) rowError(err error, inRow bool, res rowResult) (rowResult, bool, error) {
	switch {
	case s.in.tripped && inRow:
		if !s.in.resync(s.dec, "row") {
			s.done = true
		}
		s.in.markWith(s.outsideLimit())
		s.dec = xml.NewDecoder(s.in)
		res.tooLong = true
		return res, true, nil
	case s.in.tripped:
		return res, false, fileErrorf(s.wb.name, int64(s.rowNum), "has a damaged worksheet: an XML element after row %d is longer than %s", s.rowNum, sizeText(s.max))
	case err == io.EOF:
		return res, false, fileErrorf(s.wb.name, int64(s.rowNum), "has a damaged worksheet: its XML stops after row %d, before the end of the data", s.rowNum)
	}
	return res, false, &FileError{File: s.wb.name, Line: int64(s.rowNum), Err: err,
		Reason: fmt.Sprintf("has a damaged worksheet: its XML cannot be read after row %d (%s)", s.rowNum, errText(err))}
}

// outsideLimit is the size limit of one XML token outside rows.
func (s *sheetReader) outsideLimit() int64 { return max(int64(s.max), 1<<20) }

// startRow begins a <row>: it clears the cells and reads the row number.
func (s *sheetReader) startRow(t xml.StartElement, res *rowResult) {
	clear(s.cells)
	s.cells, s.sorted = s.cells[:0], true
	s.in.markWith(int64(s.max))
	res.num = s.rowNum + 1
	for _, a := range t.Attr {
		if a.Name.Local == "r" {
			if n, err := strconv.Atoi(a.Value); err == nil && n > 0 {
				res.num = n
			}
		}
	}
	s.rowNum = res.num
}

// startCell begins a <c>: its column, type and style.
func (s *sheetReader) startCell(t xml.StartElement, c *cell, res *rowResult) {
	*c = cell{col: c.col + 1, style: -1}
	s.text = s.text[:0]
	for _, a := range t.Attr {
		switch a.Name.Local {
		case "r":
			col, ok := cellRef(a.Value)
			if !ok && res.problem == nil {
				res.problem = &RowError{Column: a.Value, Reason: "is not a valid cell reference in this sheet"}
			}
			c.col = col
		case "t":
			c.typ = a.Value
		case "s":
			if n, err := strconv.Atoi(a.Value); err == nil {
				c.style = n
			}
		}
	}
	if c.col >= maxColumns {
		c.col = maxColumns - 1
		if res.problem == nil {
			res.problem = &RowError{Reason: "has a cell beyond column XFD, the last column of a sheet"}
		}
	}
}

// endCell stores the value of a finished <c> in its column.
func (s *sheetReader) endCell(c *cell, res *rowResult) {
	v, problem := s.value(c)
	if problem != "" && res.problem == nil {
		res.problem = &RowError{Column: s.columnName(c.col), Value: truncate(string(s.text), maxValueBytes), Reason: problem}
	}
	if strings.TrimSpace(v) == "" {
		v = "" // a blank cell counts as empty, but may replace an earlier one
	}
	if n := len(s.cells); n > 0 && s.cells[n-1].col >= c.col {
		s.sorted = false
	} else if v == "" {
		return
	}
	s.cells = append(s.cells, cellValue{c.col, v})
}

// Header implements Reader.
func (s *sheetReader) Header() []string { return s.header }

// Encoding implements Reader: worksheets are XML in UTF-8.
func (s *sheetReader) Encoding() string { return EncodingUTF8 }

// Delimiter implements Reader; a worksheet has none.
func (s *sheetReader) Delimiter() rune { return 0 }

// BytesRead implements Reader. It estimates the position in the file from
// the decompressed bytes read and the sheet's compression ratio.
func (s *sheetReader) BytesRead() int64 {
	n := s.dataOff + int64(float64(s.in.total)*s.ratio)
	return min(max(n, 0), s.size)
}

// Close implements Reader.
func (s *sheetReader) Close() error {
	if s.err == nil || s.err == io.EOF {
		s.err = fileErrorf(s.wb.name, 0, "is closed")
	}
	return s.rc.Close()
}
