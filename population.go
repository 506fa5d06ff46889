package atalaya

// Sex codes, as in SDMX's CL_SEX: F female, M male, U unknown or not
// stated, T total (both sexes, used for populations and totals).
const (
	SexFemale  = "F"
	SexMale    = "M"
	SexUnknown = "U"
	SexTotal   = "T"
)

// ValidSex reports whether s is a known sex code.
func ValidSex(s string) bool {
	switch s {
	case SexFemale, SexMale, SexUnknown, SexTotal:
		return true
	}
	return false
}

// Age band codes are "LO-HI" (inclusive, in years: "15-29"), "LO+" (open:
// "60+"), AgeTotal for all ages and AgeUnknown when not stated. The set of
// bands a source uses is declared in its profile, which bounds the cube.
const (
	AgeTotal   = "T"
	AgeUnknown = "U"
)

// Population is a mid-year resident population of an area.
type Population struct {
	Area    string `json:"area"`
	Year    int    `json:"year"`
	Sex     string `json:"sex"`      // F, M or T
	AgeBand string `json:"age_band"` // "T" for all ages, or a band such as "15-29"
	Value   int64  `json:"value"`
	Source  string `json:"source"` // e.g. "CONAPO projections 2023"
}

// Validate checks a population row.
func (p Population) Validate() error {
	switch {
	case !ValidAreaCode(p.Area):
		return Errorf(EINVALID, "population: area code %q is not valid", p.Area)
	case p.Year < 1900 || p.Year > 2200:
		return Errorf(EINVALID, "population %s: year %d is out of range", p.Area, p.Year)
	case p.Sex != SexFemale && p.Sex != SexMale && p.Sex != SexTotal:
		return Errorf(EINVALID, "population %s %d: sex %q must be F, M or T", p.Area, p.Year, p.Sex)
	case !ValidAgeBand(p.AgeBand) || p.AgeBand == AgeUnknown:
		return Errorf(EINVALID, "population %s %d: age band %q is not valid", p.Area, p.Year, p.AgeBand)
	case p.Value < 0:
		return Errorf(EINVALID, "population %s %d: value %d is negative", p.Area, p.Year, p.Value)
	}
	return nil
}

// ValidAgeBand reports whether b is "T", "U", "LO-HI" or "LO+".
func ValidAgeBand(b string) bool {
	if b == AgeTotal || b == AgeUnknown {
		return true
	}
	_, _, ok := ParseAgeBand(b)
	return ok
}

// ParseAgeBand returns the bounds of a band; hi is -1 for an open band.
func ParseAgeBand(b string) (lo, hi int, ok bool) {
	n := len(b)
	if n >= 2 && b[n-1] == '+' {
		lo, ok = atoiSmall(b[:n-1])
		return lo, -1, ok
	}
	for i := 0; i < n; i++ {
		if b[i] == '-' {
			lo, ok1 := atoiSmall(b[:i])
			hi, ok2 := atoiSmall(b[i+1:])
			return lo, hi, ok1 && ok2 && lo <= hi
		}
	}
	return 0, 0, false
}

func atoiSmall(s string) (int, bool) {
	if s == "" || len(s) > 3 {
		return 0, false
	}
	v := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + int(s[i]-'0')
	}
	return v, v <= 150
}
