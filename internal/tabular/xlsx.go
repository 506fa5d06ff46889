package tabular

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Limits on the parts of a workbook that must be held in memory.
var (
	// maxSharedStrings bounds the shared strings table: the text of all its
	// strings plus 16 bytes of overhead each. A variable so tests can lower it.
	maxSharedStrings int64 = 256 << 20
	// maxPartBytes bounds the XML parts decoded whole: relationships and
	// styles (which some generators bloat to tens of megabytes).
	maxPartBytes int64 = 64 << 20
)

// workbook holds what is needed from a workbook's parts to read one sheet.
type workbook struct {
	name     string
	files    map[string]*zip.File // by lower-case path
	date1904 bool
	sst      []string
	styles   []cellKind // by cellXfs index
}

// openXLSX opens the zip archive, finds the sheet and its shared strings and
// styles, and reads the header row.
func openXLSX(r io.ReaderAt, size int64, name string, opt Options) (Reader, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, &FileError{File: name, Err: err,
			Reason: "is not a valid Excel workbook: its zip structure is damaged or the file is truncated (" + errText(err) + ")"}
	}
	wb := &workbook{name: name, files: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		wb.files[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, `\`, "/"), "/"))] = f
	}
	if mt := wb.files["mimetype"]; mt != nil && wb.files["content.xml"] != nil {
		return nil, fileErrorf(name, 0, "is an OpenDocument spreadsheet (.ods), not an Excel .xlsx workbook; save it as .xlsx or CSV")
	}
	wbPath := "xl/workbook.xml"
	if rels, err := wb.readRels("_rels/.rels"); err == nil {
		for _, rel := range rels {
			if strings.HasSuffix(rel.Type, "/officeDocument") {
				wbPath = resolvePart("", rel.Target)
			}
		}
	}
	if wb.file(wbPath) == nil {
		return nil, fileErrorf(name, 0, "is a zip archive but not an Excel workbook (.xlsx): it has no %s", wbPath)
	}
	sheetPath, err := wb.load(wbPath, opt.Sheet)
	if err != nil {
		return nil, err
	}
	return newSheetReader(wb, sheetPath, size, opt)
}

// file returns the archive member at p, ignoring case.
func (wb *workbook) file(p string) *zip.File {
	return wb.files[strings.ToLower(strings.TrimPrefix(p, "/"))]
}

// load reads the workbook part, its relationships, the shared strings and
// the styles, and returns the path of the wanted sheet.
func (wb *workbook) load(wbPath, sheet string) (string, error) {
	sheets, err := wb.readSheetList(wbPath)
	if err != nil {
		return "", err
	}
	dir := path.Dir(wbPath)
	rels, err := wb.readRels(path.Join(dir, "_rels", path.Base(wbPath)+".rels"))
	if err != nil {
		return "", err
	}
	pick := -1
	for i, s := range sheets {
		if pick < 0 && (sheet == "" || s.name == sheet) {
			pick = i
		}
	}
	for i, s := range sheets {
		if pick < 0 && strings.EqualFold(strings.TrimSpace(s.name), strings.TrimSpace(sheet)) {
			pick = i
		}
	}
	if pick < 0 {
		var names []string
		for _, s := range sheets[:min(len(sheets), 20)] {
			names = append(names, fmt.Sprintf("%q", s.name))
		}
		if len(sheets) > 20 {
			names = append(names, fmt.Sprintf("and %d more", len(sheets)-20))
		}
		return "", fileErrorf(wb.name, 0, "has no sheet named %q; its sheets are %s", sheet, strings.Join(names, ", "))
	}
	rid, sheetName := sheets[pick].rid, sheets[pick].name
	var sheetPath, sstPath, stylesPath string
	for _, rel := range rels {
		switch {
		case rel.ID == rid:
			if !strings.HasSuffix(rel.Type, "/worksheet") {
				return "", fileErrorf(wb.name, 0, "has a sheet %q that is a chart or dialog, not a worksheet with cells", sheetName)
			}
			sheetPath = resolvePart(dir, rel.Target)
		case strings.HasSuffix(rel.Type, "/sharedStrings"):
			sstPath = resolvePart(dir, rel.Target)
		case strings.HasSuffix(rel.Type, "/styles"):
			stylesPath = resolvePart(dir, rel.Target)
		}
	}
	if sheetPath == "" || wb.file(sheetPath) == nil {
		return "", fileErrorf(wb.name, 0, "is a damaged Excel workbook: the sheet %q has no worksheet part", sheetName)
	}
	if sstPath != "" && wb.file(sstPath) != nil {
		if wb.sst, err = wb.readSharedStrings(wb.file(sstPath)); err != nil {
			return "", err
		}
	}
	if stylesPath != "" && wb.file(stylesPath) != nil {
		if wb.styles, err = wb.readStyles(stylesPath); err != nil {
			return "", err
		}
	}
	return sheetPath, nil
}

// sheetEntry is a sheet listed in the workbook part.
type sheetEntry struct {
	name string
	rid  string // the id of its relationship
}

// maxSheets bounds the number of sheets a workbook may list.
const maxSheets = 1 << 16

// readSheetList streams the workbook part for its sheets and its date
// system, so that a part listing millions of sheets cannot exhaust memory.
func (wb *workbook) readSheetList(p string) ([]sheetEntry, error) {
	f := wb.file(p)
	rc, err := f.Open()
	if err != nil {
		return nil, wb.partError(p, err)
	}
	defer rc.Close()
	in := newLimitReader(f, rc, 1<<20) // per token
	dec := xml.NewDecoder(in)
	var sheets []sheetEntry
	for {
		tok, err := dec.Token()
		in.mark()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, wb.partError(p, err)
		}
		t, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch t.Name.Local {
		case "workbookPr":
			for _, a := range t.Attr {
				if a.Name.Local == "date1904" {
					wb.date1904 = a.Value == "1" || strings.EqualFold(a.Value, "true")
				}
			}
		case "sheet":
			if len(sheets) == maxSheets {
				return nil, fileErrorf(wb.name, 0, "is a damaged Excel workbook: it lists more than %d sheets", maxSheets)
			}
			var s sheetEntry
			for _, a := range t.Attr {
				switch {
				case a.Name.Local == "name" && a.Name.Space == "":
					s.name = a.Value
				case a.Name.Local == "id" && a.Name.Space != "":
					s.rid = a.Value
				}
			}
			sheets = append(sheets, s)
		}
	}
	if len(sheets) == 0 {
		return nil, fileErrorf(wb.name, 0, "is an Excel workbook without sheets")
	}
	return sheets, nil
}

// relationship is one entry of a .rels part.
type relationship struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

// readRels reads a relationships part.
func (wb *workbook) readRels(p string) ([]relationship, error) {
	var rels struct {
		List []relationship `xml:"Relationship"`
	}
	if wb.file(p) == nil {
		return nil, fileErrorf(wb.name, 0, "is a damaged Excel workbook: it has no %s", p)
	}
	if err := wb.unmarshal(p, &rels); err != nil {
		return nil, err
	}
	return rels.List, nil
}

// resolvePart resolves a relationship target against the directory of the
// part that refers to it.
func resolvePart(dir, target string) string {
	target = strings.ReplaceAll(target, `\`, "/")
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Join(dir, target), "/")
}

// unmarshal decodes a small XML part, refusing one over maxPartBytes.
func (wb *workbook) unmarshal(p string, v any) error {
	f := wb.file(p)
	rc, err := f.Open()
	if err != nil {
		return wb.partError(p, err)
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: maxPartBytes + 1}
	dec := xml.NewDecoder(lr)
	if err := dec.Decode(v); err != nil {
		if lr.N <= 0 {
			return fileErrorf(wb.name, 0, "is a damaged Excel workbook: its part %s is larger than %s", p, sizeText(int(maxPartBytes)))
		}
		return wb.partError(p, err)
	}
	return nil
}

// partError is the file error for an unreadable part of the workbook.
func (wb *workbook) partError(p string, err error) *FileError {
	return &FileError{File: wb.name, Err: err, Reason: fmt.Sprintf("is a damaged Excel workbook: its part %s cannot be read (%s)", strings.ToValidUTF8(p, "\uFFFD"), errText(err))}
}

// readSharedStrings loads the shared strings table, streaming its XML and
// refusing a table larger than maxSharedStrings.
func (wb *workbook) readSharedStrings(f *zip.File) ([]string, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, wb.partError(f.Name, err)
	}
	defer rc.Close()
	// One shared string can hold at most 32,767 characters, but rich text
	// adds formatting runs around them; 8 MiB of XML is far beyond either.
	in := newLimitReader(f, rc, 8<<20)
	dec := xml.NewDecoder(in)
	var (
		out      []string
		total    int64
		text     []byte
		inT      bool
		phonetic int
	)
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			if in.tripped {
				return nil, fileErrorf(wb.name, 0, "is a damaged Excel workbook: its shared string %d is longer than 8 MiB", len(out)+1)
			}
			return nil, wb.partError(f.Name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				text, inT, phonetic = text[:0], false, 0
				in.mark()
			case "rPh":
				phonetic++
			case "t":
				inT = phonetic == 0
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				total += int64(len(text)) + 16
				if total > maxSharedStrings {
					return nil, fileErrorf(wb.name, 0, "is too large to read: its shared strings table is larger than %s", sizeText(int(maxSharedStrings)))
				}
				out = append(out, unescapeX(string(text)))
			case "rPh":
				phonetic--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				text = append(text, t...)
			}
		}
	}
}

// errTooLong is returned by a limitReader past its limit.
var errTooLong = errors.New("element too long")
