package web

import (
	"embed"
	"net/http"
)

//go:embed static
var staticFS embed.FS

// handleStatic serves the embedded stylesheet and other assets.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.FileServerFS(staticFS).ServeHTTP(w, r)
}
