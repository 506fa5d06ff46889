package atalaya

// CountingUnit is what one record, or one unit of an observation's value,
// counts. Homicide is counted by victims, most crimes by offences, prisons
// by persons held on a date.
type CountingUnit string

// The counting units.
const (
	UnitOffence CountingUnit = "offence"
	UnitVictim  CountingUnit = "victim"
	UnitPerson  CountingUnit = "person" // persons held, arrested, prosecuted…
	UnitRate    CountingUnit = "rate"   // a published rate per 100,000: kept, never summed
	UnitOther   CountingUnit = "other"
)

// Valid reports whether u is a known counting unit.
func (u CountingUnit) Valid() bool {
	switch u {
	case UnitOffence, UnitVictim, UnitPerson, UnitRate, UnitOther:
		return true
	}
	return false
}

// Countable reports whether values in this unit can be summed into the cube.
func (u CountingUnit) Countable() bool {
	return u == UnitOffence || u == UnitVictim || u == UnitPerson
}

// Provenance says where a stored value came from.
type Provenance struct {
	Source         string `json:"source"`
	Batch          int64  `json:"batch"`
	File           string `json:"file"`
	Row            int64  `json:"row"` // 1-based data row within the file (the header is row 0)
	CodeList       string `json:"code_list,omitempty"`
	MappingVersion int    `json:"mapping_version,omitempty"`
	Status         Status `json:"status"`
}

// Record is one offence, one victim or one person, as a source recorded it.
// Incident records stay in the national node; only aggregates leave it.
type Record struct {
	ID  int64  `json:"id,omitempty"` // assigned by the store
	Key string `json:"key"`          // the source's record id, or a content hash; unique per source
	Provenance
	Unit         CountingUnit `json:"unit"`
	Date         string       `json:"date,omitempty"` // YYYY-MM-DD of occurrence, when known
	Period       string       `json:"period"`         // YYYY-MM
	Area         string       `json:"area"`           // the finest area the record is placed in
	Placement    Placement    `json:"placement"`
	Lat          float64      `json:"lat,omitempty"`
	Lon          float64      `json:"lon,omitempty"`
	HasPoint     bool         `json:"has_point,omitempty"`
	NationalCode string       `json:"national_code"`
	ICCS         string       `json:"iccs"`
	Sex          string       `json:"sex"`               // F, M, U
	Age          int          `json:"age"`               // years; -1 unknown
	AgeBand      string       `json:"age_band"`          // a band of the profile, or U
	Weapon       string       `json:"weapon"`            // a weapon code (see Weapons), or U
	Context      string       `json:"context,omitempty"` // situational context tag, e.g. femicide
}

// Weapon codes: the UN-CTS homicide mechanisms, condensed.
const (
	WeaponFirearm = "firearm"
	WeaponSharp   = "sharp" // knife or other sharp object
	WeaponOther   = "other" // another weapon, or none
	WeaponNone    = "none"  // without a weapon (bodily force)
	WeaponUnknown = "U"
)

// ValidWeapon reports whether w is a known weapon code.
func ValidWeapon(w string) bool {
	switch w {
	case WeaponFirearm, WeaponSharp, WeaponOther, WeaponNone, WeaponUnknown:
		return true
	}
	return false
}

// Context tags (ICCS situational context and related flags) known to the
// cube. Profiles and mappings may only use these, which bounds the cube.
const (
	ContextFemicide  = "femicide"
	ContextOrganised = "organised_crime"
	ContextIntimate  = "intimate_partner_family"
	ContextCyber     = "cyber"
	ContextNone      = ""
)

// ValidContext reports whether c is a known context tag or empty.
func ValidContext(c string) bool {
	switch c {
	case ContextNone, ContextFemicide, ContextOrganised, ContextIntimate, ContextCyber:
		return true
	}
	return false
}

// Observation is an aggregate value, shaped like an SDMX observation: a
// series key of dimensions, a period, a value and attributes. Counts of
// victims or offences that carry an ICCS code feed the cube.
type Observation struct {
	ID  int64  `json:"id,omitempty"`
	Key string `json:"key"` // the series key and period, unique per source
	Provenance
	Dataflow     string            `json:"dataflow"`  // e.g. "SESNSP_VICTIMS", "UNODC_CTS"
	Indicator    string            `json:"indicator"` // the source's measure, e.g. "Offences"
	Period       string            `json:"period"`    // YYYY, YYYY-Qn or YYYY-MM
	Area         string            `json:"area"`
	NationalCode string            `json:"national_code,omitempty"`
	ICCS         string            `json:"iccs,omitempty"`
	Sex          string            `json:"sex"`
	AgeBand      string            `json:"age_band"`
	Weapon       string            `json:"weapon"`
	Context      string            `json:"context,omitempty"`
	Unit         CountingUnit      `json:"unit"`
	Value        float64           `json:"value"`
	Dims         map[string]string `json:"dims,omitempty"` // further dimensions
	// Rollup says that the source's rows are disjoint parts of their parent
	// areas and ICCS categories (SESNSP's states and subtypes), so that the
	// cube may add them up to every level. Without it a value counts only
	// at its own area and ICCS code: sources that send a total next to its
	// parts (UNODC's "Theft" and "Theft of a motorized vehicle", a nation
	// and its regions) are never added on top of themselves.
	Rollup     bool              `json:"rollup,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"` // OBS_STATUS, source notes…
}
