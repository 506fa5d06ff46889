package audit_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/audit"
	"golang.org/x/mod/sumdb/tlog"
)

// memStore is an in-memory AuditStore whose contents tests change freely.
type memStore struct {
	mu      sync.Mutex
	entries []atalaya.AuditEntry
	leaves  [][32]byte
	hashes  map[int64][32]byte
	cps     []atalaya.AuditCheckpoint
	failErr error // returned by AppendAudit when set
}

func newMem() *memStore { return &memStore{hashes: map[int64][32]byte{}} }

func (m *memStore) AppendAudit(_ context.Context, e atalaya.AuditEntry, leaf [32]byte, hs []atalaya.AuditHash) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failErr != nil {
		return m.failErr
	}
	if e.Seq != int64(len(m.entries)) {
		return atalaya.Errorf(atalaya.ECONFLICT, "seq %d", e.Seq)
	}
	m.entries, m.leaves = append(m.entries, e), append(m.leaves, leaf)
	for _, h := range hs {
		m.hashes[h.Index] = h.Hash
	}
	return nil
}

func (m *memStore) AuditSize(context.Context) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.entries) == 0 {
		return 0, nil
	}
	return m.entries[len(m.entries)-1].Seq + 1, nil
}

func (m *memStore) AuditEntries(_ context.Context, f atalaya.AuditFilter, fn func(atalaya.AuditEntry, [32]byte) error) error {
	for i, e := range m.entries {
		if e.Seq < f.From || (f.To > 0 && e.Seq >= f.To) {
			continue
		}
		if err := fn(e, m.leaves[i]); err != nil {
			return err
		}
	}
	return nil
}

func (m *memStore) AuditHashes(_ context.Context, idx []int64) ([][32]byte, error) {
	out := make([][32]byte, len(idx))
	for i, x := range idx {
		h, ok := m.hashes[x]
		if !ok {
			return nil, atalaya.Errorf(atalaya.ENOTFOUND, "hash %d", x)
		}
		out[i] = h
	}
	return out, nil
}

func (m *memStore) PutAuditCheckpoint(_ context.Context, c atalaya.AuditCheckpoint) error {
	m.cps = append(m.cps, c)
	return nil
}

func (m *memStore) AuditCheckpoints(context.Context) ([]atalaya.AuditCheckpoint, error) {
	return m.cps, nil
}

var t0 = time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC)

// newLog returns a log over a new memStore with n entries and a
// checkpoint after each one when each, else one at the end.
func newLog(t *testing.T, n int, each bool) (*audit.Log, *memStore, *audit.Key) {
	t.Helper()
	key, err := audit.LoadKey(filepath.Join(t.TempDir(), "keys", "audit.key"), "test-node")
	if err != nil {
		t.Fatalf("LoadKey: %v", err)
	}
	m := newMem()
	clock := t0
	l := audit.New(m, key, func() time.Time { clock = clock.Add(time.Second); return clock })
	ctx := context.Background()
	for i := range n {
		if _, err := l.Append(ctx, atalaya.AuditEntry{Actor: "alice", Action: "ingest", Object: "batch:" + string(rune('a'+i)), Origin: "cli"}); err != nil {
			t.Fatalf("Append: %v", err)
		}
		if each || i == n-1 {
			if _, err := l.Checkpoint(ctx); err != nil {
				t.Fatalf("Checkpoint: %v", err)
			}
		}
	}
	return l, m, key
}

// TestProof_CheckRecord checks every entry's proof with tlog directly,
// not through the package, as a third party would.
func TestProof_CheckRecord(t *testing.T) {
	l, _, key := newLog(t, 13, false)
	pub, err := audit.ParsePublicKey(key.Public())
	if err != nil {
		t.Fatalf("ParsePublicKey: %v", err)
	}
	for seq := range int64(13) {
		b, err := l.Proof(context.Background(), seq)
		if err != nil {
			t.Fatalf("Proof(%d): %v", seq, err)
		}
		// Through JSON, as printed.
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		if b, err = audit.ParseProof(data); err != nil {
			t.Fatalf("ParseProof: %v", err)
		}
		var root tlog.Hash
		copy(root[:], b.Root)
		p := make(tlog.RecordProof, len(b.Proof))
		for i, h := range b.Proof {
			copy(p[i][:], h)
		}
		if err := tlog.CheckRecord(p, b.Size, root, b.Index, tlog.RecordHash(b.Entry)); err != nil {
			t.Errorf("tlog.CheckRecord(proof of %d): %v", seq, err)
		}
		if !strings.HasPrefix(b.Checkpoint, "test-node\n13\n") {
			t.Errorf("checkpoint = %q; want test-node, 13, …", b.Checkpoint)
		}
		e, err := audit.CheckProof(b, pub)
		if err != nil || e.Seq != seq {
			t.Errorf("CheckProof(proof of %d) = seq %d, %v", seq, e.Seq, err)
		}
	}
	if _, err := l.Proof(context.Background(), 13); atalaya.ErrorCode(err) != atalaya.ENOTFOUND {
		t.Errorf("Proof(13) error %v; want not_found", err)
	}
}

// TestCheckProof_Tampered changes one thing of a good proof at a time.
func TestCheckProof_Tampered(t *testing.T) {
	l, _, key := newLog(t, 6, false)
	_, _, other := newLog(t, 1, false)
	good, err := l.Proof(context.Background(), 4)
	if err != nil {
		t.Fatalf("Proof: %v", err)
	}
	clone := func(b audit.ProofBundle) audit.ProofBundle {
		data, _ := json.Marshal(b)
		c, _ := audit.ParseProof(data)
		return c
	}
	tests := []struct {
		name   string
		change func(b *audit.ProofBundle)
		key    *audit.Key
	}{
		{"entry byte", func(b *audit.ProofBundle) { b.Entry[len(b.Entry)-20] ^= 1 }, key},
		{"other entry", func(b *audit.ProofBundle) {
			b.Entry = []byte(strings.Replace(string(b.Entry), `"object":"batch:e"`, `"object":"batch:f"`, 1))
		}, key},
		{"index", func(b *audit.ProofBundle) { b.Index = 5 }, key},
		{"proof hash", func(b *audit.ProofBundle) { b.Proof[0][3] ^= 0x80 }, key},
		{"proof cut", func(b *audit.ProofBundle) { b.Proof = b.Proof[1:] }, key},
		{"root", func(b *audit.ProofBundle) { b.Root[0] ^= 1 }, key},
		{"size", func(b *audit.ProofBundle) { b.Size = 7 }, key},
		{"checkpoint text", func(b *audit.ProofBundle) { b.Checkpoint = strings.Replace(b.Checkpoint, "\n6\n", "\n7\n", 1) }, key},
		{"other key", func(*audit.ProofBundle) {}, other},
	}
	if _, err := audit.CheckProof(clone(good), key); err != nil {
		t.Fatalf("CheckProof(good) = %v", err)
	}
	for _, tt := range tests {
		b := clone(good)
		tt.change(&b)
		if _, err := audit.CheckProof(b, tt.key); atalaya.ErrorCode(err) != atalaya.EINVALID {
			t.Errorf("CheckProof(%s) = %v; want an invalid error", tt.name, err)
		}
	}
}

// TestAppend_Fails checks that a store error reaches the caller.
func TestAppend_Fails(t *testing.T) {
	l, m, _ := newLog(t, 2, false)
	m.failErr = errors.New("disk full")
	_, err := l.Append(context.Background(), atalaya.AuditEntry{Actor: "a", Action: "ingest"})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Append with a failing store = %v; want the store's error", err)
	}
	m.failErr = nil
	if _, err := l.Append(context.Background(), atalaya.AuditEntry{Action: "ingest"}); atalaya.ErrorCode(err) != atalaya.EINVALID {
		t.Errorf("Append without actor = %v; want invalid", err)
	}
}

// TestVerify_Rewritten: an attacker rewrites entry 3 and every hash to
// match; only the signed checkpoints show it. With a checkpoint after each
// entry they name it; with one at the end, the range.
func TestVerify_Rewritten(t *testing.T) {
	for _, tt := range []struct {
		each     bool
		from, to int64
	}{{true, 3, 4}, {false, 0, 6}} {
		l, m, _ := newLog(t, 6, tt.each)
		m.entries[3].Actor = "mallory"
		m.leaves[3] = tlog.RecordHash(m.entries[3].Canonical())
		mem := newMem()
		for _, e := range m.entries {
			hs, err := tlog.StoredHashes(e.Seq, e.Canonical(), tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
				out := make([]tlog.Hash, len(idx))
				for i, x := range idx {
					out[i] = mem.hashes[x]
				}
				return out, nil
			}))
			if err != nil {
				t.Fatal(err)
			}
			for i, h := range hs {
				mem.hashes[tlog.StoredHashIndex(0, e.Seq)+int64(i)] = h
			}
		}
		m.hashes = mem.hashes
		r, err := l.Verify(context.Background())
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if r.OK() || r.Problem.Kind != audit.Changed || r.Problem.Seq != tt.from || r.Problem.To != tt.to {
			t.Errorf("Verify (checkpoint after each entry: %v) = %s %+v; want changed in [%d, %d)", tt.each, r, r.Problem, tt.from, tt.to)
		}
	}
}

// TestVerify_Checkpoints: a checkpoint signed by another key, or none at
// all, fails.
func TestVerify_Checkpoints(t *testing.T) {
	l, m, _ := newLog(t, 3, false)
	_, m2, _ := newLog(t, 3, false)
	m.cps = append(m.cps, m2.cps...)
	if r, _ := l.Verify(context.Background()); r.OK() || r.Problem.Kind != audit.Checkpoint {
		t.Errorf("Verify with a foreign checkpoint = %s; want a checkpoint problem", r)
	}
	m.cps = nil
	if r, _ := l.Verify(context.Background()); r.OK() || r.Problem.Kind != audit.Checkpoint {
		t.Errorf("Verify without checkpoints = %s; want a checkpoint problem", r)
	}
	empty, _, _ := newLog(t, 0, false)
	if r, err := empty.Verify(context.Background()); err != nil || !r.OK() {
		t.Errorf("Verify(empty log) = %s, %v; want OK", r, err)
	}
}

// TestLoadKey checks that the key is created once, 0600, with its public
// key beside it, and read back the same.
func TestLoadKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.key")
	k1, err := audit.LoadKey(path, "node-mx")
	if err != nil {
		t.Fatalf("LoadKey (create): %v", err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	k2, err := audit.LoadKey(path, "ignored")
	if err != nil {
		t.Fatalf("LoadKey (read): %v", err)
	}
	pub, err := audit.ReadPublicKey(path + ".pub")
	if err != nil {
		t.Fatalf("ReadPublicKey: %v", err)
	}
	if k1.Public() != k2.Public() || pub.Public() != k1.Public() || !strings.HasPrefix(k1.Public(), "node-mx+") || pub.CanSign() || !k2.CanSign() {
		t.Errorf("keys: %q, %q, %q; want the same node-mx public key, private only from LoadKey", k1.Public(), k2.Public(), pub.Public())
	}
}
