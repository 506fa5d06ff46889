package atalaya

import (
	"regexp"
	"strings"
)

// Area is a country or a subnational area (state, municipality, city
// district, police beat).
//
// Codes are globally unique across nodes:
//   - a country is its ISO 3166-1 alpha-3 code: "MEX", "COL";
//   - a subnational area is its country's code, a hyphen, and the national
//     code of the area, with further hyphens for deeper levels when the
//     national code is not itself unique: Mexico's states are "MEX-" and the
//     INEGI CVE_ENT ("MEX-09" is Ciudad de México), a municipality would be
//     "MEX-09-015" (CVE_ENT and CVE_MUN).
//
// Level 0 is a country; each level below adds one.
type Area struct {
	Code      string            `json:"code"`
	Country   string            `json:"country"`
	Parent    string            `json:"parent,omitempty"`
	Level     int               `json:"level"`
	Name      string            `json:"name"`
	Names     map[string]string `json:"names,omitempty"`      // by language: es, en, pt, fr
	ValidFrom string            `json:"valid_from,omitempty"` // YYYY-MM-DD, empty = always
	ValidTo   string            `json:"valid_to,omitempty"`   // YYYY-MM-DD, empty = still valid
	Boundary  []byte            `json:"-"`                    // GeoJSON geometry, WGS84; may be nil
	Source    string            `json:"source,omitempty"`     // where the area and its boundary come from
}

var (
	countryCodeRE = regexp.MustCompile(`^[A-Z]{3}$`)
	areaCodeRE    = regexp.MustCompile(`^[A-Z]{3}(-[A-Za-z0-9_.]{1,20}){0,6}$`)
)

// ValidCountryCode reports whether code looks like an ISO 3166-1 alpha-3 code.
func ValidCountryCode(code string) bool { return countryCodeRE.MatchString(code) }

// ValidAreaCode reports whether code follows the area code scheme.
func ValidAreaCode(code string) bool { return areaCodeRE.MatchString(code) }

// AreaCountry returns the country part of an area code.
func AreaCountry(code string) string {
	c, _, _ := strings.Cut(code, "-")
	return c
}

// SubAreaCode builds the code of a subnational area from its parent's code
// and its national code: SubAreaCode("MEX", "09") is "MEX-09".
func SubAreaCode(parent, national string) string {
	return parent + "-" + national
}

// Validate checks an area's fields and returns an EINVALID error naming the
// first problem.
func (a Area) Validate() error {
	switch {
	case !ValidAreaCode(a.Code):
		return Errorf(EINVALID, "area code %q does not follow the scheme ISO3[-code…] (e.g. MEX or MEX-09)", a.Code)
	case a.Level == 0 && a.Parent != "":
		return Errorf(EINVALID, "area %s: a country (level 0) has no parent", a.Code)
	case a.Level == 0 && !ValidCountryCode(a.Code):
		return Errorf(EINVALID, "area %s: a country code must be ISO 3166-1 alpha-3", a.Code)
	case a.Level > 0 && a.Parent == "":
		return Errorf(EINVALID, "area %s: level %d needs a parent", a.Code, a.Level)
	case a.Level < 0 || a.Level > 6:
		return Errorf(EINVALID, "area %s: level %d is out of range 0–6", a.Code, a.Level)
	case AreaCountry(a.Code) != a.Country:
		return Errorf(EINVALID, "area %s: country %q does not match the code's prefix", a.Code, a.Country)
	case strings.TrimSpace(a.Name) == "":
		return Errorf(EINVALID, "area %s has no name", a.Code)
	}
	return nil
}

// Placement says how a record got its area.
type Placement string

// The ways a record is placed.
const (
	PlacedByCode    Placement = "code"    // an area code column, checked against the hierarchy
	PlacedByPoint   Placement = "point"   // coordinates inside an area's boundary
	PlacedByNearest Placement = "nearest" // coordinates just outside every boundary, within the tolerance
)
