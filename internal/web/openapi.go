package web

import (
	_ "embed"
	"net/http"
)

// openAPI is the OpenAPI 3 description of /api/v1; openapi_test.go checks
// that it is valid and that the live API answers as it says.
//
//go:embed openapi.json
var openAPI []byte

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	etag := etagOf(string(openAPI), "openapi", 0)
	s.cacheHeaders(w, true, etag)
	if match(r, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(openAPI)
}
