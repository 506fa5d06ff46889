package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/user"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/cube"
)

// authNote says who vouches for the approver until sign-in exists.
const authNote = "sign-in is not checked yet: the command line records --by (default: your OS user name) " +
	"on trust; the web layer will pass the signed-in approver"

// maxPublishYears bounds a --period range, against typing 2015-20240.
const maxPublishYears = 100

// runPublish moves the figures of a source, for an area and one or more
// years, to validated or published: one release per year, each a new
// revision that keeps the snapshot of the cells it covers.
func runPublish(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "publish", "\n\nRecords one release per year: a new revision with the snapshot of the source's cells\n"+
		"for the area (and every area below it) and the year. Earlier revisions are kept as they were.\n"+
		"Note: "+authNote+".")
	db := fs.String("db", DefaultDB, "database URL")
	source := fs.String("source", "", "the source whose figures are released, e.g. mx-sesnsp")
	area := fs.String("area", "", "the area released with every area below it, e.g. MEX or MEX-09")
	period := fs.String("period", "", "the year(s): YYYY, a list YYYY,YYYY or a range YYYY-YYYY")
	status := fs.String("status", "", "validated or published")
	embargo := fs.String("embargo", "", "for published figures, when they become public: RFC 3339 (2026-12-01T12:00:00Z) or YYYY-MM-DD (midnight UTC)")
	reason := fs.String("reason", "", "why, and for a revision what changed (kept in the revision log)")
	by := fs.String("by", "", "the approver's user id (default: your OS user name; not authenticated yet)")
	auditKey := auditKeyFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("publish takes no arguments besides its flags (quote a --reason of several words): %q", pos)
	}
	if *source == "" || *area == "" || *period == "" || *status == "" || strings.TrimSpace(*reason) == "" {
		return usageErr("publish needs --source, --area, --period, --status and --reason")
	}
	years, err := parseYears(*period)
	if err != nil {
		return err
	}
	st := atalaya.Status(*status)
	if st != atalaya.StatusValidated && st != atalaya.StatusPublished {
		return usageErr("--status %q: use validated or published (figures never go back to preliminary)", *status)
	}
	var emb time.Time
	if *embargo != "" {
		if st != atalaya.StatusPublished {
			return usageErr("--embargo applies to published figures only")
		}
		if emb, err = parseEmbargo(*embargo); err != nil {
			return err
		}
	}
	approver := strings.TrimSpace(*by)
	if approver == "" {
		if approver = osUserName(); approver == "" {
			return usageErr("cannot tell your OS user name; give --by USER")
		}
		fmt.Fprintf(env.Stderr, "atalaya: approver recorded as %s, your OS user name (--by names another); %s\n", approver, authNote)
	}

	s, err := OpenStore(ctx, *db, env.Now)
	if err != nil {
		return err
	}
	defer s.Close()
	snaps, err := cube.Snapshots(ctx, s, *source, *area, years)
	if err != nil {
		return err
	}
	// A year without figures is most likely a typing mistake, unless it
	// withdraws figures released before: check every year before
	// releasing any, so that a mistake stores nothing.
	for _, y := range years {
		if len(snaps[y]) > 0 {
			continue
		}
		prev, err := s.Releases(ctx, atalaya.ReleaseFilter{Source: *source, Area: *area, Period: y})
		if err != nil {
			return err
		}
		if len(prev) == 0 {
			return atalaya.Errorf(atalaya.EINVALID, "source %s has no figures for %s in %s: nothing to release (nothing was released for any year)", *source, *area, y)
		}
	}
	action := "release.validate"
	if st == atalaya.StatusPublished {
		action = "release.publish"
	}
	for _, y := range years {
		// Audited before each year's release: the approver, the ids and the reason.
		if err := auditWrite(ctx, env, s, auditKeyPath(*db, *auditKey), atalaya.AuditEntry{Actor: approver, Action: action,
			Object: fmt.Sprintf("source:%s area:%s period:%s", *source, *area, y), Reason: *reason}); err != nil {
			return err
		}
		r, err := s.AddRelease(ctx, atalaya.Release{Source: *source, Area: *area, Period: y, Status: st,
			Embargo: emb, By: approver, Reason: *reason}, snaps[y])
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, describeRelease(r))
	}
	return nil
}

// describeRelease is the line publish prints for a release.
func describeRelease(r atalaya.Release) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s: revision %d %s", r.Source, r.Area, r.Period, r.Revision, r.Status)
	if r.Embargo.After(r.At) {
		fmt.Fprintf(&b, " (embargoed until %s)", r.Embargo.Format(time.RFC3339))
	}
	fmt.Fprintf(&b, ", %s cells, total %s", group(r.Cells), group(r.Total))
	if r.PreviousTotal == nil {
		b.WriteString(" (first release)")
	} else {
		fmt.Fprintf(&b, " (%s vs revision %d)", change(r), r.Revision-1)
	}
	return b.String()
}

// change is the change of a release's total against the previous revision:
// "+12", "-3", "no change", or "first" for a first release.
func change(r atalaya.Release) string {
	if r.PreviousTotal == nil {
		return "first"
	}
	switch d := r.Total - *r.PreviousTotal; {
	case d > 0:
		return "+" + group(d)
	case d < 0:
		return "-" + group(-d)
	}
	return "no change"
}

// parseYears reads YYYY, YYYY,YYYY… and YYYY-YYYY (and lists of ranges)
// and returns the years in order, each once.
func parseYears(s string) ([]string, error) {
	seen := map[int]bool{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		from, to, isRange := strings.Cut(part, "-")
		if !isRange {
			to = from
		}
		a, errA := parseYear(from)
		b, errB := parseYear(to)
		switch {
		case errA != nil || errB != nil:
			return nil, usageErr("--period %q: use YYYY, YYYY,YYYY or YYYY-YYYY", s)
		case b < a:
			return nil, usageErr("--period %q: the range %s ends before it starts", s, part)
		case b-a >= maxPublishYears:
			return nil, usageErr("--period %q: at most %d years at once", s, maxPublishYears)
		}
		for y := a; y <= b; y++ {
			seen[y] = true
		}
	}
	if len(seen) > maxPublishYears {
		return nil, usageErr("--period %q: at most %d years at once", s, maxPublishYears)
	}
	years := make([]string, 0, len(seen))
	for y := range seen {
		years = append(years, strconv.Itoa(y))
	}
	sort.Strings(years)
	return years, nil
}

func parseYear(s string) (int, error) {
	if len(s) != 4 || !atalaya.ValidPeriod(s) {
		return 0, fmt.Errorf("not a year: %q", s)
	}
	return strconv.Atoi(s)
}

// parseEmbargo reads an RFC 3339 instant or a date (midnight UTC).
func parseEmbargo(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, usageErr("--embargo %q: use RFC 3339 (2026-12-01T12:00:00Z) or YYYY-MM-DD", s)
}

// osUserName returns the name of the user running the command, or "".
func osUserName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	for _, v := range []string{"USER", "USERNAME", "LOGNAME"} {
		if n := os.Getenv(v); n != "" {
			return n
		}
	}
	return ""
}

// runReleases prints the revision log: every release matching the flags,
// oldest first.
func runReleases(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "releases", "\n\nThe revision log, oldest first. The by column is the approver as recorded;\n"+
		authNote+".")
	db := fs.String("db", DefaultDB, "database URL")
	source := fs.String("source", "", "only this source")
	area := fs.String("area", "", "only this area (exactly)")
	period := fs.String("period", "", "only this year (YYYY)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *period != "" {
		if _, err := parseYear(*period); err != nil {
			return usageErr("--period %q: use YYYY", *period)
		}
	}
	s, err := OpenStore(ctx, *db, env.Now)
	if err != nil {
		return err
	}
	defer s.Close()
	rels, err := s.Releases(ctx, atalaya.ReleaseFilter{Source: *source, Area: *area, Period: *period})
	if err != nil {
		return err
	}
	if *asJSON {
		if rels == nil {
			rels = []atalaya.Release{}
		}
		return json.NewEncoder(env.Stdout).Encode(rels)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tsource\tarea\tperiod\trevision\tstatus\tat\tembargo\tby\tcells\ttotal\tchange\treason")
	for _, r := range rels {
		emb := "-"
		if !r.Embargo.IsZero() {
			emb = r.Embargo.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Source, r.Area, r.Period,
			r.Revision, r.Status, r.At.Format(time.RFC3339), emb, oneLine(r.By), group(r.Cells), group(r.Total),
			change(r), oneLine(r.Reason))
	}
	return tw.Flush()
}

// oneLine keeps a table row on one line whatever a free text holds.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
