package tabular_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/tabular"
)

// result is everything read from a file.
type result struct {
	header []string
	rows   []tabular.Row
	err    error // the *FileError from Open or Next, if any
	r      tabular.Reader
}

// read opens data and reads it to the end.
func read(t testing.TB, data, name string, opt tabular.Options) result {
	t.Helper()
	return readBytes(t, []byte(data), name, opt)
}

func readBytes(t testing.TB, data []byte, name string, opt tabular.Options) result {
	t.Helper()
	r, err := tabular.Open(bytes.NewReader(data), int64(len(data)), name, opt)
	if err != nil {
		checkFileError(t, err)
		return result{err: err}
	}
	defer r.Close()
	res := result{header: r.Header(), r: r}
	for {
		row, err := r.Next()
		if err == io.EOF {
			return res
		}
		if err != nil {
			checkFileError(t, err)
			res.err = err
			return res
		}
		if n := int64(len(res.rows)); row.Line != n+1 {
			t.Fatalf("row %d has Line %d", n+1, row.Line)
		}
		if row.Err == nil && len(row.Fields) != len(res.header) {
			t.Fatalf("row %d has %d fields, header %d", row.Line, len(row.Fields), len(res.header))
		}
		if row.Err != nil {
			var re *tabular.RowError
			if !errors.As(row.Err, &re) {
				t.Fatalf("row %d: Err is %T, want *RowError", row.Line, row.Err)
			}
		}
		res.rows = append(res.rows, row)
	}
}

func checkFileError(t testing.TB, err error) {
	t.Helper()
	var fe *tabular.FileError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v is %T, want *FileError", err, err)
	}
}

// fields returns the fields of the rows without errors, and the messages of
// the row errors.
func (r result) fields() (ok [][]string, errs []string) {
	for _, row := range r.rows {
		if row.Err != nil {
			errs = append(errs, row.Err.Error())
			continue
		}
		ok = append(ok, row.Fields)
	}
	return ok, errs
}

func equalRows(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
