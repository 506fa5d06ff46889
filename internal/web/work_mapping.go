package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/authz"
	"github.com/oas-atalaya/atalaya/internal/indicator"
)

// The mapping editor shows the latest version of a national code list's
// mapping to ICCS, with the indicators each code feeds, and saves an edit
// as a new version (versions are append-only; records keep the version
// that classified them, so an edit applies to the uploads that follow).
// A code list belongs to the sources whose built-in profiles classify with
// it: their stewards may edit it (authz.PermEditMappings, own sources), and
// admins may edit any.

// codeListSources are the sources whose built-in profiles use code list
// id, sorted.
func codeListSources(id string) ([]string, error) {
	ps, err := builtinProfiles()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range ps {
		if p.CodeList == id && !slices.Contains(out, p.Source) {
			out = append(out, p.Source)
		}
	}
	slices.Sort(out)
	return out, nil
}

// authorizeCodeList checks that r may edit code list id: on one of its
// sources, or (admins) on any code list. The refusal names the first of
// its sources.
func (s *Server) authorizeCodeList(r *http.Request, id string) error {
	if id == "iccs" {
		return atalaya.Errorf(atalaya.EINVALID, "the code list iccs holds ICCS codes used directly: there is no mapping to edit")
	}
	srcs, err := codeListSources(id)
	if err != nil {
		return err
	}
	obj := authz.Object{Kind: "code list", ID: id}
	if len(srcs) == 0 {
		return s.authorizeObject(r, ActionEditMappings, obj)
	}
	var first error
	for _, src := range srcs {
		obj.Source = src
		err := s.authorizeObject(r, ActionEditMappings, obj)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// workCodeList is a code list as the editor's index shows it.
type workCodeList struct {
	atalaya.CodeList
	Sources []string
	Version int // latest mapping version; 0 when none yet
	Entries int64
	Created time.Time
}

// handleWorkMappings is GET /work/mappings: the code lists the user may
// edit, with their latest version.
func (s *Server) handleWorkMappings(w http.ResponseWriter, r *http.Request) {
	if _, _, err := s.workAccounts(r); err != nil {
		s.workError(w, r, err)
		return
	}
	ctx := r.Context()
	cls, err := s.Store.CodeLists(ctx)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	var out []workCodeList
	for _, cl := range cls {
		if s.authorizeCodeList(r, cl.ID) != nil {
			continue
		}
		wc := workCodeList{CodeList: cl}
		wc.Sources, _ = codeListSources(cl.ID)
		m, err := s.Store.Mapping(ctx, cl.ID, 0)
		if err == nil {
			wc.Version, wc.Entries, wc.Created = m.Version, int64(len(m.Entries)), mappingTime(m)
		} else if atalaya.ErrorCode(err) != atalaya.ENOTFOUND {
			s.workError(w, r, err)
			return
		}
		out = append(out, wc)
	}
	s.render(w, r, http.StatusOK, "work_mappings.html", s.newPage(w, r, "work", "work.mappings.title", out))
}

// mappingRow is one row of the editor: an entry and the indicators it
// feeds.
type mappingRow struct {
	N     int
	Entry atalaya.MappingEntry
	Name  string           // the ICCS category's name (English, as the classification gives it)
	Feeds []indicator.Text // the names of the indicators whose numerator it feeds
	New   bool             // an empty row for a new code
	Drop  bool
}

// workMapping is what work_mapping.html shows.
type workMapping struct {
	CodeList atalaya.CodeList
	Sources  []string
	Version  int
	Note     string
	Created  time.Time
	Rows     []mappingRow
	ICCS     []atalaya.ICCSCategory
	Weapons  []string
	Contexts []string
	Reason   string
	Error    string // why the last save was refused
	Notice   string
}

// mappingTime is when a mapping version was saved (zero if unknown).
func mappingTime(m atalaya.Mapping) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, m.CreatedAt)
	return t
}

// newRows is how many empty rows the editor offers for new codes.
const newRows = 3

// editorWeapons and editorContexts are the codes a mapping may imply.
var (
	editorWeapons  = []string{atalaya.WeaponFirearm, atalaya.WeaponSharp, atalaya.WeaponOther, atalaya.WeaponNone, atalaya.WeaponUnknown}
	editorContexts = []string{atalaya.ContextFemicide, atalaya.ContextOrganised, atalaya.ContextIntimate, atalaya.ContextCyber}
)

// loadMappingPage loads the code list and the latest version of its
// mapping for the editor (after the object check).
func (s *Server) loadMappingPage(r *http.Request, id string) (workMapping, error) {
	ctx := r.Context()
	d := workMapping{Weapons: editorWeapons, Contexts: editorContexts}
	cls, err := s.Store.CodeLists(ctx)
	if err != nil {
		return d, err
	}
	i := slices.IndexFunc(cls, func(c atalaya.CodeList) bool { return c.ID == id })
	if i < 0 {
		return d, atalaya.Errorf(atalaya.ENOTFOUND, "code list %s not found", id)
	}
	d.CodeList = cls[i]
	if d.Sources, err = codeListSources(id); err != nil {
		return d, err
	}
	m, err := s.Store.Mapping(ctx, id, 0)
	if err != nil && atalaya.ErrorCode(err) != atalaya.ENOTFOUND {
		return d, err
	}
	d.Version, d.Note, d.Created = m.Version, m.Note, mappingTime(m)
	for _, e := range m.Entries {
		d.Rows = append(d.Rows, mappingRow{Entry: e})
	}
	if d.ICCS, err = s.Store.ICCS(ctx); err != nil {
		return d, err
	}
	return d, nil
}

// finishRows numbers the rows, adds the empty ones and the indicators
// each row feeds.
func (s *Server) finishRows(d *workMapping) {
	for range newRows {
		d.Rows = append(d.Rows, mappingRow{New: true})
	}
	cat := s.Engine.Catalogue()
	names := make(map[string]string, len(d.ICCS))
	for _, c := range d.ICCS {
		names[c.Code] = c.Name
	}
	for i := range d.Rows {
		d.Rows[i].N = i
		if d.Rows[i].Entry.ICCS == "" {
			continue
		}
		d.Rows[i].Name = names[d.Rows[i].Entry.ICCS]
		for _, ind := range cat.Indicators {
			if feedsNumerator(ind.Numerator, d.Rows[i].Entry) {
				d.Rows[i].Feeds = append(d.Rows[i].Feeds, ind.Name)
			}
		}
	}
}

// handleWorkMapping is GET /work/mappings/{codelist}: the editor.
func (s *Server) handleWorkMapping(w http.ResponseWriter, r *http.Request) {
	if _, _, err := s.workAccounts(r); err != nil {
		s.workError(w, r, err)
		return
	}
	id := r.PathValue("codelist")
	if err := s.authorizeCodeList(r, id); err != nil {
		s.workError(w, r, err)
		return
	}
	d, err := s.loadMappingPage(r, id)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	d.Notice = notice(r)
	s.finishRows(&d)
	s.render(w, r, http.StatusOK, "work_mapping.html", s.newPage(w, r, "work", "work.mapping.title", d))
}

// maxMappingForm bounds the editor's form: some 1,500 codes.
const maxMappingForm = 1 << 20

// handleWorkMappingPost is POST /work/mappings/{codelist}: saves the
// edited rows as a new version, with the required reason as its note and
// in the audit entry (mapping.edit, before the write). An invalid edit
// shows the editor again with the rows as sent and the reason it failed.
func (s *Server) handleWorkMappingPost(w http.ResponseWriter, r *http.Request) {
	if _, _, err := s.workAccounts(r); err != nil {
		s.workError(w, r, err)
		return
	}
	id := r.PathValue("codelist")
	if err := s.authorizeCodeList(r, id); err != nil {
		s.workError(w, r, err)
		return
	}
	if err := postForm(w, r, maxMappingForm); err != nil {
		s.workError(w, r, err)
		return
	}
	d, err := s.loadMappingPage(r, id)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	rows, entries, err := mappingFromForm(r)
	d.Rows, d.Reason = rows, field(r, "reason")
	if err == nil && d.Reason == "" {
		err = atalaya.Errorf(atalaya.EINVALID, "give the reason for the change: it is kept with the version and in the audit log")
	}
	m := atalaya.Mapping{CodeList: id, Note: d.Reason, Entries: entries}
	if err == nil {
		err = m.Validate()
	}
	if err == nil {
		err = s.record(r, "mapping.edit", "codelist:"+id, d.Reason)
	}
	var v int
	if err == nil {
		v, err = s.Store.AddMapping(r.Context(), m)
		s.checkpoint(r)
	}
	if err != nil {
		code := atalaya.ErrorCode(err)
		if code != atalaya.EINVALID {
			s.workError(w, r, err)
			return
		}
		d.Error = atalaya.ErrorMessage(err)
		s.finishRows(&d)
		d.Rows = d.Rows[:len(d.Rows)-newRows] // the rows as sent, blank ones included
		s.render(w, r, http.StatusBadRequest, "work_mapping.html", s.newPage(w, r, "work", "work.mapping.title", d))
		return
	}
	done := "mapping_saved"
	if v == d.Version {
		done = "mapping_same"
	}
	redirectDone(w, r, "/work/mappings/"+url.PathEscape(id), done, url.Values{"v": {strconv.Itoa(v)}})
}

// mappingFromForm reads the editor's rows: the form's rows as sent (to
// show again if the edit is refused) and the entries to save (rows marked
// to drop and blank rows left out).
func mappingFromForm(r *http.Request) ([]mappingRow, []atalaya.MappingEntry, error) {
	n, err := strconv.Atoi(r.PostForm.Get("rows"))
	if err != nil || n < 0 || n > 100000 {
		return nil, nil, atalaya.Errorf(atalaya.EINVALID, "the form has no valid row count: load the editor again")
	}
	var rows []mappingRow
	var entries []atalaya.MappingEntry
	for i := range n {
		get := func(k string) string { return field(r, fmt.Sprintf("%s%d", k, i)) }
		e := atalaya.MappingEntry{NationalCode: get("code"), Label: get("label"), ICCS: get("iccs"),
			Implies: atalaya.Disaggregation{Sex: get("sex"), Weapon: get("weapon"), Context: get("context")}, Note: get("note")}
		row := mappingRow{Entry: e, Drop: get("drop") != ""}
		rows = append(rows, row)
		if row.Drop || e == (atalaya.MappingEntry{}) {
			continue
		}
		switch {
		case e.NationalCode == "":
			return rows, nil, atalaya.Errorf(atalaya.EINVALID, "row %d has no national code: give one, or empty the row", i+1)
		case e.Implies.Weapon != "" && !atalaya.ValidWeapon(e.Implies.Weapon):
			return rows, nil, atalaya.Errorf(atalaya.EINVALID, "row %d: weapon %q must be %s", i+1, e.Implies.Weapon, strings.Join(editorWeapons, ", "))
		case !atalaya.ValidContext(e.Implies.Context):
			return rows, nil, atalaya.Errorf(atalaya.EINVALID, "row %d: context %q must be %s", i+1, e.Implies.Context, strings.Join(editorContexts, ", "))
		}
		entries = append(entries, e)
	}
	return rows, entries, nil
}

// feedsNumerator reports whether a mapping entry's records count in an
// indicator's numerator: its ICCS code lies within one of the numerator's
// categories, and what the entry implies does not contradict the
// numerator's filter. It is internal/indicator's rule for the method
// notes (markdown.go), which that package keeps private.
func feedsNumerator(n indicator.Numerator, e atalaya.MappingEntry) bool {
	inside := false
	for _, code := range n.ICCS {
		inside = inside || atalaya.ICCSContains(code, e.ICCS)
	}
	if !inside {
		return false
	}
	implied := map[string]string{indicator.DimSex: e.Implies.Sex, indicator.DimWeapon: e.Implies.Weapon, indicator.DimContext: e.Implies.Context}
	for dim, v := range implied {
		want := n.Filter.Codes(dim)
		if len(want) == 0 {
			continue
		}
		if v == "" && dim != indicator.DimContext {
			continue // the file's own column says
		}
		if !slices.Contains([]string(want), v) {
			return false
		}
	}
	return true
}
