package storeutil

import (
	"sort"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
)

// CheckRelease validates the fields of a release that the caller gives and
// returns it normalised: reason and user trimmed, embargo in UTC to the
// microsecond (the precision both stores keep). EINVALID for a missing
// reason, a period that is not a year (YYYY) or a status other than
// validated or published: a release never goes back to preliminary.
func CheckRelease(r atalaya.Release) (atalaya.Release, error) {
	r.Reason = strings.TrimSpace(r.Reason)
	r.By = strings.TrimSpace(r.By)
	switch {
	case r.Reason == "":
		return r, atalaya.Errorf(atalaya.EINVALID, "a release needs a reason: say why, and for a revision what changed")
	case len(r.Period) != 4 || !atalaya.ValidPeriod(r.Period):
		return r, atalaya.Errorf(atalaya.EINVALID, "release period %q must be a year (YYYY)", r.Period)
	case r.Status != atalaya.StatusValidated && r.Status != atalaya.StatusPublished:
		return r, atalaya.Errorf(atalaya.EINVALID, "release status %q must be validated or published", r.Status)
	case r.Source == "":
		return r, atalaya.Errorf(atalaya.ENOTFOUND, "a release needs a source")
	case r.Area == "":
		return r, atalaya.Errorf(atalaya.ENOTFOUND, "a release needs an area")
	}
	if !r.Embargo.IsZero() {
		r.Embargo = r.Embargo.UTC().Truncate(time.Microsecond)
	}
	return r, nil
}

// PeriodInYear reports whether p is a period stored by Atalaya (YYYY,
// YYYY-MM or YYYY-Qn) that lies in year.
func PeriodInYear(p, year string) bool {
	return atalaya.ValidPeriod(p) && (p == year || strings.HasPrefix(p, year+"-"))
}

// ReleaseSnapshot checks the cells of release r (already checked with
// CheckRelease; st is its source's type) and returns them with repeated
// keys added up, in the order of the release_cells primary key (area,
// ICCS, period, …), with the release's Total: the sum of the counts of the
// cells at r.Area over the top ICCS sections (two-digit codes). EINVALID
// for an invalid cell, a cell whose period is not in r.Period or whose
// source type is not st.
func ReleaseSnapshot(r atalaya.Release, st atalaya.SourceType, cells []atalaya.CubeCell) ([]atalaya.CubeCell, int64, error) {
	if err := CheckCells(cells); err != nil {
		return nil, 0, err
	}
	idx := make(map[atalaya.CubeKey]int, len(cells))
	out := make([]atalaya.CubeCell, 0, len(cells))
	var total int64
	for _, c := range cells {
		switch {
		case !PeriodInYear(c.Period, r.Period):
			return nil, 0, atalaya.Errorf(atalaya.EINVALID, "release of %s: cell period %q is not in that year", r.Period, c.Period)
		case c.SourceType != st:
			return nil, 0, atalaya.Errorf(atalaya.EINVALID, "release of source %s (%s): a cell has source type %s", r.Source, st, c.SourceType)
		}
		if c.Area == r.Area && atalaya.ICCSLevel(c.ICCS) == 1 {
			total += c.Count
		}
		if i, ok := idx[c.CubeKey]; ok {
			out[i].Count += c.Count
			continue
		}
		idx[c.CubeKey] = len(out)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := &out[i].CubeKey, &out[j].CubeKey
		if a.Area != b.Area {
			return a.Area < b.Area
		}
		if a.ICCS != b.ICCS {
			return a.ICCS < b.ICCS
		}
		return a.Period < b.Period
	})
	return out, total, nil
}
