package ingest_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/ingest"
	"github.com/oas-atalaya/atalaya/internal/tabular"
)

// fuzzIngest feeds arbitrary bytes through a profile into a real store.
// Property: the ingest either refuses the file whole (an EINVALID error,
// nothing stored) or commits a batch where read = accepted + rejected +
// duplicates and the store holds exactly the accepted records.
func fuzzIngest(f *testing.F, format string, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	s := openLightStore(f)
	yaml := strings.Replace(policeProfile, "format: csv", "format: "+format, 1)
	p, err := ingest.ParseProfile(strings.NewReader(yaml), "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		before, _ := s.CountRecords(ctx, atalaya.RecordFilter{})
		in := &ingest.Ingester{Store: s, Now: fixedNow}
		b, err := in.Ingest(ctx, p, []ingest.File{fileOf("fuzz."+format, data)}, ingest.Options{})
		after, _ := s.CountRecords(ctx, atalaya.RecordFilter{})
		if err != nil {
			if atalaya.ErrorCode(err) != atalaya.EINVALID {
				t.Fatalf("error %v is not a clear EINVALID refusal", err)
			}
			if after != before {
				t.Fatalf("a refused file stored %d records", after-before)
			}
			return
		}
		if !b.Balanced() {
			t.Fatalf("batch does not balance: %+v", b)
		}
		if after-before != b.Accepted {
			t.Fatalf("accepted %d but the store gained %d records", b.Accepted, after-before)
		}
	})
}

const fuzzCSV = "folio;fecha;delito;alcaldia;lat;lon;sexo;edad\nA1;05/01/2024 22:10;0101;09;19,4326;-99,1332;Mujer;34\nA2;06/01/2024 01:00;0401;;19,60;-99,05;Hombre;19\n\"A3\n\";31/02/2024 10:00;0401;09;19,43;-99,13;;\n"

func FuzzIngestCSV(f *testing.F) {
	fuzzIngest(f, "csv", []byte(fuzzCSV), latin1("folio;fecha;delito;alcaldia;lat;lon\nÑ1;05/01/2024 22:10;0101;09;;\n"), []byte("folio,fecha\n"), nil)
}

func FuzzIngestJSONL(f *testing.F) {
	fuzzIngest(f, "jsonl",
		[]byte(`{"folio":"A1","fecha":"05/01/2024 22:10","delito":"0101","alcaldia":"09","lat":"19,43","lon":"-99,13"}`+"\n"+`{"folio":"A2","fecha":"x","delito":101,"alcaldia":null,"lat":1e999,"lon":[]}`+"\n"),
		[]byte("{}\n[]\n"))
}

func FuzzIngestXLSX(f *testing.F) {
	var b bytes.Buffer
	rows := [][]string{{"folio", "fecha", "delito", "alcaldia", "lat", "lon"}, {"A1", "05/01/2024 22:10", "0101", "09", "19,43", "-99,13"}, {"A2", "bad", "0101", "09", "", ""}}
	if err := tabular.WriteXLSX(&b, "Hoja1", rows); err != nil {
		f.Fatal(err)
	}
	fuzzIngest(f, "xlsx", b.Bytes())
}

func FuzzIngestSDMX(f *testing.F) {
	for _, s := range []string{
		"DATAFLOW,REF_AREA,TIME_PERIOD,ICCS,SEX,OBS_VALUE\nATALAYA:X(1.0),MEX-09,2024-01,0101,F,12\nATALAYA:X(1.0),MEX-15,2024-M02,0401,_T,3\n",
		"STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA: Area,TIME_PERIOD,ICCS,OBS_VALUE\ndataflow,ATALAYA:X(1.0),I,MEX-09: CDMX,2024,0101,7\n",
	} {
		f.Add([]byte(s))
	}
	s := openLightStore(f)
	p, err := ingest.LoadProfile("canonical-aggregates")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := &ingest.Ingester{Store: s, Now: fixedNow}
		b, err := in.Ingest(context.Background(), p, []ingest.File{fileOf("fuzz.csv", data)}, ingest.Options{})
		if err != nil {
			if atalaya.ErrorCode(err) != atalaya.EINVALID {
				t.Fatalf("error %v is not a clear EINVALID refusal", err)
			}
			return
		}
		if !b.Balanced() {
			t.Fatalf("batch does not balance: %+v", b)
		}
	})
}
