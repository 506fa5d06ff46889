package web_test

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/data"
	"github.com/oas-atalaya/atalaya/internal/cube"
	"github.com/oas-atalaya/atalaya/internal/geo"
	"github.com/oas-atalaya/atalaya/internal/ingest"
	"github.com/oas-atalaya/atalaya/internal/sqlite"
	"github.com/oas-atalaya/atalaya/internal/web"
)

// demoNode is a node loaded as `atalaya demo` loads Mexico: the 32 states
// with their INEGI boundaries, CONAPO populations, every SESNSP victims row
// (2015 – June 2025) and the years 2015–2024 published; 2025 stays
// preliminary. It is built once for the package's tests (about a minute).
var demoNode struct {
	once sync.Once
	h    http.Handler
	err  error
}

func demoHandler(t *testing.T) http.Handler {
	t.Helper()
	demoNode.once.Do(func() {
		start := time.Now()
		demoNode.h, demoNode.err = loadDemoNode()
		t.Logf("demo node loaded in %v", time.Since(start).Round(time.Millisecond))
	})
	if demoNode.err != nil {
		t.Fatal(demoNode.err)
	}
	return demoNode.h
}

// demoDir keeps the demo node's database for the whole test binary;
// TestMain removes it.
var demoDir = sync.OnceValue(func() string {
	d, err := os.MkdirTemp("", "atalaya-web-demo-")
	if err != nil {
		panic(err)
	}
	return d
})

func TestMain(m *testing.M) {
	code := m.Run()
	if demoNode.h != nil || demoNode.err != nil {
		os.RemoveAll(demoDir())
	}
	os.Exit(code)
}

func loadDemoNode() (http.Handler, error) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(demoDir(), "demo.db"), sqlite.WithClock(now))
	if err != nil {
		return nil, err
	}
	read := func(name string) []byte {
		b, err := fs.ReadFile(data.FS, name)
		if err != nil {
			panic(err)
		}
		return b
	}
	if _, err := ingest.ImportICCS(ctx, s, bytes.NewReader(read("iccs/iccs_v1_codes.csv")), "iccs_v1_codes.csv"); err != nil {
		return nil, err
	}
	if _, err := ingest.ImportCodeLists(ctx, s, bytes.NewReader(read("mappings/codelists.csv")), "codelists.csv"); err != nil {
		return nil, err
	}
	if _, err := ingest.ImportMapping(ctx, s, "mx-sesnsp-victimas", bytes.NewReader(read("mappings/mx-sesnsp-victimas.csv")), "mx-sesnsp-victimas.csv", "shipped with Atalaya"); err != nil {
		return nil, err
	}
	if err := s.PutAreas(ctx, []atalaya.Area{{Code: "MEX", Country: "MEX", Name: "México",
		Names: map[string]string{"en": "Mexico", "es": "México", "pt": "México", "fr": "Mexique"}}}); err != nil {
		return nil, err
	}
	feats, err := geo.ReadFeatureCollection(bytes.NewReader(read("mexico/mexico_states.geojson")), 64<<20)
	if err != nil {
		return nil, err
	}
	if _, err := ingest.ImportAreas(ctx, s, feats, ingest.AreaImport{CodeProperty: "CVE_ENT", NameProperty: "NOMGEO",
		Parent: "MEX", Level: 1, KeepBoundary: true, Source: "INEGI"}); err != nil {
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
		body := read(step.file)
		in := &ingest.Ingester{Store: s, Now: now}
		if _, err := in.Ingest(ctx, p, []ingest.File{{Name: filepath.Base(step.file), R: bytes.NewReader(body), Size: int64(len(body))}}, ingest.Options{Submitter: "test"}); err != nil {
			return nil, err
		}
	}
	var years []string
	for y := 2015; y <= 2024; y++ {
		years = append(years, strconv.Itoa(y))
	}
	snaps, err := cube.Snapshots(ctx, s, "mx-sesnsp", "MEX", years)
	if err != nil {
		return nil, err
	}
	for _, y := range years {
		if _, err := s.AddRelease(ctx, atalaya.Release{Source: "mx-sesnsp", Area: "MEX", Period: y, Status: atalaya.StatusPublished,
			By: "test", Reason: "complete year"}, snaps[y]); err != nil {
			return nil, err
		}
	}
	srv := &web.Server{Store: s, Now: func() time.Time { return now().Add(time.Hour) }, NodeName: "Mexico (test)"}
	h := srv.Handler()
	srv.Warm(ctx)
	return h, nil
}

// publicPages are the public pages the tests load, by name.
var publicPages = []struct{ name, path string }{
	{"home", "/"},
	{"explore", "/explore?indicator=homicide-rate&area=MEX"},
	{"explore-kidnapping-2023", "/explore?indicator=kidnapping-rate&area=MEX&from=2023&to=2023"},
	{"areas", "/areas"},
	{"area-chihuahua-women", "/areas/MEX-08?indicator=homicide-rate&sex=F"},
	{"methods", "/methods"},
	{"method-homicide", "/methods/homicide-rate"},
	{"quality", "/quality"},
	{"embed", "/embed/chart?indicator=femicide-rate&area=MEX-08"},
}

func get(t *testing.T, h http.Handler, path, lang string) *httptest.ResponseRecorder {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	req := httptest.NewRequest("GET", path+sep+"lang="+lang, nil)
	req.RemoteAddr = remote
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestPublicPages renders every public page in every language: 200, HTML,
// no key missing from the catalogue, under the 300 KB budget.
func TestPublicPages(t *testing.T) {
	h := demoHandler(t)
	for _, pg := range publicPages {
		for _, lang := range []string{"es", "en", "pt", "fr"} {
			rec := get(t, h, pg.path, lang)
			body := rec.Body.String()
			if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
				t.Errorf("%s (%s): %d %s %.300s", pg.name, lang, rec.Code, rec.Header().Get("Content-Type"), body)
				continue
			}
			if strings.Contains(body, "⟦") {
				t.Errorf("%s (%s): a message is missing: %s", pg.name, lang, regexp.MustCompile(`⟦[^⟧]*⟧`).FindString(body))
			}
			if !strings.Contains(body, `<html lang="`+lang+`"`) {
				t.Errorf("%s (%s): the page is not in %s", pg.name, lang, lang)
			}
			if len(body) > 300<<10 {
				t.Errorf("%s (%s): %d bytes, over the 300 KB budget", pg.name, lang, len(body))
			}
			if strings.Contains(body, " style=") || strings.Contains(body, "<script>") {
				t.Errorf("%s (%s): an inline style or script, which the CSP refuses", pg.name, lang)
			}
		}
	}
	for _, path := range []string{"/areas/MEX-99", "/methods/no-such-indicator", "/explore?indicator=nope"} {
		if rec := get(t, h, path, "es"); rec.Code != 404 || !strings.Contains(rec.Body.String(), "Página no encontrada") {
			t.Errorf("%s: %d, want a 404 page in Spanish", path, rec.Code)
		}
	}
}

// TestPublicNumbers: numbers on a rendered page follow the language:
// 1.234,5 in Spanish and Portuguese, 1,234.5 in English, 1 234,5 in French.
func TestPublicNumbers(t *testing.T) {
	h := demoHandler(t)
	// The national trend table: the count of 2024 (thousands) and the rate.
	want := map[string][2]*regexp.Regexp{
		"es": {regexp.MustCompile(`<td class="n">\d{1,3}\.\d{3}</td>`), regexp.MustCompile(`<td class="n">\d+,\d</td>`)},
		"pt": {regexp.MustCompile(`<td class="n">\d{1,3}\.\d{3}</td>`), regexp.MustCompile(`<td class="n">\d+,\d</td>`)},
		"en": {regexp.MustCompile(`<td class="n">\d{1,3},\d{3}</td>`), regexp.MustCompile(`<td class="n">\d+\.\d</td>`)},
		"fr": {regexp.MustCompile("<td class=\"n\">\\d{1,3}\u202f\\d{3}</td>"), regexp.MustCompile(`<td class="n">\d+,\d</td>`)},
	}
	for lang, res := range want {
		body := get(t, h, "/explore?indicator=homicide-rate&area=MEX", lang).Body.String()
		for _, re := range res {
			if !re.MatchString(body) {
				t.Errorf("%s: no number like %s on the explorer", lang, re)
			}
		}
	}
	// The same figure in the four languages: Mexico's 2024 count.
	en := get(t, h, "/areas/MEX", "en").Body.String()
	m := regexp.MustCompile(`<td class="n">(\d{1,3}),(\d{3})</td>`).FindStringSubmatch(en)
	if m == nil {
		t.Fatal("no count on the profile of Mexico")
	}
	for lang, sep := range map[string]string{"es": ".", "pt": ".", "fr": "\u202f"} {
		if body := get(t, h, "/areas/MEX", lang).Body.String(); !strings.Contains(body, ">"+m[1]+sep+m[2]+"<") {
			t.Errorf("%s: %s,%s is not written %s%s%s", lang, m[1], m[2], m[1], sep, m[2])
		}
	}
}

// TestPublicAnswers: the pages answer the questions the portal is judged
// on, with the figures of the values API.
func TestPublicAnswers(t *testing.T) {
	h := demoHandler(t)
	// Chihuahua's women's homicide rate against Mexico's, 2015–2024.
	body := get(t, h, "/areas/MEX-08?indicator=homicide-rate&sex=F", "en").Body.String()
	for _, want := range []string{"Intentional homicide rate (Women): Chihuahua and Mexico", "per 100,000 women", `<svg`, ">2015<", ">2024<",
		"Chihuahua: from ", " in 2015 to ", "Mexico: from "} {
		if !strings.Contains(body, want) {
			t.Errorf("the profile of Chihuahua lacks %q", want)
		}
	}
	api := get(t, h, "/api/v1/indicators/homicide-rate/values?area=MEX-08,MEX&by=sex&from=2015&to=2015", "en").Body.String()
	if !strings.Contains(api, `"area": "MEX-08"`) {
		t.Fatalf("values API: %.300s", api)
	}
	// Kidnapping 2023: the ranked table starts with the highest rate.
	body = get(t, h, "/explore?indicator=kidnapping-rate&area=MEX&from=2023&to=2023", "es").Body.String()
	rows := regexp.MustCompile(`<tr><td class="n">(\d+)</td><th scope="row"><a href="/areas/(MEX-\d\d)[^"]*">([^<]+)</a></th><td class="n">([\d,]+)</td>`).FindAllStringSubmatch(body, -1)
	if len(rows) < 20 {
		t.Fatalf("the kidnapping ranking has %d rows", len(rows))
	}
	prev := 1e9
	for i, r := range rows {
		v, _ := strconv.ParseFloat(strings.ReplaceAll(r[4], ",", "."), 64)
		if r[1] != strconv.Itoa(i+1) || v > prev {
			t.Errorf("row %d of the ranking: rank %s, rate %v after %v", i+1, r[1], v, prev)
		}
		prev = v
	}
	t.Logf("kidnapping victims per 100,000, 2023: 1. %s %s, 2. %s %s, 3. %s %s", rows[0][3], rows[0][4], rows[1][3], rows[1][4], rows[2][3], rows[2][4])
	if want := "Más altas en 2023: " + rows[0][3] + " (" + rows[0][4] + ")"; !strings.Contains(body, want) {
		t.Errorf("the explorer does not say %q", want)
	}
}

// TestEmbedFrameAncestors: only the embed page may be framed by others.
func TestEmbedFrameAncestors(t *testing.T) {
	h := demoHandler(t)
	if csp := get(t, h, "/embed/chart?indicator=homicide-rate&area=MEX", "en").Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors *") || strings.Contains(csp, "unsafe") {
		t.Errorf("embed CSP: %q", csp)
	}
	if csp := get(t, h, "/explore", "en").Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("explorer CSP: %q", csp)
	}
}

// TestPublicDownloads: the explorer's download links return the right
// types.
func TestPublicDownloads(t *testing.T) {
	h := demoHandler(t)
	body := get(t, h, "/explore?indicator=femicide-rate&area=MEX&from=2020&to=2024", "en").Body.String()
	want := map[string]string{"CSV": "text/csv", "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"SDMX-CSV": "csv", "SDMX-JSON": "json", "JSON": "application/json"}
	links := regexp.MustCompile(`<a href="(/api/v1/indicators/[^"]+)" download>([A-Z-]+)</a>`).FindAllStringSubmatch(body, -1)
	if len(links) != len(want) {
		t.Fatalf("%d download links, want %d", len(links), len(want))
	}
	for _, l := range links {
		href := strings.ReplaceAll(l[1], "&amp;", "&")
		req := httptest.NewRequest("GET", href, nil)
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		ct := rec.Header().Get("Content-Type")
		b, _ := io.ReadAll(rec.Body)
		if rec.Code != 200 || !strings.Contains(ct, want[l[2]]) || len(b) < 100 {
			t.Errorf("%s %s: %d %q, %d bytes", l[2], href, rec.Code, ct, len(b))
		}
	}
}
