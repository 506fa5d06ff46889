package chart

import (
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var (
	update = flag.Bool("update", false, "rewrite the golden SVG files in testdata")
	outDir = flag.String("out", "", "also write each golden chart as an HTML page into this folder, for a look in a browser")
)

// golden compares got with testdata/name.svg, or rewrites the file under
// -update. Under -out it also writes name.html for a screenshot.
func golden(t *testing.T, name string, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".svg")
	if *outDir != "" {
		page := "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>" + name + "</title><body>" + got + "</body></html>"
		if err := os.WriteFile(filepath.Join(*outDir, name+".html"), []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run go test -update and review the diff):\ngot  %.300s…", path, got)
	}
}

// checkSVG parses s as XML and checks what every chart must hold: one svg
// root with a role and aria-labelledby naming ids that exist, no script,
// no event handler, no style attribute, and no text below 11px.
func checkSVG(t *testing.T, s string) (elements map[string]int) {
	t.Helper()
	elements = map[string]int{}
	ids := map[string]bool{}
	var labelledby string
	d := xml.NewDecoder(strings.NewReader(s))
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%.400s", err, s)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 && tok.Name.Local != "svg" {
				t.Fatalf("root element is %s, want svg", tok.Name.Local)
			}
			depth++
			elements[tok.Name.Local]++
			if tok.Name.Local == "script" || tok.Name.Local == "style" || tok.Name.Local == "foreignObject" {
				t.Errorf("SVG has a <%s> element", tok.Name.Local)
			}
			for _, a := range tok.Attr {
				n := strings.ToLower(a.Name.Local)
				switch {
				case n == "style" || strings.HasPrefix(n, "on"):
					t.Errorf("<%s> has attribute %s, which a strict CSP refuses", tok.Name.Local, n)
				case n == "id":
					ids[a.Value] = true
				case n == "aria-labelledby":
					labelledby = a.Value
				case n == "font-size":
					if v, err := strconv.ParseFloat(strings.TrimSuffix(a.Value, "px"), 64); err != nil || v < 11 {
						t.Errorf("font-size %q below 11", a.Value)
					}
				case n == "href" && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Value)), "javascript:"):
					t.Errorf("javascript: link %q", a.Value)
				case n == "role" && depth == 1 && a.Value != "img" && a.Value != "group":
					t.Errorf("svg role %q", a.Value)
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	if elements["svg"] != 1 {
		t.Errorf("%d svg elements, want 1", elements["svg"])
	}
	if labelledby == "" {
		t.Errorf("svg has no aria-labelledby")
	}
	for _, id := range strings.Fields(labelledby) {
		if !ids[id] {
			t.Errorf("aria-labelledby names %q, which is not an id in the SVG", id)
		}
	}
	return elements
}
