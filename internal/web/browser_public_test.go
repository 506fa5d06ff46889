package web_test

import (
	"context"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The public pages in headless Chromium, on the demo node (public_pages_test.go).

// TestPublicPagesInChromium loads every public page in every language:
// no console error, CSP violation or failed load; under 300 KB transferred
// (the load time is logged, not asserted: the machine is shared); a
// screenshot of each; axe-core without serious or critical violations
// (Spanish and English, the pages' structure does not change with the
// language).
func TestPublicPagesInChromium(t *testing.T) {
	ctx := newBrowser(t)
	ts := httptest.NewServer(demoHandler(t))
	defer ts.Close()
	for _, pg := range publicPages {
		for _, lang := range []string{"es", "en", "pt", "fr"} {
			url := ts.URL + withLang(pg.path, lang)
			ld := visit(t, ctx, url)
			for _, e := range ld.Errors {
				t.Errorf("%s (%s): %s", pg.name, lang, e)
			}
			if ld.Bytes > 300<<10 {
				t.Errorf("%s (%s): %d bytes transferred, over the 300 KB budget", pg.name, lang, ld.Bytes)
			}
			t.Logf("%-24s %s: %6.1f KB transferred, loaded in %v", pg.name, lang, float64(ld.Bytes)/1024, ld.Elapsed.Round(time.Millisecond))
			shot(t, ctx, "", pg.name+"."+lang+".png")
			if lang == "es" || lang == "en" {
				axe(t, ctx)
			}
		}
	}
}

func withLang(path, lang string) string {
	if strings.Contains(path, "?") {
		return path + "&lang=" + lang
	}
	return path + "?lang=" + lang
}

// TestExplorerInChromium picks another indicator, year and sex in the
// explorer's form, as a reader would, and checks that the map, the ranking,
// the trend and the tables follow; then the download links, fetched by the
// page, return their file types.
func TestExplorerInChromium(t *testing.T) {
	ctx := newBrowser(t)
	ts := httptest.NewServer(demoHandler(t))
	defer ts.Close()
	if ld := visit(t, ctx, ts.URL+"/explore?lang=en"); len(ld.Errors) > 0 {
		t.Fatalf("the explorer: %v", ld.Errors)
	}
	before := explorerState(t, ctx)
	if !strings.Contains(before.h1, "Intentional homicide rate") || before.mapSVG == "" || before.trendSVG == "" {
		t.Fatalf("the explorer's first view: %+v", before.h1)
	}
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := chromedp.Do(tctx,
		chromedp.SetValue(chromedp.CSS("#f-indicator"), "kidnapping-rate"),
		chromedp.SetValue(chromedp.CSS("#f-from"), "2023"),
		chromedp.SetValue(chromedp.CSS("#f-to"), "2023"),
		chromedp.SetValue(chromedp.CSS("#f-sex"), "F"),
		chromedp.Click(chromedp.CSS(`form.select button[type="submit"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, "kidnapping-rate")
	after := explorerState(t, ctx)
	loc, _ := chromedp.Run(tctx, chromedp.Location())
	for _, want := range []string{"indicator=kidnapping-rate", "from=2023", "to=2023", "sex=F"} {
		if !strings.Contains(loc, want) {
			t.Errorf("after the form: %s lacks %s", loc, want)
		}
	}
	if !strings.Contains(after.h1, "Kidnapping") || after.mapSVG == before.mapSVG || after.trendSVG == before.trendSVG || after.rankCaption == before.rankCaption {
		t.Errorf("the selection did not change the page: %q → %q", before.rankCaption, after.rankCaption)
	}
	if !strings.Contains(after.rankCaption, "2023") || !strings.Contains(after.rankCaption, "Women") {
		t.Errorf("the ranking's caption: %q", after.rankCaption)
	}
	if errs := consoleErrors(ctx); len(errs) > 0 {
		t.Errorf("errors after the form: %v", errs)
	}
	shot(t, ctx, "", "explore-form-kidnapping-women-2023.en.png")
	types, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`Promise.all([...document.querySelectorAll("a[download]")].map(a =>
		fetch(a.href).then(r => a.textContent + " " + r.status + " " + r.headers.get("content-type"))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"CSV": "text/csv", "XLSX": "spreadsheetml", "SDMX-CSV": "csv", "SDMX-JSON": "json", "JSON": "application/json"}
	if len(types) != len(want) {
		t.Errorf("download links: %v", types)
	}
	for _, s := range types {
		f := strings.Fields(s)
		if len(f) < 3 || f[1] != "200" || !strings.Contains(f[2], want[f[0]]) {
			t.Errorf("download %s", s)
		}
	}
}

// waitPage waits until the tab shows a page whose URL contains part and
// that has finished loading (after a click that navigates).
func waitPage(t *testing.T, ctx context.Context, part string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`location.href.includes(`+strconv.Quote(part)+`) && document.readyState === "complete"`))
		if err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	t.Fatalf("no page with %q loaded (at %s)", part, loc)
}

type explorerView struct{ h1, mapSVG, trendSVG, rankCaption string }

func explorerState(t *testing.T, ctx context.Context) explorerView {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const q = s => document.querySelector(s);
		return [q("h1").textContent, (q("figure.map svg") || {}).outerHTML || "", (q("#h-trend ~ svg") || {}).outerHTML || "",
			(q("#h-rank ~ table caption") || {}).textContent || ""]; })()`))
	if err != nil || len(v) != 4 {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		html, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.documentElement.outerHTML.slice(0, 300)"))
		t.Fatalf("read the explorer at %s: %v\n%s", loc, err, html)
	}
	return explorerView{v[0], v[1], v[2], v[3]}
}

// visibleText is the text a reader sees, without the language switch, the
// form's lists (the table gives the same names), the code to copy, and the
// parts that are data rather than the portal's words: marked as in another
// language (lang="en" credits, notes only in English), names of agencies
// (.name), national codes and their labels (td.code) and the catalogue's
// comparability notes (.catalogue). It removes them from the page.
const visibleText = `(() => {
	document.querySelectorAll("[lang]:not(html), nav.langs, select, textarea, input, .name, td.code, .catalogue, svg title, svg desc").forEach(e => e.remove());
	return document.body.innerText; })()`

// allowedShared are words that may be the same on the Spanish and English
// pages: names, acronyms, codes and the words both languages write alike.
var allowedShared = map[string]bool{
	"atalaya": true, "api": true, "csv": true, "xlsx": true, "sdmx-csv": true, "sdmx-json": true, "json": true, "sdmx": true,
	"iccs": true, "sesnsp": true, "conapo": true, "inegi": true, "unodc": true, "total": true, "jenks": true, "demo": true,
	"test": true, "mexico": true, "méxico": true, "ods": true, "sdg": true, "v1": true, "mx-sesnsp-victimas": true, "mx-sesnsp": true,
	"t": true, "f": true, "m": true, "u": true, "ci": true, "a": true, "de": true, "la": true, "no": true, "general": true,
	"final": true, "federal": true, "normal": true, "local": true, "fiscal": true, "software": true, "legal": true,
	"compare": true, "control": true, "web": true, "provisional": true, "alcohol": true, "sexual": true, "poisson": true, "feminicidio": true, "femicidio": true,
}

var wordRE = regexp.MustCompile(`[\p{L}][\p{L}\-']*`)

// TestLanguageSwitchInChromium follows the language switch from Spanish to
// English, and checks on every public page that the Spanish page has no
// English left: the words both pages share must be names (areas, sources,
// national codes), acronyms or numbers.
func TestLanguageSwitchInChromium(t *testing.T) {
	ctx := newBrowser(t)
	ts := httptest.NewServer(demoHandler(t))
	defer ts.Close()
	visit(t, ctx, ts.URL+"/explore?lang=es")
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Click(chromedp.CSS(`nav.langs a[hreflang="en"]`))); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, "lang=en")
	lang, _ := chromedp.Run(tctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	h1, _ := chromedp.Run(tctx, chromedp.Evaluate[string](`document.querySelector("h1").textContent`))
	if lang != "en" || !strings.Contains(h1, "Intentional homicide rate") {
		t.Errorf("after the switch: lang %q, h1 %q", lang, h1)
	}
	// Names are the same in both languages: the areas of the pages.
	names := map[string]bool{}
	for _, pg := range publicPages {
		var words [2]map[string]bool
		for i, lang := range []string{"es", "en"} {
			visit(t, ctx, ts.URL+withLang(pg.path, lang))
			text, err := chromedp.Run(tctx, chromedp.Evaluate[string](visibleText))
			if err != nil {
				t.Fatal(err)
			}
			areaNames, _ := chromedp.Run(tctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("a[href^='/areas/'], #f-area option")].map(e => e.textContent)`))
			if i == 0 {
				for _, n := range areaNames {
					if isProperName(n) {
						for _, w := range wordRE.FindAllString(n, -1) {
							names[strings.ToLower(w)] = true
						}
					}
				}
			}
			words[i] = map[string]bool{}
			for _, w := range wordRE.FindAllString(text, -1) {
				words[i][strings.ToLower(w)] = true
			}
		}
		var left []string
		for w := range words[0] {
			if words[1][w] && !allowedShared[w] && !names[w] && len([]rune(w)) > 1 {
				left = append(left, w)
			}
		}
		sort.Strings(left)
		if len(left) > 0 {
			t.Errorf("%s: words of the English page also on the Spanish one: %v", pg.name, left)
		}
	}
}

// isProperName reports whether a cell's text is a name rather than a
// sentence: short, capitalised, no digits.
func isProperName(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 40 || strings.ContainsAny(s, "0123456789:") {
		return false
	}
	r := []rune(s)
	return r[0] >= 'A' && r[0] <= 'Z' || strings.ContainsRune("ÁÉÍÓÚÑ", r[0])
}
