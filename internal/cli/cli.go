// Package cli implements the atalaya command line: one file per subcommand,
// all wired through Main so that tests can run the whole program in-process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/postgres"
	"github.com/oas-atalaya/atalaya/internal/sqlite"
)

// Env is what a command runs with: its streams, clock and logger.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Now    atalaya.Clock
	Logger *slog.Logger
	// IsTerminal reports whether Stderr is a terminal (progress bars).
	IsTerminal bool
}

// Exit codes.
const (
	ExitOK       = 0
	ExitError    = 1 // the command failed
	ExitUsage    = 2 // bad flags or arguments
	ExitRejected = 3 // an ingest committed but rejected rows
)

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

func commands() []command {
	return []command{
		{"demo", "start a demo national node for Mexico with real data (SQLite in the current folder)", runDemo},
		{"serve", "serve the portal and the API", runServe},
		{"init", "create or migrate the database and load the ICCS, code lists, mappings and countries", runInit},
		{"ingest", "ingest files through a source profile; `ingest errors BATCH` lists rejected rows", runIngest},
		{"batches", "list ingest batches", runBatches},
		{"areas", "import areas and boundaries from GeoJSON (`areas import`), or list them", runAreas},
		{"mapping", "import a national code list's mapping to ICCS (`mapping import`), or show one", runMapping},
		{"population", "import populations through a profile (same as ingest --profile population)", runPopulation},
		{"publish", "release a source's figures for an area and years as validated or published (a new revision each time)", runPublish},
		{"releases", "the revision log of the publication workflow, as a table or --json", runReleases},
		{"cube", "`cube rebuild` recomputes the cube from the records; `cube check` compares without writing", runCube},
		{"profiles", "list the built-in source profiles, print one (`profiles NAME`) or check a profile file (`profiles FILE`)", runProfiles},
		{"indicators", "list the indicator catalogue; `indicators docs` writes docs/indicators.md, `indicators check FILE` checks a catalogue", runIndicators},
		{"export", "write the values of an indicator as CSV, XLSX, SDMX-CSV 2.0 or SDMX-JSON 2.0 (the API's figures and rules)", runExport},
		{"audit", "`audit verify` checks the signed audit log; `audit proof SEQ`, `audit check-proof FILE`, `audit log`, `audit checkpoint`", runAudit},
		{"user", "accounts: `user add ID --role ROLE`, `user passwd ID`, `user disable ID`, `user enable ID`, `user list`, `user totp ID`", runUser},
		{"settings", "node settings: `settings totp-roles [ROLE,ROLE…|none]` prints or sets the roles that must sign in with a TOTP code", runSettings},
		{"token", "API tokens for scripts: `token create --user ID --scope ingest`, `token revoke ID`, `token list`", runToken},
		{"analyse", "crime analysis and evaluation on your own files: synth, did, its, compare, stl, hotspots, moran, kde, nearrepeat… (`analyse help`)", runAnalyse},
		{"programme", "the programme registry on the node's figures: `programme add`, `programme list`, `programme show ID`, `programme evaluate ID --method its|synth|did`", runProgramme},
		{"synth", "write N synthetic canonical incidents with coordinates in Mexico (for benchmarks)", runSynth},
	}
}

// Main runs the command line and returns the process exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Now: time.Now,
		Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if f, ok := stderr.(*os.File); ok {
		env.IsTerminal = isTerminal(f)
	}
	return Run(ctx, env, args)
}

// Run runs one command with env.
func Run(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.Stdout)
		return ExitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, env, args[1:])
			return report(env, err)
		}
	}
	fmt.Fprintf(env.Stderr, "atalaya: unknown command %q\n\n", args[0])
	usage(env.Stderr)
	return ExitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "atalaya — observatory of crime and violence\n\nUsage: atalaya COMMAND [flags] [args]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command that touches data takes --db URL: sqlite:PATH (default sqlite:atalaya.db) or postgres://…\nRun `atalaya COMMAND -h` for its flags. Docs: docs/formats.md.")
}

// errUsage marks a usage error (exit 2).
var errUsage = errors.New("usage")

// errRejected marks an ingest that committed with rejected rows (exit 3).
type errRejected struct{ n int64 }

func (e errRejected) Error() string { return fmt.Sprintf("%d rows were rejected", e.n) }

// report renders an error in one place and returns the exit code.
func report(env *Env, err error) int {
	var rej errRejected
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.Is(err, errUsage):
		fmt.Fprintf(env.Stderr, "atalaya: %v\n", err)
		return ExitUsage
	case errors.As(err, &rej):
		return ExitRejected
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(env.Stderr, "atalaya: interrupted; nothing of the unfinished batch was kept")
		return ExitError
	}
	if atalaya.ErrorCode(err) == atalaya.EINTERNAL {
		env.Logger.Error("internal error", "err", err)
		fmt.Fprintf(env.Stderr, "atalaya: internal error: %v\n", err)
		return ExitError
	}
	fmt.Fprintf(env.Stderr, "atalaya: %s\n", atalaya.ErrorMessage(err))
	return ExitError
}

func usageErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// DefaultDB is the database used when --db is not given.
const DefaultDB = "sqlite:atalaya.db"

// OpenStore opens the store named by a --db URL: sqlite:PATH, a plain path,
// or postgres://… (postgresql:// too).
func OpenStore(ctx context.Context, url string, now atalaya.Clock) (atalaya.Store, error) {
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		db, err := postgres.Open(ctx, url, postgres.WithClock(now))
		if err != nil {
			return nil, atalaya.Errorf(atalaya.EINVALID, "cannot open PostgreSQL database: %v", err)
		}
		return db, nil
	case strings.HasPrefix(url, "sqlite:"), !strings.Contains(url, "://"):
		path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "//")
		if path == "" {
			return nil, usageErr("--db sqlite:PATH needs a path")
		}
		db, err := sqlite.Open(ctx, path, sqlite.WithClock(now))
		if err != nil {
			return nil, atalaya.Errorf(atalaya.EINVALID, "cannot open SQLite database %s: %v", path, err)
		}
		return db, nil
	}
	return nil, usageErr("--db %q: use sqlite:PATH or postgres://…", url)
}

// newFlags returns a flag set that writes its usage to env.Stderr.
func newFlags(env *Env, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: atalaya %s [flags] %s\n\nFlags:\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses flags that may be interleaved with positional
// arguments (`ingest FILE --profile x` works like `ingest --profile x FILE`).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
