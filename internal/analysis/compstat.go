package analysis

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/compstat"
	"github.com/oas-atalaya/atalaya/internal/values"
)

// CompStatRow is one area's CompStat comparisons: the last month, the
// last three months and the year to date against the same months a
// year earlier, each with the exact test of the change.
type CompStatRow struct {
	Area        string                `json:"area"`
	Name        string                `json:"name"`
	Comparisons []compstat.Comparison `json:"comparisons"`
}

// CompStatResult is a CompStat table, with the seasonally adjusted trend
// of the area itself.
type CompStatResult struct {
	Indicator string        `json:"indicator"`
	AsOf      string        `json:"as_of"` // the last month (YYYY-MM)
	Rows      []CompStatRow `json:"rows"`
	// Trend is the area's monthly counts with their STL decomposition
	// (Cleveland et al. 1990, R's stl with s.window = "periodic", robust):
	// empty when fewer than three complete years are published.
	Trend []TrendPoint `json:"trend"`
}

// TrendPoint is one month of a seasonal decomposition.
type TrendPoint struct {
	Month    string  `json:"month"`
	Count    float64 `json:"count"`
	Trend    float64 `json:"trend"`
	Seasonal float64 `json:"seasonal"`
}

// seasonalTrend decomposes the longest run of consecutive months of
// counts ending at last with STL.
func seasonalTrend(months map[string]int64, last string) ([]TrendPoint, error) {
	end, err := time.Parse("2006-01", last)
	if err != nil {
		return nil, nil
	}
	var ys []float64
	var ms []string
	for m := end; ; m = m.AddDate(0, -1, 0) {
		c, ok := months[m.Format("2006-01")]
		if !ok {
			break
		}
		ys = append([]float64{float64(c)}, ys...)
		ms = append([]string{m.Format("2006-01")}, ms...)
	}
	if len(ys) < 36 {
		return nil, nil
	}
	opt := compstat.DefaultSTLOptions(0)
	opt.Robust = true
	d, err := compstat.STL(ys, 12, opt)
	if err != nil {
		return nil, err
	}
	out := make([]TrendPoint, len(ys))
	for i := range ys {
		out[i] = TrendPoint{Month: ms[i], Count: ys[i], Trend: d.Trend[i], Seasonal: d.Seasonal[i]}
	}
	return out, nil
}

// CompStat compares the indicator's monthly counts of area and its
// direct sub-areas up to the last month with data (or asOf, YYYY-MM),
// with exact conditional-binomial tests so that noise is not read as a
// trend. Months a source did not report are missing, not zero: an area
// whose series has a gap in the windows is left out.
func (n *Node) CompStat(ctx context.Context, indicator, area, asOf string, public bool, alpha float64) (*CompStatResult, error) {
	if alpha == 0 {
		alpha = 0.05
	}
	kids, err := n.Store.Areas(ctx, atalaya.AreaFilter{Parent: area})
	if err != nil {
		return nil, err
	}
	if _, err := n.Store.Area(ctx, area); err != nil {
		return nil, err
	}
	codes := []string{area}
	for _, k := range kids {
		codes = append(codes, k.Code)
	}
	// The years with figures (the engine's default range), then their
	// months: the last three years at most.
	yearly, err := n.Engine.Values(ctx, values.Query{Indicator: indicator, Areas: []string{area}, Public: public})
	if err != nil {
		return nil, err
	}
	lastYear := 0
	for _, v := range yearly.Values {
		if y, err := strconv.Atoi(v.Period); err == nil && v.Count != nil && y > lastYear {
			lastYear = y
		}
	}
	if asOf != "" {
		t, err := time.Parse("2006-01", asOf)
		if err != nil {
			return nil, atalaya.Errorf(atalaya.EINVALID, "as_of %q: give a month as YYYY-MM", asOf)
		}
		lastYear = t.Year()
	}
	if lastYear == 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "no figures of %s for %s", indicator, area)
	}
	res, err := n.Engine.Values(ctx, values.Query{Indicator: indicator, Areas: codes, From: fmt.Sprintf("%d-01", lastYear-2), To: fmt.Sprintf("%d-12", lastYear), Public: public})
	if err != nil {
		return nil, err
	}
	series := map[string]map[string]int64{}
	last := ""
	for _, v := range res.Values {
		if v.Count == nil || len(v.Period) != 7 {
			continue
		}
		if series[v.Area] == nil {
			series[v.Area] = map[string]int64{}
		}
		series[v.Area][v.Period] = *v.Count
		if v.Area == area && v.Period > last {
			last = v.Period
		}
	}
	if asOf != "" {
		last = asOf
	}
	if last == "" {
		return nil, atalaya.Errorf(atalaya.EINVALID, "no monthly figures of %s for %s", indicator, area)
	}
	end, _ := time.Parse("2006-01", last)
	start := time.Date(end.Year()-2, 1, 1, 0, 0, 0, 0, time.UTC) // two full years before the report year
	out := &CompStatResult{Indicator: indicator, AsOf: last}
	for _, code := range codes {
		s := series[code]
		var monthly []int
		complete := true
		for m := start; !m.After(end); m = m.AddDate(0, 1, 0) {
			c, ok := s[m.Format("2006-01")]
			if !ok {
				complete = false
				break
			}
			monthly = append(monthly, int(c))
		}
		if !complete {
			continue
		}
		cmp, err := compstat.CompareMonths(monthly, start, end, alpha)
		if err != nil {
			return nil, err
		}
		name := res.AreaNames[code]
		if name == "" {
			name = code
		}
		out.Rows = append(out.Rows, CompStatRow{Area: code, Name: name, Comparisons: cmp})
	}
	if len(out.Rows) == 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "no area has complete monthly figures of %s from %s to %s", indicator, start.Format("2006-01"), last)
	}
	// The area's whole published monthly series, for its seasonal trend.
	first := lastYear
	for _, v := range yearly.Values {
		if y, err := strconv.Atoi(v.Period); err == nil && v.Count != nil && y < first {
			first = y
		}
	}
	all, err := n.Engine.Values(ctx, values.Query{Indicator: indicator, Areas: []string{area}, From: fmt.Sprintf("%d-01", first), To: fmt.Sprintf("%d-12", lastYear), Public: public})
	if err != nil {
		return nil, err
	}
	months := map[string]int64{}
	for _, v := range all.Values {
		if v.Count != nil {
			months[v.Period] = *v.Count
		}
	}
	if out.Trend, err = seasonalTrend(months, last); err != nil {
		return nil, err
	}
	if out.Trend == nil {
		out.Trend = []TrendPoint{}
	}
	sort.SliceStable(out.Rows[1:], func(i, j int) bool { return out.Rows[i+1].Name < out.Rows[j+1].Name })
	return out, nil
}
