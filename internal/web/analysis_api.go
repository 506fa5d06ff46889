package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/analysis"
)

// programmes returns the store's programme registry, or an error saying
// the backend has none.
func (s *Server) programmes() (atalaya.ProgrammeStore, error) {
	ps, ok := s.Store.(atalaya.ProgrammeStore)
	if !ok {
		return nil, atalaya.Errorf(atalaya.EINTERNAL, "this store keeps no programme registry")
	}
	return ps, nil
}

func (s *Server) node() *analysis.Node { return &analysis.Node{Store: s.Store, Engine: s.Engine} }

// hotspotQuery reads a hot-spot query from the request; defaults: the
// homicide rate, the first country with sub-areas, the last full year.
func (s *Server) hotspotQuery(r *http.Request) (analysis.HotspotQuery, error) {
	q := r.URL.Query()
	for k := range q {
		switch k {
		case "indicator", "area", "period", "rook", "fdr", "lang", "permutations", "seed":
		default:
			return analysis.HotspotQuery{}, atalaya.Errorf(atalaya.EINVALID, "unknown parameter %q: use indicator, area, period, rook, fdr, permutations, seed", k)
		}
	}
	hq := analysis.HotspotQuery{Indicator: q.Get("indicator"), Parent: q.Get("area"), Period: q.Get("period"), Public: true, Rook: q.Get("rook") == "1"}
	if hq.Indicator == "" {
		hq.Indicator = "homicide-rate"
	}
	if hq.Parent == "" {
		hq.Parent = s.defaultCountry(r)
	}
	if hq.Period == "" {
		hq.Period = strconv.Itoa(s.lastFullYear(r, hq.Indicator, hq.Parent))
	}
	if v := q.Get("fdr"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f >= 1 {
			return hq, atalaya.Errorf(atalaya.EINVALID, "fdr %q: give a false-discovery rate between 0 and 1, e.g. 0.05", v)
		}
		hq.FDR = f
	}
	if v := q.Get("permutations"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 99 || n > 9999 {
			return hq, atalaya.Errorf(atalaya.EINVALID, "permutations %q: give 99 to 9999", v)
		}
		hq.Permutations = n
	}
	if v := q.Get("seed"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return hq, atalaya.Errorf(atalaya.EINVALID, "seed %q: give a whole number", v)
		}
		hq.Seed = n
	}
	return hq, nil
}

// defaultCountry is the first country area that has sub-areas.
func (s *Server) defaultCountry(r *http.Request) string {
	zero := 0
	cs, err := s.Store.Areas(r.Context(), atalaya.AreaFilter{Level: &zero})
	if err != nil {
		return ""
	}
	for _, c := range cs {
		if kids, err := s.Store.Areas(r.Context(), atalaya.AreaFilter{Parent: c.Code}); err == nil && len(kids) > 0 {
			return c.Code
		}
	}
	return ""
}

// lastFullYear is the last published year of the indicator in area with
// twelve months (or yearly data); the previous calendar year if none.
func (s *Server) lastFullYear(r *http.Request, indicator, area string) int {
	last := s.Now().Year() - 1
	res, err := s.Engine.Values(r.Context(), valuesQueryFor(indicator, area))
	if err != nil {
		return last
	}
	best := 0
	for _, v := range res.Values {
		y, err := strconv.Atoi(v.Period)
		if err == nil && v.Rate != nil && (v.Months == 0 || v.Months == 12) && y > best {
			best = y
		}
	}
	if best == 0 {
		return last
	}
	return best
}

func (s *Server) handleHotspotsAPI(w http.ResponseWriter, r *http.Request) {
	hq, err := s.hotspotQuery(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	res, err := s.node().Hotspots(r.Context(), hq)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// programmeInput is the JSON (and form) body that registers a programme.
type programmeInput struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Objective  string   `json:"objective"`
	Owner      string   `json:"owner"`
	Areas      []string `json:"areas"`
	Start      string   `json:"start"`
	End        string   `json:"end"`
	Indicators []string `json:"indicators"`
}

func (in programmeInput) programme(by string) (atalaya.Programme, error) {
	p := atalaya.Programme{ID: strings.TrimSpace(in.ID), Name: strings.TrimSpace(in.Name), Objective: strings.TrimSpace(in.Objective),
		Owner: strings.TrimSpace(in.Owner), Areas: in.Areas, Indicators: in.Indicators, CreatedBy: by}
	var err error
	if p.Start, err = time.Parse(time.DateOnly, strings.TrimSpace(in.Start)); err != nil {
		return p, atalaya.Errorf(atalaya.EINVALID, "start %q: give a date as YYYY-MM-DD", in.Start)
	}
	if e := strings.TrimSpace(in.End); e != "" {
		if p.End, err = time.Parse(time.DateOnly, e); err != nil {
			return p, atalaya.Errorf(atalaya.EINVALID, "end %q: give a date as YYYY-MM-DD, or nothing while it runs", in.End)
		}
	}
	return p, p.Validate()
}

func (s *Server) createProgramme(r *http.Request, in programmeInput) (atalaya.Programme, error) {
	ps, err := s.programmes()
	if err != nil {
		return atalaya.Programme{}, err
	}
	p, err := in.programme(s.userID(r))
	if err != nil {
		return p, err
	}
	for _, id := range p.Indicators {
		if _, ok := s.Engine.Catalogue().Lookup(id); !ok {
			return p, atalaya.Errorf(atalaya.EINVALID, "indicator %q is not in the catalogue", id)
		}
	}
	if err := s.record(r, "programme.create", "programme:"+p.ID, ""); err != nil {
		return p, err
	}
	return p, ps.PutProgramme(r.Context(), p, true)
}

func (s *Server) handleCreateProgrammeAPI(w http.ResponseWriter, r *http.Request) {
	var in programmeInput
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "the body must be a JSON programme: %v", err))
		return
	}
	p, err := s.createProgramme(r, in)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

func (s *Server) handleProgrammesAPI(w http.ResponseWriter, r *http.Request) {
	ps, err := s.programmes()
	if err == nil {
		var list []atalaya.Programme
		if list, err = ps.Programmes(r.Context()); err == nil {
			writeJSON(w, http.StatusOK, map[string]any{"programmes": nonNil(list)})
			return
		}
	}
	s.error(w, r, err)
}

func (s *Server) handleProgrammeAPI(w http.ResponseWriter, r *http.Request) {
	ps, err := s.programmes()
	if err != nil {
		s.error(w, r, err)
		return
	}
	p, err := ps.Programme(r.Context(), r.PathValue("id"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	evs, err := ps.Evaluations(r.Context(), p.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"programme": p, "evaluations": nonNil(evs)})
}

// evaluate runs and records an evaluation of programme id.
func (s *Server) evaluate(r *http.Request, id, method, indicator, reason string) (atalaya.Evaluation, error) {
	ps, err := s.programmes()
	if err != nil {
		return atalaya.Evaluation{}, err
	}
	ctx := r.Context()
	p, err := ps.Programme(ctx, id)
	if err != nil {
		return atalaya.Evaluation{}, err
	}
	if indicator == "" {
		indicator = p.Indicators[0]
	}
	all, err := ps.Programmes(ctx)
	if err != nil {
		return atalaya.Evaluation{}, err
	}
	var others []atalaya.Programme
	for _, o := range all {
		if o.ID != p.ID {
			others = append(others, o)
		}
	}
	version, err := s.Store.DataVersion(ctx)
	if err != nil {
		return atalaya.Evaluation{}, err
	}
	rep, err := s.node().Evaluate(ctx, analysis.EvalQuery{Programme: p, Method: method, Indicator: indicator, Public: true, Others: others})
	if err != nil {
		return atalaya.Evaluation{}, err
	}
	result, err := json.Marshal(rep)
	if err != nil {
		return atalaya.Evaluation{}, err
	}
	spec, _ := json.Marshal(map[string]any{"method": method, "indicator": indicator, "view": "published", "reason": reason})
	if err := s.record(r, "evaluation.create", "programme:"+p.ID, reason); err != nil {
		return atalaya.Evaluation{}, err
	}
	return ps.AddEvaluation(ctx, atalaya.Evaluation{Programme: p.ID, Method: method, Indicator: indicator, Spec: spec, Result: result,
		DataVersion: version, CreatedBy: s.userID(r)})
}

func (s *Server) handleEvaluateAPI(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Method    string `json:"method"`
		Indicator string `json:"indicator"`
		Reason    string `json:"reason"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		s.error(w, r, atalaya.Errorf(atalaya.EINVALID, `the body must be JSON: {"method": "its|synth|did", "indicator": "…", "reason": "…"}: %v`, err))
		return
	}
	e, err := s.evaluate(r, r.PathValue("id"), in.Method, in.Indicator, in.Reason)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, evaluationJSON(e))
}

// evaluationJSON shows an evaluation with its spec and result as JSON
// objects rather than bytes.
func evaluationJSON(e atalaya.Evaluation) map[string]any {
	return map[string]any{"id": e.ID, "programme": e.Programme, "method": e.Method, "indicator": e.Indicator,
		"spec": json.RawMessage(e.Spec), "result": json.RawMessage(e.Result), "data_version": e.DataVersion,
		"created": e.Created, "created_by": e.CreatedBy}
}

func (s *Server) evaluationByID(r *http.Request) (atalaya.Evaluation, error) {
	ps, err := s.programmes()
	if err != nil {
		return atalaya.Evaluation{}, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return atalaya.Evaluation{}, atalaya.Errorf(atalaya.ENOTFOUND, "no evaluation %q", r.PathValue("id"))
	}
	return ps.Evaluation(r.Context(), id)
}

func (s *Server) handleEvaluationAPI(w http.ResponseWriter, r *http.Request) {
	e, err := s.evaluationByID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, evaluationJSON(e))
}
