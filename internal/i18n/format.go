package i18n

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// separators gives the thousands and decimal separators of each language:
// 1.234,5 in Spanish and Portuguese, 1,234.5 in English, 1 234,5 in French
// (with a narrow no-break space, as CLDR has it).
func separators(l Lang) (thousands, decimal string) {
	switch l {
	case EN:
		return ",", "."
	case FR:
		return "\u202f", ","
	default:
		return ".", ","
	}
}

// Number writes v with decimals digits after the decimal separator, the
// way lang writes numbers. NaN and infinities are written as "–".
func Number(lang Lang, v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	th, dec := separators(lang)
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteString("−")
	}
	b.WriteString(group(intPart, th))
	if frac != "" {
		b.WriteString(dec)
		b.WriteString(frac)
	}
	return b.String()
}

// Int writes n with the thousands separator of lang.
func Int(lang Lang, n int64) string { return Number(lang, float64(n), 0) }

// Percent writes a share (0.153) as a percentage with decimals digits:
// "15,3 %" in Spanish, French and Portuguese, "15.3%" in English.
func Percent(lang Lang, share float64, decimals int) string {
	s := Number(lang, share*100, decimals)
	if lang == EN {
		return s + "%"
	}
	return s + "\u00a0%"
}

func group(digits, sep string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

var monthNames = map[Lang][12]string{
	ES: {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
	EN: {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	PT: {"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"},
	FR: {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
}

// Month is the name of month m in lang.
func Month(lang Lang, m time.Month) string {
	names, ok := monthNames[lang]
	if !ok || m < 1 || m > 12 {
		return m.String()
	}
	return names[m-1]
}

// Date writes a day the way lang does: "28 de noviembre de 2026",
// "28 November 2026", "28 de novembro de 2026", "28 novembre 2026".
func Date(lang Lang, t time.Time) string {
	d, m, y := strconv.Itoa(t.Day()), Month(lang, t.Month()), strconv.Itoa(t.Year())
	switch lang {
	case ES, PT:
		return d + " de " + m + " de " + y
	default:
		return d + " " + m + " " + y
	}
}

// Period writes an Atalaya period ("2024", "2024-Q3", "2024-03") in lang:
// "2024", "T3 2024" / "Q3 2024" / "3º tri. 2024" / "T3 2024", "marzo 2024".
func Period(lang Lang, p string) string {
	if len(p) == 7 && p[4] == '-' && p[5] == 'Q' {
		q := p[6:]
		switch lang {
		case EN:
			return "Q" + q + " " + p[:4]
		case PT:
			return q + "º tri. " + p[:4]
		default:
			return "T" + q + " " + p[:4]
		}
	}
	if len(p) == 7 && p[4] == '-' {
		if m, err := strconv.Atoi(p[5:]); err == nil && m >= 1 && m <= 12 {
			return Month(lang, time.Month(m)) + " " + p[:4]
		}
	}
	return p
}
