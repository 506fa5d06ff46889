package atalaya

// CubeKey is the set of dimensions of a cube cell. Every area level and
// every ICCS level has its own cells, so a query never sums children at read
// time.
type CubeKey struct {
	Period     string       `json:"period"` // YYYY-MM for monthly data, YYYY for annual data
	Area       string       `json:"area"`
	ICCS       string       `json:"iccs"`
	Sex        string       `json:"sex"`
	AgeBand    string       `json:"age_band"`
	Weapon     string       `json:"weapon"`
	Context    string       `json:"context"`
	SourceType SourceType   `json:"source_type"`
	Unit       CountingUnit `json:"unit"`
	Status     Status       `json:"status"`
}

// CubeCell is a count in the cube.
type CubeCell struct {
	CubeKey
	Count int64 `json:"count"`
}

// CubeFilter selects cube cells. Empty fields match anything.
type CubeFilter struct {
	Areas      []string
	ICCS       []string
	PeriodFrom string
	PeriodTo   string
	SourceType SourceType
	Unit       CountingUnit
}
