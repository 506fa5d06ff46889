package web

import (
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/authz"
	"github.com/oas-atalaya/atalaya/internal/ingest"
)

// workProfile is a built-in profile as the upload form offers it.
type workProfile struct {
	Name, Description, Kind, Source string
	CodeList                        string // the offence code list it classifies with ("" or "iccs": none to map)
}

// builtinProfiles are the built-in profiles, parsed once.
var builtinProfiles = sync.OnceValues(func() ([]workProfile, error) {
	var out []workProfile
	for _, name := range ingest.BuiltinProfiles() {
		p, err := ingest.LoadProfile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, workProfile{Name: name, Description: p.Description, Kind: p.Kind, Source: p.Source.ID, CodeList: p.Offence.CodeList})
	}
	return out, nil
})

// uploadProfiles are the built-in profiles r's user may upload to:
// stewards, those of their own sources.
func (s *Server) uploadProfiles(r *http.Request) ([]workProfile, error) {
	all, err := builtinProfiles()
	if err != nil {
		return nil, err
	}
	var out []workProfile
	for _, p := range all {
		if s.authorizeObject(r, ActionIngest, authz.Object{Kind: "source", ID: p.Source, Source: p.Source}) == nil {
			out = append(out, p)
		}
	}
	return out, nil
}

// workUpload is what work_upload.html shows.
type workUpload struct {
	Profiles []workProfile
	MaxMiB   int64
}

// handleWorkUpload is GET /work/upload: the upload form, with the profiles
// the user may upload to.
func (s *Server) handleWorkUpload(w http.ResponseWriter, r *http.Request) {
	if _, _, err := s.workAccounts(r); err != nil {
		s.workError(w, r, err)
		return
	}
	ps, err := s.uploadProfiles(r)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	d := workUpload{Profiles: ps, MaxMiB: s.MaxUpload >> 20}
	s.render(w, r, http.StatusOK, "work_upload.html", s.newPage(w, r, "work", "work.upload.title", d))
}

// handleWorkUploadPost is POST /work/upload: the form's profile and files
// go to the ingest API's handler unchanged (its profile and per-source
// checks, its audit entries, its limits), streamed without the form's CSRF
// field; the browser is then sent to the batch's page. work.js sends the
// same form with XMLHttpRequest to show the upload's progress.
func (s *Server) handleWorkUploadPost(w http.ResponseWriter, r *http.Request) {
	if _, _, err := s.workAccounts(r); err != nil {
		s.workError(w, r, err)
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		s.workError(w, r, atalaya.Errorf(atalaya.EINVALID, "send the upload form (multipart/form-data with a profile and a file)"))
		return
	}
	// The fields before the first file (the form puts csrf and profile
	// first) are read here, so that the form's CSRF token, which the guard
	// checked when the request carried no header, goes on to the handler.
	fields, first, err := leadingFields(mr)
	if err != nil {
		s.workError(w, r, uploadErr(err, s.MaxUpload))
		return
	}
	if tok := fields.Get(csrfField); tok != "" && r.Header.Get(CSRFHeader) == "" {
		r.Header.Set(CSRFHeader, tok)
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	done := make(chan struct{})
	go func() {
		defer close(done)
		pw.CloseWithError(relayUpload(fields, first, mr, mw))
	}()
	c := s.callAPI(r, s.handleIngest, pr, mw.FormDataContentType())
	pr.CloseWithError(io.ErrClosedPipe) // the handler read what it wanted: stop the relay
	<-done
	if c.status != http.StatusCreated {
		s.workError(w, r, apiError(c))
		return
	}
	var res struct{ Batch atalaya.Batch }
	if err := json.Unmarshal(c.body.Bytes(), &res); err != nil {
		s.workError(w, r, err)
		return
	}
	loc := "/work/batches/" + strconv.FormatInt(res.Batch.ID, 10) + "?done=uploaded"
	if strings.HasPrefix(r.Header.Get("Accept"), "application/json") { // work.js
		writeJSON(w, http.StatusCreated, map[string]any{"batch": res.Batch.ID, "location": loc})
		return
	}
	http.Redirect(w, r, loc, http.StatusSeeOther)
}

// leadingFields reads the form's fields up to its first file part, which
// it returns unread (nil if there is none).
func leadingFields(mr *multipart.Reader) (url.Values, *multipart.Part, error) {
	v := url.Values{}
	for range maxUploadParts {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return v, nil, nil
		}
		if err != nil {
			return nil, nil, err
		}
		if part.FileName() != "" || part.FormName() == "file" {
			return v, part, nil
		}
		b, err := io.ReadAll(io.LimitReader(part, 1024))
		part.Close()
		if err != nil {
			return nil, nil, err
		}
		v.Add(part.FormName(), string(b))
	}
	return nil, nil, atalaya.Errorf(atalaya.EINVALID, "send at most %d fields in one upload", maxUploadParts)
}

// relayUpload writes the upload form to mw, which the ingest handler
// reads: the leading fields but the CSRF token (the guard checked it), the
// first file part, then the rest; empty file inputs are left out, anything
// else goes on for the handler to judge.
func relayUpload(fields url.Values, first *multipart.Part, mr *multipart.Reader, mw *multipart.Writer) error {
	for name, vs := range fields {
		for _, v := range vs {
			if name == csrfField {
				continue
			}
			if err := mw.WriteField(name, v); err != nil {
				return err
			}
		}
	}
	if first == nil {
		return mw.Close()
	}
	if err := relayPart(first, mw); err != nil {
		return err
	}
	for parts := 0; parts <= maxUploadParts+1; parts++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return mw.Close()
		}
		if err != nil {
			return err
		}
		if err := relayPart(part, mw); err != nil {
			return err
		}
	}
	return mw.Close() // the handler refuses the parts it got beyond its limit
}

func relayPart(part *multipart.Part, mw *multipart.Writer) error {
	defer part.Close()
	name := part.FormName()
	switch {
	case name == csrfField:
		return nil
	case name == "file" && part.FileName() == "":
		return nil // an empty file input
	case name == "file":
		dst, err := mw.CreateFormFile(name, part.FileName())
		if err != nil {
			return err
		}
		_, err = io.Copy(dst, part)
		return err
	}
	dst, err := mw.CreateFormField(name)
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, io.LimitReader(part, 1024))
	return err
}

// workBatches is what work_batches.html shows.
type workBatches struct {
	Batches []atalaya.Batch
	All     bool     // every source's batches
	Sources []string // otherwise, these sources'
}

// handleWorkBatches is GET /work/batches: the latest batches of the
// sources the user may see (stewards: their own), as the API lists them.
func (s *Server) handleWorkBatches(w http.ResponseWriter, r *http.Request) {
	if _, _, err := s.workAccounts(r); err != nil {
		s.workError(w, r, err)
		return
	}
	all, mine := s.sources(r, ActionReadBatches)
	if err := s.record(r, "read.batches", "batches", ""); err != nil {
		s.workError(w, r, err)
		return
	}
	bs, err := s.Store.Batches(r.Context(), atalaya.BatchFilter{Limit: 200})
	if err != nil {
		s.workError(w, r, err)
		return
	}
	if !all {
		bs = slices.DeleteFunc(bs, func(b atalaya.Batch) bool { return !slices.Contains(mine, b.Source) })
	}
	d := workBatches{Batches: bs, All: all, Sources: mine}
	s.render(w, r, http.StatusOK, "work_batches.html", s.newPage(w, r, "work", "work.batches.title", d))
}

// maxPageRejections bounds the rejected rows a batch's page shows; the CSV
// download has them all.
const maxPageRejections = 1000

// workBatch is what work_batch.html shows.
type workBatch struct {
	Batch      atalaya.Batch
	Balanced   bool
	Rows       bool // the user may see the rejected rows
	Rejections []atalaya.Rejection
	More       bool // more rejected rows than shown
	CSV        string
	Notice     string
}

// handleWorkBatch is GET /work/batches/{id}: a batch's counts and, for
// whom may read them (the source's stewards), its rejected rows with
// their reasons and the CSV download of the API. Another source's batch is
// refused, whatever id is typed.
func (s *Server) handleWorkBatch(w http.ResponseWriter, r *http.Request) {
	if _, _, err := s.workAccounts(r); err != nil {
		s.workError(w, r, err)
		return
	}
	id, err := s.batchID(r)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	ctx := r.Context()
	b, err := s.Store.Batch(ctx, id)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	if err := s.authorizeObject(r, ActionReadBatches, batchObject(b)); err != nil {
		s.workError(w, r, err)
		return
	}
	sid := strconv.FormatInt(id, 10)
	d := workBatch{Batch: b, Balanced: b.Balanced(), Notice: notice(r), CSV: "/api/v1/batches/" + sid + "/rejections?format=csv"}
	d.Rows = s.authorizeObject(r, ActionReadRejections, batchObject(b)) == nil
	action := "read.batch"
	if d.Rows {
		action = "read.rejections"
	}
	if err := s.record(r, action, "batch:"+sid, ""); err != nil {
		s.workError(w, r, err)
		return
	}
	if d.Rows {
		err = s.Store.Rejections(ctx, id, func(x atalaya.Rejection) error {
			if len(d.Rejections) == maxPageRejections {
				d.More = true
				return errPageFull
			}
			d.Rejections = append(d.Rejections, x)
			return nil
		})
		if err != nil && !errors.Is(err, errPageFull) {
			s.workError(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "work_batch.html", s.newPage(w, r, "work", "work.batch.title", d))
}
