package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Bulk writes stream rows with COPY into a temporary staging table, then
// move them to their table with one INSERT … SELECT, which can do what COPY
// cannot: skip rows whose key is stored (ON CONFLICT DO NOTHING), report
// which rows it inserted (RETURNING), or add to existing counts. A staging
// table lives in the transaction that created it (ON COMMIT DROP), is
// created once per transaction and emptied before each use.

// staging is a temporary table: its name and its columns' definitions.
type staging struct {
	name string
	ddl  string
	cols []string
}

// stage makes st exist and be empty in tx; created records the staging
// tables that tx already has.
func stage(ctx context.Context, tx pgx.Tx, created map[string]bool, st staging) error {
	if created[st.name] {
		_, err := tx.Exec(ctx, `TRUNCATE `+st.name)
		return internal("empty "+st.name, err)
	}
	if _, err := tx.Exec(ctx, `CREATE TEMPORARY TABLE `+st.name+` (`+st.ddl+`) ON COMMIT DROP`); err != nil {
		return internal("create "+st.name, err)
	}
	created[st.name] = true
	return nil
}

// copyRows copies n rows into st; row(i, vals) fills and returns the values
// of row i, in st.cols order. vals is reused from row to row.
func copyRows(ctx context.Context, tx pgx.Tx, st staging, n int, row func(i int, vals []any) []any) error {
	vals := make([]any, len(st.cols))
	_, err := tx.CopyFrom(ctx, pgx.Identifier{st.name}, st.cols, pgx.CopyFromSlice(n, func(i int) ([]any, error) {
		return row(i, vals), nil
	}))
	return internal("copy into "+st.name, err)
}

// insertNew stages the items send[0…], moves them into their table with
// insert (an INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING key whose
// arguments are args), and marks isNew[j] for each item j inserted; idx
// maps keys to items.
//
// Asking the unique index first and copying only the new rows straight into
// the table was tried and is slower: PostgreSQL plans a lookup of a
// thousand keys as a scan of all the source's rows once the table has some.
func (w *batchWriter) insertNew(ctx context.Context, st staging, insert string, args []any, send []int,
	idx map[string]int, isNew []bool, row func(i int, vals []any) []any) error {
	if len(send) == 0 {
		return nil
	}
	if err := stage(ctx, w.tx, w.staged, st); err != nil {
		return err
	}
	if err := copyRows(ctx, w.tx, st, len(send), row); err != nil {
		return err
	}
	rows, err := w.tx.Query(ctx, insert, args...)
	if err != nil {
		return internal("insert from "+st.name, err)
	}
	defer rows.Close()
	for rows.Next() {
		if i, ok := idx[string(rows.RawValues()[0])]; ok {
			isNew[i] = true
		}
	}
	return internal("insert from "+st.name, rows.Err())
}
