package atalaya

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// Programme is a public-security policy or programme that a node follows
// (Commitment item 3): where and when it runs, what it aims at and which
// indicators should show it. Evaluations attach to it.
type Programme struct {
	ID         string    `json:"id"` // lower-case slug, e.g. "mx-chih-2019-prevention"
	Name       string    `json:"name"`
	Objective  string    `json:"objective"`
	Owner      string    `json:"owner"`        // the agency responsible
	Areas      []string  `json:"areas"`        // area codes where it runs
	Start      time.Time `json:"start"`        // first day
	End        time.Time `json:"end,omitzero"` // last day; zero while it runs
	Indicators []string  `json:"indicators"`   // target indicator ids
	Created    time.Time `json:"created"`
	CreatedBy  string    `json:"created_by"`
	Updated    time.Time `json:"updated"`
}

var programmeID = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// Validate checks a programme's fields.
func (p Programme) Validate() error {
	switch {
	case !programmeID.MatchString(p.ID):
		return Errorf(EINVALID, "programme id %q: use 2–64 lower-case letters, digits, '.', '_' or '-'", p.ID)
	case strings.TrimSpace(p.Name) == "":
		return Errorf(EINVALID, "programme %s: a name is required", p.ID)
	case strings.TrimSpace(p.Objective) == "":
		return Errorf(EINVALID, "programme %s: an objective is required", p.ID)
	case strings.TrimSpace(p.Owner) == "":
		return Errorf(EINVALID, "programme %s: an owner is required", p.ID)
	case len(p.Areas) == 0:
		return Errorf(EINVALID, "programme %s: at least one area is required", p.ID)
	case len(p.Indicators) == 0:
		return Errorf(EINVALID, "programme %s: at least one target indicator is required", p.ID)
	case p.Start.IsZero():
		return Errorf(EINVALID, "programme %s: a start date is required", p.ID)
	case !p.End.IsZero() && p.End.Before(p.Start):
		return Errorf(EINVALID, "programme %s: ends (%s) before it starts (%s)", p.ID, p.End.Format(time.DateOnly), p.Start.Format(time.DateOnly))
	}
	return nil
}

// Evaluation methods.
const (
	MethodITS   = "its"   // interrupted time series (segmented Poisson regression)
	MethodSynth = "synth" // synthetic control
	MethodDiD   = "did"   // difference in differences, staggered (Callaway–Sant'Anna)
)

// Evaluation is one evaluation of a programme: the method, the indicator,
// the specification it ran with and its result, kept as JSON so a report
// can be shown again exactly as it was computed. Evaluations are
// append-only.
type Evaluation struct {
	ID          int64     `json:"id"`
	Programme   string    `json:"programme"`
	Method      string    `json:"method"`
	Indicator   string    `json:"indicator"`
	Spec        []byte    `json:"spec"`         // JSON: the inputs
	Result      []byte    `json:"result"`       // JSON: estimates, intervals, counterfactual
	Summary     string    `json:"summary"`      // a plain-language reading
	DataVersion int64     `json:"data_version"` // Store.DataVersion when computed
	Created     time.Time `json:"created"`
	CreatedBy   string    `json:"created_by"`
}

// Validate checks an evaluation's fields.
func (e Evaluation) Validate() error {
	switch {
	case e.Programme == "":
		return Errorf(EINVALID, "evaluation: the programme is required")
	case e.Method != MethodITS && e.Method != MethodSynth && e.Method != MethodDiD:
		return Errorf(EINVALID, "evaluation: method %q is not one of its, synth, did", e.Method)
	case e.Indicator == "":
		return Errorf(EINVALID, "evaluation: the indicator is required")
	case len(e.Result) == 0:
		return Errorf(EINVALID, "evaluation: the result is required")
	}
	return nil
}

// ProgrammeStore keeps the programme registry and its evaluations; both
// backends implement it and internal/storetest checks it.
type ProgrammeStore interface {
	// PutProgramme creates (create) or replaces a programme. ECONFLICT if
	// it exists and create; ENOTFOUND if absent and not create; EINVALID
	// for an invalid programme or an unknown area.
	PutProgramme(ctx context.Context, p Programme, create bool) error
	// Programme returns one programme; ENOTFOUND if absent.
	Programme(ctx context.Context, id string) (Programme, error)
	// Programmes returns every programme, ordered by id.
	Programmes(ctx context.Context) ([]Programme, error)
	// AddEvaluation stores an evaluation, assigning its id and time.
	// ENOTFOUND for an unknown programme.
	AddEvaluation(ctx context.Context, e Evaluation) (Evaluation, error)
	// Evaluation returns one evaluation; ENOTFOUND if absent.
	Evaluation(ctx context.Context, id int64) (Evaluation, error)
	// Evaluations returns a programme's evaluations, newest first
	// (all programmes' when programme is "").
	Evaluations(ctx context.Context, programme string) ([]Evaluation, error)
}
