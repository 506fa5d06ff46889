package export

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/indicator"
)

// The SDMX artefacts of Atalaya's indicator downloads (docs/sdmx.md).
const (
	Agency      = "ATALAYA"
	DSD         = "ATALAYA:DSD_INDICATORS(1.0)"
	Dataflow    = "ATALAYA:DF_INDICATORS(1.0)"
	DSDURN      = "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=" + DSD
	DataflowURN = "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=" + Dataflow
)

// Dimensions are the dimensions of ATALAYA:DSD_INDICATORS(1.0), in key
// order; TIME_PERIOD, the time dimension, comes last.
var Dimensions = []string{
	"FREQ", "REF_AREA", "INDICATOR", "ICCS", "SEX", "AGE", "WEAPON", "CONTEXT", "SOURCE_TYPE", "UNIT_MEASURE", "TIME_PERIOD",
}

// Attributes are the observation-level attributes of the DSD, in order.
var Attributes = []string{
	"OBS_STATUS", "CONF_STATUS", "MULTIPLIER", "LOWER_BOUND", "UPPER_BOUND", "STANDARD", "COVERAGE", "MONTHS", "TOTAL_OF", "FLAGS", "COMMENT",
}

// numericAttr marks the attributes whose values are numbers.
var numericAttr = map[string]bool{"MULTIPLIER": true, "LOWER_BOUND": true, "UPPER_BOUND": true, "COVERAGE": true, "MONTHS": true}

// Positions of some dimensions and attributes.
const (
	dimUnit     = 9
	dimTime     = 10
	attrStatus  = 0
	attrConf    = 1
	attrMult    = 2
	attrLower   = 3
	attrUpper   = 4
	attrStd     = 5
	attrCov     = 6
	attrMonths  = 7
	attrTotalOf = 8
	attrFlags   = 9
	attrComment = 10
)

// observation is one SDMX observation: its key (Dimensions), its value
// ("" when there is none) and its attributes (Attributes).
type observation struct {
	key   [11]string
	value string
	attrs [11]string
	span  span // the months of TIME_PERIOD
	dated bool // span is known
}

// observations turns values into SDMX observations. Each value gives one
// observation for its count (UNIT_MEASURE the counting unit: VICTIM,
// OFFENCE, PERSON), one for its rate, share or ratio (RATE, PERCENT,
// RATIO, with MULTIPLIER and the confidence bounds), and, when the
// denominator is known, one for it (POPULATION for a rate, DENOMINATOR for
// a share or a ratio).
func observations(m Meta, vals []atalaya.Value) []observation {
	out := make([]observation, 0, 3*len(vals))
	iccs := "_Z"
	if codes := m.Indicator.Numerator.ICCS; len(codes) == 1 {
		iccs = codes[0]
	}
	for _, v := range vals {
		var base observation
		base.key[0], base.key[dimTime], base.span, base.dated = sdmxPeriod(v.Period)
		base.key[1], base.key[2], base.key[3] = v.Area, v.Indicator, iccs
		base.key[4], base.key[5] = sexCode(v.Sex), ageCode(v.Age)
		base.key[6], base.key[7] = orTotal(v.Weapon), orTotal(v.Context)
		base.key[8] = string(v.SourceType)
		if base.key[8] == "" {
			base.key[8] = "_Z"
		}
		base.attrs[attrTotalOf] = totalOf(v)
		status := obsStatus(v.Status)
		suppressed := v.HasFlag(atalaya.FlagSuppressed)
		qualify := func(o *observation, shown bool) {
			o.attrs[attrStatus], o.attrs[attrConf] = status, "F"
			if !shown {
				o.attrs[attrStatus], o.attrs[attrComment] = "O", v.NotAvailable
				if suppressed {
					o.attrs[attrConf] = "C"
				}
			}
			o.attrs[attrCov], o.attrs[attrMonths] = floatCell(v.Coverage), nonZero(int64(v.Months))
			o.attrs[attrFlags] = strings.Join(v.Flags, " ")
		}

		count := base
		count.key[dimUnit] = countUnit(m, v)
		count.value = intCell(v.Count)
		qualify(&count, v.Count != nil)
		out = append(out, count)

		rate := base
		rate.key[dimUnit] = rateUnit(m.Indicator.Kind)
		rate.value = floatCell(v.Rate)
		qualify(&rate, rate.value != "")
		rate.attrs[attrMult] = nonZero(multiplier(m, v))
		rate.attrs[attrLower], rate.attrs[attrUpper] = floatCell(v.CILow), floatCell(v.CIHigh)
		rate.attrs[attrStd] = v.Standard
		out = append(out, rate)

		if v.Denominator != nil {
			d := base
			d.key[dimUnit] = "DENOMINATOR"
			if m.Indicator.Kind == indicator.KindRate {
				d.key[dimUnit] = "POPULATION"
			}
			d.value = intCell(v.Denominator)
			d.attrs[attrStatus], d.attrs[attrConf] = status, "F"
			out = append(out, d)
		}
	}
	return out
}

// totalOf names the dimension a value is the total of, when it is the
// total row (T) of a breakdown: SEX, AGE, WEAPON or CONTEXT.
func totalOf(v atalaya.Value) string {
	switch "T" {
	case v.Sex:
		return "SEX"
	case v.Age:
		return "AGE"
	case v.Weapon:
		return "WEAPON"
	case v.Context:
		return "CONTEXT"
	}
	return ""
}

// sexCode is the SDMX code of a sex: F, M, U, or _T for the total.
func sexCode(s string) string {
	if s == "" || s == "T" {
		return "_T"
	}
	return s
}

// ageCode is the SDMX code of an age band, as in SDMX's CL_AGE: Y15T29 for
// 15-29, Y_GE60 for 60+, _T for all ages, U when not stated. A text that is
// not a band is kept.
func ageCode(b string) string {
	switch b {
	case "", atalaya.AgeTotal:
		return "_T"
	case atalaya.AgeUnknown:
		return b
	}
	lo, hi, ok := atalaya.ParseAgeBand(b)
	switch {
	case !ok:
		return b
	case hi < 0:
		return "Y_GE" + strconv.Itoa(lo)
	}
	return "Y" + strconv.Itoa(lo) + "T" + strconv.Itoa(hi)
}

// ageName is the band an age code stands for: "15-29" for Y15T29.
func ageName(code string) string {
	if lo, ok := strings.CutPrefix(code, "Y_GE"); ok {
		return lo + "+"
	}
	if rest, ok := strings.CutPrefix(code, "Y"); ok {
		if lo, hi, ok := strings.Cut(rest, "T"); ok {
			return lo + "-" + hi
		}
	}
	return code
}

// orTotal is _T for a breakdown the query did not ask for, or for the
// total of one it asked for (T).
func orTotal(s string) string {
	if s == "" || s == "T" {
		return "_T"
	}
	return s
}

// obsStatus maps a publication status to SDMX's CL_OBS_STATUS: A (normal)
// for published figures, P (provisional) for validated and preliminary ones.
func obsStatus(s atalaya.Status) string {
	if s == atalaya.StatusPublished {
		return "A"
	}
	return "P"
}

// countUnit is the UNIT_MEASURE of a count: its counting unit in upper
// case (VICTIM, OFFENCE, PERSON), from the value or else the catalogue.
func countUnit(m Meta, v atalaya.Value) string {
	u := v.Unit
	if u == "" {
		u = m.Indicator.Numerator.Unit
	}
	if u == "" {
		return "_Z"
	}
	return strings.ToUpper(string(u))
}

// rateUnit is the UNIT_MEASURE of the figure an indicator computes.
func rateUnit(k indicator.Kind) string {
	switch k {
	case indicator.KindShare:
		return "PERCENT"
	case indicator.KindRatio:
		return "RATIO"
	}
	return "RATE"
}

// SDMXCSV writes the values as SDMX-CSV 2.0 for the dataflow
// ATALAYA:DF_INDICATORS(1.0): UTF-8 without a byte-order mark, comma
// separated, the columns STRUCTURE, STRUCTURE_ID, ACTION, the Dimensions,
// OBS_VALUE and the Attributes; every row is "dataflow", Dataflow, "I"
// (information). Each value gives two or three rows (see docs/sdmx.md):
// its count, its rate (share, ratio) and, when known, its denominator. A
// figure that is not shown has an empty OBS_VALUE, OBS_STATUS O, CONF_STATUS
// C when it was suppressed, and the reason in COMMENT. Cells go through
// Neutralise, which leaves codes and numbers as they are.
//
// The file re-imports through the ingest profile atalaya-sdmx.
func SDMXCSV(w io.Writer, m Meta, vals []atalaya.Value) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	header := append([]string{"STRUCTURE", "STRUCTURE_ID", "ACTION"}, Dimensions...)
	header = append(append(header, "OBS_VALUE"), Attributes...)
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	for _, o := range observations(m, vals) {
		rec = append(rec[:0], "dataflow", Dataflow, "I")
		rec = append(rec, o.key[:]...)
		rec = append(rec, o.value)
		rec = append(rec, o.attrs[:]...)
		for i, c := range rec {
			rec[i] = Neutralise(c)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
