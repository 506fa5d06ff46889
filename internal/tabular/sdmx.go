package tabular

import (
	"io"
	"strings"
)

// sdmxReader reads SDMX-CSV, a CSV file whose first columns identify the
// data structure: DATAFLOW in version 1.0; STRUCTURE (or STRUCTURE[;]),
// STRUCTURE_ID and optionally ACTION in version 2.x. The identifying columns
// stay ordinary columns of the header.
//
// Files exported with labels (labels=both) carry "ID: Label" in the header
// and in coded values; the reader keeps only the IDs. A value is shortened
// only in a column whose header had a label (or in the structure column),
// and only when the part before ": " looks like an SDMX identifier, so a
// free-text attribute such as "Fuente INEGI: censo" survives. A free-text
// value like "Note: revised" in a labelled column is indistinguishable from
// a coded one and is shortened too.
type sdmxReader struct {
	*csvReader
	version string
	strip   []bool // columns whose values may carry labels
	labels  bool   // the header had labels
	action  int    // index of the ACTION column, or -1
}

// SDMXVersion implements SDMXReader.
func (s *sdmxReader) SDMXVersion() string { return s.version }

// openSDMX opens the CSV underneath, then checks and normalises the header.
func openSDMX(r io.ReaderAt, size int64, name string, opt Options, head []byte) (Reader, error) {
	c, err := openCSV(r, size, name, opt, head)
	if err != nil {
		return nil, err
	}
	s := &sdmxReader{csvReader: c, action: -1, strip: make([]bool, len(c.header))}
	names := make([]string, len(c.header))
	for i, h := range c.header {
		if id, _, ok := strings.Cut(h, ": "); ok {
			h, s.strip[i], s.labels = strings.TrimSpace(id), true, true
		}
		names[i] = h
	}
	structure := 0
	switch {
	case strings.EqualFold(names[0], "DATAFLOW"):
		s.version = "1.0"
	case len(names) >= 2 && isStructureColumn(names[0]) && strings.EqualFold(names[1], "STRUCTURE_ID"):
		s.version, structure = "2.0", 1
		// ACTION follows STRUCTURE_ID, or STRUCTURE_NAME with labels=name.
		for i := 2; i < min(len(names), 4); i++ {
			if strings.EqualFold(names[i], "ACTION") {
				s.action = i
			}
		}
	default:
		return nil, fileErrorf(name, 0, "is not SDMX-CSV: its first column must be DATAFLOW (SDMX-CSV 1.0), "+
			"or STRUCTURE followed by STRUCTURE_ID (SDMX-CSV 2.0), not %q", c.header[0])
	}
	if s.labels {
		s.strip[structure] = true
		if s.action >= 0 {
			s.strip[s.action] = true
		}
	}
	h, err := cleanHeader(name, 0, names)
	if err != nil {
		return nil, err
	}
	c.header = h
	return s, nil
}

// Next implements Reader. Rows asking for deletion are row errors.
func (s *sdmxReader) Next() (Row, error) {
	row, err := s.csvReader.Next()
	if err != nil || row.Err != nil {
		return row, err
	}
	if s.labels {
		for i, f := range row.Fields {
			if s.strip[i] {
				row.Fields[i] = stripLabel(f)
			}
		}
	}
	if s.action >= 0 && strings.EqualFold(strings.TrimSpace(row.Fields[s.action]), "D") {
		e := rowErrorf(row.Line, "SDMX action D (delete) is not supported; send a revision instead")
		e.Value = row.Fields[s.action]
		row.Err, row.Fields = e, nil
	}
	return row, nil
}

// isStructureColumn recognises the first header of SDMX-CSV 2.x:
// STRUCTURE, possibly with a sub-field separator as in STRUCTURE[;].
func isStructureColumn(h string) bool {
	if len(h) < len("STRUCTURE") || !strings.EqualFold(h[:len("STRUCTURE")], "STRUCTURE") {
		return false
	}
	rest := h[len("STRUCTURE"):]
	return rest == "" || strings.HasPrefix(rest, "[") && strings.HasSuffix(rest, "]")
}

// stripLabel turns "MEX: Mexico" into "MEX".
func stripLabel(v string) string {
	id, _, ok := strings.Cut(v, ": ")
	if !ok || !isSDMXID(id) {
		return v
	}
	return id
}

// isSDMXID reports whether s can be an SDMX identifier or structure
// reference such as "MEX", "_T" or "ESTAT:NAMA_10_GDP(1.0)".
func isSDMXID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			strings.IndexByte("_-@$.:()+,", c) >= 0) {
			return false
		}
	}
	return true
}
