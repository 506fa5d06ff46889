package ingest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/geo"
	"github.com/oas-atalaya/atalaya/internal/tabular"
)

// table is a small reference CSV read whole: code lists, mappings, ICCS.
type table struct {
	name   string
	header map[string]int
	rows   []tabular.Row
}

func readTable(r io.Reader, name string, required ...string) (*table, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, atalaya.Errorf(atalaya.EINVALID, "%s: %v", name, err)
	}
	tr, err := tabular.Open(bytes.NewReader(data), int64(len(data)), name, tabular.Options{Format: "csv"})
	if err != nil {
		return nil, refuse(name, err)
	}
	defer tr.Close()
	t := &table{name: name, header: map[string]int{}}
	for i, h := range tr.Header() {
		t.header[strings.ToLower(h)] = i
	}
	var missing []string
	for _, c := range required {
		if _, ok := t.header[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "%s: refused: it has no column %s (the columns must be: %s)", name, quoteList(missing), strings.Join(required, ", "))
	}
	for {
		row, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, refuse(name, err)
		}
		if row.Err != nil {
			return nil, atalaya.Errorf(atalaya.EINVALID, "%s: %v", name, row.Err)
		}
		t.rows = append(t.rows, row)
	}
	return t, nil
}

func (t *table) get(row tabular.Row, col string) string {
	i, ok := t.header[col]
	if !ok || i >= len(row.Fields) {
		return ""
	}
	return strings.TrimSpace(row.Fields[i])
}

// ImportICCS loads the ICCS code list (columns code, level, parent, name_en,
// verification) and returns the number of categories.
func ImportICCS(ctx context.Context, s atalaya.Store, r io.Reader, name string) (int, error) {
	t, err := readTable(r, name, "code", "level", "parent", "name_en", "verification")
	if err != nil {
		return 0, err
	}
	cats := make([]atalaya.ICCSCategory, 0, len(t.rows))
	for _, row := range t.rows {
		c := atalaya.ICCSCategory{Code: t.get(row, "code"), Parent: t.get(row, "parent"), Name: t.get(row, "name_en"), Verification: t.get(row, "verification")}
		lvl, _ := strconv.Atoi(t.get(row, "level"))
		c.Level = lvl
		if atalaya.ICCSLevel(c.Code) == 0 || atalaya.ICCSLevel(c.Code) != lvl || atalaya.ICCSParent(c.Code) != c.Parent {
			return 0, atalaya.Errorf(atalaya.EINVALID, "%s row %d: code %q, level %q, parent %q are not consistent (levels 1–4 have 2, 4, 5, 6 digits; the parent is the code one level up)", name, row.Line, c.Code, t.get(row, "level"), c.Parent)
		}
		cats = append(cats, c)
	}
	return len(cats), s.PutICCS(ctx, cats)
}

// ImportCodeLists loads code list descriptions (columns id, name, country,
// description).
func ImportCodeLists(ctx context.Context, s atalaya.Store, r io.Reader, name string) (int, error) {
	t, err := readTable(r, name, "id", "name")
	if err != nil {
		return 0, err
	}
	for _, row := range t.rows {
		cl := atalaya.CodeList{ID: t.get(row, "id"), Name: t.get(row, "name"), Country: t.get(row, "country"), Description: t.get(row, "description")}
		if cl.ID == "" || cl.Name == "" {
			return 0, atalaya.Errorf(atalaya.EINVALID, "%s row %d: a code list needs an id and a name", name, row.Line)
		}
		if err := s.PutCodeList(ctx, cl); err != nil {
			return 0, err
		}
	}
	return len(t.rows), nil
}

// ImportMapping reads a mapping file (columns national_code, iccs, and
// optionally label, sex, weapon, context, note) and stores it as a new
// version of codeList's mapping, unless it equals the latest version.
func ImportMapping(ctx context.Context, s atalaya.Store, codeList string, r io.Reader, name, note string) (int, error) {
	t, err := readTable(r, name, "national_code", "iccs")
	if err != nil {
		return 0, err
	}
	m := atalaya.Mapping{CodeList: codeList, Note: note}
	for _, row := range t.rows {
		e := atalaya.MappingEntry{
			NationalCode: t.get(row, "national_code"), Label: t.get(row, "label"), ICCS: t.get(row, "iccs"),
			Implies: atalaya.Disaggregation{Sex: t.get(row, "sex"), Weapon: t.get(row, "weapon"), Context: t.get(row, "context")},
			Note:    t.get(row, "note"),
		}
		if e.Implies.Weapon != "" && !atalaya.ValidWeapon(e.Implies.Weapon) {
			return 0, atalaya.Errorf(atalaya.EINVALID, "%s row %d: weapon %q must be firearm, sharp, other, none or U", name, row.Line, e.Implies.Weapon)
		}
		if !atalaya.ValidContext(e.Implies.Context) {
			return 0, atalaya.Errorf(atalaya.EINVALID, "%s row %d: context %q must be femicide, organised_crime, intimate_partner_family or cyber", name, row.Line, e.Implies.Context)
		}
		m.Entries = append(m.Entries, e)
	}
	if err := m.Validate(); err != nil {
		return 0, atalaya.Errorf(atalaya.EINVALID, "%s: %s", name, atalaya.ErrorMessage(err))
	}
	return s.AddMapping(ctx, m)
}

// AreaImport says how GeoJSON features become areas.
type AreaImport struct {
	CodeProperty   string // property with the national code (or the ISO3 code for countries)
	NameProperty   string
	NameProperties map[string]string // language → property, e.g. es → NAME_ES
	ParentProperty string            // property with the parent's national code, prefixed by ParentPrefix
	Parent         string            // fixed parent for every feature (e.g. MEX)
	Level          int               // 0 for countries
	Source         string            // provenance of the boundaries
	KeepBoundary   bool
}

// ImportAreas stores GeoJSON features as areas. Subnational codes are
// Parent + "-" + the code property (see atalaya.Area).
func ImportAreas(ctx context.Context, s atalaya.Store, features []geo.Feature, spec AreaImport) (int, error) {
	areas := make([]atalaya.Area, 0, len(features))
	for i, f := range features {
		code := strings.TrimSpace(f.Properties[spec.CodeProperty])
		if code == "" {
			return 0, atalaya.Errorf(atalaya.EINVALID, "feature %d (id %q) has no property %q", i+1, f.ID, spec.CodeProperty)
		}
		a := atalaya.Area{Name: f.Properties[spec.NameProperty], Level: spec.Level, Source: spec.Source}
		parent := spec.Parent
		if spec.ParentProperty != "" {
			pc := strings.TrimSpace(f.Properties[spec.ParentProperty])
			if pc == "" {
				return 0, atalaya.Errorf(atalaya.EINVALID, "feature %d (%s) has no parent property %q", i+1, code, spec.ParentProperty)
			}
			if spec.Parent != "" {
				parent = atalaya.SubAreaCode(spec.Parent, pc)
			} else {
				parent = pc
			}
		}
		if spec.Level == 0 {
			a.Code = strings.ToUpper(code)
		} else {
			if parent == "" {
				return 0, atalaya.Errorf(atalaya.EINVALID, "level %d areas need a parent (--parent or --parent-property)", spec.Level)
			}
			a.Code, a.Parent = atalaya.SubAreaCode(parent, code), parent
		}
		a.Country = atalaya.AreaCountry(a.Code)
		if a.Name == "" {
			a.Name = code
		}
		for lang, prop := range spec.NameProperties {
			if v := f.Properties[prop]; v != "" {
				if a.Names == nil {
					a.Names = map[string]string{}
				}
				a.Names[lang] = v
			}
		}
		if spec.KeepBoundary {
			a.Boundary = f.RawGeometry
		}
		if err := a.Validate(); err != nil {
			return 0, atalaya.Errorf(atalaya.EINVALID, "feature %d: %s", i+1, atalaya.ErrorMessage(err))
		}
		areas = append(areas, a)
	}
	return len(areas), s.PutAreas(ctx, areas)
}
