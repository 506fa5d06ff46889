package tabular

import "bytes"

// maxFields bounds the number of fields kept for one CSV record; a record
// with more is treated as too long. Excel itself stops at 16,384 columns.
const maxFields = 1 << 16

// scanner splits the bytes of a CSV file into records, following RFC 4180
// with some leniency: a quote inside an unquoted field is kept as a literal,
// spaces before an opening quote are dropped, a closing quote followed by
// other text ends the quoting, and CRLF, LF and lone CR all end a line.
//
// A record that fits in the read buffer and has no quote takes the fast
// path: it is returned as the raw line, still in the buffer. Any other
// record is assembled field by field in rec, which never grows past max
// bytes; the rest of a longer record is parsed but dropped.
type scanner struct {
	src    *source
	delim  byte
	max    int
	line   int64 // physical line number of the next unread byte, 1-based
	skipLF bool  // the last record ended with a CR: skip an LF right after it
	noLF   int64 // file offset below which the buffer is known to hold no LF

	// The last record.
	startLine int64  // the physical line it starts on
	startOff  int64  // the file offset it starts at
	fast      bool   // line0 holds the record verbatim (no quotes)
	line0     []byte // fast path: the raw line without its terminator
	rec       []byte // slow path: the field contents, concatenated
	ends      []int  // the end offset of each field in line0 or rec
	high      bool   // fast path: line0 has bytes outside ASCII
	nul       int    // fast path: offset of a NUL byte in line0, or -1
	tooLong   bool   // longer than max; rec and ends hold only a prefix
	open      bool   // a quoted field was still open at the end of the file

	special [256]bool // the bytes that end a run of unquoted text
}

// newScanner returns a scanner reading src, starting at line 1.
func newScanner(src *source, delim byte, max int) *scanner {
	s := &scanner{src: src, delim: delim, max: max, line: 1}
	for _, c := range []byte{delim, '"', '\r', '\n'} {
		s.special[c] = true
	}
	return s
}

// Slow-path parser states.
const (
	stStart    = iota // at the start of a field
	stLead            // in leading spaces of a field
	stUnquoted        // in an unquoted field
	stQuoted          // in a quoted field
	stQuote           // just after a quote inside a quoted field
	stTrail           // in spaces after the closing quote
)

// scan reads the next record. It returns false at the end of the file or on
// a read error (in src.err).
func (s *scanner) scan() bool {
	s.tooLong, s.open, s.fast = false, false, false
	if s.skipLF {
		if s.src.pos == s.src.end {
			s.src.fill()
		}
		if s.src.pos < s.src.end && s.src.buf[s.src.pos] == '\n' {
			s.src.pos++
		}
		s.skipLF = false
	}
	s.startLine, s.startOff = s.line, s.src.offset()
	for {
		buf := s.src.unread()
		atEOF := s.src.eof || s.src.err != nil
		line, n, found := s.findEOL(buf, atEOF)
		if !found && atEOF {
			if len(buf) == 0 {
				return false
			}
			line, n, found = buf, len(buf), true
		}
		if found {
			if !s.split(line) {
				break // quotes: parse it the slow way
			}
			s.fast, s.line0 = true, line
			s.tooLong = len(line) > s.max
			s.src.pos += n
			s.line++
			return true
		}
		if !s.src.fill() && !s.src.eof && s.src.err == nil {
			break // the buffer is full: a line longer than the buffer
		}
	}
	return s.scanSlow()
}

// split finds the delimiters of an unquoted line in one pass, noting bytes
// outside ASCII and NUL bytes on the way. It returns false if the line has
// a quote.
func (s *scanner) split(line []byte) bool {
	ends, d := s.ends[:0], s.delim
	var high byte
	s.nul = -1
	for i, c := range line {
		high |= c
		if c > '"' && c != d {
			continue
		}
		switch c {
		case d:
			ends = append(ends, i)
		case '"':
			return false
		case 0:
			if s.nul < 0 {
				s.nul = i
			}
		}
	}
	s.ends = append(ends, len(line))
	s.high = high >= 0x80
	return true
}

// findEOL finds the first line end in buf. It returns the line without its
// terminator and the number of bytes to consume, or found=false if buf holds
// no complete line yet. atEOF says that no more bytes follow buf.
func (s *scanner) findEOL(buf []byte, atEOF bool) (line []byte, n int, found bool) {
	from := 0
	if base := s.src.offset(); s.noLF > base {
		from = int(min(s.noLF-base, int64(len(buf))))
	}
	i := bytes.IndexByte(buf[from:], '\n')
	if i < 0 {
		s.noLF = s.src.offset() + int64(len(buf))
		// Old Mac files end lines with a lone CR.
		if j := bytes.IndexByte(buf, '\r'); j >= 0 && (j+1 < len(buf) || atEOF) {
			return buf[:j], j + 1, true
		}
		return nil, 0, false
	}
	i += from
	if j := bytes.IndexByte(buf[:i], '\r'); j >= 0 {
		if j == i-1 {
			return buf[:j], i + 1, true
		}
		return buf[:j], j + 1, true
	}
	return buf[:i], i + 1, true
}

// scanSlow parses one record byte by byte from the current position.
func (s *scanner) scanSlow() bool {
	s.rec, s.ends = s.rec[:0], s.ends[:0]
	st, fieldStart, quoteEnd, prevCR := stStart, 0, 0, false
	for {
		if s.src.pos == s.src.end && !s.src.fill() {
			if s.src.eof || s.src.err != nil {
				break
			}
		}
		buf := s.src.unread()
		i := 0
		for i < len(buf) {
			c := buf[i]
			i++
			switch st {
			case stQuoted:
				// Copy the run up to the next quote in one go.
				rest := buf[i-1:]
				chunk := rest
				if j := bytes.IndexByte(rest, '"'); j >= 0 {
					chunk, st = rest[:j], stQuote
				}
				n, cr := countLines(chunk, prevCR)
				s.line, prevCR = s.line+n, cr
				s.add(chunk)
				i += len(chunk) - 1
				if st == stQuote {
					i++ // the quote
				}
				continue
			case stQuote:
				switch c {
				case '"':
					s.addByte('"')
					st, prevCR = stQuoted, false
					continue
				case ' ':
					quoteEnd = len(s.rec)
					s.addByte(c)
					st = stTrail
					continue
				case s.delim, '\n', '\r':
				default:
					s.addByte(c) // lenient: "abc"def reads as abcdef
					st = stUnquoted
					continue
				}
			case stTrail:
				switch c {
				case ' ':
					s.addByte(c)
					continue
				case s.delim, '\n', '\r':
					s.truncate(quoteEnd) // "abc"  , reads as abc
				}
			case stStart, stLead:
				if c == ' ' {
					s.addByte(c)
					st = stLead
					continue
				}
				if c == '"' {
					s.truncate(fieldStart)
					st, prevCR = stQuoted, false
					continue
				}
			}
			switch c {
			case s.delim:
				s.endField()
				fieldStart, st = len(s.rec), stStart
			case '\n', '\r':
				s.endField()
				s.src.pos += i
				s.line++
				s.skipLF = c == '\r'
				return true
			default:
				// Copy the run of ordinary bytes in one go.
				j := i
				for j < len(buf) && !s.special[buf[j]] {
					j++
				}
				s.add(buf[i-1 : j])
				i, st = j, stUnquoted
			}
		}
		s.src.pos += i
	}
	s.open = st == stQuoted
	if st == stTrail {
		s.truncate(quoteEnd)
	}
	s.endField()
	return true
}

// countLines counts the line breaks (CRLF, LF or CR) in chunk; prevCR says
// whether the byte before chunk was a CR, and cr whether its last byte is.
func countLines(chunk []byte, prevCR bool) (n int64, cr bool) {
	if len(chunk) == 0 {
		return 0, prevCR
	}
	if bytes.IndexByte(chunk, '\n') < 0 && bytes.IndexByte(chunk, '\r') < 0 {
		return 0, false
	}
	for _, c := range chunk {
		if c == '\n' && !prevCR || c == '\r' {
			n++
		}
		prevCR = c == '\r'
	}
	return n, prevCR
}

func (s *scanner) add(b []byte) {
	if s.tooLong {
		return
	}
	if len(s.rec)+len(s.ends)+len(b) > s.max {
		s.tooLong = true
		return
	}
	s.rec = append(s.rec, b...)
}

func (s *scanner) addByte(c byte) {
	if s.tooLong {
		return
	}
	if len(s.rec)+len(s.ends) >= s.max {
		s.tooLong = true
		return
	}
	s.rec = append(s.rec, c)
}

func (s *scanner) truncate(n int) {
	if !s.tooLong {
		s.rec = s.rec[:n]
	}
}

func (s *scanner) endField() {
	if s.tooLong {
		return
	}
	if len(s.ends) >= maxFields || len(s.rec)+len(s.ends) > s.max {
		s.tooLong = true
		return
	}
	s.ends = append(s.ends, len(s.rec))
}

// skipLine consumes one physical line, whatever it holds.
func (s *scanner) skipLine() bool {
	for {
		buf := s.src.unread()
		if s.skipLF && len(buf) > 0 {
			if buf[0] == '\n' {
				s.src.pos++
				buf = buf[1:]
			}
			s.skipLF = false
		}
		atEOF := s.src.eof || s.src.err != nil
		if _, n, found := s.findEOL(buf, atEOF); found {
			s.src.pos += n
			s.line++
			s.skipLF = buf[n-1] == '\r'
			return true
		}
		if atEOF {
			s.src.pos = s.src.end
			if len(buf) > 0 {
				s.line++
			}
			return len(buf) > 0
		}
		if !s.src.fill() && !s.src.eof && s.src.err == nil {
			s.src.pos = s.src.end - 1 // keep the last byte: it may be a CR
		}
	}
}
