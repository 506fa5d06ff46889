package web

import (
	"bytes"
	"embed"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/oas-atalaya/atalaya/data"
	"github.com/oas-atalaya/atalaya/internal/i18n"
)

// The portal's pages are html/template files in templates/: layout.html
// draws the frame (header, navigation, language switch, footer) and each
// page file defines "title" and "content". Handlers fill a Page and call
// s.render. Every string a reader sees comes from the i18n catalogue
// through Page.T, so the language switch changes all of them.

//go:embed templates/*.html
var templatesFS embed.FS

// LangCookie remembers the language a reader chose with ?lang=.
const LangCookie = "atalaya_lang"

// Page is what a template receives: the request's language, the reader,
// and the page's own data in Data.
type Page struct {
	Lang   i18n.Lang
	cat    *i18n.Catalogue
	Title  string // already translated
	Nav    string // the active navigation entry: home, explorer, areas, methods, quality, analysis, work
	Node   string
	User   string // signed-in user id, "" for the public
	Role   string
	CSRF   string // the CSRF token of the session, for forms
	SignIn bool   // accounts are configured: show the sign-in link
	Path   string // the request's path and query, for the language switch
	Data   any
	Now    time.Time
}

// T translates key with args.
func (p *Page) T(key string, args ...any) string { return p.cat.T(p.Lang, key, args...) }

// Num writes v with d decimals in the page's language.
func (p *Page) Num(v float64, d int) string { return i18n.Number(p.Lang, v, d) }

// Int writes n with thousands separators in the page's language.
func (p *Page) Int(n int64) string { return i18n.Int(p.Lang, n) }

// Pct writes a share as a percentage in the page's language.
func (p *Page) Pct(share float64, d int) string { return i18n.Percent(p.Lang, share, d) }

// R writes a rate, share or ratio: two decimals under 10, one above.
func (p *Page) R(v float64) string {
	if v < 10 && v > -10 {
		return p.Num(v, 2)
	}
	return p.Num(v, 1)
}

// Short writes a number with at most two decimals and no trailing zeros
// ("4", "2,5", "2,39"): chart ticks and tooltips.
func (p *Page) Short(v float64) string {
	d := 2
	switch {
	case v == math.Trunc(v):
		d = 0
	case v*10 == math.Trunc(v*10):
		d = 1
	}
	return p.Num(v, d)
}

// Change writes a relative change with its sign: "+3,2 %", "−12,0 %".
func (p *Page) Change(share float64) string {
	s := p.Pct(share, 1)
	if share > 0 {
		return "+" + s
	}
	return s
}

// Has reports whether the catalogue has key (for keys built from data).
func (p *Page) Has(key string) bool { return p.cat.Has(key) }

// TOr translates key, or returns fallback when the catalogue lacks it
// (breakdown categories a source may add).
func (p *Page) TOr(key, fallback string) string {
	if p.cat.Has(key) {
		return p.T(key)
	}
	return fallback
}

// Period writes an Atalaya period in the page's language.
func (p *Page) Period(s string) string { return i18n.Period(p.Lang, s) }

// Date writes a day in the page's language.
func (p *Page) Date(t time.Time) string { return i18n.Date(p.Lang, t) }

// Text picks the page's language from a multilingual text of the
// indicator catalogue (falling back to English, then any).
func (p *Page) Text(m map[string]string) string { return text(m, string(p.Lang)) }

// LangLink is one entry of the language switch.
type LangLink struct {
	Lang    i18n.Lang
	Name    string
	Href    string
	Current bool
}

// Langs lists the language switch's links: the same page in each language.
func (p *Page) Langs() []LangLink {
	u, err := url.Parse(p.Path)
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	var out []LangLink
	for _, l := range i18n.Langs {
		q := u.Query()
		q.Set("lang", string(l))
		out = append(out, LangLink{l, l.Name(), u.Path + "?" + q.Encode(), l == p.Lang})
	}
	return out
}

// Attributions lists the data sources the footer credits.
func (p *Page) Attributions() []data.Attribution { return data.Attributions() }

// language returns the reader's language: ?lang= (remembered in a cookie),
// then the cookie, then Accept-Language, then the node's default.
func (s *Server) language(w http.ResponseWriter, r *http.Request) i18n.Lang {
	if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		if w != nil {
			http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
				SameSite: http.SameSiteLaxMode, HttpOnly: true, Secure: r.TLS != nil})
		}
		return l
	}
	if c, err := r.Cookie(LangCookie); err == nil {
		if l, ok := i18n.Parse(c.Value); ok {
			return l
		}
	}
	def := s.DefaultLang
	if def == "" {
		def = i18n.ES
	}
	return i18n.Negotiate(r.Header.Get("Accept-Language"), def)
}

// catalogue returns the portal's messages (loaded by Handler).
func (s *Server) catalogue() *i18n.Catalogue { return s.cat }

// newPage fills the parts of a Page every page shares.
func (s *Server) newPage(w http.ResponseWriter, r *http.Request, nav, titleKey string, data any) *Page {
	p := &Page{Lang: s.language(w, r), cat: s.catalogue(), Nav: nav, Node: s.NodeName, Path: r.URL.RequestURI(), Data: data, Now: s.Now()}
	if p.Node == "" {
		p.Node = "national node"
	}
	if titleKey != "" {
		p.Title = p.T(titleKey)
	}
	if acc, ok := s.Auth.(*Accounts); ok {
		p.SignIn = true
		if id := acc.identityOf(r); id.sessionID != "" && id.err == nil && !id.p.Disabled {
			if c, err := acc.CSRF(r.Context()); err == nil {
				p.User, p.Role, p.CSRF = id.p.User, string(id.p.Role), c.Token(id.sessionID)
			}
		}
	}
	return p
}

// pageTemplates caches each page's template (the layout plus the page).
type pageTemplates struct {
	mu sync.Mutex
	m  map[string]*template.Template
}

var pages pageTemplates

func (pt *pageTemplates) get(name string) (*template.Template, error) {
	pt.mu.Lock()
	defer pt.mu.Unlock()
	if t, ok := pt.m[name]; ok {
		return t, nil
	}
	files := []string{"templates/layout.html", "templates/" + name}
	if strings.HasPrefix(name, "public_") {
		// The public pages share the templates that write figures.
		files = append(files, "templates/public_parts.html")
	}
	t, err := template.New("layout.html").Funcs(pageFuncs).ParseFS(templatesFS, files...)
	if err != nil {
		return nil, err
	}
	if pt.m == nil {
		pt.m = map[string]*template.Template{}
	}
	pt.m[name] = t
	return t, nil
}

// pageFuncs are the helpers templates may call besides Page's methods.
var pageFuncs = template.FuncMap{
	"add":   func(a, b int) int { return a + b },
	"join":  func(ss []string, sep string) string { return strings.Join(ss, sep) },
	"neg":   func(v float64) bool { return v < 0 },
	"pf":    func(p *Page, f figure) figCell { return figCell{p, f} },
	"list":  func(xs ...string) []string { return xs },
	"neg1":  func(n int) int { return -n },
	"int64": func(n int) int64 { return int64(n) },
}

// figCell is a figure with its page, for the templates that write a
// figure's cells ("rate", "flags").
type figCell struct {
	P *Page
	F figure
}

// render writes page p with the template file name (in templates/) and
// status. Pages for signed-in readers are never cached by proxies.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	t, err := pages.get(name)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", string(p.Lang))
	h.Add("Vary", "Accept-Language, Cookie")
	if p.SignIn {
		h.Set("Cache-Control", "private, no-store")
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
