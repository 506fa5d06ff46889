package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
)

// analyseCommand is one `atalaya analyse` subcommand.
type analyseCommand struct {
	name, summary string
	run           func(ctx context.Context, env *Env, args []string) error
}

func analyseCommands() []analyseCommand {
	return []analyseCommand{
		{"synth", "synthetic control (Abadie): donor weights, V, RMSPE, gaps, placebo p-value", runAnalyseSynth},
		{"did", "staggered difference in differences (Callaway–Sant'Anna): ATT(g,t) and aggregations", runAnalyseDID},
		{"its", "interrupted time series: segmented Poisson regression, rate ratios, counterfactual", runAnalyseITS},
		{"compare", "CompStat table: last 7 days, 28 days and year to date against last year, with exact tests", runAnalyseCompare},
		{"ratetest", "exact test of two Poisson counts (R's poisson.test): rate ratio, interval, p-value", runAnalyseRateTest},
		{"stl", "seasonal-trend decomposition by loess (R's stl)", runAnalyseSTL},
		{"yoy", "year-over-year comparison of a monthly series with rolling 12-month sums", runAnalyseYoY},
		{"hotspots", "local Getis–Ord Gi/Gi* or Local Moran's I with permutations and FDR", runAnalyseHotspots},
		{"moran", "global Moran's I (normality, randomisation, permutations; EB rates with --population)", runAnalyseMoran},
		{"smooth", "empirical-Bayes smoothing of rates, global and spatial", runAnalyseSmooth},
		{"kde", "kernel density surface of points, as GeoJSON grid or PNG", runAnalyseKDE},
		{"nearrepeat", "Knox test of near repeats by space and time bands", runAnalyseNearRepeat},
		{"nni", "Clark–Evans nearest-neighbour index of points", runAnalyseNNI},
		{"concentration", "crime concentration: share in the top places, Gini, Lorenz curve", runAnalyseConcentration},
	}
}

// runAnalyse dispatches `atalaya analyse SUBCOMMAND`.
func runAnalyse(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		analyseUsage(env.Stdout)
		if len(args) == 0 {
			return usageErr("analyse needs a subcommand")
		}
		return nil
	}
	for _, c := range analyseCommands() {
		if c.name == args[0] {
			return c.run(ctx, env, args[1:])
		}
	}
	analyseUsage(env.Stderr)
	return usageErr("analyse: unknown subcommand %q", args[0])
}

func analyseUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: atalaya analyse SUBCOMMAND [flags]\n\nCrime analysis and policy evaluation on your own files (CSV in any encoding and\ndelimiter, or XLSX). Subcommands:")
	for _, c := range analyseCommands() {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `atalaya analyse SUBCOMMAND -h` for its flags. Docs and examples: docs/analysis.md.")
}

// multiFlag is a flag that may be repeated.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// outputFlags are the flags every subcommand shares.
type outputFlags struct {
	format *string
	table  *string
}

func addOutputFlags(fs *flag.FlagSet, tables string) outputFlags {
	return outputFlags{
		format: fs.String("format", "table", "output: table (readable), csv or json"),
		table:  fs.String("table", "", "with --format csv, which table to write: "+tables+" (default the first)"),
	}
}

// analyseFlags returns a flag set for `analyse NAME` with the help text.
func analyseFlags(env *Env, name, help string) *flag.FlagSet {
	fs := flag.NewFlagSet("analyse "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: atalaya analyse %s\n\nFlags:\n", help)
		fs.PrintDefaults()
		fmt.Fprintln(env.Stderr, "\nExamples and the reference each output matches: docs/analysis.md.")
	}
	return fs
}

// parseAnalyseFlags parses flags and refuses positional arguments unless
// npos allows them (-1: any number).
func parseAnalyseFlags(fs *flag.FlagSet, args []string, npos int) ([]string, error) {
	pos, err := parseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	if npos >= 0 && len(pos) != npos {
		if npos == 0 {
			return nil, usageErr("%s takes no arguments, only flags (got %q); see -h", fs.Name(), strings.Join(pos, " "))
		}
		return nil, usageErr("%s takes %d arguments; see -h", fs.Name(), npos)
	}
	return pos, nil
}

func need(name, v string) error {
	if strings.TrimSpace(v) == "" {
		return usageErr("--%s is required", name)
	}
	return nil
}

// analyseErr is an error in the analyst's input, with code EINVALID.
func analyseErr(format string, args ...any) error {
	return atalaya.Errorf(atalaya.EINVALID, format, args...)
}

// emit writes a report to stdout in the chosen format.
func emit(env *Env, of outputFlags, r *analysisReport) error {
	switch *of.format {
	case "table", "text", "":
		return r.writeText(env.Stdout)
	case "csv":
		return r.writeCSV(env.Stdout, *of.table)
	case "json":
		return r.writeJSON(env.Stdout)
	}
	return usageErr("--format %q: use table, csv or json", *of.format)
}

// writeFileWith creates path and writes to it with f.
func writeFileWith(env *Env, path, what string, f func(w io.Writer) error) error {
	file, err := os.Create(path)
	if err != nil {
		return analyseErr("cannot create %s: %v", path, err)
	}
	if err := f(file); err != nil {
		file.Close()
		return err
	}
	if err := file.Close(); err != nil {
		return analyseErr("cannot write %s: %v", path, err)
	}
	fmt.Fprintf(env.Stderr, "wrote %s to %s\n", what, path)
	return nil
}

// status prints a line of progress on a terminal and returns a function
// that clears it.
func status(env *Env, msg string) func() {
	if !env.IsTerminal {
		return func() {}
	}
	start := time.Now()
	fmt.Fprint(env.Stderr, "\r"+msg+"…\x1b[K")
	return func() {
		if time.Since(start) > 2*time.Second {
			fmt.Fprintf(env.Stderr, "\r%s: %s\x1b[K\n", msg, time.Since(start).Round(100*time.Millisecond))
			return
		}
		fmt.Fprint(env.Stderr, "\r\x1b[K")
	}
}

func sortedKeys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}
