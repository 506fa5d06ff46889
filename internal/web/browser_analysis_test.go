package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestAnalysisPagesInChromium loads the analysis pages in headless
// Chromium on the published Mexico node (with the LAPD sample; the
// browser is on the node's own machine, so the point analyses open):
// no console error, CSP violation or failed load, under 300 KB, a
// screenshot of each, and axe-core without serious or critical
// violations, in Spanish and English.
func TestAnalysisPagesInChromium(t *testing.T) {
	ctx := newBrowser(t)
	_, h := publishedMexico(t)
	post := func(path, form string) string {
		r := httptest.NewRequest("POST", path, strings.NewReader(form))
		r.RemoteAddr = local
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("POST %s: %d %.300s", path, rec.Code, rec.Body)
		}
		return rec.Header().Get("Location")
	}
	post("/analysis/programmes", "id=browser-2019&name=Chihuahua+2019&objective=Fewer+homicides&owner=SSP&areas=MEX-08&start=2019-01-01&indicator=homicide-rate")
	its := post("/analysis/programmes/browser-2019/evaluations", "method=its&indicator=homicide-rate")
	synth := post("/analysis/programmes/browser-2019/evaluations", "method=synth&indicator=homicide-rate")
	ts := httptest.NewServer(h)
	defer ts.Close()
	pages := []struct{ name, path string }{
		{"analysis", "/analysis"},
		{"analysis-hotspots", "/analysis/hotspots?indicator=homicide-rate&area=MEX&period=2023"},
		{"analysis-compstat", "/analysis/compstat?indicator=homicide-rate&area=MEX"},
		{"analysis-points", "/analysis/points?source=us-lapd"},
		{"analysis-programme", "/analysis/programmes/browser-2019"},
		{"analysis-its", its},
		{"analysis-synth", synth},
	}
	for _, pg := range pages {
		for _, lang := range []string{"es", "en"} {
			ld := visit(t, ctx, ts.URL+withLang(pg.path, lang))
			for _, e := range ld.Errors {
				t.Errorf("%s (%s): %s", pg.name, lang, e)
			}
			if ld.Bytes > 300<<10 {
				t.Errorf("%s (%s): %d bytes transferred, over the 300 KB budget", pg.name, lang, ld.Bytes)
			}
			t.Logf("%-20s %s: %6.1f KB transferred, loaded in %v", pg.name, lang, float64(ld.Bytes)/1024, ld.Elapsed.Round(time.Millisecond))
			shot(t, ctx, "", pg.name+"."+lang+".png")
			axe(t, ctx)
		}
	}
}
