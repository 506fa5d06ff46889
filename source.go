package atalaya

// SourceType is the kind of institution a source is. Homicide counts from
// police or prosecution and from forensic/health services differ; the source
// type is kept as a dimension so that the ratio between them can be shown.
type SourceType string

// The source types.
const (
	SourcePolice        SourceType = "police"
	SourceProsecution   SourceType = "prosecution"
	SourceHealth        SourceType = "health" // forensic medicine, death certificates
	SourcePrison        SourceType = "prison"
	SourceSurvey        SourceType = "survey"
	SourceInternational SourceType = "international" // compilations such as UNODC's UN-CTS
	SourceStatistics    SourceType = "statistics"    // statistics offices: populations, censuses
)

// Valid reports whether t is a known source type.
func (t SourceType) Valid() bool {
	switch t {
	case SourcePolice, SourceProsecution, SourceHealth, SourcePrison, SourceSurvey, SourceInternational, SourceStatistics:
		return true
	}
	return false
}

// Source is an agency that sends data to the node.
type Source struct {
	ID          string     `json:"id"` // slug, e.g. "mx-sesnsp"
	Agency      string     `json:"agency"`
	Type        SourceType `json:"type"`
	Country     string     `json:"country,omitempty"`
	Licence     string     `json:"licence,omitempty"`
	Attribution string     `json:"attribution,omitempty"` // text shown wherever its data is
}

// Validate checks a source.
func (s Source) Validate() error {
	switch {
	case !validSlug(s.ID):
		return Errorf(EINVALID, "source id %q must be lower-case letters, digits and hyphens", s.ID)
	case s.Agency == "":
		return Errorf(EINVALID, "source %s has no agency name", s.ID)
	case !s.Type.Valid():
		return Errorf(EINVALID, "source %s: type %q must be police, prosecution, health, prison, survey, international or statistics", s.ID, s.Type)
	}
	return nil
}

func validSlug(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
