package indicator

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/data"
)

// iccsNames returns the English names of the ICCS v1.0 categories shipped
// in data/iccs/iccs_v1_codes.csv, by code. Catalogue codes must be in it:
// a node's store refuses mappings to codes outside the classification too.
var iccsNames = sync.OnceValues(func() (map[string]string, error) {
	rows, err := readCSV("iccs/iccs_v1_codes.csv", "code", "name_en")
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(rows))
	for _, r := range rows {
		names[r["code"]] = r["name_en"]
	}
	return names, nil
})

// shippedMapping is one code list's mapping as shipped in data/mappings.
type shippedMapping struct {
	list    atalaya.CodeList
	entries []atalaya.MappingEntry
}

// shippedMappings returns the mappings shipped in data/mappings, ordered by
// code list id. Documentation lists the national codes that feed each
// indicator from them.
var shippedMappings = sync.OnceValues(func() ([]shippedMapping, error) {
	lists, err := readCSV("mappings/codelists.csv", "id", "name", "country")
	if err != nil {
		return nil, err
	}
	var out []shippedMapping
	for _, l := range lists {
		rows, err := readCSV(path.Join("mappings", l["id"]+".csv"), "national_code", "iccs")
		if errors.Is(err, fs.ErrNotExist) {
			continue // a code list without a shipped mapping: "iccs", the identity list
		}
		if err != nil {
			return nil, err
		}
		m := shippedMapping{list: atalaya.CodeList{ID: l["id"], Name: l["name"], Country: l["country"]}}
		for _, r := range rows {
			m.entries = append(m.entries, atalaya.MappingEntry{
				NationalCode: r["national_code"], Label: r["label"], ICCS: r["iccs"],
				Implies: atalaya.Disaggregation{Sex: r["sex"], Weapon: r["weapon"], Context: r["context"]},
			})
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].list.ID < out[j].list.ID })
	return out, nil
})

// readCSV reads an embedded CSV file with a header into maps by column.
func readCSV(name string, required ...string) ([]map[string]string, error) {
	f, err := data.FS.Open(name)
	if err != nil {
		return nil, fmt.Errorf("embedded %s: %w", name, err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("embedded %s: %w", name, err)
	}
	for _, r := range required {
		found := false
		for _, h := range header {
			found = found || h == r
		}
		if !found {
			return nil, fmt.Errorf("embedded %s: no column %q", name, r)
		}
	}
	var rows []map[string]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("embedded %s: %w", name, err)
		}
		row := make(map[string]string, len(header))
		for i, h := range header {
			if i < len(rec) {
				row[h] = strings.TrimSpace(rec[i])
			}
		}
		rows = append(rows, row)
	}
}
