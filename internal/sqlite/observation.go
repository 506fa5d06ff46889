package sqlite

import (
	"context"
	"strconv"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/storeutil"
)

// observationColumns are the columns of observations after id, source and
// batch.
const observationColumns = `key, file, row, code_list, mapping_version, status, dataflow, indicator,
	period, area, national_code, iccs, sex, age_band, weapon, context, unit, value, dims, attributes, rollup`

// observationBulk is recordBulk for observations.
func observationBulk(source string, batch int64) bulk {
	return newBulk("insert observations", `INSERT OR IGNORE INTO observations (source, batch, `+observationColumns+`)`, 21, "",
		sqlQuote(source), strconv.FormatInt(batch, 10))
}

// AddObservations stores the observations whose key is new for the batch's
// source and reports which were new, like AddRecords. Empty Dims and
// Attributes are stored as NULL and read back as nil.
func (w *batchWriter) AddObservations(ctx context.Context, obs []atalaya.Observation) ([]bool, error) {
	if err := w.check(); err != nil {
		return nil, err
	}
	dims := make([]any, len(obs))
	attrs := make([]any, len(obs))
	for i, o := range obs {
		if err := w.checkItem("observation", o.Key, o.Source); err != nil {
			return nil, err
		}
		var err error
		if dims[i], err = encodeMap(o.Dims); err != nil {
			return nil, internal("encode observation dims", err)
		}
		if attrs[i], err = encodeMap(o.Attributes); err != nil {
			return nil, internal("encode observation attributes", err)
		}
	}
	isNew := make([]bool, len(obs))
	send, idx := storeutil.FirstOfKeys(len(obs), func(i int) string { return obs[i].Key })
	err := w.insertNew(ctx, w.observations, send, idx, isNew, func(args []any, i int) []any {
		j := send[i]
		o := &obs[j]
		return append(args, o.Key, o.File, o.Row, o.CodeList, int64(o.MappingVersion), string(o.Status),
			o.Dataflow, o.Indicator, o.Period, o.Area, o.NationalCode, o.ICCS, o.Sex, o.AgeBand, o.Weapon,
			o.Context, string(o.Unit), o.Value, dims[j], attrs[j], o.Rollup)
	})
	if err != nil {
		return nil, err
	}
	return isNew, nil
}

// Observations calls fn for each observation matching f, in id order. An
// error from fn stops the iteration and is returned as is.
func (db *DB) Observations(ctx context.Context, f atalaya.RecordFilter, fn func(atalaya.Observation) error) error {
	q, args, err := selectFiltered(`id, source, batch, `+observationColumns, "observations", f)
	if err != nil {
		return err
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return internal("read observations", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o atalaya.Observation
		var dims, attrs *string
		if err := rows.Scan(&o.ID, &o.Source, &o.Batch, &o.Key, &o.File, &o.Row, &o.CodeList,
			&o.MappingVersion, &o.Status, &o.Dataflow, &o.Indicator, &o.Period, &o.Area,
			&o.NationalCode, &o.ICCS, &o.Sex, &o.AgeBand, &o.Weapon, &o.Context, &o.Unit, &o.Value,
			&dims, &attrs, &o.Rollup); err != nil {
			return internal("read observations", err)
		}
		if o.Dims, err = decodeMap(dims); err != nil {
			return err
		}
		if o.Attributes, err = decodeMap(attrs); err != nil {
			return err
		}
		if err := fn(o); err != nil {
			return err
		}
	}
	return internal("read observations", rows.Err())
}

// CountObservations counts the observations that Observations would return.
func (db *DB) CountObservations(ctx context.Context, f atalaya.RecordFilter) (int64, error) {
	return db.countFiltered(ctx, "observations", f)
}
