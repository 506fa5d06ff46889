package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/cube"
	"github.com/oas-atalaya/atalaya/internal/geo"
	"github.com/oas-atalaya/atalaya/internal/ingest"
)

func runBatches(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "batches", "")
	db := fs.String("db", DefaultDB, "database URL")
	source := fs.String("source", "", "only this source")
	limit := fs.Int("limit", 50, "at most this many, newest first")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := OpenStore(ctx, *db, env.Now)
	if err != nil {
		return err
	}
	defer s.Close()
	bs, err := s.Batches(ctx, atalaya.BatchFilter{Source: *source, Limit: *limit})
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(env.Stdout).Encode(bs)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "id\tsource\tprofile\tread\taccepted\trejected\tduplicates\tfinished\t")
	for _, b := range bs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", b.ID, b.Source, b.Profile, group(b.Read), group(b.Accepted), group(b.Rejected), group(b.Duplicates), b.FinishedAt.Format("2006-01-02 15:04"))
	}
	return tw.Flush()
}

func runAreas(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 && args[0] == "import" {
		return runAreasImport(ctx, env, args[1:])
	}
	if len(args) > 0 && args[0] == "add" {
		return runAreasAdd(ctx, env, args[1:])
	}
	fs := newFlags(env, "areas", "\n       atalaya areas import [flags] FILE.geojson")
	db := fs.String("db", DefaultDB, "database URL")
	country := fs.String("country", "", "only this country (ISO3)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := OpenStore(ctx, *db, env.Now)
	if err != nil {
		return err
	}
	defer s.Close()
	areas, err := s.Areas(ctx, atalaya.AreaFilter{Country: *country})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "code\tlevel\tparent\tname")
	for _, a := range areas {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", a.Code, a.Level, a.Parent, a.Name)
	}
	return tw.Flush()
}

func runAreasImport(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "areas import", "FILE.geojson")
	db := fs.String("db", DefaultDB, "database URL")
	codeProp := fs.String("code-property", "", "feature property with the area's national code (ISO3 for countries)")
	nameProp := fs.String("name-property", "", "feature property with the area's name")
	parentProp := fs.String("parent-property", "", "feature property with the parent's national code (for nested areas)")
	parent := fs.String("parent", "", "the parent area of every feature, e.g. MEX (or the country of --parent-property)")
	level := fs.Int("level", 1, "level of the areas: 0 countries, 1 states/provinces, 2 municipalities, …")
	source := fs.String("source", "", "where the boundaries come from (shown as attribution)")
	noBoundary := fs.Bool("no-boundary", false, "import the areas without their boundaries")
	auditKey := auditKeyFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *codeProp == "" || *nameProp == "" {
		return usageErr("areas import needs --code-property, --name-property and one GeoJSON FILE")
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return atalaya.Errorf(atalaya.EINVALID, "cannot open %s: %v", pos[0], err)
	}
	defer f.Close()
	feats, err := geo.ReadFeatureCollection(f, 1<<30)
	if err != nil {
		return atalaya.Errorf(atalaya.EINVALID, "%s: %s", filepath.Base(pos[0]), atalaya.ErrorMessage(err))
	}
	s, err := OpenStore(ctx, *db, env.Now)
	if err != nil {
		return err
	}
	defer s.Close()
	src := *source
	if src == "" {
		src = filepath.Base(pos[0])
	}
	object := fmt.Sprintf("level:%d", *level)
	if *parent != "" {
		object = "area:" + *parent + " " + object
	}
	if err := auditWrite(ctx, env, s, auditKeyPath(*db, *auditKey), atalaya.AuditEntry{Actor: cliActor(), Action: "areas.import", Object: object}); err != nil {
		return err
	}
	n, err := ingest.ImportAreas(ctx, s, feats, ingest.AreaImport{
		CodeProperty: *codeProp, NameProperty: *nameProp, ParentProperty: *parentProp, Parent: *parent,
		Level: *level, Source: src, KeepBoundary: !*noBoundary,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "imported %d areas at level %d\n", n, *level)
	return nil
}

func runMapping(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 && args[0] == "import" {
		return runMappingImport(ctx, env, args[1:])
	}
	fs := newFlags(env, "mapping", "CODE_LIST\n       atalaya mapping import --code-list ID FILE.csv")
	db := fs.String("db", DefaultDB, "database URL")
	version := fs.Int("version", 0, "mapping version (0 = latest)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("mapping needs one CODE_LIST id")
	}
	s, err := OpenStore(ctx, *db, env.Now)
	if err != nil {
		return err
	}
	defer s.Close()
	m, err := s.Mapping(ctx, pos[0], *version)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "# %s version %d (%d entries)\n", m.CodeList, m.Version, len(m.Entries))
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "national_code\ticcs\tsex\tweapon\tcontext")
	for _, e := range m.Entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.NationalCode, e.ICCS, e.Implies.Sex, e.Implies.Weapon, e.Implies.Context)
	}
	return tw.Flush()
}

func runMappingImport(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "mapping import", "FILE.csv")
	db := fs.String("db", DefaultDB, "database URL")
	codeList := fs.String("code-list", "", "the code list id, e.g. mx-sesnsp-victimas")
	name := fs.String("name", "", "the code list's name (creates the code list if new)")
	country := fs.String("country", "", "the code list's country (ISO3)")
	note := fs.String("note", "", "why this version (kept with it and as the audit entry's reason)")
	auditKey := auditKeyFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *codeList == "" {
		return usageErr("mapping import needs --code-list ID and one CSV FILE")
	}
	s, err := OpenStore(ctx, *db, env.Now)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := auditWrite(ctx, env, s, auditKeyPath(*db, *auditKey), atalaya.AuditEntry{Actor: cliActor(), Action: "mapping.import",
		Object: "codelist:" + *codeList, Reason: *note}); err != nil {
		return err
	}
	if *name != "" {
		if err := s.PutCodeList(ctx, atalaya.CodeList{ID: *codeList, Name: *name, Country: *country}); err != nil {
			return err
		}
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return atalaya.Errorf(atalaya.EINVALID, "cannot open %s: %v", pos[0], err)
	}
	defer f.Close()
	v, err := ingest.ImportMapping(ctx, s, *codeList, f, filepath.Base(pos[0]), *note)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "mapping %s: version %d\n", *codeList, v)
	return nil
}

func runPopulation(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 && args[0] == "import" {
		args = args[1:]
	}
	hasProfile := false
	for _, a := range args {
		if strings.HasPrefix(a, "--profile") || strings.HasPrefix(a, "-profile") {
			hasProfile = true
		}
	}
	if !hasProfile {
		args = append([]string{"--profile", "population"}, args...)
	}
	return runIngest(ctx, env, args)
}

func runCube(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || (args[0] != "rebuild" && args[0] != "check") {
		return usageErr("cube needs a subcommand: rebuild or check")
	}
	write := args[0] == "rebuild"
	fs := newFlags(env, "cube "+args[0], "")
	db := fs.String("db", DefaultDB, "database URL")
	var auditKey *string
	if write {
		auditKey = auditKeyFlag(fs)
	}
	if _, err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	s, err := OpenStore(ctx, *db, env.Now)
	if err != nil {
		return err
	}
	defer s.Close()
	if write {
		if err := auditWrite(ctx, env, s, auditKeyPath(*db, *auditKey), atalaya.AuditEntry{Actor: cliActor(), Action: "cube.rebuild", Object: "cube"}); err != nil {
			return err
		}
	}
	rep, err := cube.Rebuild(ctx, s, write)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "cube: %s records and %s observations → %s cells; the stored cube had %s cells; %d differ\n",
		group(rep.Records), group(rep.Observations), group(int64(rep.Cells)), group(int64(rep.Before)), rep.Differences)
	if !write && rep.Differences > 0 {
		return atalaya.Errorf(atalaya.ECONFLICT, "the stored cube differs from the records in %d cells; run atalaya cube rebuild", rep.Differences)
	}
	return nil
}

func runProfiles(ctx context.Context, env *Env, args []string) error {
	if len(args) == 1 {
		p, err := ingest.LoadProfile(args[0])
		if err != nil {
			return err
		}
		f, err := ingest.ProfileSource(args[0])
		if err != nil {
			// A profile file of the user's: it parsed and validated.
			fmt.Fprintf(env.Stdout, "profile %s is valid: %s, source %s (%s); it reads the columns %s\n",
				args[0], p, p.Source.ID, p.Source.Type, strings.Join(p.Columns(), ", "))
			return nil
		}
		defer f.Close()
		_, err = io.Copy(env.Stdout, f)
		return err
	}
	for _, n := range ingest.BuiltinProfiles() {
		p, err := ingest.LoadProfile(n)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%-22s %s\n", n, p.Description)
	}
	return nil
}

// runAreasAdd adds one area without a boundary, e.g. a city that groups the
// police districts imported under it.
func runAreasAdd(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "areas add", "")
	db := fs.String("db", DefaultDB, "database URL")
	code := fs.String("code", "", "the area's national code (or ISO3 for a country), e.g. LA")
	name := fs.String("name", "", "the area's name")
	parent := fs.String("parent", "", "the parent area's code, e.g. USA")
	level := fs.Int("level", 1, "level: 0 country, 1 below it, …")
	auditKey := auditKeyFlag(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *code == "" || *name == "" || (*level > 0 && *parent == "") {
		return usageErr("areas add needs --code, --name and, below level 0, --parent")
	}
	a := atalaya.Area{Code: strings.ToUpper(*code), Name: *name, Level: *level}
	if *level > 0 {
		a.Code, a.Parent = atalaya.SubAreaCode(*parent, *code), *parent
	}
	a.Country = atalaya.AreaCountry(a.Code)
	if err := a.Validate(); err != nil {
		return err
	}
	s, err := OpenStore(ctx, *db, env.Now)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := auditWrite(ctx, env, s, auditKeyPath(*db, *auditKey), atalaya.AuditEntry{Actor: cliActor(), Action: "areas.add", Object: "area:" + a.Code}); err != nil {
		return err
	}
	if err := s.PutAreas(ctx, []atalaya.Area{a}); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "added area %s (%s), level %d\n", a.Code, a.Name, a.Level)
	return nil
}
