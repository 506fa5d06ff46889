// Package indicator holds the catalogue of comparable indicators: what each
// indicator counts, over what, per how many, by which breakdowns, and how its
// public cells are protected. The catalogue is data (data/indicators.yaml,
// embedded), not code: adding an indicator is adding a YAML entry, which
// Load checks strictly. docs/indicators.md is rendered from it by
// `atalaya indicators docs`.
//
// The package describes indicators; computing their values from the cube is
// the evaluator's job. The rules an evaluator must follow are written once,
// in the doc comments below and in the "Rules common to every indicator"
// section of docs/indicators.md.
package indicator

import (
	"github.com/oas-atalaya/atalaya"
)

// Languages are the languages every name and definition must be given in,
// in the order documents show them.
var Languages = []string{"en", "es", "pt", "fr"}

// NoteLanguages are the languages comparability notes must be given in.
var NoteLanguages = []string{"en", "es"}

// languageNames are the names of the languages in themselves.
var languageNames = map[string]string{"en": "English", "es": "Español", "pt": "Português", "fr": "Français"}

// Text is a text by language code: "en", "es", "pt" (Brazilian usage) and
// "fr".
type Text map[string]string

// Kind is how an indicator relates its numerator to its denominator.
type Kind string

// The kinds of indicator.
const (
	// KindRate is a count over a mid-year resident population, times a
	// multiplier (100,000): victims of intentional homicide per 100,000
	// inhabitants.
	KindRate Kind = "rate"
	// KindShare is a count over the same count with some of its filters
	// relaxed, times 100: homicides by firearm as a percentage of all
	// homicides whose weapon is known.
	KindShare Kind = "share"
	// KindRatio is a count from some source types over the same count from
	// other source types, times 1: homicide victims recorded by police or
	// prosecution per victim recorded by health services.
	KindRatio Kind = "ratio"
)

// Periods an indicator is computed for.
const (
	PeriodYear  = "year"  // YYYY
	PeriodMonth = "month" // YYYY-MM; rates over the mid-year population of the year, not annualised
)

// Dimensions a numerator can be filtered on and an indicator broken down by.
const (
	DimSex     = "sex"
	DimAge     = "age"
	DimWeapon  = "weapon"
	DimContext = "context"
	DimSource  = "source" // breakdowns only: one value per source type
)

// Catalogue is the list of indicators, in the order the file gives them.
type Catalogue struct {
	Indicators []Indicator `yaml:"indicators"`

	byID map[string]int
}

// Indicator is one comparable indicator.
type Indicator struct {
	// ID is a stable slug ("homicide-rate"): lower-case letters, digits
	// and hyphens, starting with a letter. Releases and URLs use it.
	ID string `yaml:"id"`
	// SDG is the Sustainable Development Goal indicator it implements, if
	// any: "16.1.1".
	SDG string `yaml:"sdg,omitempty"`
	// Name is the short name, in every language of Languages.
	Name Text `yaml:"name"`
	// Definition says what is counted, over what, and the rules a reader
	// needs (what the denominator leaves out), in every language.
	Definition Text `yaml:"definition"`
	// Kind is rate, share or ratio.
	Kind Kind `yaml:"kind"`
	// Numerator is what is counted.
	Numerator Numerator `yaml:"numerator"`
	// Denominator is what the count is divided by.
	Denominator *Denominator `yaml:"denominator"`
	// Period is year or month.
	Period string `yaml:"period"`
	// Disclosure protects small counts in public outputs.
	Disclosure Disclosure `yaml:"disclosure"`
	// Breakdowns are the dimensions the indicator may be shown by, besides
	// period and area: sex, age, weapon, context, source.
	Breakdowns []string `yaml:"breakdowns,omitempty"`
	// Notes are the comparability notes: which national codes feed the
	// numerator, what differs between sources and countries. English and
	// Spanish are required.
	Notes Text `yaml:"notes"`
}

// Numerator is a count taken from the cube: the cells of the given ICCS
// categories (each cube cell of a category already includes its
// subcategories), in one counting unit, from the allowed source types,
// whose sex, age band, weapon and context pass the filter.
type Numerator struct {
	// ICCS lists the categories counted. A code stands for itself and its
	// descendants; no code may be a descendant of another in the list
	// (it would be counted twice).
	ICCS Codes `yaml:"iccs"`
	// Unit is the counting unit: victim, offence or person. Cells in
	// another unit are never added in.
	Unit atalaya.CountingUnit `yaml:"unit"`
	// SourceTypes is an order of preference, never a sum: counts from
	// different source types describe the same events and are never added
	// together. A value uses the first listed source type that reports
	// for the area and period, and says which. Empty means every source
	// type, in the order police, prosecution, health, prison, survey,
	// international, statistics.
	SourceTypes []atalaya.SourceType `yaml:"source_types,omitempty"`
	// Filter keeps only the cells whose tags match. Empty fields keep
	// everything.
	Filter `yaml:",inline"`
}

// Filter selects cube cells by their tags. Each field lists the accepted
// codes; an empty field accepts every code. An age band in a filter
// accepts the cells whose band lies inside it ("15-29" accepts "15-17",
// "18-19", "20-24", "25-29" and "15-29"); a cell whose band straddles it
// ("0-17") makes the value unavailable for that source, never a guess.
type Filter struct {
	Sex     Codes `yaml:"sex,omitempty"`     // F, M, U
	Age     Codes `yaml:"age,omitempty"`     // bands: "15-29", "60+", or U
	Weapon  Codes `yaml:"weapon,omitempty"`  // firearm, sharp, other, none, U
	Context Codes `yaml:"context,omitempty"` // femicide, organised_crime, intimate_partner_family, cyber
}

// Codes is a list of codes; in YAML a single code may be written without
// brackets (`sex: F` is `sex: [F]`).
type Codes []string

// Denominator is what a numerator is divided by. A rate has Population; a
// share has Relax (and perhaps Exclude); a ratio has SourceTypes. Every
// kind has a Multiplier.
type Denominator struct {
	// Population is the mid-year resident population of the area, for a
	// rate.
	Population *PopulationSpec `yaml:"population,omitempty"`
	// Relax names the numerator's filters that a share's denominator drops:
	// [weapon] makes the denominator all homicides, whatever the weapon.
	Relax []string `yaml:"relax,omitempty"`
	// Exclude leaves cells out of a share's denominator, on relaxed
	// dimensions only: {weapon: U} leaves out the homicides whose weapon
	// is not stated, so that the share is of the homicides whose weapon is
	// known.
	Exclude Filter `yaml:"exclude,omitempty"`
	// SourceTypes, for a ratio, are the source types of the denominator's
	// count (an order of preference, like the numerator's); the rest of
	// the count is the numerator's.
	SourceTypes []atalaya.SourceType `yaml:"source_types,omitempty"`
	// Multiplier scales the quotient: 100000 for a rate per 100,000, 100
	// for a percentage, 1 for a ratio.
	Multiplier int64 `yaml:"multiplier"`
}

// PopulationSpec selects the population of a rate's denominator. A
// sex-specific rate uses the population of that sex: a numerator kept to
// sex F is divided by the female population, never by the total.
type PopulationSpec struct {
	Sex string `yaml:"sex"` // T, F or M
	Age string `yaml:"age"` // T, or a band such as "15-29"
}

// Disclosure is the small-cell rule for public outputs.
type Disclosure struct {
	// MinCount is the smallest count published, by area level (0 country,
	// 1 state, 2 municipality…). A count from 1 to MinCount−1 is
	// suppressed, with every value computed from it (the rate, the share);
	// zero is published. A level not listed takes the value of the deepest
	// listed level above it. Level 0 must be listed, and values may not
	// decrease with depth.
	MinCount map[int]int64 `yaml:"min_count"`
}

// MinCountAt returns the smallest publishable count at an area level.
func (d Disclosure) MinCountAt(level int) int64 {
	for l := level; l >= 0; l-- {
		if n, ok := d.MinCount[l]; ok {
			return n
		}
	}
	return 1
}

// Lookup returns the indicator with the given id. On a catalogue from Load
// or Default it is safe for concurrent use.
func (c *Catalogue) Lookup(id string) (Indicator, bool) {
	if c.byID == nil {
		c.index()
	}
	i, ok := c.byID[id]
	if !ok {
		return Indicator{}, false
	}
	return c.Indicators[i], true
}

// IDs returns the ids of the indicators, in catalogue order.
func (c *Catalogue) IDs() []string {
	ids := make([]string, len(c.Indicators))
	for i, ind := range c.Indicators {
		ids[i] = ind.ID
	}
	return ids
}

func (c *Catalogue) index() {
	c.byID = make(map[string]int, len(c.Indicators))
	for i, ind := range c.Indicators {
		if _, dup := c.byID[ind.ID]; !dup {
			c.byID[ind.ID] = i
		}
	}
}

// SourceTypesOrDefault returns the numerator's source types in order of
// preference, with the default order when the catalogue lists none.
func (n Numerator) SourceTypesOrDefault() []atalaya.SourceType {
	if len(n.SourceTypes) > 0 {
		return n.SourceTypes
	}
	return allSourceTypes
}

var allSourceTypes = []atalaya.SourceType{
	atalaya.SourcePolice, atalaya.SourceProsecution, atalaya.SourceHealth, atalaya.SourcePrison,
	atalaya.SourceSurvey, atalaya.SourceInternational, atalaya.SourceStatistics,
}

// Codes returns the filter's codes for a dimension (sex, age, weapon or
// context).
func (f Filter) Codes(dim string) Codes {
	switch dim {
	case DimSex:
		return f.Sex
	case DimAge:
		return f.Age
	case DimWeapon:
		return f.Weapon
	case DimContext:
		return f.Context
	}
	return nil
}

// Empty reports whether the filter accepts every cell.
func (f Filter) Empty() bool {
	return len(f.Sex) == 0 && len(f.Age) == 0 && len(f.Weapon) == 0 && len(f.Context) == 0
}

// filterDims are the dimensions of a Filter, in document order.
var filterDims = []string{DimSex, DimAge, DimWeapon, DimContext}
