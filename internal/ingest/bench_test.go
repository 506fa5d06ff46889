package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/ingest"
)

// syntheticIncidents writes n canonical incidents with points inside the
// Valle de México fixture (Ciudad de México's bounding box).
func syntheticIncidents(n int, prefix string) []byte {
	var b bytes.Buffer
	b.WriteString("record_id,occurred_on,iccs,lat,lon,victim_sex,victim_age,weapon\n")
	codes := []string{"0101", "020111", "0401", "0501", "0502", "05021"}
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%s%d,2024-%02d-%02d,%s,%.5f,%.5f,%s,%d,%s\n", prefix, i, 1+i%12, 1+i%28, codes[i%len(codes)],
			19.35+float64(i%97)*0.001, -99.15+float64(i%89)*0.001, []string{"F", "M", "U"}[i%3], i%90, []string{"firearm", "sharp", "U"}[i%3])
	}
	return b.Bytes()
}

// BenchmarkIngest measures the whole ingest of 20,000 incidents on SQLite:
// read, validate, classify, place by point-in-polygon, dedupe, store and
// update the cube. scripts/bench.sh compares it with a plain bulk load.
func BenchmarkIngest(b *testing.B) {
	s := openLightStore(b)
	p, err := ingest.LoadProfile("canonical-incidents")
	if err != nil {
		b.Fatal(err)
	}
	const n = 20000
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		data := syntheticIncidents(n, fmt.Sprintf("B%d-", i))
		i++
		b.SetBytes(int64(len(data)))
		in := &ingest.Ingester{Store: s, Now: fixedNow}
		batch, err := in.Ingest(context.Background(), p, []ingest.File{fileOf("bench.csv", data)}, ingest.Options{})
		if err != nil || batch.Accepted != n {
			b.Fatalf("%+v %v", batch, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}
