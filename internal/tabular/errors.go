package tabular

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/oas-atalaya/atalaya"
)

// FileError reports a problem that makes a whole file unusable. Its message
// names the file and says what is wrong in words a data steward understands,
// e.g. `victimas.csv is not a text file (binary content at byte 1043)`.
//
// A FileError unwraps to an *atalaya.Error with code atalaya.EINVALID and the
// same message, so atalaya.ErrorCode(err) == atalaya.EINVALID, and also to its
// cause Err when there is one.
type FileError struct {
	File   string // the file name given to Open
	Line   int64  // the physical line (text) or worksheet row (Excel), 0 if none
	Reason string // what is wrong, phrased to follow the file name
	Err    error  // the underlying cause, if any (e.g. an I/O error)
}

// Error implements the error interface. The message is always valid UTF-8.
func (e *FileError) Error() string {
	name := e.File
	if name == "" {
		name = "the file"
	}
	msg := name + " " + e.Reason
	if e.Line > 0 {
		msg = fmt.Sprintf("%s, line %d, %s", name, e.Line, e.Reason)
	}
	return strings.ToValidUTF8(msg, "\uFFFD")
}

// Unwrap returns the domain error (code atalaya.EINVALID) and the cause.
func (e *FileError) Unwrap() []error {
	errs := []error{&atalaya.Error{Code: atalaya.EINVALID, Message: e.Error()}}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// RowError reports a problem with one row: the row cannot be used, but the
// rest of the file can.
type RowError struct {
	Line   int64  // the data row number, as in Row.Line
	Column string // the column concerned, "" for the whole row
	Value  string // the offending value, truncated to 200 bytes
	Reason string // what is wrong
}

// Error implements the error interface, e.g. `row 17: has 14 fields, the
// header has 12`.
func (e *RowError) Error() string {
	if e.Column != "" {
		return fmt.Sprintf("row %d, column %q: %s", e.Line, e.Column, e.Reason)
	}
	return fmt.Sprintf("row %d: %s", e.Line, e.Reason)
}

// Limits on the text kept for reports.
const (
	maxRawBytes   = 4 << 10
	maxValueBytes = 200
)

// errText renders an error from elsewhere (zip, XML, I/O) for a message,
// replacing any invalid UTF-8 it echoes from the file.
func errText(err error) string {
	return strings.ToValidUTF8(err.Error(), "\uFFFD")
}

// rowErrorf returns a *RowError for the whole row.
func rowErrorf(line int64, format string, args ...any) *RowError {
	return &RowError{Line: line, Reason: fmt.Sprintf(format, args...)}
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// sizeText renders a byte count for people: "1 MiB", "512 KiB", "100 bytes".
func sizeText(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + " MiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + " KiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.Itoa(n) + " bytes"
}

// tooLongError is the row error for a row over Options.MaxRowBytes.
func tooLongError(line int64, max int) *RowError {
	return rowErrorf(line, "longer than %s; skipped", sizeText(max))
}

// fieldCountError is the row error for a row with more values than columns;
// extra is the first value past the last column.
func fieldCountError(line int64, n, header int, extra string) *RowError {
	e := rowErrorf(line, "has %d fields, the header has %d", n, header)
	e.Value = truncate(extra, maxValueBytes)
	return e
}

// cleanHeader trims the column names, drops trailing empty names (left by a
// trailing delimiter) and refuses empty or duplicate names.
func cleanHeader(name string, line int64, fields []string) ([]string, error) {
	h := make([]string, len(fields))
	for i, f := range fields {
		h[i] = strings.TrimSpace(strings.ReplaceAll(f, "\uFEFF", ""))
	}
	for len(h) > 0 && h[len(h)-1] == "" {
		h = h[:len(h)-1]
	}
	if len(h) == 0 {
		return nil, fileErrorf(name, line, "has no column names in its header row")
	}
	var empty []string
	seen := make(map[string]int, len(h))
	var dups []string
	for i, c := range h {
		if c == "" {
			where := strconv.Itoa(i + 1)
			if i > 0 && h[i-1] != "" {
				where += fmt.Sprintf(" after %q", h[i-1])
			}
			empty = append(empty, where)
			continue
		}
		if j, ok := seen[c]; ok {
			dups = append(dups, fmt.Sprintf("%q (columns %d and %d)", c, j+1, i+1))
			continue
		}
		seen[c] = i
	}
	switch {
	case len(empty) == 1:
		return nil, fileErrorf(name, line, "has an empty column name in its header (column %s); every column needs a name", empty[0])
	case len(empty) > 1:
		return nil, fileErrorf(name, line, "has empty column names in its header (columns %s); every column needs a name", strings.Join(empty, ", "))
	case len(dups) > 0:
		return nil, fileErrorf(name, line, "has duplicate column names in its header: %s", strings.Join(dups, "; "))
	}
	return h, nil
}

// appendRaw appends a field to a CSV line being built for Row.Raw, quoting
// it if it contains the delimiter, a quote or a line break.
func appendRaw(dst []byte, i int, f string, delim rune) []byte {
	if i > 0 {
		dst = utf8.AppendRune(dst, delim)
	}
	if !strings.ContainsRune(f, delim) && !strings.ContainsAny(f, "\"\r\n") {
		return append(dst, f...)
	}
	dst = append(dst, '"')
	dst = append(dst, strings.ReplaceAll(f, `"`, `""`)...)
	return append(dst, '"')
}

// joinRaw renders fields as one CSV line for Row.Raw, cut to maxRawBytes.
func joinRaw(fields []string, delim rune) string {
	var b []byte
	for i, f := range fields {
		b = appendRaw(b, i, f, delim)
		if len(b) > maxRawBytes {
			break
		}
	}
	return truncate(string(b), maxRawBytes)
}
