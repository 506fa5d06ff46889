package tabular_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya/internal/tabular"
)

// syntheticCSV returns a CSV file of n rows like the SESNSP victims file.
func syntheticCSV(n int, quoted, latin1 bool) []byte {
	var b bytes.Buffer
	b.WriteString("year,month,cve_ent,bien_juridico_afectado,tipo_de_delito,subtipo_de_delito,modalidad,genero,rango_de_edad,n_victimas\n")
	place := "Bogotá"
	if latin1 {
		place = "Bogot\xe1"
	}
	for i := range n {
		if quoted {
			fmt.Fprintf(&b, "%d,%02d,%02d,\"La vida y la Integridad corporal\",\"Homicidio\",\"Homicidio doloso\",\"Con arma de fuego, %s\",Mujer,\"Adultos (18 y más)\",%d\n", 2015+i%10, 1+i%12, 1+i%32, place, i%97)
			continue
		}
		fmt.Fprintf(&b, "%d,%02d,%02d,La vida y la Integridad corporal,Homicidio,Homicidio doloso,Con arma de fuego %s,Mujer,Adultos (18 y más),%d\n", 2015+i%10, 1+i%12, 1+i%32, place, i%97)
	}
	return b.Bytes()
}

func benchmarkRead(b *testing.B, data []byte, name string) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := time.Now()
	loops := 0
	defer func() {
		b.ReportMetric(float64(loops)*100000/time.Since(start).Seconds(), "rows/s")
	}()
	for b.Loop() {
		loops++
		r, err := tabular.Open(bytes.NewReader(data), int64(len(data)), name, tabular.Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil || row.Err != nil {
				b.Fatal(err, row.Err)
			}
			n++
		}
		if n != 100000 {
			b.Fatalf("read %d rows", n)
		}
	}
}

// BenchmarkCSV reads 100,000 plain unquoted UTF-8 rows (about 10 MB).
func BenchmarkCSV(b *testing.B) {
	benchmarkRead(b, syntheticCSV(100000, false, false), "x.csv")
}

// BenchmarkCSVQuoted reads 100,000 rows with quoted fields.
func BenchmarkCSVQuoted(b *testing.B) {
	benchmarkRead(b, syntheticCSV(100000, true, false), "x.csv")
}

// BenchmarkCSVLatin1 reads 100,000 unquoted Latin-1 rows.
func BenchmarkCSVLatin1(b *testing.B) {
	benchmarkRead(b, syntheticCSV(100000, false, true), "x.csv")
}

// BenchmarkXLSX reads a 100,000-row workbook written by WriteXLSX.
func BenchmarkXLSX(b *testing.B) {
	data := syntheticCSV(100000, false, false)
	var rows [][]string
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		rows = append(rows, strings.Split(l, ","))
	}
	var buf bytes.Buffer
	if err := tabular.WriteXLSX(&buf, "s", rows); err != nil {
		b.Fatal(err)
	}
	benchmarkRead(b, buf.Bytes(), "x.xlsx")
}
