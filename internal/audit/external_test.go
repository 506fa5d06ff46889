package audit_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
)

// snapshot copies a memStore's contents.
func (m *memStore) snapshot() *memStore {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := &memStore{entries: append([]atalaya.AuditEntry(nil), m.entries...), leaves: append([][32]byte(nil), m.leaves...),
		hashes: map[int64][32]byte{}, cps: append([]atalaya.AuditCheckpoint(nil), m.cps...)}
	for k, v := range m.hashes {
		c.hashes[k] = v
	}
	return c
}

// restore puts back the contents of s: a rollback by whoever can write
// the database, checkpoints included.
func (m *memStore) restore(s *memStore) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries, m.leaves, m.hashes, m.cps = s.entries, s.leaves, s.hashes, s.cps
}

// TestExportedCheckpointCatchesRollback: rolling the log back together
// with its stored checkpoints passes Verify, and is caught against the
// checkpoint copy kept outside the database — so is a rollback followed
// by new entries up to the same size.
func TestExportedCheckpointCatchesRollback(t *testing.T) {
	ctx := context.Background()
	l, m, _ := newLog(t, 6, true)
	before := m.snapshot()
	out := filepath.Join(t.TempDir(), "witness", "checkpoint.note")
	os.MkdirAll(filepath.Dir(out), 0o755)
	l.ExportTo(out)
	add := func(obj string) {
		if _, err := l.Append(ctx, atalaya.AuditEntry{Actor: "bob", Action: "publish", Object: obj, Origin: "cli", At: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range []string{"release:1", "release:2", "release:3", "release:4"} {
		add(o)
	}
	note, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(note), "\n10\n") {
		t.Fatalf("the exported checkpoint: %v %q", err, note)
	}
	if n, err := l.VerifyCheckpoint(ctx, note); err != nil || n != 10 {
		t.Fatalf("the untouched log against its exported checkpoint: %d %v", n, err)
	}

	m.restore(before) // rolled back to 6 entries, with the checkpoints of then
	if r, err := l.Verify(ctx); err != nil || !r.OK() {
		t.Fatalf("Verify should pass on a consistent rollback: %v %v", r, err)
	}
	if _, err := l.VerifyCheckpoint(ctx, note); atalaya.ErrorCode(err) != atalaya.ECONFLICT || !strings.Contains(err.Error(), "rolled back") {
		t.Errorf("rollback: %v", err)
	}
	l.ExportTo("") // the attacker's own entries are not exported
	for _, o := range []string{"release:9", "release:8", "release:7", "release:6"} {
		add(o)
	}
	if _, err := l.VerifyCheckpoint(ctx, note); atalaya.ErrorCode(err) != atalaya.ECONFLICT || !strings.Contains(err.Error(), "rewritten") {
		t.Errorf("rollback and rewrite to the same size: %v", err)
	}
	// A checkpoint signed by another key is refused.
	other, _, _ := newLog(t, 2, true)
	otherOut := filepath.Join(t.TempDir(), "other.note")
	other.ExportTo(otherOut)
	other.Checkpoint(ctx)
	foreign, _ := os.ReadFile(otherOut)
	if _, err := l.VerifyCheckpoint(ctx, foreign); atalaya.ErrorCode(err) != atalaya.EINVALID {
		t.Errorf("another key's checkpoint: %v", err)
	}
}
