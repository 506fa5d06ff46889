// Package postgres implements atalaya.Store on PostgreSQL (15 or later)
// through pgx's connection pool, for nodes that outgrow one SQLite file or
// already run PostgreSQL. It uses pgx directly rather than database/sql so
// that ingest batches can stream rows with COPY.
//
// The schema is the one of internal/sqlite, in PostgreSQL types; text that
// is compared or ordered is COLLATE "C", so that both backends order codes
// byte by byte whatever the database's locale.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/storeutil"
)

// DB is an Atalaya store in one PostgreSQL database (or schema: the
// connection's search_path decides where its tables are).
type DB struct {
	pool *pgxpool.Pool
	now  atalaya.Clock
}

var _ atalaya.Store = (*DB)(nil)

// Option configures a DB opened with Open.
type Option func(*DB)

// WithClock sets the clock used for batch and mapping timestamps. The
// default is time.Now.
func WithClock(c atalaya.Clock) Option {
	return func(db *DB) { db.now = c }
}

// Open connects to the database at url (a postgres:// URL or a key=value
// connection string; parameters pgx does not know, such as search_path, are
// set on each connection) and applies the migrations that it lacks.
func Open(ctx context.Context, url string, opts ...Option) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, atalaya.Errorf(atalaya.EINVALID, "postgres: bad connection URL: %w", err)
	}
	db := &DB{now: time.Now}
	for _, o := range opts {
		o(db)
	}
	if db.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	if err := db.pool.Ping(ctx); err != nil {
		db.pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	if err := db.migrate(ctx); err != nil {
		db.pool.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the pool's connections. It is safe to call more than once.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Backend returns "postgres".
func (db *DB) Backend() string { return "postgres" }

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrate applies, in order, each embedded migration that schema_migrations
// does not list, each in its own transaction together with its row there.
// An advisory lock, per schema, makes concurrent Opens apply each once.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL
	)`); err != nil {
		return fmt.Errorf("postgres: create schema_migrations: %w", err)
	}
	migs, err := storeutil.ReadMigrations(migrationFS)
	if err != nil {
		return err
	}
	for _, m := range migs {
		err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('atalaya-migrate:' || current_schema()))`); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, m.Version).Scan(&n); err != nil || n > 0 {
				return err
			}
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.Version, m.Name, db.now())
			return err
		})
		if err != nil {
			return fmt.Errorf("postgres: migration %s: %w", m.Name, err)
		}
	}
	return nil
}

// inTx runs fn in a transaction, committed if fn returns nil and rolled
// back otherwise; fn's error is returned as is.
func (db *DB) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	err := pgx.BeginFunc(ctx, db.pool, fn)
	var e *atalaya.Error
	if err != nil && !errors.As(err, &e) {
		return fmt.Errorf("postgres: %w", err)
	}
	return err
}
