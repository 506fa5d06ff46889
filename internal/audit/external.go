package audit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/oas-atalaya/atalaya"
	"golang.org/x/mod/sumdb/tlog"
)

// ExportTo makes every later Checkpoint also write its signed note to
// path, replacing the previous one atomically: a copy of the latest
// checkpoint outside the database. Kept where the database's
// administrators cannot write (another machine's mount, a backup), it
// reveals a log rolled back together with its checkpoints, which the
// stored checkpoints alone cannot (docs/security.md). "" turns it off.
func (l *Log) ExportTo(path string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.export = path
}

// writeExport writes msg to the export path, if any.
func (l *Log) writeExport(msg []byte) error {
	if l.export == "" {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(l.export), ".checkpoint-*")
	if err != nil {
		return fmt.Errorf("audit: export checkpoint: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(msg); err != nil {
		tmp.Close()
		return fmt.Errorf("audit: export checkpoint: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("audit: export checkpoint: %w", err)
	}
	if err := os.Rename(tmp.Name(), l.export); err != nil {
		return fmt.Errorf("audit: export checkpoint: %w", err)
	}
	return nil
}

// VerifyCheckpoint checks the stored log against a signed checkpoint kept
// outside the database (ExportTo, or one `atalaya audit checkpoint`
// printed): its signature must be the log's key's, the log must still
// hold at least that many entries, and the tree of the log's first that
// many entries must have that root. A log truncated, or rolled back and
// rewritten, together with its stored checkpoints fails here even when
// Verify passes. ECONFLICT says what does not match.
func (l *Log) VerifyCheckpoint(ctx context.Context, msg []byte) (size int64, err error) {
	size, root, err := OpenCheckpoint(msg, l.key)
	if err != nil {
		return 0, err
	}
	n, err := l.store.AuditSize(ctx)
	if err != nil {
		return size, err
	}
	if n < size {
		return size, atalaya.Errorf(atalaya.ECONFLICT, "the log holds %d entries, but a checkpoint kept outside the database was signed at %d: entries %d to %d were removed (the log was rolled back)", n, size, n, size-1)
	}
	got, err := tlog.TreeHash(size, l.reader(ctx))
	if err != nil {
		return size, atalaya.Errorf(atalaya.ECONFLICT, "the log's tree of %d entries cannot be rebuilt from the stored hashes: %v", size, err)
	}
	if got != tlog.Hash(root) {
		return size, atalaya.Errorf(atalaya.ECONFLICT, "the log's first %d entries do not have the root of the checkpoint kept outside the database: the log was rewritten", size)
	}
	return size, nil
}
