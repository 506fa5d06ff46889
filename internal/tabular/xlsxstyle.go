package tabular

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// value renders a cell as text.
func (s *sheetReader) value(c *cell) (v, problem string) {
	text := string(s.text)
	switch c.typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(text))
		if err != nil || i < 0 || i >= len(s.wb.sst) {
			return "", fmt.Sprintf("refers to shared string %q, which the workbook does not have", truncate(text, 20))
		}
		return s.wb.sst[i], ""
	case "inlineStr", "str", "e", "d":
		return unescapeX(text), ""
	case "b":
		switch strings.TrimSpace(text) {
		case "1":
			return "true", ""
		case "0":
			return "false", ""
		}
		return text, ""
	}
	if c.style >= 0 && c.style < len(s.wb.styles) && s.wb.styles[c.style] != kindNumber {
		if d, ok := excelDate(strings.TrimSpace(text), s.wb.date1904, s.wb.styles[c.style]); ok {
			return d, ""
		}
	}
	return text, ""
}

// columnName names a column for messages: its header name, or its letters.
func (s *sheetReader) columnName(col int) string {
	if col < len(s.header) {
		return s.header[col]
	}
	var b []byte
	for n := col + 1; n > 0; n = (n - 1) / 26 {
		b = append([]byte{byte('A' + (n-1)%26)}, b...)
	}
	return string(b)
}

// cellKind says how the number format of a cell style shows numbers.
type cellKind uint8

const (
	kindNumber   cellKind = iota // a plain number
	kindDate                     // a date, possibly with a time
	kindTimeOnly                 // a time of day or a duration
)

// maxStyles bounds the cell formats read from styles.xml; Excel allows
// about 64,000.
const maxStyles = 1 << 17

// readStyles reads the cell formats (cellXfs) of styles.xml and works out
// which of them show numbers as dates or times.
func (wb *workbook) readStyles(p string) ([]cellKind, error) {
	var st struct {
		NumFmts []struct {
			ID   string `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID string `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := wb.unmarshal(p, &st); err != nil {
		return nil, err
	}
	custom := make(map[int]cellKind, len(st.NumFmts))
	for _, f := range st.NumFmts {
		if id, err := strconv.Atoi(f.ID); err == nil {
			custom[id] = formatKind(f.Code)
		}
	}
	kinds := make([]cellKind, min(len(st.Xfs), maxStyles))
	for i := range kinds {
		id, err := strconv.Atoi(st.Xfs[i].NumFmtID)
		if err != nil {
			continue
		}
		if k, ok := custom[id]; ok {
			kinds[i] = k
		} else {
			kinds[i] = builtinKind(id)
		}
	}
	return kinds, nil
}

// builtinKind classifies Excel's built-in number formats: 14–17 and 22 are
// dates, 18–21 and 45–47 times of day or durations.
func builtinKind(id int) cellKind {
	switch {
	case id >= 14 && id <= 17, id == 22:
		return kindDate
	case id >= 18 && id <= 21, id >= 45 && id <= 47:
		return kindTimeOnly
	}
	return kindNumber
}

// formatKind classifies a custom number format code such as "dd/mm/yyyy",
// "yyyy-mm-dd hh:mm" or "[h]:mm". Quoted text, escaped characters, colours
// and locale tags are ignored, as is every section but the first.
func formatKind(code string) cellKind {
	var date, clock, month bool
	for i := 0; i < len(code); i++ {
		switch c := code[i] | 0x20; {
		case code[i] == ';':
			i = len(code)
		case code[i] == '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
		case code[i] == '\\', code[i] == '_', code[i] == '*':
			i++
		case code[i] == '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				i = len(code)
				break
			}
			if tag := strings.ToLower(code[i+1 : i+j]); strings.Trim(tag, "hms") == "" && tag != "" {
				clock = true // elapsed time: [h]:mm, [mm]:ss
			}
			i += j
		case c == 'd' || c == 'y':
			date = true
		case c == 'h' || c == 's':
			clock = true
		case c == 'm':
			month = true
		}
	}
	switch {
	case date || month && !clock:
		return kindDate
	case clock:
		return kindTimeOnly
	}
	return kindNumber
}

// Bases of Excel's two date systems.
var (
	excelEpoch1900 = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	excelEpoch1904 = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
)

// excelDate renders a serial date number as YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS
// when it has a time part, or HH:MM:SS for a time of day. It reports false
// for text that is not a serial date (not a number, negative, past the year
// 9999, or Excel's fictitious 29 February 1900), which is then kept as it is.
func excelDate(v string, date1904 bool, kind cellKind) (string, bool) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f >= 2958466 || math.IsNaN(f) {
		return "", false
	}
	days := math.Floor(f)
	secs := math.Round((f - days) * 86400)
	if secs >= 86400 {
		days, secs = days+1, 0
	}
	clock := time.Time{}.Add(time.Duration(secs) * time.Second).Format("15:04:05")
	if days == 0 && (kind == kindTimeOnly || !date1904) {
		return clock, true // a time of day; day 0 of the 1900 system is no date
	}
	base := excelEpoch1904
	if !date1904 {
		switch {
		case days == 60:
			return "", false
		case days < 60:
			// Excel counts 1900 as a leap year: serials before the
			// fictitious 29 February are one day off the usual epoch.
			base = excelEpoch1900.AddDate(0, 0, 1)
		default:
			base = excelEpoch1900
		}
	}
	d := base.AddDate(0, 0, int(days))
	if secs == 0 {
		return d.Format("2006-01-02"), true
	}
	return d.Format("2006-01-02") + "T" + clock, true
}
