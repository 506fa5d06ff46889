package ingest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/oas-atalaya/atalaya"
)

// coded maps a column's value through a CodedSpec: an empty or absent value
// takes the default; a value in the map takes its code; a value that is
// already a valid code passes; any other takes Other, or rejects the row.
func (c *converter) coded(fields []string, spec CodedSpec, what string, valid func(string) bool) (string, *rowError) {
	v, _, err := c.codedExplicit(fields, spec, what, valid)
	return v, err
}

// codedExplicit is coded, and also says whether the value came from the row
// itself (the map or a valid code) rather than from default or other.
func (c *converter) codedExplicit(fields []string, spec CodedSpec, what string, valid func(string) bool) (string, bool, *rowError) {
	raw, ok := c.get(fields, spec.Column)
	if !ok || raw == "" {
		return spec.Default, false, nil
	}
	if v, ok := lookup(spec.Map, raw); ok {
		return v, true, nil
	}
	if valid(raw) {
		return raw, true, nil
	}
	if spec.Other != "" {
		return spec.Other, false, nil
	}
	return "", false, reject(spec.Column, raw, "%q is not a known %s; add it to the profile's %s.map", raw, what, what)
}

// classify maps the row's national offence code to ICCS through the
// mapping version, and sets sex, weapon and context from their columns and
// from what the national code implies. A conflict between the two rejects
// the row.
func (c *converter) classify(fields []string, national, iccs, sex, weapon, context, codeList *string, version *int) *rowError {
	var err *rowError
	if *sex, err = c.coded(fields, c.p.Sex, "sex", atalaya.ValidSex); err != nil {
		return err
	}
	if *sex == "" {
		*sex = atalaya.SexUnknown
	}
	var weaponExplicit bool
	if *weapon, weaponExplicit, err = c.codedExplicit(fields, c.p.Weapon, "weapon", atalaya.ValidWeapon); err != nil {
		return err
	}
	if *weapon == "" {
		*weapon = atalaya.WeaponUnknown
	}
	if *context, err = c.coded(fields, c.p.Context, "context", atalaya.ValidContext); err != nil {
		return err
	}
	o := c.p.Offence
	if len(o.Columns) == 0 {
		return nil
	}
	if o.When != nil {
		v, _ := c.get(fields, o.When.Column)
		match := false
		for _, w := range o.When.In {
			if strings.EqualFold(v, w) {
				match = true
				break
			}
		}
		if !match {
			return nil
		}
	}
	parts := make([]string, 0, len(o.Columns))
	for _, col := range o.Columns {
		v, _ := c.get(fields, col)
		parts = append(parts, v)
	}
	for len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	*national = strings.Join(parts, " / ")
	if strings.TrimSpace(parts[0]) == "" {
		return reject(o.Columns[0], "", "the offence code is empty")
	}
	*codeList = o.CodeList
	if o.CodeList == "iccs" {
		code := strings.TrimSpace(parts[0])
		if !c.iccs[code] {
			return reject(o.Columns[0], code, "%q is not an ICCS code of the node's classification", code)
		}
		*iccs = code
		return nil
	}
	// Longest match first: "Homicidio doloso / Con arma de fuego", then
	// "Homicidio doloso".
	var e atalaya.MappingEntry
	found := false
	for n := len(parts); n >= 1 && !found; n-- {
		e, found = c.mapping[atalaya.NormalizeCode(strings.Join(parts[:n], " / "))]
	}
	if !found {
		return reject(strings.Join(o.Columns, " / "), *national, "offence %q is not in mapping %s v%d; add it to the mapping (atalaya mapping import) and ingest again", *national, o.CodeList, c.version)
	}
	*iccs, *version = e.ICCS, c.version
	im := e.Implies
	if im.Sex != "" {
		switch *sex {
		case atalaya.SexUnknown, atalaya.SexTotal, im.Sex:
			*sex = im.Sex
		default:
			return reject(c.p.Sex.Column, *sex, "offence %q implies sex %s but the row says %s", *national, im.Sex, *sex)
		}
	}
	if im.Weapon != "" {
		if weaponExplicit && *weapon != atalaya.WeaponUnknown && *weapon != im.Weapon && !sameColumn(c.p.Weapon.Column, o.Columns) {
			return reject(c.p.Weapon.Column, *weapon, "offence %q implies weapon %s but the row says %s", *national, im.Weapon, *weapon)
		}
		*weapon = im.Weapon
	}
	if im.Context != "" {
		if *context != "" && *context != im.Context {
			return reject(c.p.Context.Column, *context, "offence %q implies context %s but the row says %s", *national, im.Context, *context)
		}
		*context = im.Context
	}
	return nil
}

func sameColumn(c string, cols []string) bool {
	for _, x := range cols {
		if x == c {
			return true
		}
	}
	return false
}

// age sets the age in years (records) and the age band.
func (c *converter) age(fields []string, years *int, band *string) *rowError {
	spec := c.p.Age
	raw, ok := c.get(fields, spec.Column)
	if !ok || raw == "" {
		*band = spec.Default
		if *band == "" {
			*band = atalaya.AgeUnknown
		}
		return nil
	}
	for _, u := range spec.Unknown {
		if raw == u {
			*band = atalaya.AgeUnknown
			return nil
		}
	}
	if !spec.Numeric {
		v, err := c.coded(fields, spec.CodedSpec, "age", atalaya.ValidAgeBand)
		if err != nil {
			return err
		}
		// Only the bands the profile declares reach the cube, which keeps
		// its age dimension small whatever a file sends.
		if v != atalaya.AgeTotal && v != atalaya.AgeUnknown && !c.declaredBand(v) {
			return reject(spec.Column, raw, "age band %q is not one the profile declares (age.bands or age.map)", v)
		}
		*band = v
		return nil
	}
	f, err := c.num.parse(raw)
	if err != nil || f < 0 || f > 120 || f != float64(int(f)) {
		return reject(spec.Column, raw, "the age must be a whole number of years between 0 and 120")
	}
	*years = int(f)
	*band = atalaya.AgeUnknown
	for i, b := range c.ageBands {
		if *years >= b[0] && (b[1] < 0 || *years <= b[1]) {
			*band = spec.Bands[i]
			break
		}
	}
	return nil
}

// place sets the record's area: by coordinates when the profile has them
// and the row gives them, else by the area code column.
func (c *converter) place(line int64, fields []string, r *atalaya.Record) (*atalaya.Flag, *rowError) {
	a := c.p.Area
	if a.Lat != "" && a.Lon != "" {
		rawLat, _ := c.get(fields, a.Lat)
		rawLon, _ := c.get(fields, a.Lon)
		if !isMissing(rawLat, a.Missing) && !isMissing(rawLon, a.Missing) {
			return c.placePoint(line, rawLat, rawLon, r)
		}
		if a.Code == "" {
			return nil, reject(a.Lat+" / "+a.Lon, rawLat+","+rawLon, "the row has no location (coordinates missing) and the profile has no area code column")
		}
		if raw, _ := c.get(fields, a.Code); raw == "" {
			return nil, reject(a.Lat+" / "+a.Lon, rawLat+","+rawLon, "the row has neither coordinates nor an area code")
		}
	}
	code, err := c.areaCode(fields)
	if err != nil {
		return nil, err
	}
	r.Area, r.Placement = code, atalaya.PlacedByCode
	return nil, nil
}

func isMissing(v string, missing []string) bool {
	if v == "" {
		return true
	}
	for _, m := range missing {
		if v == m {
			return true
		}
	}
	return false
}

func (c *converter) placePoint(line int64, rawLat, rawLon string, r *atalaya.Record) (*atalaya.Flag, *rowError) {
	a := c.p.Area
	lat, err := c.num.parse(rawLat)
	if err != nil || lat < -90 || lat > 90 {
		return nil, reject(a.Lat, rawLat, "the latitude must be a number between -90 and 90")
	}
	lon, err := c.num.parse(rawLon)
	if err != nil || lon < -180 || lon > 180 {
		return nil, reject(a.Lon, rawLon, "the longitude must be a number between -180 and 180")
	}
	if c.placer == nil {
		return nil, reject(a.Lat, rawLat, "the node has no boundaries to place coordinates in; import them with atalaya areas import")
	}
	code, meters, how, ok := c.placer.Place(lat, lon, a.Tolerance*1000)
	if !ok {
		return nil, reject(a.Lat+" / "+a.Lon, rawLat+","+rawLon, "the point %s,%s is outside every area and more than %g km from the nearest", rawLat, rawLon, a.Tolerance)
	}
	r.Area, r.Placement, r.Lat, r.Lon, r.HasPoint = code, how, lat, lon, true
	if how == atalaya.PlacedByNearest {
		return &atalaya.Flag{File: c.file, Row: line, Code: "placed_nearest",
			Detail: fmt.Sprintf("outside every boundary; placed in the nearest area %s, %s m away", code, strconv.FormatFloat(meters, 'f', 0, 64))}, nil
	}
	return nil, nil
}

// lookup finds a source value in a profile map: exactly, then without a
// spreadsheet's ".0" on a whole number ("400.0" is "400"), then ignoring
// case.
func lookup(m map[string]string, raw string) (string, bool) {
	if v, ok := m[raw]; ok {
		return v, true
	}
	if t, ok := strings.CutSuffix(raw, ".0"); ok {
		if v, ok := m[t]; ok {
			return v, true
		}
	}
	for k, v := range m {
		if strings.EqualFold(k, raw) {
			return v, true
		}
	}
	return "", false
}

// declaredBand reports whether b is one of the profile's age bands or a
// value of its age map.
func (c *converter) declaredBand(b string) bool {
	for _, x := range c.p.Age.Bands {
		if x == b {
			return true
		}
	}
	for _, x := range c.p.Age.Map {
		if x == b {
			return true
		}
	}
	return false
}
