package atalaya

// Value is one figure of an indicator: for an area, a period and, when the
// query asks for a breakdown, one category of it. Numbers that cannot be
// shown are nil, never zero: Count is nil when it is suppressed by
// disclosure control or not available, and NotAvailable then says why.
type Value struct {
	// Indicator is the catalogue id: "homicide-rate".
	Indicator string `json:"indicator"`
	// Area is the area code: "MEX", "MEX-09".
	Area string `json:"area"`
	// Period is YYYY, YYYY-Qn or YYYY-MM, or FROM/TO (e.g. "2015/2024")
	// for an aggregate over several periods.
	Period string `json:"period"`
	// Breakdown keys: empty (omitted) unless the query asked for them.
	Sex     string `json:"sex,omitempty"`
	Age     string `json:"age,omitempty"`
	Weapon  string `json:"weapon,omitempty"`
	Context string `json:"context,omitempty"`
	// SourceType is the source type the count comes from (the first one
	// in the indicator's order of preference that reports), or the
	// breakdown key when the query is by source.
	SourceType SourceType `json:"source_type,omitempty"`
	// Unit is the counting unit of Count.
	Unit CountingUnit `json:"unit,omitempty"`

	Count       *int64   `json:"count"`
	Denominator *int64   `json:"denominator"`
	Multiplier  int64    `json:"multiplier,omitempty"`
	Rate        *float64 `json:"rate"`
	CILow       *float64 `json:"ci_low"`
	CIHigh      *float64 `json:"ci_high"`

	// Standard names the standard population of an age-standardised rate
	// ("WHO 2000"); empty for a crude rate.
	Standard string `json:"standard,omitempty"`
	// Coverage is the share of the area's direct sub-areas that report
	// for the period, when the area has sub-areas.
	Coverage *float64 `json:"coverage,omitempty"`
	// Months is how many months of the period the source reports, for a
	// period of more than a month built from monthly data.
	Months int `json:"months,omitempty"`

	// Status is the publication status of the figure: published,
	// validated or preliminary (SDMX OBS_STATUS).
	Status Status `json:"status"`
	// Flags qualify the figure: small_count, suppressed, provisional,
	// partial_period, coverage, not_available.
	Flags []string `json:"flags"`
	// NotAvailable says why there is no figure, when there is none.
	NotAvailable string `json:"not_available,omitempty"`
}

// The flags a Value may carry.
const (
	FlagSmallCount    = "small_count"    // fewer than 20 events: the rate is unstable
	FlagSuppressed    = "suppressed"     // hidden by disclosure control
	FlagProvisional   = "provisional"    // not yet published
	FlagPartialPeriod = "partial_period" // months of the period are missing
	FlagCoverage      = "coverage"       // not every sub-area reports
	FlagNotAvailable  = "not_available"  // the inputs the indicator needs are missing
)

// HasFlag reports whether v carries flag.
func (v Value) HasFlag(flag string) bool {
	for _, f := range v.Flags {
		if f == flag {
			return true
		}
	}
	return false
}
