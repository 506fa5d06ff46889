package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/postgres"
	"github.com/oas-atalaya/atalaya/internal/storetest"
)

// TestAuditTamper changes the audit tables behind the store's back, through
// a second connection to its schema, after dropping the append-only
// triggers.
func TestAuditTamper(t *testing.T) {
	storetest.RunAuditTamper(t, func(t *testing.T) (atalaya.AuditStore, storetest.Tamper) {
		u := freshSchema(t)
		db, err := postgres.Open(context.Background(), u)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return db, func(t *testing.T, query string) {
			ctx := context.Background()
			conn, err := pgx.Connect(ctx, u)
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			defer conn.Close(ctx)
			for _, q := range []string{
				`DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries`,
				`DROP TRIGGER IF EXISTS audit_hashes_append_only ON audit_hashes`, query,
			} {
				if _, err := conn.Exec(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
		}
	})
}

// TestAuditAppendOnly checks that the triggers refuse changes.
func TestAuditAppendOnly(t *testing.T) {
	u := freshSchema(t)
	ctx := context.Background()
	db, err := postgres.Open(ctx, u)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	if err := db.AppendAudit(ctx, atalaya.AuditEntry{Actor: "a", Action: "b"}, [32]byte{1}, []atalaya.AuditHash{{Index: 0, Hash: [32]byte{1}}}); err != nil {
		t.Fatalf("AppendAudit: %v", err)
	}
	if err := db.PutAuditCheckpoint(ctx, atalaya.AuditCheckpoint{Size: 1, Note: []byte("x")}); err != nil {
		t.Fatalf("PutAuditCheckpoint: %v", err)
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		`UPDATE audit_entries SET actor = 'z'`, `DELETE FROM audit_entries`, `TRUNCATE audit_entries`,
		`UPDATE audit_hashes SET hash = '\x00'`, `DELETE FROM audit_hashes`,
		`UPDATE audit_checkpoints SET size = 2`, `DELETE FROM audit_checkpoints`,
	} {
		if _, err := conn.Exec(ctx, q); err == nil {
			t.Errorf("%s: no error; want the trigger to refuse it", q)
		}
	}
}
