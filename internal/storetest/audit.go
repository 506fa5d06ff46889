package storetest

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/audit"
)

// auditStore returns s as an AuditStore, or fails the test.
func auditStore(t *testing.T, s any) atalaya.AuditStore {
	t.Helper()
	as, ok := s.(atalaya.AuditStore)
	if !ok {
		t.Fatalf("%T does not implement atalaya.AuditStore", s)
	}
	return as
}

// auditLog returns a log over s with a new key, and appends n entries to
// it ("batch:10", "batch:11", …), the even ones by alice, the odd by bob.
func auditLog(t *testing.T, s atalaya.AuditStore, n int) *audit.Log {
	t.Helper()
	key, err := audit.LoadKey(filepath.Join(t.TempDir(), "audit.key"), "test-node")
	ok(t, err, "LoadKey")
	clock := t0
	l := audit.New(s, key, func() time.Time { clock = clock.Add(time.Second); return clock })
	for i := range n {
		actor := "alice"
		if i%2 == 1 {
			actor = "bob"
		}
		e, err := l.Append(ctx(t), atalaya.AuditEntry{Actor: actor, Action: "read.rejections",
			Object: fmt.Sprintf("batch:%d", 10+i), Origin: "192.0.2.7", Reason: "quality review"})
		ok(t, err, "Append")
		if e.Seq != int64(i) {
			t.Fatalf("Append #%d: seq %d", i, e.Seq)
		}
	}
	return l
}

// testAudit checks the audit storage: appends in order, reads with the
// filters, stored hashes and checkpoints, and that the log over it
// verifies and proves.
func testAudit(t *testing.T, s atalaya.Store) {
	as := auditStore(t, s)
	c := ctx(t)
	n, err := as.AuditSize(c)
	ok(t, err, "AuditSize")
	same(t, "AuditSize (empty)", n, int64(0))
	l := auditLog(t, as, 5)
	_, err = l.Checkpoint(c)
	ok(t, err, "Checkpoint")

	var got []atalaya.AuditEntry
	ok(t, as.AuditEntries(c, atalaya.AuditFilter{Actor: "bob"}, func(e atalaya.AuditEntry, _ [32]byte) error {
		got = append(got, e)
		return nil
	}), "AuditEntries")
	want := []atalaya.AuditEntry{
		{Seq: 1, At: t0.Add(2 * time.Second).Truncate(time.Microsecond), Actor: "bob", Action: "read.rejections", Object: "batch:11", Origin: "192.0.2.7", Reason: "quality review"},
		{Seq: 3, At: t0.Add(4 * time.Second).Truncate(time.Microsecond), Actor: "bob", Action: "read.rejections", Object: "batch:13", Origin: "192.0.2.7", Reason: "quality review"},
	}
	same(t, "AuditEntries(actor bob)", got, want)
	for _, tt := range []struct {
		f    atalaya.AuditFilter
		want []int64
	}{
		{atalaya.AuditFilter{}, []int64{0, 1, 2, 3, 4}},
		{atalaya.AuditFilter{From: 2, To: 4}, []int64{2, 3}},
		{atalaya.AuditFilter{Object: "batch:12"}, []int64{2}},
		{atalaya.AuditFilter{Since: t0.Add(4 * time.Second)}, []int64{3, 4}},
	} {
		seqs := []int64{}
		ok(t, as.AuditEntries(c, tt.f, func(e atalaya.AuditEntry, _ [32]byte) error { seqs = append(seqs, e.Seq); return nil }), "AuditEntries")
		same(t, describe(tt.f), seqs, tt.want)
	}
	checkStops(t, "AuditEntries", func(fn func() error) error {
		return as.AuditEntries(c, atalaya.AuditFilter{}, func(atalaya.AuditEntry, [32]byte) error { return fn() })
	})

	// A seq that is not the next one, or a hash index already stored, is
	// a conflict and leaves nothing behind.
	e := atalaya.AuditEntry{Seq: 3, At: t0, Actor: "x", Action: "y"}
	wantCode(t, as.AppendAudit(c, e, [32]byte{}, nil), atalaya.ECONFLICT, "AppendAudit(seq 3)")
	e.Seq = 5
	wantCode(t, as.AppendAudit(c, e, [32]byte{}, []atalaya.AuditHash{{Index: 0}}), atalaya.ECONFLICT, "AppendAudit(hash 0 again)")
	n, err = as.AuditSize(c)
	ok(t, err, "AuditSize")
	same(t, "AuditSize after conflicts", n, int64(5))
	_, err = as.AuditHashes(c, []int64{0, 1 << 40})
	wantCode(t, err, atalaya.ENOTFOUND, "AuditHashes(missing)")

	cps, err := as.AuditCheckpoints(c)
	ok(t, err, "AuditCheckpoints")
	if len(cps) != 1 || cps[0].Size != 5 || cps[0].KeyID == "" || len(cps[0].Note) == 0 {
		t.Errorf("AuditCheckpoints = %+v; want one of size 5", cps)
	}

	r, err := l.Verify(c)
	ok(t, err, "Verify")
	if !r.OK() || r.Size != 5 || r.Signed != 5 || r.Root != cps[0].Root {
		t.Errorf("Verify = %s; want OK at size 5 with the checkpoint's root", r)
	}
	b, err := l.Proof(c, 3)
	ok(t, err, "Proof")
	if _, err := audit.CheckProof(b, mustPublic(t, l)); err != nil {
		t.Errorf("CheckProof: %v", err)
	}
	testAuditConcurrent(t, as, l)
}

// testAuditConcurrent appends from two logs over the same store at once,
// as two processes would: the store refuses the loser's seq and its log
// retries, so the log stays dense and verifies.
func testAuditConcurrent(t *testing.T, s atalaya.AuditStore, l *audit.Log) {
	c := ctx(t)
	key, err := audit.LoadKey(filepath.Join(t.TempDir(), "other.key"), "other-process")
	ok(t, err, "LoadKey")
	other := audit.New(s, key, time.Now)
	const each = 15
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for _, w := range []*audit.Log{l, other} {
		wg.Go(func() {
			for range each {
				if _, err := w.Append(c, atalaya.AuditEntry{Actor: "system", Action: "ingest", Object: "batch:1"}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent Append: %v", err)
	}
	_, err = l.Checkpoint(c)
	ok(t, err, "Checkpoint")
	r, err := l.Verify(c)
	ok(t, err, "Verify")
	if !r.OK() || r.Size != 5+2*each {
		t.Errorf("Verify after concurrent appends = %s; want OK with %d entries", r, 5+2*each)
	}
}

func mustPublic(t *testing.T, l *audit.Log) *audit.Key {
	t.Helper()
	k, err := audit.ParsePublicKey(l.PublicKey())
	ok(t, err, "ParsePublicKey")
	return k
}

// Tamper runs SQL on a backend's database as an attacker with database
// access would, after removing the guards (triggers) that make the audit
// tables append-only. The statements are portable SQL.
type Tamper func(t *testing.T, query string)

// RunAuditTamper checks that changing, deleting or reordering a stored
// audit entry is detected by audit.Log.Verify, naming the entry. open
// returns a new, empty, migrated store and its Tamper.
func RunAuditTamper(t *testing.T, open func(t *testing.T) (atalaya.AuditStore, Tamper)) {
	tests := []struct {
		name    string
		queries []string
		kind    string
		seq     int64
	}{
		{"FlipByte", []string{`UPDATE audit_entries SET object = 'batch:17' WHERE seq = 2`}, audit.Changed, 2},
		{"ChangeReason", []string{`UPDATE audit_entries SET reason = 'quality reviex' WHERE seq = 0`}, audit.Changed, 0},
		{"Delete", []string{`DELETE FROM audit_entries WHERE seq = 3`}, audit.Missing, 3},
		{"DeleteLast", []string{`DELETE FROM audit_entries WHERE seq = 5`}, audit.Missing, 5},
		{"DeleteWithHashes", []string{`DELETE FROM audit_entries WHERE seq = 5`, `DELETE FROM audit_hashes WHERE idx >= 8`}, audit.Missing, 5},
		{"Swap", []string{
			`UPDATE audit_entries SET seq = -1 WHERE seq = 1`,
			`UPDATE audit_entries SET seq = 1 WHERE seq = 4`,
			`UPDATE audit_entries SET seq = 4 WHERE seq = -1`,
		}, audit.Reordered, 1},
		{"ChangeLeafHash", []string{`UPDATE audit_entries SET leaf = (SELECT leaf FROM audit_entries WHERE seq = 0) WHERE seq = 2`}, audit.Changed, 2},
		{"ChangeTreeHash", []string{`UPDATE audit_hashes SET hash = (SELECT hash FROM audit_hashes WHERE idx = 0) WHERE idx = 4`}, audit.Changed, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, tamper := open(t)
			l := auditLog(t, s, 6)
			_, err := l.Checkpoint(ctx(t))
			ok(t, err, "Checkpoint")
			r, err := l.Verify(ctx(t))
			ok(t, err, "Verify")
			if !r.OK() {
				t.Fatalf("Verify before tampering = %s", r)
			}
			for _, q := range tt.queries {
				tamper(t, q)
			}
			r, err = l.Verify(ctx(t))
			ok(t, err, "Verify")
			if r.OK() || r.Problem.Kind != tt.kind || r.Problem.Seq != tt.seq {
				t.Errorf("Verify after %s = %s (%+v); want entry %d %s", tt.name, r, r.Problem, tt.seq, tt.kind)
			}
		})
	}
}
