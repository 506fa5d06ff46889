package postgres

import (
	"context"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/storeutil"
)

// recordColumns are the columns of records after id, source and batch, in
// the order they are staged and scanned.
const recordColumns = `key, file, row, code_list, mapping_version, status, unit, date, period, area,
	placement, lat, lon, has_point, national_code, iccs, sex, age, age_band, weapon, context`

var recordStage = staging{
	name: "records_stage",
	ddl: `seq integer, key text, file text, row bigint, code_list text, mapping_version integer,
		status text, unit text, date text, period text, area text, placement text,
		lat double precision, lon double precision, has_point boolean, national_code text, iccs text,
		sex text, age integer, age_band text, weapon text, context text`,
	cols: columnList("seq, " + recordColumns),
}

// recordInsert moves staged records into records in their order, skipping
// keys that are stored for the source, and returns the keys it inserted.
const recordInsert = `INSERT INTO records (source, batch, ` + recordColumns + `)
	SELECT $1, $2, ` + recordColumns + ` FROM records_stage ORDER BY seq
	ON CONFLICT (source, key) DO NOTHING RETURNING key`

// columnList splits a comma-separated list of column names.
func columnList(s string) []string {
	var out []string
	for _, c := range strings.Split(s, ",") {
		out = append(out, strings.TrimSpace(c))
	}
	return out
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
	err := w.insertNew(ctx, recordStage, recordInsert, []any{w.batch.Source, w.batch.ID}, send, idx, isNew,
		func(i int, v []any) []any {
			r := &recs[send[i]]
			v[0], v[1], v[2], v[3], v[4], v[5] = int32(i), r.Key, r.File, r.Row, r.CodeList, int32(r.MappingVersion)
			v[6], v[7], v[8], v[9], v[10] = string(r.Status), string(r.Unit), r.Date, r.Period, r.Area
			v[11], v[12], v[13], v[14] = string(r.Placement), r.Lat, r.Lon, r.HasPoint
			v[15], v[16], v[17], v[18] = r.NationalCode, r.ICCS, r.Sex, int32(r.Age)
			v[19], v[20], v[21] = r.AgeBand, r.Weapon, r.Context
			return v
		})
	if err != nil {
		return nil, err
	}
	return isNew, nil
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
		q += ` LIMIT ` + w.arg(f.Limit)
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
	err = db.pool.QueryRow(ctx, `SELECT count(*) FROM (`+q+`) AS filtered`, args...).Scan(&n)
	return n, internal("count "+table, err)
}

// Records calls fn for each record matching f, in id order. An error from
// fn stops the iteration and is returned as is.
func (db *DB) Records(ctx context.Context, f atalaya.RecordFilter, fn func(atalaya.Record) error) error {
	q, args, err := selectFiltered(`id, source, batch, `+recordColumns, "records", f)
	if err != nil {
		return err
	}
	rows, err := db.pool.Query(ctx, q, args...)
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
