package web

import (
	"bytes"
	"html/template"
	"net/http"
	"sync"
)

// embedView is the chart-only page other sites show in an <iframe>.
type embedView struct {
	Sel              selection
	Name, Unit, Link string
	Trend            template.HTML
}

var embedTmpl = sync.OnceValues(func() (*template.Template, error) {
	return template.New("public_embed.html").Funcs(pageFuncs).ParseFS(templatesFS, "templates/public_embed.html")
})

// handleEmbed draws the explorer's trend chart alone, for an <iframe> on
// another site: the only page whose Content Security Policy lets other
// origins frame it (frame-ancestors *); everything else keeps 'none'.
func (s *Server) handleEmbed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := s.newPage(w, r, "", "", nil)
	country, _, err := s.nodeCountry(ctx)
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	v := &embedView{}
	p.Data = v
	if country != "" {
		sel, err := s.parseSelection(ctx, r.URL.Query(), string(p.Lang), country)
		if err != nil {
			s.pageError(w, r, p, err)
			return
		}
		v.Sel, v.Name, v.Unit = sel, text(sel.Ind.Name, string(p.Lang)), p.T(unitKeyFor(sel.Ind, sel.Sex))
		p.Title = v.Name + " — " + sel.AreaName
		q := sel.query()
		q.Set("lang", string(p.Lang))
		v.Link = pageOrigin(r) + "/explore?" + q.Encode()
		if sel.has() {
			if v.Trend, _, err = s.trendData(ctx, p, sel, "embed"); err != nil {
				s.pageError(w, r, p, err)
				return
			}
		}
	}
	t, err := embedTmpl()
	if err != nil {
		s.error(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		s.error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors *")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", string(p.Lang))
	h.Add("Vary", "Accept-Language, Cookie")
	w.Write(buf.Bytes())
}
