package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/export"
)

// message is what the test reads of an SDMX-JSON data message.
type message struct {
	Meta struct {
		Schema, ID, Prepared string
		Sender               struct{ ID string }
	}
	Data struct {
		Structures []struct {
			Links      []struct{ Rel, URN string }
			Dimensions struct{ Series, Observation []component }
			Measures   struct{ Observation []component }
			Attributes struct{ Observation []component }
		}
		DataSets []struct {
			Structure int
			Action    string
			Series    map[string]struct {
				Observations map[string][]any
			}
		}
	}
}

type component struct {
	ID          string
	KeyPosition *int
	Values      []struct {
		ID    string
		Name  string
		Value any
	}
}

// text is the code or text of a component's value.
func (c component) text(i int) string {
	v := c.Values[i]
	switch {
	case v.ID != "":
		return v.ID
	case v.Value == nil:
		return ""
	}
	switch x := v.Value.(type) {
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	}
	return fmt.Sprint(v.Value)
}

var sdmxID = regexp.MustCompile(`^[A-Za-z0-9_@$-]+$`)

// TestSDMXJSON checks that the message is JSON, that its structure matches
// the DSD (dimension count and key positions, series and observation keys
// that index existing values), and that it holds exactly the observations
// of the SDMX-CSV file.
func TestSDMXJSON(t *testing.T) {
	var out bytes.Buffer
	if err := export.SDMXJSON(&out, meta("pt"), values()); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(out.Bytes()) {
		t.Fatal("SDMX-JSON output is not JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(out.Bytes()))
	dec.UseNumber()
	var msg message
	if err := dec.Decode(&msg); err != nil {
		t.Fatal(err)
	}
	if msg.Meta.Schema != export.SchemaURL || !sdmxID.MatchString(msg.Meta.ID) || msg.Meta.Prepared != "2025-07-01T12:00:00Z" {
		t.Errorf("meta = %+v", msg.Meta)
	}
	if len(msg.Data.Structures) != 1 || len(msg.Data.DataSets) != 1 || msg.Data.DataSets[0].Structure != 0 {
		t.Fatalf("%d structures, %d data sets", len(msg.Data.Structures), len(msg.Data.DataSets))
	}
	st, ds := msg.Data.Structures[0], msg.Data.DataSets[0]
	if len(st.Links) == 0 || st.Links[0].URN != export.DataflowURN {
		t.Errorf("links = %+v", st.Links)
	}
	series, obsDims, attrs := st.Dimensions.Series, st.Dimensions.Observation, st.Attributes.Observation
	if len(series)+len(obsDims) != len(export.Dimensions) || len(obsDims) != 1 || obsDims[0].ID != "TIME_PERIOD" {
		t.Fatalf("%d series and %d observation dimensions; want %d and TIME_PERIOD", len(series), len(obsDims), len(export.Dimensions)-1)
	}
	dims := append(append([]component{}, series...), obsDims...)
	for i, d := range dims {
		if d.ID != export.Dimensions[i] || d.KeyPosition == nil || *d.KeyPosition != i {
			t.Errorf("dimension %d is %s at key position %v; want %s at %d", i, d.ID, d.KeyPosition, export.Dimensions[i], i)
		}
		for _, v := range d.Values {
			// A code is an SDMX identifier; a text that is not one (the
			// areas of an aggregate) is an uncoded value.
			if v.ID == "" && v.Value == nil || v.ID != "" && (v.Value != nil || !sdmxID.MatchString(v.ID)) {
				t.Errorf("dimension %s: value %+v is neither a code nor an uncoded value", d.ID, v)
			}
		}
	}
	if len(attrs) != len(export.Attributes) || len(st.Measures.Observation) != 1 || st.Measures.Observation[0].ID != "OBS_VALUE" {
		t.Fatalf("attributes %d, measures %+v", len(attrs), st.Measures)
	}

	// Rebuild SDMX-CSV rows from the message.
	var rows []string
	for skey, s := range ds.Series {
		parts := strings.Split(skey, ":")
		if len(parts) != len(series) {
			t.Fatalf("series key %q has %d parts; the structure has %d series dimensions", skey, len(parts), len(series))
		}
		var key []string
		for i, p := range parts {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n >= len(series[i].Values) {
				t.Fatalf("series key %q: %q is no value of %s", skey, p, series[i].ID)
			}
			key = append(key, series[i].text(n))
		}
		for okey, cell := range s.Observations {
			n, err := strconv.Atoi(okey)
			if err != nil || n < 0 || n >= len(obsDims[0].Values) || len(cell) == 0 || len(cell) > 1+len(attrs) {
				t.Fatalf("observation %q: %v", okey, cell)
			}
			row := append([]string{"dataflow", export.Dataflow, "I"}, key...)
			row = append(row, obsDims[0].text(n))
			row = append(row, "")
			if cell[0] != nil {
				row[len(row)-1] = cell[0].(json.Number).String()
			}
			for i := range attrs {
				a := ""
				if 1+i < len(cell) && cell[1+i] != nil {
					k, err := strconv.Atoi(cell[1+i].(json.Number).String())
					if err != nil || k < 0 || k >= len(attrs[i].Values) {
						t.Fatalf("observation %q: attribute %s index %v", okey, attrs[i].ID, cell[1+i])
					}
					a = attrs[i].text(k)
				}
				row = append(row, a)
			}
			rows = append(rows, strings.Join(row, "|"))
		}
	}
	var file bytes.Buffer
	if err := export.SDMXCSV(&file, meta("pt"), values()); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&file).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range recs[1:] {
		want = append(want, strings.Join(r, "|"))
	}
	sort.Strings(rows)
	sort.Strings(want)
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("SDMX-JSON observations differ from SDMX-CSV rows\n json:\n%s\n csv:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
}
