package sqlite

import (
	"context"

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
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO iccs (code, level, parent, name, verification)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET level = excluded.level, parent = excluded.parent,
			name = excluded.name, verification = excluded.verification`)
	if err != nil {
		return internal("prepare ICCS upsert", err)
	}
	for _, c := range cats {
		if _, err := stmt.ExecContext(ctx, c.Code, c.Level, c.Parent, c.Name, c.Verification); err != nil {
			return internal("upsert ICCS category", err)
		}
	}
	if err := bumpDataVersion(ctx, tx); err != nil {
		return err
	}
	return internal("commit ICCS", tx.Commit())
}

// ICCS returns the whole classification ordered by code.
func (db *DB) ICCS(ctx context.Context) ([]atalaya.ICCSCategory, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT code, level, parent, name, verification FROM iccs ORDER BY code`)
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
