package sqlite_test

import (
	"testing"

	"github.com/oas-atalaya/atalaya/internal/storetest"
)

// BenchmarkAddRecords runs the shared AddRecords benchmark on this backend.
func BenchmarkAddRecords(b *testing.B) { storetest.BenchAddRecords(b, mustOpen(b)) }
