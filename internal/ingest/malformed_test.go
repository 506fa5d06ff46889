package ingest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/geo"
	"github.com/oas-atalaya/atalaya/internal/ingest"
	"github.com/oas-atalaya/atalaya/internal/sqlite"
)

// openLightStore is a store with the ICCS, Mexico and three states of the
// Valle de México with their boundaries: enough to place points, quick to
// build.
func openLightStore(t testing.TB) atalaya.Store {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "light.db"), sqlite.WithClock(fixedNow))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := ingest.ImportICCS(ctx, s, embedded(t, "iccs/iccs_v1_codes.csv"), "iccs"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutAreas(ctx, []atalaya.Area{{Code: "MEX", Country: "MEX", Name: "México"}}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/mexico_valle.geojson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	feats, err := geo.ReadFeatureCollection(f, 1<<24)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.ImportAreas(ctx, s, feats, ingest.AreaImport{CodeProperty: "CVE_ENT", NameProperty: "NOMGEO", Parent: "MEX", Level: 1, KeepBoundary: true}); err != nil {
		t.Fatal(err)
	}
	return s
}

// A city police export as it really arrives: Latin-1, semicolons, decimal
// commas in the coordinates, day-first dates with a time, Spanish values.
const policeProfile = `
name: policia-test
kind: records
source: {id: policia-test, agency: Policía de prueba, type: police, country: MEX}
file: {format: csv, encoding: auto, decimal: ","}
unit: offence
required: [folio, fecha, delito, lat, lon]
key: [folio]
period: {date: fecha, date_format: "DD/MM/YYYY HH:mm"}
area: {code: alcaldia, prefix: "MEX-", lat: lat, lon: lon, tolerance_km: 5}
offence: {columns: [delito], code_list: iccs}
sex: {column: sexo, map: {Mujer: F, Hombre: M, "No identificado": U}, default: U}
age: {column: edad, numeric: true, bands: ["0-17", "18-29", "30-59", "60+"], default: U}
`

func latin1(s string) []byte {
	var b bytes.Buffer
	for _, r := range s {
		if r > 255 {
			r = '?'
		}
		b.WriteByte(byte(r))
	}
	return b.Bytes()
}

func TestMessyPoliceExport(t *testing.T) {
	s := openLightStore(t)
	p := parseProfile(t, policeProfile)
	file := latin1("folio;fecha;delito;alcaldia;lat;lon;sexo;edad;descripción\r\n" +
		"A1;05/01/2024 22:10;0101;09;19,4326;-99,1332;Mujer;34;\"Homicidio en vía pública\r\ncon arma\"\r\n" +
		"A2;06/01/2024 01:00;0401;;19,60;-99,05;Hombre;19;Robo a transeúnte\r\n" +
		"A3;31/02/2024 10:00;0401;09;19,43;-99,13;Hombre;20;fecha imposible\r\n" +
		"A4;07/01/2024 10:00;9999;09;19,43;-99,13;Hombre;20;código inexistente\r\n" +
		"A5;07/01/2024 10:00;0401;09;95,0;-99,13;Hombre;20;latitud fuera de rango\r\n" +
		"A6;07/01/2030 10:00;0401;09;19,43;-99,13;Hombre;20;fecha futura\r\n" +
		"A7;07/01/2024 10:00;0401;09;25,0;-80,0;Hombre;20;en el mar\r\n" +
		"=cmd|' /C calc'!A0;07/01/2024 10:00;0401;09;19,43;-99,13;Hombre;200;edad imposible\r\n" +
		"A9;07/01/2024 10:00;\"'; DROP TABLE records;--\";09;19,43;-99,13;Hombre;20;inyección\r\n" +
		"A1;05/01/2024 22:10;0101;09;19,4326;-99,1332;Mujer;34;duplicado\r\n" +
		";07/01/2024 10:00;0401;09;19,43;-99,13;Hombre;20;sin folio\r\n")
	b := mustRun(t, s, p, fileOf("policia.csv", file))
	if b.Read != 11 || b.Accepted != 2 || b.Duplicates != 1 || b.Rejected != 8 {
		t.Fatalf("batch %+v: want read 11 = accepted 2 + rejected 8 + duplicates 1", b)
	}
	want := map[int64]string{3: "does not match the format", 4: "not an ICCS code", 5: "latitude", 6: "in the future", 7: "outside every area", 8: "age", 9: "not an ICCS code", 11: "record id is empty"}
	for _, r := range rejections(t, s, b.ID) {
		w, ok := want[r.Row]
		if !ok || !strings.Contains(r.Reason, w) || r.File != "policia.csv" || r.Column == "" {
			t.Errorf("row %d: column %q value %q reason %q; want a reason containing %q", r.Row, r.Column, r.Value, r.Reason, w)
		}
		delete(want, r.Row)
	}
	if len(want) != 0 {
		t.Errorf("rows not rejected: %v", want)
	}
	var recs []atalaya.Record
	s.Records(context.Background(), atalaya.RecordFilter{Batch: b.ID}, func(r atalaya.Record) error { recs = append(recs, r); return nil })
	if len(recs) != 2 || recs[0].Area != "MEX-09" || recs[0].Sex != "F" || recs[0].AgeBand != "30-59" || recs[0].Date != "2024-01-05" || recs[0].Placement != atalaya.PlacedByPoint {
		t.Fatalf("records %+v", recs)
	}
	if recs[1].Area != "MEX-15" || recs[1].Placement != atalaya.PlacedByPoint {
		t.Fatalf("A2 has no area code: it must be placed by its point in MEX-15, got %+v", recs[1])
	}
	if n, _ := s.CountRecords(context.Background(), atalaya.RecordFilter{}); n != 2 {
		t.Fatalf("the injection strings did harm: %d records", n)
	}
}

func TestRefusedWhole(t *testing.T) {
	s := openLightStore(t)
	p := parseProfile(t, policeProfile)
	utf8Profile := parseProfile(t, strings.Replace(policeProfile, "encoding: auto", "encoding: utf-8", 1))
	cases := []struct {
		name string
		p    *ingest.Profile
		data []byte
		want string
	}{
		{"missing columns", p, []byte("folio;fecha\nA1;05/01/2024 22:10\n"), `no column "delito"`},
		{"empty", p, nil, "refused"},
		{"binary junk", p, append([]byte("\x7fELF\x02\x01\x01\x00"), bytes.Repeat([]byte{0, 1, 2, 0xfe}, 4096)...), "refused"},
		{"wrong encoding", utf8Profile, latin1("folio;fecha;delito;lat;lon\nA1;05/01/2024 22:10;0101;19,43;-99,13\nA2;05/01/2024 22:10;0101;19,43;-99,13;Tráfico\n"), "refused"},
		{"an xlsx that is not one", parseProfile(t, strings.Replace(policeProfile, "format: csv", "format: xlsx", 1)), []byte("PK\x03\x04 not really a zip"), "refused"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := run(t, s, c.p, fileOf("x.csv", c.data))
			if err == nil || atalaya.ErrorCode(err) != atalaya.EINVALID || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "x.csv") {
				t.Fatalf("err = %v; want EINVALID naming x.csv and %q", err, c.want)
			}
		})
	}
	if bs, _ := s.Batches(context.Background(), atalaya.BatchFilter{}); len(bs) != 0 {
		t.Fatalf("refused files left %d batches", len(bs))
	}
	if n, _ := s.CountRecords(context.Background(), atalaya.RecordFilter{}); n != 0 {
		t.Fatalf("refused files left %d records", n)
	}
}

// hugeRow is a file whose second row is hundreds of megabytes long,
// synthesised on the fly so that the test itself holds none of it.
type hugeRow struct {
	head, tail []byte
	fill       int64
}

func (h hugeRow) size() int64 { return int64(len(h.head)) + h.fill + int64(len(h.tail)) }

func (h hugeRow) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) && off < h.size() {
		switch {
		case off < int64(len(h.head)):
			p[n] = h.head[off]
		case off < int64(len(h.head))+h.fill:
			p[n] = 'x'
		default:
			p[n] = h.tail[off-int64(len(h.head))-h.fill]
		}
		n++
		off++
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func TestHugeLine(t *testing.T) {
	s := openLightStore(t)
	p := parseProfile(t, policeProfile)
	h := hugeRow{
		head: []byte("folio;fecha;delito;alcaldia;lat;lon\nA1;05/01/2024 22:10;0101;09;19,43;-99,13\nA2;05/01/2024 22:10;0101;09;19,43;"),
		fill: 300 << 20,
		tail: []byte("\nA3;05/01/2024 22:10;0401;15;;\n"),
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b := mustRun(t, s, p, ingest.File{Name: "huge.csv", R: h, Size: h.size()})
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if b.Read != 3 || b.Accepted != 2 || b.Rejected != 1 {
		t.Fatalf("batch %+v: want the huge row rejected and the two others accepted", b)
	}
	rej := rejections(t, s, b.ID)
	if len(rej) != 1 || rej[0].Row != 2 || len(rej[0].Raw) > 8<<10 {
		t.Fatalf("rejections %+v", rej)
	}
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 64<<20 {
		t.Fatalf("heap grew by %d MiB reading a 300 MiB row: the reader is not streaming", grew>>20)
	}
}

func TestCancelLeavesNoTrace(t *testing.T) {
	s := openLightStore(t)
	p := parseProfile(t, policeProfile)
	var b bytes.Buffer
	b.WriteString("folio;fecha;delito;alcaldia;lat;lon\n")
	for i := 0; i < 20000; i++ {
		b.WriteString("F")
		b.WriteString(strings.Repeat("0", 6-len(itoa(i))) + itoa(i))
		b.WriteString(";05/01/2024 22:10;0101;09;;\n")
	}
	ctx, cancel := context.WithCancel(context.Background())
	in := &ingest.Ingester{Store: s, Now: fixedNow, ChunkSize: 500, Progress: func(done, total, rows int64) {
		if rows > 5000 {
			cancel()
		}
	}}
	_, err := in.Ingest(ctx, p, []ingest.File{fileOf("big.csv", b.Bytes())}, ingest.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n, _ := s.CountRecords(context.Background(), atalaya.RecordFilter{}); n != 0 {
		t.Fatalf("a cancelled batch left %d records", n)
	}
	if bs, _ := s.Batches(context.Background(), atalaya.BatchFilter{}); len(bs) != 0 {
		t.Fatalf("a cancelled batch left %d batches", len(bs))
	}
	got := mustRun(t, s, p, fileOf("big.csv", b.Bytes()))
	if got.Accepted != 20000 {
		t.Fatalf("re-run after cancel: %+v", got)
	}
	if c, _ := s.Cube(context.Background(), atalaya.CubeFilter{Areas: []string{"MEX"}, ICCS: []string{"01"}}); len(c) != 1 || c[0].Count != 20000 {
		t.Fatalf("cube after re-run: %+v", c)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestPopulationDuplicates(t *testing.T) {
	s := openLightStore(t)
	file := "year,cve_ent,population_total,population_female,population_male\n" +
		"2020,09,9209944,4805017,4404927\n" +
		"2020,09,1,1,0\n" + // repeats 2020/09: a duplicate, the first row wins
		"2020,00,126014024,64540634,61473390\n" +
		"2020,99,5,3,2\n" + // no such state
		"2021,15,-3,,\n"
	b := mustRun(t, s, profile(t, "population"), fileOf("pop.csv", []byte(file)))
	if b.Read != 5 || b.Accepted != 2 || b.Duplicates != 1 || b.Rejected != 2 {
		t.Fatalf("batch %+v", b)
	}
	pops, err := s.Populations(context.Background(), atalaya.PopulationFilter{Areas: []string{"MEX-09"}, Sex: "F"})
	if err != nil || len(pops) != 1 || pops[0].Value != 4805017 {
		t.Fatalf("MEX-09 female 2020 = %+v %v", pops, err)
	}
}
