package values

import (
	"context"

	"github.com/oas-atalaya/atalaya"
)

// sections are the top-level ICCS codes. Every cube cell rolls up to one of
// them, so their cells say where and when each source type reports
// anything at all.
var sections = []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11"}

// reporting returns, for a view, the slots in which each source type
// reports anything for each area and year. A source that reports other
// offences in a month but no kidnapping reports zero kidnappings; a source
// that reports nothing that month did not report, and the period is
// partial. The store answers with the distinct area, period and source
// type of the sections' cells, never the cells themselves.
func (e *Engine) reporting(ctx context.Context, base *baseData, v *view) (map[blockKey]uint32, error) {
	v.mu.Lock()
	if v.reportDone {
		r := v.report
		v.mu.Unlock()
		return r, nil
	}
	v.mu.Unlock()
	report := map[blockKey]uint32{}
	mark := func(keys []atalaya.CubeKey, keep func(k atalaya.CubeKey) bool) {
		for _, k := range keys {
			if keep != nil && !keep(k) {
				continue
			}
			if year, slot, ok := slotOf(k.Period); ok {
				report[blockKey{k.Area, year, k.SourceType}] |= 1 << slot
			}
		}
	}
	f := atalaya.CubeFilter{ICCS: sections, Areas: base.areaFilter()}
	if !v.key.published {
		keys, err := e.r.Reporting(ctx, 0, f)
		if err != nil {
			return nil, err
		}
		mark(keys, nil)
	} else {
		for _, r := range v.gov.order {
			keys, err := e.r.Reporting(ctx, r.ID, f)
			if err != nil {
				return nil, err
			}
			mark(keys, func(k atalaya.CubeKey) bool { return v.gov.release(base, r.Source, r.Period, k.Area) == r.ID })
		}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.reportDone {
		v.report, v.reportDone = report, true
	}
	return v.report, nil
}
