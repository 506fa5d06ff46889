package web_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/i18n"
	"github.com/oas-atalaya/atalaya/internal/indicator"
)

// keyLiteral is a catalogue key written as a string literal in a template
// or in Go: "public.flag.small_count". A literal that ends in "." or "_"
// ("public.flag.") is a prefix that the code completes at run time.
var keyLiteral = regexp.MustCompile(`"((?:common|public|work|analysis)\.[A-Za-z0-9_.]*[A-Za-z0-9_.])"`)

// TestCatalogueKeys fails on any key that the templates or the Go code
// (internal/...) use and the catalogue lacks, and on any catalogue key that
// nothing uses. Keys
// built at run time are checked through their prefixes: every value the
// code can complete a public prefix with must be in the catalogue, and a
// catalogue key under a prefix the code uses counts as used.
func TestCatalogueKeys(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	// The portal's templates, and the Go code of every internal package
	// (some build their messages' keys, e.g. internal/analysis).
	files, _ := filepath.Glob("templates/*.html")
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	prefixes := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyLiteral.FindAllStringSubmatch(string(b), -1) {
			k := m[1]
			if strings.HasSuffix(k, ".") || strings.HasSuffix(k, "_") {
				prefixes[k] = true
				continue
			}
			used[k] = true
			if !cat.Has(k) {
				t.Errorf("%s uses %q, which the catalogue lacks", f, k)
			}
		}
	}
	// The values the public pages complete their prefixes with.
	inds, err := indicator.Default()
	if err != nil {
		t.Fatal(err)
	}
	dynamic := map[string][]string{
		"public.sex.":          {"T", "F", "M"},
		"public.breaks.":       {"jenks", "quantile"},
		"public.unit.per100k_": {"F", "M"},
		"public.source_type.":  {"police", "prosecution", "health", "prison", "survey", "international", "statistics"},
	}
	for _, f := range []string{atalaya.FlagSmallCount, atalaya.FlagSuppressed, atalaya.FlagPartialPeriod, atalaya.FlagCoverage, atalaya.FlagProvisional, atalaya.FlagNotAvailable} {
		dynamic["public.flag."] = append(dynamic["public.flag."], f, f+".help")
	}
	for _, ind := range inds.Indicators {
		dynamic["public.kind."] = append(dynamic["public.kind."], string(ind.Kind))
		dynamic["public.unit_of."] = append(dynamic["public.unit_of."], string(ind.Numerator.Unit))
		dynamic["public.count."] = append(dynamic["public.count."], string(ind.Numerator.Unit))
		dynamic["public.period."] = append(dynamic["public.period."], ind.Period)
		dynamic["public.by."] = append(dynamic["public.by."], ind.Breakdowns...)
		for l := range ind.Disclosure.MinCount {
			dynamic["public.level."] = append(dynamic["public.level."], strconv.Itoa(l))
		}
		if d := ind.Denominator; d != nil && d.Population != nil {
			dynamic["public.den.population."] = append(dynamic["public.den.population."], d.Population.Sex)
		}
	}
	for p, vs := range dynamic {
		if !prefixes[p] {
			t.Errorf("the test lists prefix %q, which no page uses", p)
		}
		for _, v := range vs {
			if !cat.Has(p + v) {
				t.Errorf("message %s%s is missing (a page builds it from %q)", p, v, p)
			}
		}
	}
	var unused []string
	for _, k := range cat.Keys() {
		if used[k] {
			continue
		}
		ok := false
		for p := range prefixes {
			if strings.HasPrefix(k, p) {
				ok = true
				break
			}
		}
		if !ok {
			unused = append(unused, k)
		}
	}
	sort.Strings(unused)
	for _, k := range unused {
		t.Errorf("message %s is in the catalogue but nothing uses it", k)
	}
}
