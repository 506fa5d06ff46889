package tabular_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/tabular"
)

// sharedData is the shared data directory next to the repository.
const sharedData = "../../../shared/data"

func openShared(t *testing.T, rel string) (tabular.Reader, *os.File) {
	t.Helper()
	if _, err := os.Stat("../../../shared"); err != nil {
		t.Skip("shared data directory absent:", err)
	}
	f, err := os.Open(filepath.Join(sharedData, rel))
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	r, err := tabular.Open(f, st.Size(), filepath.Base(rel), tabular.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r, f
}

func TestRealFiles(t *testing.T) {
	tests := []struct {
		file   string
		rows   int64
		column string
		line   int64 // row to check
		want   string
	}{
		{"lapd/lapd_crime_2020_first1000.csv", 1000, "Weapon Desc", 1, "STRONG-ARM (HANDS, FIST, FEET OR BODILY FORCE)"},
		{"lapd/lapd_crime_2020_first1000.csv", 1000, "DR_NO", 1000, "200504494"},
		{"mexico_sesnsp/sesnsp_victims_state_month_selected_nonzero.csv", 58685, "rango_de_edad", 1, "Menores de edad (0-17)"},
		{"mexico_sesnsp/sesnsp_victims_state_month_selected_nonzero.csv", 58685, "tipo_de_delito", 58685, "Trata de personas"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file)+"/"+tt.column, func(t *testing.T) {
			r, f := openShared(t, tt.file)
			defer f.Close()
			defer r.Close()
			col := -1
			for i, h := range r.Header() {
				if h == tt.column {
					col = i
				}
			}
			if col < 0 {
				t.Fatalf("no column %q in %q", tt.column, r.Header())
			}
			if r.Encoding() != "utf-8" || r.Delimiter() != ',' {
				t.Errorf("Encoding, Delimiter = %q, %q", r.Encoding(), r.Delimiter())
			}
			var n int64
			for {
				row, err := r.Next()
				if err != nil {
					if err.Error() != "EOF" {
						t.Fatal(err)
					}
					break
				}
				n++
				if row.Err != nil {
					t.Errorf("%v", row.Err)
				}
				if row.Line == tt.line && row.Fields[col] != tt.want {
					t.Errorf("row %d %s = %q; want %q", row.Line, tt.column, row.Fields[col], tt.want)
				}
			}
			if n != tt.rows {
				t.Errorf("read %d rows; want %d", n, tt.rows)
			}
			if st, _ := f.Stat(); r.BytesRead() != st.Size() {
				t.Errorf("BytesRead() = %d; want %d", r.BytesRead(), st.Size())
			}
		})
	}
}

// TestAllSharedCSV opens every CSV in the shared data directory: none may
// be refused as a whole.
func TestAllSharedCSV(t *testing.T) {
	if _, err := os.Stat("../../../shared"); err != nil {
		t.Skip("shared data directory absent:", err)
	}
	filepath.WalkDir(sharedData, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".csv") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Error(err)
			return nil
		}
		res := readBytes(t, data, filepath.Base(p), tabular.Options{})
		_, errs := res.fields()
		if res.err != nil {
			t.Errorf("%s: %v", p, res.err)
		}
		t.Logf("%s: %d columns, %d rows, %d row errors, %s, %q", strings.TrimPrefix(p, sharedData+"/"), len(res.header), len(res.rows), len(errs), encodingOf(res), delimOf(res))
		return nil
	})
}

func encodingOf(r result) string {
	if r.r == nil {
		return ""
	}
	return r.r.Encoding()
}

func delimOf(r result) rune {
	if r.r == nil {
		return 0
	}
	return r.r.Delimiter()
}
