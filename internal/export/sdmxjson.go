package export

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
)

// SchemaURL is the JSON schema of SDMX-JSON 2.0.0 data messages, named in
// every message's meta.
const SchemaURL = "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/data-message/tools/schemas/2.0.0/sdmx-json-data-schema.json"

// The SDMX-JSON 2.0.0 data message, as far as Atalaya writes it. Field
// order is the order of the output.
type (
	jsonMessage struct {
		Meta jsonMeta `json:"meta"`
		Data jsonData `json:"data"`
	}
	jsonMeta struct {
		Schema           string    `json:"schema"`
		ID               string    `json:"id"`
		Test             bool      `json:"test"`
		Prepared         string    `json:"prepared"`
		ContentLanguages []string  `json:"contentLanguages"`
		Name             string    `json:"name,omitempty"`
		Sender           jsonParty `json:"sender"`
	}
	jsonParty struct {
		ID   string `json:"id"`
		Name string `json:"name,omitempty"`
	}
	jsonData struct {
		Structures []jsonStructure `json:"structures"`
		DataSets   []jsonDataSet   `json:"dataSets"`
	}
	jsonStructure struct {
		Links       []jsonLink       `json:"links"`
		Name        string           `json:"name,omitempty"`
		Dimensions  jsonComponents   `json:"dimensions"`
		Measures    jsonMeasures     `json:"measures"`
		Attributes  jsonComponents   `json:"attributes"`
		Annotations []jsonAnnotation `json:"annotations,omitempty"`
		DataSets    []int            `json:"dataSets"`
	}
	jsonLink struct {
		Rel string `json:"rel"`
		URN string `json:"urn"`
	}
	jsonComponents struct {
		Series      []jsonComponent `json:"series,omitempty"`
		Observation []jsonComponent `json:"observation,omitempty"`
	}
	jsonMeasures struct {
		Observation []jsonComponent `json:"observation"`
	}
	jsonComponent struct {
		ID           string            `json:"id"`
		Name         string            `json:"name,omitempty"`
		KeyPosition  *int              `json:"keyPosition,omitempty"`
		Roles        []string          `json:"roles,omitempty"`
		Relationship *jsonRelationship `json:"relationship,omitempty"`
		Values       []jsonValue       `json:"values,omitempty"`
	}
	jsonRelationship struct {
		Observation struct{} `json:"observation"`
	}
	// jsonValue is a coded value (ID and Name) or an uncoded one (Value;
	// Start and End for a time period).
	jsonValue struct {
		ID    string `json:"id,omitempty"`
		Name  string `json:"name,omitempty"`
		Value any    `json:"value,omitempty"`
		Start string `json:"start,omitempty"`
		End   string `json:"end,omitempty"`
	}
	jsonAnnotation struct {
		ID   string `json:"id"`
		Type string `json:"type"`
		Text string `json:"text"`
	}
	jsonDataSet struct {
		Structure   int                   `json:"structure"`
		Action      string                `json:"action"`
		Links       []jsonLink            `json:"links"`
		Annotations []int                 `json:"annotations,omitempty"`
		Series      map[string]jsonSeries `json:"series"`
	}
	jsonSeries struct {
		Observations map[string][]any `json:"observations"`
	}
)

// codedAttr marks the attributes whose values are codes.
var codedAttr = map[string]bool{"OBS_STATUS": true, "CONF_STATUS": true, "TOTAL_OF": true}

// SDMXJSON writes the values as an SDMX-JSON 2.0.0 data message for the
// dataflow ATALAYA:DF_INDICATORS(1.0), with the same observations as
// SDMXCSV, grouped in series by every dimension but TIME_PERIOD (the
// observation dimension). The structure names each dimension, attribute
// and code in m.Lang (area names from m.AreaNames); a figure that is not
// shown is null. The indicator's definition, the query and the sources'
// attribution lines are annotations of the data set.
func SDMXJSON(w io.Writer, m Meta, vals []atalaya.Value) error {
	lang := m.lang()
	obs := observations(m, vals)
	st := jsonStructure{
		Links:    []jsonLink{{Rel: "dataflow", URN: DataflowURN}, {Rel: "datastructure", URN: DSDURN}},
		Name:     text(m.Indicator.Name, lang),
		Measures: jsonMeasures{Observation: []jsonComponent{{ID: "OBS_VALUE", Name: word("OBS_VALUE", lang), Roles: []string{"OBS_VALUE"}}}},
		DataSets: []int{0},
	}
	ds := jsonDataSet{Action: "Information", Links: []jsonLink{{Rel: "dataflow", URN: DataflowURN}}, Series: map[string]jsonSeries{}}
	annotate := func(id, typ, text string) {
		if text != "" {
			st.Annotations = append(st.Annotations, jsonAnnotation{ID: id, Type: typ, Text: text})
			ds.Annotations = append(ds.Annotations, len(st.Annotations)-1)
		}
	}
	annotate("definition", "ATALAYA_DEFINITION", text(m.Indicator.Definition, lang))
	annotate("query", "ATALAYA_QUERY", m.Query)
	for i, a := range m.Attribution {
		annotate("attribution-"+strconv.Itoa(i+1), "ATALAYA_ATTRIBUTION", a)
	}

	if len(obs) > 0 {
		dims := make([]jsonComponent, len(Dimensions))
		dimIndex := make([]map[string]int, len(Dimensions))
		for i, d := range Dimensions {
			pos := i
			dims[i] = jsonComponent{ID: d, Name: word(d, lang), KeyPosition: &pos, Roles: dimRoles[d]}
			dimIndex[i] = map[string]int{}
		}
		attrs := make([]jsonComponent, len(Attributes))
		attrIndex := make([]map[string]int, len(Attributes))
		for i, a := range Attributes {
			attrs[i] = jsonComponent{ID: a, Name: word(a, lang), Relationship: &jsonRelationship{}}
			attrIndex[i] = map[string]int{}
		}
		index := func(i int, code string, o observation) int {
			if n, ok := dimIndex[i][code]; ok {
				return n
			}
			n := len(dims[i].Values)
			dimIndex[i][code] = n
			dims[i].Values = append(dims[i].Values, dimValue(m, lang, Dimensions[i], code, o))
			return n
		}
		var key strings.Builder
		for _, o := range obs {
			key.Reset()
			for i := range dimTime {
				if i > 0 {
					key.WriteByte(':')
				}
				key.WriteString(strconv.Itoa(index(i, o.key[i], o)))
			}
			t := strconv.Itoa(index(dimTime, o.key[dimTime], o))
			cell := []any{nil}
			if o.value != "" {
				cell[0] = json.Number(o.value)
			}
			for i, a := range o.attrs {
				if a == "" {
					cell = append(cell, nil)
					continue
				}
				n, ok := attrIndex[i][a]
				if !ok {
					n = len(attrs[i].Values)
					attrIndex[i][a] = n
					attrs[i].Values = append(attrs[i].Values, attrValue(lang, Attributes[i], a))
				}
				cell = append(cell, n)
			}
			for len(cell) > 1 && cell[len(cell)-1] == nil {
				cell = cell[:len(cell)-1]
			}
			s, ok := ds.Series[key.String()]
			if !ok {
				s = jsonSeries{Observations: map[string][]any{}}
				ds.Series[key.String()] = s
			}
			s.Observations[t] = cell
		}
		st.Dimensions = jsonComponents{Series: dims[:dimTime], Observation: dims[dimTime:]}
		// Every attribute is listed, so that positions in the observation
		// arrays match Attributes; one that no observation uses has no values.
		st.Attributes.Observation = attrs
	}

	msg := jsonMessage{
		Meta: jsonMeta{
			Schema:           SchemaURL,
			ID:               messageID(m),
			Prepared:         m.Generated.UTC().Format(time.RFC3339),
			ContentLanguages: []string{lang},
			Name:             text(m.Indicator.Name, lang),
			Sender:           jsonParty{ID: Agency, Name: "Atalaya"},
		},
		Data: jsonData{Structures: []jsonStructure{st}, DataSets: []jsonDataSet{ds}},
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(msg); err != nil {
		return err
	}
	return bw.Flush()
}

// dimRoles are the SDMX roles of some dimensions.
var dimRoles = map[string][]string{
	"FREQ": {"FREQ"}, "REF_AREA": {"REF_AREA"}, "UNIT_MEASURE": {"UNIT_MEASURE"}, "TIME_PERIOD": {"TIME_PERIOD"},
}

// dimValue describes one value of a dimension: a code and its name, or,
// for a text that is no SDMX identifier (the areas of an aggregate,
// "MEX+COL"), the text itself and a name.
func dimValue(m Meta, lang, dim, code string, o observation) jsonValue {
	v := codeValue(m, lang, dim, code, o)
	if v.ID != "" && !isID(v.ID) {
		v.Value, v.ID = v.ID, ""
		if v.Name == v.Value {
			v.Name = ""
		}
	}
	return v
}

// isID reports whether s is an SDMX identifier as SDMX-JSON requires:
// letters, digits, _ @ $ and -.
func isID(s string) bool {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("_@$-", r)) {
			return false
		}
	}
	return s != ""
}

// codeValue describes one code of a dimension.
func codeValue(m Meta, lang, dim, code string, o observation) jsonValue {
	switch dim {
	case "TIME_PERIOD":
		v := jsonValue{Value: code}
		if o.dated {
			v.Start = o.span.start().Format(time.RFC3339)
			v.End = o.span.end().Format(time.RFC3339)
		}
		return v
	case "REF_AREA":
		if n := m.areaName(code); n != "" {
			return jsonValue{ID: code, Name: n}
		}
	case "INDICATOR":
		if code == m.Indicator.ID {
			if n := text(m.Indicator.Name, lang); n != "" {
				return jsonValue{ID: code, Name: n}
			}
		}
	case "AGE":
		if n := word("AGE."+code, lang); n != "" {
			return jsonValue{ID: code, Name: n}
		}
		return jsonValue{ID: code, Name: ageName(code)}
	case "UNIT_MEASURE":
		if code == "RATE" {
			per := "MULTIPLIER"
			if d := m.Indicator.Denominator; d != nil && d.Multiplier > 0 {
				per = strconv.FormatInt(d.Multiplier, 10)
			}
			return jsonValue{ID: code, Name: strings.Replace(word("UNIT_MEASURE.RATE", lang), "MULTIPLIER", per, 1)}
		}
	}
	if n := word(dim+"."+code, lang); n != "" {
		return jsonValue{ID: code, Name: n}
	}
	return jsonValue{ID: code, Name: code}
}

// attrValue describes one value of an attribute: a code with its name, a
// number, or a text.
func attrValue(lang, attr, v string) jsonValue {
	switch {
	case attr == "TOTAL_OF":
		n := word(v, lang) // a dimension's name
		if n == "" {
			n = v
		}
		return jsonValue{ID: v, Name: n}
	case codedAttr[attr]:
		n := word(attr+"."+v, lang)
		if n == "" {
			n = v
		}
		return jsonValue{ID: v, Name: n}
	case numericAttr[attr]:
		return jsonValue{Value: json.Number(v)}
	}
	return jsonValue{Value: v}
}

// messageID identifies a message: ATALAYA-<indicator>-<time generated>,
// with only the characters SDMX-JSON allows.
func messageID(m Meta) string {
	id := Agency
	if m.Indicator.ID != "" {
		id += "-" + m.Indicator.ID
	}
	id += "-" + m.Generated.UTC().Format("20060102T150405Z")
	return strings.Map(func(r rune) rune {
		if isID(string(r)) {
			return r
		}
		return '_'
	}, id)
}
