package export

import (
	"unicode/utf8"
)

// Neutralise defuses spreadsheet formula injection in a text cell of a CSV
// or XLSX file. A cell that a spreadsheet would run as a formula — one
// starting with =, +, - or @, with a tab or a carriage return, or with the
// full-width forms of = + - @ that some spreadsheets also accept — gets a
// leading apostrophe, so that it shows as text: "=HYPERLINK(…)" becomes
// "'=HYPERLINK(…)". A cell that is a plain number ("-1.5", "+3", "-2e-3")
// is not a formula and is kept as it is, so numbers stay numbers; "-1+1"
// is not a plain number and is defused.
//
// The apostrophe is visible in the cell when a CSV file is opened: it is
// the price of never running a formula that a source's text (an area
// name, a note) smuggled into a download.
func Neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return "'" + s
	case '+', '-':
		if plainNumber(s) {
			return s
		}
		return "'" + s
	}
	switch r, _ := utf8.DecodeRuneInString(s); r {
	case '＝', '＋', '－', '＠':
		return "'" + s
	}
	return s
}

// plainNumber reports whether s is a decimal number with an optional sign,
// point and exponent, and nothing else.
func plainNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}
