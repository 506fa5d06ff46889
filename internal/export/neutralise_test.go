package export_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/export"
)

func TestNeutralise(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"México", "México"},
		{"=1+1", "'=1+1"},
		{`=HYPERLINK("http://x.example","clic")`, `'=HYPERLINK("http://x.example","clic")`},
		{"+A1", "'+A1"},
		{"-A1", "'-A1"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"-", "'-"},
		{"+", "'+"},
		{"-1+1", "'-1+1"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"-1.5.", "'-1.5."},
		{"-e5", "'-e5"},
		{"-1e", "'-1e"},
		{"＝1+1", "'＝1+1"}, // full-width forms
		{"＋1", "'＋1"},
		{"－1", "'－1"},
		{"＠A1", "'＠A1"},
		// Plain numbers are not formulas: they stay numbers.
		{"-1.5", "-1.5"},
		{"+3", "+3"},
		{"-0", "-0"},
		{"-.5", "-.5"},
		{"-2e-3", "-2e-3"},
		{"+1E+10", "+1E+10"},
		{"22.613014", "22.613014"},
		// Only the first character counts.
		{" =1+1", " =1+1"},
		{"a=b", "a=b"},
		{"15-29", "15-29"},
		{"2015/2024", "2015/2024"},
	} {
		if got := export.Neutralise(c.in); got != c.want {
			t.Errorf("Neutralise(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

// TestNeutralisedCells checks that text cells are defused in every format
// that a spreadsheet may open, while numbers, even negative, stay numbers.
func TestNeutralisedCells(t *testing.T) {
	m := meta("en")
	m.AreaNames = map[string]string{"MEX": `=HYPERLINK("http://x.example","clic")`}
	m.Attribution = []string{"@evil"}
	v := atalaya.Value{Indicator: "homicide-rate", Area: "MEX", Period: "2023", Count: i64(-3), Rate: f64(-1.5),
		Status: atalaya.StatusPublished, Flags: []string{"-x"}, NotAvailable: "+cmd"}
	vals := []atalaya.Value{v}

	var csvOut bytes.Buffer
	if err := export.CSV(&csvOut, m, vals); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"'=HYPERLINK(""http://x.example"",""clic"")"`, ",-3,", ",-1.5,", ",'-x,'+cmd\n"} {
		if !strings.Contains(csvOut.String(), want) {
			t.Errorf("CSV lacks %s:\n%s", want, csvOut.String())
		}
	}

	var book bytes.Buffer
	if err := export.XLSX(&book, m, vals); err != nil {
		t.Fatal(err)
	}
	parts := string(unzipText(t, book.Bytes()))
	for _, want := range []string{
		`<t xml:space="preserve">&#39;=HYPERLINK(&#34;http://x.example&#34;,&#34;clic&#34;)</t>`,
		`<c r="K2"><v>-3</v></c>`, `<c r="N2"><v>-1.5</v></c>`,
		`<t xml:space="preserve">&#39;-x</t>`, `<t xml:space="preserve">&#39;+cmd</t>`, `<t xml:space="preserve">&#39;@evil</t>`,
	} {
		if !strings.Contains(parts, want) {
			t.Errorf("XLSX lacks %s", want)
		}
	}

	var sdmx bytes.Buffer
	if err := export.SDMXCSV(&sdmx, m, vals); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sdmx.String(), ",-3,A,") || !strings.Contains(sdmx.String(), ",-1.5,A,") || !strings.Contains(sdmx.String(), ",'-x,\n") {
		t.Errorf("SDMX-CSV:\n%s", sdmx.String())
	}
}
