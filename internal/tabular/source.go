package tabular

import (
	"bytes"
	"io"
)

// bufSize is the size of the read buffer of text readers. Lines that fit in
// it take the fast path; longer ones are assembled in a separate buffer that
// never grows past Options.MaxRowBytes. A variable so that fuzz tests can
// make it tiny and exercise the buffer boundaries.
var bufSize int64 = 64 << 10

// source is a read buffer over a file, like bufio.Reader, but giving access
// to the buffered bytes so that rows can be found with bytes.IndexByte and
// never copied when they fit.
type source struct {
	r   io.Reader
	buf []byte
	pos int   // start of the unread bytes in buf
	end int   // end of the unread bytes in buf
	off int64 // file offset of buf[0]
	eof bool  // r is exhausted (buf may still hold bytes)
	err error // a read error other than io.EOF
}

// newSource returns a source reading r, which starts at file offset off and
// holds n bytes; the buffer is no larger than needed for small files.
func newSource(r io.Reader, off, n int64) *source {
	return &source{r: r, buf: make([]byte, min(max(n+1, 16), bufSize)), off: off}
}

// unread returns the buffered bytes not consumed yet.
func (s *source) unread() []byte { return s.buf[s.pos:s.end] }

// offset returns the file offset of the next unread byte.
func (s *source) offset() int64 { return s.off + int64(s.pos) }

// done reports whether nothing more can be read.
func (s *source) done() bool { return (s.eof || s.err != nil) && s.pos == s.end }

// fill moves the unread bytes to the front of the buffer and reads more. It
// reports whether new bytes arrived; it returns false at the end of the file,
// on a read error, or when the buffer is full of unread bytes.
func (s *source) fill() bool {
	if s.eof || s.err != nil {
		return false
	}
	if s.pos > 0 {
		copy(s.buf, s.buf[s.pos:s.end])
		s.off += int64(s.pos)
		s.end -= s.pos
		s.pos = 0
	}
	if s.end == len(s.buf) {
		return false
	}
	for range 100 {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
		} else if err != nil {
			s.err = err
		}
		if n > 0 || err != nil {
			return n > 0
		}
	}
	s.err = io.ErrNoProgress
	return false
}

// readLine returns the next line without its LF or CRLF terminator. The
// line is valid until the next call. A line longer than limit is consumed
// with bounded memory and reported with tooLong set; line then holds its
// first maxRawBytes bytes. ok is false at the end of the file.
func (s *source) readLine(limit int, long *[]byte) (line []byte, tooLong, ok bool) {
	inLong := false
	*long = (*long)[:0]
	keep := func(b []byte) {
		switch {
		case tooLong:
		case len(*long)+len(b) > limit:
			tooLong = true
			*long = append(*long, b[:min(len(b), max(0, maxRawBytes-len(*long)))]...)
			*long = (*long)[:min(len(*long), maxRawBytes)]
		default:
			*long = append(*long, b...)
		}
	}
	for {
		buf := s.unread()
		i := bytes.IndexByte(buf, '\n')
		last := i < 0 && (s.eof || s.err != nil)
		if i >= 0 || last {
			if i < 0 {
				if !inLong && len(buf) == 0 {
					return nil, false, false
				}
				i = len(buf)
				s.pos = s.end
			} else {
				s.pos += i + 1
			}
			part := buf[:i]
			if inLong {
				keep(part)
				part = *long
			} else if len(part) > limit {
				tooLong = true
				part = part[:min(len(part), maxRawBytes)]
			}
			if !tooLong {
				part = bytes.TrimSuffix(part, []byte{'\r'})
			}
			return part, tooLong, true
		}
		if s.fill() {
			continue
		}
		if s.eof || s.err != nil {
			continue
		}
		// The buffer is full and holds no line end: keep what fits.
		inLong = true
		keep(buf)
		s.pos = s.end
	}
}
