package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/oas-atalaya/atalaya/internal/tabular"
)

// inputFlags name the analyst's data file and how to read it.
type inputFlags struct {
	file, sheet, encoding, delimiter *string
	skip                             *int
	env                              *Env
}

func addInputFlags(fs *flag.FlagSet, env *Env) inputFlags {
	return inputFlags{
		env:       env,
		file:      fs.String("csv", "", "the data file: CSV (UTF-8, Latin-1 or cp1252; , ; tab or | detected) or XLSX"),
		sheet:     fs.String("sheet", "", "worksheet of an XLSX file (default the first)"),
		encoding:  fs.String("encoding", "", "encoding of a CSV file: utf-8, latin-1 or windows-1252 (default: detected)"),
		delimiter: fs.String("delimiter", "", "CSV delimiter: , ; tab or | (default: detected)"),
		skip:      fs.Int("skip", 0, "lines to skip before the header (a title line)"),
	}
}

// dataFile is a whole table read into memory.
type dataFile struct {
	name   string // the base name, for messages
	header []string
	rows   [][]string
	lines  []int64 // data row number of each row (the header is row 0)
	delim  rune
}

func (in inputFlags) read() (*dataFile, error) {
	if err := need("csv", *in.file); err != nil {
		return nil, err
	}
	opt := tabular.Options{Sheet: *in.sheet, Encoding: *in.encoding, SkipRows: *in.skip}
	switch *in.delimiter {
	case "":
	case "tab", `\t`, "\t":
		opt.Delimiter = '\t'
	default:
		r, n := utf8.DecodeRuneInString(*in.delimiter)
		if n != len(*in.delimiter) {
			return nil, usageErr("--delimiter %q: give one character, or tab", *in.delimiter)
		}
		opt.Delimiter = r
	}
	return readDataFileEnv(*in.file, opt, in.env)
}

func readDataFile(path string, opt tabular.Options) (*dataFile, error) {
	return readDataFileEnv(path, opt, nil)
}

// readDataFileEnv reads a whole file, with a progress bar on a terminal.
func readDataFileEnv(path string, opt tabular.Options, env *Env) (*dataFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, analyseErr("cannot open %s: %v", path, errors.Unwrap(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, analyseErr("cannot read %s: %v", path, err)
	}
	name := filepath.Base(path)
	r, err := tabular.Open(f, st.Size(), name, opt)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	d := &dataFile{name: name, header: r.Header(), delim: r.Delimiter()}
	var bar *progressBar
	if env != nil && env.IsTerminal && st.Size() > 8<<20 {
		bar = newProgressBar(env.Stderr, true, "reading "+name, time.Now)
		defer bar.finish()
	}
	for {
		if bar != nil && len(d.rows)%4096 == 0 {
			bar.update(r.BytesRead(), st.Size(), int64(len(d.rows)))
		}
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if row.Err != nil {
			return nil, analyseErr("%s %v", name, row.Err)
		}
		d.rows = append(d.rows, row.Fields)
		d.lines = append(d.lines, row.Line)
	}
	if len(d.rows) == 0 {
		return nil, analyseErr("%s has a header but no data rows", name)
	}
	return d, nil
}

// filter keeps the rows for which keep is true and returns how many it
// dropped.
func (d *dataFile) filter(keep func(i int) bool) int {
	rows, lines := d.rows[:0:0], d.lines[:0:0]
	for i := range d.rows {
		if keep(i) {
			rows = append(rows, d.rows[i])
			lines = append(lines, d.lines[i])
		}
	}
	n := len(d.rows) - len(rows)
	d.rows, d.lines = rows, lines
	return n
}

// col returns the index of a column, matched exactly or else ignoring case.
func (d *dataFile) col(flagName, name string) (int, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return 0, usageErr("--%s is required: a column of %s (%s)", flagName, d.name, d.columnList())
	}
	for i, h := range d.header {
		if h == name {
			return i, nil
		}
	}
	for i, h := range d.header {
		if strings.EqualFold(h, name) {
			return i, nil
		}
	}
	return 0, analyseErr("%s has no column %q (--%s); its columns are %s", d.name, name, flagName, d.columnList())
}

func (d *dataFile) columnList() string {
	q := make([]string, len(d.header))
	for i, h := range d.header {
		q[i] = strconv.Quote(h)
	}
	if len(q) > 40 {
		q = append(q[:40], "…")
	}
	return strings.Join(q, ", ")
}

// cellErr names the file, row, column and value of a bad cell.
func (d *dataFile) cellErr(i, c int, reason string) error {
	v := d.rows[i][c]
	if len(v) > 80 {
		v = v[:80] + "…"
	}
	return analyseErr("%s row %d, column %q: value %q %s", d.name, d.lines[i], d.header[c], v, reason)
}

// num parses the number in row i, column c; an empty cell is an error.
func (d *dataFile) num(i, c int) (float64, error) {
	v, ok, err := parseNumber(d.rows[i][c], d.delim)
	if err != nil {
		return 0, d.cellErr(i, c, err.Error())
	}
	if !ok {
		return 0, d.cellErr(i, c, "is empty (a number is needed)")
	}
	return v, nil
}

// numOrNaN parses a number, reading an empty cell or NA as missing (NaN).
func (d *dataFile) numOrNaN(i, c int) (float64, error) {
	v, ok, err := parseNumber(d.rows[i][c], d.delim)
	if err != nil {
		return 0, d.cellErr(i, c, err.Error())
	}
	if !ok {
		return math.NaN(), nil
	}
	return v, nil
}

// count parses a whole, non-negative number.
func (d *dataFile) count(i, c int) (float64, error) {
	v, err := d.num(i, c)
	if err != nil {
		return 0, err
	}
	if v < 0 || v != math.Trunc(v) {
		return 0, d.cellErr(i, c, "is not a count (a whole number ≥ 0)")
	}
	return v, nil
}

// column reads a whole numeric column.
func (d *dataFile) column(flagName, name string) ([]float64, error) {
	c, err := d.col(flagName, name)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(d.rows))
	for i := range d.rows {
		if out[i], err = d.num(i, c); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parseNumber reads a number as offices write them: "1234.5", "1234,5"
// (decimal comma), "1.234,5", "1,234.5", "1 234,5", "1.234.567". ok is false for an
// empty cell or NA. delim is the file's delimiter: in a comma-separated
// file a lone comma followed by exactly three digits is a thousands
// separator ("1,234" was quoted), elsewhere it is a decimal comma.
func parseNumber(s string, delim rune) (v float64, ok bool, err error) {
	s = strings.TrimSpace(s)
	switch strings.ToUpper(s) {
	case "", "NA", "N/A", "NAN", "NULL", ".", "-", "–":
		return 0, false, nil
	}
	s = strings.NewReplacer("\u00a0", "", "\u202f", "", " ", "", "'", "").Replace(s)
	dot, comma := strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ',')
	switch {
	case dot >= 0 && comma >= 0:
		if comma > dot { // 1.234,5
			s = strings.ReplaceAll(s, ".", "")
			s = strings.Replace(s, ",", ".", 1)
		} else { // 1,234.5
			s = strings.ReplaceAll(s, ",", "")
		}
	case dot >= 0 && strings.Count(s, ".") > 1: // 1.234.567
		for _, p := range strings.Split(s, ".")[1:] {
			if len(p) != 3 {
				return 0, false, fmt.Errorf("is not a number")
			}
		}
		s = strings.ReplaceAll(s, ".", "")
	case comma >= 0:
		n := strings.Count(s, ",")
		thousands := n > 1 || (delim == ',' && len(s)-comma-1 == 3 && comma > 0)
		if thousands {
			for _, p := range strings.Split(s, ",")[1:] {
				if len(p) != 3 {
					return 0, false, fmt.Errorf("is not a number")
				}
			}
			s = strings.ReplaceAll(s, ",", "")
		} else {
			s = strings.Replace(s, ",", ".", 1)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return 0, false, fmt.Errorf("is not a number")
		}
	}
	v, perr := strconv.ParseFloat(s, 64)
	if perr != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false, fmt.Errorf("is not a number")
	}
	if math.Abs(v) > 1e15 {
		return 0, false, fmt.Errorf("is out of range (beyond ±1e15)")
	}
	return v, true, nil
}

// Period kinds: a whole number (a year, an index) or a calendar month.
const (
	periodInt     = 1
	periodMonth   = 2
	periodQuarter = 3
)

// parsePeriod reads a period: a whole number ("2003", "1955.0") or a month
// ("2015-03", "2015/03", "2015-03-01", "03/2015"). A month's key is
// year·12 + month − 1.
func parsePeriod(s string) (key, kind int, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, 0, errors.New("is empty (a period is needed)")
	}
	if v, ok, e := parseNumber(s, 0); e == nil && ok && !strings.ContainsAny(s, ",") {
		if v != math.Trunc(v) || math.Abs(v) > 1e9 {
			return 0, 0, errors.New("is not a whole period (a year, a month YYYY-MM or an index)")
		}
		return int(v), periodInt, nil
	}
	if y, q, ok := parseQuarter(s); ok {
		return y*4 + q - 1, periodQuarter, nil
	}
	for _, l := range []string{"2006-01", "2006/01", "2006-1", "2006/1", "01/2006", "1/2006", "2006-01-02", "2006/01/02", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006M01", "2006m01"} {
		if t, e := time.Parse(l, s); e == nil {
			return t.Year()*12 + int(t.Month()) - 1, periodMonth, nil
		}
	}
	return 0, 0, errors.New("is not a period: use a year or index (2003), a month (2015-03) or a quarter (2015-Q1)")
}

// parseQuarter reads "2015-Q1", "2015Q1", "2015 Q1", "2015-T1" (trimestre)
// or "Q1 2015".
func parseQuarter(s string) (year, q int, ok bool) {
	u := strings.ToUpper(strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), "-", ""))
	if len(u) == 6 && (u[4] == 'Q' || u[4] == 'T') && u[5] >= '1' && u[5] <= '4' && isDigits(u[:4]) {
		y, _ := strconv.Atoi(u[:4])
		return y, int(u[5] - '0'), true
	}
	if len(u) == 6 && (u[0] == 'Q' || u[0] == 'T') && u[1] >= '1' && u[1] <= '4' && isDigits(u[2:]) {
		y, _ := strconv.Atoi(u[2:])
		return y, int(u[1] - '0'), true
	}
	return 0, 0, false
}

func formatPeriod(key, kind int) string {
	if kind == periodQuarter {
		y, q := key/4, key%4+1
		if key < 0 {
			y, q = (key-3)/4, ((key%4)+4)%4+1
		}
		return fmt.Sprintf("%04d-Q%d", y, q)
	}
	if kind == periodMonth {
		y, m := key/12, key%12+1
		if key < 0 {
			y, m = (key-11)/12, ((key%12)+12)%12+1
		}
		return fmt.Sprintf("%04d-%02d", y, m)
	}
	return strconv.Itoa(key)
}

// periodColumn reads a column of periods, all of one kind, or two columns
// "YEAR,MONTH" combined into months.
func (d *dataFile) periodColumn(flagName, spec string) (keys []int, kind int, err error) {
	if parts := strings.Split(spec, ","); len(parts) == 2 {
		yc, err := d.col(flagName, parts[0])
		if err != nil {
			return nil, 0, err
		}
		mc, err := d.col(flagName, parts[1])
		if err != nil {
			return nil, 0, err
		}
		keys = make([]int, len(d.rows))
		for i := range d.rows {
			y, err := d.num(i, yc)
			if err != nil {
				return nil, 0, err
			}
			m, err := d.num(i, mc)
			if err != nil {
				return nil, 0, err
			}
			if y != math.Trunc(y) || y < 1000 || y > 9999 {
				return nil, 0, d.cellErr(i, yc, "is not a year")
			}
			if m != math.Trunc(m) || m < 1 || m > 12 {
				return nil, 0, d.cellErr(i, mc, "is not a month (1–12)")
			}
			keys[i] = int(y)*12 + int(m) - 1
		}
		return keys, periodMonth, nil
	}
	c, err := d.col(flagName, spec)
	if err != nil {
		return nil, 0, err
	}
	keys = make([]int, len(d.rows))
	for i := range d.rows {
		k, kd, err := parsePeriod(d.rows[i][c])
		if err != nil {
			return nil, 0, d.cellErr(i, c, err.Error())
		}
		if kind == 0 {
			kind = kd
		} else if kd != kind {
			return nil, 0, d.cellErr(i, c, "is not the same kind of period as the first row's (all years/indexes or all months)")
		}
		keys[i] = k
	}
	return keys, kind, nil
}

// parsePeriodAs reads a period given in a flag, of the column's kind.
func parsePeriodAs(flagName, s string, kind int) (int, error) {
	k, kd, err := parsePeriod(s)
	if err != nil {
		return 0, usageErr("--%s %q %v", flagName, s, err)
	}
	if kind != 0 && kd != kind {
		if kind == periodMonth {
			return 0, usageErr("--%s %q: the time column holds months; write YYYY-MM", flagName, s)
		}
		if kind == periodQuarter {
			return 0, usageErr("--%s %q: the time column holds quarters; write YYYY-Qn", flagName, s)
		}
		return 0, usageErr("--%s %q: the time column holds whole numbers; write one", flagName, s)
	}
	return k, nil
}

// windowSpec is a predictor specification 'COL[,COL…]:PERIODS' where
// PERIODS is a comma-separated list of periods, ranges FROM-TO (or
// FROM..TO) and stepped ranges FROM-TO/STEP.
type windowSpec struct {
	Cols     []string
	From, To int   // a single range
	Periods  []int // a list, when not a single range
	Ranged   bool
	Original string
}

// parseWindowSpec parses a window spec; the periods are of the given kind
// (0: any).
func parseWindowSpec(s string, kind int) (windowSpec, error) {
	ws := windowSpec{Original: s}
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return ws, fmt.Errorf("%q: write COLUMN:FROM-TO, COLUMN:YEAR or COL1,COL2:FROM-TO (periods may be lists: 1961,1963 or 1961-1969/2)", s)
	}
	for _, c := range strings.Split(s[:i], ",") {
		if c = strings.TrimSpace(c); c != "" {
			ws.Cols = append(ws.Cols, c)
		}
	}
	if len(ws.Cols) == 0 {
		return ws, fmt.Errorf("%q names no column before the colon", s)
	}
	items := strings.Split(s[i+1:], ",")
	var per []int
	for _, it := range items {
		it = strings.TrimSpace(it)
		if it == "" {
			return ws, fmt.Errorf("%q has an empty period", s)
		}
		step := 1
		if j := strings.LastIndexByte(it, '/'); j > 0 && isDigits(it[j+1:]) && (strings.Contains(it[:j], "-") || strings.Contains(it[:j], "..")) {
			n, err := strconv.Atoi(it[j+1:])
			if err != nil || n < 1 || n > 1000 {
				return ws, fmt.Errorf("%q: the step %q is not a whole number from 1 to 1000", s, it[j+1:])
			}
			step, it = n, it[:j]
		}
		from, to, err := parseRange(it, kind)
		if err != nil {
			return ws, fmt.Errorf("%q: %v", s, err)
		}
		if to < from {
			return ws, fmt.Errorf("%q: the range %q ends before it begins", s, it)
		}
		if (to-from)/step > 100000 {
			return ws, fmt.Errorf("%q: the range %q is too long", s, it)
		}
		if len(items) == 1 && step == 1 {
			ws.From, ws.To, ws.Ranged = from, to, true
			return ws, nil
		}
		for p := from; p <= to; p += step {
			per = append(per, p)
		}
		if len(per) > 100000 {
			return ws, fmt.Errorf("%q lists too many periods", s)
		}
	}
	ws.Periods = per
	return ws, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// parseRange reads "P", "P1-P2" or "P1..P2" where P is a period of the kind.
func parseRange(s string, kind int) (int, int, error) {
	if len(s) > 64 {
		return 0, 0, fmt.Errorf("%.20q… is too long for a period or a range FROM-TO", s)
	}
	one := func(x string) (int, bool) {
		k, kd, err := parsePeriod(x)
		if err != nil || (kind != 0 && kd != kind) {
			return 0, false
		}
		return k, true
	}
	if a, b, ok := strings.Cut(s, ".."); ok {
		x, ok1 := one(a)
		y, ok2 := one(b)
		if !ok1 || !ok2 {
			return 0, 0, fmt.Errorf("%q is not a range of periods", s)
		}
		return x, y, nil
	}
	if k, ok := one(s); ok && !strings.HasPrefix(strings.TrimSpace(s), "-") {
		return k, k, nil
	}
	for j := 1; j < len(s)-1; j++ {
		if s[j] != '-' {
			continue
		}
		x, ok1 := one(s[:j])
		y, ok2 := one(s[j+1:])
		if ok1 && ok2 {
			return x, y, nil
		}
	}
	if k, ok := one(s); ok {
		return k, k, nil
	}
	return 0, 0, fmt.Errorf("%q is not a period or a range FROM-TO", s)
}

// dateColumn reads a column of dates (with or without times). With format
// "" it detects ISO dates, or day/month/year against month/day/year from
// the values themselves (a first part above 12 means day first), and
// refuses a column where both readings fit every value.
func (d *dataFile) dateColumn(flagName, name, format string) ([]time.Time, error) {
	c, err := d.col(flagName, name)
	if err != nil {
		return nil, err
	}
	var layouts []string
	if format != "" {
		layouts = []string{dateLayout(format)}
	} else {
		layouts = []string{"2006-01-02", "2006-01-02T15:04:05", "2006-01-02 15:04:05", time.RFC3339, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04", "2006/01/02"}
		slash := false
		dayFirst, monthFirst := false, false
		for i := range d.rows {
			v := strings.TrimSpace(d.rows[i][c])
			p := strings.SplitN(v, "/", 3)
			if len(p) == 3 && len(p[0]) <= 2 {
				slash = true
				a, _ := strconv.Atoi(p[0])
				b, _ := strconv.Atoi(p[1])
				if a > 12 {
					dayFirst = true
				}
				if b > 12 {
					monthFirst = true
				}
			}
		}
		if slash {
			switch {
			case dayFirst && monthFirst:
				return nil, analyseErr("%s column %q mixes day/month/year and month/day/year dates; give --date-format", d.name, d.header[c])
			case dayFirst:
				layouts = append(layouts, "02/01/2006", "2/1/2006", "02/01/2006 15:04:05", "02/01/2006 15:04", "02/01/2006 03:04:05 PM")
			case monthFirst:
				layouts = append(layouts, "01/02/2006", "1/2/2006", "01/02/2006 15:04:05", "01/02/2006 15:04", "01/02/2006 03:04:05 PM")
			default:
				return nil, analyseErr("%s column %q has dates like %q that read as day/month or month/day; give --date-format DD/MM/YYYY or MM/DD/YYYY", d.name, d.header[c], d.rows[0][c])
			}
		}
	}
	out := make([]time.Time, len(d.rows))
	for i := range d.rows {
		v := strings.TrimSpace(d.rows[i][c])
		if v == "" {
			return nil, d.cellErr(i, c, "is empty (a date is needed)")
		}
		ok := false
		for _, l := range layouts {
			if t, err := time.Parse(l, v); err == nil {
				out[i], ok = t, true
				break
			}
			// A date layout without time for cells with a time part.
			if n := len(l); !strings.ContainsAny(l, " T") && len(v) > n && (v[n] == ' ' || v[n] == 'T') {
				if t, err := time.Parse(l, v[:n]); err == nil {
					out[i], ok = t, true
					break
				}
			}
		}
		if !ok {
			hint := "is not a date (YYYY-MM-DD, DD/MM/YYYY or MM/DD/YYYY; see --date-format)"
			if format != "" {
				hint = "does not match --date-format " + format
			}
			return nil, d.cellErr(i, c, hint)
		}
		if out[i].Year() < 1800 || out[i].Year() > 2200 {
			return nil, d.cellErr(i, c, "is out of range (years 1800–2200)")
		}
	}
	return out, nil
}

// dateLayout converts a date format such as DD/MM/YYYY hh:mm AM to a Go
// layout (a Go layout is accepted too).
func dateLayout(format string) string {
	if strings.Contains(format, "2006") {
		return format
	}
	r := strings.NewReplacer("YYYY", "2006", "YY", "06", "MM", "01", "DD", "02",
		"HH", "15", "hh", "03", "mm", "04", "ss", "05", "AM", "PM", "am", "pm", "M", "1", "D", "2")
	return r.Replace(format)
}

// splitPair splits "A,B" into two trimmed names.
func splitPair(flagName, s string) (string, string, error) {
	a, b, ok := strings.Cut(s, ",")
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if !ok || a == "" || b == "" || strings.Contains(b, ",") {
		return "", "", usageErr("--%s %q: give two columns, X,Y", flagName, s)
	}
	return a, b, nil
}

// cleanID normalises an identifier so that "37009", "37009.0" and
// " 37009 " match.
func cleanID(s string) string {
	s = strings.TrimSpace(s)
	if v, err := strconv.ParseFloat(s, 64); err == nil && v == math.Trunc(v) && math.Abs(v) < 1e15 && !strings.ContainsAny(s, "eEx") {
		return strconv.FormatInt(int64(v), 10)
	}
	return s
}
