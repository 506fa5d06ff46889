package ingest

import (
	"fmt"

	"github.com/oas-atalaya/atalaya"
	"strconv"
	"strings"
	"time"
)

// numberParser parses numbers written with the profile's decimal and
// thousands separators: "1.234,5" with decimal "," and thousands ".".
type numberParser struct {
	decimal   byte
	thousands string
}

func newNumberParser(decimal, thousands string) numberParser {
	np := numberParser{decimal: '.', thousands: thousands}
	if decimal == "," {
		np.decimal = ','
	}
	return np
}

func (np numberParser) parse(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("is empty")
	}
	if np.thousands != "" {
		s = strings.ReplaceAll(s, np.thousands, "")
	}
	if np.decimal == ',' {
		if strings.Contains(s, ".") && np.thousands == "" {
			return 0, fmt.Errorf("is not a number with a decimal comma")
		}
		s = strings.Replace(s, ",", ".", 1)
	}
	s = strings.ReplaceAll(s, "\u00a0", "")
	// ParseFloat also reads hexadecimal, underscores, "inf" and "nan";
	// a data file means none of them.
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return 0, fmt.Errorf("is not a number")
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("is not a number")
	}
	if v != v || v > 1e15 || v < -1e15 {
		return 0, fmt.Errorf("is out of range")
	}
	return v, nil
}

// dateLayout converts a profile's date format (YYYY, MM, DD, M, D, hh, HH,
// mm, ss, AM) to a Go time layout.
func dateLayout(format string) string {
	r := strings.NewReplacer(
		"YYYY", "2006", "YY", "06", "MM", "01", "DD", "02",
		"HH", "15", "hh", "03", "mm", "04", "ss", "05", "SSS", "000", "AM", "PM", "am", "pm",
		"M", "1", "D", "2",
	)
	return r.Replace(format)
}

// dateParser parses dates in the profile's format and checks their range.
type dateParser struct {
	format  string
	layouts []string
	min     time.Time
	max     time.Time
}

func newDateParser(format, notBefore string, now time.Time) dateParser {
	dp := dateParser{format: format, max: now.Add(36 * time.Hour)}
	dp.layouts = []string{dateLayout(format)}
	// Spreadsheets render dates as ISO whatever the source wrote, and open
	// data portals write ISO timestamps; accept ISO too so that an XLSX or
	// API version of a CSV export reads the same.
	dp.layouts = append(dp.layouts, "2006-01-02", "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999",
		time.RFC3339Nano, "2006-01-02 15:04:05")
	dp.min = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	if t, err := time.Parse("2006-01-02", notBefore); err == nil {
		dp.min = t
	}
	return dp
}

func (dp dateParser) parse(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("is empty")
	}
	var t time.Time
	var err error
	for _, l := range dp.layouts {
		if t, err = time.Parse(l, s); err == nil {
			break
		}
		// A date format given without the time that the cells carry
		// ("MM/DD/YYYY" for "01/08/2020 12:00:00 AM"): read the date part.
		if n := len(l); !strings.ContainsAny(l, " T") && len(s) > n && (s[n] == ' ' || s[n] == 'T') {
			if t, err = time.Parse(l, s[:n]); err == nil {
				break
			}
		}
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("does not match the format %s", dp.format)
	}
	if t.Before(dp.min) {
		return time.Time{}, fmt.Errorf("is before %s", dp.min.Format("2006-01-02"))
	}
	if t.After(dp.max) {
		return time.Time{}, fmt.Errorf("is in the future")
	}
	return t, nil
}

var monthNames = map[string]int{}

func init() {
	lists := [][]string{
		{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"},
		{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
		{"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"},
		{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	}
	abbrev := map[string]int{}
	for _, l := range lists {
		for i, n := range l {
			monthNames[n] = i + 1
			r := []rune(n)
			a := string(r[:3])
			if m, seen := abbrev[a]; seen && m != i+1 {
				abbrev[a] = -1 // ambiguous, e.g. French "jui" (juin, juillet)
			} else {
				abbrev[a] = i + 1
			}
		}
	}
	for a, m := range abbrev {
		if m > 0 {
			if _, full := monthNames[a]; !full {
				monthNames[a] = m
			}
		}
	}
	monthNames["setiembre"] = 9
	monthNames["sept"] = 9
	monthNames["juil"] = 7
}

// parseMonth reads 1–12, 01–12 or a month name in es/en/pt/fr.
func parseMonth(s string) (int, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 || n > 12 {
			return 0, fmt.Errorf("is not a month 1–12")
		}
		return n, nil
	}
	if n, ok := monthNames[s]; ok {
		return n, nil
	}
	return 0, fmt.Errorf("is not a month (1–12 or a month name)")
}

// parseYear reads a year between 1900 and 2200.
func parseYear(s string) (int, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".0") // spreadsheets write years as 2015.0
	if len(s) != 4 || !allDigits(s) {
		return 0, fmt.Errorf("is not a year")
	}
	n, _ := strconv.Atoi(s)
	if n < 1900 || n > 2200 {
		return 0, fmt.Errorf("is not a year between 1900 and 2200")
	}
	return n, nil
}

// parsePeriod reads YYYY, YYYY-MM or YYYY-Qn (also YYYY-Mmm as SDMX writes
// monthly periods: 2020-M01).
func parsePeriod(s string) (string, error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("is not a period (YYYY, YYYY-MM or YYYY-Qn)")
	if len(s) < 4 {
		return "", bad
	}
	if _, err := parseYear(s[:4]); err != nil {
		return "", bad
	}
	var p string
	switch {
	case len(s) == 4:
		p = s
	case len(s) == 7 && s[4] == '-' && (s[5] == 'Q' || s[5] == 'q'):
		p = s[:5] + "Q" + s[6:]
	case len(s) == 7 && s[4] == '-':
		p = s
	case len(s) == 8 && s[4] == '-' && s[5] == 'M':
		p = s[:5] + s[6:]
	}
	if !atalaya.ValidPeriod(p) {
		return "", bad
	}
	return p, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
