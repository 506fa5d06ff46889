package indicator_test

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/indicator"
)

func defaultCatalogue(t testing.TB) *indicator.Catalogue {
	t.Helper()
	c, err := indicator.Default()
	if err != nil {
		t.Fatalf("the embedded catalogue does not load: %v", err)
	}
	return c
}

// TestDefaultHasRequiredIndicators checks that the shipped catalogue loads
// and holds every indicator the "comparable indicators" issue asks for,
// defined the way the standards say.
func TestDefaultHasRequiredIndicators(t *testing.T) {
	c := defaultCatalogue(t)
	type want struct {
		iccs    string
		unit    atalaya.CountingUnit
		kind    indicator.Kind
		popSex  string // rates
		popAge  string // rates
		mult    int64
		sdg     string
		filter  func(indicator.Filter) bool
		extraOK func(indicator.Indicator) bool
	}
	none := func(f indicator.Filter) bool { return f.Empty() }
	rate := func(iccs string, unit atalaya.CountingUnit) want {
		return want{iccs: iccs, unit: unit, kind: indicator.KindRate, popSex: "T", popAge: "T", mult: 100000, filter: none}
	}
	wants := map[string]want{
		"homicide-rate": {iccs: "0101", unit: atalaya.UnitVictim, kind: indicator.KindRate, popSex: "T", popAge: "T", mult: 100000, sdg: "16.1.1", filter: none,
			extraOK: func(ind indicator.Indicator) bool {
				// Homicide by sex is a breakdown with sex-specific denominators.
				return slices.Contains(ind.Breakdowns, "sex") && strings.Contains(ind.Notes["en"], "sex-specific")
			}},
		"youth-homicide-rate": {iccs: "0101", unit: atalaya.UnitVictim, kind: indicator.KindRate, popSex: "T", popAge: "15-29", mult: 100000,
			filter: func(f indicator.Filter) bool { return slices.Equal(f.Age, indicator.Codes{"15-29"}) },
			extraOK: func(ind indicator.Indicator) bool {
				return strings.Contains(ind.Notes["en"], "Not available where the population has no 15–29 band")
			}},
		"firearm-homicide-share": {iccs: "0101", unit: atalaya.UnitVictim, kind: indicator.KindShare, mult: 100,
			filter: func(f indicator.Filter) bool { return slices.Equal(f.Weapon, indicator.Codes{"firearm"}) },
			extraOK: func(ind indicator.Indicator) bool {
				d := ind.Denominator
				return slices.Equal(d.Relax, []string{"weapon"}) && slices.Equal(d.Exclude.Weapon, indicator.Codes{"U"}) &&
					strings.Contains(ind.Definition["en"], "left out of the denominator")
			}},
		"femicide-rate": {iccs: "0101", unit: atalaya.UnitVictim, kind: indicator.KindRate, popSex: "F", popAge: "T", mult: 100000,
			filter: func(f indicator.Filter) bool {
				return slices.Equal(f.Sex, indicator.Codes{"F"}) && slices.Equal(f.Context, indicator.Codes{"femicide"})
			}},
		"kidnapping-rate":      rate("020221", atalaya.UnitVictim),
		"extortion-rate":       rate("02051", atalaya.UnitVictim),
		"trafficking-rate":     rate("0204", atalaya.UnitVictim),
		"robbery-rate":         rate("0401", atalaya.UnitOffence),
		"theft-rate":           rate("0502", atalaya.UnitOffence),
		"burglary-rate":        rate("0501", atalaya.UnitOffence),
		"vehicle-theft-rate":   rate("05021", atalaya.UnitOffence),
		"serious-assault-rate": rate("020111", atalaya.UnitOffence),
		"sexual-violence-rate": rate("0301", atalaya.UnitOffence),
		"homicide-source-ratio": {iccs: "0101", unit: atalaya.UnitVictim, kind: indicator.KindRatio, mult: 1, filter: none,
			extraOK: func(ind indicator.Indicator) bool {
				return slices.Equal(ind.Numerator.SourceTypes, []atalaya.SourceType{"police", "prosecution"}) &&
					slices.Equal(ind.Denominator.SourceTypes, []atalaya.SourceType{"health"})
			}},
	}
	for id, w := range wants {
		ind, ok := c.Lookup(id)
		if !ok {
			t.Errorf("indicator %s is missing from data/indicators.yaml", id)
			continue
		}
		n, d := ind.Numerator, ind.Denominator
		switch {
		case !slices.Equal(n.ICCS, indicator.Codes{w.iccs}):
			t.Errorf("%s: numerator.iccs = %v, want [%s]", id, n.ICCS, w.iccs)
		case n.Unit != w.unit:
			t.Errorf("%s: numerator.unit = %s, want %s", id, n.Unit, w.unit)
		case ind.Kind != w.kind:
			t.Errorf("%s: kind = %s, want %s", id, ind.Kind, w.kind)
		case d == nil || d.Multiplier != w.mult:
			t.Errorf("%s: denominator %+v, want multiplier %d", id, d, w.mult)
		case w.kind == indicator.KindRate && (d.Population == nil || d.Population.Sex != w.popSex || d.Population.Age != w.popAge):
			t.Errorf("%s: denominator.population %+v, want sex %s age %s", id, d.Population, w.popSex, w.popAge)
		case ind.SDG != w.sdg && w.sdg != "":
			t.Errorf("%s: sdg %q, want %q", id, ind.SDG, w.sdg)
		case !w.filter(n.Filter):
			t.Errorf("%s: unexpected numerator filter %+v", id, n.Filter)
		case w.extraOK != nil && !w.extraOK(ind):
			t.Errorf("%s: does not meet its specific requirements: %+v", id, ind)
		case ind.Period != indicator.PeriodYear:
			t.Errorf("%s: period %s, want year", id, ind.Period)
		}
		for _, lang := range indicator.Languages {
			if ind.Name[lang] == "" || ind.Definition[lang] == "" {
				t.Errorf("%s: name or definition missing in %s", id, lang)
			}
		}
		if ind.Notes["en"] == "" || ind.Notes["es"] == "" {
			t.Errorf("%s: comparability notes missing in en or es", id)
		}
	}
	if _, ok := c.Lookup("no-such-indicator"); ok {
		t.Error("Lookup found an indicator that does not exist")
	}
	if got := c.IDs(); len(got) != len(c.Indicators) || got[0] != "homicide-rate" {
		t.Errorf("IDs() = %v", got)
	}
}

// TestHomicideNotesNameMexicanCodes checks that the comparability notes say
// which national codes feed 0101 and where femicide comes from.
func TestHomicideNotesNameMexicanCodes(t *testing.T) {
	c := defaultCatalogue(t)
	h, _ := c.Lookup("homicide-rate")
	for _, s := range []string{`"Homicidio doloso"`, `"Feminicidio"`, "0101", "context the mapping implies"} {
		if !strings.Contains(h.Notes["en"], s) {
			t.Errorf("homicide-rate notes do not mention %s", s)
		}
	}
}

func TestMinCountAt(t *testing.T) {
	d := indicator.Disclosure{MinCount: map[int]int64{0: 1, 1: 3, 2: 5}}
	for level, want := range map[int]int64{0: 1, 1: 3, 2: 5, 3: 5, 6: 5} {
		if got := d.MinCountAt(level); got != want {
			t.Errorf("MinCountAt(%d) = %d, want %d", level, got, want)
		}
	}
}

// TestDocsAreUpToDate is the golden test: docs/indicators.md must be the
// rendering of data/indicators.yaml, so that the two never drift.
func TestDocsAreUpToDate(t *testing.T) {
	c := defaultCatalogue(t)
	var buf bytes.Buffer
	if err := c.Markdown(&buf); err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("../../" + indicator.DocsPath)
	if err != nil {
		t.Fatalf("%v; generate it with: go run ./cmd/atalaya indicators docs --out docs/indicators.md", err)
	}
	if !bytes.Equal(have, buf.Bytes()) {
		line := firstDifference(have, buf.Bytes())
		t.Fatalf("docs/indicators.md is out of date with data/indicators.yaml (first difference at line %d); "+
			"regenerate it with: go run ./cmd/atalaya indicators docs --out docs/indicators.md", line)
	}
}

func firstDifference(a, b []byte) int {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}

// TestMarkdownContents checks the parts of the rendering a reader relies on.
func TestMarkdownContents(t *testing.T) {
	c := defaultCatalogue(t)
	var buf bytes.Buffer
	if err := c.Markdown(&buf); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, s := range []string{
		"Generated by `atalaya indicators docs` from data/indicators.yaml. Do not edit by hand.",
		"| [homicide-rate](#homicide-rate) | Intentional homicide rate | rate | victims | 100,000 population | 16.1.1 |",
		`<a id="femicide-rate"></a>`,
		"| Nom (fr) | Taux de féminicides |",
		"| Denominator | mid-year resident population: women (sex F), all ages |",
		"| Multiplier | × 100,000 |",
		"sex (each sex over the population of that sex; sex U: count only)",
		"| Denominator | the numerator's count without its weapon filter, leaving out weapon U |",
		"level 2 (municipality) and deeper: counts of 1 to 4 suppressed",
		"**Notas de comparabilidad** (es)",
		// National codes from the shipped mappings, with what they imply.
		"`Feminicidio / Con arma de fuego` → F, firearm, femicide",
		"`110` CRIMINAL HOMICIDE",
		"`822` HUMAN TRAFFICKING - COMMERCIAL SEX ACTS → 02041",
	} {
		if !strings.Contains(md, s) {
			t.Errorf("the Markdown does not contain %q", s)
		}
	}
	// The femicide section lists only codes that imply femicide.
	fem := md[strings.Index(md, `<a id="femicide-rate"></a>`):strings.Index(md, `<a id="kidnapping-rate"></a>`)]
	if strings.Contains(fem, "`Homicidio doloso") || strings.Contains(fem, "`110`") {
		t.Errorf("the femicide section lists codes that do not imply femicide:\n%s", fem)
	}
	if strings.Count(md, "<a id=") != len(c.Indicators) {
		t.Errorf("want one section per indicator")
	}
}
