package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/data"
)

var indexTmpl = template.Must(template.New("index").Funcs(template.FuncMap{"group": Group}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Atalaya — {{.Node}}</title><link rel="stylesheet" href="/static/style.css"></head>
<body>
<header>
<h1>Atalaya — {{.Node}}</h1>
<p class="lead">Observatory of crime and violence. This node holds {{.Areas}} areas and {{.Sources}} sources on the <strong>{{.Backend}}</strong> backend. Figures are <strong>preliminary</strong> until an approver publishes them.</p>
</header>
<main>
<h2>Sources</h2>
<table><thead><tr><th scope="col">Source</th><th scope="col">Agency</th><th scope="col">Type</th></tr></thead><tbody>
{{range .SourceList}}<tr><td>{{.ID}}</td><td>{{.Agency}}</td><td>{{.Type}}</td></tr>{{end}}
</tbody></table>
<h2>API</h2>
<ul>
<li><a href="/api/v1/health">/api/v1/health</a></li>
<li><a href="/api/v1/areas?country=MEX">/api/v1/areas?country=MEX</a> — areas (<code>?country=</code>, <code>?parent=</code>, <code>?level=</code>, <code>?q=</code>)</li>
<li><a href="/api/v1/iccs">/api/v1/iccs</a> — the ICCS v1.0 classification</li>
<li><a href="/api/v1/codelists">/api/v1/codelists</a> and <a href="/api/v1/codelists/mx-sesnsp-victimas/mapping">/api/v1/codelists/{id}/mapping</a> — national code lists and their versioned mappings to ICCS</li>
<li><a href="/api/v1/sources">/api/v1/sources</a></li>
<li><a href="/api/v1/populations?area=MEX&amp;from=2015&amp;to=2025">/api/v1/populations?area=MEX</a></li>
<li><a href="/api/v1/cube?area=MEX,MEX-08&amp;iccs=0101&amp;from=2024-01&amp;to=2024-12">/api/v1/cube?area=MEX,MEX-08&amp;iccs=0101&amp;from=2024-01&amp;to=2024-12</a> — counts by month, area, ICCS, sex, age band, weapon, source type</li>
<li>Restricted (this machine only until sign-in exists): <a href="/api/v1/batches">/api/v1/batches</a>, <code>/api/v1/batches/{id}/rejections?format=csv</code>, <code>POST /api/v1/ingest</code></li>
</ul>
</main>
<footer>
<h2>Data sources and attribution</h2>
<ul>{{range .Attributions}}<li>{{.Data}}: {{.Text}}</li>{{end}}</ul>
</footer>
</body></html>`))

func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	areas, err := s.Store.Areas(ctx, atalaya.AreaFilter{})
	if err != nil {
		s.error(w, r, err)
		return
	}
	srcs, err := s.Store.Sources(ctx)
	if err != nil {
		s.error(w, r, err)
		return
	}
	name := s.NodeName
	if name == "" {
		name = "national node"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	indexTmpl.Execute(w, map[string]any{
		"Node": name, "Areas": len(areas), "Sources": len(srcs), "Backend": s.Store.Backend(),
		"SourceList": srcs, "Attributions": data.Attributions(),
	})
}

// Group writes an integer with thousands separators: 58,685.
func Group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
