package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/analysis"
	"github.com/oas-atalaya/atalaya/internal/indicator"
	"github.com/oas-atalaya/atalaya/internal/values"
)

// runProgramme manages the programme registry and its evaluations on the
// node's published figures: `programme add`, `programme list`,
// `programme show ID`, `programme evaluate ID --method its|synth|did`.
func runProgramme(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageErr("programme needs a subcommand: add, list, show ID, evaluate ID --method its|synth|did")
	}
	switch args[0] {
	case "add":
		return programmeAdd(ctx, env, args[1:])
	case "list":
		return programmeList(ctx, env, args[1:])
	case "show":
		return programmeShow(ctx, env, args[1:])
	case "evaluate":
		return programmeEvaluate(ctx, env, args[1:])
	}
	return usageErr("programme %q: use add, list, show or evaluate", args[0])
}

func programmeStore(ctx context.Context, env *Env, db string) (atalaya.Store, atalaya.ProgrammeStore, error) {
	s, err := OpenStore(ctx, db, env.Now)
	if err != nil {
		return nil, nil, err
	}
	ps, ok := s.(atalaya.ProgrammeStore)
	if !ok {
		s.Close()
		return nil, nil, atalaya.Errorf(atalaya.EINTERNAL, "this store keeps no programme registry")
	}
	return s, ps, nil
}

func programmeAdd(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "programme add", "\n\nRegisters a public-security programme: where and when it runs, its objective and the indicators it should move.")
	db := fs.String("db", DefaultDB, "database URL")
	id := fs.String("id", "", "identifier: lower-case letters, digits, '.', '_' or '-' (e.g. chih-2019-prevencion)")
	name := fs.String("name", "", "name of the programme")
	objective := fs.String("objective", "", "what it aims at")
	owner := fs.String("owner", "", "the agency responsible")
	areas := fs.String("areas", "", "area codes where it runs, comma-separated (e.g. MEX-08)")
	start := fs.String("start", "", "first day, YYYY-MM-DD")
	end := fs.String("end", "", "last day, YYYY-MM-DD (empty while it runs)")
	inds := fs.String("indicators", "", "target indicator ids, comma-separated (e.g. homicide-rate)")
	by := fs.String("by", "", "who registers it (default: your OS user name)")
	auditKey := auditKeyFlag(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	p := atalaya.Programme{ID: *id, Name: *name, Objective: *objective, Owner: *owner, Areas: splitList(*areas), Indicators: splitList(*inds), CreatedBy: whoOr(*by)}
	var err error
	if p.Start, err = time.Parse(time.DateOnly, *start); err != nil {
		return usageErr("--start %q: give the first day as YYYY-MM-DD", *start)
	}
	if *end != "" {
		if p.End, err = time.Parse(time.DateOnly, *end); err != nil {
			return usageErr("--end %q: give the last day as YYYY-MM-DD", *end)
		}
	}
	if err := p.Validate(); err != nil {
		return err
	}
	cat, err := indicator.Default()
	if err != nil {
		return err
	}
	for _, i := range p.Indicators {
		if _, ok := cat.Lookup(i); !ok {
			return atalaya.Errorf(atalaya.EINVALID, "indicator %q is not in the catalogue (atalaya indicators lists them)", i)
		}
	}
	s, ps, err := programmeStore(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := auditWrite(ctx, env, s, auditKeyPath(*db, *auditKey), atalaya.AuditEntry{Actor: p.CreatedBy, Action: "programme.create", Object: "programme:" + p.ID}); err != nil {
		return err
	}
	if err := ps.PutProgramme(ctx, p, true); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "programme %s registered; evaluate it with: atalaya programme evaluate %s --method its\n", p.ID, p.ID)
	return nil
}

func whoOr(by string) string {
	if b := strings.TrimSpace(by); b != "" {
		return b
	}
	if u := osUserName(); u != "" {
		return u
	}
	return "cli"
}

func programmeList(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "programme list", "")
	db := fs.String("db", DefaultDB, "database URL")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	s, ps, err := programmeStore(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	list, err := ps.Programmes(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tAREAS\tSTART\tEND\tINDICATORS\tEVALUATIONS")
	for _, p := range list {
		evs, _ := ps.Evaluations(ctx, p.ID)
		end := "running"
		if !p.End.IsZero() {
			end = p.End.Format(time.DateOnly)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\n", p.ID, p.Name, strings.Join(p.Areas, ","), p.Start.Format(time.DateOnly), end, strings.Join(p.Indicators, ","), len(evs))
	}
	return tw.Flush()
}

func programmeShow(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "programme show", "")
	db := fs.String("db", DefaultDB, "database URL")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("programme show needs the programme's id")
	}
	s, ps, err := programmeStore(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	p, err := ps.Programme(ctx, pos[0])
	if err != nil {
		return err
	}
	evs, err := ps.Evaluations(ctx, p.ID)
	if err != nil {
		return err
	}
	out := map[string]any{"programme": p, "evaluations": evs}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func programmeEvaluate(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "programme evaluate", "\n\nRuns an evaluation of a programme on the node's published figures and records it:\n"+
		"  its    interrupted time series of the programme areas' monthly counts (quasi-Poisson, population offset, seasonality, Newey–West errors)\n"+
		"  synth  synthetic control of the programme's one area from its sibling areas without a programme, with placebo inference\n"+
		"  did    difference in differences (Callaway–Sant'Anna), staggered groups from the registry's programmes")
	db := fs.String("db", DefaultDB, "database URL")
	method := fs.String("method", "its", "its, synth or did")
	ind := fs.String("indicator", "", "the indicator (default: the programme's first target)")
	by := fs.String("by", "", "who runs it (default: your OS user name)")
	reason := fs.String("reason", "", "why (kept in the audit log)")
	auditKey := auditKeyFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("programme evaluate needs the programme's id")
	}
	s, ps, err := programmeStore(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	e, rep, err := evaluateProgramme(ctx, env, s, ps, pos[0], *method, *ind, whoOr(*by), *reason, auditKeyPath(*db, *auditKey))
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "evaluation %d of %s (%s, %s): effect %.4g [%.4g, %.4g] %s; %s\n", e.ID, e.Programme, e.Method, e.Indicator,
		rep.Effect.Value, rep.Effect.Low, rep.Effect.High, rep.EffectKind, map[bool]string{true: "significant " + rep.Direction, false: "no clear effect"}[rep.Significant])
	fmt.Fprintf(env.Stdout, "report: /analysis/evaluations/%d on the portal\n", e.ID)
	return nil
}

// evaluateProgramme runs and records one evaluation on published figures.
func evaluateProgramme(ctx context.Context, env *Env, s atalaya.Store, ps atalaya.ProgrammeStore, id, method, ind, by, reason, keyPath string) (atalaya.Evaluation, *analysis.Report, error) {
	p, err := ps.Programme(ctx, id)
	if err != nil {
		return atalaya.Evaluation{}, nil, err
	}
	if ind == "" {
		ind = p.Indicators[0]
	}
	all, err := ps.Programmes(ctx)
	if err != nil {
		return atalaya.Evaluation{}, nil, err
	}
	var others []atalaya.Programme
	for _, o := range all {
		if o.ID != p.ID {
			others = append(others, o)
		}
	}
	cat, err := indicator.Default()
	if err != nil {
		return atalaya.Evaluation{}, nil, err
	}
	node := &analysis.Node{Store: s, Engine: values.New(s, cat, env.Now)}
	rep, err := node.Evaluate(ctx, analysis.EvalQuery{Programme: p, Method: method, Indicator: ind, Public: true, Others: others})
	if err != nil {
		return atalaya.Evaluation{}, nil, err
	}
	version, err := s.DataVersion(ctx)
	if err != nil {
		return atalaya.Evaluation{}, nil, err
	}
	result, err := json.Marshal(rep)
	if err != nil {
		return atalaya.Evaluation{}, nil, err
	}
	spec, _ := json.Marshal(map[string]any{"method": method, "indicator": ind, "view": "published", "reason": reason})
	if err := auditWrite(ctx, env, s, keyPath, atalaya.AuditEntry{Actor: by, Action: "evaluation.create", Object: "programme:" + p.ID, Reason: reason}); err != nil {
		return atalaya.Evaluation{}, nil, err
	}
	e, err := ps.AddEvaluation(ctx, atalaya.Evaluation{Programme: p.ID, Method: method, Indicator: ind, Spec: spec, Result: result, DataVersion: version, CreatedBy: by})
	return e, rep, err
}

// demoProgramme registers, once, an illustrative programme in the demo
// with an interrupted-time-series and a synthetic-control evaluation, so
// that the portal's analysis pages have a report to show from the first
// start. It is labelled as an example: no such programme is claimed.
func demoProgramme(ctx context.Context, env *Env, s atalaya.Store, keyPath string) error {
	ps, ok := s.(atalaya.ProgrammeStore)
	if !ok {
		return nil
	}
	const id = "demo-chihuahua-2019"
	if _, err := ps.Programme(ctx, id); err == nil {
		if evs, err := ps.Evaluations(ctx, id); err != nil || len(evs) > 0 {
			return err
		}
		return demoEvaluations(ctx, env, s, ps, id, keyPath)
	} else if atalaya.ErrorCode(err) != atalaya.ENOTFOUND {
		return err
	}
	p := atalaya.Programme{ID: id, Name: "Ejemplo de demostración: Chihuahua 2019 (ficticio)",
		Objective: "Illustrative only — shows how an evaluation reads; no real programme is implied. Reduce intentional homicide in Chihuahua.",
		Owner:     "Demo", Areas: []string{"MEX-08"}, Start: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC),
		Indicators: []string{"homicide-rate"}, CreatedBy: "demo"}
	if err := auditWrite(ctx, env, s, keyPath, atalaya.AuditEntry{Actor: "demo", Action: "programme.create", Object: "programme:" + id}); err != nil {
		return err
	}
	if err := ps.PutProgramme(ctx, p, true); err != nil {
		return err
	}
	return demoEvaluations(ctx, env, s, ps, id, keyPath)
}

// demoEvaluations runs and records the demo programme's two evaluations.
func demoEvaluations(ctx context.Context, env *Env, s atalaya.Store, ps atalaya.ProgrammeStore, id, keyPath string) error {
	for _, m := range []string{atalaya.MethodITS, atalaya.MethodSynth} {
		e, _, err := evaluateProgramme(ctx, env, s, ps, id, m, "", "demo", "demo example", keyPath)
		if err != nil {
			// The demo serves anyway: the example is a convenience.
			fmt.Fprintf(env.Stderr, "atalaya: the demo's example %s evaluation could not run: %v\n", m, err)
			continue
		}
		fmt.Fprintf(env.Stdout, "example programme %s: %s evaluation at /analysis/evaluations/%d\n", id, m, e.ID)
	}
	return nil
}
