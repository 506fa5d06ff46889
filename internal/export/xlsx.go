package export

import (
	"io"
	"strconv"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/tabular"
)

// XLSX writes the values as an Excel workbook with two sheets:
//
//   - "Data": the columns of the CSV download (Columns), one row per value,
//     the header bold and frozen; counts, rates and the other numeric
//     columns are number cells (Decimals places at most), the rest text
//     cells (a year stays text, like the months beside it), and a number
//     that is not shown is an empty cell, never 0;
//   - "About": the indicator's name and definition in m.Lang, the query,
//     when the file was generated, the sources' attribution lines, and the
//     meaning of every flag and status, in m.Lang (English when m.Lang is
//     not one of en, es, pt, fr).
//
// Sheet names stay in English whatever the language, so that scripts find
// them. More than 1,048,575 values do not fit in a sheet: XLSX then returns
// an EINVALID error before writing anything, and CSV is the format to use. Text cells go through Neutralise (a workbook's text cells are never
// formulas, but a copy saved as CSV would make them so).
func XLSX(w io.Writer, m Meta, vals []atalaya.Value) error {
	data := tabular.Sheet{Name: "Data", Header: 1}
	data.Rows = make([][]string, 0, len(vals)+1)
	data.Rows = append(data.Rows, Columns)
	for _, v := range vals {
		data.Rows = append(data.Rows, row(m, v))
	}
	for _, c := range Columns {
		kind, width := tabular.ColumnText, 12.0
		switch {
		case numeric[c]:
			kind = tabular.ColumnNumber
		case c == "indicator", c == "area_name", c == "flags":
			width = 24
		case c == "not_available":
			width = 40
		}
		data.Kinds = append(data.Kinds, kind)
		data.Widths = append(data.Widths, width)
	}
	return tabular.WriteWorkbook(w, data, about(m))
}

// about builds the "About" sheet.
func about(m Meta) tabular.Sheet {
	lang := m.lang()
	ind := m.Indicator
	var rows [][]string
	add := func(label, value string) {
		rows = append(rows, []string{Neutralise(label), Neutralise(value)})
	}
	add(word("about.indicator", lang), text(ind.Name, lang))
	add(word("about.id", lang), ind.ID)
	if ind.SDG != "" {
		add(word("about.sdg", lang), ind.SDG)
	}
	add(word("about.definition", lang), text(ind.Definition, lang))
	if ind.Denominator != nil && ind.Denominator.Multiplier > 0 {
		add(word("about.multiplier", lang), strconv.FormatInt(ind.Denominator.Multiplier, 10))
	}
	add(word("about.query", lang), m.Query)
	if !m.Generated.IsZero() {
		add(word("about.generated", lang), m.Generated.UTC().Format("2006-01-02 15:04:05")+" UTC")
	}
	for i, a := range m.Attribution {
		label := ""
		if i == 0 {
			label = word("about.sources", lang)
		}
		add(label, a)
	}
	add(word("about.note", lang), word("about.empty", lang))
	rows = append(rows, nil)
	add(word("about.flags", lang), "")
	for _, f := range []string{atalaya.FlagSmallCount, atalaya.FlagSuppressed, atalaya.FlagProvisional,
		atalaya.FlagPartialPeriod, atalaya.FlagCoverage, atalaya.FlagNotAvailable} {
		add(f, word("flag."+f, lang))
	}
	rows = append(rows, nil)
	add(word("about.status", lang), "")
	for _, s := range []atalaya.Status{atalaya.StatusPublished, atalaya.StatusValidated, atalaya.StatusPreliminary} {
		add(string(s), word("status."+string(s), lang))
	}
	return tabular.Sheet{
		Name:   "About",
		Rows:   rows,
		Kinds:  []tabular.ColumnKind{tabular.ColumnText, tabular.ColumnWrapped},
		Widths: []float64{26, 100},
	}
}
