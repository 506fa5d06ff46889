package tabular_test

import (
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/tabular"
)

func TestSDMX(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		version string
		header  []string
		rows    [][]string
		errs    []string
	}{
		{
			name: "1.0 ids",
			in: "DATAFLOW,FREQ,REF_AREA,TIME_PERIOD,OBS_VALUE\n" +
				"UNODC:DF_HOMICIDE(1.0),A,MEX,2020,28.4\n",
			version: "1.0",
			header:  []string{"DATAFLOW", "FREQ", "REF_AREA", "TIME_PERIOD", "OBS_VALUE"},
			rows:    [][]string{{"UNODC:DF_HOMICIDE(1.0)", "A", "MEX", "2020", "28.4"}},
		},
		{
			name: "1.0 labels=both",
			in: "DATAFLOW,FREQ: Frequency,REF_AREA: Reference area,TIME_PERIOD: Time,OBS_VALUE: Observation value,COMMENT: Comment\n" +
				"UNODC:DF_HOMICIDE(1.0),A: Annual,MEX: Mexico,2020,28.4,Fuente INEGI: censo\n" +
				"UNODC:DF_HOMICIDE(1.0),A: Annual,COL: Colombia,2020,24.3,\n",
			version: "1.0",
			header:  []string{"DATAFLOW", "FREQ", "REF_AREA", "TIME_PERIOD", "OBS_VALUE", "COMMENT"},
			rows: [][]string{
				{"UNODC:DF_HOMICIDE(1.0)", "A", "MEX", "2020", "28.4", "Fuente INEGI: censo"},
				{"UNODC:DF_HOMICIDE(1.0)", "A", "COL", "2020", "24.3", ""},
			},
		},
		{
			name: "2.0 labels=both with actions, semicolons",
			in: "STRUCTURE;STRUCTURE_ID;ACTION;REF_AREA: Reference area;SEX: Sex;TIME_PERIOD: Time period;OBS_VALUE: Observation value\n" +
				"dataflow;OAS:DF_VICTIMS(2.0): Victims;I;MEX: Mexico;F: Female;2021;3,5\n" +
				"dataflow;OAS:DF_VICTIMS(2.0): Victims;D;MEX: Mexico;M: Male;2021;-\n" +
				"dataflow;OAS:DF_VICTIMS(2.0): Victims;R;COL: Colombia;_T: Total;2021;4,25\n",
			version: "2.0",
			header:  []string{"STRUCTURE", "STRUCTURE_ID", "ACTION", "REF_AREA", "SEX", "TIME_PERIOD", "OBS_VALUE"},
			rows: [][]string{
				{"dataflow", "OAS:DF_VICTIMS(2.0)", "I", "MEX", "F", "2021", "3,5"},
				{"dataflow", "OAS:DF_VICTIMS(2.0)", "R", "COL", "_T", "2021", "4,25"},
			},
			errs: []string{"row 2: SDMX action D (delete) is not supported; send a revision instead"},
		},
		{
			name: "2.0 without ACTION, sub-field separator",
			in: "STRUCTURE[;],STRUCTURE_ID,REF_AREA,OBS_VALUE\n" +
				"dataflow,OAS:DF_X(1.0),MEX,1\n",
			version: "2.0",
			header:  []string{"STRUCTURE[;]", "STRUCTURE_ID", "REF_AREA", "OBS_VALUE"},
			rows:    [][]string{{"dataflow", "OAS:DF_X(1.0)", "MEX", "1"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := read(t, tt.in, "data.csv", tabular.Options{Format: "sdmx-csv"})
			if res.err != nil {
				t.Fatal(res.err)
			}
			sr, ok := res.r.(tabular.SDMXReader)
			if !ok {
				t.Fatalf("reader %T is not an SDMXReader", res.r)
			}
			if sr.SDMXVersion() != tt.version {
				t.Errorf("SDMXVersion() = %q; want %q", sr.SDMXVersion(), tt.version)
			}
			if !equal(res.header, tt.header) {
				t.Errorf("header = %q; want %q", res.header, tt.header)
			}
			rows, errs := res.fields()
			if !equalRows(rows, tt.rows) || !equal(errs, tt.errs) {
				t.Errorf("rows = %q, errors %q\nwant %q, %q", rows, errs, tt.rows, tt.errs)
			}
		})
	}
}

func TestSDMXNotSDMX(t *testing.T) {
	res := read(t, "FREQ,REF_AREA\nA,MEX\n", "data.csv", tabular.Options{Format: "sdmx-csv"})
	if res.err == nil || !strings.Contains(res.err.Error(), "is not SDMX-CSV") {
		t.Errorf("err = %v", res.err)
	}
	res = read(t, "DATAFLOW,A: x,A: y\n1,2,3\n", "data.csv", tabular.Options{Format: "sdmx-csv"})
	if res.err == nil || !strings.Contains(res.err.Error(), "duplicate") {
		t.Errorf("duplicate after removing labels: %v", res.err)
	}
}
