package values

import (
	"fmt"
	"strconv"

	"github.com/oas-atalaya/atalaya"
)

// Granularity of a period.
type granularity int

const (
	gYear granularity = iota
	gQuarter
	gMonth
)

// Sub-period slots of a year: slot 0 is data given for the whole year,
// 1–12 the months, 13–16 the quarters.
const (
	slotYear     = 0
	slotQuarter1 = 13
	nSlots       = 17
)

// period is a parsed period: a year, a quarter or a month of a year.
type period struct {
	year int
	g    granularity
	n    int // quarter 1–4 or month 1–12; 0 for a year
}

// parsePeriod parses YYYY, YYYY-Qn or YYYY-MM.
func parsePeriod(s string) (period, error) {
	if !atalaya.ValidPeriod(s) {
		return period{}, atalaya.Errorf(atalaya.EINVALID, "period %q is not YYYY, YYYY-Qn or YYYY-MM", s)
	}
	y, _ := strconv.Atoi(s[:4])
	switch {
	case len(s) == 4:
		return period{year: y, g: gYear}, nil
	case s[5] == 'Q':
		return period{year: y, g: gQuarter, n: int(s[6] - '0')}, nil
	default:
		m, _ := strconv.Atoi(s[5:])
		return period{year: y, g: gMonth, n: m}, nil
	}
}

// String formats the period as Atalaya writes it.
func (p period) String() string {
	switch p.g {
	case gQuarter:
		return fmt.Sprintf("%04d-Q%d", p.year, p.n)
	case gMonth:
		return fmt.Sprintf("%04d-%02d", p.year, p.n)
	}
	return fmt.Sprintf("%04d", p.year)
}

// index orders periods of one granularity.
func (p period) index() int {
	switch p.g {
	case gQuarter:
		return p.year*4 + p.n - 1
	case gMonth:
		return p.year*12 + p.n - 1
	}
	return p.year
}

// next returns the following period of the same granularity.
func (p period) next() period {
	switch p.g {
	case gQuarter:
		if p.n == 4 {
			return period{year: p.year + 1, g: gQuarter, n: 1}
		}
		return period{year: p.year, g: gQuarter, n: p.n + 1}
	case gMonth:
		if p.n == 12 {
			return period{year: p.year + 1, g: gMonth, n: 1}
		}
		return period{year: p.year, g: gMonth, n: p.n + 1}
	}
	return period{year: p.year + 1, g: gYear}
}

// months returns the first month and the number of months the period spans.
func (p period) months() (first, n int) {
	switch p.g {
	case gQuarter:
		return 3*(p.n-1) + 1, 3
	case gMonth:
		return p.n, 1
	}
	return 1, 12
}

// monthMask returns the bits (1 << month) of the period's months.
func (p period) monthMask() uint32 {
	first, n := p.months()
	var m uint32
	for i := 0; i < n; i++ {
		m |= 1 << (first + i)
	}
	return m
}

// slotOf returns the year and slot of a stored cube period.
func slotOf(s string) (year, slot int, ok bool) {
	p, err := parsePeriod(s)
	if err != nil {
		return 0, 0, false
	}
	switch p.g {
	case gQuarter:
		return p.year, slotQuarter1 + p.n - 1, true
	case gMonth:
		return p.year, p.n, true
	}
	return p.year, slotYear, true
}

// periodRange enumerates the periods from from to to inclusive. They must
// have the same granularity; at most max periods.
func periodRange(from, to string, max int) ([]period, error) {
	a, err := parsePeriod(from)
	if err != nil {
		return nil, err
	}
	b, err := parsePeriod(to)
	if err != nil {
		return nil, err
	}
	if a.g != b.g {
		return nil, atalaya.Errorf(atalaya.EINVALID, "from=%s and to=%s must be periods of the same kind (both years, quarters or months)", from, to)
	}
	if b.index() < a.index() {
		return nil, atalaya.Errorf(atalaya.EINVALID, "from=%s is after to=%s", from, to)
	}
	if n := b.index() - a.index() + 1; n > max {
		return nil, atalaya.Errorf(atalaya.EINVALID, "from=%s to=%s spans %d periods; ask for at most %d at a time", from, to, n, max)
	}
	var ps []period
	for p := a; p.index() <= b.index(); p = p.next() {
		ps = append(ps, p)
	}
	return ps, nil
}
