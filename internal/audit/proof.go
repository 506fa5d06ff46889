package audit

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/oas-atalaya/atalaya"
	"golang.org/x/mod/sumdb/tlog"
)

// ProofBundle is everything a third party needs, besides the node's public
// key, to check offline that an entry is in the log: the entry's canonical
// bytes (the leaf's data), its index, and the RFC 6962 inclusion proof
// into the tree of the signed checkpoint. Its JSON form (byte strings in
// standard base64) is what `atalaya audit proof` prints; docs/audit.md
// shows how to check it with tlog.CheckRecord.
type ProofBundle struct {
	Entry      []byte   `json:"entry"`      // atalaya.AuditEntry.Canonical()
	Index      int64    `json:"index"`      // the entry's seq: the leaf index
	Size       int64    `json:"size"`       // tree size of the checkpoint
	Root       []byte   `json:"root"`       // root hash of that tree
	Proof      [][]byte `json:"proof"`      // tlog.RecordProof hashes
	Checkpoint string   `json:"checkpoint"` // the signed note stating Size and Root
}

// Proof returns the inclusion proof of entry seq in the tree of the latest
// signed checkpoint. ENOTFOUND if there is no such entry, or when no
// checkpoint covers it yet (call Checkpoint first).
func (l *Log) Proof(ctx context.Context, seq int64) (ProofBundle, error) {
	var entry []byte
	err := l.store.AuditEntries(ctx, atalaya.AuditFilter{From: seq, To: seq + 1}, func(e atalaya.AuditEntry, _ [32]byte) error {
		entry = e.Canonical()
		return nil
	})
	if err != nil {
		return ProofBundle{}, fmt.Errorf("audit: proof: %w", err)
	}
	if entry == nil || seq < 0 {
		return ProofBundle{}, atalaya.Errorf(atalaya.ENOTFOUND, "audit entry %d not found", seq)
	}
	cps, err := l.store.AuditCheckpoints(ctx)
	if err != nil {
		return ProofBundle{}, fmt.Errorf("audit: proof: %w", err)
	}
	if len(cps) == 0 || cps[len(cps)-1].Size <= seq {
		return ProofBundle{}, atalaya.Errorf(atalaya.ENOTFOUND, "audit entry %d is not covered by a signed checkpoint yet", seq)
	}
	c := cps[len(cps)-1]
	size, root, err := OpenCheckpoint(c.Note, l.key)
	if err != nil {
		return ProofBundle{}, err
	}
	p, err := tlog.ProveRecord(size, seq, l.reader(ctx))
	if err != nil {
		return ProofBundle{}, fmt.Errorf("audit: proof: %w", err)
	}
	b := ProofBundle{Entry: entry, Index: seq, Size: size, Root: root[:], Checkpoint: string(c.Note)}
	for _, h := range p {
		b.Proof = append(b.Proof, h[:])
	}
	return b, nil
}

// CheckProof checks a proof bundle with the node's public key, offline:
// the checkpoint's signature, that it states the bundle's size and root,
// that the entry is canonical and has the bundle's index, and the
// inclusion proof (tlog.CheckRecord). It returns the entry. EINVALID with
// the reason if any check fails.
func CheckProof(b ProofBundle, key *Key) (atalaya.AuditEntry, error) {
	size, root, err := OpenCheckpoint([]byte(b.Checkpoint), key)
	if err != nil {
		return atalaya.AuditEntry{}, err
	}
	if size != b.Size || string(root[:]) != string(b.Root) {
		return atalaya.AuditEntry{}, atalaya.Errorf(atalaya.EINVALID, "the proof's size and root are not the signed checkpoint's")
	}
	e, err := atalaya.ParseAuditEntry(b.Entry)
	if err != nil {
		return atalaya.AuditEntry{}, err
	}
	if e.Seq != b.Index {
		return atalaya.AuditEntry{}, atalaya.Errorf(atalaya.EINVALID, "the entry's seq %d is not the proof's index %d", e.Seq, b.Index)
	}
	p := make(tlog.RecordProof, len(b.Proof))
	for i, h := range b.Proof {
		if len(h) != tlog.HashSize {
			return atalaya.AuditEntry{}, atalaya.Errorf(atalaya.EINVALID, "proof hash %d has %d bytes", i, len(h))
		}
		copy(p[i][:], h)
	}
	if err := tlog.CheckRecord(p, size, root, b.Index, tlog.RecordHash(b.Entry)); err != nil {
		return atalaya.AuditEntry{}, atalaya.Errorf(atalaya.EINVALID, "inclusion proof does not verify: %v", err)
	}
	return e, nil
}

// ParseProof decodes a bundle from its JSON form.
func ParseProof(data []byte) (ProofBundle, error) {
	var b ProofBundle
	if err := json.Unmarshal(data, &b); err != nil {
		return b, atalaya.Errorf(atalaya.EINVALID, "not an audit proof: %v", err)
	}
	return b, nil
}
