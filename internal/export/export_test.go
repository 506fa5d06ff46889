package export_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/export"
	"github.com/oas-atalaya/atalaya/internal/indicator"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the writers' output")

func i64(n int64) *int64         { return &n }
func f64(x float64) *float64     { return &x }
func flags(f ...string) []string { return f }

// homicide is a catalogue entry written by hand, so that the golden files
// do not move when data/indicators.yaml is edited.
var homicide = indicator.Indicator{
	ID:  "homicide-rate",
	SDG: "16.1.1",
	Name: indicator.Text{
		"en": "Intentional homicide rate", "es": "Tasa de homicidio intencional",
		"pt": "Taxa de homicídio intencional", "fr": "Taux d'homicide volontaire",
	},
	Definition: indicator.Text{
		"en": "Victims of intentional homicide (ICCS 0101) per 100,000 inhabitants.",
		"es": "Víctimas de homicidio intencional (ICCS 0101) por cada 100 000 habitantes.",
	},
	Kind:        indicator.KindRate,
	Numerator:   indicator.Numerator{ICCS: indicator.Codes{"0101"}, Unit: atalaya.UnitVictim},
	Denominator: &indicator.Denominator{Population: &indicator.PopulationSpec{Sex: "T", Age: "T"}, Multiplier: 100000},
	Period:      indicator.PeriodYear,
}

// meta is the Meta of every test export.
func meta(lang string) export.Meta {
	return export.Meta{
		Indicator: homicide,
		Lang:      lang,
		AreaNames: map[string]string{"MEX": "México", "MEX-09": "Ciudad de México"},
		Attribution: []string{
			"Fuente: SESNSP, Datos Abiertos de Incidencia Delictiva (víctimas, fuero común).",
			"Fuente: CONAPO, Proyecciones de la Población de México.",
		},
		Query:     "area=MEX,MEX-09&from=2023&to=2024&by=sex",
		Generated: time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC),
	}
}

// values covers what a download meets: years, months and a quarter, two
// areas, breakdowns by sex, age and weapon (with the total, T), published and preliminary figures, a
// suppressed value, a value not available, and aggregates over years and
// over areas.
func values() []atalaya.Value {
	base := func(area, period string) atalaya.Value {
		return atalaya.Value{Indicator: "homicide-rate", Area: area, Period: period, SourceType: atalaya.SourceProsecution,
			Unit: atalaya.UnitVictim, Multiplier: 100000, Status: atalaya.StatusPublished, Flags: []string{}}
	}
	var out []atalaya.Value
	v := base("MEX", "2023")
	v.Sex = "T" // the total of a breakdown by sex
	v.Count, v.Denominator, v.Rate, v.CILow, v.CIHigh = i64(29675), i64(131229745), f64(22.61301426), f64(22.35678), f64(22.87114)
	v.Coverage = f64(1)
	out = append(out, v)
	for _, s := range []struct {
		sex        string
		count, pop int64
		rate       float64
	}{{"F", 2811, 67300217, 4.176808}, {"M", 26110, 63929528, 40.84341}, {"U", 754, 0, 0}} {
		v := base("MEX", "2023")
		v.Sex, v.Count = s.sex, i64(s.count)
		if s.pop > 0 {
			v.Denominator, v.Rate = i64(s.pop), f64(s.rate)
		} else {
			v.Flags, v.NotAvailable = flags(atalaya.FlagNotAvailable), "no population of unknown sex"
		}
		out = append(out, v)
	}
	for _, a := range []struct {
		band  string
		count int64
	}{{"15-29", 11020}, {"60+", 1603}} {
		v := base("MEX", "2023")
		v.Age, v.Count, v.Flags, v.NotAvailable = a.band, i64(a.count), flags(atalaya.FlagNotAvailable), "no population by age"
		out = append(out, v)
	}
	for _, w := range []struct {
		weapon string
		count  int64
		rate   float64
	}{{"T", 1100, 11.943631}, {"firearm", 700, 7.600629}, {"U", 400, 4.343145}} {
		v := base("MEX-09", "2023")
		v.Weapon, v.Count, v.Denominator, v.Rate = w.weapon, i64(w.count), i64(9209944), f64(w.rate)
		out = append(out, v)
	}
	v = base("MEX-09", "2024-01")
	v.Count, v.Denominator, v.Rate, v.CILow, v.CIHigh = i64(80), i64(9209944), f64(0.8686265), f64(0.6887723), f64(1.081055)
	v.Status, v.Flags = atalaya.StatusPreliminary, flags(atalaya.FlagProvisional)
	out = append(out, v)
	v = base("MEX-09", "2024-02")
	v.Denominator, v.Status = i64(9209944), atalaya.StatusPreliminary
	v.Flags, v.NotAvailable = flags(atalaya.FlagSuppressed, atalaya.FlagSmallCount, atalaya.FlagProvisional), "fewer than 3 victims"
	out = append(out, v)
	v = base("MEX-09", "2024-03")
	v.SourceType, v.Unit, v.Status = "", "", atalaya.StatusPreliminary
	v.Flags, v.NotAvailable = flags(atalaya.FlagNotAvailable), "no source reports for MEX-09 in 2024-03"
	out = append(out, v)
	v = base("MEX-09", "2024-Q1")
	v.Count, v.Denominator, v.Rate, v.Months = i64(231), i64(9209944), f64(2.508158), 2
	v.Status, v.Flags = atalaya.StatusValidated, flags(atalaya.FlagPartialPeriod, atalaya.FlagProvisional)
	out = append(out, v)
	v = base("MEX", "2015/2024")
	v.Count, v.Denominator, v.Rate = i64(312480), i64(1269912345), f64(24.60646)
	out = append(out, v)
	v = base("MEX+MEX-09", "2023")
	v.Count, v.Denominator, v.Rate = i64(30771), i64(140439689), f64(21.91047)
	out = append(out, v)
	return out
}

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test -update and review the diff):\n%s", path, firstDiff(want, got))
	}
}

// firstDiff shows the first line where two texts differ.
func firstDiff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\nwant " + a + "\ngot  " + b
		}
	}
	return ""
}

func TestGolden(t *testing.T) {
	for _, f := range export.Formats() {
		t.Run(f.Name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := f.Write(&buf, meta("es"), values()); err != nil {
				t.Fatal(err)
			}
			out := buf.Bytes()
			name := f.Name + "." + f.Ext + ".golden"
			switch f.Name {
			case "xlsx":
				out, name = unzipText(t, out), "xlsx.xml.golden"
			case "sdmx-json":
				// The download is compact; the golden file is indented
				// for reading.
				var ind bytes.Buffer
				if err := json.Indent(&ind, out, "", " "); err != nil {
					t.Fatalf("not JSON: %v", err)
				}
				out = ind.Bytes()
			}
			golden(t, name, out)
		})
	}
}

// unzipText lists a workbook's parts and their text, in name order.
func unzipText(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	files := zr.File
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	var out bytes.Buffer
	for _, f := range files {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		text := string(body)
		if strings.HasPrefix(f.Name, "xl/worksheets/") {
			// One line per row and per cell.
			text = strings.NewReplacer("<row ", "\n<row ", "<c r=", "\n  <c r=", "</sheetData>", "\n</sheetData>").Replace(text)
		} else {
			text = strings.ReplaceAll(text, "><", ">\n<")
		}
		out.WriteString("== " + f.Name + "\n" + text + "\n")
	}
	return out.Bytes()
}

func TestFormats(t *testing.T) {
	var names []string
	for _, f := range export.Formats() {
		names = append(names, f.Name)
		if f.MediaType == "" || f.Ext == "" || strings.HasPrefix(f.Ext, ".") || f.Write == nil {
			t.Errorf("format %s is incomplete: %+v", f.Name, f)
		}
		if g, ok := export.Lookup(strings.ToUpper(f.Name)); !ok || g.Name != f.Name {
			t.Errorf("Lookup(%q) = %v, %v", strings.ToUpper(f.Name), g.Name, ok)
		}
	}
	if got := strings.Join(names, ","); got != "csv,xlsx,sdmx-csv,sdmx-json" {
		t.Errorf("Formats() = %s", got)
	}
	if _, ok := export.Lookup("pdf"); ok {
		t.Error("Lookup(pdf) found a format")
	}
}

// TestEmpty checks that every writer accepts no values at all.
func TestEmpty(t *testing.T) {
	for _, f := range export.Formats() {
		if err := f.Write(io.Discard, export.Meta{}, nil); err != nil {
			t.Errorf("%s with no values: %v", f.Name, err)
		}
	}
}
