package i18n

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestEmbeddedCataloguesAgree(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Keys()) == 0 {
		t.Fatal("no keys")
	}
	for _, k := range c.Keys() {
		for _, l := range Langs {
			m := c.T(l, k)
			if strings.Contains(m, "⟦") {
				t.Errorf("%s %s: missing", l, k)
			}
			// The same verbs in every language, so arguments line up.
			if got, want := verbs(c.msgs[l][k]), verbs(c.msgs[EN][k]); got != want {
				t.Errorf("%s %s: verbs %q, English has %q", l, k, got, want)
			}
		}
	}
}

// verbRE matches the fmt verbs messages use: %[1]s, %d, %.1f, %%. A
// percent sign followed by a space ("95 % interval", in a message that
// takes no arguments) is text.
var verbRE = regexp.MustCompile(`%(\[\d+\])?[-+#0]*\d*(\.\d+)?[a-zA-Z%]`)

func verbs(s string) string {
	b := verbRE.FindAllString(s, -1)
	sort.Strings(b)
	return strings.Join(b, " ")
}

func TestLoadRefusesDisagreement(t *testing.T) {
	full := func(extra map[string]string) fstest.MapFS {
		fs := fstest.MapFS{}
		for _, l := range Langs {
			fs["d/g."+string(l)+".json"] = &fstest.MapFile{Data: []byte(`{"a":"x"}`)}
		}
		for k, v := range extra {
			fs[k] = &fstest.MapFile{Data: []byte(v)}
		}
		return fs
	}
	for name, tc := range map[string]struct {
		fs   fstest.MapFS
		want string
	}{
		"missing key":   {full(map[string]string{"d/g.fr.json": `{}`}), `key "a" is in es but not in fr`},
		"missing file":  {full(map[string]string{"d/h.en.json": `{"b":"y"}`}), "group h has no h.es.json"},
		"empty message": {full(map[string]string{"d/g.pt.json": `{"a":" "}`}), "empty message"},
		"duplicate":     {full(map[string]string{"d/h.en.json": `{"a":"y"}`}), "defined in another group"},
		"bad language":  {full(map[string]string{"d/g.de.json": `{"a":"y"}`}), "not one of the portal's languages"},
		"bad json":      {full(map[string]string{"d/g.en.json": `{"a":`}), "g.en.json"},
	} {
		_, err := LoadFS(tc.fs, "d")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
	if c, err := LoadFS(full(nil), "d"); err != nil || c.T(FR, "a") != "x" || c.T(FR, "zz") != "⟦zz⟧" {
		t.Errorf("good catalogue: %v", err)
	}
}

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct {
		h    string
		want Lang
	}{
		{"", ES},
		{"pt-BR,pt;q=0.9,en;q=0.8", PT},
		{"de-DE,de;q=0.9,fr;q=0.5,en;q=0.7", EN},
		{"en;q=0.2, fr-CA", FR},
		{"de", ES},
		{"*", ES},
		{"es-MX;q=0, en", EN},
		{"fr;q=abc, en;q=0.1", EN},
	} {
		if got := Negotiate(tc.h, ES); got != tc.want {
			t.Errorf("Negotiate(%q) = %s, want %s", tc.h, got, tc.want)
		}
	}
}

func TestNumbers(t *testing.T) {
	for _, tc := range []struct {
		l    Lang
		v    float64
		d    int
		want string
	}{
		{ES, 1234.5, 1, "1.234,5"},
		{PT, 1234.5, 1, "1.234,5"},
		{EN, 1234.5, 1, "1,234.5"},
		{FR, 1234.5, 1, "1\u202f234,5"},
		{EN, 125995825, 0, "125,995,825"},
		{ES, -0.004, 2, "0,00"},
		{EN, -27.51, 2, "−27.51"},
		{EN, 999.996, 2, "1,000.00"},
		{ES, 12, 0, "12"},
	} {
		if got := Number(tc.l, tc.v, tc.d); got != tc.want {
			t.Errorf("Number(%s, %v, %d) = %q, want %q", tc.l, tc.v, tc.d, got, tc.want)
		}
	}
	if got := Percent(ES, 0.153, 1); got != "15,3\u00a0%" {
		t.Errorf("Percent = %q", got)
	}
	if got := Percent(EN, 0.153, 1); got != "15.3%" {
		t.Errorf("Percent = %q", got)
	}
}

func TestDates(t *testing.T) {
	d := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	for l, want := range map[Lang]string{ES: "28 de noviembre de 2026", EN: "28 November 2026", PT: "28 de novembro de 2026", FR: "28 novembre 2026"} {
		if got := Date(l, d); got != want {
			t.Errorf("Date(%s) = %q, want %q", l, got, want)
		}
	}
	for _, tc := range []struct {
		l       Lang
		p, want string
	}{{ES, "2024-03", "marzo 2024"}, {EN, "2024-Q3", "Q3 2024"}, {FR, "2024-Q3", "T3 2024"}, {PT, "2024", "2024"}, {EN, "2024-13", "2024-13"}} {
		if got := Period(tc.l, tc.p); got != tc.want {
			t.Errorf("Period(%s, %s) = %q, want %q", tc.l, tc.p, got, tc.want)
		}
	}
}

func FuzzNegotiate(f *testing.F) {
	f.Add("pt-BR,pt;q=0.9")
	f.Add("*;q=0.1,,;;=")
	f.Fuzz(func(t *testing.T, h string) {
		l := Negotiate(h, EN)
		if _, ok := Parse(string(l)); !ok {
			t.Fatalf("Negotiate(%q) = %q", h, l)
		}
	})
}
