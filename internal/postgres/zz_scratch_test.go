package postgres_test

import (
	"context"
	"encoding/csv"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
)

func TestScratchIngest(t *testing.T) {
	path := os.Getenv("SCRATCH_CSV")
	if path == "" {
		t.Skip()
	}
	ctx := context.Background()
	db := mustOpen(t)
	db.PutSource(ctx, atalaya.Source{ID: "bench", Agency: "B", Type: atalaya.SourcePolice})
	c0, t0 := cpuTime(), time.Now()
	f, _ := os.Open(path)
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	r.Read()
	w, err := db.BeginBatch(ctx, atalaya.Batch{Source: "bench"})
	if err != nil {
		t.Fatal(err)
	}
	recs := make([]atalaya.Record, 0, 1000)
	n := 0
	var inAdd time.Duration
	flush := func() {
		s := time.Now()
		if _, err := w.AddRecords(ctx, recs); err != nil {
			t.Fatal(err)
		}
		inAdd += time.Since(s)
		recs = recs[:0]
	}
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		n++
		rn, _ := strconv.ParseInt(row[4], 10, 64)
		lat, _ := strconv.ParseFloat(row[13], 64)
		lon, _ := strconv.ParseFloat(row[14], 64)
		age, _ := strconv.Atoi(row[19])
		recs = append(recs, atalaya.Record{Key: row[1], Provenance: atalaya.Provenance{File: row[3], Row: rn, CodeList: row[5], MappingVersion: 1, Status: atalaya.Status(row[7])},
			Unit: atalaya.CountingUnit(row[8]), Date: row[9], Period: row[10], Area: row[11], Placement: atalaya.Placement(row[12]), Lat: lat, Lon: lon, HasPoint: row[15] == "1",
			NationalCode: row[16], ICCS: row[17], Sex: row[18], Age: age, AgeBand: row[20], Weapon: row[21], Context: row[22]})
		if len(recs) == 1000 {
			flush()
		}
	}
	flush()
	s := time.Now()
	if _, err := w.Commit(ctx, atalaya.Batch{Read: int64(n), Accepted: int64(n)}, nil); err != nil {
		t.Fatal(err)
	}
	t.Logf("ingested %d rows: %.2f s wall (AddRecords %.2f s, commit %.2f s), %.2f s client cpu", n, time.Since(t0).Seconds(), inAdd.Seconds(), time.Since(s).Seconds(), (cpuTime() - c0).Seconds())
}
