package storetest

import (
	"context"
	"strconv"
	"testing"

	"github.com/oas-atalaya/atalaya"
)

// BenchAddRecords is the AddRecords benchmark every backend runs: it stores 100,000 records per operation, 1,000 per
// AddRecords call, in one batch, and reports the time per record, in wall
// time and in CPU time of the process (which includes its other goroutines,
// but is not inflated by other processes on a busy machine). Keys are
// random-looking hex strings, like content hashes, the worst case for the
// unique index.
func BenchAddRecords(b *testing.B, db atalaya.Store) {
	const perOp, perCall = 100_000, 1_000
	ctx := context.Background()
	if err := db.PutSource(ctx, atalaya.Source{ID: "bench", Agency: "Bench", Type: atalaya.SourcePolice}); err != nil {
		b.Fatal(err)
	}
	recs := make([]atalaya.Record, perCall)
	var seq uint64
	cpu0 := cpuTime()
	for b.Loop() {
		w, err := db.BeginBatch(ctx, atalaya.Batch{Source: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		for range perOp / perCall {
			for i := range recs {
				seq++
				recs[i] = BenchRecord(seq)
			}
			if _, err := w.AddRecords(ctx, recs); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := w.Commit(ctx, atalaya.Batch{Read: perOp, Accepted: perOp}, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perOp), "ns/record")
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N*perOp), "cpu-ns/record")
}

// BenchRecord returns the n-th synthetic incident record: a 32-hex-digit
// key, one of 2,500 municipalities, one of 16 ICCS codes, 120 months.
func BenchRecord(n uint64) atalaya.Record {
	h := mix(n)
	key := strconv.FormatUint(h, 16) + strconv.FormatUint(mix(h), 16)
	iccs := [...]string{"0101", "01011", "0102", "0201", "02011", "020111", "0202", "0203",
		"0401", "0501", "05011", "0502", "0503", "0601", "0701", "0801"}
	return atalaya.Record{
		Key: key,
		Provenance: atalaya.Provenance{Source: "bench", File: "incidents-2025.csv", Row: int64(n),
			CodeList: "mx-fgj-cdmx", MappingVersion: 1, Status: atalaya.StatusPreliminary},
		Unit:         atalaya.UnitOffence,
		Date:         "2025-01-15",
		Period:       "20" + strconv.Itoa(15+int(h%10)) + "-0" + strconv.Itoa(1+int(h>>8%9)),
		Area:         "MEX-09-" + strconv.Itoa(int(h>>16%2500)),
		Placement:    atalaya.PlacedByPoint,
		Lat:          19.4 + float64(h>>24%1000)/10000,
		Lon:          -99.1 - float64(h>>34%1000)/10000,
		HasPoint:     true,
		NationalCode: "ROBO A TRANSEUNTE EN VIA PUBLICA CON VIOLENCIA",
		ICCS:         iccs[h>>44%16],
		Sex:          "U",
		Age:          -1,
		AgeBand:      "U",
		Weapon:       "U",
	}
}

// mix is splitmix64's finaliser: a bijection that scatters sequential
// numbers.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
