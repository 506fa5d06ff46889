package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/indicator"
	"github.com/oas-atalaya/atalaya/internal/values"
)

// What the public pages read: published values only (values.Query.Public),
// after disclosure control, exactly as the public API gives them.

// figure is a value as a page shows it: plain numbers, flags, and whether
// there is a figure at all.
type figure struct {
	Area, Name, Period, Cat string
	HasCount, Has           bool // a count; a rate (share, ratio)
	Count, Den              int64
	Rate, Low, High         float64
	Flags                   []string // without not_available (NA says it)
	NA                      string   // a catalogue key: why there is no figure
	Months                  int
	Coverage                float64
	HasCoverage             bool
	Source, Status          string
	Rank                    int
}

// toFigure turns an API value into a figure.
func toFigure(v atalaya.Value, names map[string]string) figure {
	f := figure{Area: v.Area, Name: names[v.Area], Period: v.Period, Cat: category(v), Months: v.Months,
		Source: string(v.SourceType), Status: string(v.Status)}
	if f.Name == "" {
		f.Name = v.Area
	}
	if v.Count != nil {
		f.HasCount, f.Count = true, *v.Count
	}
	if v.Denominator != nil {
		f.Den = *v.Denominator
	}
	if v.Rate != nil {
		f.Has, f.Rate = true, *v.Rate
		if v.CILow != nil && v.CIHigh != nil {
			f.Low, f.High = *v.CILow, *v.CIHigh
		} else {
			f.Low, f.High = f.Rate, f.Rate
		}
	}
	if v.Coverage != nil {
		f.HasCoverage, f.Coverage = true, *v.Coverage
	}
	for _, fl := range v.Flags {
		if fl != atalaya.FlagNotAvailable {
			f.Flags = append(f.Flags, fl)
		}
	}
	if !f.Has {
		f.NA = naKey(v)
	}
	return f
}

// naKey is the catalogue key that says, in the reader's language, why a
// value has no figure (the engine's reason is English, for the API).
func naKey(v atalaya.Value) string {
	why := v.NotAvailable
	switch {
	case v.HasFlag(atalaya.FlagSuppressed):
		return "public.na.suppressed"
	case strings.Contains(why, "straddles"), strings.Contains(why, "age band"):
		return "public.na.age"
	case strings.Contains(why, "population"):
		return "public.na.population"
	case strings.Contains(why, "health source"):
		return "public.na.health"
	case strings.Contains(why, "source"), strings.Contains(why, "report"):
		return "public.na.nosource"
	case v.Count != nil && *v.Count == 0 && v.Rate == nil:
		return "public.na.zero_denominator"
	}
	return "public.na.other"
}

// category is a value's breakdown key, "T" without a breakdown.
func category(v atalaya.Value) string {
	for _, c := range []string{v.Sex, v.Age, v.Weapon, v.Context} {
		if c != "" {
			return c
		}
	}
	return "T"
}

// sexKey is the breakdown for a sex: "" for the total.
func sexBy(sex string) string {
	if sex == "F" || sex == "M" {
		return "sex"
	}
	return ""
}

// pick keeps the figures of one category ("T": the total).
func pick(fs []figure, cat string) []figure {
	var out []figure
	for _, f := range fs {
		if f.Cat == cat || (cat == "T" && f.Cat == "") {
			out = append(out, f)
		}
	}
	return out
}

// query runs a published-view query and returns its figures.
func (s *Server) query(ctx context.Context, q values.Query) ([]figure, values.Result, error) {
	q.Public = true
	res, err := s.Engine.Values(ctx, q)
	if err != nil {
		return nil, res, err
	}
	out := make([]figure, len(res.Values))
	for i, v := range res.Values {
		out[i] = toFigure(v, res.AreaNames)
	}
	return out, res, nil
}

// nodeCountry is the country of the node's most recent published release
// ("" when nothing is published yet).
func (s *Server) nodeCountry(ctx context.Context) (string, atalaya.Release, error) {
	rels, err := s.Store.Releases(ctx, atalaya.ReleaseFilter{Status: atalaya.StatusPublished})
	if err != nil || len(rels) == 0 {
		return "", atalaya.Release{}, err
	}
	var last atalaya.Release
	for _, r := range rels {
		if r.PublicFrom().After(s.Now()) {
			continue // under embargo
		}
		if last.Period == "" || r.Period > last.Period || (r.Period == last.Period && r.At.After(last.At)) {
			last = r
		}
	}
	if last.Period == "" {
		return "", last, nil
	}
	a, err := s.Store.Area(ctx, last.Area)
	if err != nil {
		return "", last, err
	}
	return a.Country, last, nil
}

// yearRange returns the first and last published years of an indicator in
// an area (0, 0 when it has none).
func (s *Server) yearRange(ctx context.Context, id, area string) (int, int) {
	fs, _, err := s.query(ctx, values.Query{Indicator: id, Areas: []string{area}})
	if err != nil {
		return 0, 0
	}
	lo, hi := 0, 0
	for _, f := range fs {
		y, err := strconv.Atoi(f.Period)
		if err != nil || !f.HasCount {
			continue
		}
		if lo == 0 || y < lo {
			lo = y
		}
		if y > hi {
			hi = y
		}
	}
	return lo, hi
}

// spacedDigits are digit groups separated by a space ("100 000").
var spacedDigits = regexp.MustCompile(`(\d) (\d{3})\b`)

// keepNumbers joins the groups of numbers written with spaces by no-break
// spaces, so that "100 000" never breaks across lines.
func keepNumbers(s string) string { return spacedDigits.ReplaceAllString(s, "$1\u00a0$2") }

// areaName is an area's name in lang, or its own name.
func areaName(a atalaya.Area, lang string) string {
	if n := a.Names[lang]; n != "" {
		return n
	}
	return a.Name
}

// indicatorOption is an indicator in a form's list.
type indicatorOption struct {
	ID, Name string
	Selected bool
}

func (s *Server) indicatorOptions(lang, selected string) []indicatorOption {
	var out []indicatorOption
	for _, ind := range s.Engine.Catalogue().Indicators {
		out = append(out, indicatorOption{ind.ID, text(ind.Name, lang), ind.ID == selected})
	}
	return out
}

// areaOption is an area in a form's list.
type areaOption struct {
	Code, Name string
	Level      int
	Selected   bool
}

// areaOptions lists the country and its sub-areas, the country first.
func (s *Server) areaOptions(ctx context.Context, country, lang, selected string) ([]areaOption, error) {
	as, err := s.Store.Areas(ctx, atalaya.AreaFilter{Country: country})
	if err != nil {
		return nil, err
	}
	var out []areaOption
	for _, a := range as {
		if a.Level > 1 {
			continue
		}
		out = append(out, areaOption{a.Code, areaName(a, lang), a.Level, a.Code == selected})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Level != out[j].Level {
			return out[i].Level < out[j].Level
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// hasBreakdown reports whether the indicator may be broken down by dim.
func hasBreakdown(ind indicator.Indicator, dim string) bool {
	for _, b := range ind.Breakdowns {
		if b == dim {
			return true
		}
	}
	return false
}

// unitKey is the catalogue key of an indicator's unit ("per 100,000
// inhabitants").
func unitKey(ind indicator.Indicator) string { return unitKeyFor(ind, "T") }

// unitKeyFor is the unit of the indicator's figures for a sex: rates by sex
// have sex-specific denominators ("per 100,000 women").
func unitKeyFor(ind indicator.Indicator, sex string) string {
	d := ind.Denominator
	if d != nil && d.Population != nil && d.Population.Sex != "T" && d.Population.Sex != "" {
		sex = d.Population.Sex
	}
	switch {
	case ind.Kind == indicator.KindRate && d != nil && d.Multiplier == 100000 && (sex == "F" || sex == "M"):
		return "public.unit.per100k_" + sex
	case ind.Kind == indicator.KindShare:
		return "public.unit.percent"
	case ind.Kind == indicator.KindRatio:
		return "public.unit.ratio"
	case ind.Denominator != nil && ind.Denominator.Multiplier == 100000:
		return "public.unit.per100k"
	}
	return "public.unit.rate"
}

// valuesURL is the values API's URL for a query, with format (or "" for JSON).
func valuesURL(id string, q url.Values, format string) string {
	v := url.Values{}
	for k, vs := range q {
		if len(vs) > 0 && vs[0] != "" {
			v.Set(k, vs[0])
		}
	}
	if format != "" {
		v.Set("format", format)
	}
	return "/api/v1/indicators/" + id + "/values?" + v.Encode()
}

// origin is the scheme and host the reader used, for embed codes.
func pageOrigin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// change is the relative change from a to b, and whether there is one.
func change(a, b figure) (float64, bool) {
	if !a.Has || !b.Has || a.Rate == 0 {
		return 0, false
	}
	return (b.Rate - a.Rate) / a.Rate, true
}

// Warm computes what the Home page and the maps need (every indicator's
// published figures of the node's country and its sub-areas, the parsed
// boundaries), so that the first reader after a start does not wait for
// the indexes to be built. Call it once the handler is made, in a
// goroutine; it stops early when ctx ends.
func (s *Server) Warm(ctx context.Context) {
	country, _, err := s.nodeCountry(ctx)
	if err != nil || country == "" {
		return
	}
	s.shapes(ctx, country, country)
	for _, ind := range s.Engine.Catalogue().Indicators {
		if ctx.Err() != nil {
			return
		}
		s.query(ctx, values.Query{Indicator: ind.ID, Areas: []string{country}, Children: true})
	}
}
