package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/analysis/analysistest"
	"github.com/oas-atalaya/atalaya/internal/web"
)

var (
	mexicoOnce sync.Once
	mexicoSrv  *web.Server
	mexicoH    http.Handler
	mexicoErr  error
)

// publishedMexico is a node with all of Mexico's states (with their
// boundaries), 2015–2024 published, behind LoopbackOnly; built once.
func publishedMexico(t *testing.T) (*web.Server, http.Handler) {
	t.Helper()
	mexicoOnce.Do(func() {
		s, err := analysistest.Mexico(context.Background(), t.TempDir(), now)
		if err != nil {
			mexicoErr = err
			return
		}
		if err := analysistest.LAPD(context.Background(), s, now); err != nil {
			mexicoErr = err
			return
		}
		mexicoSrv = &web.Server{Store: s, Now: now, NodeName: "México (test)"}
		mexicoH = mexicoSrv.Handler()
		for y := 2015; y <= 2024; y++ {
			rec := do(t, mexicoH, "POST", "/api/v1/releases", local, strings.NewReader(`{"source":"mx-sesnsp","area":"MEX","period":"`+strconv.Itoa(y)+`","status":"published","reason":"test"}`), "application/json")
			if rec.Code != http.StatusCreated {
				mexicoErr = atalaya.Errorf(atalaya.EINTERNAL, "publish %d: %d %s", y, rec.Code, rec.Body)
				return
			}
		}
	})
	if mexicoErr != nil {
		t.Fatal(mexicoErr)
	}
	return mexicoSrv, mexicoH
}

// analysisLiveCalls checks the analysis API against openapi.json on the
// published Mexico node.
func analysisLiveCalls(t *testing.T, a *apiChecker) {
	t.Helper()
	_, h := publishedMexico(t)
	saved := a.h
	a.h = h
	defer func() { a.h = saved }()
	js := func(v any) []byte { b, _ := json.Marshal(v); return b }
	a.check(apiCall{method: "GET", path: "/api/v1/analysis/hotspots?indicator=homicide-rate&area=MEX&period=2023", status: 200})
	a.check(apiCall{method: "GET", path: "/api/v1/analysis/hotspots?area=MEX&period=2023&fdr=2", status: 400, badRequest: false})
	a.check(apiCall{method: "GET", path: "/api/v1/analysis/hotspots?area=ZZZ", status: 404})
	a.check(apiCall{method: "GET", path: "/api/v1/analysis/compstat?indicator=homicide-rate&area=MEX", status: 200})
	a.check(apiCall{method: "GET", path: "/api/v1/analysis/compstat?area=MEX&as_of=2024-13", status: 400})
	a.check(apiCall{method: "GET", path: "/api/v1/analysis/compstat?area=ZZZ", status: 404})
	a.check(apiCall{method: "GET", path: "/api/v1/programmes", status: 200})
	prog := map[string]any{"id": "chih-live", "name": "Chihuahua seguro", "objective": "Fewer homicides", "owner": "SSP Chihuahua",
		"areas": []string{"MEX-08"}, "start": "2019-01-01", "indicators": []string{"homicide-rate"}}
	a.check(apiCall{method: "POST", path: "/api/v1/programmes", from: local, body: js(prog), ctype: "application/json", status: 201})
	a.check(apiCall{method: "POST", path: "/api/v1/programmes", from: local, body: js(prog), ctype: "application/json", status: 409})
	a.check(apiCall{method: "POST", path: "/api/v1/programmes", from: remote, body: js(prog), ctype: "application/json", status: 403})
	bad := map[string]any{"id": "x y", "name": "n", "objective": "o", "owner": "w", "areas": []string{"MEX-08"}, "start": "2019-01-01", "indicators": []string{"homicide-rate"}}
	a.check(apiCall{method: "POST", path: "/api/v1/programmes", from: local, body: js(bad), ctype: "application/json", status: 400})
	a.check(apiCall{method: "GET", path: "/api/v1/programmes/chih-live", status: 200})
	a.check(apiCall{method: "GET", path: "/api/v1/programmes/none", status: 404})
	rec := a.check(apiCall{method: "POST", path: "/api/v1/programmes/chih-live/evaluations", from: local, body: js(map[string]any{"method": "its", "reason": "test"}), ctype: "application/json", status: 201})
	var e struct{ ID int64 }
	json.Unmarshal(rec.Body.Bytes(), &e)
	a.check(apiCall{method: "POST", path: "/api/v1/programmes/chih-live/evaluations", from: local, body: js(map[string]any{"method": "guess"}), ctype: "application/json", status: 400, badRequest: true})
	a.check(apiCall{method: "POST", path: "/api/v1/programmes/none/evaluations", from: local, body: js(map[string]any{"method": "its"}), ctype: "application/json", status: 404})
	a.check(apiCall{method: "POST", path: "/api/v1/programmes/chih-live/evaluations", from: remote, body: js(map[string]any{"method": "its"}), ctype: "application/json", status: 403})
	a.check(apiCall{method: "GET", path: "/api/v1/evaluations/" + strconv.FormatInt(e.ID, 10), status: 200})
	a.check(apiCall{method: "GET", path: "/api/v1/evaluations/99999", status: 404})
}

// TestAnalysisPages: from the published demo figures to a hot-spot map
// and an evaluation report in the portal, in English and Spanish.
func TestAnalysisPages(t *testing.T) {
	_, h := publishedMexico(t)
	get := func(path, lang string) string {
		t.Helper()
		r := httptest.NewRequest("GET", path, nil)
		r.RemoteAddr = remote
		r.Header.Set("Accept-Language", lang)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != 200 {
			t.Fatalf("GET %s: %d %.500s", path, rec.Code, rec.Body)
		}
		body := rec.Body.String()
		if strings.Contains(body, "⟦") || strings.Contains(body, "%!") {
			t.Errorf("GET %s (%s): a missing message or a bad format: %.300s", path, lang, body[strings.IndexAny(body, "⟦%")-100:])
		}
		return body
	}
	en := get("/analysis/hotspots?indicator=homicide-rate&area=MEX&period=2023", "en")
	for _, want := range []string{`<svg`, "Gi* z-score", "Chihuahua", "Global Moran"} {
		if !strings.Contains(en, want) {
			t.Errorf("the hot-spot page lacks %q", want)
		}
	}
	if n := strings.Count(en, "<path"); n < 32 {
		t.Errorf("the map has %d paths, want the 32 states", n)
	}
	es := get("/analysis/hotspots?indicator=homicide-rate&area=MEX&period=2023", "es")
	if !strings.Contains(es, `lang="es"`) || strings.Contains(es, "Hot spots of") {
		t.Errorf("the Spanish page is not in Spanish")
	}
	// Register a programme and evaluate it with each method (loopback may).
	post := func(path, form string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", path, strings.NewReader(form))
		r.RemoteAddr = local
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	rec := post("/analysis/programmes", "id=norte-2019&name=Frontera+Norte&objective=Fewer+homicides&owner=SSP&areas=MEX-08&start=2019-01-01&indicator=homicide-rate")
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/analysis/programmes/norte-2019" {
		t.Fatalf("register: %d %s %.300s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	if rec := post("/analysis/programmes", "id=bad+id&name=x"); rec.Code != 400 || !strings.Contains(rec.Body.String(), `role="alert"`) {
		t.Errorf("a bad form: %d", rec.Code)
	}
	for _, m := range []string{"its", "synth", "did"} {
		rec := post("/analysis/programmes/norte-2019/evaluations", "method="+m+"&indicator=homicide-rate&reason=test")
		if m == "did" {
			// One programme in one state against the never-treated others.
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("did: %d %.400s", rec.Code, rec.Body)
			}
		} else if rec.Code != http.StatusSeeOther {
			t.Fatalf("%s: %d %.400s", m, rec.Code, rec.Body)
		}
		loc := rec.Header().Get("Location")
		for _, lang := range []string{"en", "es", "pt", "fr"} {
			page := get(loc, lang)
			for _, want := range []string{`<svg`, `class="lead reading"`, "<table"} {
				if !strings.Contains(page, want) {
					t.Errorf("%s report (%s) lacks %q", m, lang, want)
				}
			}
		}
	}
	prog := get("/analysis/programmes/norte-2019", "en")
	if strings.Count(prog, "/analysis/evaluations/") != 3 {
		t.Errorf("the programme page lists %d evaluations, want 3", strings.Count(prog, "/analysis/evaluations/"))
	}
	idx := get("/analysis", "fr")
	if !strings.Contains(idx, "Frontera Norte") {
		t.Errorf("the analysis page does not list the programme")
	}
}

// TestPointsPage: kernel density and near repeats of the LAPD sample,
// for the node's own machine (LoopbackOnly) and not for the public.
func TestPointsPage(t *testing.T) {
	_, h := publishedMexico(t)
	get := func(path, from string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		r.RemoteAddr = from
		r.Header.Set("Accept-Language", "es")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	rec := get("/analysis/points?source=us-lapd", local)
	page := rec.Body.String()
	if rec.Code != 200 {
		t.Fatalf("points page: %d %.500s", rec.Code, page)
	}
	for _, want := range []string{`<img src="/analysis/points/density.png?source=us-lapd"`, "Knox", "≤ d &lt;", "Clark"} {
		if !strings.Contains(page, want) {
			t.Errorf("the points page lacks %q", want)
		}
	}
	if strings.Contains(page, "⟦") || strings.Contains(page, "%!") {
		t.Errorf("a missing message or a bad format on the points page")
	}
	img := get("/analysis/points/density.png?source=us-lapd", local)
	if img.Code != 200 || img.Header().Get("Content-Type") != "image/png" {
		t.Fatalf("density.png: %d %s", img.Code, img.Header().Get("Content-Type"))
	}
	if _, err := png.Decode(bytes.NewReader(img.Body.Bytes())); err != nil {
		t.Errorf("density.png does not decode: %v", err)
	}
	if rec := get("/analysis/points?source=us-lapd", remote); rec.Code != http.StatusForbidden {
		t.Errorf("the public reads the point analyses: %d", rec.Code)
	}
	if rec := get("/analysis/points?source=us-lapd&space=0,x", local); rec.Code != 200 || !strings.Contains(rec.Body.String(), `role="alert"`) {
		t.Errorf("bad bands: %d", rec.Code)
	}
	cs := get("/analysis/compstat?indicator=homicide-rate&area=MEX", remote)
	if cs.Code != 200 || !strings.Contains(cs.Body.String(), "Chihuahua") || !strings.Contains(cs.Body.String(), "p = ") {
		t.Errorf("compstat page: %d", cs.Code)
	}
}
