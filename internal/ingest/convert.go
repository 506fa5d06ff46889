package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/oas-atalaya/atalaya"
)

// Placer places a point in an area. *geo.Index satisfies it.
type Placer interface {
	Place(lat, lon, toleranceMeters float64) (code string, meters float64, how atalaya.Placement, ok bool)
}

// converter turns one row into a record, an observation or population rows,
// or a rejection that says why not.
type converter struct {
	p        *Profile
	file     string
	col      map[string]int
	num      numberParser
	dates    dateParser
	mapping  map[string]atalaya.MappingEntry
	version  int
	iccs     map[string]bool
	areas    map[string]bool
	placer   Placer
	status   atalaya.Status
	unit     atalaya.CountingUnit
	ageBands [][2]int
}

// outcome is what one row became.
type outcome struct {
	rec  *atalaya.Record
	obs  *atalaya.Observation
	pops []atalaya.Population
	rej  *atalaya.Rejection
	flag *atalaya.Flag
}

// rowError is a reason to reject a row, naming the column and value.
type rowError struct {
	column, value, reason string
}

func (e *rowError) Error() string { return e.reason }

func reject(column, value, format string, args ...any) *rowError {
	if len(value) > 200 {
		value = value[:200] + "…"
	}
	return &rowError{column: column, value: value, reason: fmt.Sprintf(format, args...)}
}

func (c *converter) get(fields []string, column string) (string, bool) {
	i, ok := c.col[column]
	if !ok || i >= len(fields) {
		return "", false
	}
	return strings.TrimSpace(fields[i]), true
}

// convert classifies one row. line is the data row number within the file.
func (c *converter) convert(line int64, fields []string) (out outcome, rerr *rowError) {
	switch c.p.Kind {
	case KindRecords:
		rec, flag, err := c.record(line, fields)
		if err != nil {
			return out, err
		}
		out.rec, out.flag = rec, flag
	case KindAggregates:
		obs, err := c.observation(line, fields)
		if err != nil {
			return out, err
		}
		out.obs = obs
	case KindPopulation:
		pops, err := c.population(fields)
		if err != nil {
			return out, err
		}
		out.pops = pops
	}
	return out, nil
}

func (c *converter) key(fields []string) string {
	if len(c.p.Key) == 1 {
		v, _ := c.get(fields, c.p.Key[0])
		return v
	}
	var b strings.Builder
	if len(c.p.Key) > 0 {
		for i, k := range c.p.Key {
			if i > 0 {
				b.WriteByte('|')
			}
			v, _ := c.get(fields, k)
			b.WriteString(v)
		}
		return b.String()
	}
	h := sha256.New()
	for _, f := range fields {
		h.Write([]byte(strings.TrimSpace(f)))
		h.Write([]byte{0})
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)[:16])
}

func (c *converter) record(line int64, fields []string) (*atalaya.Record, *atalaya.Flag, *rowError) {
	r := &atalaya.Record{
		Key:        c.key(fields),
		Provenance: atalaya.Provenance{Source: c.p.Source.ID, File: c.file, Row: line, Status: c.status},
		Unit:       c.unit,
		Age:        -1,
	}
	if len(c.p.Key) > 0 && strings.Trim(r.Key, "|") == "" {
		return nil, nil, reject(strings.Join(c.p.Key, " / "), "", "the record id is empty")
	}
	period, date, err := c.period(fields, true)
	if err != nil {
		return nil, nil, err
	}
	r.Period, r.Date = period, date
	if err := c.classify(fields, &r.NationalCode, &r.ICCS, &r.Sex, &r.Weapon, &r.Context, &r.CodeList, &r.MappingVersion); err != nil {
		return nil, nil, err
	}
	if err := c.age(fields, &r.Age, &r.AgeBand); err != nil {
		return nil, nil, err
	}
	flag, err := c.place(line, fields, r)
	if err != nil {
		return nil, nil, err
	}
	return r, flag, nil
}

func (c *converter) observation(line int64, fields []string) (*atalaya.Observation, *rowError) {
	o := &atalaya.Observation{
		Key:        c.key(fields),
		Provenance: atalaya.Provenance{Source: c.p.Source.ID, File: c.file, Row: line, Status: c.status},
		Dataflow:   c.p.Dataflow,
		Unit:       c.unit,
		Rollup:     c.p.Rollup,
	}
	if c.p.Indicator != "" {
		o.Indicator, _ = c.get(fields, c.p.Indicator)
	}
	period, _, err := c.period(fields, false)
	if err != nil {
		return nil, err
	}
	o.Period = period
	code, err := c.areaCode(fields)
	if err != nil {
		return nil, err
	}
	o.Area = code
	if c.p.UnitColumn.Column != "" || c.p.UnitColumn.Default != "" {
		u, err := c.coded(fields, c.p.UnitColumn, "unit", func(s string) bool { return atalaya.CountingUnit(s).Valid() })
		if err != nil {
			return nil, err
		}
		if u != "" {
			o.Unit = atalaya.CountingUnit(u)
		}
	}
	if err := c.classify(fields, &o.NationalCode, &o.ICCS, &o.Sex, &o.Weapon, &o.Context, &o.CodeList, &o.MappingVersion); err != nil {
		return nil, err
	}
	age := -1
	if err := c.age(fields, &age, &o.AgeBand); err != nil {
		return nil, err
	}
	raw, _ := c.get(fields, c.p.Value)
	v, perr := c.num.parse(raw)
	if perr != nil {
		return nil, reject(c.p.Value, raw, "the value %s", perr)
	}
	if o.Unit.Countable() && v < 0 {
		return nil, reject(c.p.Value, raw, "a count of %ss cannot be negative", o.Unit)
	}
	o.Value = v
	for _, d := range c.p.Dims {
		if s, ok := c.get(fields, d); ok {
			if o.Dims == nil {
				o.Dims = map[string]string{}
			}
			o.Dims[d] = s
		}
	}
	o.Key = seriesKey(o)
	for _, a := range c.p.Attributes {
		if s, ok := c.get(fields, a); ok && s != "" {
			if o.Attributes == nil {
				o.Attributes = map[string]string{}
			}
			o.Attributes[a] = s
		}
	}
	return o, nil
}

func (c *converter) population(fields []string) ([]atalaya.Population, *rowError) {
	raw, _ := c.get(fields, c.p.Period.Year)
	year, err := parseYear(raw)
	if err != nil {
		return nil, reject(c.p.Period.Year, raw, "the year %s", err)
	}
	area, rerr := c.areaCode(fields)
	if rerr != nil {
		return nil, rerr
	}
	specs := c.p.Values
	if len(specs) == 0 {
		specs = []ValueSpec{{Column: c.p.Value, Sex: atalaya.SexTotal}}
	}
	var out []atalaya.Population
	for _, s := range specs {
		raw, ok := c.get(fields, s.Column)
		if !ok || raw == "" {
			continue
		}
		v, err := c.num.parse(raw)
		if err != nil {
			return nil, reject(s.Column, raw, "the population %s", err)
		}
		if v < 0 || v != math.Trunc(v) {
			return nil, reject(s.Column, raw, "a population must be a whole number ≥ 0")
		}
		sex, band := s.Sex, s.AgeBand
		if sex == "" {
			sex = atalaya.SexTotal
		}
		if band == "" {
			band = atalaya.AgeTotal
		}
		out = append(out, atalaya.Population{Area: area, Year: year, Sex: sex, AgeBand: band, Value: int64(v), Source: c.p.PopulationSource})
	}
	if len(out) == 0 {
		return nil, reject("", "", "the row has no population value")
	}
	return out, nil
}

// period returns YYYY-MM (records, monthly aggregates), YYYY or YYYY-Qn,
// and the ISO date when the row has one.
func (c *converter) period(fields []string, monthly bool) (period, date string, err *rowError) {
	p := c.p.Period
	switch {
	case p.Date != "":
		raw, _ := c.get(fields, p.Date)
		t, perr := c.dates.parse(raw)
		if perr != nil {
			return "", "", reject(p.Date, raw, "the date %s", perr)
		}
		return t.Format("2006-01"), t.Format("2006-01-02"), nil
	case p.Period != "":
		raw, _ := c.get(fields, p.Period)
		s, perr := parsePeriod(raw)
		if perr != nil {
			return "", "", reject(p.Period, raw, "the period %s", perr)
		}
		if monthly && (len(s) != 7 || s[5] == 'Q') {
			return "", "", reject(p.Period, raw, "records need a month (YYYY-MM)")
		}
		return s, "", nil
	}
	raw, _ := c.get(fields, p.Year)
	y, perr := parseYear(raw)
	if perr != nil {
		return "", "", reject(p.Year, raw, "the year %s", perr)
	}
	if p.Month == "" {
		if monthly {
			return "", "", reject(p.Year, raw, "records need a month; the profile gives only a year")
		}
		return strconv.Itoa(y), "", nil
	}
	rawM, _ := c.get(fields, p.Month)
	m, perr := parseMonth(rawM)
	if perr != nil {
		return "", "", reject(p.Month, rawM, "the month %s", perr)
	}
	return fmt.Sprintf("%04d-%02d", y, m), "", nil
}

// areaCode reads the area code column and checks it against the hierarchy.
func (c *converter) areaCode(fields []string) (string, *rowError) {
	raw, _ := c.get(fields, c.p.Area.Code)
	if raw == "" {
		return "", reject(c.p.Area.Code, raw, "the area code is empty")
	}
	code, ok := c.p.Area.Map[raw]
	if !ok {
		code = c.p.Area.Prefix + raw
	}
	if !c.areas[code] {
		return "", reject(c.p.Area.Code, raw, "area %s is not in the node's area list (import its boundaries or areas first)", code)
	}
	return code, nil
}

// seriesKey identifies an observation by its normalised dimensions (not by
// the raw text of the cells), so that "2024-M02" and "2024-02", or "MEX"
// written two ways, are the same observation. Attributes and the value are
// not part of the key.
func seriesKey(o *atalaya.Observation) string {
	var b strings.Builder
	for _, f := range []string{o.Area, o.Period, string(o.Unit), o.Indicator, o.NationalCode, o.ICCS, o.Sex, o.AgeBand, o.Weapon, o.Context} {
		b.WriteString(f)
		b.WriteByte('|')
	}
	keys := make([]string, 0, len(o.Dims))
	for k := range o.Dims {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(o.Dims[k])
		b.WriteByte(';')
	}
	return b.String()
}
