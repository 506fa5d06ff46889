package export

import (
	"bufio"
	"encoding/csv"
	"io"
	"strings"

	"github.com/oas-atalaya/atalaya"
)

// Columns are the columns of the CSV file and of the XLSX "Data" sheet, in
// order. docs/sdmx.md says what each holds.
var Columns = []string{
	"indicator", "area", "area_name", "period", "sex", "age", "weapon", "context", "source_type", "unit",
	"count", "denominator", "multiplier", "rate", "ci_low", "ci_high",
	"standard", "coverage", "months", "status", "flags", "not_available",
}

// numeric marks the columns of Columns that hold numbers.
var numeric = map[string]bool{
	"count": true, "denominator": true, "multiplier": true, "rate": true, "ci_low": true, "ci_high": true,
	"coverage": true, "months": true,
}

// row returns one value's cells, in the order of Columns, neutralised.
// Empty numbers are empty cells, never 0.
func row(m Meta, v atalaya.Value) []string {
	cells := []string{
		v.Indicator, v.Area, m.areaName(v.Area), v.Period, v.Sex, v.Age, v.Weapon, v.Context,
		string(v.SourceType), string(v.Unit),
		intCell(v.Count), intCell(v.Denominator), nonZero(multiplier(m, v)),
		floatCell(v.Rate), floatCell(v.CILow), floatCell(v.CIHigh),
		v.Standard, floatCell(v.Coverage), nonZero(int64(v.Months)),
		string(v.Status), strings.Join(v.Flags, " "), v.NotAvailable,
	}
	for i, c := range cells {
		cells[i] = Neutralise(c)
	}
	return cells
}

// BOM is the byte-order mark that starts the CSV download.
const BOM = "\uFEFF"

// CSV writes the values as a CSV file: UTF-8 starting with a byte-order
// mark, comma-separated, a point as decimal separator, lines ending in LF,
// quotes as in RFC 4180; a header row of Columns, then one row per value in
// the order given.
//
// The byte-order mark is for Excel, which opens a CSV file without one in
// the computer's legacy code page (Windows-1252 in Latin America), turning
// "Michoacán" into "MichoacÃ¡n"; with it, accents survive a double click.
// Programs that read UTF-8 (R, pandas with encoding="utf-8-sig", Atalaya's
// own readers) skip it. Where the decimal separator is a comma, Excel
// splits lines on semicolons: use Data > From Text/CSV, or the XLSX
// download, which has no such problem.
//
// Counts, denominators, multipliers and months are whole numbers; rates,
// confidence bounds and coverage have Decimals places at most. A number
// that is not shown (suppressed, not available) is an empty cell, never 0;
// flags are separated by spaces. Text cells go through Neutralise.
func CSV(w io.Writer, m Meta, vals []atalaya.Value) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	for _, v := range vals {
		if err := cw.Write(row(m, v)); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
