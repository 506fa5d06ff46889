package web

import (
	"net/http"
	"sort"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/indicator"
)

// methodsView lists the indicators and explains the flags.
type methodsView struct {
	Indicators []methodSummary
	Flags      []string
}

type methodSummary struct {
	ID, Name, SDG, Kind, Definition string
}

// allFlags are the flags a figure may carry, in the order pages explain them.
var allFlags = []string{atalaya.FlagSmallCount, atalaya.FlagSuppressed, atalaya.FlagPartialPeriod, atalaya.FlagCoverage,
	atalaya.FlagProvisional, atalaya.FlagNotAvailable}

func (s *Server) handleMethods(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r, "methods", "public.methods.title", nil)
	lang := string(p.Lang)
	v := &methodsView{Flags: allFlags}
	for _, ind := range s.Engine.Catalogue().Indicators {
		v.Indicators = append(v.Indicators, methodSummary{ind.ID, text(ind.Name, lang), ind.SDG, string(ind.Kind), keepNumbers(text(ind.Definition, lang))})
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "public_methods.html", p)
}

// methodView is one indicator's method note.
type methodView struct {
	Ind              indicator.Indicator
	Name, Definition string
	Notes            []string // paragraphs
	NotesLang        string   // the language of the notes, when not the page's
	ICCS             []iccsLine
	National         []nationalLine
	SourceTypes      []string
	DenSourceTypes   []string
	Filters          []filterLine
	Relax            []string
	Exclude          []filterLine
	PopSex, PopAge   string
	Multiplier       int64
	Breakdowns       []string
	MinCounts        []minCount
	Flags            []string
	Explore          string
}

type iccsLine struct{ Code, Name string }

type nationalLine struct {
	CodeList, Code, Label, ICCS string
	Version                     int
	Implies                     []filterLine
}

type filterLine struct {
	Dim   string
	Codes []string
}

type minCount struct {
	Level int
	Min   int64
}

func (s *Server) handleMethod(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := s.newPage(w, r, "methods", "", nil)
	lang := string(p.Lang)
	id := r.PathValue("id")
	ind, ok := s.Engine.Catalogue().Lookup(id)
	if !ok {
		s.pageError(w, r, p, notFoundIndicator(id))
		return
	}
	v := &methodView{Ind: ind, Name: text(ind.Name, lang), Definition: keepNumbers(text(ind.Definition, lang)), Flags: allFlags,
		SourceTypes: sourceTypes(ind.Numerator.SourceTypes), Breakdowns: ind.Breakdowns, Explore: "/explore?indicator=" + ind.ID}
	p.Data, p.Title = v, v.Name
	notes, nl := ind.Notes[lang], lang
	if notes == "" {
		// The catalogue gives notes in English and Spanish only.
		notes, nl = ind.Notes["en"], "en"
	}
	if nl != lang {
		v.NotesLang = nl
	}
	for _, para := range strings.Split(notes, "\n") {
		if t := strings.TrimSpace(para); t != "" {
			v.Notes = append(v.Notes, t)
		}
	}
	cats, err := s.Store.ICCS(ctx)
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	names := map[string]string{}
	for _, c := range cats {
		names[c.Code] = c.Name
	}
	for _, c := range ind.Numerator.ICCS {
		v.ICCS = append(v.ICCS, iccsLine{c, names[c]})
	}
	v.Filters = filters(ind.Numerator.Filter)
	if d := ind.Denominator; d != nil {
		v.Multiplier = d.Multiplier
		v.Relax = d.Relax
		v.Exclude = filters(d.Exclude)
		v.DenSourceTypes = sourceTypes(d.SourceTypes)
		if d.Population != nil {
			v.PopSex, v.PopAge = d.Population.Sex, d.Population.Age
		}
	}
	for l, n := range ind.Disclosure.MinCount {
		v.MinCounts = append(v.MinCounts, minCount{l, n})
	}
	sort.Slice(v.MinCounts, func(i, j int) bool { return v.MinCounts[i].Level < v.MinCounts[j].Level })
	// The national codes that feed the numerator: the latest mapping of
	// every code list, entries on the indicator's ICCS codes or below.
	lists, err := s.Store.CodeLists(ctx)
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	for _, cl := range lists {
		m, err := s.Store.Mapping(ctx, cl.ID, 0)
		if atalaya.ErrorCode(err) == atalaya.ENOTFOUND {
			continue
		}
		if err != nil {
			s.pageError(w, r, p, err)
			return
		}
		for _, e := range m.Entries {
			for _, c := range ind.Numerator.ICCS {
				if strings.HasPrefix(e.ICCS, c) {
					v.National = append(v.National, nationalLine{CodeList: cl.ID, Version: m.Version, Code: e.NationalCode, Label: e.Label,
						ICCS: e.ICCS, Implies: filters(indicator.Filter{Sex: nonEmpty(e.Implies.Sex), Weapon: nonEmpty(e.Implies.Weapon), Context: nonEmpty(e.Implies.Context)})})
					break
				}
			}
		}
	}
	s.render(w, r, http.StatusOK, "public_method.html", p)
}

func nonEmpty(s string) indicator.Codes {
	if s == "" {
		return nil
	}
	return indicator.Codes{s}
}

func sourceTypes(ts []atalaya.SourceType) []string {
	var out []string
	for _, t := range ts {
		out = append(out, string(t))
	}
	return out
}

// filters lists a filter's dimensions that restrict something.
func filters(f indicator.Filter) []filterLine {
	var out []filterLine
	for _, x := range []struct {
		dim   string
		codes indicator.Codes
	}{{"sex", f.Sex}, {"age", f.Age}, {"weapon", f.Weapon}, {"context", f.Context}} {
		if len(x.codes) > 0 {
			out = append(out, filterLine{x.dim, x.codes})
		}
	}
	return out
}
