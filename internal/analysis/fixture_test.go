package analysis_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya/internal/analysis"
	"github.com/oas-atalaya/atalaya/internal/analysis/analysistest"
	"github.com/oas-atalaya/atalaya/internal/indicator"
	"github.com/oas-atalaya/atalaya/internal/sqlite"
	"github.com/oas-atalaya/atalaya/internal/values"
)

func now() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }

var fixtureDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDB != nil {
		fixtureDB.Close()
	}
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

var (
	fixtureOnce sync.Once
	fixtureNode *analysis.Node
	fixtureDB   *sqlite.DB
	fixtureErr  error
)

// realNode is a node with Mexico's states (INEGI boundaries), CONAPO
// populations and SESNSP victims 2015–2025, read through the live view.
// It is built once for the package's tests.
func realNode(t *testing.T) (*analysis.Node, *sqlite.DB) {
	t.Helper()
	fixtureOnce.Do(func() {
		dir, err := os.MkdirTemp("", "atalaya-analysis")
		if err != nil {
			fixtureErr = err
			return
		}
		fixtureDir = dir
		if fixtureDB, fixtureErr = analysistest.Mexico(context.Background(), dir, now); fixtureErr != nil {
			return
		}
		cat, err := indicator.Default()
		if err != nil {
			fixtureErr = err
			return
		}
		fixtureNode = &analysis.Node{Store: fixtureDB, Engine: values.New(fixtureDB, cat, now)}
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureNode, fixtureDB
}
