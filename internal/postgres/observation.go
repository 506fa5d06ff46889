package postgres

import (
	"context"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/storeutil"
)

// observationColumns are the columns of observations after id, source and
// batch.
const observationColumns = `key, file, row, code_list, mapping_version, status, dataflow, indicator,
	period, area, national_code, iccs, sex, age_band, weapon, context, unit, value, dims, attributes, rollup`

var observationStage = staging{
	name: "observations_stage",
	ddl: `seq integer, key text, file text, row bigint, code_list text, mapping_version integer,
		status text, dataflow text, indicator text, period text, area text, national_code text,
		iccs text, sex text, age_band text, weapon text, context text, unit text,
		value double precision, dims jsonb, attributes jsonb, rollup boolean`,
	cols: columnList("seq, " + observationColumns),
}

// observationInsert is recordInsert for observations.
const observationInsert = `INSERT INTO observations (source, batch, ` + observationColumns + `)
	SELECT $1, $2, ` + observationColumns + ` FROM observations_stage ORDER BY seq
	ON CONFLICT (source, key) DO NOTHING RETURNING key`

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
	err := w.insertNew(ctx, observationStage, observationInsert, []any{w.batch.Source, w.batch.ID}, send, idx, isNew,
		func(i int, v []any) []any {
			j := send[i]
			o := &obs[j]
			v[0], v[1], v[2], v[3], v[4], v[5] = int32(i), o.Key, o.File, o.Row, o.CodeList, int32(o.MappingVersion)
			v[6], v[7], v[8], v[9], v[10] = string(o.Status), o.Dataflow, o.Indicator, o.Period, o.Area
			v[11], v[12], v[13], v[14], v[15] = o.NationalCode, o.ICCS, o.Sex, o.AgeBand, o.Weapon
			v[16], v[17], v[18], v[19], v[20] = o.Context, string(o.Unit), o.Value, dims[j], attrs[j]
			v[21] = o.Rollup
			return v
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
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return internal("read observations", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o atalaya.Observation
		var dims, attrs []byte
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
