package cli

import (
	"context"
	"crypto/rand"
	"fmt"
	"strconv"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
	"github.com/oas-atalaya/atalaya/internal/cube"
	"github.com/oas-atalaya/atalaya/internal/geo"
	"github.com/oas-atalaya/atalaya/internal/ingest"
)

func runDemo(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "demo", "")
	db := fs.String("db", "sqlite:atalaya.db", "database URL (kept and reused between runs)")
	addr := fs.String("addr", "localhost:8080", "address to serve on")
	tf := tlsFlags(fs)
	auditKey := fs.String("audit-key", "", "the node's audit signing key file (created on first use; default "+DefaultAuditKey+" beside the SQLite database, or in the current folder)")
	checkpointCopy := fs.String("checkpoint-copy", "", "also write each signed audit checkpoint to this file, outside the database (keep it where the database's administrators cannot write); `audit verify --checkpoint FILE` then catches a rollback")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	tlsConf, err := tf.config(env)
	if err != nil {
		return err
	}
	s, err := OpenStore(ctx, *db, env.Now)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := loadDemo(ctx, env, s); err != nil {
		return err
	}
	keyPath := auditKeyPath(*db, *auditKey)
	if err := demoAccounts(ctx, env, s, keyPath); err != nil {
		return err
	}
	if err := demoProgramme(ctx, env, s, keyPath); err != nil {
		return err
	}
	return serve(ctx, env, s, *addr, true, tlsConf, keyPath, *checkpointCopy)
}

// DemoPassword is the password of every demo account (README). It is
// public: the demo is for trying the node, never for real data.
const DemoPassword = "watchtower trial 2026"

// demoUsers are the demo accounts, one per role that signs in.
var demoUsers = []atalaya.User{
	{ID: "demo-steward", Name: "Demo data steward (SESNSP)", Role: atalaya.RoleSteward, Sources: []string{"mx-sesnsp"}},
	{ID: "demo-analyst", Name: "Demo analyst", Role: atalaya.RoleAnalyst},
	{ID: "demo-approver", Name: "Demo approver", Role: atalaya.RoleApprover},
	{ID: "demo-admin", Name: "Demo admin", Role: atalaya.RoleAdmin},
}

// demoAccounts creates the demo accounts that do not exist yet (each
// creation audited) and says on start how to sign in with them.
func demoAccounts(ctx context.Context, env *Env, s atalaya.Store, keyPath string) error {
	as, ok := s.(atalaya.AccountStore)
	if !ok {
		return atalaya.Errorf(atalaya.EINVALID, "the %s backend keeps no accounts", s.Backend())
	}
	for _, u := range demoUsers {
		if _, err := as.User(ctx, u.ID); err == nil {
			continue
		} else if atalaya.ErrorCode(err) != atalaya.ENOTFOUND {
			return err
		}
		if err := auth.CheckPasswordPolicy(DemoPassword, u.ID); err != nil {
			return err
		}
		phc, err := auth.HashPassword(rand.Reader, DemoPassword, auth.DefaultParams())
		if err != nil {
			return err
		}
		u.PasswordHash = phc
		if err := auditWrite(ctx, env, s, keyPath, atalaya.AuditEntry{Actor: "system", Action: "user.add",
			Object: "user:" + u.ID + " role:" + string(u.Role), Reason: "demo account"}); err != nil {
			return err
		}
		if err := as.PutUser(ctx, u, true); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "demo accounts (sign in at /signin; password %q for each — demo only):\n", DemoPassword)
	for _, u := range demoUsers {
		extra := ""
		if len(u.Sources) > 0 {
			extra = " of " + u.Sources[0]
		}
		fmt.Fprintf(env.Stdout, "  %-14s %s%s\n", u.ID, u.Role, extra)
	}
	return nil
}

// loadDemo loads the Mexico demo on first start and does nothing when it is
// already loaded.
func loadDemo(ctx context.Context, env *Env, s atalaya.Store) error {
	batches, err := s.Batches(ctx, atalaya.BatchFilter{Source: "mx-sesnsp", Limit: 1})
	if err != nil {
		return err
	}
	if len(batches) > 0 {
		fmt.Fprintf(env.Stdout, "demo data already loaded (batch %d); reusing the database\n", batches[0].ID)
		return finishDemo(ctx, env, s)
	}
	fmt.Fprintln(env.Stdout, "first start: loading the Mexico demo (SESNSP victims 2015–2025, CONAPO population, INEGI state boundaries) and 1,000 geolocated LAPD incidents for the point analyses")
	if err := initReference(ctx, env, s); err != nil {
		return err
	}
	feats, err := geo.ReadFeatureCollection(mustOpen("mexico/mexico_states.geojson"), 64<<20)
	if err != nil {
		return err
	}
	n, err := ingest.ImportAreas(ctx, s, feats, ingest.AreaImport{
		CodeProperty: "CVE_ENT", NameProperty: "NOMGEO", Parent: "MEX", Level: 1, KeepBoundary: true,
		Source: "INEGI, Marco Geoestadístico (áreas geoestadísticas estatales), simplificado y reproyectado a WGS84",
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Mexico: %d states with INEGI boundaries\n", n)
	for _, step := range []struct{ profile, file string }{
		{"population", "mexico/population_state_year_sex.csv"},
		{"sesnsp-victims", "mexico/sesnsp_victims_state_month_selected_nonzero.csv"},
		// Geolocated incidents for the point analyses (kernel density,
		// near repeats): a sample of 1,000 LAPD incidents of 2020.
		{"lapd-incidents", "lapd/lapd_crime_2020_first1000.csv"},
	} {
		p, err := ingest.LoadProfile(step.profile)
		if err != nil {
			return err
		}
		f, err := embedded(step.file)
		if err != nil {
			return err
		}
		bar := newProgressBar(env.Stderr, env.IsTerminal, "load "+step.profile, env.Now)
		in := &ingest.Ingester{Store: s, Now: env.Now, Logger: env.Logger, Progress: bar.update}
		b, err := in.Ingest(ctx, p, []ingest.File{f}, ingest.Options{Submitter: "demo"})
		bar.finish()
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s: read %s = accepted %s + rejected %s + duplicates %s\n", step.file, group(b.Read), group(b.Accepted), group(b.Rejected), group(b.Duplicates))
	}
	return publishDemo(ctx, env, s)
}

// publishDemo publishes the complete SESNSP years (2015–2024) so that the
// public API and the portal show figures; the first half of 2025 stays
// preliminary, visible to analysts only (view=live).
func publishDemo(ctx context.Context, env *Env, s atalaya.Store) error {
	var years []string
	for y := 2015; y <= 2024; y++ {
		years = append(years, strconv.Itoa(y))
	}
	snaps, err := cube.Snapshots(ctx, s, "mx-sesnsp", "MEX", years)
	if err != nil {
		return err
	}
	for _, y := range years {
		if _, err := s.AddRelease(ctx, atalaya.Release{Source: "mx-sesnsp", Area: "MEX", Period: y, Status: atalaya.StatusPublished,
			By: "demo", Reason: "Demo: SESNSP victims as published by SESNSP, complete year"}, snaps[y]); err != nil {
			return err
		}
	}
	fmt.Fprintln(env.Stdout, "published SESNSP 2015–2024 for the public API (2025 is partial and stays preliminary: analysts see it with view=live after signing in)")
	return nil
}

// finishDemo completes a demo database that an earlier start left
// unfinished (stopped while loading) or that predates a later demo
// step: the LAPD incidents and the publication of 2015–2024.
func finishDemo(ctx context.Context, env *Env, s atalaya.Store) error {
	lapd, err := s.Batches(ctx, atalaya.BatchFilter{Source: "us-lapd", Limit: 1})
	if err != nil {
		return err
	}
	if len(lapd) == 0 {
		p, err := ingest.LoadProfile("lapd-incidents")
		if err != nil {
			return err
		}
		f, err := embedded("lapd/lapd_crime_2020_first1000.csv")
		if err != nil {
			return err
		}
		in := &ingest.Ingester{Store: s, Now: env.Now, Logger: env.Logger}
		b, err := in.Ingest(ctx, p, []ingest.File{f}, ingest.Options{Submitter: "demo"})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "added the LAPD sample: read %s = accepted %s + rejected %s + duplicates %s\n", group(b.Read), group(b.Accepted), group(b.Rejected), group(b.Duplicates))
	}
	rels, err := s.Releases(ctx, atalaya.ReleaseFilter{Source: "mx-sesnsp"})
	if err != nil {
		return err
	}
	if len(rels) == 0 {
		return publishDemo(ctx, env, s)
	}
	return nil
}
