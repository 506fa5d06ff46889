// Package audit keeps the node's tamper-evident audit log: entries
// (atalaya.AuditEntry) are the leaves of an RFC 6962 Merkle tree, hashed
// and proved with golang.org/x/mod/sumdb/tlog, the reference
// implementation of the Go checksum database; the node signs checkpoints
// (tree size and root hash) with its Ed25519 key as signed notes
// (golang.org/x/mod/sumdb/note). Verify recomputes the whole tree from the
// stored entries and names the first entry that was changed, removed or
// reordered; Proof gives an inclusion proof that CheckProof, or anyone
// with tlog and the public key, checks offline. The format is in
// docs/audit.md.
package audit

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oas-atalaya/atalaya"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Log is the audit log of one store. It is safe for concurrent use; writers
// in other processes are detected by the store (ECONFLICT) and retried.
type Log struct {
	store atalaya.AuditStore
	key   *Key
	now   atalaya.Clock
	mu    sync.Mutex // serialises Append and Checkpoint in this process
	// export, when set, is a file that each checkpoint's signed note is
	// also written to (ExportTo).
	export string
}

// New returns the log kept in store, signed and checked with key (which
// may hold only the public key: then Checkpoint fails but Verify works).
// now is the clock that dates entries and checkpoints.
func New(store atalaya.AuditStore, key *Key, now atalaya.Clock) *Log {
	return &Log{store: store, key: key, now: now}
}

// appendTries bounds the retries of an append that lost a race with a
// writer in another process.
const appendTries = 20

// Append adds e to the log and returns it with its sequence number and
// time (the clock's, when e.At is zero). The entry, its leaf hash and the
// tree hashes it completes are stored in one transaction; if that fails,
// the error is returned and the action that was being audited must fail.
// EINVALID when Actor or Action is empty.
func (l *Log) Append(ctx context.Context, e atalaya.AuditEntry) (atalaya.AuditEntry, error) {
	if e.Actor == "" || e.Action == "" {
		return atalaya.AuditEntry{}, atalaya.Errorf(atalaya.EINVALID, "an audit entry needs an actor and an action")
	}
	if e.At.IsZero() {
		e.At = l.now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	l.mu.Lock()
	defer l.mu.Unlock()
	var err error
	for range appendTries {
		if e.Seq, err = l.store.AuditSize(ctx); err != nil {
			return atalaya.AuditEntry{}, fmt.Errorf("audit: append: %w", err)
		}
		var hashes []tlog.Hash
		if hashes, err = tlog.StoredHashes(e.Seq, e.Canonical(), l.reader(ctx)); err != nil {
			return atalaya.AuditEntry{}, fmt.Errorf("audit: append: %w", err)
		}
		first := tlog.StoredHashIndex(0, e.Seq)
		stored := make([]atalaya.AuditHash, len(hashes))
		for i, h := range hashes {
			stored[i] = atalaya.AuditHash{Index: first + int64(i), Hash: h}
		}
		err = l.store.AppendAudit(ctx, e, hashes[0], stored)
		if atalaya.ErrorCode(err) != atalaya.ECONFLICT {
			break
		}
	}
	if err != nil {
		return atalaya.AuditEntry{}, fmt.Errorf("audit: append: %w", err)
	}
	return e, nil
}

// reader reads stored tree hashes from the store.
func (l *Log) reader(ctx context.Context) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		hs, err := l.store.AuditHashes(ctx, indexes)
		if err != nil {
			return nil, err
		}
		out := make([]tlog.Hash, len(hs))
		for i, h := range hs {
			out[i] = h
		}
		return out, nil
	})
}

// Checkpoint signs the log's current size and root hash and stores the
// checkpoint. EINVALID if the log's key is only a public key.
func (l *Log) Checkpoint(ctx context.Context) (atalaya.AuditCheckpoint, error) {
	if !l.key.CanSign() {
		return atalaya.AuditCheckpoint{}, atalaya.Errorf(atalaya.EINVALID, "the audit key %s is a public key: it cannot sign", l.key.ID())
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.store.AuditSize(ctx)
	if err != nil {
		return atalaya.AuditCheckpoint{}, fmt.Errorf("audit: checkpoint: %w", err)
	}
	root, err := tlog.TreeHash(n, l.reader(ctx))
	if err != nil {
		return atalaya.AuditCheckpoint{}, fmt.Errorf("audit: checkpoint: %w", err)
	}
	msg, err := note.Sign(&note.Note{Text: checkpointText(l.key.Name(), n, root)}, l.key.signer)
	if err != nil {
		return atalaya.AuditCheckpoint{}, fmt.Errorf("audit: sign checkpoint: %w", err)
	}
	c := atalaya.AuditCheckpoint{Size: n, Root: root, At: l.now().UTC().Truncate(time.Microsecond), KeyID: l.key.ID(), Note: msg}
	if err := l.store.PutAuditCheckpoint(ctx, c); err != nil {
		return atalaya.AuditCheckpoint{}, fmt.Errorf("audit: checkpoint: %w", err)
	}
	return c, l.writeExport(msg)
}

// checkpointText is the signed text of a checkpoint, in the format of
// transparency logs: the origin (the key's name), the tree size in
// decimal and the root hash in standard base64, each on its own line.
func checkpointText(origin string, size int64, root tlog.Hash) string {
	return fmt.Sprintf("%s\n%d\n%s\n", origin, size, base64.StdEncoding.EncodeToString(root[:]))
}

// OpenCheckpoint checks the signature of a signed checkpoint note with
// key and returns the size and root hash it states. EINVALID if the
// signature is not key's or does not verify, or the text is malformed.
func OpenCheckpoint(msg []byte, key *Key) (size int64, root [32]byte, err error) {
	n, err := note.Open(msg, note.VerifierList(key.verifier))
	if err != nil {
		return 0, root, atalaya.Errorf(atalaya.EINVALID, "checkpoint signature does not verify with key %s: %v", key.ID(), err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != key.Name() {
		return 0, root, atalaya.Errorf(atalaya.EINVALID, "checkpoint text is malformed or of another log")
	}
	size, err = strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 {
		return 0, root, atalaya.Errorf(atalaya.EINVALID, "checkpoint size %q is malformed", lines[1])
	}
	b, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(b) != len(root) {
		return 0, root, atalaya.Errorf(atalaya.EINVALID, "checkpoint root %q is malformed", lines[2])
	}
	copy(root[:], b)
	if !bytes.Equal([]byte(n.Text), []byte(checkpointText(lines[0], size, root))) {
		return 0, root, atalaya.Errorf(atalaya.EINVALID, "checkpoint text is not canonical")
	}
	return size, root, nil
}

// PublicKey returns the public key of the log's key, to publish.
func (l *Log) PublicKey() string { return l.key.Public() }
