package sqlite

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/storeutil"
)

// recordColumns are the columns of records after id, source and batch,
// in the order AddRecords binds them and Records scans them.
const recordColumns = `key, file, row, code_list, mapping_version, status, unit, date, period, area,
	placement, lat, lon, has_point, national_code, iccs, sex, age, age_band, weapon, context`

// recordBulk returns the insert of records into batch: INSERT OR IGNORE
// skips a row whose (source, key) is stored. The batch's source and id are
// literals of the statement, which is prepared per batch anyway.
func recordBulk(source string, batch int64) bulk {
	return newBulk("insert records", `INSERT OR IGNORE INTO records (source, batch, `+recordColumns+`)`, 21, "",
		sqlQuote(source), strconv.FormatInt(batch, 10))
}

// AddRecords stores the records whose key is new for the batch's source and
// reports which were new. A record's Source may be empty (it is the batch's)
// or the batch's; its Batch is ignored. EINVALID for a record without a key
// or of another source.
func (w *batchWriter) AddRecords(ctx context.Context, recs []atalaya.Record) ([]bool, error) {
	if err := w.check(); err != nil {
		return nil, err
	}
	for _, r := range recs {
		if err := w.checkItem("record", r.Key, r.Source); err != nil {
			return nil, err
		}
	}
	isNew := make([]bool, len(recs))
	send, idx := storeutil.FirstOfKeys(len(recs), func(i int) string { return recs[i].Key })
	err := w.insertNew(ctx, w.records, send, idx, isNew, func(args []any, i int) []any {
		r := &recs[send[i]]
		return append(args, r.Key, r.File, r.Row, r.CodeList, int64(r.MappingVersion), string(r.Status),
			string(r.Unit), r.Date, r.Period, r.Area, string(r.Placement), r.Lat, r.Lon, r.HasPoint,
			r.NationalCode, r.ICCS, r.Sex, int64(r.Age), r.AgeBand, r.Weapon, r.Context)
	})
	if err != nil {
		return nil, err
	}
	return isNew, nil
}

// newRows inserts into one table of a batch and learns which rows were new
// without RETURNING, which costs a result row per inserted row. SQLite gives
// a new row the largest rowid plus one, and nothing else writes while the
// batch holds the write lock, so the rows a chunk inserted are those with an
// id above the largest before it: all of the chunk when the statement
// changed as many rows as it had (a new file), none when it changed none (a
// file sent again), and otherwise the keys that a query for those ids gives.
type newRows struct {
	table string
	bulk  bulk
	maxID int64 // largest id in table; -1 until known
}

// insertNew inserts the items send[0…] with newRows t, marking isNew[j] for
// each item j inserted; idx maps keys to items.
func (w *batchWriter) insertNew(ctx context.Context, t *newRows, send []int, idx map[string]int, isNew []bool,
	appendArgs func(args []any, i int) []any) error {
	if t.maxID < 0 && len(send) > 0 {
		if err := w.tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM `+t.table).Scan(&t.maxID); err != nil {
			return internal("find last id of "+t.table, err)
		}
	}
	return w.stmts.run(ctx, t.bulk, len(send), appendArgs, func(start, size int, res sql.Result) error {
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return internal(t.bulk.name, err)
		}
		if n == int64(size) {
			for i := start; i < start+size; i++ {
				isNew[send[i]] = true
			}
		} else if err := w.markInserted(ctx, t, idx, isNew); err != nil {
			return err
		}
		t.maxID, err = res.LastInsertId()
		return internal(t.bulk.name, err)
	})
}

// markInserted marks the items whose keys are in rows of t above t.maxID.
func (w *batchWriter) markInserted(ctx context.Context, t *newRows, idx map[string]int, isNew []bool) error {
	rows, err := w.tx.QueryContext(ctx, `SELECT key FROM `+t.table+` WHERE id > ?`, t.maxID)
	if err != nil {
		return internal("find new rows of "+t.table, err)
	}
	defer rows.Close()
	var key sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&key); err != nil {
			return internal("find new rows of "+t.table, err)
		}
		if i, ok := idx[string(key)]; ok {
			isNew[i] = true
		}
	}
	return internal("find new rows of "+t.table, rows.Err())
}

// checkItem checks the key and source of a record or observation.
func (w *batchWriter) checkItem(what, key, source string) error {
	switch {
	case key == "":
		return atalaya.Errorf(atalaya.EINVALID, "a %s of batch %d has no key", what, w.batch.ID)
	case source != "" && source != w.batch.Source:
		return atalaya.Errorf(atalaya.EINVALID, "%s %s is of source %s, but batch %d is of source %s", what, key, source, w.batch.ID, w.batch.Source)
	}
	return nil
}

// recordWhere returns the WHERE clause of f, without its limit. EINVALID if
// f.ICCS is not an ICCS code.
func recordWhere(f atalaya.RecordFilter) (where, error) {
	var w where
	if f.Source != "" {
		w.add("source = ?", f.Source)
	}
	if f.Batch != 0 {
		w.add("batch = ?", f.Batch)
	}
	if f.Area != "" {
		w.add("area = ?", f.Area)
	}
	if f.ICCS != "" {
		if atalaya.ICCSLevel(f.ICCS) == 0 {
			return w, atalaya.Errorf(atalaya.EINVALID, "filter: %q is not an ICCS code", f.ICCS)
		}
		// ICCS codes are prefix-hierarchical: the code and its descendants
		// are the codes that start with it, an index range.
		w.add("iccs >= ? AND iccs < ?", f.ICCS, prefixEnd(f.ICCS))
	}
	return w, nil
}

// selectFiltered returns "SELECT cols FROM table WHERE … ORDER BY id LIMIT …"
// and its arguments.
func selectFiltered(cols, table string, f atalaya.RecordFilter) (string, []any, error) {
	w, err := recordWhere(f)
	if err != nil {
		return "", nil, err
	}
	q := `SELECT ` + cols + ` FROM ` + table + w.String() + ` ORDER BY id`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		w.args = append(w.args, f.Limit)
	}
	return q, w.args, nil
}

// countFiltered counts what selectFiltered would return.
func (db *DB) countFiltered(ctx context.Context, table string, f atalaya.RecordFilter) (int64, error) {
	q, args, err := selectFiltered("1", table, f)
	if err != nil {
		return 0, err
	}
	if f.Limit <= 0 {
		q = strings.TrimSuffix(q, ` ORDER BY id`)
	}
	var n int64
	err = db.r.QueryRowContext(ctx, `SELECT count(*) FROM (`+q+`)`, args...).Scan(&n)
	return n, internal("count "+table, err)
}

// Records calls fn for each record matching f, in id order. An error from
// fn stops the iteration and is returned as is.
func (db *DB) Records(ctx context.Context, f atalaya.RecordFilter, fn func(atalaya.Record) error) error {
	q, args, err := selectFiltered(`id, source, batch, `+recordColumns, "records", f)
	if err != nil {
		return err
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return internal("read records", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r atalaya.Record
		if err := rows.Scan(&r.ID, &r.Source, &r.Batch, &r.Key, &r.File, &r.Row, &r.CodeList,
			&r.MappingVersion, &r.Status, &r.Unit, &r.Date, &r.Period, &r.Area, &r.Placement,
			&r.Lat, &r.Lon, &r.HasPoint, &r.NationalCode, &r.ICCS, &r.Sex, &r.Age, &r.AgeBand,
			&r.Weapon, &r.Context); err != nil {
			return internal("read records", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return internal("read records", rows.Err())
}

// CountRecords counts the records that Records would return.
func (db *DB) CountRecords(ctx context.Context, f atalaya.RecordFilter) (int64, error) {
	return db.countFiltered(ctx, "records", f)
}
