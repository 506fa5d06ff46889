package tabular

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// jsonlReader reads JSON lines: one object per line, whose keys are the
// columns. The keys of the first object, in order, make the header.
type jsonlReader struct {
	name     string
	src      *source
	enc      string
	declared bool
	cs       *charset
	max      int
	header   []string
	index    map[string]int
	first    *Row  // the first object, read with the header and not yet returned
	line     int64 // data rows returned
	phys     int64 // physical lines read
	err      error
	long     []byte
	buf      []byte
}

// openJSONL sets up a JSON lines reader and reads the first object.
func openJSONL(r io.ReaderAt, size int64, name string, opt Options, head []byte) (Reader, error) {
	enc, ok := encodingName(opt.Encoding)
	if !ok {
		return nil, encodingError(name, opt.Encoding)
	}
	j := &jsonlReader{name: name, enc: enc, declared: enc != "", max: opt.MaxRowBytes}
	start := int64(0)
	if bytes.HasPrefix(head, bom) {
		start, j.enc = int64(len(bom)), EncodingUTF8
	} else if j.enc == "" {
		j.enc = detectEncoding(head)
	}
	j.cs = charsetFor(j.enc)
	j.src = newSource(io.NewSectionReader(r, start, size-start), start, size-start)
	for range opt.SkipRows {
		if _, _, ok := j.src.readLine(j.max, &j.long); !ok {
			break
		}
		j.phys++
	}
	if err := j.readHeader(); err != nil {
		return nil, err
	}
	return j, nil
}

// readHeader reads the first non-blank line, which must be a JSON object.
func (j *jsonlReader) readHeader() error {
	for {
		line, tooLong, ok := j.src.readLine(j.max, &j.long)
		if !ok {
			if err := j.src.err; err != nil {
				return &FileError{File: j.name, Reason: "could not be read: " + errText(err), Err: err}
			}
			return fileErrorf(j.name, 0, "has no JSON object (it holds only blank lines)")
		}
		j.phys++
		if tooLong {
			return fileErrorf(j.name, j.phys, "has a first line longer than %s", sizeText(j.max))
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		text, err := j.decode(line)
		if err != nil {
			return err
		}
		obj, err := parseObject(text)
		if obj.syntax != "" {
			return fileErrorf(j.name, j.phys, "is not a JSON object (%s); the first line must be an object whose keys are the column names", obj.syntax)
		}
		h, herr := cleanHeader(j.name, j.phys, obj.keys)
		if herr != nil {
			return herr
		}
		if len(h) != len(obj.keys) {
			return fileErrorf(j.name, j.phys, "has an empty key in its first object; every column needs a name")
		}
		j.header, j.index = h, make(map[string]int, len(h))
		for i, k := range obj.keys {
			j.index[k] = i
		}
		j.line = 1
		row := j.row(obj, err, string(text))
		j.first = &row
		return nil
	}
}

// decode converts a line to UTF-8, refusing invalid UTF-8 in a UTF-8 file.
func (j *jsonlReader) decode(line []byte) ([]byte, error) {
	if i := bytes.IndexByte(line, 0); i >= 0 {
		return nil, binaryError(j.name, j.src.offset()-int64(len(line))+int64(i))
	}
	if j.cs != nil {
		j.buf = j.cs.appendUTF8(j.buf[:0], line)
		return j.buf, nil
	}
	if !utf8.Valid(line) {
		return nil, utf8Error(j.name, j.phys, line[firstInvalid(line)], j.declared)
	}
	return line, nil
}

// Next implements Reader.
func (j *jsonlReader) Next() (Row, error) {
	if j.err != nil {
		return Row{}, j.err
	}
	if j.first != nil {
		row := *j.first
		j.first = nil
		return row, nil
	}
	for {
		line, tooLong, ok := j.src.readLine(j.max, &j.long)
		if !ok {
			break
		}
		j.phys++
		if !tooLong && len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		j.line++
		if tooLong {
			return Row{Line: j.line, Raw: rawPrefix(line, j.cs), Err: tooLongError(j.line, j.max)}, nil
		}
		text, err := j.decode(line)
		if err != nil {
			j.err = err
			return Row{}, err
		}
		obj, perr := parseObject(text)
		return j.row(obj, perr, string(text)), nil
	}
	if err := j.src.err; err != nil {
		j.err = &FileError{File: j.name, Line: j.phys, Reason: "could not be read: " + errText(err), Err: err}
		return Row{}, j.err
	}
	j.err = io.EOF
	return Row{}, io.EOF
}

// row maps a parsed object onto the header.
func (j *jsonlReader) row(obj object, perr error, text string) Row {
	row := Row{Line: j.line, Raw: truncate(text, maxRawBytes)}
	if obj.syntax != "" {
		row.Err = rowErrorf(j.line, "is not valid JSON (%s)", obj.syntax)
		return row
	}
	var pe *RowError
	if errors.As(perr, &pe) {
		pe.Line = j.line
		row.Err = pe
		return row
	}
	fields := make([]string, len(j.header))
	seen := make([]bool, len(j.header))
	for i, k := range obj.keys {
		c, ok := j.index[k]
		switch {
		case !ok:
			row.Err = &RowError{Line: j.line, Column: k, Value: truncate(obj.vals[i], maxValueBytes),
				Reason: "is a key that the first line does not have; every line must have the same keys"}
			return row
		case seen[c]:
			row.Err = &RowError{Line: j.line, Column: k, Reason: "appears twice in the same object"}
			return row
		}
		seen[c] = true
		fields[c] = obj.vals[i]
	}
	row.Fields = fields
	return row
}

// object is one parsed JSON line.
type object struct {
	keys   []string
	vals   []string
	syntax string // why the line is not a JSON object, if it is not
}

// parseObject parses a JSON object whose values must be scalars. Values are
// rendered as text: strings as they are, numbers as written, null as "",
// booleans as "true" and "false". A nested array or object is reported as a
// *RowError, with the keys still collected.
func parseObject(text []byte) (object, error) {
	var obj object
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		obj.syntax = "the line does not start with {"
		if err != nil {
			obj.syntax = jsonSyntax(err)
		}
		return obj, nil
	}
	var problem error
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			obj.syntax = jsonSyntax(err)
			return obj, nil
		}
		key, _ := kt.(string)
		vt, err := dec.Token()
		if err != nil {
			obj.syntax = jsonSyntax(err)
			return obj, nil
		}
		var val string
		switch v := vt.(type) {
		case string:
			val = v
		case json.Number:
			val = v.String()
		case bool:
			val = strconv.FormatBool(v)
		case nil:
		case json.Delim:
			kind := "an array"
			if v == '{' {
				kind = "an object"
			}
			if problem == nil {
				problem = &RowError{Column: key, Reason: fmt.Sprintf("is %s; only strings, numbers, true, false and null can be values", kind)}
			}
			if err := skipNested(dec); err != nil {
				obj.syntax = jsonSyntax(err)
				return obj, nil
			}
		}
		obj.keys = append(obj.keys, key)
		obj.vals = append(obj.vals, val)
	}
	if _, err := dec.Token(); err != nil {
		obj.syntax = jsonSyntax(err)
		return obj, nil
	}
	if _, err := dec.Token(); err != io.EOF {
		obj.syntax = "more than one JSON value on the line"
		if err != nil {
			obj.syntax = jsonSyntax(err)
		}
	}
	return obj, problem
}

// skipNested consumes the rest of an array or object whose opening
// delimiter has just been read.
func skipNested(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); ok {
			if d == '[' || d == '{' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// jsonSyntax describes a JSON decoding error.
func jsonSyntax(err error) string {
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return "the line ends in the middle of a value"
	}
	return errText(err)
}

// Header implements Reader.
func (j *jsonlReader) Header() []string { return j.header }

// Encoding implements Reader.
func (j *jsonlReader) Encoding() string { return j.enc }

// Delimiter implements Reader; JSON lines have none.
func (j *jsonlReader) Delimiter() rune { return 0 }

// BytesRead implements Reader.
func (j *jsonlReader) BytesRead() int64 { return j.src.offset() }

// Close implements Reader.
func (j *jsonlReader) Close() error {
	j.err = fileErrorf(j.name, 0, "is closed")
	j.long, j.buf = nil, nil
	return nil
}
