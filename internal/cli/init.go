package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/data"
	"github.com/oas-atalaya/atalaya/internal/geo"
	"github.com/oas-atalaya/atalaya/internal/ingest"
)

func runInit(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "init", "")
	db := fs.String("db", DefaultDB, "database URL")
	auditKey := auditKeyFlag(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := OpenStore(ctx, *db, env.Now)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := auditWrite(ctx, env, s, auditKeyPath(*db, *auditKey), atalaya.AuditEntry{Actor: cliActor(), Action: "reference.load", Object: "reference:embedded"}); err != nil {
		return err
	}
	return initReference(ctx, env, s)
}

// initReference loads the embedded reference data: the ICCS, the code lists
// and their mappings, and the 35 OAS member states with their boundaries.
// It is idempotent: mappings that did not change get no new version.
func initReference(ctx context.Context, env *Env, s atalaya.Store) error {
	n, err := ingest.ImportICCS(ctx, s, mustOpen("iccs/iccs_v1_codes.csv"), "iccs_v1_codes.csv")
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "ICCS v1.0: %d categories\n", n)
	if _, err := ingest.ImportCodeLists(ctx, s, mustOpen("mappings/codelists.csv"), "codelists.csv"); err != nil {
		return err
	}
	entries, _ := fs.ReadDir(data.FS, "mappings")
	for _, e := range entries {
		name := e.Name()
		if name == "codelists.csv" || !strings.HasSuffix(name, ".csv") {
			continue
		}
		id := strings.TrimSuffix(name, ".csv")
		v, err := ingest.ImportMapping(ctx, s, id, mustOpen(path.Join("mappings", name)), name, "shipped with Atalaya")
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "mapping %s: version %d\n", id, v)
	}
	feats, err := geo.ReadFeatureCollection(mustOpen("americas/americas_oas_countries.geojson"), 64<<20)
	if err != nil {
		return err
	}
	n, err = ingest.ImportAreas(ctx, s, feats, ingest.AreaImport{
		CodeProperty: "ISO_A3", NameProperty: "NAME", NameProperties: map[string]string{"en": "NAME", "es": "NAME_ES"},
		Level: 0, Source: "Natural Earth 1:50m v4.1.0 (public domain)", KeepBoundary: true,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "countries: %d OAS member states with boundaries\n", n)
	added, err := defaultPopulations(ctx, s)
	if err != nil {
		return err
	}
	if added > 0 {
		fmt.Fprintf(env.Stdout, "populations: %s country-years of World Bank total population (SP.POP.TOTL), where the node has none; your national estimates replace them\n", group(int64(added)))
	}
	return nil
}

// defaultPopulations loads the World Bank's total population of the OAS
// member states for the country-years that have no total population yet,
// so that national rates have a denominator from the start. It never
// replaces a population already loaded (a national estimate), so running
// init again changes nothing.
func defaultPopulations(ctx context.Context, s atalaya.Store) (int, error) {
	rows, err := csv.NewReader(mustOpen("americas/wb_population_oas.csv")).ReadAll()
	if err != nil {
		return 0, err
	}
	have, err := s.Populations(ctx, atalaya.PopulationFilter{Sex: atalaya.SexTotal, AgeBand: atalaya.AgeTotal})
	if err != nil {
		return 0, err
	}
	type key struct {
		area string
		year int
	}
	exists := map[key]bool{}
	for _, p := range have {
		exists[key{p.Area, p.Year}] = true
	}
	var pops []atalaya.Population
	for _, r := range rows[1:] {
		year, err1 := strconv.Atoi(r[2])
		value, err2 := strconv.ParseFloat(r[3], 64)
		if err1 != nil || err2 != nil || exists[key{r[1], year}] {
			continue
		}
		pops = append(pops, atalaya.Population{Area: r[1], Year: year, Sex: atalaya.SexTotal, AgeBand: atalaya.AgeTotal,
			Value: int64(math.Round(value)), Source: "World Bank WDI SP.POP.TOTL"})
	}
	if len(pops) == 0 {
		return 0, nil
	}
	return len(pops), s.PutPopulations(ctx, pops)
}

func mustOpen(name string) io.Reader {
	b, err := fs.ReadFile(data.FS, name)
	if err != nil {
		panic("embedded data missing: " + name) // a build error, not a user error
	}
	return bytes.NewReader(b)
}

func embedded(name string) (ingest.File, error) {
	b, err := fs.ReadFile(data.FS, name)
	if err != nil {
		return ingest.File{}, err
	}
	return ingest.File{Name: path.Base(name), R: bytes.NewReader(b), Size: int64(len(b))}, nil
}
