package audit

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/oas-atalaya/atalaya"
	"golang.org/x/mod/sumdb/tlog"
)

// Kinds of problem that Verify reports.
const (
	Changed    = "changed"    // the entry's content no longer matches its hash
	Missing    = "missing"    // the entry is not in the database
	Reordered  = "reordered"  // the entry holds another entry's content
	Checkpoint = "checkpoint" // a checkpoint is not signed by the key or disagrees with the log
)

// Problem is the first thing wrong with the log.
type Problem struct {
	Kind string
	Seq  int64 // the entry; -1 when no single entry can be named
	// To, when above Seq, says that the change is somewhere in [Seq, To):
	// all the stored hashes were rewritten to match, so only a signed
	// checkpoint shows it, and it tells no more than that range.
	To     int64
	Detail string
}

// Report is the result of Verify.
type Report struct {
	Size        int64    // entries read
	Root        [32]byte // root hash recomputed from them
	Checkpoints int      // signed checkpoints checked
	Signed      int64    // size of the latest checkpoint (0 if none)
	Problem     *Problem // the first problem, or nil
}

// OK reports whether the log verified.
func (r Report) OK() bool { return r.Problem == nil }

// String describes the report in one line.
func (r Report) String() string {
	if p := r.Problem; p != nil {
		switch {
		case p.Seq < 0:
			return fmt.Sprintf("FAIL: %s", p.Detail)
		case p.To > p.Seq+1:
			return fmt.Sprintf("FAIL: an entry in %d…%d was %s: %s", p.Seq, p.To-1, p.Kind, p.Detail)
		}
		return fmt.Sprintf("FAIL: entry %d %s: %s", p.Seq, p.Kind, p.Detail)
	}
	s := fmt.Sprintf("OK: %d entries, root %s, %d signed checkpoints, the latest at size %d",
		r.Size, base64.StdEncoding.EncodeToString(r.Root[:]), r.Checkpoints, r.Signed)
	if r.Size > r.Signed {
		s += fmt.Sprintf(" (%d newer entries are not yet signed)", r.Size-r.Signed)
	}
	return s
}

// errStop ends the scan of entries at the first problem.
var errStop = errors.New("audit: stop")

// Verify checks the whole log. It recomputes every leaf hash from the
// stored entry fields and the tree from them, and compares them, in order,
// with the leaf hash stored with each entry, with the stored tree hashes
// and with the root of every signed checkpoint (whose signature must verify
// with the log's key). The report names the first entry that was changed,
// removed or reordered. An error is returned only when the log cannot be
// read. Verify keeps the tree in memory: 64 bytes per entry.
func (l *Log) Verify(ctx context.Context) (Report, error) {
	var r Report
	type signed struct {
		size int64
		root tlog.Hash
	}
	var cps []signed
	all, err := l.store.AuditCheckpoints(ctx)
	if err != nil {
		return r, fmt.Errorf("audit: verify: %w", err)
	}
	for i, c := range all {
		size, root, err := OpenCheckpoint(c.Note, l.key)
		if err != nil {
			r.Problem = &Problem{Kind: Checkpoint, Seq: -1, Detail: fmt.Sprintf("checkpoint %d: %s", i+1, atalaya.ErrorMessage(err))}
			return r, nil
		}
		if len(cps) > 0 && size < cps[len(cps)-1].size {
			r.Problem = &Problem{Kind: Checkpoint, Seq: -1, Detail: fmt.Sprintf("checkpoint %d (size %d) is smaller than the one before it", i+1, size)}
			return r, nil
		}
		cps = append(cps, signed{size, root})
	}

	// Recompute the tree from the entries, stopping at the first entry
	// whose content does not match the leaf hash stored with it.
	var tree []tlog.Hash // stored hashes, by stored-hash index
	mem := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = tree[x]
		}
		return out, nil
	})
	var bad atalaya.AuditEntry
	err = l.store.AuditEntries(ctx, atalaya.AuditFilter{}, func(e atalaya.AuditEntry, leaf [32]byte) error {
		if e.Seq != r.Size {
			r.Problem = &Problem{Kind: Missing, Seq: r.Size, To: r.Size + 1,
				Detail: fmt.Sprintf("the log goes on at entry %d", e.Seq)}
			return errStop
		}
		rec := e.Canonical()
		if tlog.RecordHash(rec) != leaf {
			r.Problem = &Problem{Kind: Changed, Seq: e.Seq, To: e.Seq + 1, Detail: "its fields do not match the hash stored with it"}
			bad = e
			return errStop
		}
		hs, err := tlog.StoredHashes(e.Seq, rec, mem)
		if err != nil {
			return err
		}
		tree = append(tree, hs...)
		r.Size++
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return r, fmt.Errorf("audit: verify: %w", err)
	}
	if r.Problem != nil && r.Problem.Kind == Changed {
		if err := l.findMoved(ctx, bad, r.Problem); err != nil {
			return r, err
		}
	}
	if r.Problem != nil {
		return r, nil
	}
	if r.Size > 0 {
		if r.Root, err = tlog.TreeHash(r.Size, mem); err != nil {
			return r, fmt.Errorf("audit: verify: %w", err)
		}
	}

	// The stored tree must be the recomputed one; the first difference, in
	// stored-hash order, is at the earliest entry it involves.
	if err := l.compareTree(ctx, tree, &r); err != nil || r.Problem != nil {
		return r, err
	}

	// Every signed checkpoint must be a root of the recomputed tree.
	prev := int64(0)
	for i, c := range cps {
		r.Checkpoints, r.Signed = i+1, c.size
		if c.size > r.Size {
			r.Problem = &Problem{Kind: Missing, Seq: r.Size, To: r.Size + 1,
				Detail: fmt.Sprintf("checkpoint %d is signed for %d entries, the log has %d", i+1, c.size, r.Size)}
			return r, nil
		}
		th, err := tlog.TreeHash(c.size, mem)
		if err != nil {
			return r, fmt.Errorf("audit: verify: %w", err)
		}
		if th != c.root {
			r.Problem = &Problem{Kind: Changed, Seq: prev, To: c.size,
				Detail: fmt.Sprintf("the root of the first %d entries is not the one signed in checkpoint %d", c.size, i+1)}
			return r, nil
		}
		prev = c.size
	}
	if r.Size > 0 && len(cps) == 0 {
		r.Problem = &Problem{Kind: Checkpoint, Seq: -1, Detail: fmt.Sprintf("the log has %d entries and no signed checkpoint", r.Size)}
	}
	return r, nil
}

// compareTree compares the stored tree hashes with the recomputed ones.
func (l *Log) compareTree(ctx context.Context, tree []tlog.Hash, r *Report) error {
	const chunk = 1000
	for lo := 0; lo < len(tree); lo += chunk {
		idx := make([]int64, 0, chunk)
		for i := lo; i < min(lo+chunk, len(tree)); i++ {
			idx = append(idx, int64(i))
		}
		stored, err := l.store.AuditHashes(ctx, idx)
		if atalaya.ErrorCode(err) == atalaya.ENOTFOUND {
			stored, err = l.hashesOneByOne(ctx, idx)
		}
		if err != nil {
			return fmt.Errorf("audit: verify: %w", err)
		}
		for i, h := range stored {
			x := idx[i]
			if h == tree[x] {
				continue
			}
			level, n := tlog.SplitStoredHashIndex(x)
			first := n << level
			if level == 0 {
				r.Problem = &Problem{Kind: Changed, Seq: first, To: first + 1,
					Detail: "its fields and stored hash do not match the leaf of the tree"}
			} else {
				r.Problem = &Problem{Kind: Changed, Seq: first, To: (n + 1) << level,
					Detail: fmt.Sprintf("the stored tree hash %d differs from the one recomputed", x)}
			}
			return nil
		}
	}
	return nil
}

// hashesOneByOne reads hashes singly, giving a zero hash for a missing one,
// so that a deleted tree hash is reported like a changed one.
func (l *Log) hashesOneByOne(ctx context.Context, idx []int64) ([][32]byte, error) {
	out := make([][32]byte, len(idx))
	for i, x := range idx {
		h, err := l.store.AuditHashes(ctx, []int64{x})
		switch {
		case atalaya.ErrorCode(err) == atalaya.ENOTFOUND:
		case err != nil:
			return nil, err
		default:
			out[i] = h[0]
		}
	}
	return out, nil
}

// findMoved refines a changed entry into a reordered one when its content,
// at another sequence number, is the leaf the tree stores there.
func (l *Log) findMoved(ctx context.Context, e atalaya.AuditEntry, p *Problem) error {
	n, err := l.store.AuditSize(ctx)
	if err != nil {
		return fmt.Errorf("audit: verify: %w", err)
	}
	const chunk = 1000
	for lo := int64(0); lo < n; lo += chunk {
		var idx []int64
		for j := lo; j < min(lo+chunk, n); j++ {
			idx = append(idx, tlog.StoredHashIndex(0, j))
		}
		leaves, err := l.store.AuditHashes(ctx, idx)
		if atalaya.ErrorCode(err) == atalaya.ENOTFOUND {
			leaves, err = l.hashesOneByOne(ctx, idx)
		}
		if err != nil {
			return fmt.Errorf("audit: verify: %w", err)
		}
		for k, leaf := range leaves {
			j := lo + int64(k)
			if j == e.Seq {
				continue
			}
			moved := e
			moved.Seq = j
			if tlog.RecordHash(moved.Canonical()) == leaf {
				p.Kind, p.Detail = Reordered, fmt.Sprintf("it holds the content of entry %d", j)
				return nil
			}
		}
	}
	return nil
}
