// Package ingest turns the files that police, prosecutors, health services
// and prisons send into records and observations: it reads them through a
// source profile (a data file, not code), validates and classifies every
// row, places it in an area, and stores the batch atomically with its
// rejected rows and its cube delta.
package ingest

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"go.yaml.in/yaml/v3"
)

// Profile describes one source's file format: which columns hold what, how
// values are written, which code list classifies the offences and how a row
// is placed. Profiles are YAML files; docs/formats.md documents every field.
type Profile struct {
	Name             string         `yaml:"name"`
	Description      string         `yaml:"description"`
	Kind             string         `yaml:"kind"` // records, aggregates or population
	Source           atalaya.Source `yaml:"source"`
	File             FileSpec       `yaml:"file"`
	Unit             string         `yaml:"unit"` // counting unit of records or aggregate values
	Dataflow         string         `yaml:"dataflow"`
	Required         []string       `yaml:"required"` // columns that must be in the header
	Key              []string       `yaml:"key"`      // columns that identify a row; empty = content hash
	Period           PeriodSpec     `yaml:"period"`
	Area             AreaSpec       `yaml:"area"`
	Offence          OffenceSpec    `yaml:"offence"`
	Value            string         `yaml:"value"`  // aggregates: the column with the value
	Values           []ValueSpec    `yaml:"values"` // population: wide columns, one per sex
	Sex              CodedSpec      `yaml:"sex"`
	Age              AgeSpec        `yaml:"age"`
	Weapon           CodedSpec      `yaml:"weapon"`
	Context          CodedSpec      `yaml:"context"`
	UnitColumn       CodedSpec      `yaml:"unit_column"` // aggregates: a column naming the unit of each value
	Indicator        string         `yaml:"indicator"`   // aggregates: column naming the source's measure
	Dims             []string       `yaml:"dims"`        // aggregates: further columns kept as dimensions
	Rollup           bool           `yaml:"rollup"`      // aggregates: rows are disjoint parts; add them up to parent areas and ICCS categories
	Attributes       []string       `yaml:"attributes"`  // aggregates: columns kept as attributes
	Status           string         `yaml:"status"`      // initial status; default preliminary
	Attribution      string         `yaml:"attribution"` // text shown wherever the data is
	PopulationSource string         `yaml:"population_source"`
}

// FileSpec says how the file is written.
type FileSpec struct {
	Format    string `yaml:"format"`    // csv, xlsx, jsonl, sdmx-csv; empty = by extension
	Encoding  string `yaml:"encoding"`  // auto, utf-8, latin-1, windows-1252
	Delimiter string `yaml:"delimiter"` // ",", ";", "tab", "|"; empty = detect
	Decimal   string `yaml:"decimal"`   // "." (default) or ","
	Thousands string `yaml:"thousands"` // grouping separator to ignore, e.g. "." or " "
	Sheet     string `yaml:"sheet"`     // xlsx sheet name
	SkipRows  int    `yaml:"skip_rows"` // lines before the header
}

// PeriodSpec says where the period of a row is.
type PeriodSpec struct {
	Date       string `yaml:"date"`        // a date column
	DateFormat string `yaml:"date_format"` // layout: "YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY hh:mm:ss AM"…
	Year       string `yaml:"year"`        // a year column
	Month      string `yaml:"month"`       // a month column (1–12, or month names in es/en/pt/fr)
	Period     string `yaml:"period"`      // a column with YYYY, YYYY-MM or YYYY-Qn
	NotBefore  string `yaml:"not_before"`  // earliest acceptable date, default 1900-01-01
}

// AreaSpec says how a row is placed.
type AreaSpec struct {
	Code      string            `yaml:"code"`         // a column with the area's code
	Prefix    string            `yaml:"prefix"`       // prepended to the column's value: "MEX-"
	Map       map[string]string `yaml:"map"`          // special values: {"00": "MEX"}
	Lat       string            `yaml:"lat"`          // latitude column (WGS84 decimal degrees)
	Lon       string            `yaml:"lon"`          // longitude column
	Within    string            `yaml:"within"`       // area whose descendants' boundaries are used; default the source's country
	Level     int               `yaml:"level"`        // level of the areas to place points in; 0 = the finest with boundaries
	Tolerance float64           `yaml:"tolerance_km"` // nearest-area fallback distance; default 5
	Missing   []string          `yaml:"missing"`      // coordinate values meaning "no location", e.g. "0"
}

// OffenceSpec says how a row's offence is classified.
type OffenceSpec struct {
	Columns  []string       `yaml:"columns"`         // joined with " / " to form the national code
	CodeList string         `yaml:"code_list"`       // the national code list; "iccs" = ICCS codes directly
	Version  int            `yaml:"mapping_version"` // 0 = the latest mapping
	When     *ConditionSpec `yaml:"when"`            // classify only rows matching this condition
}

// ConditionSpec restricts a rule to rows whose column has one of the values.
type ConditionSpec struct {
	Column string   `yaml:"column"`
	In     []string `yaml:"in"`
}

// CodedSpec maps a column's values to Atalaya codes.
type CodedSpec struct {
	Column  string            `yaml:"column"`
	Map     map[string]string `yaml:"map"`     // source value → code
	Default string            `yaml:"default"` // used when the column is absent or empty
	Other   string            `yaml:"other"`   // used for values not in Map; empty = reject the row
}

// AgeSpec maps ages to the profile's bands.
type AgeSpec struct {
	CodedSpec `yaml:",inline"`
	Numeric   bool     `yaml:"numeric"` // the column holds ages in years
	Bands     []string `yaml:"bands"`   // for numeric ages: "0-17", "18-29", "60+"
	Unknown   []string `yaml:"unknown"` // values meaning "not stated", e.g. "0" in LAPD exports
}

// ValueSpec is one wide value column of a population file.
type ValueSpec struct {
	Column  string `yaml:"column"`
	Sex     string `yaml:"sex"`
	AgeBand string `yaml:"age_band"`
}

// Profile kinds.
const (
	KindRecords    = "records"
	KindAggregates = "aggregates"
	KindPopulation = "population"
)

// ParseProfile reads a YAML profile strictly: unknown fields are errors, so
// that a typo does not silently drop a column.
func ParseProfile(r io.Reader, name string) (*Profile, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, atalaya.Errorf(atalaya.EINVALID, "profile %s: %v", name, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, atalaya.Errorf(atalaya.EINVALID, "profile %s: %v", name, strings.ReplaceAll(err.Error(), "yaml: ", ""))
	}
	if err := p.Validate(); err != nil {
		return nil, atalaya.Errorf(atalaya.EINVALID, "profile %s: %s", name, atalaya.ErrorMessage(err))
	}
	return &p, nil
}

// LoadProfile returns a built-in profile by name, or reads the file at
// nameOrPath when it is not a built-in name.
func LoadProfile(nameOrPath string) (*Profile, error) {
	if f, err := builtinProfiles.Open("profiles/" + nameOrPath + ".yaml"); err == nil {
		defer f.Close()
		return ParseProfile(f, nameOrPath)
	}
	f, err := os.Open(nameOrPath)
	if err != nil {
		return nil, atalaya.Errorf(atalaya.ENOTFOUND, "profile %q is neither a built-in profile (%s) nor a readable file", nameOrPath, strings.Join(BuiltinProfiles(), ", "))
	}
	defer f.Close()
	return ParseProfile(f, nameOrPath)
}

// Validate checks a profile for consistency and fills in defaults.
func (p *Profile) Validate() error {
	if p.Name == "" {
		return atalaya.Errorf(atalaya.EINVALID, "name is missing")
	}
	if p.Status == "" {
		p.Status = string(atalaya.StatusPreliminary)
	}
	if !atalaya.Status(p.Status).Valid() {
		return atalaya.Errorf(atalaya.EINVALID, "status %q must be preliminary, validated or published", p.Status)
	}
	{
		if err := p.Source.Validate(); err != nil {
			return atalaya.Errorf(atalaya.EINVALID, "source: %s", atalaya.ErrorMessage(err))
		}
	}
	switch p.File.Decimal {
	case "":
		p.File.Decimal = "."
	case ".", ",":
	default:
		return atalaya.Errorf(atalaya.EINVALID, "file.decimal %q must be \".\" or \",\"", p.File.Decimal)
	}
	if p.File.Decimal == p.File.Thousands {
		return atalaya.Errorf(atalaya.EINVALID, "file.decimal and file.thousands are both %q", p.File.Decimal)
	}
	if p.Area.Tolerance == 0 {
		p.Area.Tolerance = 5
	}
	if p.Area.Code == "" && (p.Area.Lat == "" || p.Area.Lon == "") {
		return atalaya.Errorf(atalaya.EINVALID, "area: give a code column, or lat and lon columns")
	}
	if p.Area.Code == "" && p.Kind != KindRecords {
		return atalaya.Errorf(atalaya.EINVALID, "area.code: %s are placed by an area code column; lat and lon are for records", p.Kind)
	}
	if p.Period.Date == "" && p.Period.Year == "" && p.Period.Period == "" {
		return atalaya.Errorf(atalaya.EINVALID, "period: give a date, year (and month) or period column")
	}
	if p.Period.Date != "" && p.Period.DateFormat == "" {
		p.Period.DateFormat = "YYYY-MM-DD"
	}
	switch p.Kind {
	case KindRecords, KindAggregates:
		u := atalaya.CountingUnit(p.Unit)
		if !u.Valid() {
			return atalaya.Errorf(atalaya.EINVALID, "unit %q must be offence, victim, person, rate or other", p.Unit)
		}
		if len(p.Offence.Columns) == 0 && p.Kind == KindRecords {
			return atalaya.Errorf(atalaya.EINVALID, "offence.columns: records need an offence column")
		}
		if len(p.Offence.Columns) > 0 && p.Offence.CodeList == "" {
			return atalaya.Errorf(atalaya.EINVALID, "offence.code_list is missing")
		}
		if p.Kind == KindAggregates && len(p.Key) > 0 {
			return atalaya.Errorf(atalaya.EINVALID, "key: aggregates are identified by their dimensions (area, period, offence, sex, age, weapon, context, unit, dims); remove key")
		}
		if p.Kind == KindAggregates && p.Value == "" {
			return atalaya.Errorf(atalaya.EINVALID, "value: aggregates need a value column")
		}
		if p.Kind == KindRecords && p.Value != "" {
			return atalaya.Errorf(atalaya.EINVALID, "value: records count one each; use kind: aggregates for a value column")
		}
	case KindPopulation:
		if len(p.Values) == 0 && p.Value == "" {
			return atalaya.Errorf(atalaya.EINVALID, "values: a population profile needs value columns")
		}
		for _, v := range p.Values {
			if v.Column == "" || (v.Sex != "" && !atalaya.ValidSex(v.Sex)) {
				return atalaya.Errorf(atalaya.EINVALID, "values: column %q sex %q: each needs a column and a sex of F, M or T", v.Column, v.Sex)
			}
		}
	default:
		return atalaya.Errorf(atalaya.EINVALID, "kind %q must be records, aggregates or population", p.Kind)
	}
	for _, b := range p.Age.Bands {
		if _, _, ok := atalaya.ParseAgeBand(b); !ok {
			return atalaya.Errorf(atalaya.EINVALID, "age.bands: %q is not a band like 15-29 or 60+", b)
		}
	}
	for k, v := range p.Sex.Map {
		if !atalaya.ValidSex(v) {
			return atalaya.Errorf(atalaya.EINVALID, "sex.map: %q → %q; use F, M, U or T", k, v)
		}
	}
	for k, v := range p.Weapon.Map {
		if !atalaya.ValidWeapon(v) {
			return atalaya.Errorf(atalaya.EINVALID, "weapon.map: %q → %q; use firearm, sharp, other, none or U", k, v)
		}
	}
	for k, v := range p.Context.Map {
		if !atalaya.ValidContext(v) {
			return atalaya.Errorf(atalaya.EINVALID, "context.map: %q → %q; use femicide, organised_crime, intimate_partner_family, cyber or nothing", k, v)
		}
	}
	for k, v := range p.Age.Map {
		if !atalaya.ValidAgeBand(v) {
			return atalaya.Errorf(atalaya.EINVALID, "age.map: %q → %q is not a band like 15-29, 60+, T or U", k, v)
		}
	}
	return nil
}

// Columns lists every column the profile reads, required first.
func (p *Profile) Columns() []string {
	seen := map[string]bool{}
	var out []string
	add := func(cs ...string) {
		for _, c := range cs {
			if c != "" && !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	add(p.Required...)
	add(p.Key...)
	add(p.Period.Date, p.Period.Year, p.Period.Month, p.Period.Period)
	add(p.Area.Code, p.Area.Lat, p.Area.Lon)
	add(p.Offence.Columns...)
	if p.Offence.When != nil {
		add(p.Offence.When.Column)
	}
	add(p.Value, p.Sex.Column, p.Age.Column, p.Weapon.Column, p.Context.Column, p.UnitColumn.Column, p.Indicator)
	for _, v := range p.Values {
		add(v.Column)
	}
	add(p.Dims...)
	add(p.Attributes...)
	return out
}

// BuiltinProfiles returns the names of the profiles shipped with Atalaya.
func BuiltinProfiles() []string {
	entries, _ := builtinProfiles.ReadDir("profiles")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

func (p *Profile) String() string { return fmt.Sprintf("%s (%s)", p.Name, p.Kind) }

// ProfileSource opens the YAML text of a built-in profile.
func ProfileSource(name string) (io.ReadCloser, error) {
	f, err := builtinProfiles.Open("profiles/" + name + ".yaml")
	if err != nil {
		return nil, atalaya.Errorf(atalaya.ENOTFOUND, "no built-in profile %q", name)
	}
	return f, nil
}
