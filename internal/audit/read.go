package audit

import (
	"context"
	"fmt"

	"github.com/oas-atalaya/atalaya"
)

// Entries calls fn for each entry matching f, in seq order. An error that
// fn returns stops the walk and is returned as it is.
func (l *Log) Entries(ctx context.Context, f atalaya.AuditFilter, fn func(atalaya.AuditEntry) error) error {
	return l.store.AuditEntries(ctx, f, func(e atalaya.AuditEntry, _ [32]byte) error { return fn(e) })
}

// Size returns the number of entries in the log.
func (l *Log) Size(ctx context.Context) (int64, error) {
	n, err := l.store.AuditSize(ctx)
	if err != nil {
		return 0, fmt.Errorf("audit: size: %w", err)
	}
	return n, nil
}

// LatestCheckpoint returns the newest signed checkpoint; ok is false when
// none was signed yet.
func (l *Log) LatestCheckpoint(ctx context.Context) (c atalaya.AuditCheckpoint, ok bool, err error) {
	cs, err := l.store.AuditCheckpoints(ctx)
	if err != nil {
		return atalaya.AuditCheckpoint{}, false, fmt.Errorf("audit: checkpoints: %w", err)
	}
	if len(cs) == 0 {
		return atalaya.AuditCheckpoint{}, false, nil
	}
	return cs[len(cs)-1], true, nil
}
