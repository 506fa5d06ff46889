package nearrepeat

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/oas-atalaya/atalaya"
)

// ParseBands parses band edges written as numbers separated by commas,
// such as "0,100,200,400" (metres) or "0, 7, 14, 21" (days). The last
// may be "inf" (or "∞"). Edges must start at 0 and increase.
func ParseBands(s string) ([]float64, error) {
	if len(s) > 4096 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "band edges: %d characters, at most 4096", len(s))
	}
	parts := strings.Split(s, ",")
	e := make([]float64, 0, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		switch strings.ToLower(p) {
		case "inf", "+inf", "∞":
			e = append(e, math.Inf(1))
			continue
		case "":
			return nil, atalaya.Errorf(atalaya.EINVALID, "band edges %q: edge %d is empty", s, i+1)
		}
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, atalaya.Errorf(atalaya.EINVALID, "band edges %q: edge %d, %q, is not a finite number", s, i+1, p)
		}
		e = append(e, v)
	}
	if err := checkEdges("the", e); err != nil {
		return nil, err
	}
	return e, nil
}

func (r *Result) ratioText(c Cell) string {
	if c.Expected == 0 {
		return "–"
	}
	return strconv.FormatFloat(c.Ratio, 'f', 2, 64)
}

// Markdown writes the Knox ratios with their p-values, and the observed
// and expected counts, as Markdown tables. Ratios are rounded to 2
// decimals, p-values to 3 (or 4 with 9,999 or more permutations), expected
// counts to 2.
func (r *Result) Markdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	pdig := 3
	if r.Permutations >= 9999 {
		pdig = 4
	}
	fmt.Fprintf(bw, "Knox test: %d events, %d pairs, %d permutations (seed %d), %s distance. Bands are closed below and open above.\n\n",
		r.Events, r.Pairs, r.Permutations, r.Seed, map[Metric]string{Euclidean: "Euclidean", Manhattan: "Manhattan"}[r.Metric])
	table := func(title string, cell func(Cell) string) {
		fmt.Fprintf(bw, "%s\n\n| distance \\ time |", title)
		for _, t := range r.TimeBands {
			fmt.Fprintf(bw, " %s |", t.Label)
		}
		bw.WriteString("\n|---|")
		for range r.TimeBands {
			bw.WriteString("---:|")
		}
		bw.WriteString("\n")
		for s, row := range r.Cells {
			fmt.Fprintf(bw, "| %s |", r.SpaceBands[s].Label)
			for _, c := range row {
				fmt.Fprintf(bw, " %s |", cell(c))
			}
			bw.WriteString("\n")
		}
		bw.WriteString("\n")
	}
	table("Knox ratio (p-value)", func(c Cell) string {
		return r.ratioText(c) + " (" + strconv.FormatFloat(c.P, 'f', pdig, 64) + ")"
	})
	table("Observed pairs", func(c Cell) string { return strconv.Itoa(c.Observed) })
	table("Expected pairs (mean over permutations)", func(c Cell) string { return strconv.FormatFloat(c.Expected, 'f', 2, 64) })
	return bw.Flush()
}

// CSV writes one row per cell with a header: space_band, time_band,
// space_lo, space_hi, time_lo, time_hi (hi "inf" for the last band; the
// same location band has lo = hi = 0), observed, expected,
// expected_exact, knox_ratio (empty when expected is 0), p_value. Numbers
// are written in full precision.
func (r *Result) CSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	f := func(v float64) string {
		if math.IsInf(v, 1) {
			return "inf"
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	cw.Write([]string{"space_band", "time_band", "space_lo", "space_hi", "time_lo", "time_hi", "observed", "expected", "expected_exact", "knox_ratio", "p_value"})
	for s, row := range r.Cells {
		for t, c := range row {
			ratio := ""
			if c.Expected > 0 {
				ratio = f(c.Ratio)
			}
			sb, tb := r.SpaceBands[s], r.TimeBands[t]
			cw.Write([]string{sb.Label, tb.Label, f(sb.Lo), f(sb.Hi), f(tb.Lo), f(tb.Hi),
				strconv.Itoa(c.Observed), f(c.Expected), f(c.ExpectedExact), ratio, f(c.P)})
		}
	}
	cw.Flush()
	return cw.Error()
}
