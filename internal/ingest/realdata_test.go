package ingest_test

import (
	"context"
	"encoding/csv"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/data"
	"github.com/oas-atalaya/atalaya/internal/cube"
)

// TestSESNSP ingests the real SESNSP file and checks the national totals
// that its provenance publishes, totals computed independently from the CSV,
// idempotence and the cube rebuild.
func TestSESNSP(t *testing.T) { backends(t, testSESNSP) }

func testSESNSP(t *testing.T, open func(testing.TB) atalaya.Store) {
	s := open(t)
	ctx := context.Background()
	pop := mustRun(t, s, profile(t, "population"), embeddedFile(t, "mexico/population_state_year_sex.csv"))
	if pop.Read != 363 || pop.Accepted != 363 || pop.Rejected != 0 {
		t.Fatalf("population batch %+v, want 363 read and accepted", pop)
	}
	pops, err := s.Populations(ctx, atalaya.PopulationFilter{Areas: []string{"MEX"}, YearFrom: 2015, YearTo: 2015, Sex: "T"})
	if err != nil || len(pops) != 1 || pops[0].Value != 122368490 {
		t.Fatalf("MEX 2015 population = %+v, %v; want 122,368,490", pops, err)
	}

	b := mustRun(t, s, profile(t, "sesnsp-victims"), embeddedFile(t, "mexico/sesnsp_victims_state_month_selected_nonzero.csv"))
	if b.Read != 58685 || b.Accepted != 58685 || b.Rejected != 0 || b.Duplicates != 0 {
		t.Fatalf("batch %+v: want 58,685 read and accepted", b)
	}

	// Published checks (data/mexico/PROVENANCE.md): national victims of
	// homicidio doloso, i.e. ICCS 0101 without the femicide context.
	homicidio := func(k atalaya.CubeKey) bool { return k.Context == "" && k.Unit == atalaya.UnitVictim }
	for year, want := range map[string]int64{"2015": 17884, "2018": 33742, "2024": 30046, "2025": 12752} {
		got := cubeSum(t, s, atalaya.CubeFilter{Areas: []string{"MEX"}, ICCS: []string{"0101"}, PeriodFrom: year + "-01", PeriodTo: year + "-12"}, homicidio)
		if got != want {
			t.Errorf("homicidio doloso %s: cube says %d, SESNSP publishes %d", year, got, want)
		}
	}

	// Independent totals from the raw CSV.
	want := rawTotals(t)
	for key, n := range want {
		parts := strings.Split(key, "|") // area|year|subtipo
		iccs := map[string]string{"Homicidio doloso": "0101", "Feminicidio": "0101", "Secuestro": "020221", "Extorsión": "02051", "Trata de personas": "0204"}[parts[2]]
		keep := func(k atalaya.CubeKey) bool {
			if parts[2] == "Feminicidio" {
				return k.Context == atalaya.ContextFemicide
			}
			if parts[2] == "Homicidio doloso" {
				return k.Context == ""
			}
			return true
		}
		got := cubeSum(t, s, atalaya.CubeFilter{Areas: []string{parts[0]}, ICCS: []string{iccs}, PeriodFrom: parts[1] + "-01", PeriodTo: parts[1] + "-12"}, keep)
		if got != n {
			t.Errorf("%s: cube %d, CSV %d", key, got, n)
		}
	}
	// Femicide victims are all women, by the mapping.
	if n := cubeSum(t, s, atalaya.CubeFilter{Areas: []string{"MEX"}, ICCS: []string{"0101"}}, func(k atalaya.CubeKey) bool {
		return k.Context == atalaya.ContextFemicide && k.Sex != atalaya.SexFemale
	}); n != 0 {
		t.Errorf("%d femicide victims are not female", n)
	}
	// Level-1 ICCS (01) equals 0101 here; the national total equals the sum of the states.
	all := cubeSum(t, s, atalaya.CubeFilter{Areas: []string{"MEX"}, ICCS: []string{"01"}}, nil)
	var states int64
	for i := 1; i <= 32; i++ {
		states += cubeSum(t, s, atalaya.CubeFilter{Areas: []string{"MEX-" + two(i)}, ICCS: []string{"01"}}, nil)
	}
	if all != states || all == 0 {
		t.Errorf("national 01 = %d, sum of states = %d", all, states)
	}

	// Re-ingesting changes nothing.
	before, _ := s.Cube(ctx, atalaya.CubeFilter{})
	again := mustRun(t, s, profile(t, "sesnsp-victims"), embeddedFile(t, "mexico/sesnsp_victims_state_month_selected_nonzero.csv"))
	if again.Read != 58685 || again.Duplicates != 58685 || again.Accepted != 0 {
		t.Fatalf("re-ingest %+v: want every row a duplicate", again)
	}
	after, _ := s.Cube(ctx, atalaya.CubeFilter{})
	if d := cube.Diff(before, after); d != 0 || len(before) == 0 {
		t.Fatalf("re-ingest changed %d cube cells (of %d)", d, len(before))
	}
	// The rebuilt cube equals the incremental one.
	rep, err := cube.Rebuild(ctx, s, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Differences != 0 || rep.Cells != len(before) {
		t.Fatalf("rebuild: %+v; stored cube has %d cells", rep, len(before))
	}
	// Cardinality: bounded by the closed lists, and checked.
	if err := cube.Check(after); err != nil {
		t.Fatal(err)
	}
	// 126 months × 33 areas × 4 ICCS levels at most per leaf combination;
	// the cube must stay within a small multiple of the finest cells.
	if len(after) > 8*58685 {
		t.Fatalf("cube has %d cells for 58,685 observations: cardinality is not bounded", len(after))
	}
}

func two(i int) string {
	s := strconv.Itoa(i)
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// rawTotals sums n_victimas by state, year and subtype straight from the CSV
// for a few states, as an independent check of the whole pipeline.
func rawTotals(t *testing.T) map[string]int64 {
	f, err := data.FS.Open("mexico/sesnsp_victims_state_month_selected_nonzero.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, _ := r.Read()
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	out := map[string]int64{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		st := rec[col["cve_ent"]]
		if st != "08" && st != "09" && st != "15" && st != "32" {
			continue
		}
		n, _ := strconv.ParseInt(rec[col["n_victimas"]], 10, 64)
		out["MEX-"+st+"|"+rec[col["year"]]+"|"+rec[col["subtipo_de_delito"]]] += n
	}
	return out
}

// TestLAPD ingests the real LAPD sample: incidents are placed by their
// coordinates (in the USA, the only OAS boundary that holds Los Angeles),
// counts by ICCS match counts computed independently from the CSV, and the
// rows without a location are rejected with their reason.
func TestLAPD(t *testing.T) { backends(t, testLAPD) }

func testLAPD(t *testing.T, open func(testing.TB) atalaya.Store) {
	s := open(t)
	b := mustRun(t, s, profile(t, "lapd-incidents"), diskFile(t, "../../testdata/lapd/lapd_crime_2020_first1000.csv"))
	if b.Read != 1000 {
		t.Fatalf("read %d rows, want 1000", b.Read)
	}
	raw := readCSV(t, "../../testdata/lapd/lapd_crime_2020_first1000.csv")
	mapping := readCSV(t, "../../data/mappings/us-lapd-crime-codes.csv")
	iccsOf := map[string]string{}
	for _, m := range mapping[1:] {
		iccsOf[m[0]] = m[2]
	}
	noLocation := 0
	byICCS := map[string]int64{}
	for _, r := range raw[1:] {
		if r[26] == "0" || r[27] == "0" {
			noLocation++
			continue
		}
		byICCS[iccsOf[r[8]][:2]]++
	}
	rej := rejections(t, s, b.ID)
	if int(b.Rejected) != noLocation || len(rej) != noLocation {
		t.Fatalf("rejected %d (%d listed), want the %d rows with no location", b.Rejected, len(rej), noLocation)
	}
	for _, r := range rej {
		if r.Row < 1 || r.File != "lapd_crime_2020_first1000.csv" || !strings.Contains(r.Reason, "no location") {
			t.Errorf("rejection %+v: want file, row and a 'no location' reason", r)
		}
	}
	for sec, n := range byICCS {
		got := cubeSum(t, s, atalaya.CubeFilter{Areas: []string{"USA"}, ICCS: []string{sec}}, nil)
		if got != n {
			t.Errorf("ICCS %s: cube %d, CSV %d", sec, got, n)
		}
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestUNODC ingests a real UNODC long-format export: every row is stored,
// offence counts feed the cube, rates do not.
func TestUNODC(t *testing.T) { backends(t, testUNODC) }

func testUNODC(t *testing.T, open func(testing.TB) atalaya.Store) {
	s := open(t)
	b := mustRun(t, s, profile(t, "unodc-long"), diskFile(t, "../../testdata/unodc/cts_corruption_and_economic_crime_americas.csv"))
	if b.Read != 5716 {
		t.Fatalf("read %d, want 5,716", b.Read)
	}
	// Rows of territories that are not OAS member states (Bermuda, Puerto
	// Rico…) are rejected, naming the area; every other row is stored.
	raw := readCSV(t, "../../testdata/unodc/cts_corruption_and_economic_crime_americas.csv")
	areas, _ := s.Areas(context.Background(), atalaya.AreaFilter{})
	known := map[string]bool{}
	for _, a := range areas {
		known[a.Code] = true
	}
	var foreign int64
	for _, r := range raw[1:] {
		if !known[r[0]] {
			foreign++
		}
	}
	for _, r := range rejections(t, s, b.ID) {
		if r.Column != "Iso3_code" || known[r.Value] || !strings.Contains(r.Reason, "not in the node's area list") {
			t.Errorf("unexpected rejection: row %d %s=%q: %s", r.Row, r.Column, r.Value, r.Reason)
		}
	}
	if b.Rejected != foreign || b.Accepted != 5716-foreign || foreign == 0 {
		t.Fatalf("batch %+v: want %d rejected (non-member territories), the rest accepted", b, foreign)
	}
	var want int64
	for _, r := range raw[1:] {
		if r[0] == "COL" && r[6] == "Theft" && r[9] == "2015" && r[10] == "Counts" && r[7] == "Total" {
			v, _ := strconv.ParseFloat(r[11], 64)
			want += int64(v)
		}
	}
	got := cubeSum(t, s, atalaya.CubeFilter{Areas: []string{"COL"}, ICCS: []string{"0502"}, PeriodFrom: "2015", PeriodTo: "2015"}, func(k atalaya.CubeKey) bool { return k.Sex == "T" })
	if want == 0 || got != want {
		t.Fatalf("Colombia theft 2015: cube %d, CSV %d", got, want)
	}
	_ = fs.ValidPath
}

// TestUNODCHomicide ingests a sample in the layout of dataUNODC's
// intentional homicide export (a hand-made excerpt of the layout: the
// counts are for the test, not quoted from UNODC): only Dimension "Total"
// rows are counted, as victims of 0101, so the breakdowns by mechanism or
// relationship never add the same victims twice; rates are stored, not
// counted.
func TestUNODCHomicide(t *testing.T) { backends(t, testUNODCHomicide) }

func testUNODCHomicide(t *testing.T, open func(testing.TB) atalaya.Store) {
	s := open(t)
	b := mustRun(t, s, profile(t, "unodc-homicide"), diskFile(t, "testdata/unodc_homicide_sample.csv"))
	if b.Read != 13 || b.Accepted != 13 {
		t.Fatalf("batch %+v", b)
	}
	for _, c := range []struct {
		area, year, sex string
		want            int64
	}{{"CRI", "2022", "T", 656}, {"CRI", "2022", "M", 583}, {"CRI", "2022", "F", 73}, {"CRI", "2023", "T", 907}, {"URY", "2022", "F", 45}} {
		got := cubeSum(t, s, atalaya.CubeFilter{Areas: []string{c.area}, ICCS: []string{"0101"}, PeriodFrom: c.year, PeriodTo: c.year, Unit: atalaya.UnitVictim},
			func(k atalaya.CubeKey) bool { return k.Sex == c.sex })
		if got != c.want {
			t.Errorf("%s %s %s: cube %d, want %d", c.area, c.year, c.sex, got, c.want)
		}
	}
}
