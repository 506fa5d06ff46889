// Package i18n holds the portal's message catalogues in Spanish, English,
// Portuguese and French, chooses a language from a request, and writes
// numbers and dates the way each language writes them.
//
// Catalogues are JSON files embedded from locales/, named GROUP.LANG.json
// (common.es.json, public.fr.json, …): one flat object of key → message.
// Every group must exist in all four languages with the same keys; Load
// refuses a catalogue where one language lacks a key, a key is defined
// twice, or a message is empty. Messages take arguments by position with
// fmt verbs ("%[1]s", "%[2]d").
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Lang is a language of the portal: an ISO 639-1 code.
type Lang string

// The portal's languages.
const (
	ES Lang = "es"
	EN Lang = "en"
	PT Lang = "pt"
	FR Lang = "fr"
)

// Langs lists the portal's languages in the order the language switch
// shows them.
var Langs = []Lang{ES, EN, PT, FR}

// Name is the language's own name for itself: "Español", "English", ….
func (l Lang) Name() string {
	switch l {
	case ES:
		return "Español"
	case EN:
		return "English"
	case PT:
		return "Português"
	case FR:
		return "Français"
	}
	return string(l)
}

// Parse returns the language a code names ("es", "pt-BR", "FR"), and
// false if it is none of the portal's.
func Parse(code string) (Lang, bool) {
	code = strings.ToLower(strings.TrimSpace(code))
	if i := strings.IndexAny(code, "-_"); i >= 0 {
		code = code[:i]
	}
	for _, l := range Langs {
		if string(l) == code {
			return l, true
		}
	}
	return "", false
}

//go:embed locales/*.json
var localesFS embed.FS

// Catalogue is the set of messages in every language.
type Catalogue struct {
	msgs map[Lang]map[string]string
	keys []string // sorted
}

// Load reads the embedded catalogues and checks that they agree.
func Load() (*Catalogue, error) { return LoadFS(localesFS, "locales") }

// LoadFS reads the catalogues in dir of fsys, as Load does.
func LoadFS(fsys fs.FS, dir string) (*Catalogue, error) {
	c := &Catalogue{msgs: map[Lang]map[string]string{}}
	for _, l := range Langs {
		c.msgs[l] = map[string]string{}
	}
	groups := map[string]map[Lang]map[string]string{}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".json") {
			continue
		}
		base := strings.TrimSuffix(name, ".json")
		dot := strings.LastIndexByte(base, '.')
		if dot < 0 {
			return nil, fmt.Errorf("i18n: %s: want GROUP.LANG.json", name)
		}
		group, code := base[:dot], base[dot+1:]
		lang, ok := Parse(code)
		if !ok || string(lang) != code {
			return nil, fmt.Errorf("i18n: %s: %q is not one of the portal's languages (es, en, pt, fr)", name, code)
		}
		raw, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", name, err)
		}
		if groups[group] == nil {
			groups[group] = map[Lang]map[string]string{}
		}
		groups[group][lang] = m
		for k, v := range m {
			if strings.TrimSpace(v) == "" {
				return nil, fmt.Errorf("i18n: %s: key %q has an empty message", name, k)
			}
			if _, dup := c.msgs[lang][k]; dup {
				return nil, fmt.Errorf("i18n: %s: key %q is defined in another group too", name, k)
			}
			c.msgs[lang][k] = v
		}
	}
	var problems []string
	for group, byLang := range groups {
		for _, l := range Langs {
			if byLang[l] == nil {
				problems = append(problems, fmt.Sprintf("group %s has no %s.%s.json", group, group, l))
			}
		}
	}
	for k := range c.msgs[EN] {
		c.keys = append(c.keys, k)
	}
	for _, l := range Langs {
		for k := range c.msgs[l] {
			for _, o := range Langs {
				if _, ok := c.msgs[o][k]; !ok {
					problems = append(problems, fmt.Sprintf("key %q is in %s but not in %s", k, l, o))
				}
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		if len(problems) > 20 {
			problems = append(problems[:20], fmt.Sprintf("… and %d more", len(problems)-20))
		}
		return nil, fmt.Errorf("i18n: the catalogues disagree:\n  %s", strings.Join(problems, "\n  "))
	}
	sort.Strings(c.keys)
	return c, nil
}

// Keys lists every key, sorted.
func (c *Catalogue) Keys() []string { return append([]string(nil), c.keys...) }

// Has reports whether key is in the catalogue.
func (c *Catalogue) Has(key string) bool { _, ok := c.msgs[EN][key]; return ok }

// T returns the message of key in lang with args put in. A key missing
// from the catalogue comes back as "⟦key⟧", which the tests look for.
func (c *Catalogue) T(lang Lang, key string, args ...any) string {
	m, ok := c.msgs[lang][key]
	if !ok {
		if m, ok = c.msgs[EN][key]; !ok {
			return "⟦" + key + "⟧"
		}
	}
	if len(args) == 0 {
		return m
	}
	return fmt.Sprintf(m, args...)
}
