package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/cube"
	"github.com/oas-atalaya/atalaya/internal/tabular"
)

// File is one input file.
type File struct {
	Name string // shown in messages and stored as provenance (base name)
	R    io.ReaderAt
	Size int64
}

// Ingester runs ingests against a store.
type Ingester struct {
	Store  atalaya.Store
	Now    atalaya.Clock
	Logger *slog.Logger
	// Progress, when set, receives bytes read so far and the total bytes of
	// all files, and the rows read so far.
	Progress func(done, total, rows int64)
	// ChunkSize is the number of rows written per store call (default 10000).
	ChunkSize int
	// Placer overrides the point index built from the store's boundaries
	// (tests, benchmarks).
	Placer Placer
}

// Options are per-ingest choices.
type Options struct {
	Submitter string
}

// Ingest reads files through profile p and stores them as one batch. It
// returns the committed batch. When some rows were rejected the batch is
// still committed (the accepted rows are stored, the rejected ones kept with
// their reasons) and the error is nil; callers check Batch.Rejected. A
// file-level problem (missing columns, not a text file, wrong encoding)
// refuses the whole batch: nothing is stored and the error says why.
func (in *Ingester) Ingest(ctx context.Context, p *Profile, files []File, opt Options) (atalaya.Batch, error) {
	b, err := in.ingest(ctx, p, files, opt)
	if err != nil && ctx.Err() != nil {
		// The store may report a cancelled context in its own words
		// ("statement is closed"); say what happened.
		return b, ctx.Err()
	}
	return b, err
}

func (in *Ingester) ingest(ctx context.Context, p *Profile, files []File, opt Options) (atalaya.Batch, error) {
	now := time.Now
	if in.Now != nil {
		now = in.Now
	}
	logger := in.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if len(files) == 0 {
		return atalaya.Batch{}, atalaya.Errorf(atalaya.EINVALID, "no file to ingest")
	}
	run, err := in.prepare(ctx, p, now())
	if err != nil {
		return atalaya.Batch{}, err
	}
	b := atalaya.Batch{Source: p.Source.ID, Profile: p.Name, StartedAt: now().UTC(), Submitter: opt.Submitter}
	h := sha256.New()
	var total int64
	for _, f := range files {
		b.Files = append(b.Files, f.Name)
		total += f.Size
		if _, err := io.Copy(h, io.NewSectionReader(f.R, 0, f.Size)); err != nil {
			return b, atalaya.Errorf(atalaya.EINVALID, "%s: cannot be read: %v", f.Name, err)
		}
	}
	b.SHA256 = hex.EncodeToString(h.Sum(nil))

	w, err := in.Store.BeginBatch(ctx, b)
	if err != nil {
		return b, err
	}
	defer w.Rollback()
	b.ID = w.ID()
	run.w, run.batch = w, b.ID
	run.chunk = in.ChunkSize
	if run.chunk <= 0 {
		run.chunk = 10000
	}
	var done int64
	for _, f := range files {
		if err := run.file(ctx, f, func(bytes, rows int64) {
			if in.Progress != nil {
				in.Progress(done+bytes, total, rows)
			}
		}); err != nil {
			return b, err
		}
		done += f.Size
	}
	if err := run.flush(ctx); err != nil {
		return b, err
	}
	b.Read, b.Accepted, b.Rejected, b.Duplicates, b.Flagged = run.read, run.accepted, run.rejected, run.dupes, run.flagged
	b.FinishedAt = now().UTC()
	if !b.Balanced() {
		return b, atalaya.Errorf(atalaya.EINTERNAL, "batch does not balance: read %d ≠ accepted %d + rejected %d + duplicates %d", b.Read, b.Accepted, b.Rejected, b.Duplicates)
	}
	if err := run.flushCube(ctx); err != nil {
		return b, err
	}
	if len(run.pops) > 0 {
		if err := w.AddPopulations(ctx, run.pops); err != nil {
			return b, err
		}
	}
	committed, err := w.Commit(ctx, b, nil)
	if err != nil {
		return b, err
	}
	logger.Info("ingest committed", "batch", committed.ID, "profile", p.Name, "read", b.Read, "accepted", b.Accepted, "rejected", b.Rejected, "duplicates", b.Duplicates)
	return committed, nil
}

// cubeFlushCells bounds the batch's cube delta held in memory (about 40
// bytes a cell): past this many finest-level cells it is expanded and added
// to the store's cube within the batch's transaction. It keeps an ingest's
// memory flat however large the file, while most batches flush once, at the
// end, so that no cube cell is written twice.
const cubeFlushCells = 1 << 18

// flushCube adds the records' cube delta to the store, in key order.
func (r *run) flushCube(ctx context.Context) error {
	return r.acc.Flush(r.lineage, 20000, func(cells []atalaya.CubeCell) error {
		if err := cube.Check(cells); err != nil {
			return atalaya.Errorf(atalaya.EINTERNAL, "%v", err)
		}
		return r.w.AddCube(ctx, cells)
	})
}

// run is the state of one ingest.
type run struct {
	p       *Profile
	conv    converter
	w       atalaya.BatchWriter
	batch   int64
	chunk   int
	st      atalaya.SourceType
	acc     *cube.Accumulator // the batch's cube delta, flushed to the store when large
	lineage cube.Lineage

	recs    []atalaya.Record
	obs     []atalaya.Observation
	flags   []*atalaya.Flag
	rejs    []atalaya.Rejection
	pops    []atalaya.Population
	popSeen map[string]bool

	read, accepted, rejected, dupes, flagged int64
}

// requiredColumns are the columns a file must have for the profile to make
// sense of it.
func (p *Profile) requiredColumns() []string {
	var cols []string
	cols = append(cols, p.Required...)
	cols = append(cols, p.Key...)
	cols = append(cols, p.Period.Date, p.Period.Year, p.Period.Month, p.Period.Period, p.Value)
	switch {
	case p.Area.Lat == "" || p.Kind != KindRecords:
		cols = append(cols, p.Area.Code)
	case p.Area.Code == "":
		cols = append(cols, p.Area.Lat, p.Area.Lon)
	}
	cols = append(cols, p.Offence.Columns...)
	out := cols[:0]
	for _, c := range cols {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

func (r *run) file(ctx context.Context, f File, progress func(bytes, rows int64)) error {
	p := r.p
	opt := tabular.Options{Format: p.File.Format, Encoding: p.File.Encoding, Sheet: p.File.Sheet, SkipRows: p.File.SkipRows}
	switch p.File.Delimiter {
	case "":
	case "tab", "\\t", "\t":
		opt.Delimiter = '\t'
	default:
		opt.Delimiter = []rune(p.File.Delimiter)[0]
	}
	tr, err := tabular.Open(f.R, f.Size, f.Name, opt)
	if err != nil {
		return refuse(f.Name, err)
	}
	defer tr.Close()
	header := tr.Header()
	col := make(map[string]int, len(header))
	for i, h := range header {
		col[h] = i
	}
	var missing []string
	for _, c := range p.requiredColumns() {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if p.Area.Lat != "" && p.Area.Code != "" {
		_, okc := col[p.Area.Code]
		_, oklat := col[p.Area.Lat]
		_, oklon := col[p.Area.Lon]
		if !okc && !(oklat && oklon) {
			missing = append(missing, p.Area.Code+" (or "+p.Area.Lat+" and "+p.Area.Lon+")")
		}
	}
	if len(missing) > 0 {
		return atalaya.Errorf(atalaya.EINVALID, "%s: refused: it has no column %s, which profile %s needs (the file's columns are: %s)",
			f.Name, quoteList(missing), p.Name, quoteList(header))
	}
	r.conv.col = col
	r.conv.file = f.Name
	var n int64
	for {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			progress(tr.BytesRead(), r.read)
		}
		n++
		row, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return refuse(f.Name, err)
		}
		r.read++
		if row.Err != nil {
			var re *tabular.RowError
			rej := atalaya.Rejection{Batch: r.batch, File: f.Name, Row: row.Line, Reason: row.Err.Error(), Raw: row.Raw}
			if errors.As(row.Err, &re) {
				rej.Column, rej.Value, rej.Reason = re.Column, re.Value, re.Reason
			}
			r.rejs = append(r.rejs, rej)
			r.rejected++
			continue
		}
		out, rerr := r.conv.convert(row.Line, row.Fields)
		if rerr != nil {
			r.rejs = append(r.rejs, atalaya.Rejection{Batch: r.batch, File: f.Name, Row: row.Line, Column: rerr.column, Value: rerr.value, Reason: rerr.reason, Raw: row.Raw})
			r.rejected++
		} else {
			switch {
			case out.rec != nil:
				out.rec.Batch = r.batch
				r.recs = append(r.recs, *out.rec)
				r.flags = append(r.flags, out.flag)
			case out.obs != nil:
				out.obs.Batch = r.batch
				r.obs = append(r.obs, *out.obs)
			case out.pops != nil:
				// A row that repeats the area and year of an earlier row
				// of the batch is a duplicate; the first one is kept.
				k := out.pops[0].Area + "|" + strconv.Itoa(out.pops[0].Year)
				if r.popSeen[k] {
					r.dupes++
					break
				}
				r.popSeen[k] = true
				r.pops = append(r.pops, out.pops...)
				r.accepted++
			}
		}
		if len(r.recs)+len(r.obs)+len(r.rejs) >= r.chunk {
			if err := r.flush(ctx); err != nil {
				return err
			}
		}
	}
	progress(tr.BytesRead(), r.read)
	return r.flush(ctx)
}

func (r *run) flush(ctx context.Context) error {
	if len(r.recs) > 0 {
		isNew, err := r.w.AddRecords(ctx, r.recs)
		if err != nil {
			return err
		}
		var flags []atalaya.Flag
		for i := range r.recs {
			if !isNew[i] {
				r.dupes++
				continue
			}
			r.accepted++
			r.acc.AddRecord(&r.recs[i], r.st)
			if f := r.flags[i]; f != nil {
				f.Batch = r.batch
				flags = append(flags, *f)
				r.flagged++
			}
		}
		if len(flags) > 0 {
			if err := r.w.Flag(ctx, flags); err != nil {
				return err
			}
		}
		r.recs, r.flags = r.recs[:0], r.flags[:0]
	}
	if len(r.obs) > 0 {
		isNew, err := r.w.AddObservations(ctx, r.obs)
		if err != nil {
			return err
		}
		for i := range r.obs {
			if !isNew[i] {
				r.dupes++
				continue
			}
			r.accepted++
			r.acc.AddObservation(&r.obs[i], r.st)
		}
		r.obs = r.obs[:0]
	}
	if r.acc.Len() >= cubeFlushCells {
		if err := r.flushCube(ctx); err != nil {
			return err
		}
	}
	if len(r.rejs) > 0 {
		if err := r.w.Reject(ctx, r.rejs); err != nil {
			return err
		}
		r.rejs = r.rejs[:0]
	}
	return nil
}

// refuse turns a reader's file-level error into the one message that
// refuses the batch.
func refuse(name string, err error) error {
	var fe *tabular.FileError
	if errors.As(err, &fe) {
		return atalaya.Errorf(atalaya.EINVALID, "%s: refused: %s", name, fe.Error())
	}
	if atalaya.ErrorCode(err) == atalaya.EINVALID {
		return atalaya.Errorf(atalaya.EINVALID, "%s: refused: %s", name, atalaya.ErrorMessage(err))
	}
	return fmt.Errorf("%s: %w", name, err)
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}
