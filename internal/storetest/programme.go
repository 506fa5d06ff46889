package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
)

func testProgrammes(t *testing.T, s atalaya.Store) {
	ps, ok2 := s.(atalaya.ProgrammeStore)
	if !ok2 {
		t.Fatalf("%T does not implement atalaya.ProgrammeStore", s)
	}
	seed(t, s)
	c := ctx(t)
	p := atalaya.Programme{ID: "cdmx-2019", Name: "Sendero Seguro", Objective: "Fewer street robberies", Owner: "SSC CDMX",
		Areas: []string{areaCDMX.Code, areaCuau.Code, areaCDMX.Code}, Start: time.Date(2019, 3, 1, 0, 0, 0, 0, time.UTC),
		Indicators: []string{"homicide-rate"}, CreatedBy: "ana"}
	ok(t, ps.PutProgramme(c, p, true), "PutProgramme")
	wantCode(t, ps.PutProgramme(c, p, true), atalaya.ECONFLICT, "PutProgramme twice", "cdmx-2019")
	bad := p
	bad.ID, bad.Areas = "other", []string{"XXX-99"}
	wantCode(t, ps.PutProgramme(c, bad, true), atalaya.EINVALID, "unknown area", "XXX-99")
	bad = p
	bad.ID = "Bad Id"
	wantCode(t, ps.PutProgramme(c, bad, true), atalaya.EINVALID, "bad id", "Bad Id")
	bad = p
	bad.End = p.Start.AddDate(0, 0, -1)
	wantCode(t, ps.PutProgramme(c, bad, false), atalaya.EINVALID, "end before start", "before")
	missing := p
	missing.ID = "absent"
	wantCode(t, ps.PutProgramme(c, missing, false), atalaya.ENOTFOUND, "replace absent", "absent")

	got, err := ps.Programme(c, "cdmx-2019")
	ok(t, err, "Programme")
	if got.Created.IsZero() || got.Updated.IsZero() {
		t.Errorf("times not set: %+v", got)
	}
	same(t, "areas (a sorted set)", got.Areas, []string{areaCDMX.Code, areaCuau.Code})
	same(t, "start", got.Start, p.Start)
	if !got.End.IsZero() {
		t.Errorf("end = %v, want zero", got.End)
	}
	p.End = time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC)
	p.Name = "Sendero Seguro II"
	ok(t, ps.PutProgramme(c, p, false), "replace")
	got, err = ps.Programme(c, "cdmx-2019")
	ok(t, err, "Programme")
	same(t, "replaced", []any{got.Name, got.End, got.CreatedBy}, []any{"Sendero Seguro II", p.End, "ana"})
	_, err = ps.Programme(c, "absent")
	wantCode(t, err, atalaya.ENOTFOUND, "Programme absent", "absent")
	p2 := p
	p2.ID = "a-first"
	ok(t, ps.PutProgramme(c, p2, true), "PutProgramme 2")
	all, err := ps.Programmes(c)
	ok(t, err, "Programmes")
	if len(all) != 2 || all[0].ID != "a-first" || all[1].ID != "cdmx-2019" {
		t.Errorf("Programmes: %+v", all)
	}

	result, _ := json.Marshal(map[string]any{"rate_ratio": 0.885, "low": 0.839})
	e := atalaya.Evaluation{Programme: "cdmx-2019", Method: atalaya.MethodITS, Indicator: "homicide-rate",
		Spec: []byte(`{"interruption":"2019-03"}`), Result: result, Summary: "Fewer", DataVersion: 7, CreatedBy: "beto"}
	e1, err := ps.AddEvaluation(c, e)
	ok(t, err, "AddEvaluation")
	if e1.ID == 0 || e1.Created.IsZero() {
		t.Errorf("AddEvaluation did not set id and time: %+v", e1)
	}
	e.Method = atalaya.MethodSynth
	e2, err := ps.AddEvaluation(c, e)
	ok(t, err, "AddEvaluation 2")
	bad2 := e
	bad2.Programme = "absent"
	_, err = ps.AddEvaluation(c, bad2)
	wantCode(t, err, atalaya.ENOTFOUND, "evaluation of an absent programme", "absent")
	bad2 = e
	bad2.Method = "guess"
	_, err = ps.AddEvaluation(c, bad2)
	wantCode(t, err, atalaya.EINVALID, "unknown method", "guess")
	one, err := ps.Evaluation(c, e1.ID)
	ok(t, err, "Evaluation")
	var back map[string]float64
	if err := json.Unmarshal(one.Result, &back); err != nil || back["rate_ratio"] != 0.885 {
		t.Errorf("result round trip: %s %v", one.Result, err)
	}
	var spec map[string]string
	if err := json.Unmarshal(one.Spec, &spec); err != nil || spec["interruption"] != "2019-03" {
		t.Errorf("spec round trip: %s %v", one.Spec, err)
	}
	same(t, "evaluation fields", []any{one.Programme, one.Method, one.Indicator, one.Summary, one.DataVersion, one.CreatedBy},
		[]any{"cdmx-2019", atalaya.MethodITS, "homicide-rate", "Fewer", int64(7), "beto"})
	_, err = ps.Evaluation(c, 9999)
	wantCode(t, err, atalaya.ENOTFOUND, "Evaluation absent", "9999")
	list, err := ps.Evaluations(c, "cdmx-2019")
	ok(t, err, "Evaluations")
	if len(list) != 2 || list[0].ID != e2.ID || list[1].ID != e1.ID {
		t.Errorf("Evaluations newest first: %+v", list)
	}
	if l, _ := ps.Evaluations(c, "a-first"); len(l) != 0 {
		t.Errorf("another programme's evaluations: %+v", l)
	}
	if l, _ := ps.Evaluations(c, ""); len(l) != 2 {
		t.Errorf("all evaluations: %d", len(l))
	}
}
