package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/sqlite"
	"github.com/oas-atalaya/atalaya/internal/storetest"
)

// TestAuditTamper changes the audit tables behind the store's back, through
// a second connection to the file, after dropping the append-only triggers.
func TestAuditTamper(t *testing.T) {
	storetest.RunAuditTamper(t, func(t *testing.T) (atalaya.AuditStore, storetest.Tamper) {
		path := filepath.Join(t.TempDir(), "atalaya.db")
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return db, func(t *testing.T, query string) {
			raw, err := sql.Open("sqlite", path+"?_busy_timeout=10000")
			if err != nil {
				t.Fatalf("open %s: %v", path, err)
			}
			defer raw.Close()
			for _, q := range []string{
				`DROP TRIGGER IF EXISTS audit_entries_no_update`, `DROP TRIGGER IF EXISTS audit_entries_no_delete`,
				`DROP TRIGGER IF EXISTS audit_hashes_no_update`, `DROP TRIGGER IF EXISTS audit_hashes_no_delete`, query,
			} {
				if _, err := raw.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
		}
	})
}

// TestAuditAppendOnly checks that the triggers refuse changes.
func TestAuditAppendOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "atalaya.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.AppendAudit(ctx, atalaya.AuditEntry{Actor: "a", Action: "b"}, [32]byte{1}, []atalaya.AuditHash{{Index: 0, Hash: [32]byte{1}}}); err != nil {
		t.Fatalf("AppendAudit: %v", err)
	}
	if err := db.PutAuditCheckpoint(ctx, atalaya.AuditCheckpoint{Size: 1, Note: []byte("x")}); err != nil {
		t.Fatalf("PutAuditCheckpoint: %v", err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		`UPDATE audit_entries SET actor = 'z'`, `DELETE FROM audit_entries`,
		`UPDATE audit_hashes SET hash = x'00'`, `DELETE FROM audit_hashes`,
		`UPDATE audit_checkpoints SET size = 2`, `DELETE FROM audit_checkpoints`,
	} {
		if _, err := raw.Exec(q); err == nil {
			t.Errorf("%s: no error; want the trigger to refuse it", q)
		}
	}
}
