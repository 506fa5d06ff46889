package tabular

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// The encodings a text file can have, as Reader.Encoding reports them.
const (
	EncodingUTF8        = "utf-8"
	EncodingLatin1      = "latin-1"
	EncodingWindows1252 = "windows-1252"
)

// bom is the UTF-8 byte-order mark.
var bom = []byte("\xEF\xBB\xBF")

// encodingName maps a declared encoding to one of the three names, "" for
// auto-detection, or ok=false for an unknown encoding.
func encodingName(s string) (name string, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("_", "-", " ", "-").Replace(s)
	switch s {
	case "", "auto", "detect":
		return "", true
	case "utf-8", "utf8", "utf-8-sig", "unicode":
		return EncodingUTF8, true
	case "latin-1", "latin1", "iso-8859-1", "iso8859-1", "iso-88591", "l1", "8859-1", "iso-latin-1":
		return EncodingLatin1, true
	case "windows-1252", "windows1252", "cp1252", "win-1252", "win1252", "cp-1252", "ansi", "x-cp1252":
		return EncodingWindows1252, true
	}
	return "", false
}

// detectEncoding guesses the encoding from the first bytes of a file: valid
// UTF-8 is UTF-8; otherwise bytes 0x80–0x9F, which are control characters in
// Latin-1 but letters and punctuation (€ ‘ ’ “ ” –) in Windows-1252, point to
// Windows-1252, and anything else is Latin-1. A UTF-8 sequence cut at the end
// of head is ignored: head may stop in the middle of the file, or the file
// itself may be cut short, which the reader reports when it gets there.
func detectEncoding(head []byte) string {
	head = trimPartialRune(head)
	if utf8.Valid(head) {
		return EncodingUTF8
	}
	for _, b := range head {
		if b >= 0x80 && b <= 0x9F {
			return EncodingWindows1252
		}
	}
	return EncodingLatin1
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return b
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

// checkText refuses content that is not text: NUL bytes, or more than 10%
// control characters other than tab, CR, LF, form feed and the DOS
// end-of-file mark.
func checkText(name string, head []byte) error {
	if isUTF16(head) {
		return fileErrorf(name, 0, "is UTF-16 text without a byte-order mark; save it as UTF-8 CSV")
	}
	if i := bytes.IndexByte(head, 0); i >= 0 {
		return binaryError(name, int64(i))
	}
	first, n := -1, 0
	for i, b := range head {
		if b < 0x20 && b != '\t' && b != '\r' && b != '\n' && b != '\f' && b != 0x1A || b == 0x7F {
			if first < 0 {
				first = i
			}
			n++
		}
	}
	if n > 0 && n*10 > len(head) {
		return binaryError(name, int64(first))
	}
	return nil
}

// isUTF16 reports whether head looks like UTF-16 text without a BOM: NUL
// bytes in every other position and hardly anywhere else.
func isUTF16(head []byte) bool {
	h := head[:min(len(head), 512)]
	if len(h) < 8 {
		return false
	}
	var zeros [2]int
	for i, b := range h {
		if b == 0 {
			zeros[i%2]++
		}
	}
	half := len(h) / 2
	return zeros[0] > half*9/10 && zeros[1] == 0 || zeros[1] > half*9/10 && zeros[0] == 0
}

func binaryError(name string, at int64) *FileError {
	return fileErrorf(name, 0, "is not a text file (binary content at byte %d)", at)
}

// utf8Error is the file error for an invalid UTF-8 sequence in a file read
// as UTF-8.
func utf8Error(name string, line int64, b byte, declared bool) *FileError {
	how := "looked like UTF-8 at its start"
	if declared {
		how = "is declared as UTF-8"
	}
	return fileErrorf(name, line, "is not valid UTF-8 (byte 0x%02X), although the file %s; "+
		"if it was saved as Latin-1 or Windows-1252 (\"ANSI\"), set `encoding: latin-1` or `encoding: windows-1252` in the source profile", b, how)
}

// charset converts single-byte text to UTF-8.
type charset struct {
	name string
	high [128]string // UTF-8 for bytes 0x80–0xFF
}

var (
	latin1 = newCharset(EncodingLatin1, func(b byte) rune { return rune(b) })
	cp1252 = newCharset(EncodingWindows1252, func(b byte) rune {
		// The five bytes Windows-1252 leaves undefined map to the C1 code
		// points of the same value, as in the WHATWG encoding standard, so
		// that nothing is lost.
		if r := charmap.Windows1252.DecodeByte(b); r != utf8.RuneError {
			return r
		}
		return rune(b)
	})
)

func newCharset(name string, decode func(byte) rune) *charset {
	c := &charset{name: name}
	for i := range c.high {
		c.high[i] = string(decode(byte(0x80 + i)))
	}
	return c
}

// charsetFor returns the converter for an encoding, nil for UTF-8.
func charsetFor(enc string) *charset {
	switch enc {
	case EncodingLatin1:
		return latin1
	case EncodingWindows1252:
		return cp1252
	}
	return nil
}

// appendUTF8 appends src converted to UTF-8 to dst.
func (c *charset) appendUTF8(dst, src []byte) []byte {
	for len(src) > 0 {
		i := 0
		for i < len(src) && src[i] < 0x80 {
			i++
		}
		dst = append(dst, src[:i]...)
		if i == len(src) {
			break
		}
		dst = append(dst, c.high[src[i]-0x80]...)
		src = src[i+1:]
	}
	return dst
}

// hasHigh reports whether b has a byte outside ASCII.
func hasHigh(b []byte) bool {
	for len(b) >= 8 {
		if (uint64(b[0])|uint64(b[1])<<8|uint64(b[2])<<16|uint64(b[3])<<24|
			uint64(b[4])<<32|uint64(b[5])<<40|uint64(b[6])<<48|uint64(b[7])<<56)&0x8080808080808080 != 0 {
			return true
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// firstInvalid returns the offset of the first invalid UTF-8 sequence in b.
func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// encodingError is the file error for an unknown declared encoding.
func encodingError(name, enc string) *FileError {
	return fileErrorf(name, 0, "cannot be read: unknown encoding %q in the source profile (use utf-8, latin-1 or windows-1252)", enc)
}

// rawPrefix returns the first maxRawBytes of b as valid UTF-8, for Row.Raw
// of a row that could not be decoded: converted from cs, or with invalid
// UTF-8 replaced by U+FFFD when cs is nil.
func rawPrefix(b []byte, cs *charset) string {
	b = b[:min(len(b), maxRawBytes)]
	if cs != nil {
		return truncate(string(cs.appendUTF8(nil, b)), maxRawBytes)
	}
	return truncate(strings.ToValidUTF8(string(trimPartialRune(b)), "\uFFFD"), maxRawBytes)
}
