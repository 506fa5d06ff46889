package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/web"
)

// robberyServer is a node with four areas, robberies in 2024 recorded as
// canonical incidents (record ids that must never leave through the public
// API), and populations.
func robberyServer(t *testing.T) (http.Handler, atalaya.Store) {
	t.Helper()
	srv, store := newServer(t)
	ctx := context.Background()
	if err := store.PutAreas(ctx, []atalaya.Area{
		{Code: "MEX-15", Country: "MEX", Parent: "MEX", Level: 1, Name: "México"},
		{Code: "MEX-17", Country: "MEX", Parent: "MEX", Level: 1, Name: "Morelos"},
	}); err != nil {
		t.Fatal(err)
	}
	var pops []atalaya.Population
	for area, n := range map[string]int64{"MEX": 3000000, "MEX-09": 1000000, "MEX-15": 1500000, "MEX-17": 500000} {
		pops = append(pops, atalaya.Population{Area: area, Year: 2024, Sex: "T", AgeBand: "T", Value: n},
			atalaya.Population{Area: area, Year: 2024, Sex: "F", AgeBand: "T", Value: n / 2},
			atalaya.Population{Area: area, Year: 2024, Sex: "M", AgeBand: "T", Value: n - n/2})
	}
	if err := store.PutPopulations(ctx, pops); err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	var csv strings.Builder
	csv.WriteString("record_id,occurred_on,iccs,area,victim_sex\n")
	n := 0
	row := func(area, sex string, count int) {
		for i := 0; i < count; i++ {
			n++
			fmt.Fprintf(&csv, "CASE-SECRET-%04d,2024-%02d-10,0401,%s,%s\n", n, 1+n%12, area, sex)
		}
	}
	row("MEX-09", "F", 2)
	row("MEX-15", "M", 40)
	row("MEX-15", "F", 10)
	row("MEX-17", "M", 7)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("profile", "canonical-incidents")
	fw, _ := mw.CreateFormFile("file", "incidents.csv")
	io.WriteString(fw, csv.String())
	mw.Close()
	if rec := do(t, h, "POST", "/api/v1/ingest", local, &body, mw.FormDataContentType()); rec.Code != http.StatusCreated {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	return h, store
}

func publish(t *testing.T, h http.Handler, year string) {
	t.Helper()
	rec := do(t, h, "POST", "/api/v1/releases", local,
		strings.NewReader(`{"source":"canonical","area":"MEX","period":"`+year+`","status":"published","reason":"test release"}`), "application/json")
	if rec.Code != http.StatusCreated {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body)
	}
}

type valuesBody struct {
	View   string
	Values []atalaya.Value
}

func getValues(t *testing.T, h http.Handler, path, from string, want int) valuesBody {
	t.Helper()
	rec := do(t, h, "GET", path, from, nil, "")
	if rec.Code != want {
		t.Fatalf("GET %s: %d %s, want %d", path, rec.Code, rec.Body, want)
	}
	var b valuesBody
	if want == http.StatusOK {
		if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func byArea(vals []atalaya.Value) map[string]atalaya.Value {
	m := map[string]atalaya.Value{}
	for _, v := range vals {
		m[v.Area+"/"+v.Sex] = v
	}
	return m
}

func TestPublicValuesArePublishedAndProtected(t *testing.T) {
	h, _ := robberyServer(t)
	const path = "/api/v1/indicators/robbery-rate/values?area=MEX&children=1&from=2024&to=2024"

	// Nothing is public before a release.
	b := getValues(t, h, path, remote, http.StatusOK)
	for _, v := range b.Values {
		if v.Count != nil {
			t.Fatalf("unpublished figure is public: %+v", v)
		}
	}
	// The live view is restricted; from the node's machine it shows the
	// current, provisional figures with nothing suppressed.
	getValues(t, h, path+"&view=live", remote, http.StatusForbidden)
	live := byArea(getValues(t, h, path+"&view=live", local, http.StatusOK).Values)
	if v := live["MEX-09/"]; v.Count == nil || *v.Count != 2 || !v.HasFlag(atalaya.FlagProvisional) {
		t.Fatalf("live MEX-09: %+v", v)
	}

	publish(t, h, "2024")
	pub := byArea(getValues(t, h, path, remote, http.StatusOK).Values)
	if v := pub["MEX/"]; v.Count == nil || *v.Count != 59 || v.Status != atalaya.StatusPublished || v.Rate == nil {
		t.Fatalf("national: %+v", v)
	}
	if v := pub["MEX-15/"]; v.Count == nil || *v.Count != 50 {
		t.Fatalf("MEX-15: %+v", v)
	}
	// 2 robberies in MEX-09 are under the state threshold (3); MEX-17's 7
	// are hidden too, or 59 − 50 − 7 would give MEX-09 away.
	for _, a := range []string{"MEX-09/", "MEX-17/"} {
		if v := pub[a]; v.Count != nil || v.Rate != nil || v.CILow != nil || !v.HasFlag(atalaya.FlagSuppressed) {
			t.Fatalf("%s must be suppressed: %+v", a, v)
		}
	}
	// as_of before the release: nothing.
	old := byArea(getValues(t, h, path+"&as_of=2020-01-01", remote, http.StatusOK).Values)
	if v := old["MEX/"]; v.Count != nil || v.NotAvailable == "" {
		t.Fatalf("as of 2020: %+v", v)
	}
}

func TestValuesETagAndCache(t *testing.T) {
	h, _ := robberyServer(t)
	publish(t, h, "2024")
	const path = "/api/v1/indicators/robbery-rate/values?area=MEX&from=2024&to=2024"
	rec := do(t, h, "GET", path, remote, nil, "")
	etag := rec.Header().Get("ETag")
	if rec.Code != 200 || etag == "" || !strings.Contains(rec.Header().Get("Cache-Control"), "public") {
		t.Fatalf("first GET: %d etag %q cache %q", rec.Code, etag, rec.Header().Get("Cache-Control"))
	}
	req := newRequest("GET", path, remote)
	req.Header.Set("If-None-Match", etag)
	rec2 := serve(h, req)
	if rec2.Code != http.StatusNotModified || rec2.Body.Len() != 0 {
		t.Fatalf("conditional GET: %d", rec2.Code)
	}
	// A new release changes the data version, hence the ETag.
	publish(t, h, "2024")
	req = newRequest("GET", path, remote)
	req.Header.Set("If-None-Match", etag)
	if rec3 := serve(h, req); rec3.Code != http.StatusOK || rec3.Header().Get("ETag") == etag {
		t.Fatalf("after a new release: %d, etag %q", rec3.Code, rec3.Header().Get("ETag"))
	}
	// The live view is private.
	if rec := do(t, h, "GET", path+"&view=live", local, nil, ""); !strings.Contains(rec.Header().Get("Cache-Control"), "private") {
		t.Fatalf("live view cache-control %q", rec.Header().Get("Cache-Control"))
	}
}

func TestValuesDownloads(t *testing.T) {
	h, _ := robberyServer(t)
	publish(t, h, "2024")
	for format, ctype := range map[string]string{"csv": "text/csv", "xlsx": "spreadsheetml", "sdmx-csv": "sdmx.data+csv", "sdmx-json": "sdmx.data+json"} {
		rec := do(t, h, "GET", "/api/v1/indicators/robbery-rate/values?area=MEX&children=1&from=2024&to=2024&format="+format, remote, nil, "")
		if rec.Code != 200 || !strings.Contains(rec.Header().Get("Content-Type"), ctype) ||
			!strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment; filename=\"robbery-rate_MEX") {
			t.Fatalf("%s: %d %q %q", format, rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Content-Disposition"))
		}
		if format != "xlsx" && !strings.Contains(rec.Body.String(), "59") {
			t.Fatalf("%s download lacks the national count:\n%s", format, rec.Body)
		}
		if format == "csv" && strings.Contains(rec.Body.String(), ",2,") {
			t.Fatalf("the CSV download shows a suppressed count:\n%s", rec.Body)
		}
	}
}

func TestValuesErrors(t *testing.T) {
	h, _ := robberyServer(t)
	for path, want := range map[string]int{
		"/api/v1/indicators/nope/values?area=MEX":                                 404,
		"/api/v1/indicators/nope":                                                 404,
		"/api/v1/indicators/robbery-rate/values":                                  400,
		"/api/v1/indicators/robbery-rate/values?area=XYZ":                         404,
		"/api/v1/indicators/robbery-rate/values?area=MEX&from=2024-13&to=2024-14": 400,
		"/api/v1/indicators/robbery-rate/values?area=MEX&from=2024&to=2024-03":    400,
		"/api/v1/indicators/robbery-rate/values?area=MEX&by=colour":               400,
		"/api/v1/indicators/robbery-rate/values?area=MEX&colour=red":              400,
		"/api/v1/indicators/robbery-rate/values?area=MEX&format=pdf":              400,
		"/api/v1/indicators/robbery-rate/values?area=MEX&as_of=yesterday":         400,
		"/api/v1/indicators/robbery-rate/values?area=MEX&total=mean":              400,
		"/api/v1/indicators/robbery-rate/values?area=MEX&view=everything":         400,
	} {
		rec := do(t, h, "GET", path, remote, nil, "")
		var body struct {
			Error struct{ Code, Message string }
		}
		json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != want || body.Error.Message == "" || body.Error.Code == "" {
			t.Errorf("GET %s: %d %s; want %d with a code and a message", path, rec.Code, rec.Body, want)
		}
	}
	// Publishing is an approver's action.
	rec := do(t, h, "POST", "/api/v1/releases", remote, strings.NewReader(`{"source":"canonical","area":"MEX","period":"2024","status":"published","reason":"x"}`), "application/json")
	if rec.Code != http.StatusForbidden {
		t.Fatalf("remote publish: %d", rec.Code)
	}
	for body, want := range map[string]int{
		`{"source":"canonical","area":"MEX","period":"2024","status":"preliminary","reason":"x"}`:  400,
		`{"source":"canonical","area":"MEX","period":"2024-01","status":"published","reason":"x"}`: 400,
		`{"source":"canonical","area":"MEX","period":"2024","status":"published","reason":""}`:     400,
		`{"source":"nope","area":"MEX","period":"2024","status":"published","reason":"x"}`:         404,
		`{"source":"canonical","area":"MEX","period":"2024","status":"published","why":"x"}`:       400,
	} {
		if rec := do(t, h, "POST", "/api/v1/releases", local, strings.NewReader(body), "application/json"); rec.Code != want {
			t.Errorf("POST %s: %d %s, want %d", body, rec.Code, rec.Body, want)
		}
	}
}

// TestNoRecordLevelDataInPublicRoutes calls every public GET route and
// checks that no record id leaves the node.
func TestNoRecordLevelDataInPublicRoutes(t *testing.T) {
	h, _ := robberyServer(t)
	publish(t, h, "2024")
	srv := &web.Server{}
	paths := map[string]string{
		"GET /api/v1/indicators/{id}/values": "/api/v1/indicators/robbery-rate/values?area=MEX&children=1&by=sex&from=2024-01&to=2024-12",
		"GET /api/v1/areas/{code}":           "/api/v1/areas/MEX-09",
		"GET /api/v1/indicators/{id}":        "/api/v1/indicators/robbery-rate",
		"GET /api/v1/codelists/{id}/mapping": "/api/v1/codelists/iccs/mapping",
	}
	n := 0
	for pattern, action := range srv.Routes() {
		method, p, _ := strings.Cut(pattern, " ")
		if action != web.ActionReadPublic || method != "GET" {
			continue
		}
		if q, ok := paths[pattern]; ok {
			p = q
		}
		p = strings.TrimSuffix(p, "{$}")
		for _, format := range []string{"", "&format=csv", "&format=sdmx-json"} {
			if format != "" && !strings.Contains(p, "/values") {
				continue
			}
			rec := do(t, h, "GET", p+format, remote, nil, "")
			n++
			if strings.Contains(rec.Body.String(), "CASE-SECRET") || strings.Contains(rec.Body.String(), "incidents.csv") {
				t.Errorf("GET %s%s leaks record-level data", p, format)
			}
		}
	}
	if n < 10 {
		t.Fatalf("only %d routes called", n)
	}
}

func newRequest(method, path, from string) *http.Request {
	req, _ := http.NewRequest(method, path, nil)
	req.RemoteAddr = from
	return req
}

func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
