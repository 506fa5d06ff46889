package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/export"
	"github.com/oas-atalaya/atalaya/internal/ingest"
)

func runIngest(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 && args[0] == "errors" {
		return runIngestErrors(ctx, env, args[1:])
	}
	fs := newFlags(env, "ingest", "FILE…\n       atalaya ingest errors [--db URL] BATCH")
	db := fs.String("db", DefaultDB, "database URL")
	profile := fs.String("profile", "", "built-in profile name ("+joinNames(ingest.BuiltinProfiles())+") or path of a profile file")
	asJSON := fs.Bool("json", false, "print a machine-readable summary on stdout")
	submitter := fs.String("submitter", "", "who submits the batch (kept as provenance)")
	auditKey := auditKeyFlag(fs)
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *profile == "" {
		return usageErr("ingest needs --profile NAME (one of %s, or a profile file)", joinNames(ingest.BuiltinProfiles()))
	}
	if len(files) == 0 {
		return usageErr("ingest needs at least one FILE")
	}
	p, err := ingest.LoadProfile(*profile)
	if err != nil {
		return err
	}
	s, err := OpenStore(ctx, *db, env.Now)
	if err != nil {
		return err
	}
	defer s.Close()
	// Audited before (the source) and after (the batch id); see auditlog.go.
	keyPath, actor := auditKeyPath(*db, *auditKey), cliActor()
	if err := auditWrite(ctx, env, s, keyPath, atalaya.AuditEntry{Actor: actor, Action: "ingest", Object: "source:" + p.Source.ID}); err != nil {
		return err
	}
	b, err := ingestFiles(ctx, env, s, p, files, *submitter, !*asJSON)
	if err == nil {
		if aerr := auditWrite(ctx, env, s, keyPath, atalaya.AuditEntry{Actor: actor, Action: "ingest.commit",
			Object: fmt.Sprintf("batch:%d source:%s", b.ID, p.Source.ID)}); aerr != nil {
			err = atalaya.Errorf(atalaya.ErrorCode(aerr), "batch %d was committed, but its audit entry was not written: %w", b.ID, aerr)
		}
	}
	if *asJSON {
		out := map[string]any{"batch": b, "balanced": b.Balanced(), "peak_rss_bytes": peakRSS()}
		if err != nil {
			out["error"] = atalaya.ErrorMessage(err)
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(out)
	}
	if err != nil {
		return err
	}
	if b.Rejected > 0 {
		if !*asJSON {
			fmt.Fprintf(env.Stderr, "atalaya: %d rows rejected; list them with: atalaya ingest errors --db %s %d\n", b.Rejected, *db, b.ID)
		}
		return errRejected{b.Rejected}
	}
	return nil
}

// ingestFiles opens files and ingests them as one batch, with a progress bar.
func ingestFiles(ctx context.Context, env *Env, s atalaya.Store, p *ingest.Profile, paths []string, submitter string, summary bool) (atalaya.Batch, error) {
	var files []ingest.File
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return atalaya.Batch{}, atalaya.Errorf(atalaya.EINVALID, "cannot open %s: %v", path, err)
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return atalaya.Batch{}, atalaya.Errorf(atalaya.EINVALID, "cannot read %s: %v", path, err)
		}
		if st.IsDir() {
			return atalaya.Batch{}, atalaya.Errorf(atalaya.EINVALID, "%s is a folder, not a file", path)
		}
		files = append(files, ingest.File{Name: filepath.Base(path), R: f, Size: st.Size()})
	}
	bar := newProgressBar(env.Stderr, env.IsTerminal, "ingest "+p.Name, env.Now)
	in := &ingest.Ingester{Store: s, Now: env.Now, Logger: env.Logger, Progress: bar.update}
	b, err := in.Ingest(ctx, p, files, ingest.Options{Submitter: submitter})
	bar.finish()
	if err != nil {
		return b, err
	}
	if summary {
		d := b.FinishedAt.Sub(b.StartedAt).Seconds()
		rate := ""
		if d > 0 {
			rate = fmt.Sprintf(" in %.1fs (%s rows/s)", d, group(int64(float64(b.Read)/d)))
		}
		fmt.Fprintf(env.Stdout, "batch %d (%s): read %s = accepted %s + rejected %s + duplicates %s%s",
			b.ID, p.Name, group(b.Read), group(b.Accepted), group(b.Rejected), group(b.Duplicates), rate)
		if b.Flagged > 0 {
			fmt.Fprintf(env.Stdout, "; %s accepted with a flag (e.g. placed at the nearest area)", group(b.Flagged))
		}
		fmt.Fprintln(env.Stdout)
	}
	return b, nil
}

func runIngestErrors(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "ingest errors", "BATCH")
	db := fs.String("db", DefaultDB, "database URL")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("ingest errors needs one BATCH id")
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return usageErr("batch id %q is not a number", pos[0])
	}
	s, err := OpenStore(ctx, *db, env.Now)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.Batch(ctx, id); err != nil {
		return err
	}
	w := csv.NewWriter(env.Stdout)
	w.Write([]string{"batch", "file", "row", "column", "value", "reason", "raw"})
	err = s.Rejections(ctx, id, func(r atalaya.Rejection) error {
		return w.Write([]string{strconv.FormatInt(r.Batch, 10), export.Neutralise(r.File), strconv.FormatInt(r.Row, 10), export.Neutralise(r.Column), export.Neutralise(r.Value), export.Neutralise(r.Reason), export.Neutralise(r.Raw)})
	})
	w.Flush()
	if err != nil {
		return err
	}
	return w.Error()
}

func joinNames(n []string) string {
	out := ""
	for i, s := range n {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

// peakRSS returns the process's peak resident memory in bytes (Linux), or 0.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}
