package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	domain "github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/cli"
	"github.com/oas-atalaya/atalaya/internal/sqlite"
)

// atalayaAt runs the command in-process with a fixed clock.
func atalayaAt(t *testing.T, now time.Time, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Now: func() time.Time { return now }, Logger: discardLogger()}
	code := cli.Run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

// releasesJSON returns `atalaya releases --json` with extra flags.
func releasesJSON(t *testing.T, db string, flags ...string) []domain.Release {
	t.Helper()
	code, out, stderr := atalaya(t, append([]string{"releases", "--json", "--db", db}, flags...)...)
	if code != 0 {
		t.Fatalf("releases --json: exit %d %s", code, stderr)
	}
	var rels []domain.Release
	if err := json.Unmarshal([]byte(out), &rels); err != nil {
		t.Fatalf("releases --json: %v\n%s", err, out)
	}
	return rels
}

// cubeTotal sums the stored cube's cells at area over the top ICCS
// sections in year: what a release of a store's only source totals.
func cubeTotal(t *testing.T, path, area, year string) int64 {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cells, err := s.Cube(context.Background(), domain.CubeFilter{Areas: []string{area}})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, c := range cells {
		if len(c.ICCS) == 2 && strings.HasPrefix(c.Period, year) {
			n += c.Count
		}
	}
	return n
}

func TestPublishAndReleases(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.db")
	db := "sqlite:" + path
	if code, _, stderr := atalaya(t, "init", "--db", db); code != 0 {
		t.Fatalf("init: %s", stderr)
	}
	raw, err := os.ReadFile("../../testdata/lapd/lapd_crime_2020_first1000.csv")
	if err != nil {
		t.Fatal(err)
	}
	lapd := filepath.Join(dir, "lapd.csv")
	if err := os.WriteFile(lapd, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := atalaya(t, "ingest", "--db", db, "--profile", "lapd-incidents", lapd); code != 0 {
		t.Fatalf("ingest: exit %d\n%s\n%s", code, out, stderr)
	}
	total := cubeTotal(t, path, "USA", "2020")
	if total < 900 {
		t.Fatalf("the LAPD sample gives a 2020 total of %d at USA; want most of its 1,000 rows", total)
	}

	// Validated, then published under embargo: two revisions.
	t1 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	code, out, stderr := atalayaAt(t, t1, "publish", "--db", db, "--source", "us-lapd", "--area", "USA", "--period", "2020",
		"--status", "validated", "--reason", "checked against the LAPD annual report", "--by", "ana")
	if code != 0 || !strings.HasPrefix(out, "us-lapd USA 2020: revision 1 validated, ") ||
		!strings.HasSuffix(out, " cells, total "+groupInt(total)+" (first release)\n") || strings.Count(out, "\n") != 1 {
		t.Fatalf("publish (validated): exit %d\n%s\n%s\nwant one line: us-lapd USA 2020: revision 1 validated, N cells, total %s (first release)",
			code, out, stderr, groupInt(total))
	}
	if strings.Contains(stderr, "sign-in") {
		t.Errorf("publish --by warned about sign-in: %s", stderr)
	}
	t2 := t1.Add(time.Hour)
	code, out, stderr = atalayaAt(t, t2, "publish", "--db", db, "--source", "us-lapd", "--area", "USA", "--period", "2020",
		"--status", "published", "--embargo", "2026-12-01T12:00:00Z", "--reason", "annual publication", "--by", "ana")
	if code != 0 || !strings.Contains(out, "revision 2 published (embargoed until 2026-12-01T12:00:00Z)") || !strings.Contains(out, "(no change vs revision 1)") {
		t.Fatalf("publish (published): exit %d\n%s\n%s", code, out, stderr)
	}

	// New rows change the figures: the next revision says by how much, and
	// the earlier revisions keep theirs.
	lines := strings.SplitAfter(string(raw), "\n")
	extra := lines[0]
	for i, l := range lines[1:4] {
		_, rest, _ := strings.Cut(l, ",")
		extra += fmt.Sprintf("99900000%d,%s", i, rest)
	}
	more := filepath.Join(dir, "more.csv")
	if err := os.WriteFile(more, []byte(extra), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := atalaya(t, "ingest", "--db", db, "--profile", "lapd-incidents", more); code != 0 {
		t.Fatalf("ingest more: exit %d\n%s\n%s", code, out, stderr)
	}
	newTotal := cubeTotal(t, path, "USA", "2020")
	if newTotal != total+3 {
		t.Fatalf("after three more rows the total is %d; want %d", newTotal, total+3)
	}
	// Without --by the OS user is recorded, with a note that sign-in comes later.
	code, out, stderr = atalayaAt(t, t2.Add(time.Hour), "publish", "--db", db, "--source", "us-lapd", "--area", "USA",
		"--period", "2020", "--status", "published", "--reason", "three late reports")
	if code != 0 || !strings.Contains(out, "revision 3 published, ") || !strings.Contains(out, "total "+groupInt(newTotal)+" (+3 vs revision 2)") {
		t.Fatalf("publish (revision 3): exit %d\n%s\n%s", code, out, stderr)
	}
	if !strings.Contains(stderr, "sign-in is not checked yet") {
		t.Errorf("publish without --by did not say that sign-in comes later: %q", stderr)
	}

	rels := releasesJSON(t, db)
	if len(rels) != 3 {
		t.Fatalf("releases --json: %d releases; want 3: %+v", len(rels), rels)
	}
	osUser := ""
	if u, err := user.Current(); err == nil {
		osUser = u.Username
	}
	for i, w := range []struct {
		status   domain.Status
		at       time.Time
		by       string
		total    int64
		previous *int64
		embargo  time.Time
	}{
		{domain.StatusValidated, t1, "ana", total, nil, time.Time{}},
		{domain.StatusPublished, t2, "ana", total, &total, time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)},
		{domain.StatusPublished, t2.Add(time.Hour), osUser, newTotal, &total, time.Time{}},
	} {
		r := rels[i]
		if r.Revision != i+1 || r.Source != "us-lapd" || r.SourceType != domain.SourcePolice || r.Area != "USA" || r.Period != "2020" ||
			r.Status != w.status || !r.At.Equal(w.at) || r.By != w.by || r.Total != w.total || !r.Embargo.Equal(w.embargo) ||
			(r.PreviousTotal == nil) != (w.previous == nil) || r.PreviousTotal != nil && *r.PreviousTotal != *w.previous || r.Cells == 0 {
			t.Errorf("release %d = %+v; want revision %d, %s at %v by %q, total %d, embargo %v", i, r, i+1, w.status, w.at, w.by, w.total, w.embargo)
		}
	}

	// The table: a header and one aligned row per release, oldest first.
	code, out, _ = atalaya(t, "releases", "--db", db, "--source", "us-lapd")
	rows := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if code != 0 || len(rows) != 4 || !strings.HasPrefix(rows[0], "id ") || !strings.Contains(rows[0], "reason") {
		t.Fatalf("releases: exit %d\n%s", code, out)
	}
	col := strings.Index(rows[0], "reason")
	for i, reason := range []string{"checked against the LAPD annual report", "annual publication", "three late reports"} {
		if strings.Index(rows[i+1], reason) != col {
			t.Errorf("releases row %d: reason not in the reason column:\n%s", i+1, out)
		}
	}
	if !strings.Contains(rows[2], "2026-12-01T12:00:00Z") || !strings.Contains(rows[3], "+3") || !strings.Contains(rows[1], "first") {
		t.Errorf("releases table lacks the embargo or the changes:\n%s", out)
	}

	// Filters.
	if got := releasesJSON(t, db, "--period", "2019"); len(got) != 0 {
		t.Errorf("releases --period 2019 = %+v; want none", got)
	}
	if got := releasesJSON(t, db, "--area", "USA", "--source", "us-lapd", "--period", "2020"); len(got) != 3 {
		t.Errorf("releases --area USA --source us-lapd --period 2020: %d releases; want 3", len(got))
	}
	if got := releasesJSON(t, db, "--area", "MEX"); len(got) != 0 {
		t.Errorf("releases --area MEX = %+v; want none", got)
	}
}

func TestPublishRefuses(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "a.db")
	if code, _, stderr := atalaya(t, "init", "--db", db); code != 0 {
		t.Fatalf("init: %s", stderr)
	}
	if code, out, stderr := atalaya(t, "ingest", "--db", db, "--profile", "lapd-incidents", "../../testdata/lapd/lapd_crime_2020_first1000.csv"); code != 0 {
		t.Fatalf("ingest: exit %d\n%s\n%s", code, out, stderr)
	}
	base := []string{"publish", "--db", db, "--source", "us-lapd", "--area", "USA", "--status", "published", "--by", "ana", "--reason", "r"}
	with := func(args ...string) []string {
		out := append([]string(nil), base...)
		for i := 0; i < len(args); i += 2 {
			found := false
			for j := range out {
				if out[j] == args[i] {
					out[j+1], found = args[i+1], true
				}
			}
			if !found {
				out = append(out, args[i], args[i+1])
			}
		}
		return out
	}
	for _, tc := range []struct {
		what    string
		args    []string
		code    int
		message string
	}{
		{"no period", base, cli.ExitUsage, "--period"},
		{"blank reason", with("--period", "2020", "--reason", "  "), cli.ExitUsage, "--reason"},
		{"month", with("--period", "2020-01"), cli.ExitUsage, "YYYY"},
		{"backwards range", with("--period", "2021-2019"), cli.ExitUsage, "ends before"},
		{"huge range", with("--period", "1000-2020"), cli.ExitUsage, "at most"},
		{"preliminary", with("--period", "2020", "--status", "preliminary"), cli.ExitUsage, "never go back"},
		{"embargo on validated", with("--period", "2020", "--status", "validated", "--embargo", "2026-12-01"), cli.ExitUsage, "published figures only"},
		{"bad embargo", with("--period", "2020", "--embargo", "next week"), cli.ExitUsage, "RFC 3339"},
		{"unquoted reason", append(with("--period", "2020"), "words"), cli.ExitUsage, "quote"},
		{"unknown source", with("--period", "2020", "--source", "mx-nobody"), cli.ExitError, "mx-nobody not found"},
		{"unknown area", with("--period", "2020", "--area", "USA-CA"), cli.ExitError, "USA-CA not found"},
		{"a year without figures", with("--period", "2019-2020"), cli.ExitError, "no figures for USA in 2019"},
	} {
		code, out, stderr := atalaya(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.message) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d mentioning %q (stdout %q)", tc.what, code, stderr, tc.code, tc.message, out)
		}
	}
	// Nothing was released by any refused command, not even 2020 of 2019-2020.
	if got := releasesJSON(t, db); len(got) != 0 {
		t.Fatalf("refused publishes stored releases: %+v", got)
	}

	// A list and a range: one release per year, in order; an embargo given
	// as a date is midnight UTC.
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	code, out, stderr := atalayaAt(t, now, with("--period", "2020,2020-2020", "--embargo", "2026-12-01")...)
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, "(embargoed until 2026-12-01T00:00:00Z)") {
		t.Fatalf("publish 2020,2020-2020: exit %d\n%s\n%s", code, out, stderr)
	}

	// A year without figures may be released when it was released before:
	// that withdraws the figures, as a new revision.
	s, err := sqlite.Open(context.Background(), strings.TrimPrefix(db, "sqlite:"),
		sqlite.WithClock(func() time.Time { return now.Add(time.Minute) }))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.AddRelease(context.Background(), domain.Release{Source: "us-lapd", Area: "USA", Period: "2019",
		Status: domain.StatusValidated, Reason: "nothing for 2019"}, nil)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr = atalayaAt(t, now.Add(time.Hour), with("--period", "2019")...)
	if code != 0 || out != "us-lapd USA 2019: revision 2 published, 0 cells, total 0 (no change vs revision 1)\n" {
		t.Fatalf("publish 2019 after an empty release: exit %d\n%s\n%s", code, out, stderr)
	}

	if code, _, stderr := atalaya(t, "releases", "--db", db, "--period", "20"); code != cli.ExitUsage || !strings.Contains(stderr, "YYYY") {
		t.Errorf("releases --period 20: exit %d %s; want a usage error", code, stderr)
	}
}

// groupInt formats n as the command does: thousands separated by commas.
func groupInt(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
