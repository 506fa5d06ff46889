// Package sqlite implements atalaya.Store on SQLite, through the pure-Go
// driver modernc.org/sqlite, so that a node is one static binary and one
// database file.
//
// SQLite has one writer at a time. A DB therefore keeps two connection
// pools: one connection for writes, whose transactions all begin IMMEDIATE
// so that they take the write lock up front instead of failing half-way on
// a lock upgrade, and several read-only connections that never wait for the
// writer thanks to WAL. While an ingest batch is open it holds the write
// connection: other writes wait for it to commit or roll back, and reads go
// on as usual. Do not call a write method from the goroutine that holds an
// open batch: it would wait for itself until its context ends.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/storeutil"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// DB is an Atalaya store in one SQLite database file.
type DB struct {
	path string
	now  atalaya.Clock
	w    *sql.DB // the single write connection
	r    *sql.DB // read-only connections
}

var _ atalaya.Store = (*DB)(nil)

// Option configures a DB opened with Open.
type Option func(*DB)

// WithClock sets the clock used for batch and mapping timestamps. The
// default is time.Now.
func WithClock(c atalaya.Clock) Option {
	return func(db *DB) { db.now = c }
}

// Connection settings, passed to the driver in the DSN so that every pooled
// connection gets them (a PRAGMA run through the pool would reach only one):
//
//   - busy_timeout 10 s: another process (a CLI ingest next to the server)
//     may hold the write lock; wait for it instead of failing at once.
//   - journal_mode WAL: readers see the last committed state and are never
//     blocked by the writer, and a commit is one append to the log. An
//     uncommitted batch is never visible and a crash leaves nothing of it.
//   - synchronous NORMAL: with WAL the database cannot be corrupted by a
//     power loss; only the last transactions before it may be lost. FULL
//     would fsync on every commit for no gain in consistency.
//   - foreign_keys ON: SQLite leaves them off by default, per connection.
//   - cache_size: the page cache per connection, in KiB when negative. The
//     writer gets 128 MiB, enough for the hot part of the records' unique
//     index and of the cube during a large batch while keeping an ingest
//     under 512 MiB in all; readers get 32 MiB. Pages are allocated only as
//     they are used.
//   - temp_store MEMORY: sorts and temporary indexes stay off the disk.
//   - journal_size_limit 64 MiB: a large batch grows the WAL file; after the
//     next checkpoint it is truncated back to this size.
//   - query_only on the read pool: a read connection can never write.
//   - _txlock immediate on the write pool: BEGIN IMMEDIATE takes the write
//     lock when the transaction starts.
const (
	commonParams = "_busy_timeout=10000&_foreign_keys=1&_pragma=temp_store(MEMORY)"
	writeParams  = commonParams + "&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate" +
		"&_pragma=cache_size(-131072)&_pragma=journal_size_limit(67108864)"
	readParams = commonParams + "&_pragma=cache_size(-32768)&_query_only=1"
)

// Open opens the database at path, creating it if needed, and applies the
// migrations that it lacks.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	if path == "" || strings.ContainsAny(path, "?#") || path == ":memory:" {
		return nil, atalaya.Errorf(atalaya.EINVALID, "sqlite: %q is not a usable database path (use a file, e.g. in t.TempDir())", path)
	}
	db := &DB{path: path, now: time.Now}
	for _, o := range opts {
		o(db)
	}

	var err error
	if db.w, err = sql.Open("sqlite", path+"?"+writeParams); err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db.w.SetMaxOpenConns(1)
	db.w.SetMaxIdleConns(1)
	db.w.SetConnMaxIdleTime(0)
	db.w.SetConnMaxLifetime(0)
	// The write connection is opened first: it creates the file and turns
	// WAL on before any reader connects.
	if err := db.migrate(ctx); err != nil {
		db.w.Close()
		return nil, err
	}

	if db.r, err = sql.Open("sqlite", path+"?"+readParams); err != nil {
		db.w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	db.r.SetMaxOpenConns(n)
	db.r.SetMaxIdleConns(n)
	if err := db.r.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return db, nil
}

// Close closes the database. It is safe to call more than once.
func (db *DB) Close() error {
	var err error
	if db.r != nil {
		err = db.r.Close()
	}
	if db.w != nil {
		if e := db.w.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Backend returns "sqlite".
func (db *DB) Backend() string { return "sqlite" }

// Path returns the path of the database file.
func (db *DB) Path() string { return db.path }

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrate applies, in order, each embedded migration that schema_migrations
// does not list, each in its own transaction together with its row in
// schema_migrations. The check is made inside the transaction, which holds
// the write lock, so two processes opening a new file do not both apply it.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("sqlite: create schema_migrations: %w", err)
	}
	migs, err := storeutil.ReadMigrations(migrationFS)
	if err != nil {
		return err
	}
	for _, m := range migs {
		if err := db.applyMigration(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) applyMigration(ctx context.Context, m storeutil.Migration) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
	}
	defer tx.Rollback()

	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
		return fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.Version, m.Name, formatTime(db.now())); err != nil {
		return fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
	}
	return nil
}

// beginWrite starts a write transaction on the write connection.
func (db *DB) beginWrite(ctx context.Context) (*sql.Tx, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: begin: %w", err)
	}
	return tx, nil
}

// beginRead starts a read transaction, for reads that must see one snapshot
// across several queries.
func (db *DB) beginRead(ctx context.Context) (*sql.Tx, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: begin: %w", err)
	}
	return tx, nil
}
