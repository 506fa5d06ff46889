package indicator_test

import (
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/indicator"
)

// baseRate is a valid catalogue of one rate; the table tests break it one
// way at a time.
const baseRate = `indicators:
  - id: test-rate
    name: {en: Test rate, es: Tasa de prueba, pt: Taxa de teste, fr: Taux de test}
    definition: {en: Def., es: Def., pt: Def., fr: Déf.}
    kind: rate
    numerator:
      iccs: ["0101"]
      unit: victim
      source_types: [police, health]
    denominator:
      population: {sex: T, age: T}
      multiplier: 100000
    period: year
    disclosure:
      min_count: {0: 1, 1: 3, 2: 5}
    breakdowns: [sex, source]
    notes: {en: Notes., es: Notas.}
`

const rateDenominator = `    denominator:
      population: {sex: T, age: T}
      multiplier: 100000
`

// baseShare is baseRate made a firearm share.
var baseShare = strings.NewReplacer(
	"kind: rate", "kind: share",
	"      unit: victim\n", "      unit: victim\n      weapon: firearm\n",
	rateDenominator, "    denominator:\n      relax: [weapon]\n      exclude: {weapon: U}\n      multiplier: 100\n",
).Replace(baseRate)

// baseRatio is baseRate made a police/health ratio.
var baseRatio = strings.NewReplacer(
	"kind: rate", "kind: ratio",
	"source_types: [police, health]", "source_types: [police, prosecution]",
	rateDenominator, "    denominator:\n      source_types: [health]\n      multiplier: 1\n",
	"breakdowns: [sex, source]", "breakdowns: [sex]",
).Replace(baseRate)

func TestBasesAreValid(t *testing.T) {
	for name, y := range map[string]string{"rate": baseRate, "share": baseShare, "ratio": baseRatio} {
		if _, err := indicator.Load(strings.NewReader(y)); err != nil {
			t.Errorf("base %s: %v\n%s", name, err, y)
		}
	}
}

func TestLoadAccepts(t *testing.T) {
	cases := map[string]string{
		// Unquoted codes keep their leading zero.
		"unquoted iccs":    strings.Replace(baseRate, `iccs: ["0101"]`, "iccs: 0101", 1),
		"iccs list":        strings.Replace(baseRate, `iccs: ["0101"]`, `iccs: ["0101", "0102"]`, 1),
		"female rate":      strings.NewReplacer("sex: T, age: T", "sex: F, age: T", "      unit: victim\n", "      unit: victim\n      sex: F\n", "[sex, source]", "[source]").Replace(baseRate),
		"youth rate":       strings.Replace(strings.Replace(baseRate, "sex: T, age: T", "sex: T, age: 15-29", 1), "      unit: victim\n", "      unit: victim\n      age: \"15-29\"\n", 1),
		"no source types":  strings.Replace(baseRate, "      source_types: [police, health]\n", "", 1),
		"month":            strings.Replace(baseRate, "period: year", "period: month", 1),
		"sdg":              strings.Replace(baseRate, "  - id: test-rate\n", "  - id: test-rate\n    sdg: \"16.1.1\"\n", 1),
		"optional pt note": strings.Replace(baseRate, "{en: Notes., es: Notas.}", "{en: Notes., es: Notas., pt: Notas.}", 1),
		"no breakdowns":    strings.Replace(baseRate, "    breakdowns: [sex, source]\n", "", 1),
	}
	for name, y := range cases {
		c, err := indicator.Load(strings.NewReader(y))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if name == "unquoted iccs" && c.Indicators[0].Numerator.ICCS[0] != "0101" {
			t.Errorf("unquoted 0101 was read as %q", c.Indicators[0].Numerator.ICCS[0])
		}
	}
}

func TestLoadRejects(t *testing.T) {
	r := func(base, old, new string) string {
		if !strings.Contains(base, old) {
			panic("test case does not apply: " + old)
		}
		return strings.Replace(base, old, new, 1)
	}
	second := strings.Replace(strings.TrimPrefix(baseRate, "indicators:\n"), "id: test-rate", "id: other-rate", 1)
	cases := []struct {
		name, yaml, want string
	}{
		// Decoding: unknown fields are named with where they are.
		{"unknown top-level field", "version: 2\n" + baseRate, `unknown field "version" at the top level (known: indicators)`},
		{"unknown indicator field", r(baseRate, "    period: year\n", "    period: year\n    colour: red\n"), `line 14: unknown field "colour" in an indicator`},
		{"unknown numerator field", r(baseRate, "      unit: victim\n", "      unit: victim\n      weapons: firearm\n"), `unknown field "weapons" in numerator (known: iccs, unit, source_types, sex, age, weapon, context)`},
		{"unknown denominator field", r(baseRate, "      multiplier: 100000\n", "      multiplier: 100000\n      per: 100000\n"), `unknown field "per" in denominator`},
		{"unknown population field", r(baseRate, "{sex: T, age: T}", "{sex: T, age: T, year: mid}"), `unknown field "year" in denominator.population`},
		{"unknown disclosure field", r(baseRate, "      min_count:", "      min_cell: 3\n      min_count:"), `unknown field "min_cell" in disclosure`},
		{"mistyped value", r(baseRate, "multiplier: 100000", "multiplier: many"), "cannot unmarshal"},
		{"map instead of codes", r(baseRate, `iccs: ["0101"]`, `iccs: {code: "0101"}`), "give a code or a list of codes"},
		{"empty file", "", "the file is empty"},
		{"two documents", baseRate + "---\n" + baseRate, "more than one YAML document"},
		{"no indicators", "indicators: []\n", "lists no indicators"},
		{"not YAML", "indicators: [\n", "did not find expected"},

		// Identity and texts.
		{"missing id", r(baseRate, "id: test-rate", "id: ''"), `indicator #1: id is missing`},
		{"bad id", r(baseRate, "id: test-rate", "id: Test_Rate"), `id "Test_Rate" must be lower-case letters`},
		{"duplicate id", baseRate + second + strings.Replace(second, "other-rate", "test-rate", 1), `indicator "test-rate": id "test-rate" is already used by indicator #1`},
		{"bad sdg", r(baseRate, "  - id: test-rate\n", "  - id: test-rate\n    sdg: \"16.1\"\n"), `sdg "16.1" is not an SDG indicator number`},
		{"missing language", r(baseRate, ", fr: Taux de test}", "}"), `indicator "test-rate": name: the fr text is missing (give en, es, pt, fr)`},
		{"blank definition", r(baseRate, "pt: Def.,", "pt: ' ',"), `definition: the pt text is missing`},
		{"unknown language", r(baseRate, "{en: Notes., es: Notas.}", "{en: Notes., es: Notas., de: Anmerkungen.}"), `notes: language "de" is not one of en, es, pt, fr`},
		{"missing es notes", r(baseRate, "{en: Notes., es: Notas.}", "{en: Notes.}"), `notes: the es text is missing (give en, es)`},

		// Numerator.
		{"no iccs", r(baseRate, `iccs: ["0101"]`, "iccs: []"), "numerator.iccs: list at least one ICCS code"},
		{"iccs syntax", r(baseRate, `iccs: ["0101"]`, `iccs: ["01A1"]`), `numerator.iccs: "01A1" is not an ICCS code (2, 4, 5 or 6 digits`},
		{"iccs as number", r(baseRate, `iccs: ["0101"]`, `iccs: [101]`), `"101" is not an ICCS code`},
		{"iccs not in list", r(baseRate, `iccs: ["0101"]`, `iccs: ["0199"]`), `numerator.iccs: "0199" is not in the ICCS v1.0 code list`},
		{"iccs inside another", r(baseRate, `iccs: ["0101"]`, `iccs: ["01", "0101"]`), `numerator.iccs: "0101" is inside "01", which already counts it`},
		{"iccs twice", r(baseRate, `iccs: ["0101"]`, `iccs: ["0101", "0101"]`), `numerator.iccs: "0101" is listed twice`},
		{"missing unit", r(baseRate, "      unit: victim\n", ""), "numerator.unit is missing: victim, offence or person"},
		{"unknown unit", r(baseRate, "unit: victim", "unit: case"), `numerator.unit "case" must be victim, offence or person`},
		{"rate unit", r(baseRate, "unit: victim", "unit: rate"), `numerator.unit "rate" must be victim, offence or person`},
		{"unknown source type", r(baseRate, "[police, health]", "[police, court]"), `numerator.source_types: "court" is not a source type`},
		{"source type twice", r(baseRate, "[police, health]", "[police, police]"), `numerator.source_types: "police" is listed twice`},
		{"unknown sex", r(baseRate, "      unit: victim\n", "      unit: victim\n      sex: X\n"), `numerator.sex: "X" is not a sex code; use F, M or U`},
		{"sex T filter", r(baseRate, "      unit: victim\n", "      unit: victim\n      sex: T\n"), "numerator.sex: T is the total of both sexes, not a filter"},
		{"bad age band", r(baseRate, "      unit: victim\n", "      unit: victim\n      age: 15-\n"), `numerator.age: "15-" is not an age band`},
		{"unknown weapon", r(baseRate, "      unit: victim\n", "      unit: victim\n      weapon: knife\n"), `numerator.weapon: "knife" is not a weapon code; use firearm, sharp, other, none or U`},
		{"unknown context", r(baseRate, "      unit: victim\n", "      unit: victim\n      context: gang\n"), `numerator.context: "gang" is not a context code`},
		{"weapon twice", r(baseRate, "      unit: victim\n", "      unit: victim\n      weapon: [firearm, firearm]\n"), `numerator.weapon: "firearm" is listed twice`},

		// Kind and denominators.
		{"missing kind", r(baseRate, "    kind: rate\n", ""), "kind is missing: rate, share or ratio"},
		{"unknown kind", r(baseRate, "kind: rate", "kind: average"), `kind "average" must be rate, share or ratio`},
		{"rate without denominator", r(baseRate, rateDenominator, ""), "a rate needs a denominator: population (sex, age) and multiplier (100000)"},
		{"rate without population", r(baseRate, "      population: {sex: T, age: T}\n", ""), "a rate needs denominator.population"},
		{"missing multiplier", r(baseRate, "      multiplier: 100000\n", ""), "denominator.multiplier is missing or not positive"},
		{"negative multiplier", r(baseRate, "multiplier: 100000", "multiplier: -1"), "denominator.multiplier is missing or not positive"},
		{"population sex", r(baseRate, "sex: T, age: T", "sex: U, age: T"), `denominator.population.sex "U" must be T, F or M`},
		{"population age", r(baseRate, "sex: T, age: T", "sex: T, age: U"), `denominator.population.age "U" must be T or a band`},
		{"female population, all victims", r(baseRate, "sex: T, age: T", "sex: F, age: T"), "denominator.population.sex is F, so the numerator must keep sex F only"},
		{"female victims, total population", r(baseRate, "      unit: victim\n", "      unit: victim\n      sex: F\n"), "the numerator keeps sex F only, so denominator.population.sex must be F"},
		{"age population, all ages", r(baseRate, "sex: T, age: T", "sex: T, age: 15-29"), "denominator.population.age is 15-29, so the numerator must keep that band only"},
		{"age victims, total population", r(baseRate, "      unit: victim\n", "      unit: victim\n      age: 15-29\n"), "the numerator keeps age band 15-29 only, so denominator.population.age must be 15-29"},
		{"rate with relax", r(baseRate, "      multiplier: 100000\n", "      multiplier: 100000\n      relax: [sex]\n"), "a rate divides by a population; relax, exclude and source_types are for shares and ratios"},
		{"share without relax", r(baseShare, "      relax: [weapon]\n      exclude: {weapon: U}\n", ""), "a share needs denominator.relax"},
		{"share relaxes an unfiltered dimension", r(baseShare, "relax: [weapon]", "relax: [weapon, sex]"), `denominator.relax: "sex", but the numerator does not filter on sex`},
		{"share relaxes a non-dimension", r(baseShare, "relax: [weapon]", "relax: [weapon, source]"), `denominator.relax: "source" is not a filter`},
		{"share excludes a kept code", r(baseShare, "exclude: {weapon: U}", "exclude: {weapon: [U, firearm]}"), `denominator.exclude.weapon: "firearm" is kept by the numerator`},
		{"share excludes a non-relaxed dimension", r(baseShare, "exclude: {weapon: U}", "exclude: {weapon: U, sex: U}"), "denominator.exclude.sex: exclude applies to relaxed filters only"},
		{"share with population", r(baseShare, "      multiplier: 100\n", "      multiplier: 100\n      population: {sex: T, age: T}\n"), "population and source_types are for rates and ratios"},
		{"share broken down by its own dimension", r(baseShare, "breakdowns: [sex, source]", "breakdowns: [weapon]"), "breakdowns: weapon, but the numerator keeps only weapon firearm"},
		{"ratio without numerator source types", r(baseRatio, "      source_types: [police, prosecution]\n", ""), "a ratio needs numerator.source_types"},
		{"ratio without denominator source types", r(baseRatio, "      source_types: [health]\n", ""), "a ratio needs denominator.source_types"},
		{"ratio of a source to itself", r(baseRatio, "source_types: [health]", "source_types: [health, police]"), `denominator.source_types: "police" is also a numerator source type`},
		{"ratio broken down by source", r(baseRatio, "breakdowns: [sex]", "breakdowns: [source]"), "breakdowns: source, but a ratio already compares source types"},

		// Period, disclosure, breakdowns.
		{"missing period", r(baseRate, "    period: year\n", ""), "period is missing: year or month"},
		{"unknown period", r(baseRate, "period: year", "period: week"), `period "week" must be year or month`},
		{"missing disclosure", r(baseRate, "    disclosure:\n      min_count: {0: 1, 1: 3, 2: 5}\n", ""), "disclosure.min_count is missing"},
		{"no level 0", r(baseRate, "{0: 1, 1: 3, 2: 5}", "{1: 3, 2: 5}"), "disclosure.min_count: give level 0"},
		{"decreasing", r(baseRate, "{0: 1, 1: 3, 2: 5}", "{0: 1, 1: 5, 2: 3}"), "disclosure.min_count: level 2: 3 is less than the level above (5)"},
		{"zero min count", r(baseRate, "{0: 1, 1: 3, 2: 5}", "{0: 0}"), "disclosure.min_count: level 0: 0 must be 1 or more"},
		{"level out of range", r(baseRate, "{0: 1, 1: 3, 2: 5}", "{0: 1, 9: 5}"), "disclosure.min_count: level 9 is outside 0–6"},
		{"unknown breakdown", r(baseRate, "breakdowns: [sex, source]", "breakdowns: [sex, colour]"), `breakdowns: "colour" is not a breakdown`},
		{"breakdown twice", r(baseRate, "breakdowns: [sex, source]", "breakdowns: [sex, sex]"), `breakdowns: "sex" is listed twice`},
		{"breakdown by a single source", r(baseRate, "[police, health]", "[police]"), "breakdowns: source, but the numerator has one source type (police)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := indicator.Load(strings.NewReader(tc.yaml))
			if err == nil {
				t.Fatalf("accepted, want an error containing %q\n%s", tc.want, tc.yaml)
			}
			if atalaya.ErrorCode(err) != atalaya.EINVALID {
				t.Errorf("error code %s, want %s", atalaya.ErrorCode(err), atalaya.EINVALID)
			}
			if msg := atalaya.ErrorMessage(err); !strings.Contains(msg, tc.want) {
				t.Errorf("error\n  %s\nwant it to contain\n  %s", msg, tc.want)
			}
		})
	}
}

// TestLoadReportsEveryProblem: one check shows every problem, each with its
// indicator, so that an author fixes them in one pass.
func TestLoadReportsEveryProblem(t *testing.T) {
	y := strings.NewReplacer("unit: victim", "unit: case", "period: year", "period: week", ", fr: Taux de test", "").Replace(baseRate)
	_, err := indicator.Load(strings.NewReader(y))
	msg := atalaya.ErrorMessage(err)
	if !strings.HasPrefix(msg, "indicator catalogue: 3 problems:\n") {
		t.Fatalf("want 3 problems, one per line:\n%s", msg)
	}
	for _, s := range []string{`indicator "test-rate": name: the fr text is missing`, `indicator "test-rate": numerator.unit "case"`, `indicator "test-rate": period "week"`} {
		if !strings.Contains(msg, s) {
			t.Errorf("missing %q in\n%s", s, msg)
		}
	}
}

func TestLoadTooLarge(t *testing.T) {
	big := baseRate + "# " + strings.Repeat("x", 4<<20) + "\n"
	_, err := indicator.Load(strings.NewReader(big))
	if atalaya.ErrorCode(err) != atalaya.ETOOLARGE {
		t.Fatalf("err = %v, want %s", err, atalaya.ETOOLARGE)
	}
}
