package web

import (
	"net/http"

	"github.com/oas-atalaya/atalaya/internal/indicator"
)

// indicatorJSON is the public description of an indicator.
type indicatorJSON struct {
	ID          string            `json:"id"`
	SDG         string            `json:"sdg,omitempty"`
	Name        string            `json:"name"`
	Names       indicator.Text    `json:"names"`
	Definition  string            `json:"definition"`
	Definitions indicator.Text    `json:"definitions,omitempty"`
	Kind        indicator.Kind    `json:"kind"`
	Numerator   numeratorJSON     `json:"numerator"`
	Denominator denominatorJSON   `json:"denominator"`
	Period      string            `json:"period"`
	Breakdowns  []string          `json:"breakdowns"`
	Disclosure  map[string]int64  `json:"disclosure_min_count"`
	Notes       string            `json:"notes,omitempty"`
	Links       map[string]string `json:"links"`
}

type numeratorJSON struct {
	ICCS        []string            `json:"iccs"`
	Unit        string              `json:"unit"`
	SourceTypes []string            `json:"source_types"`
	Filter      map[string][]string `json:"filter,omitempty"`
}

type denominatorJSON struct {
	Population  map[string]string   `json:"population,omitempty"`
	Relax       []string            `json:"relax,omitempty"`
	Exclude     map[string][]string `json:"exclude,omitempty"`
	SourceTypes []string            `json:"source_types,omitempty"`
	Multiplier  int64               `json:"multiplier"`
}

func filterJSON(f indicator.Filter) map[string][]string {
	out := map[string][]string{}
	for _, d := range []string{indicator.DimSex, indicator.DimAge, indicator.DimWeapon, indicator.DimContext} {
		if c := f.Codes(d); len(c) > 0 {
			out[d] = c
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// describe renders an indicator in a language (en, es, pt, fr); full adds
// the definition in every language.
func describe(ind indicator.Indicator, lang string, full bool) indicatorJSON {
	out := indicatorJSON{ID: ind.ID, SDG: ind.SDG, Name: text(ind.Name, lang), Names: ind.Name,
		Definition: text(ind.Definition, lang), Kind: ind.Kind, Period: ind.Period,
		Breakdowns: nonNil(ind.Breakdowns), Notes: text(ind.Notes, lang), Disclosure: map[string]int64{},
		Links: map[string]string{"values": "/api/v1/indicators/" + ind.ID + "/values", "self": "/api/v1/indicators/" + ind.ID}}
	if full {
		out.Definitions = ind.Definition
	}
	out.Numerator = numeratorJSON{ICCS: ind.Numerator.ICCS, Unit: string(ind.Numerator.Unit), Filter: filterJSON(ind.Numerator.Filter)}
	for _, st := range ind.Numerator.SourceTypesOrDefault() {
		out.Numerator.SourceTypes = append(out.Numerator.SourceTypes, string(st))
	}
	if d := ind.Denominator; d != nil {
		out.Denominator = denominatorJSON{Relax: d.Relax, Exclude: filterJSON(d.Exclude), Multiplier: d.Multiplier}
		if d.Population != nil {
			out.Denominator.Population = map[string]string{"sex": d.Population.Sex, "age": d.Population.Age}
		}
		for _, st := range d.SourceTypes {
			out.Denominator.SourceTypes = append(out.Denominator.SourceTypes, string(st))
		}
	}
	for level, n := range ind.Disclosure.MinCount {
		out.Disclosure[itoa(level)] = n
	}
	return out
}

func text(t indicator.Text, lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	return t["en"]
}

func itoa(n int) string {
	const digits = "0123456789"
	if n >= 0 && n < 10 {
		return digits[n : n+1]
	}
	s := ""
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		s = digits[n%10:n%10+1] + s
		n /= 10
	}
	if neg {
		s = "-" + s
	}
	return s
}

// language returns the language a request asks for: ?lang=, then
// Accept-Language, then English.
func language(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" {
		for _, x := range indicator.Languages {
			if l == x {
				return l
			}
		}
	}
	al := r.Header.Get("Accept-Language")
	for i := 0; i+1 < len(al); i++ {
		if i == 0 || al[i-1] == ',' || al[i-1] == ' ' {
			for _, x := range indicator.Languages {
				if al[i:i+2] == x {
					return x
				}
			}
		}
	}
	return "en"
}

func (s *Server) handleIndicators(w http.ResponseWriter, r *http.Request) {
	lang := language(r)
	var out []indicatorJSON
	for _, ind := range s.Engine.Catalogue().Indicators {
		out = append(out, describe(ind, lang, false))
	}
	s.writeCached(w, r, "indicators|"+lang, 0, map[string]any{"language": lang, "indicators": out})
}

func (s *Server) handleIndicator(w http.ResponseWriter, r *http.Request) {
	ind, ok := s.Engine.Catalogue().Lookup(r.PathValue("id"))
	if !ok {
		s.error(w, r, notFoundIndicator(r.PathValue("id")))
		return
	}
	lang := language(r)
	s.writeCached(w, r, "indicator|"+ind.ID+"|"+lang, 0, map[string]any{"language": lang, "indicator": describe(ind, lang, true)})
}
