package atalaya

import "strings"

// CodeList is a national list of offence codes or labels, such as the
// SESNSP "subtipo de delito" list or a police department's crime codes.
type CodeList struct {
	ID          string `json:"id"` // slug, e.g. "mx-sesnsp-victimas"
	Name        string `json:"name"`
	Country     string `json:"country"` // ISO 3166-1 alpha-3, or "" for an international list
	Description string `json:"description,omitempty"`
}

// Disaggregation is what a national code implies beyond its ICCS category:
// "Feminicidio" implies a female victim and the femicide context; "Homicidio
// doloso / Con arma de fuego" implies weapon = firearm. Empty fields imply
// nothing.
type Disaggregation struct {
	Sex     string `json:"sex,omitempty"`
	Weapon  string `json:"weapon,omitempty"`
	Context string `json:"context,omitempty"`
}

// MappingEntry maps one national code to one ICCS code. Many national codes
// may map to the same ICCS code.
type MappingEntry struct {
	NationalCode string         `json:"national_code"` // the code or label as it appears in files
	Label        string         `json:"label,omitempty"`
	ICCS         string         `json:"iccs"`
	Implies      Disaggregation `json:"implies"`
	Note         string         `json:"note,omitempty"`
}

// Mapping is one version of a code list's correspondence to ICCS. Versions
// are numbered from 1 and never change once stored; a correction is a new
// version, and every record keeps the version that classified it.
type Mapping struct {
	CodeList  string         `json:"code_list"`
	Version   int            `json:"version"`
	ValidFrom string         `json:"valid_from,omitempty"` // YYYY-MM-DD
	Note      string         `json:"note,omitempty"`
	CreatedAt string         `json:"created_at,omitempty"`
	Entries   []MappingEntry `json:"entries"`
}

// NormalizeCode folds a national code or label for matching: trimmed,
// inner spaces collapsed, lower case. Accents are kept: "Extorsión" and
// "Extorsion" are different labels and should both be listed if both occur.
func NormalizeCode(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// Lookup returns the entry for a national code, matching NormalizeCode forms.
func (m *Mapping) Lookup(code string) (MappingEntry, bool) {
	n := NormalizeCode(code)
	for _, e := range m.Entries {
		if NormalizeCode(e.NationalCode) == n {
			return e, true
		}
	}
	return MappingEntry{}, false
}

// Index returns a map from normalised national code to entry, for fast lookup
// in loops.
func (m *Mapping) Index() map[string]MappingEntry {
	idx := make(map[string]MappingEntry, len(m.Entries))
	for _, e := range m.Entries {
		idx[NormalizeCode(e.NationalCode)] = e
	}
	return idx
}

// Validate checks that every entry names a syntactically valid ICCS code and
// that no national code appears twice.
func (m *Mapping) Validate() error {
	if m.CodeList == "" {
		return Errorf(EINVALID, "mapping has no code list")
	}
	seen := make(map[string]bool, len(m.Entries))
	for i, e := range m.Entries {
		n := NormalizeCode(e.NationalCode)
		switch {
		case n == "":
			return Errorf(EINVALID, "mapping %s entry %d: empty national code", m.CodeList, i+1)
		case ICCSLevel(e.ICCS) == 0:
			return Errorf(EINVALID, "mapping %s: national code %q maps to %q, which is not an ICCS code (2, 4, 5 or 6 digits)", m.CodeList, e.NationalCode, e.ICCS)
		case seen[n]:
			return Errorf(EINVALID, "mapping %s: national code %q appears twice", m.CodeList, e.NationalCode)
		case e.Implies.Sex != "" && e.Implies.Sex != SexFemale && e.Implies.Sex != SexMale:
			return Errorf(EINVALID, "mapping %s: national code %q implies sex %q; use F or M", m.CodeList, e.NationalCode, e.Implies.Sex)
		}
		seen[n] = true
	}
	return nil
}
