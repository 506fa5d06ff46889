// Package tabular reads the messy tabular files that police, prosecutors and
// health services send: CSV in any of three encodings and four delimiters,
// Excel workbooks (.xlsx), JSON lines and SDMX-CSV.
//
// Every format is read as a stream of rows with bounded memory: a row longer
// than Options.MaxRowBytes is reported and skipped, never held in memory, so a
// malformed or hostile file cannot exhaust the server.
//
// Problems come at two levels. A *FileError means the whole file is unusable
// and should be refused with its one clear message (empty, binary, a broken
// header, the wrong encoding). A *RowError in Row.Err means that one row cannot
// be used but the rest of the file can; the caller keeps Row.Raw for the
// rejected-rows report and goes on.
package tabular

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"
)

// Options tells Open how to read a file. The zero value detects everything.
type Options struct {
	// Format is "csv", "xlsx", "jsonl" or "sdmx-csv" (which must be given).
	// When empty it comes from the file name extension (.csv, .txt, .tsv and
	// .tab are CSV, .xlsx and .xlsm Excel, .jsonl and .ndjson JSON lines) or,
	// failing that, from the content (a zip archive is Excel, text starting
	// with { is JSON lines, any other text CSV). A workbook is recognised
	// by its content even under a .csv name, unless Format says "csv".
	Format string
	// Encoding of a text file: "" or "auto" to detect, or "utf-8", "latin-1"
	// (ISO-8859-1) or "windows-1252" (cp1252); common aliases such as "utf8",
	// "iso-8859-1" and "cp1252" are accepted in any case. A declared encoding
	// is obeyed, except that a file starting with a UTF-8 byte-order mark is
	// always read as UTF-8.
	Encoding string
	// Delimiter of a CSV file; 0 detects it among ',', ';', '\t' and '|'.
	Delimiter rune
	// Sheet is the name of the worksheet to read from a workbook; "" means the
	// first sheet.
	Sheet string
	// SkipRows is the number of lines (worksheet rows for Excel) to skip
	// before looking for the header, e.g. a title line.
	SkipRows int
	// MaxRowBytes bounds the size of one row (default 1 MiB). A longer row is
	// reported as a row error and skipped; reading goes on with the next row.
	MaxRowBytes int
}

// DefaultMaxRowBytes is the row size limit used when Options.MaxRowBytes is 0.
const DefaultMaxRowBytes = 1 << 20

// Row is one data row of a file.
type Row struct {
	// Line is the 1-based number of the data row; the header is row 0.
	// Blank rows are not counted, and a CSV row whose quoted field spans
	// several physical lines counts once.
	Line int64
	// Fields holds one value per header column; missing trailing values are
	// "". Fields is nil when Err is set. The strings are fresh for every row
	// and safe to keep.
	Fields []string
	// Raw is the row as text, truncated to 4 KiB, for keeping rejected rows:
	// for CSV the fields joined with the delimiter (a comma for Excel),
	// quoted as in a CSV file where needed, so that an unquoted line is Raw
	// verbatim; for JSON lines the line itself. A row too long to parse
	// keeps the start of its text.
	Raw string
	// Err is a row-level problem, a *RowError: the row cannot be used, but the
	// file goes on.
	Err error
}

// Reader reads the rows of one file. It is not safe for concurrent use.
type Reader interface {
	// Header returns the column names, trimmed, with any byte-order mark
	// removed. They are unique and non-empty.
	Header() []string
	// Next returns the next data row. It returns io.EOF after the last row;
	// any other error is a *FileError, which means the whole file is unusable
	// and should be refused. Once Next has returned an error it returns the
	// same error again.
	Next() (Row, error)
	// Encoding returns the encoding of the file after detection: "utf-8",
	// "latin-1" or "windows-1252". Workbooks are always "utf-8"; JSON lines
	// are detected like CSV.
	Encoding() string
	// Delimiter returns the field delimiter of a CSV file, or 0 for formats
	// that have none.
	Delimiter() rune
	// BytesRead returns how far into the file reading has got, in bytes, for
	// progress bars. For a workbook it is an estimate.
	BytesRead() int64
	// Close releases the reader. It does not close the io.ReaderAt.
	Close() error
}

// SDMXReader is the Reader that Open returns for the "sdmx-csv" format.
type SDMXReader interface {
	Reader
	// SDMXVersion returns "1.0" or "2.0" (for any SDMX-CSV 2.x file).
	SDMXVersion() string
}

// The formats accepted in Options.Format.
const (
	FormatCSV     = "csv"
	FormatXLSX    = "xlsx"
	FormatJSONL   = "jsonl"
	FormatSDMXCSV = "sdmx-csv"
)

// sniffSize is how much of the start of a file is examined to detect the
// encoding, the delimiter and binary content.
const sniffSize = 64 << 10

// Open returns a Reader for the file of the given size read through r. name
// is used to pick the format from its extension and in messages. Problems
// that make the whole file unusable are returned as a *FileError.
func Open(r io.ReaderAt, size int64, name string, opt Options) (Reader, error) {
	if opt.MaxRowBytes <= 0 {
		opt.MaxRowBytes = DefaultMaxRowBytes
	}
	if opt.SkipRows < 0 {
		opt.SkipRows = 0
	}
	if size <= 0 {
		return nil, fileErrorf(name, 0, "is empty")
	}
	head := make([]byte, min(size, sniffSize))
	if n, err := r.ReadAt(head, 0); n < len(head) {
		return nil, &FileError{File: name, Reason: "could not be read: " + errString(err), Err: err}
	}
	format, err := chooseFormat(name, opt.Format, head)
	if err != nil {
		return nil, err
	}
	if format == FormatXLSX {
		return openXLSX(r, size, name, opt)
	}
	if err := checkText(name, head); err != nil {
		return nil, err
	}
	switch format {
	case FormatJSONL:
		return openJSONL(r, size, name, opt, head)
	case FormatSDMXCSV:
		return openSDMX(r, size, name, opt, head)
	}
	c, err := openCSV(r, size, name, opt, head)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// chooseFormat resolves the format from the option, the extension and the
// magic bytes at the start of the file.
func chooseFormat(name, format string, head []byte) (string, error) {
	format = strings.ToLower(strings.TrimSpace(format))
	declared := format != ""
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(name, `\`, "/")))
	if !declared {
		switch ext {
		case ".csv", ".txt", ".tsv", ".tab":
			format = FormatCSV
		case ".xlsx", ".xlsm":
			format = FormatXLSX
		case ".jsonl", ".ndjson":
			format = FormatJSONL
		}
	}
	switch format {
	case "", FormatCSV, FormatXLSX, FormatJSONL, FormatSDMXCSV:
	case "sdmx", "sdmxcsv", "sdmx_csv":
		format = FormatSDMXCSV
	case "ndjson", "json-lines", "jsonlines":
		format = FormatJSONL
	default:
		return "", fileErrorf(name, 0, "cannot be read: unknown format %q (use csv, xlsx, jsonl or sdmx-csv)", format)
	}
	if kind := magic(head); kind != "" {
		if kind == "zip" && (format == FormatXLSX || !declared) {
			return FormatXLSX, nil
		}
		return "", fileErrorf(name, 0, "is %s, not %s", kindText(kind), formatText(format, ext))
	}
	if format == FormatXLSX {
		return "", fileErrorf(name, 0, "is not an Excel .xlsx workbook (it is not a zip archive); if it is a text file, name it .csv or set format: csv")
	}
	if format == "" {
		format = FormatCSV
		if t := bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n"); len(t) > 0 && t[0] == '{' {
			format = FormatJSONL
		}
	}
	return format, nil
}

// magic recognises file types by their first bytes.
func magic(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return "zip"
	case bytes.HasPrefix(head, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return "ole"
	case bytes.HasPrefix(head, []byte("%PDF")):
		return "pdf"
	case bytes.HasPrefix(head, []byte("\x1F\x8B")):
		return "gzip"
	case bytes.HasPrefix(head, []byte("\xFF\xFE")), bytes.HasPrefix(head, []byte("\xFE\xFF")):
		return "utf16"
	}
	return ""
}

func kindText(kind string) string {
	switch kind {
	case "zip":
		return "a zip archive (perhaps an Excel workbook)"
	case "ole":
		return "an old-style Excel .xls file or a password-protected workbook (save it as .xlsx or CSV without a password)"
	case "pdf":
		return "a PDF document"
	case "gzip":
		return "gzip-compressed (decompress it first)"
	case "utf16":
		return "UTF-16 text (save it as UTF-8 CSV)"
	}
	return kind
}

func formatText(format, ext string) string {
	switch format {
	case FormatJSONL:
		return "a JSON lines file"
	case FormatSDMXCSV:
		return "an SDMX-CSV file"
	case FormatCSV:
		return "a CSV file"
	}
	if ext != "" {
		return "a " + strings.TrimPrefix(ext, ".") + " file"
	}
	return "a text file"
}

func errString(err error) string {
	if err == nil || err == io.EOF {
		return "the file is shorter than its stated size"
	}
	return errText(err)
}

// fileErrorf returns a *FileError with a formatted reason.
func fileErrorf(name string, line int64, format string, args ...any) *FileError {
	return &FileError{File: name, Line: line, Reason: fmt.Sprintf(format, args...)}
}
