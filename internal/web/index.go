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
{{if .User}}<form class="account" method="post" action="/signout"><input type="hidden" name="csrf" value="{{.CSRF}}">Signed in as {{.User}} <button type="submit">Sign out</button></form>{{else if .SignIn}}<p class="account"><a href="/signin">Sign in</a></p>{{end}}
<h1>Atalaya — {{.Node}}</h1>
<p class="lead">Observatory of crime and violence. This node holds {{.Areas}} areas and {{.Sources}} sources on the <strong>{{.Backend}}</strong> backend. The public sees <strong>published</strong> figures only, after disclosure control; newer figures stay preliminary until an approver publishes them.</p>
</header>
<main>
{{with .Trend}}<h2>{{.Name}} — {{.AreaName}}</h2>
<p>{{.Definition}}</p>
{{.Chart}}
<table><thead><tr><th scope="col">Year</th><th scope="col" class="n">Victims</th><th scope="col" class="n">Population</th><th scope="col" class="n">Rate per 100,000</th><th scope="col" class="n">95% interval</th><th scope="col">Source</th><th scope="col">Flags</th></tr></thead><tbody>
{{range .Rows}}<tr><td>{{.Period}}</td>{{if .Count}}<td class="n">{{group .Count}}</td><td class="n">{{group .Denominator}}</td><td class="n">{{printf "%.2f" .Rate}}</td><td class="n">{{printf "%.2f" .Low}} – {{printf "%.2f" .High}}</td>{{else}}<td colspan="4">{{.NotAvailable}}</td>{{end}}<td>{{.Source}}</td><td>{{.Flags}}</td></tr>{{end}}
</tbody></table>
<p>Published figures only, as the public API gives them: <a href="{{.Link}}">{{.Link}}</a> (add <code>&amp;format=csv</code>, <code>xlsx</code>, <code>sdmx-csv</code> or <code>sdmx-json</code> to download).</p>
{{else}}<p>No figures are published yet: an approver publishes them with <code>atalaya publish</code>.</p>{{end}}
<h2>Indicators</h2>
<ul>{{range .Indicators}}<li><a href="/api/v1/indicators/{{.ID}}">{{.Name}}</a>{{if .SDG}} (SDG {{.SDG}}){{end}}{{if $.Country}} — <a href="/api/v1/indicators/{{.ID}}/values?area={{$.Country}}&amp;children=1">values for {{$.Country}} and its sub-areas</a>{{end}}</li>{{end}}</ul>
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
<li><a href="/api/v1/indicators">/api/v1/indicators</a> — the catalogue; <code>/api/v1/indicators/{id}/values?area=MEX&amp;from=2015&amp;to=2024&amp;by=sex</code> — values (<a href="https://github.com/oas-atalaya/atalaya/blob/main/docs/api.md">docs/api.md</a>)</li>
<li><a href="/api/v1/releases">/api/v1/releases</a> — the revision log of published figures</li>
<li><a href="/api/v1/openapi.json">/api/v1/openapi.json</a> — the OpenAPI description of every route</li>
<li>Restricted (<a href="/signin">sign in</a>, or an API token; what each role may do is in docs/roles.md): <a href="/api/v1/batches">/api/v1/batches</a>, <code>/api/v1/batches/{id}/rejections?format=csv</code>, <code>/api/v1/cube</code>, <code>view=live</code> on values, <code>POST /api/v1/ingest</code>, <code>POST /api/v1/releases</code>, <code>/api/v1/audit</code>, <code>/api/v1/tokens</code></li>
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
	country, trend, err := s.trend(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	type indicatorLink struct{ ID, Name, SDG string }
	var inds []indicatorLink
	for _, ind := range s.Engine.Catalogue().Indicators {
		inds = append(inds, indicatorLink{ind.ID, text(ind.Name, "en"), ind.SDG})
	}
	user, csrf, signIn := "", "", false
	if acc, ok := s.Auth.(*Accounts); ok {
		signIn = true
		if id := acc.identityOf(r); id.sessionID != "" && id.err == nil && !id.p.Disabled {
			if c, err := acc.CSRF(ctx); err == nil {
				user, csrf = id.p.User, c.Token(id.sessionID)
			}
		}
		w.Header().Set("Cache-Control", "private, no-store")
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	indexTmpl.Execute(w, map[string]any{
		"User": user, "CSRF": csrf, "SignIn": signIn,
		"Node": name, "Areas": len(areas), "Sources": len(srcs), "Backend": s.Store.Backend(),
		"SourceList": srcs, "Attributions": data.Attributions(), "Trend": trend, "Country": country,
		"Indicators": inds,
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
