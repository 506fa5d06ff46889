package sqlite

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// Bulk inserts go through multi-row statements, INSERT … VALUES (…), (…),
// which cost one statement execution per chunk of rows instead of one per
// row. A slice of any length is cut into chunks whose sizes are powers of
// two, largest first, so that a transaction prepares at most a handful of
// statements per table however its callers slice their data.
const (
	maxChunkRows = 128   // larger statements stop paying off
	maxVariables = 32766 // SQLite's default SQLITE_MAX_VARIABLE_NUMBER
)

// stmtCache holds the prepared statements of one transaction, which closes
// them when it ends.
type stmtCache struct {
	tx *sql.Tx
	m  map[string]*sql.Stmt
}

func newStmtCache(tx *sql.Tx) *stmtCache {
	return &stmtCache{tx: tx, m: map[string]*sql.Stmt{}}
}

// get returns the statement named key, preparing the SQL that build returns
// the first time.
func (c *stmtCache) get(ctx context.Context, key string, build func() string) (*sql.Stmt, error) {
	if s, ok := c.m[key]; ok {
		return s, nil
	}
	s, err := c.tx.PrepareContext(ctx, build())
	if err != nil {
		return nil, internal("prepare "+key, err)
	}
	c.m[key] = s
	return s, nil
}

// bulk describes a multi-row insert: head is the statement up to VALUES,
// row the tuple of one row ("(?, ?, 'literal')"), tail what follows the
// values (ON CONFLICT …).
type bulk struct {
	name string
	head string
	row  string
	tail string
}

// newBulk returns a bulk whose rows are cols placeholders, after the SQL
// literals fixed (the values that are the same for every row of a batch,
// bound once in the statement's text rather than once per row).
func newBulk(name, head string, cols int, tail string, fixed ...string) bulk {
	row := "(" + strings.Join(append(fixed, placeholders(cols)), ", ") + ")"
	return bulk{name: name, head: head, row: row, tail: tail}
}

// params returns the number of placeholders in one row.
func (b bulk) params() int { return strings.Count(b.row, "?") }

// chunkRows returns the size of the next chunk for n remaining rows.
func (b bulk) chunkRows(n int) int {
	size := maxChunkRows
	for size*b.params() > maxVariables {
		size /= 2
	}
	for size > n {
		size /= 2
	}
	return size
}

func (b bulk) sql(rows int) string {
	var s strings.Builder
	s.Grow(len(b.head) + rows*(len(b.row)+2) + len(b.tail) + 16)
	s.WriteString(b.head)
	s.WriteString(" VALUES ")
	for i := 0; i < rows; i++ {
		if i > 0 {
			s.WriteString(", ")
		}
		s.WriteString(b.row)
	}
	s.WriteString(" ")
	s.WriteString(b.tail)
	return s.String()
}

// run inserts n rows in chunks; appendArgs appends the values of row i to
// args. After each chunk of size rows starting at start, done (if not nil)
// gets the statement's result.
func (c *stmtCache) run(ctx context.Context, b bulk, n int, appendArgs func(args []any, i int) []any,
	done func(start, size int, res sql.Result) error) error {
	args := make([]any, 0, b.chunkRows(n)*b.params())
	for start := 0; start < n; {
		size := b.chunkRows(n - start)
		stmt, err := c.get(ctx, b.name+"/"+strconv.Itoa(size), func() string { return b.sql(size) })
		if err != nil {
			return err
		}
		args = args[:0]
		for i := start; i < start+size; i++ {
			args = appendArgs(args, i)
		}
		res, err := stmt.ExecContext(ctx, args...)
		if err != nil {
			return internal(b.name, err)
		}
		if done != nil {
			if err := done(start, size, res); err != nil {
				return err
			}
		}
		start += size
	}
	return nil
}

// sqlQuote returns s as an SQL string literal.
func sqlQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
