package cli

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// report is the result of an analysis: summary lines and tables, written
// as readable text, CSV (one table) or JSON (everything).
type analysisReport struct {
	Title   string
	Summary []kv
	Tables  []*table
	Notes   []string
}

type kv struct {
	Key string
	Val any
}

type table struct {
	Name  string // machine name, for --table and JSON
	Title string
	Cols  []string
	Rows  [][]any
}

func (r *analysisReport) add(key string, v any) { r.Summary = append(r.Summary, kv{key, v}) }

func (r *analysisReport) newTable(name, title string, cols ...string) *table {
	t := &table{Name: name, Title: title, Cols: cols}
	r.Tables = append(r.Tables, t)
	return t
}

func (t *table) add(v ...any) { t.Rows = append(t.Rows, v) }

// textValue renders a value for people: numbers to 6 significant digits.
func textValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "–"
	case float64:
		return fmtNum(x, 6)
	case *float64:
		if x == nil {
			return "–"
		}
		return fmtNum(*x, 6)
	case int:
		if x >= 10000 || x <= -10000 {
			return group(int64(x))
		}
		return strconv.Itoa(x)
	case int64:
		return group(x)
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// fmtNum formats x with sig significant digits, in fixed notation for
// magnitudes between 1e-4 and 1e9, without trailing zeros.
func fmtNum(x float64, sig int) string {
	switch {
	case math.IsNaN(x):
		return "NA"
	case math.IsInf(x, 1):
		return "Inf"
	case math.IsInf(x, -1):
		return "-Inf"
	case x == 0:
		return "0"
	}
	a := math.Abs(x)
	if a < 1e-4 || a >= 1e9 {
		return strconv.FormatFloat(x, 'g', sig, 64)
	}
	dec := sig - 1 - int(math.Floor(math.Log10(a)))
	if dec < 0 {
		dec = 0
	}
	s := strconv.FormatFloat(x, 'f', dec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// csvValue renders a value for machines: numbers in full precision,
// missing as empty.
func csvValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		if math.IsNaN(x) {
			return ""
		}
		if math.IsInf(x, 0) {
			if x > 0 {
				return "Inf"
			}
			return "-Inf"
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case *float64:
		if x == nil {
			return ""
		}
		return csvValue(*x)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

func jsonValue(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
	case *float64:
		if x == nil {
			return nil
		}
		return jsonValue(*x)
	}
	return v
}

func (r *analysisReport) writeText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if r.Title != "" {
		fmt.Fprintln(bw, r.Title)
		fmt.Fprintln(bw, strings.Repeat("=", utf8.RuneCountInString(r.Title)))
	}
	width := 0
	for _, s := range r.Summary {
		width = max(width, utf8.RuneCountInString(s.Key))
	}
	for _, s := range r.Summary {
		fmt.Fprintf(bw, "%s%s  %s\n", s.Key, strings.Repeat(" ", width-utf8.RuneCountInString(s.Key)), textValue(s.Val))
	}
	for _, t := range r.Tables {
		fmt.Fprintln(bw)
		if t.Title != "" {
			fmt.Fprintln(bw, t.Title)
		}
		cells := make([][]string, len(t.Rows))
		wd := make([]int, len(t.Cols))
		num := make([]bool, len(t.Cols))
		for j, c := range t.Cols {
			wd[j] = utf8.RuneCountInString(c)
			num[j] = true
		}
		for i, row := range t.Rows {
			cells[i] = make([]string, len(t.Cols))
			for j := range t.Cols {
				var v any
				if j < len(row) {
					v = row[j]
				}
				cells[i][j] = textValue(v)
				wd[j] = max(wd[j], utf8.RuneCountInString(cells[i][j]))
				switch v.(type) {
				case float64, int, int64, *float64, nil:
				default:
					num[j] = false
				}
			}
		}
		pad := func(s string, j int) string {
			p := strings.Repeat(" ", wd[j]-utf8.RuneCountInString(s))
			if num[j] {
				return p + s
			}
			return s + p
		}
		var line []string
		for j, c := range t.Cols {
			line = append(line, pad(c, j))
		}
		fmt.Fprintln(bw, strings.TrimRight(strings.Join(line, "  "), " "))
		for i := range cells {
			line = line[:0]
			for j := range t.Cols {
				line = append(line, pad(cells[i][j], j))
			}
			fmt.Fprintln(bw, strings.TrimRight(strings.Join(line, "  "), " "))
		}
	}
	if len(r.Notes) > 0 {
		fmt.Fprintln(bw)
		for _, n := range r.Notes {
			fmt.Fprintln(bw, n)
		}
	}
	return bw.Flush()
}

func (r *analysisReport) tableNames() []string {
	var n []string
	for _, t := range r.Tables {
		n = append(n, t.Name)
	}
	return n
}

// writeCSV writes one table (the first, or the one named) as CSV; a
// report without tables writes its summary as key,value rows.
func (r *analysisReport) writeCSV(w io.Writer, name string) error {
	cw := csv.NewWriter(w)
	if len(r.Tables) == 0 || name == "summary" {
		cw.Write([]string{"key", "value"})
		for _, s := range r.Summary {
			cw.Write([]string{s.Key, csvValue(s.Val)})
		}
		cw.Flush()
		return cw.Error()
	}
	t := r.Tables[0]
	if name != "" {
		t = nil
		for _, x := range r.Tables {
			if x.Name == name {
				t = x
			}
		}
		if t == nil {
			return usageErr("--table %q: this report has %s (or summary)", name, strings.Join(r.tableNames(), ", "))
		}
	}
	return t.writeCSV(w)
}

func (t *table) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(t.Cols)
	rec := make([]string, len(t.Cols))
	for _, row := range t.Rows {
		for j := range t.Cols {
			rec[j] = ""
			if j < len(row) {
				rec[j] = csvValue(row[j])
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// writeJSON writes {"title", "summary": {…}, "tables": {name: [{col: v}]}}
// keeping the order of keys and columns.
func (r *analysisReport) writeJSON(w io.Writer) error {
	bw := bufio.NewWriter(w)
	enc := func(v any) string {
		b, err := json.Marshal(jsonValue(v))
		if err != nil {
			b, _ = json.Marshal(fmt.Sprint(v))
		}
		return string(b)
	}
	fmt.Fprintf(bw, "{\n  \"title\": %s,\n  \"summary\": {", enc(r.Title))
	for i, s := range r.Summary {
		if i > 0 {
			bw.WriteString(",")
		}
		fmt.Fprintf(bw, "\n    %s: %s", enc(s.Key), enc(s.Val))
	}
	bw.WriteString("\n  },\n  \"tables\": {")
	for i, t := range r.Tables {
		if i > 0 {
			bw.WriteString(",")
		}
		fmt.Fprintf(bw, "\n    %s: [", enc(t.Name))
		for k, row := range t.Rows {
			if k > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n      {")
			for j, c := range t.Cols {
				if j > 0 {
					bw.WriteString(", ")
				}
				var v any
				if j < len(row) {
					v = row[j]
				}
				fmt.Fprintf(bw, "%s: %s", enc(c), enc(v))
			}
			bw.WriteString("}")
		}
		bw.WriteString("\n    ]")
	}
	bw.WriteString("\n  },\n  \"notes\": ")
	if r.Notes == nil {
		r.Notes = []string{}
	}
	bw.WriteString(enc(r.Notes))
	bw.WriteString("\n}\n")
	return bw.Flush()
}
