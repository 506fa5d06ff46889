package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/authz"
	"github.com/oas-atalaya/atalaya/internal/ingest"
)

// maxUploadParts bounds the form fields of one upload (each file is
// spooled to a temporary file until the batch ends).
const maxUploadParts = 32

// handleIngest takes files from a data steward: multipart/form-data with a
// "profile" field and one or more "file" parts, or a raw body with
// ?profile=NAME&filename=NAME. Files are spooled to disk (never held in
// memory) and ingested as one batch. Only built-in profiles are accepted
// over HTTP, so a request cannot make the server read a local path.
func (s *Server) handleIngest(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxUpload)
	profileName := r.URL.Query().Get("profile")
	var files []ingest.File
	var cleanup []*os.File
	defer func() {
		for _, f := range cleanup {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	spool := func(name string, src io.Reader) error {
		tmp, err := os.CreateTemp(s.TempDir, "atalaya-upload-*")
		if err != nil {
			return err
		}
		cleanup = append(cleanup, tmp)
		n, err := io.Copy(tmp, src)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return atalaya.Errorf(atalaya.ETOOLARGE, "the upload is larger than %d MiB", s.MaxUpload>>20)
		}
		if err != nil {
			return err
		}
		files = append(files, ingest.File{Name: filepath.Base(name), R: tmp, Size: n})
		return nil
	}
	if mr, err := r.MultipartReader(); err == nil {
		for parts := 0; ; parts++ {
			if parts > maxUploadParts {
				s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "send at most %d files in one upload", maxUploadParts))
				return
			}
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				s.error(w, r, uploadErr(err, s.MaxUpload))
				return
			}
			if err := s.readPart(part, &profileName, spool); err != nil {
				s.error(w, r, err)
				return
			}
		}
	} else {
		name := r.URL.Query().Get("filename")
		if name == "" {
			name = "upload"
		}
		if err := spool(name, r.Body); err != nil {
			s.error(w, r, uploadErr(err, s.MaxUpload))
			return
		}
	}
	if profileName == "" || len(files) == 0 {
		s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "send a profile (one of the built-in profiles) and at least one file"))
		return
	}
	known := false
	for _, n := range ingest.BuiltinProfiles() {
		known = known || n == profileName
	}
	if !known {
		s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "profile %q is not a built-in profile", profileName))
		return
	}
	p, err := ingest.LoadProfile(profileName)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.authorizeObject(r, ActionIngest, authz.Object{Kind: "source", ID: p.Source.ID, Source: p.Source.ID}); err != nil {
		s.error(w, r, err)
		return
	}
	// The attempt is recorded before the write: no audit entry, no upload.
	if err := s.record(r, "ingest", "source:"+p.Source.ID+" profile:"+profileName, ""); err != nil {
		s.error(w, r, err)
		return
	}
	in := &ingest.Ingester{Store: s.Store, Now: s.Now, Logger: s.Logger}
	b, err := in.Ingest(r.Context(), p, files, ingest.Options{Submitter: s.userID(r)})
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.record(r, "ingest.batch", "batch:"+strconv.FormatInt(b.ID, 10)+" source:"+p.Source.ID, ""); err != nil {
		s.error(w, r, err)
		return
	}
	s.checkpoint(r)
	var rej []atalaya.Rejection
	s.Store.Rejections(r.Context(), b.ID, func(x atalaya.Rejection) error {
		if len(rej) < 100 {
			rej = append(rej, x)
		}
		return nil
	})
	writeJSON(w, http.StatusCreated, map[string]any{"batch": b, "balanced": b.Balanced(), "rejections": nonNil(rej)})
}

func (s *Server) readPart(part *multipart.Part, profile *string, spool func(string, io.Reader) error) error {
	defer part.Close()
	switch part.FormName() {
	case "profile":
		b, err := io.ReadAll(io.LimitReader(part, 256))
		if err != nil {
			return err
		}
		*profile = string(b)
		return nil
	case "file":
		return spool(part.FileName(), part)
	}
	return atalaya.Errorf(atalaya.EINVALID, "unexpected form field %q; send profile and file", part.FormName())
}

func uploadErr(err error, max int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return atalaya.Errorf(atalaya.ETOOLARGE, "the upload is larger than %d MiB", max>>20)
	}
	if atalaya.ErrorCode(err) != atalaya.EINTERNAL {
		return err
	}
	return atalaya.Errorf(atalaya.EINVALID, "the upload could not be read: %v", err)
}
