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
// partial. Sections are read one at a time so that memory stays bounded by
// the largest of them.
func (e *Engine) reporting(ctx context.Context, base *baseData, v *view) (map[blockKey]uint32, error) {
	v.mu.Lock()
	if v.reportDone {
		r := v.report
		v.mu.Unlock()
		return r, nil
	}
	v.mu.Unlock()
	report := map[blockKey]uint32{}
	for _, code := range sections {
		var cells []atalaya.CubeCell
		var err error
		if v.key.published {
			cells, err = e.publishedCells(ctx, base, v, code)
		} else {
			cells, err = e.r.Cube(ctx, atalaya.CubeFilter{ICCS: []string{code}})
		}
		if err != nil {
			return nil, err
		}
		for _, c := range cells {
			if year, slot, ok := slotOf(c.Period); ok {
				report[blockKey{c.Area, year, c.SourceType}] |= 1 << slot
			}
		}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.reportDone {
		v.report, v.reportDone = report, true
	}
	return v.report, nil
}
