package indicator

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"reflect"
	"regexp"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/data"
	"go.yaml.in/yaml/v3"
)

// DefaultPath is the catalogue's path inside package data's FS, and in the
// repository under data/.
const DefaultPath = "indicators.yaml"

// maxSize bounds a catalogue file.
const maxSize = 4 << 20

// Default returns the catalogue shipped with Atalaya
// (data/indicators.yaml, embedded in the binary).
func Default() (*Catalogue, error) {
	b, err := fs.ReadFile(data.FS, DefaultPath)
	if err != nil {
		return nil, atalaya.Errorf(atalaya.EINTERNAL, "the embedded indicator catalogue is missing: %w", err)
	}
	return Load(bytes.NewReader(b))
}

// Load reads a catalogue strictly and validates it. An unknown field, a
// mistyped value or a second YAML document is an error naming the line and
// the field; validation problems are all reported at once, one per line,
// each naming the indicator and the field. Errors are EINVALID (ETOOLARGE
// for a file over 4 MiB).
func Load(r io.Reader) (*Catalogue, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return nil, atalaya.Errorf(atalaya.EINVALID, "indicator catalogue: %v", err)
	}
	if len(b) > maxSize {
		return nil, atalaya.Errorf(atalaya.ETOOLARGE, "indicator catalogue: the file is larger than %d MiB", maxSize>>20)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var c Catalogue
	if err := dec.Decode(&c); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, atalaya.Errorf(atalaya.EINVALID, "indicator catalogue: the file is empty; it should hold `indicators:` and a list")
		}
		return nil, atalaya.Errorf(atalaya.EINVALID, "indicator catalogue: %s", yamlMessage(err))
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, atalaya.Errorf(atalaya.EINVALID, "indicator catalogue: the file holds more than one YAML document (a second `---`); put every indicator in the one list")
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c.index()
	return &c, nil
}

// UnmarshalYAML accepts one code or a list of codes. Codes keep their
// text as written: 0101 stays "0101", not the number 101.
func (cs *Codes) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			*cs = nil
			return nil
		}
		*cs = Codes{n.Value}
		return nil
	case yaml.SequenceNode:
		out := make(Codes, 0, len(n.Content))
		for _, e := range n.Content {
			if e.Kind != yaml.ScalarNode {
				return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: a list of codes holds only codes", e.Line)}}
			}
			out = append(out, e.Value)
		}
		*cs = out
		return nil
	}
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: give a code or a list of codes", n.Line)}}
}

var unknownFieldRE = regexp.MustCompile(`field (\S+) not found in type (\S+)`)

// yamlMessage rewrites the YAML library's messages for a person: an
// unknown field is named with the fields that are known there.
func yamlMessage(err error) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return strings.TrimPrefix(err.Error(), "yaml: ")
	}
	msgs := make([]string, len(te.Errors))
	for i, m := range te.Errors {
		msgs[i] = unknownFieldRE.ReplaceAllStringFunc(m, func(s string) string {
			sub := unknownFieldRE.FindStringSubmatch(s)
			place, known := fieldPlace(sub[2])
			return fmt.Sprintf("unknown field %q %s (known: %s)", sub[1], place, strings.Join(known, ", "))
		})
	}
	return strings.Join(msgs, "; ")
}

// fieldPlace says where in the file a Go type sits and which fields it takes.
func fieldPlace(typ string) (string, []string) {
	var (
		place string
		v     any
	)
	switch strings.TrimPrefix(typ, "indicator.") {
	case "Catalogue":
		place, v = "at the top level", Catalogue{}
	case "Indicator":
		place, v = "in an indicator", Indicator{}
	case "Numerator":
		place, v = "in numerator", Numerator{}
	case "Denominator":
		place, v = "in denominator", Denominator{}
	case "PopulationSpec":
		place, v = "in denominator.population", PopulationSpec{}
	case "Filter":
		place, v = "in denominator.exclude", Filter{}
	case "Disclosure":
		place, v = "in disclosure", Disclosure{}
	default:
		return "in " + typ, nil
	}
	return place, yamlFields(reflect.TypeOf(v))
}

// yamlFields lists the YAML names of a struct's fields, inline ones included.
func yamlFields(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(opts, "inline") {
			out = append(out, yamlFields(f.Type)...)
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out = append(out, name)
	}
	return out
}
