package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/export"
	"github.com/oas-atalaya/atalaya/internal/indicator"
	"github.com/oas-atalaya/atalaya/internal/values"
)

func notFoundIndicator(id string) error {
	return atalaya.Errorf(atalaya.ENOTFOUND, "there is no indicator %q; GET /api/v1/indicators lists them", id)
}

// valuesParams are the query parameters of the values route.
var valuesParams = map[string]bool{"area": true, "from": true, "to": true, "by": true, "children": true, "total": true,
	"as_of": true, "standard": true, "view": true, "format": true, "lang": true}

// parseValuesQuery reads a values query from the URL.
func parseValuesQuery(r *http.Request, id string) (values.Query, error) {
	q := r.URL.Query()
	for k := range q {
		if !valuesParams[k] {
			return values.Query{}, atalaya.Errorf(atalaya.EINVALID, "unknown parameter %q; the parameters are area, from, to, by, children, total, as_of, standard, view, format and lang", k)
		}
	}
	vq := values.Query{Indicator: id, Areas: splitList(q.Get("area")), From: q.Get("from"), To: q.Get("to"),
		By: q.Get("by"), Total: q.Get("total"), Standard: q.Get("standard"), Public: true}
	switch q.Get("children") {
	case "", "0", "false":
	case "1", "true":
		vq.Children = true
	default:
		return vq, atalaya.Errorf(atalaya.EINVALID, "children=%q: use children=1 to add the sub-areas of each area", q.Get("children"))
	}
	if a := q.Get("as_of"); a != "" {
		t, err := parseAsOf(a)
		if err != nil {
			return vq, err
		}
		vq.AsOf = t
	}
	switch q.Get("view") {
	case "", "published":
	case "live":
		vq.Public = false
	default:
		return vq, atalaya.Errorf(atalaya.EINVALID, "view=%q: use view=published (the default: what the public sees) or view=live (restricted: the current figures, unpublished included)", q.Get("view"))
	}
	return vq, nil
}

// parseAsOf reads a date (the end of that day, UTC) or an RFC 3339 instant.
func parseAsOf(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.Add(24*time.Hour - time.Second), nil
	}
	return time.Time{}, atalaya.Errorf(atalaya.EINVALID, "as_of=%q is not a date (2026-01-31) or an instant (2026-01-31T12:00:00Z)", s)
}

// valuesResponse is the JSON answer of the values route.
type valuesResponse struct {
	Indicator   indicatorSummary  `json:"indicator"`
	Query       map[string]string `json:"query"`
	View        string            `json:"view"`
	AsOf        *time.Time        `json:"as_of,omitempty"`
	Version     int64             `json:"data_version"`
	Standard    string            `json:"standard,omitempty"`
	AreaNames   map[string]string `json:"area_names"`
	Values      []atalaya.Value   `json:"values"`
	Attribution []string          `json:"attribution"`
	Downloads   map[string]string `json:"downloads"`
}

type indicatorSummary struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Unit       string `json:"unit"`
	Multiplier int64  `json:"multiplier"`
}

func (s *Server) handleValues(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	ind, ok := s.Engine.Catalogue().Lookup(id)
	if !ok {
		s.error(w, r, notFoundIndicator(id))
		return
	}
	vq, err := parseValuesQuery(r, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !vq.Public {
		if err := s.Auth.Authorize(r, ActionReadLive); err != nil {
			s.error(w, r, err)
			return
		}
		if err := s.record(r, "read.live", "indicator:"+id, ""); err != nil {
			s.error(w, r, err)
			return
		}
	}
	format := r.URL.Query().Get("format")
	var f export.Format
	if format != "" && format != "json" {
		if f, ok = export.Lookup(format); !ok {
			var names []string
			for _, x := range export.Formats() {
				names = append(names, x.Name)
			}
			s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "format=%q: use json (the default), %s", format, strings.Join(names, ", ")))
			return
		}
	}
	// A cheap ETag check first: the data version and the query decide the
	// answer (a public query without as_of also depends on embargoes that
	// lift, hence the short max-age).
	ver, err := s.Engine.Version(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	etag := etagOf(r.URL.RawQuery, id, ver)
	if vq.Public && vq.AsOf.IsZero() {
		etag = etagOf(r.URL.RawQuery+"|"+s.Now().UTC().Truncate(time.Minute).Format(time.RFC3339), id, ver)
	}
	s.cacheHeaders(w, vq.Public, etag)
	if match(r, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	lang := language(r)
	key := etag + "|" + lang
	out, ok := s.bodies.get(key)
	if !ok {
		if out, err = s.renderValues(r, ind, vq, f, lang); err != nil {
			s.error(w, r, err)
			return
		}
		s.bodies.put(key, out)
	}
	w.Header().Set("Content-Type", out.contentType)
	if out.disposition != "" {
		w.Header().Set("Content-Disposition", out.disposition)
	}
	w.Write(out.body)
}

// renderValues computes a values query and renders it as JSON or as a
// download.
func (s *Server) renderValues(r *http.Request, ind indicator.Indicator, vq values.Query, f export.Format, lang string) (rendered, error) {
	res, err := s.Engine.Values(r.Context(), vq)
	if err != nil {
		return rendered{}, err
	}
	attr, err := s.attribution(r)
	if err != nil {
		return rendered{}, err
	}
	if f.Write != nil {
		meta := export.Meta{Indicator: ind, Lang: lang, AreaNames: res.AreaNames, Attribution: attr,
			Query: r.URL.RawQuery, Generated: s.Now().UTC()}
		var buf bytes.Buffer
		if err := f.Write(&buf, meta, res.Values); err != nil {
			return rendered{}, err
		}
		return rendered{contentType: f.MediaType, disposition: `attachment; filename="` + fileName(vq, f.Ext) + `"`, body: buf.Bytes()}, nil
	}
	view := "published"
	if !vq.Public {
		view = "live"
	}
	q := map[string]string{}
	for k := range r.URL.Query() {
		q[k] = r.URL.Query().Get(k)
	}
	downloads := map[string]string{}
	for _, x := range export.Formats() {
		u := *r.URL
		qq := u.Query()
		qq.Set("format", x.Name)
		u.RawQuery = qq.Encode()
		downloads[x.Name] = u.Path + "?" + u.RawQuery
	}
	body, err := json.MarshalIndent(valuesResponse{
		Indicator: indicatorSummary{ID: ind.ID, Name: text(ind.Name, lang), Kind: string(ind.Kind), Unit: string(ind.Numerator.Unit), Multiplier: ind.Denominator.Multiplier},
		Query:     q, View: view, AsOf: res.AsOf, Version: res.Version, Standard: res.Standard,
		AreaNames: res.AreaNames, Values: nonNil(res.Values), Attribution: nonNil(attr), Downloads: downloads,
	}, "", "  ")
	if err != nil {
		return rendered{}, err
	}
	return rendered{contentType: "application/json; charset=utf-8", body: append(body, '\n')}, nil
}

func fileName(q values.Query, ext string) string {
	name := q.Indicator + "_" + strings.Join(q.Areas, "-")
	if q.From != "" {
		name += "_" + q.From
	}
	if q.To != "" && q.To != q.From {
		name += "-" + q.To
	}
	if q.By != "" {
		name += "_by-" + q.By
	}
	clean := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, name)
	if len(clean) > 120 {
		clean = clean[:120]
	}
	return clean + "." + ext
}

// attribution returns the attribution lines of the node's sources.
func (s *Server) attribution(r *http.Request) ([]string, error) {
	srcs, err := s.Store.Sources(r.Context())
	if err != nil {
		return nil, err
	}
	var out []string
	for _, src := range srcs {
		if src.Attribution != "" {
			out = append(out, src.Attribution)
		}
	}
	return out, nil
}

func etagOf(query, key string, version int64) string {
	h := sha256.Sum256([]byte(key + "\x00" + query + "\x00" + itoa(int(version))))
	return `W/"` + hex.EncodeToString(h[:12]) + `"`
}

// cacheHeaders sets the ETag and the caching policy: public answers may be
// cached for a minute by anyone; restricted ones only by the client.
func (s *Server) cacheHeaders(w http.ResponseWriter, public bool, etag string) {
	w.Header().Set("ETag", etag)
	if public {
		w.Header().Set("Cache-Control", "public, max-age=60")
	} else {
		w.Header().Set("Cache-Control", "private, no-cache")
	}
	w.Header().Set("Vary", "Accept-Language")
}

func match(r *http.Request, etag string) bool {
	for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		t = strings.TrimSpace(t)
		if t == etag || t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}

// writeCached writes a public JSON answer with an ETag computed from the
// body, answering 304 when the client has it.
func (s *Server) writeCached(w http.ResponseWriter, r *http.Request, key string, version int64, v any) {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		s.error(w, r, err)
		return
	}
	h := sha256.Sum256(body)
	etag := `W/"` + hex.EncodeToString(h[:12]) + `"`
	s.cacheHeaders(w, true, etag)
	if match(r, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(append(body, '\n'))
}
