package cli_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExport(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "a.db")
	if code, _, stderr := atalaya(t, "init", "--db", db); code != 0 {
		t.Fatalf("init: %s", stderr)
	}
	if code, out, stderr := atalaya(t, "ingest", "--db", db, "--profile", "lapd-incidents", "../../testdata/lapd/lapd_crime_2020_first1000.csv"); code != 0 {
		t.Fatalf("ingest: exit %d\n%s\n%s", code, out, stderr)
	}
	args := []string{"export", "robbery-rate", "--db", db, "--area", "USA", "--from", "2020", "--to", "2020"}

	// Unpublished: the public export has no count, the live one has.
	code, out, stderr := atalaya(t, args...)
	if code != 0 {
		t.Fatalf("export: exit %d %s", code, stderr)
	}
	rows := readCSV(t, out)
	if len(rows) != 2 || rows[0][0] != "\ufeffindicator" && rows[0][0] != "indicator" {
		t.Fatalf("export CSV:\n%s", out)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	if rows[1][col["count"]] != "" || rows[1][col["not_available"]] == "" {
		t.Fatalf("unpublished figures exported publicly: %v", rows[1])
	}
	code, out, _ = atalaya(t, append(args, "--view", "live")...)
	live := readCSV(t, out)
	if code != 0 || live[1][col["count"]] == "" || !strings.Contains(live[1][col["flags"]], "provisional") {
		t.Fatalf("live export: %v", live)
	}

	if code, _, stderr := atalaya(t, "publish", "--db", db, "--source", "us-lapd", "--area", "USA", "--period", "2020",
		"--status", "published", "--reason", "test", "--by", "ana"); code != 0 {
		t.Fatalf("publish: %s", stderr)
	}
	code, out, _ = atalaya(t, args...)
	pub := readCSV(t, out)
	if code != 0 || pub[1][col["count"]] != live[1][col["count"]] || pub[1][col["status"]] != "published" {
		t.Fatalf("published export %v, live %v", pub[1], live[1])
	}

	// Every format writes a file.
	for _, f := range []string{"xlsx", "sdmx-csv", "sdmx-json"} {
		file := filepath.Join(dir, "out."+f)
		if code, _, stderr := atalaya(t, append(args, "--format", f, "--out", file)...); code != 0 || !strings.Contains(stderr, "wrote 1 values") {
			t.Fatalf("%s: exit %d %s", f, code, stderr)
		}
		if st, err := os.Stat(file); err != nil || st.Size() == 0 {
			t.Fatalf("%s: %v", f, err)
		}
	}
	// Mistakes are usage errors or not-found errors, with a message.
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"export", "--db", db, "--area", "USA"}, 2},
		{[]string{"export", "robbery-rate", "--db", db, "--area", "USA", "--format", "pdf"}, 2},
		{[]string{"export", "nope", "--db", db, "--area", "USA"}, 1},
		{[]string{"export", "robbery-rate", "--db", db, "--area", "USA", "--as-of", "yesterday"}, 2},
		{[]string{"export", "robbery-rate", "--db", db, "--area", "ZZZ"}, 1},
	} {
		if code, _, stderr := atalaya(t, c.args...); code != c.code || stderr == "" {
			t.Errorf("%v: exit %d (%s), want %d with a message", c.args, code, stderr, c.code)
		}
	}
}

func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("%v\n%s", err, s)
	}
	return rows
}
