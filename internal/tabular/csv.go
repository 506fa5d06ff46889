package tabular

import (
	"bytes"
	"io"
	"path"
	"strings"
	"unicode/utf8"
)

// csvReader reads delimited text.
type csvReader struct {
	name     string
	sc       *scanner
	enc      string
	declared bool     // the encoding came from the options
	cs       *charset // nil for UTF-8
	header   []string
	line     int64    // data rows returned so far
	err      error    // sticky: io.EOF or a *FileError
	buf      []byte   // scratch for building a row's string
	uends    []int    // scratch: field ends in buf
	scratch  []string // scratch: the fields of the last record
	slab     []string // block that Fields slices are cut from
}

// openCSV sets up a CSV reader and reads the header. head holds the first
// bytes of the file.
func openCSV(r io.ReaderAt, size int64, name string, opt Options, head []byte) (*csvReader, error) {
	enc, ok := encodingName(opt.Encoding)
	if !ok {
		return nil, encodingError(name, opt.Encoding)
	}
	c := &csvReader{name: name, enc: enc, declared: enc != ""}
	start := int64(0)
	if bytes.HasPrefix(head, bom) {
		start, c.enc = int64(len(bom)), EncodingUTF8
	} else if c.enc == "" {
		c.enc = detectEncoding(head)
	}
	c.cs = charsetFor(c.enc)

	delim, err := chooseDelimiter(name, opt, head[start:], int64(len(head)) == size)
	if err != nil {
		return nil, err
	}
	c.sc = newScanner(newSource(io.NewSectionReader(r, start, size-start), start, size-start), delim, opt.MaxRowBytes)
	for range opt.SkipRows {
		if !c.sc.skipLine() {
			break
		}
	}
	if err := c.readHeader(opt.SkipRows); err != nil {
		return nil, err
	}
	return c, nil
}

// chooseDelimiter returns the declared delimiter or detects one.
func chooseDelimiter(name string, opt Options, head []byte, complete bool) (byte, error) {
	switch d := opt.Delimiter; {
	case d == 0:
	case d < utf8.RuneSelf && d != '"' && d != '\r' && d != '\n' && d != ' ':
		return byte(d), nil
	default:
		return 0, fileErrorf(name, 0, "cannot be read: the delimiter %q is not supported (use a single ASCII character such as , ; | or a tab)", d)
	}
	if strings.EqualFold(path.Ext(name), ".tsv") {
		return '\t', nil
	}
	return sniffDelimiter(head, complete, opt.SkipRows), nil
}

// readHeader reads the first non-blank record as the header.
func (c *csvReader) readHeader(skipped int) error {
	for c.sc.scan() {
		if !c.sc.tooLong && !c.sc.open && c.blank() {
			continue
		}
		line := c.sc.startLine
		switch {
		case c.sc.tooLong:
			return fileErrorf(c.name, line, "has a header row longer than %s", sizeText(c.sc.max))
		case c.sc.open:
			return fileErrorf(c.name, line, "has a quote in the header row that is never closed")
		}
		fields, _, err := c.decode()
		if err != nil {
			return err
		}
		h, err := cleanHeader(c.name, line, fields)
		if err != nil {
			return err
		}
		c.header = h
		return nil
	}
	if err := c.sc.src.err; err != nil {
		return &FileError{File: c.name, Reason: "could not be read: " + errText(err), Err: err}
	}
	if skipped > 0 {
		return fileErrorf(c.name, 0, "has no header row after the %d skipped lines", skipped)
	}
	return fileErrorf(c.name, 0, "has no header row (it holds only blank lines)")
}

// Header implements Reader.
func (c *csvReader) Header() []string { return c.header }

// Encoding implements Reader.
func (c *csvReader) Encoding() string { return c.enc }

// Delimiter implements Reader.
func (c *csvReader) Delimiter() rune { return rune(c.sc.delim) }

// BytesRead implements Reader.
func (c *csvReader) BytesRead() int64 { return c.sc.src.offset() }

// Close implements Reader.
func (c *csvReader) Close() error {
	c.err = fileErrorf(c.name, 0, "is closed")
	c.sc.rec, c.buf, c.slab = nil, nil, nil
	return nil
}

// Next implements Reader.
func (c *csvReader) Next() (Row, error) {
	if c.err != nil {
		return Row{}, c.err
	}
	for c.sc.scan() {
		if !c.sc.tooLong && !c.sc.open && c.blank() {
			continue
		}
		c.line++
		row := Row{Line: c.line}
		switch {
		case c.sc.open:
			row.Err = rowErrorf(c.line, "a quoted field starting on line %d is never closed (a \" is missing)", c.sc.startLine)
			row.Raw = c.prefix()
			return row, nil
		case c.sc.tooLong:
			row.Err = tooLongError(c.line, c.sc.max)
			row.Raw = c.prefix()
			return row, nil
		}
		fields, raw, err := c.decode()
		if err != nil {
			c.err = err
			return Row{}, err
		}
		row.Raw = raw
		row.Fields, row.Err = c.align(fields)
		return row, nil
	}
	if err := c.sc.src.err; err != nil {
		c.err = &FileError{File: c.name, Line: c.sc.line, Reason: "could not be read: " + errText(err), Err: err}
		return Row{}, c.err
	}
	c.err = io.EOF
	return Row{}, io.EOF
}

// align fits the fields of a record to the header in a fresh slice: missing
// fields are "", and extra fields are tolerated only when empty (left by a
// trailing delimiter).
func (c *csvReader) align(fields []string) ([]string, error) {
	n := len(c.header)
	if len(fields) > n {
		for _, f := range fields[n:] {
			if strings.TrimSpace(f) != "" {
				return nil, fieldCountError(c.line, len(fields), n, f)
			}
		}
	}
	out := c.newFields(n)
	copy(out, fields)
	return out, nil
}

// newFields hands out a fresh slice of n strings, cut from a larger block to
// spare an allocation per row.
func (c *csvReader) newFields(n int) []string {
	if len(c.slab) < n {
		c.slab = make([]string, max(n*32, 256))
	}
	f := c.slab[:n:n]
	c.slab = c.slab[n:]
	return f
}

// blank reports whether the last record holds nothing but spaces.
func (c *csvReader) blank() bool {
	if c.sc.fast {
		return isBlank(c.sc.line0, c.sc.delim)
	}
	return isBlank(c.sc.rec, c.sc.delim)
}

// prefix returns the start of the last record as UTF-8, for Row.Raw of a
// row that could not be parsed.
func (c *csvReader) prefix() string {
	b := c.sc.rec
	if c.sc.fast {
		b = c.sc.line0
	}
	return rawPrefix(b, c.cs)
}

// decode converts the last record to UTF-8 strings: its fields and the text
// for Row.Raw. All of them share one freshly allocated string.
func (c *csvReader) decode() (fields []string, raw string, err error) {
	if c.sc.fast {
		return c.decodeLine()
	}
	return c.decodeFields()
}

// decodeLine handles a fast-path record: the raw line, split at the
// delimiters found by the scanner. Raw is the line itself.
func (c *csvReader) decodeLine() ([]string, string, error) {
	b := c.sc.line0
	if c.sc.nul >= 0 {
		return nil, "", binaryError(c.name, c.sc.startOff+int64(c.sc.nul))
	}
	fields := c.scratch[:0]
	if c.sc.high {
		if c.cs != nil {
			// Transcoding moves the delimiters; split again.
			c.buf = c.cs.appendUTF8(c.buf[:0], b)
			s := string(c.buf)
			raw := truncate(s, maxRawBytes)
			for {
				i := strings.IndexByte(s, c.sc.delim)
				if i < 0 {
					break
				}
				fields = append(fields, s[:i])
				s = s[i+1:]
			}
			c.scratch = append(fields, s)
			return c.scratch, raw, nil
		}
		if !utf8.Valid(b) {
			return nil, "", c.utf8Error(b, firstInvalid(b))
		}
	}
	s := string(b)
	start := 0
	for _, e := range c.sc.ends {
		fields = append(fields, s[start:e])
		start = e + 1
	}
	c.scratch = fields
	return fields, truncate(s, maxRawBytes), nil
}

// decodeFields handles a slow-path record, whose field contents are
// concatenated in rec. Raw is rebuilt with the fields quoted where needed.
func (c *csvReader) decodeFields() ([]string, string, error) {
	rec, ends := c.sc.rec, c.sc.ends
	if i := bytes.IndexByte(rec, 0); i >= 0 {
		return nil, "", binaryError(c.name, c.sc.startOff+int64(i))
	}
	if c.cs == nil && hasHigh(rec) {
		// Check field by field: a sequence must not span two fields.
		start := 0
		for _, e := range ends {
			if !utf8.Valid(rec[start:e]) {
				return nil, "", c.utf8Error(rec, start+firstInvalid(rec[start:e]))
			}
			start = e
		}
	}
	buf, uends := c.buf[:0], c.uends[:0]
	start := 0
	for _, e := range ends {
		if c.cs != nil {
			buf = c.cs.appendUTF8(buf, rec[start:e])
		} else {
			buf = append(buf, rec[start:e]...)
		}
		uends = append(uends, len(buf))
		start = e
	}
	content := len(buf)
	start = 0
	for i, e := range uends {
		if len(buf)-content > maxRawBytes {
			break
		}
		buf = appendRawBytes(buf, i, buf[start:e], c.sc.delim)
		start = e
	}
	s := string(buf)
	c.buf, c.uends = buf, uends
	fields := c.scratch[:0]
	start = 0
	for _, e := range uends {
		fields = append(fields, s[start:e])
		start = e
	}
	c.scratch = fields
	return fields, truncate(s[content:], maxRawBytes), nil
}

// utf8Error is the file error for invalid UTF-8 at offset i of the record
// b, whose line breaks are counted to name the line.
func (c *csvReader) utf8Error(b []byte, i int) error {
	n, _ := countLines(b[:i], false)
	if !utf8.FullRune(b[i:]) && c.sc.src.done() {
		return fileErrorf(c.name, c.sc.startLine+n, "ends in the middle of a character: the file seems to be cut short; send it again")
	}
	return utf8Error(c.name, c.sc.startLine+n, b[i], c.declared)
}

// appendRawBytes appends field f to a CSV line being built, after a
// delimiter unless it is the first (i == 0), quoting it where needed.
func appendRawBytes(dst []byte, i int, f []byte, delim byte) []byte {
	if i > 0 {
		dst = append(dst, delim)
	}
	if bytes.IndexByte(f, delim) < 0 && bytes.IndexAny(f, "\"\r\n") < 0 {
		return append(dst, f...)
	}
	dst = append(dst, '"')
	for _, ch := range f {
		if ch == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, ch)
	}
	return append(dst, '"')
}
