package tabular

import (
	"archive/zip"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
)

// maxColumns is the number of columns of an Excel sheet (A to XFD).
const maxColumns = 16384

// limitReader feeds an xml.Decoder byte by byte and fails once more than
// limit bytes have been read since the last mark, so that no single row (or
// shared string) can make the decoder buffer an unbounded token. After it
// trips, the reader can be resynchronised on the raw stream.
type limitReader struct {
	r       io.Reader
	buf     []byte
	pos     int
	end     int
	err     error // the read error once buf is drained
	limit   int64
	n       int64 // bytes since the mark
	total   int64 // bytes read in all
	given   int64 // bytes handed to the current decoder
	last    byte
	tripped bool
}

// newLimitReader returns a limitReader over the zip member f.
func newLimitReader(f *zip.File, r io.Reader, limit int64) *limitReader {
	n := min(max(f.UncompressedSize64+1, 512), 64<<10) // the size is only a hint
	return &limitReader{r: r, buf: make([]byte, n), limit: limit}
}

// mark starts a new element: the limit counts from here.
func (l *limitReader) mark() { l.n = 0 }

// markWith starts a new element with its own limit.
func (l *limitReader) markWith(limit int64) { l.n, l.limit = 0, limit }

// ReadByte implements io.ByteReader, which xml.Decoder uses directly.
func (l *limitReader) ReadByte() (byte, error) {
	if l.n >= l.limit {
		l.tripped = true
		return 0, errTooLong
	}
	b, err := l.rawByte()
	if err != nil {
		return 0, err
	}
	l.n++
	l.given++
	l.last = b
	return b, nil
}

// rawByte returns the next byte of the stream, ignoring the limit.
func (l *limitReader) rawByte() (byte, error) {
	if l.pos == l.end {
		if l.err != nil {
			return 0, l.err
		}
		l.pos, l.end = 0, 0
		for l.end == 0 && l.err == nil {
			l.end, l.err = l.r.Read(l.buf)
		}
		if l.end == 0 {
			return 0, l.err
		}
	}
	b := l.buf[l.pos]
	l.pos++
	l.total++
	return b, nil
}

// Read implements io.Reader; xml.Decoder never calls it when ReadByte is
// there, but NewDecoder wants an io.Reader.
func (l *limitReader) Read(p []byte) (int, error) {
	for i := range p {
		b, err := l.ReadByte()
		if err != nil {
			return i, err
		}
		p[i] = b
	}
	return len(p), nil
}

// skipPast consumes the raw stream up to and including the next end tag
// whose local name is name, e.g. </row> or </x:row>. pending holds bytes the
// decoder had read but not used. It reports whether the tag was found.
func (l *limitReader) skipPast(name string, pending []byte) bool {
	state, tag := 0, make([]byte, 0, 32)
	step := func(b byte) bool {
		switch {
		case state == 0 && b == '<':
			state = 1
		case state == 1 && b == '/':
			state, tag = 2, tag[:0]
		case state == 1:
			state = 0
		case state == 2 && (b == '>' || b == ' ' || b == '\t' || b == '\r' || b == '\n'):
			local := tag
			if i := strings.LastIndexByte(string(tag), ':'); i >= 0 {
				local = tag[i+1:]
			}
			if string(local) == name {
				if b == '>' {
					return true
				}
				state = 3
			} else {
				state = 0
			}
		case state == 2 && len(tag) < cap(tag):
			tag = append(tag, b)
		case state == 2:
			state = 0
		case state == 3 && b == '>':
			return true
		}
		return false
	}
	for _, b := range pending {
		if step(b) {
			return true
		}
	}
	for {
		b, err := l.rawByte()
		if err != nil {
			return false
		}
		if step(b) {
			return true
		}
	}
}

// resync prepares the reader for a new decoder after it tripped inside an
// element called name: the rest of the element is skipped with bounded
// memory. It reports whether the end of the element was found.
func (l *limitReader) resync(dec *xml.Decoder, name string) bool {
	var pending []byte
	if l.given > dec.InputOffset() {
		pending = []byte{l.last} // the decoder had read one byte ahead
	}
	ok := l.skipPast(name, pending)
	l.tripped, l.n, l.given = false, 0, 0
	return ok
}

// cellRef parses the column of a cell reference such as "C7" (0-based). ok
// is false for a malformed reference or one past column XFD.
func cellRef(ref string) (col int, ok bool) {
	i := 0
	for i < len(ref) && i < 4 {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		i++
	}
	if i == 0 || col > maxColumns {
		return 0, false
	}
	if i < len(ref) && (ref[i] < '0' || ref[i] > '9') && ref[i] != '$' {
		return 0, false
	}
	return col - 1, true
}

// unescapeX decodes the _xHHHH_ escapes Excel uses for control characters
// in strings, e.g. _x000D_ for a carriage return.
func unescapeX(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 || len(s) < i+7 || s[i+6] != '_' {
			b.WriteString(s)
			return b.String()
		}
		n, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
		if err != nil {
			b.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteRune(rune(n))
		s = s[i+7:]
	}
}
