// Command vulndb turns the OSV files of the Go vulnerability database, as
// the module golang.org/x/vulndb carries them in data/osv, into the v1
// database layout that govulncheck reads with -db file:///DIR:
// index/db.json, index/modules.json, index/vulns.json and ID/GO-….json.
//
// The Go module proxy serves golang.org/x/vulndb like any module, while
// vuln.go.dev may be unreachable from a build machine; scripts/vulncheck.sh
// downloads the module and runs this command, so govulncheck needs nothing
// but the proxy. The index lists every vulnerability of a module without a
// "fixed" hint, so govulncheck reads each entry in full and decides from
// its version ranges (slower than the published index, never less exact).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

type osv struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases"`
	Affected []struct {
		Module struct {
			Path string `json:"path"`
		} `json:"module"`
		Package struct {
			Name string `json:"name"`
		} `json:"package"`
	} `json:"affected"`
}

type vulnRef struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
}

type module struct {
	Path  string    `json:"path"`
	Vulns []vulnRef `json:"vulns"`
}

type vulnEntry struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases,omitempty"`
}

func main() {
	in := flag.String("osv", "", "directory of OSV JSON files (golang.org/x/vulndb's data/osv)")
	out := flag.String("out", "", "directory to write the v1 database to")
	flag.Parse()
	if *in == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: vulndb -osv DIR -out DIR")
		os.Exit(2)
	}
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "vulndb:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	files, err := filepath.Glob(filepath.Join(in, "*.json"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no OSV files in %s", in)
	}
	for _, d := range []string{"index", "ID"} {
		if err := os.MkdirAll(filepath.Join(out, d), 0o755); err != nil {
			return err
		}
	}
	mods := map[string][]vulnRef{}
	var vulns []vulnEntry
	var newest time.Time
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var e osv
		if err := json.Unmarshal(raw, &e); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		if e.ID == "" || !strings.HasPrefix(filepath.Base(f), e.ID) {
			return fmt.Errorf("%s: id %q does not match the file name", f, e.ID)
		}
		if err := os.WriteFile(filepath.Join(out, "ID", e.ID+".json"), raw, 0o644); err != nil {
			return err
		}
		vulns = append(vulns, vulnEntry{e.ID, e.Modified, e.Aliases})
		if e.Modified.After(newest) {
			newest = e.Modified
		}
		seen := map[string]bool{}
		for _, a := range e.Affected {
			p := a.Module.Path
			if p == "" {
				p = a.Package.Name
			}
			if p != "" && !seen[p] {
				seen[p] = true
				mods[p] = append(mods[p], vulnRef{e.ID, e.Modified})
			}
		}
	}
	var ms []module
	for p, vs := range mods {
		ms = append(ms, module{p, vs})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Path < ms[j].Path })
	sort.Slice(vulns, func(i, j int) bool { return vulns[i].ID < vulns[j].ID })
	for name, v := range map[string]any{"db.json": map[string]time.Time{"modified": newest}, "modules.json": ms, "vulns.json": vulns} {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, "index", name), b, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("vulndb: %d entries for %d modules → %s\n", len(vulns), len(ms), out)
	return nil
}
