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
	sc       scanner
	enc      string
	declared bool     // the encoding came from the options
	cs       *charset // nil for UTF-8
	header   []string
	line     int64 // data rows returned so far
	err      error // sticky: io.EOF or a *FileError
	buf      []byte
	slab     []string
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
		c.enc = detectEncoding(head, int64(len(head)) == size)
	}
	c.cs = charsetFor(c.enc)

	delim, err := chooseDelimiter(name, opt, head[start:], int64(len(head)) == size)
	if err != nil {
		return nil, err
	}
	c.sc = scanner{
		src:   newSource(io.NewSectionReader(r, start, size-start), start),
		delim: delim,
		max:   opt.MaxRowBytes,
		line:  1,
	}
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
		return &FileError{File: c.name, Reason: "could not be read: " + err.Error(), Err: err}
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
		c.err = &FileError{File: c.name, Line: c.sc.line, Reason: "could not be read: " + err.Error(), Err: err}
		return Row{}, c.err
	}
	c.err = io.EOF
	return Row{}, io.EOF
}

// align fits the fields of a record to the header: missing fields are "",
// and extra fields are tolerated only when empty (a trailing delimiter).
func (c *csvReader) align(fields []string) ([]string, error) {
	n := len(c.header)
	if len(fields) > n {
		for _, f := range fields[n:] {
			if strings.TrimSpace(f) != "" {
				return nil, fieldCountError(c.line, len(fields), n)
			}
		}
		return fields[:n:n], nil
	}
	if len(fields) == n {
		return fields, nil
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
	var b []byte
	if c.sc.fast {
		b = c.sc.line0
	} else {
		b = c.sc.rec
	}
	for _, ch := range b {
		if ch != ' ' && ch != '\t' && ch != c.sc.delim && ch != '\r' && ch != '\n' {
			return false
		}
	}
	return true
}

// prefix returns the start of the last record as UTF-8, for Row.Raw of a
// row that could not be parsed.
func (c *csvReader) prefix() string {
	b := c.sc.rec
	if c.sc.fast {
		b = c.sc.line0
	}
	b = b[:min(len(b), maxRawBytes)]
	if c.cs != nil {
		return string(c.cs.appendUTF8(nil, b))
	}
	return strings.ToValidUTF8(string(trimPartialRune(b)), "\uFFFD")
}
