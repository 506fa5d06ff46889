// Package export writes the downloads of indicator values: CSV and XLSX for
// people, SDMX-CSV 2.0 and SDMX-JSON 2.0 for machines. Every writer takes
// the values of one query (atalaya.Value) and a Meta that says what they
// are; the web layer and the command line pick a writer with Lookup.
//
// Numbers that cannot be shown stay empty, never zero: a suppressed or
// unavailable count is an empty cell (CSV, XLSX), an empty OBS_VALUE
// (SDMX-CSV) or null (SDMX-JSON). Text cells of CSV, XLSX and SDMX-CSV go
// through Neutralise, so that no cell runs as a spreadsheet formula.
//
// The SDMX data structure, ATALAYA:DSD_INDICATORS(1.0), is documented in
// docs/sdmx.md; an SDMX-CSV file written here re-imports through the
// built-in ingest profile atalaya-sdmx.
package export

import (
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/indicator"
)

// Meta describes what is exported.
type Meta struct {
	Indicator   indicator.Indicator // the catalogue entry
	Lang        string              // en, es, pt, fr: names and headers of the XLSX "About" sheet
	AreaNames   map[string]string   // area code → name
	Attribution []string            // sources' attribution lines
	Query       string              // the query that produced the values, e.g. "area=MEX&from=2015&to=2024&by=sex"
	Generated   time.Time
}

// Format is one download format.
type Format struct {
	// Name is the format's name in URLs and flags: csv, xlsx, sdmx-csv,
	// sdmx-json.
	Name string
	// MediaType is the Content-Type of the download.
	MediaType string
	// Ext is the file name extension, without the dot.
	Ext string
	// Write writes the values in the format.
	Write func(w io.Writer, m Meta, vals []atalaya.Value) error
}

// Formats returns the download formats: csv, xlsx, sdmx-csv, sdmx-json, in
// that order.
func Formats() []Format {
	return []Format{
		{Name: "csv", MediaType: "text/csv; charset=utf-8", Ext: "csv", Write: CSV},
		{Name: "xlsx", MediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Ext: "xlsx", Write: XLSX},
		{Name: "sdmx-csv", MediaType: "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8", Ext: "csv", Write: SDMXCSV},
		{Name: "sdmx-json", MediaType: "application/vnd.sdmx.data+json; version=2.0.0; charset=utf-8", Ext: "json", Write: SDMXJSON},
	}
}

// Lookup returns the format with the given name (case-insensitive).
func Lookup(name string) (Format, bool) {
	for _, f := range Formats() {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return Format{}, false
}

// lang returns the language to write in: m.Lang when it is one of the
// catalogue's languages, else English.
func (m Meta) lang() string {
	for _, l := range indicator.Languages {
		if strings.EqualFold(m.Lang, l) {
			return l
		}
	}
	return "en"
}

// text returns a catalogue text in the language, or in English, or in any
// language it has.
func text(t indicator.Text, lang string) string {
	if s := t[lang]; s != "" {
		return s
	}
	if s := t["en"]; s != "" {
		return s
	}
	for _, l := range indicator.Languages {
		if s := t[l]; s != "" {
			return s
		}
	}
	return ""
}

// areaName returns the name of an area, or of the areas of an aggregate
// over several ("MEX+COL": "México + Colombia"), or "".
func (m Meta) areaName(code string) string {
	if n := m.AreaNames[code]; n != "" || !strings.Contains(code, "+") {
		return n
	}
	parts := strings.Split(code, "+")
	for i, p := range parts {
		n := m.AreaNames[p]
		if n == "" {
			return ""
		}
		parts[i] = n
	}
	return strings.Join(parts, " + ")
}

// multiplier returns the value's multiplier, or the catalogue's.
func multiplier(m Meta, v atalaya.Value) int64 {
	if v.Multiplier != 0 {
		return v.Multiplier
	}
	if d := m.Indicator.Denominator; d != nil {
		return d.Multiplier
	}
	return 0
}

// Decimals is the number of decimal places of rates, shares, ratios, their
// confidence bounds and coverage in every format (trailing zeros dropped).
// Six places keep a rate per 100,000 exact to a millionth and stay within
// the 15 significant digits a spreadsheet holds.
const Decimals = 6

// formatFloat writes x with Decimals places at most, without an exponent
// or trailing zeros: 12.5, 0.000123, 3. NaN and infinities, which are no
// figure, give "".
func formatFloat(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	s := strconv.FormatFloat(x, 'f', Decimals, 64)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "-0" {
		s = "0"
	}
	return s
}

// floatCell formats an optional float.
func floatCell(x *float64) string {
	if x == nil {
		return ""
	}
	return formatFloat(*x)
}

// intCell formats an optional whole number.
func intCell(n *int64) string {
	if n == nil {
		return ""
	}
	return strconv.FormatInt(*n, 10)
}

// nonZero formats a whole number, 0 as "".
func nonZero(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// span is the months a period covers, counted from year 0.
type span struct{ first, last int }

// periodSpan reads YYYY, YYYY-Qn, YYYY-MM and FROM/TO (each a period of
// those forms) and returns its SDMX frequency (A, Q, M, or _Z for a range).
func periodSpan(p string) (freq string, s span, ok bool) {
	if from, to, isRange := strings.Cut(p, "/"); isRange {
		_, a, ok1 := periodSpan(from)
		_, b, ok2 := periodSpan(to)
		if !ok1 || !ok2 || strings.Contains(to, "/") || b.last < a.first {
			return "", span{}, false
		}
		return "_Z", span{a.first, b.last}, true
	}
	if !atalaya.ValidPeriod(p) {
		return "", span{}, false
	}
	y, _ := strconv.Atoi(p[:4])
	switch {
	case len(p) == 4:
		return "A", span{y * 12, y*12 + 11}, true
	case p[5] == 'Q':
		q := int(p[6] - '1')
		return "Q", span{y*12 + 3*q, y*12 + 3*q + 2}, true
	default:
		m, _ := strconv.Atoi(p[5:])
		return "M", span{y*12 + m - 1, y*12 + m - 1}, true
	}
}

// start and end are the first and last instants of the span, in UTC.
func (s span) start() time.Time {
	return time.Date(s.first/12, time.Month(s.first%12+1), 1, 0, 0, 0, 0, time.UTC)
}

func (s span) end() time.Time {
	next := time.Date(s.last/12, time.Month(s.last%12+1), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
	return next.Add(-time.Second)
}

// sdmxPeriod returns the frequency and the SDMX TIME_PERIOD of a period:
// 2024, 2024-Q1 and 2024-01 as they are; a range FROM/TO as an SDMX time
// range, its first day and a duration (2015/2024 is 2015-01-01/P10Y,
// 2024-01/2024-06 is 2024-01-01/P6M). A period Atalaya does not know keeps
// its text, with frequency _Z.
func sdmxPeriod(p string) (freq, period string, s span, ok bool) {
	freq, s, ok = periodSpan(p)
	if !ok {
		return "_Z", p, span{}, false
	}
	if freq != "_Z" {
		return freq, p, s, true
	}
	months := s.last - s.first + 1
	d := "P" + strconv.Itoa(months) + "M"
	if months%12 == 0 && s.first%12 == 0 {
		d = "P" + strconv.Itoa(months/12) + "Y"
	}
	return freq, s.start().Format("2006-01-02") + "/" + d, s, true
}
