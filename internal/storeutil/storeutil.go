// Package storeutil holds what the SQLite and PostgreSQL stores share: the
// validation rules of the store contract and the bookkeeping of batches and
// bulk inserts, so that both backends apply them identically.
package storeutil

import (
	"sort"
	"strings"

	"github.com/oas-atalaya/atalaya"
)

// ParentInfo is what PutAreas checks of a parent that is already stored.
type ParentInfo struct {
	Level   int
	Country string
}

// CheckAreas validates areas and returns them ordered by level, then code,
// so that each parent is inserted before its children. stored looks up a
// parent that is not among areas.
func CheckAreas(areas []atalaya.Area, stored func(code string) (ParentInfo, bool, error)) ([]atalaya.Area, error) {
	byCode := make(map[string]atalaya.Area, len(areas))
	for _, a := range areas {
		if err := a.Validate(); err != nil {
			return nil, err
		}
		if _, dup := byCode[a.Code]; dup {
			return nil, atalaya.Errorf(atalaya.EINVALID, "area %s appears twice", a.Code)
		}
		byCode[a.Code] = a
	}
	for _, a := range areas {
		if a.Parent == "" {
			continue
		}
		var p ParentInfo
		if pa, ok := byCode[a.Parent]; ok {
			p = ParentInfo{Level: pa.Level, Country: pa.Country}
		} else {
			var found bool
			var err error
			if p, found, err = stored(a.Parent); err != nil {
				return nil, err
			} else if !found {
				return nil, atalaya.Errorf(atalaya.EINVALID, "area %s: parent %s does not exist", a.Code, a.Parent)
			}
		}
		if p.Level != a.Level-1 {
			return nil, atalaya.Errorf(atalaya.EINVALID, "area %s is at level %d but its parent %s is at level %d; a child is one level below its parent", a.Code, a.Level, a.Parent, p.Level)
		}
		if p.Country != a.Country {
			return nil, atalaya.Errorf(atalaya.EINVALID, "area %s: parent %s is in another country (%s)", a.Code, a.Parent, p.Country)
		}
	}
	sorted := append([]atalaya.Area(nil), areas...)
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].Level != sorted[j].Level {
			return sorted[i].Level < sorted[j].Level
		}
		return sorted[i].Code < sorted[j].Code
	})
	return sorted, nil
}

// AreaSearchText is what AreaFilter.Search looks into: code and name,
// lower-cased with Unicode rules (SQLite's lower() knows only ASCII).
func AreaSearchText(a atalaya.Area) string {
	return strings.ToLower(a.Code) + "\x1f" + strings.ToLower(a.Name)
}

// CheckICCSCategory returns EINVALID if c is not a well-formed category.
func CheckICCSCategory(c atalaya.ICCSCategory) error {
	switch lvl := atalaya.ICCSLevel(c.Code); {
	case lvl == 0:
		return atalaya.Errorf(atalaya.EINVALID, "ICCS code %q must be 2, 4, 5 or 6 digits", c.Code)
	case c.Level != lvl:
		return atalaya.Errorf(atalaya.EINVALID, "ICCS %s: level %d should be %d", c.Code, c.Level, lvl)
	case c.Parent != atalaya.ICCSParent(c.Code):
		return atalaya.Errorf(atalaya.EINVALID, "ICCS %s: parent %q should be %q", c.Code, c.Parent, atalaya.ICCSParent(c.Code))
	case c.Name == "":
		return atalaya.Errorf(atalaya.EINVALID, "ICCS %s has no name", c.Code)
	}
	return nil
}

// CheckCodeList returns EINVALID if cl has no id or name, or a country
// that is not ISO 3166-1 alpha-3.
func CheckCodeList(cl atalaya.CodeList) error {
	switch {
	case cl.ID == "":
		return atalaya.Errorf(atalaya.EINVALID, "code list has no id")
	case cl.Name == "":
		return atalaya.Errorf(atalaya.EINVALID, "code list %s has no name", cl.ID)
	case cl.Country != "" && !atalaya.ValidCountryCode(cl.Country):
		return atalaya.Errorf(atalaya.EINVALID, "code list %s: country %q must be ISO 3166-1 alpha-3", cl.ID, cl.Country)
	}
	return nil
}

// SameEntries reports whether two mappings say the same thing: the same
// national codes (compared by atalaya.NormalizeCode, in any order), each
// with the same label, ICCS code, implications and note.
func SameEntries(a, b []atalaya.MappingEntry) bool {
	if len(a) != len(b) {
		return false
	}
	idx := make(map[string]atalaya.MappingEntry, len(a))
	for _, e := range a {
		idx[atalaya.NormalizeCode(e.NationalCode)] = e
	}
	for _, e := range b {
		o, ok := idx[atalaya.NormalizeCode(e.NationalCode)]
		if !ok || o.Label != e.Label || o.ICCS != e.ICCS || o.Implies != e.Implies || o.Note != e.Note {
			return false
		}
	}
	return true
}

// CheckCells returns EINVALID for the first cell without a period or area,
// or with an unknown source type, unit or status.
func CheckCells(cells []atalaya.CubeCell) error {
	for _, c := range cells {
		switch {
		case c.Period == "" || c.Area == "":
			return atalaya.Errorf(atalaya.EINVALID, "cube cell %+v has no period or area", c.CubeKey)
		case !c.SourceType.Valid():
			return atalaya.Errorf(atalaya.EINVALID, "cube cell %s %s %s: unknown source type %q", c.Period, c.Area, c.ICCS, c.SourceType)
		case !c.Unit.Valid():
			return atalaya.Errorf(atalaya.EINVALID, "cube cell %s %s %s: unknown unit %q", c.Period, c.Area, c.ICCS, c.Unit)
		case !c.Status.Valid():
			return atalaya.Errorf(atalaya.EINVALID, "cube cell %s %s %s: unknown status %q", c.Period, c.Area, c.ICCS, c.Status)
		}
	}
	return nil
}

// MergeBatch returns begun updated with the non-empty fields of final, and
// checks the result.
func MergeBatch(begun, final atalaya.Batch) (atalaya.Batch, error) {
	switch {
	case final.ID != 0 && final.ID != begun.ID:
		return final, atalaya.Errorf(atalaya.EINVALID, "commit of batch %d names batch %d", begun.ID, final.ID)
	case final.Source != "" && final.Source != begun.Source:
		return final, atalaya.Errorf(atalaya.EINVALID, "batch %d is of source %s, not %s", begun.ID, begun.Source, final.Source)
	case !final.Balanced():
		return final, atalaya.Errorf(atalaya.EINVALID, "batch %d does not balance: read %d ≠ accepted %d + rejected %d + duplicates %d",
			begun.ID, final.Read, final.Accepted, final.Rejected, final.Duplicates)
	case final.Read < 0 || final.Accepted < 0 || final.Rejected < 0 || final.Duplicates < 0 || final.Flagged < 0:
		return final, atalaya.Errorf(atalaya.EINVALID, "batch %d has a negative count", begun.ID)
	case final.Flagged > final.Accepted:
		return final, atalaya.Errorf(atalaya.EINVALID, "batch %d flags %d rows but accepted only %d", begun.ID, final.Flagged, final.Accepted)
	}
	out := begun
	if final.Profile != "" {
		out.Profile = final.Profile
	}
	if final.Files != nil {
		out.Files = final.Files
	}
	if final.SHA256 != "" {
		out.SHA256 = final.SHA256
	}
	if !final.StartedAt.IsZero() {
		out.StartedAt = final.StartedAt
	}
	out.FinishedAt = final.FinishedAt
	if final.Submitter != "" {
		out.Submitter = final.Submitter
	}
	out.Read, out.Accepted, out.Rejected = final.Read, final.Accepted, final.Rejected
	out.Duplicates, out.Flagged = final.Duplicates, final.Flagged
	return out, nil
}

// FirstOfKeys returns the indexes of the first occurrence of each key among
// n items, and a map from key to that index. Later occurrences are
// duplicates within the call and are not sent to the database.
func FirstOfKeys(n int, key func(int) string) (send []int, idx map[string]int) {
	send = make([]int, 0, n)
	idx = make(map[string]int, n)
	for i := 0; i < n; i++ {
		k := key(i)
		if _, dup := idx[k]; !dup {
			idx[k] = i
			send = append(send, i)
		}
	}
	return send, idx
}
