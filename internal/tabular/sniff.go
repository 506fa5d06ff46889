package tabular

import (
	"bytes"
)

// delimiters are the candidates for detection, in order of preference.
var delimiters = []byte{',', ';', '\t', '|'}

// sniffRecords is how many records of the sample are looked at.
const sniffRecords = 50

// sniffDelimiter detects the delimiter from the first bytes of a file (after
// skip lines). Each candidate is tried by parsing the sample as the reader
// would, quotes included; the candidate whose field count is the same on the
// most records wins, provided that count is at least 2. Ties go to ',',
// unless every comma after the header sits between two digits: then the
// commas are decimal commas (1.234,5) and the other candidate wins.
func sniffDelimiter(head []byte, complete bool, skip int) byte {
	best, bestScore := byte(','), 0.0
	scores := make(map[byte]float64, len(delimiters))
	for _, d := range delimiters {
		score := consistency(sampleCounts(head, complete, skip, d))
		scores[d] = score
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	if best == ',' && bestScore > 0 {
		for _, d := range delimiters[1:] {
			if scores[d] == bestScore && decimalCommas(head, skip) {
				return d
			}
		}
	}
	return best
}

// sampleCounts returns the number of fields of each non-blank record in the
// sample when parsed with delimiter d. A record cut off by the end of an
// incomplete sample is left out.
func sampleCounts(head []byte, complete bool, skip int, d byte) []int {
	sc := newScanner(newSource(bytes.NewReader(head), 0, int64(len(head))), d, len(head)+1)
	for range skip {
		if !sc.skipLine() {
			break
		}
	}
	var counts []int
	for len(counts) < sniffRecords && sc.scan() {
		var n int
		if sc.fast {
			if isBlank(sc.line0, d) {
				continue
			}
			n = bytes.Count(sc.line0, []byte{d}) + 1
		} else {
			if !sc.open && isBlank(sc.rec, d) {
				continue
			}
			n = len(sc.ends)
		}
		counts = append(counts, n)
	}
	if !complete && sc.src.done() && len(counts) > 1 {
		counts = counts[:len(counts)-1]
	}
	return counts
}

// consistency returns the share of records having the most common field
// count, or 0 if that count is below 2.
func consistency(counts []int) float64 {
	freq := make(map[int]int)
	mode, best := 0, 0
	for _, n := range counts {
		freq[n]++
		if f := freq[n]; f > best || f == best && n > mode {
			mode, best = n, f
		}
	}
	if mode < 2 {
		return 0
	}
	return float64(best) / float64(len(counts))
}

// decimalCommas reports whether the sample, after its header line, has
// commas and all of them sit between two digits.
func decimalCommas(head []byte, skip int) bool {
	lines := bytes.Split(head, []byte{'\n'})
	if len(lines) <= skip+1 {
		return false
	}
	seen := false
	for _, l := range lines[skip+1:] {
		for i, c := range l {
			if c != ',' {
				continue
			}
			if i == 0 || i+1 == len(l) || !isDigit(l[i-1]) || !isDigit(l[i+1]) {
				return false
			}
			seen = true
		}
	}
	return seen
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isBlank reports whether b holds nothing but spaces, tabs, line breaks and
// delimiters.
func isBlank(b []byte, delim byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != delim && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}
