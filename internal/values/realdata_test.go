package values_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/data"
	"github.com/oas-atalaya/atalaya/internal/cube"
	"github.com/oas-atalaya/atalaya/internal/geo"
	"github.com/oas-atalaya/atalaya/internal/indicator"
	"github.com/oas-atalaya/atalaya/internal/ingest"
	"github.com/oas-atalaya/atalaya/internal/sqlite"
	"github.com/oas-atalaya/atalaya/internal/values"
)

var (
	mexicoOnce  sync.Once
	mexicoStore atalaya.Store
	mexicoErr   error
)

func fixedNow() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }

// mexico loads the Mexico demo data (SESNSP victims, CONAPO population,
// INEGI states) into a SQLite store once per test binary.
func mexico(t *testing.T) atalaya.Store { return mexicoB(t) }

func mexicoB(t testing.TB) atalaya.Store {
	t.Helper()
	mexicoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "atalaya-values")
		if err != nil {
			mexicoErr = err
			return
		}
		mexicoStore, mexicoErr = loadMexico(filepath.Join(dir, "mx.db"))
	})
	if mexicoErr != nil {
		t.Fatal(mexicoErr)
	}
	return mexicoStore
}

func open(name string) *bytes.Reader {
	b, err := fs.ReadFile(data.FS, name)
	if err != nil {
		panic(err)
	}
	return bytes.NewReader(b)
}

func loadMexico(file string) (atalaya.Store, error) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, file, sqlite.WithClock(fixedNow))
	if err != nil {
		return nil, err
	}
	if _, err := ingest.ImportICCS(ctx, s, open("iccs/iccs_v1_codes.csv"), "iccs"); err != nil {
		return nil, err
	}
	if _, err := ingest.ImportCodeLists(ctx, s, open("mappings/codelists.csv"), "codelists.csv"); err != nil {
		return nil, err
	}
	if _, err := ingest.ImportMapping(ctx, s, "mx-sesnsp-victimas", open("mappings/mx-sesnsp-victimas.csv"), "m.csv", "test"); err != nil {
		return nil, err
	}
	if err := s.PutAreas(ctx, []atalaya.Area{{Code: "MEX", Country: "MEX", Name: "México"}}); err != nil {
		return nil, err
	}
	feats, err := geo.ReadFeatureCollection(open("mexico/mexico_states.geojson"), 64<<20)
	if err != nil {
		return nil, err
	}
	if _, err := ingest.ImportAreas(ctx, s, feats, ingest.AreaImport{CodeProperty: "CVE_ENT", NameProperty: "NOMGEO", Parent: "MEX", Level: 1}); err != nil {
		return nil, err
	}
	for _, step := range []struct{ profile, file string }{
		{"population", "mexico/population_state_year_sex.csv"},
		{"sesnsp-victims", "mexico/sesnsp_victims_state_month_selected_nonzero.csv"},
	} {
		p, err := ingest.LoadProfile(step.profile)
		if err != nil {
			return nil, err
		}
		r := open(step.file)
		in := &ingest.Ingester{Store: s, Now: fixedNow}
		if _, err := in.Ingest(ctx, p, []ingest.File{{Name: path.Base(step.file), R: r, Size: r.Size()}}, ingest.Options{Submitter: "test"}); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// reference reads a golden file of internal/values/testdata/reference.
func reference(t *testing.T, name string) []map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "reference", name))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(l, "#") && l != "" {
			lines = append(lines, l)
		}
	}
	rows, err := csv.NewReader(strings.NewReader(strings.Join(lines, "\n"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func close9(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func engine(t *testing.T, s atalaya.Store) *values.Engine {
	cat, err := indicator.Default()
	if err != nil {
		t.Fatal(err)
	}
	return values.New(s, cat, fixedNow)
}

// checkValue compares one value with a reference row.
func checkValue(t *testing.T, where string, v atalaya.Value, ref map[string]string) {
	t.Helper()
	if v.Count == nil || v.Denominator == nil || v.Rate == nil {
		t.Errorf("%s: no figure: %+v", where, v)
		return
	}
	if float64(*v.Count) != num(t, ref["count"]) || float64(*v.Denominator) != num(t, ref["denominator"]) {
		t.Errorf("%s: %d/%d, reference %s/%s", where, *v.Count, *v.Denominator, ref["count"], ref["denominator"])
	}
	if !close9(*v.Rate, num(t, ref["rate"])) || !close9(*v.CILow, num(t, ref["ci_low"])) || !close9(*v.CIHigh, num(t, ref["ci_high"])) {
		t.Errorf("%s: rate %v [%v, %v], reference %s [%s, %s]", where, *v.Rate, *v.CILow, *v.CIHigh, ref["rate"], ref["ci_low"], ref["ci_high"])
	}
	if m, ok := ref["months"]; ok && m != "" {
		partial := ref["partial"] == "1"
		if v.HasFlag(atalaya.FlagPartialPeriod) != partial || strconv.Itoa(v.Months) != m {
			t.Errorf("%s: months %d flags %v, reference months %s partial %v", where, v.Months, v.Flags, m, partial)
		}
	}
}

// TestMexicoAgainstReference compares every homicide rate (total and by
// sex, sex-specific denominators), femicide, kidnapping, extortion and
// trafficking rate of the nation and the 32 states for 2015–2025 with the
// values computed independently by make_reference.py (pandas and SciPy).
func TestMexicoAgainstReference(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the SESNSP file")
	}
	s := mexico(t)
	e := engine(t, s)
	ctx := context.Background()
	type key struct{ ind, area, period, sex string }
	got := map[key]atalaya.Value{}
	for _, q := range []values.Query{
		{Indicator: "homicide-rate", Areas: []string{"MEX"}, Children: true, From: "2015", To: "2025", By: "sex"},
		{Indicator: "femicide-rate", Areas: []string{"MEX"}, Children: true, From: "2015", To: "2025"},
		{Indicator: "kidnapping-rate", Areas: []string{"MEX"}, Children: true, From: "2015", To: "2025"},
		{Indicator: "extortion-rate", Areas: []string{"MEX"}, Children: true, From: "2015", To: "2025"},
		{Indicator: "trafficking-rate", Areas: []string{"MEX"}, Children: true, From: "2015", To: "2025"},
	} {
		res, err := e.Values(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range res.Values {
			sex := v.Sex
			if sex == "" {
				sex = "T"
			}
			got[key{v.Indicator, v.Area, v.Period, sex}] = v
		}
	}
	n := 0
	for _, file := range []string{"mexico_homicide.csv", "mexico_femicide.csv", "mexico_other_rates.csv"} {
		for _, ref := range reference(t, file) {
			k := key{ref["indicator"], ref["area"], ref["period"], ref["sex"]}
			v, ok := got[k]
			if !ok {
				t.Errorf("no value for %v", k)
				continue
			}
			checkValue(t, file+" "+strings.Join([]string{k.ind, k.area, k.period, k.sex}, " "), v, ref)
			n++
		}
	}
	if n < 2500 {
		t.Fatalf("only %d reference values compared", n)
	}
}

// TestMexicoAggregates checks Σ/Σ aggregates over years and over areas
// against the reference.
func TestMexicoAggregates(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the SESNSP file")
	}
	s := mexico(t)
	e := engine(t, s)
	ctx := context.Background()
	refs := reference(t, "mexico_aggregates.csv")
	n := 0
	for _, ref := range refs {
		areas := strings.Split(ref["members"], ";")
		q := values.Query{Indicator: ref["indicator"], Areas: areas}
		if from, to, ok := strings.Cut(ref["period"], "/"); ok {
			q.From, q.To, q.Total = from, to, "period"
			if len(areas) > 1 {
				q.Total = "all"
			}
		} else {
			q.From, q.To, q.Total = ref["period"], ref["period"], "area"
		}
		if ref["sex"] != "" && ref["sex"] != "T" {
			q.By = "sex"
		}
		if len(areas) == 1 && q.Total == "area" {
			q.Total = ""
		}
		res, err := e.Values(ctx, q)
		if err != nil {
			t.Fatalf("%v: %v", ref, err)
		}
		found := false
		for _, v := range res.Values {
			sex := v.Sex
			if sex == "" {
				sex = "T"
			}
			if sex != ref["sex"] && !(ref["sex"] == "" && sex == "T") {
				continue
			}
			found = true
			delete(ref, "months")
			checkValue(t, "aggregate "+ref["area"]+" "+ref["period"]+" "+ref["sex"], v, ref)
			n++
		}
		if !found {
			t.Errorf("no value for %v", ref)
		}
	}
	if n == 0 {
		t.Fatal("no aggregate compared")
	}
}

// BenchmarkCountryStatesBySex is the query of the speed target:
// a country and all its states, ten years, by sex, public view with
// disclosure control, computed each time from the cached indexes.
func BenchmarkCountryStatesBySex(b *testing.B) {
	s := mexicoB(b)
	cat, _ := indicator.Default()
	ctx := context.Background()
	for _, public := range []bool{false, true} {
		name := "live"
		if public {
			name = "public"
			publishAll(b, s)
		}
		b.Run(name, func(b *testing.B) {
			e := values.New(s, cat, fixedNow)
			e.DisableResultCache()
			q := values.Query{Indicator: "homicide-rate", Areas: []string{"MEX"}, Children: true, From: "2015", To: "2024", By: "sex", Public: public}
			if _, err := e.Values(ctx, q); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res, err := e.Values(ctx, q)
				if err != nil || len(res.Values) != 33*10*4 {
					b.Fatalf("%v: %d values", err, len(res.Values))
				}
			}
		})
	}
}

// publishAll publishes every SESNSP year of the fixture, once.
func publishAll(tb testing.TB, s atalaya.Store) {
	tb.Helper()
	ctx := context.Background()
	if rels, _ := s.Releases(ctx, atalaya.ReleaseFilter{}); len(rels) > 0 {
		return
	}
	var years []string
	for y := 2015; y <= 2025; y++ {
		years = append(years, strconv.Itoa(y))
	}
	snaps, err := cube.Snapshots(ctx, s, "mx-sesnsp", "MEX", years)
	if err != nil {
		tb.Fatal(err)
	}
	for _, y := range years {
		if _, err := s.AddRelease(ctx, atalaya.Release{Source: "mx-sesnsp", Area: "MEX", Period: y,
			Status: atalaya.StatusPublished, By: "test", Reason: "test"}, snaps[y]); err != nil {
			tb.Fatal(err)
		}
	}
}
