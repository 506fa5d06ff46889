package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/storeutil"
)

// PutICCS inserts or replaces ICCS categories in one transaction. EINVALID
// if a code is not an ICCS code, or its level or parent do not follow from
// the code, or it has no name.
func (db *DB) PutICCS(ctx context.Context, cats []atalaya.ICCSCategory) error {
	if len(cats) == 0 {
		return nil
	}
	for _, c := range cats {
		if err := storeutil.CheckICCSCategory(c); err != nil {
			return err
		}
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		var b pgx.Batch
		for _, c := range cats {
			b.Queue(`INSERT INTO iccs (code, level, parent, name, verification) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (code) DO UPDATE SET level = excluded.level, parent = excluded.parent,
					name = excluded.name, verification = excluded.verification`,
				c.Code, c.Level, c.Parent, c.Name, c.Verification)
		}
		if err := tx.SendBatch(ctx, &b).Close(); err != nil {
			return internal("upsert ICCS", err)
		}
		return bumpDataVersion(ctx, tx)
	})
}

// ICCS returns the whole classification ordered by code.
func (db *DB) ICCS(ctx context.Context) ([]atalaya.ICCSCategory, error) {
	rows, err := db.pool.Query(ctx, `SELECT code, level, parent, name, verification FROM iccs ORDER BY code`)
	if err != nil {
		return nil, internal("list ICCS", err)
	}
	defer rows.Close()
	var out []atalaya.ICCSCategory
	for rows.Next() {
		var c atalaya.ICCSCategory
		if err := rows.Scan(&c.Code, &c.Level, &c.Parent, &c.Name, &c.Verification); err != nil {
			return nil, internal("list ICCS", err)
		}
		out = append(out, c)
	}
	return out, internal("list ICCS", rows.Err())
}
