package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/audit"
	"github.com/oas-atalaya/atalaya/internal/web"
)

// The OpenAPI document (openapi.json, embedded and served at
// /api/v1/openapi.json) is checked three ways: it is a valid OpenAPI 3.0
// document; it documents exactly the routes of the route table, each with
// the action the table gives it; and the live API, on real data, answers
// every documented route as the document says (status, headers, body),
// with the document's schemas closed so that an undocumented field fails.

// undocumentedRoutes are the routes of the portal (HTML), not of the API;
// info.description names the sign-in routes.
var undocumentedRoutes = map[string]bool{"GET /{$}": true, "GET /static/": true,
	"GET /signin": true, "POST /signin": true, "POST /signout": true, "GET /audit": true}

// loadOpenAPI parses and validates openapi.json.
func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatalf("openapi.json does not load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI 3 document: %v", err)
	}
	return doc
}

// TestOpenAPIDocumentIsValid checks the document against the OpenAPI 3.0
// specification and the conventions of this API: every operation has an
// id, names its action, answers errors with the Error schema, and
// restricted operations document 403.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc := loadOpenAPI(t)
	if doc.OpenAPI != "3.0.3" || doc.Info.Title != "Atalaya node API" || doc.Info.Version != "1" {
		t.Errorf("openapi %q, title %q, version %q", doc.OpenAPI, doc.Info.Title, doc.Info.Version)
	}
	for _, w := range []string{"LoopbackOnly", "public", "restricted", "/api/v1"} {
		if !strings.Contains(doc.Info.Description, w) {
			t.Errorf("info.description does not mention %s", w)
		}
	}
	ids := map[string]string{}
	for path, item := range doc.Paths.Map() {
		if !strings.HasPrefix(path, "/api/v1/") {
			t.Errorf("path %s is not under /api/v1/", path)
		}
		for method, op := range item.Operations() {
			name := method + " " + path
			if op.OperationID == "" {
				t.Errorf("%s has no operationId", name)
			} else if other, dup := ids[op.OperationID]; dup {
				t.Errorf("%s and %s share operationId %s", name, other, op.OperationID)
			}
			ids[op.OperationID] = name
			action, _ := op.Extensions["x-atalaya-action"].(string)
			if action == "" {
				t.Errorf("%s has no x-atalaya-action", name)
			}
			if action != string(web.ActionReadPublic) {
				if op.Responses.Status(http.StatusForbidden) == nil {
					t.Errorf("%s is restricted (%s) but documents no 403", name, action)
				}
				if !strings.Contains(op.Description, "Restricted") || !strings.Contains(op.Description, action) {
					t.Errorf("%s: the description does not say it is restricted to %s", name, action)
				}
			}
			for code, r := range op.Responses.Map() {
				if code >= "400" && !(path == "/api/v1/health" && code == "503") { // health answers 503 with its own shape
					mt := r.Value.Content.Get("application/json")
					if mt == nil || mt.Schema == nil || mt.Schema.Ref != "#/components/schemas/Error" {
						t.Errorf("%s: response %s is not an Error", name, code)
					}
				}
			}
		}
	}
}

// TestOpenAPICoversEveryRoute: every route of the router is documented
// with its method and the action the route table gives it, and every
// documented operation is a route. A new route without documentation
// fails here.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	doc := loadOpenAPI(t)
	srv := &web.Server{}
	routes := srv.Routes()
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			pattern := method + " " + path
			documented[pattern] = true
			action, ok := routes[pattern]
			if !ok {
				t.Errorf("the document has %s, which is not a route", pattern)
				continue
			}
			if got, _ := op.Extensions["x-atalaya-action"].(string); got != string(action) {
				t.Errorf("%s: x-atalaya-action %q, the route table says %q", pattern, got, action)
			}
		}
	}
	for pattern := range routes {
		// The portal's pages (HTML) are not the API's.
		page := !strings.Contains(pattern, " /api/")
		if !page && !undocumentedRoutes[pattern] && !documented[pattern] {
			t.Errorf("route %s is not in openapi.json", pattern)
		}
	}
}

// TestOpenAPIServed: /api/v1/openapi.json serves the document byte for
// byte, cacheable, and answers 304 to its ETag.
func TestOpenAPIServed(t *testing.T) {
	srv, _ := newServer(t)
	h := srv.Handler()
	want, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	rec := do(t, h, "GET", "/api/v1/openapi.json", remote, nil, "")
	if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), want) || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/v1/openapi.json: %d %s, %d bytes; want the document", rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len())
	}
	req := httptest.NewRequest("GET", "/api/v1/openapi.json", nil)
	req.Header.Set("If-None-Match", rec.Header().Get("ETag"))
	again := httptest.NewRecorder()
	h.ServeHTTP(again, req)
	if again.Code != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d, want 304", again.Code)
	}
}

// closeSchemas makes every object schema of the document that lists its
// properties and says nothing of others refuse other properties, so that
// live validation catches a field the document does not describe. The
// document itself stays open, as clients should ignore new fields.
func closeSchemas(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(r *openapi3.SchemaRef)
	walk = func(r *openapi3.SchemaRef) {
		if r == nil || r.Value == nil || seen[r.Value] {
			return
		}
		s := r.Value
		seen[s] = true
		if len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
			s.AdditionalProperties.Has = openapi3.Ptr(false)
		}
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.Items)
		walk(s.AdditionalProperties.Schema)
		for _, l := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, x := range l {
				walk(x)
			}
		}
	}
	for _, s := range doc.Components.Schemas {
		walk(s)
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, r := range op.Responses.Map() {
				for _, mt := range r.Value.Content {
					walk(mt.Schema)
				}
			}
			if op.RequestBody != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(mt.Schema)
				}
			}
		}
	}
}

// apiChecker validates live requests and responses against the document.
type apiChecker struct {
	t      *testing.T
	doc    *openapi3.T
	router routers.Router
	h      http.Handler
	// answered records, per operation, the statuses seen.
	answered map[string]map[int]bool
}

func newAPIChecker(t *testing.T, h http.Handler) *apiChecker {
	doc := loadOpenAPI(t)
	closeSchemas(doc)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &apiChecker{t: t, doc: doc, router: router, h: h, answered: map[string]map[int]bool{}}
}

func init() {
	// SDMX-CSV is CSV: let the validator parse it as such.
	openapi3filter.RegisterBodyDecoder("application/vnd.sdmx.data+csv", openapi3filter.CsvBodyDecoder)
}

// apiCall is one request of the live check.
type apiCall struct {
	method, path string
	from         string // RemoteAddr
	header       map[string]string
	body         []byte
	ctype        string
	status       int  // the expected status
	badRequest   bool // the document itself rejects the request (an error case)
}

// check sends c, validates the request and the response against the
// document, and returns the response.
func (a *apiChecker) check(c apiCall) *httptest.ResponseRecorder {
	t := a.t
	t.Helper()
	name := c.method + " " + c.path
	if c.from == "" {
		c.from = remote
	}
	newReq := func() *http.Request {
		var body io.Reader
		if c.body != nil {
			body = bytes.NewReader(c.body)
		}
		req := httptest.NewRequest(c.method, c.path, body)
		req.RemoteAddr = c.from
		if c.ctype != "" {
			req.Header.Set("Content-Type", c.ctype)
		}
		for k, v := range c.header {
			req.Header.Set(k, v)
		}
		return req
	}
	req := newReq()
	route, pathParams, err := a.router.FindRoute(req)
	if err != nil {
		t.Errorf("%s: the document has no operation for it: %v", name, err)
		return nil
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: pathParams, Route: route, Options: opts}
	reqErr := openapi3filter.ValidateRequest(context.Background(), in)
	switch {
	case c.badRequest && reqErr == nil:
		t.Errorf("%s: the document accepts this request, which should be an error case", name)
	case !c.badRequest && reqErr != nil:
		t.Errorf("%s: the request does not match the document: %v", name, reqErr)
	}

	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, newReq())
	if rec.Code != c.status {
		t.Errorf("%s from %s: status %d, want %d: %.300s", name, c.from, rec.Code, c.status, rec.Body)
	}
	key := route.Method + " " + route.Path
	if a.answered[key] == nil {
		a.answered[key] = map[int]bool{}
	}
	a.answered[key][rec.Code] = true

	resp := route.Operation.Responses.Status(rec.Code)
	if resp == nil {
		t.Errorf("%s: status %d is not documented", name, rec.Code)
		return rec
	}
	if rec.Code == http.StatusNotModified {
		// openapi3filter skips 304: check its headers here.
		for h, hr := range resp.Value.Headers {
			if hr.Value.Required && rec.Header().Get(h) == "" {
				t.Errorf("%s: 304 without the %s header", name, h)
			}
		}
		if rec.Body.Len() != 0 {
			t.Errorf("%s: 304 with a body", name)
		}
		return rec
	}
	header := rec.Header().Clone()
	if len(resp.Value.Content) > 0 {
		key, err := documentedMediaType(resp.Value.Content, rec.Header().Get("Content-Type"))
		if err != nil {
			t.Errorf("%s: %d: %v", name, rec.Code, err)
			return rec
		}
		// The validator matches media types literally; the response's
		// Content-Type has been matched (parameters included) above.
		header.Set("Content-Type", key)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: header, Options: opts}
	out.SetBodyBytes(rec.Body.Bytes())
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s: the response (%d) does not match the document: %v\n%.400s", name, rec.Code, err, rec.Body)
	}
	return rec
}

// documentedMediaType returns the key of content that a Content-Type
// matches: the same type, and every parameter the key names with the same
// value (the key application/vnd.sdmx.data+csv;version=2.0.0 matches
// "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8").
func documentedMediaType(content openapi3.Content, ctype string) (string, error) {
	base, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return "", fmt.Errorf("Content-Type %q: %v", ctype, err)
	}
	var found []string
	for key := range content {
		kb, kp, err := mime.ParseMediaType(key)
		if err != nil {
			if key == "*/*" {
				continue
			}
			return "", fmt.Errorf("documented media type %q: %v", key, err)
		}
		ok := kb == base
		for k, v := range kp {
			ok = ok && strings.EqualFold(params[k], v)
		}
		if ok {
			found = append(found, key)
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("Content-Type %q matches %d documented media types %v", ctype, len(found), found)
	}
	return found[0], nil
}

// TestOpenAPILiveResponses runs every route of the API on real data (the
// Mexico fixture: SESNSP victims and CONAPO population through the
// built-in ingest profiles, a published release) and validates each
// request and answer against the document, error cases included.
func TestOpenAPILiveResponses(t *testing.T) {
	store := realDataStore(t)
	srv := &web.Server{Store: store, Now: now}
	a := newAPIChecker(t, srv.Handler())
	js := func(v any) []byte {
		b, _ := json.Marshal(v)
		return b
	}
	etag := func(rec *httptest.ResponseRecorder) map[string]string {
		if rec == nil || rec.Header().Get("ETag") == "" {
			t.Fatalf("no ETag to send back")
		}
		return map[string]string{"If-None-Match": rec.Header().Get("ETag")}
	}

	// Releases: publish 2024 for Mexico and its states, validate 2023.
	release := func(v map[string]any, from string, status int, bad bool) {
		a.check(apiCall{method: "POST", path: "/api/v1/releases", from: from, body: js(v), ctype: "application/json", status: status, badRequest: bad})
	}
	release(map[string]any{"source": "mx-sesnsp", "area": "MEX", "period": "2024", "status": "published", "reason": "test"}, local, 201, false)
	release(map[string]any{"source": "mx-sesnsp", "area": "MEX", "period": "2023", "status": "validated", "reason": "checked", "embargo": "2027-01-01T00:00:00Z"}, local, 201, false)
	release(map[string]any{"source": "mx-sesnsp", "area": "MEX", "period": "2024", "status": "published", "reason": "test"}, remote, 403, false)
	release(map[string]any{"source": "mx-sesnsp", "area": "MEX", "period": "2024", "status": "draft", "reason": "test"}, local, 400, true)
	release(map[string]any{"source": "mx-sesnsp", "area": "MEX", "period": "2024-01", "status": "published", "reason": "test"}, local, 400, true)
	release(map[string]any{"source": "nobody", "area": "MEX", "period": "2024", "status": "published", "reason": "test"}, local, 404, false)

	get := func(path string, status int) *httptest.ResponseRecorder {
		return a.check(apiCall{method: "GET", path: path, status: status})
	}
	getLocal := func(path string, status int) *httptest.ResponseRecorder {
		return a.check(apiCall{method: "GET", path: path, from: local, status: status})
	}
	getBad := func(path, from string, status int) {
		a.check(apiCall{method: "GET", path: path, from: from, status: status, badRequest: true})
	}

	// Meta.
	get("/api/v1/health", 200)
	doc := get("/api/v1/openapi.json", 200)
	a.check(apiCall{method: "GET", path: "/api/v1/openapi.json", header: etag(doc), status: 304})

	// Reference data, each cacheable.
	for _, p := range []string{"/api/v1/areas", "/api/v1/areas/MEX", "/api/v1/iccs", "/api/v1/codelists",
		"/api/v1/codelists/mx-sesnsp-victimas/mapping", "/api/v1/sources", "/api/v1/populations?area=MEX"} {
		a.check(apiCall{method: "GET", path: p, header: etag(get(p, 200)), status: 304})
	}
	get("/api/v1/areas", 200)
	get("/api/v1/areas?country=MEX&level=1", 200)
	get("/api/v1/areas?country=MEX&tree=1", 200)
	getBad("/api/v1/areas?tree=yes", remote, 400)
	get("/api/v1/areas?parent=MEX&q=Le%C3%B3n", 200)
	getBad("/api/v1/areas?level=-1", remote, 400)
	get("/api/v1/areas/MEX", 200)
	get("/api/v1/areas/MEX-09?boundary=1", 200)
	get("/api/v1/areas/XYZ", 404)
	get("/api/v1/iccs", 200)
	get("/api/v1/iccs?tree=1", 200)
	get("/api/v1/iccs?tree=1&mappings=1", 200)
	getBad("/api/v1/iccs?tree=yes", remote, 400)
	get("/api/v1/codelists", 200)
	get("/api/v1/codelists/mx-sesnsp-victimas/mapping", 200)
	get("/api/v1/codelists/mx-sesnsp-victimas/mapping?version=1", 200)
	get("/api/v1/codelists/nope/mapping", 404)
	getBad("/api/v1/codelists/mx-sesnsp-victimas/mapping?version=a", remote, 400)
	get("/api/v1/sources", 200)
	get("/api/v1/populations?area=MEX,MEX-09&from=2023&to=2024&sex=T", 200)
	get("/api/v1/populations", 200)
	getBad("/api/v1/populations?from=20x", remote, 400)

	// The raw cube is restricted.
	getLocal("/api/v1/cube?area=MEX-09&iccs=0101&from=2024-01&to=2024-03", 200)
	getLocal("/api/v1/cube?area=MEX,MEX-01&iccs=01,02&source_type=prosecution&unit=victim&from=2024&to=2024", 200)
	get("/api/v1/cube?area=MEX&iccs=0101", 403)
	getBad("/api/v1/cube", local, 400)

	// The indicator catalogue.
	inds := get("/api/v1/indicators", 200)
	get("/api/v1/indicators?lang=es", 200)
	a.check(apiCall{method: "GET", path: "/api/v1/indicators", header: map[string]string{"Accept-Language": "fr-CA,fr;q=0.9"}, status: 200})
	a.check(apiCall{method: "GET", path: "/api/v1/indicators", header: etag(inds), status: 304})
	ind := get("/api/v1/indicators/homicide-rate", 200)
	get("/api/v1/indicators/firearm-homicide-share?lang=pt", 200)
	get("/api/v1/indicators/homicide-source-ratio", 200)
	a.check(apiCall{method: "GET", path: "/api/v1/indicators/homicide-rate", header: etag(ind), status: 304})
	get("/api/v1/indicators/nope", 404)

	// Values: the published view, breakdowns, aggregates, as_of, downloads.
	const v = "/api/v1/indicators/homicide-rate/values"
	vals := get(v+"?area=MEX", 200)
	if !strings.Contains(vals.Body.String(), `"period": "2024"`) {
		t.Errorf("published values for 2024 are missing: %.600s", vals.Body)
	}
	get(v+"?area=MEX&from=2024&to=2024&by=sex", 200)
	get(v+"?area=MEX&children=1&from=2024&to=2024", 200)
	get(v+"?area=MEX&children=1&from=2023&to=2024&total=period", 200)
	get(v+"?area=MEX-09,MEX-15&from=2024&to=2024&total=area", 200)
	get(v+"?area=MEX&as_of=2026-11-28", 200)
	get(v+"?area=MEX&as_of=2020-01-01T00:00:00Z", 200)
	get(v+"?area=MEX&from=2024&to=2024&by=source&lang=es", 200)
	get(v+"?area=MEX&from=2024&to=2024&standard=who2000", 200)
	get("/api/v1/indicators/femicide-rate/values?area=MEX-09&children=true&from=2024&to=2024", 200)
	get(v+"?area=MEX&from=2024&to=2024&by=age", 200)
	get(v+"?area=MEX&from=2024-Q1&to=2024-Q2", 200)
	get("/api/v1/indicators/kidnapping-rate/values?area=MEX&children=1&from=2024-01&to=2024-03", 200)
	// Small counts in the states are suppressed: null numbers, flagged.
	if rec := get("/api/v1/indicators/trafficking-rate/values?area=MEX&children=1&from=2024&to=2024", 200); rec != nil && !strings.Contains(rec.Body.String(), `"suppressed"`) {
		t.Errorf("no suppressed value among the states' trafficking rates: %.600s", rec.Body)
	}
	get("/api/v1/indicators/firearm-homicide-share/values?area=MEX&children=1&from=2024&to=2024&by=sex", 200)
	get("/api/v1/indicators/youth-homicide-rate/values?area=MEX&from=2024&to=2024", 200)
	a.check(apiCall{method: "GET", path: v + "?area=MEX", header: etag(vals), status: 304})
	getLocal(v+"?area=MEX&from=2023&to=2025&view=live", 200)
	get(v+"?area=MEX&view=live", 403)
	for _, f := range []string{"csv", "xlsx", "sdmx-csv", "sdmx-json", "json"} {
		rec := get(v+"?area=MEX&children=1&from=2024&to=2024&by=sex&format="+f, 200)
		if f != "json" && rec != nil && !strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment") {
			t.Errorf("format=%s: Content-Disposition %q", f, rec.Header().Get("Content-Disposition"))
		}
	}
	getBad(v+"?area=MEX&by=colour", remote, 400)
	getBad(v+"?area=MEX&format=pdf", remote, 400)
	getBad(v+"?area=MEX&total=month", remote, 400)
	getBad(v+"?area=MEX&from=2024-13", remote, 400)
	getBad(v, remote, 400)
	get(v+"?area=MEX&colour=red", 400)
	get(v+"?area=MEX&by=context&standard=who2000", 400)
	get("/api/v1/indicators/nope/values?area=MEX", 404)
	get(v+"?area=XYZ", 404)

	// The revision log.
	rels := get("/api/v1/releases", 200)
	if !strings.Contains(rels.Body.String(), `"period": "2024"`) || strings.Contains(rels.Body.String(), `"period": "2023"`) {
		t.Errorf("public releases: %.600s", rels.Body)
	}
	get("/api/v1/releases?source=mx-sesnsp&area=MEX&period=2024", 200)
	a.check(apiCall{method: "GET", path: "/api/v1/releases", header: etag(rels), status: 304})
	getLocal("/api/v1/releases?view=all", 200)
	get("/api/v1/releases?view=all", 403)
	getBad("/api/v1/releases?view=mine", remote, 400)

	// Uploads.
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	mw.WriteField("profile", "canonical-incidents")
	fw, _ := mw.CreateFormFile("file", "incidents.csv")
	io.WriteString(fw, "record_id,occurred_on,iccs,area,victim_sex\nA1,2024-01-05,0101,MEX-09,F\nA2,2024-13-05,0101,MEX-09,F\nA3,2024-01-05,0401,MEX-99,M\n")
	mw.Close()
	a.check(apiCall{method: "POST", path: "/api/v1/ingest", from: local, body: form.Bytes(), ctype: mw.FormDataContentType(), status: 201})
	a.check(apiCall{method: "POST", path: "/api/v1/ingest?profile=canonical-incidents&filename=more.csv", from: local,
		body: []byte("record_id,occurred_on,iccs,area,victim_sex\nB1,2024-02-05,0101,MEX-15,M\n"), ctype: "text/csv", status: 201})
	a.check(apiCall{method: "POST", path: "/api/v1/ingest?profile=/etc/passwd&filename=x.csv", from: local, body: []byte("a\n1\n"), ctype: "text/csv", status: 400})
	a.check(apiCall{method: "POST", path: "/api/v1/ingest?profile=canonical-incidents&filename=x.csv", from: remote, body: []byte("a\n1\n"), ctype: "text/csv", status: 403})

	// Batches and rejected rows (batch 1 is the population file, whose
	// rows for the states not loaded were rejected).
	getLocal("/api/v1/batches", 200)
	getLocal("/api/v1/batches?source=mx-sesnsp", 200)
	get("/api/v1/batches", 403)
	getLocal("/api/v1/batches/1", 200)
	getLocal("/api/v1/batches/999", 404)
	getBad("/api/v1/batches/abc", local, 400)
	get("/api/v1/batches/1", 403)
	rej := getLocal("/api/v1/batches/1/rejections", 200)
	if rej != nil && !strings.Contains(rej.Body.String(), `"reason"`) {
		t.Errorf("batch 1 has no rejected rows: %.300s", rej.Body)
	}
	getLocal("/api/v1/batches/1/rejections?format=csv", 200)
	getLocal("/api/v1/batches/999/rejections", 404)
	getBad("/api/v1/batches/abc/rejections", local, 400)
	get("/api/v1/batches/1/rejections", 403)

	// An upload over the limit.
	srv.MaxUpload = 1024
	a.h = srv.Handler()
	a.check(apiCall{method: "POST", path: "/api/v1/ingest?profile=canonical-incidents&filename=big.csv", from: local,
		body: bytes.Repeat([]byte("x"), 4096), ctype: "text/csv", status: 413})

	// The audit log: without one (LoopbackOnly trials) an empty page; with
	// one, the entries of the calls above and a signed checkpoint.
	getLocal("/api/v1/audit", 200)
	key, err := audit.LoadKey(filepath.Join(t.TempDir(), "audit.key"), "live")
	if err != nil {
		t.Fatal(err)
	}
	srv.Audit = audit.New(store.(atalaya.AuditStore), key, now)
	a.h = srv.Handler()
	getLocal("/api/v1/batches", 200)
	getLocal("/api/v1/audit?limit=1", 200)
	getLocal("/api/v1/audit?actor=local&object=batch&since=2020-01-01&until=2099-12-31T00:00:00Z&after=0&limit=1000", 200)
	get("/api/v1/audit", 403)
	getBad("/api/v1/audit?limit=0", local, 400)
	getBad("/api/v1/audit?limit=1001", local, 400)
	getBad("/api/v1/audit?after=x", local, 400)
	getLocal("/api/v1/audit?since=yesterday", 400)

	// API tokens: a node without accounts has none to manage; with
	// accounts, a session lists, creates and revokes them.
	getLocal("/api/v1/tokens", 404)
	tokenLiveCalls(t, a, srv, store)
	analysisLiveCalls(t, a)

	// Every operation was answered with success at least once; list the
	// documented statuses no call produced.
	var untested []string
	for path, item := range a.doc.Paths.Map() {
		for method, op := range item.Operations() {
			key := method + " " + path
			success := false
			for code := range a.answered[key] {
				success = success || code < 300
			}
			if !success {
				t.Errorf("%s was never answered with success", key)
			}
			for code := range op.Responses.Map() {
				var n int
				fmt.Sscan(code, &n)
				if !a.answered[key][n] && code != "500" && code != "503" {
					untested = append(untested, key+" "+code)
				}
			}
		}
	}
	sort.Strings(untested)
	if len(untested) > 0 {
		t.Logf("documented statuses not produced by this test: %s", strings.Join(untested, "; "))
	}
}

// TestOpenAPICheckerIsStrict: the live check fails on an undocumented
// field, a number sent as a string and a missing required header, so that
// a passing live check means something.
func TestOpenAPICheckerIsStrict(t *testing.T) {
	doc := loadOpenAPI(t)
	closeSchemas(doc)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	validate := func(path string, header http.Header, body string) error {
		req := httptest.NewRequest("GET", path, nil)
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatal(err)
		}
		opts := &openapi3filter.Options{IncludeResponseStatus: true}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: 200, Header: header, Options: opts}
		out.SetBodyBytes([]byte(body))
		return openapi3filter.ValidateResponse(context.Background(), out)
	}
	jsonHeader := http.Header{"Content-Type": {"application/json"}, "Etag": {`W/"00ff"`}, "Cache-Control": {"public, max-age=60"}, "Vary": {"Accept-Language"}}
	if err := validate("/api/v1/sources", jsonHeader, `{"sources": [{"id": "s", "agency": "A", "type": "police"}]}`); err != nil {
		t.Fatalf("a valid answer fails: %v", err)
	}
	for name, body := range map[string]string{
		"undocumented field": `{"sources": [{"id": "s", "agency": "A", "type": "police", "secret": 1}]}`,
		"unknown enum value": `{"sources": [{"id": "s", "agency": "A", "type": "army"}]}`,
		"missing field":      `{"sources": [{"id": "s", "type": "police"}]}`,
	} {
		if validate("/api/v1/sources", jsonHeader, body) == nil {
			t.Errorf("%s passes validation", name)
		}
	}
	cached := http.Header{"Content-Type": {"application/json"}, "Etag": {`W/"00ff"`}, "Cache-Control": {"public, max-age=60"}}
	ok := `{"language": "en", "indicators": []}`
	if err := validate("/api/v1/indicators", cached, ok); err != nil {
		t.Fatalf("a valid answer fails: %v", err)
	}
	noETag := cached.Clone()
	noETag.Del("Etag")
	if validate("/api/v1/indicators", noETag, ok) == nil {
		t.Errorf("an answer without ETag passes validation")
	}
	value := `{"indicator": {"id": "x", "name": "x", "kind": "rate", "unit": "victim", "multiplier": 100000}, "query": {}, "view": "published",
		"data_version": 1, "area_names": {}, "attribution": [], "downloads": {"csv": "", "xlsx": "", "sdmx-csv": "", "sdmx-json": ""},
		"values": [{"indicator": "x", "area": "MEX", "period": "2024", "count": %s, "denominator": null, "rate": null, "ci_low": null, "ci_high": null, "status": "published", "flags": [%s]}]}`
	if err := validate("/api/v1/indicators/x/values?area=MEX", cached, fmt.Sprintf(value, "null", `"suppressed"`)); err != nil {
		t.Fatalf("a valid answer fails: %v", err)
	}
	if validate("/api/v1/indicators/x/values?area=MEX", cached, fmt.Sprintf(value, `"12"`, `"suppressed"`)) == nil {
		t.Errorf("a count sent as a string passes validation")
	}
	if validate("/api/v1/indicators/x/values?area=MEX", cached, fmt.Sprintf(value, "12", `"hidden"`)) == nil {
		t.Errorf("an unknown flag passes validation")
	}
}
