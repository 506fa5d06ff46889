package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya/internal/cli"
)

// TestMain lets the test binary act as the atalaya command when
// ATALAYA_CLI_MAIN is set, so that tests can run it as a child process and
// kill it.
func TestMain(m *testing.M) {
	if os.Getenv("ATALAYA_CLI_MAIN") == "1" {
		os.Exit(cli.Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// atalaya runs the command in-process and returns its exit code and output.
func atalaya(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Now: time.Now,
		Logger: nil}
	env.Logger = discardLogger()
	code := cli.Run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func TestIngestCommand(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "a.db")
	if code, _, stderr := atalaya(t, "init", "--db", db); code != 0 {
		t.Fatalf("init: %d %s", code, stderr)
	}
	// The real LAPD sample plus two broken rows: a date that does not
	// exist and a point in the Pacific, far from any boundary.
	raw, err := os.ReadFile("../../testdata/lapd/lapd_crime_2020_first1000.csv")
	if err != nil {
		t.Fatal(err)
	}
	raw = append(raw, "999000001,01/08/2020 12:00:00 AM,02/30/2020 12:00:00 AM,2230,3,Southwest,377,2,624,BATTERY - SIMPLE ASSAULT,,36,F,B,501.0,X,400.0,X,AO,Adult Other,624.0,,,,X,,34.0141,-118.2978\n"+
		"999000002,01/08/2020 12:00:00 AM,01/08/2020 12:00:00 AM,2230,3,Southwest,377,2,624,BATTERY - SIMPLE ASSAULT,,36,F,B,501.0,X,400.0,X,AO,Adult Other,624.0,,,,X,,30.0,-130.0\n"...)
	lapd := filepath.Join(dir, "lapd.csv")
	if err := os.WriteFile(lapd, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := atalaya(t, "ingest", "--db", db, "--profile", "lapd-incidents", lapd)
	if code != cli.ExitRejected {
		t.Fatalf("ingest LAPD: exit %d, want %d (two rows are broken)\n%s\n%s", code, cli.ExitRejected, out, stderr)
	}
	if !strings.Contains(out, "read 1,002 = accepted 1,000 + rejected 2 + duplicates 0") || !strings.Contains(stderr, "ingest errors") {
		t.Fatalf("summary missing:\n%s\n%s", out, stderr)
	}
	// The rejected rows, as CSV with file, row, column, value and reason.
	code, out, _ = atalaya(t, "ingest", "errors", "--db", db, "1")
	if code != 0 || !strings.HasPrefix(out, "batch,file,row,column,value,reason,raw\n") || strings.Count(out, "lapd.csv,") != 2 ||
		!strings.Contains(out, "lapd.csv,1001,DATE OCC,02/30/2020 12:00:00 AM,the date does not match the format") || !strings.Contains(out, "outside every area") {
		t.Fatalf("ingest errors: exit %d\n%s", code, out)
	}
	// A second run: every row is a duplicate or rejected again; --json.
	code, out, _ = atalaya(t, "ingest", "--json", "--db", db, "--profile", "lapd-incidents", lapd)
	var res struct {
		Batch    struct{ Read, Accepted, Rejected, Duplicates int64 }
		Balanced bool
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out)
	}
	if code != cli.ExitRejected || !res.Balanced || res.Batch.Accepted != 0 || res.Batch.Duplicates != 1000 || res.Batch.Rejected != 2 {
		t.Fatalf("re-ingest: exit %d %+v", code, res)
	}
	if code, out, _ := atalaya(t, "cube", "check", "--db", db); code != 0 || !strings.Contains(out, "0 differ") {
		t.Fatalf("cube check: %d %s", code, out)
	}
}

func TestRefusedFiles(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "a.db")
	if code, _, stderr := atalaya(t, "init", "--db", db); code != 0 {
		t.Fatalf("init: %s", stderr)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, file string
		want       string
	}{
		{"missing columns", write("cols.csv", []byte("DR_NO,DATE OCC\n1,01/01/2020 12:00:00 AM\n")), `no column "Crm Cd"`},
		{"binary", write("junk.csv", append([]byte("DR_NO\x00\x01\x02"), bytes.Repeat([]byte{0, 0xff, 3}, 300)...)), "refused"},
		{"empty", write("empty.csv", nil), "refused"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := atalaya(t, "ingest", "--db", db, "--profile", "lapd-incidents", c.file)
			if code != cli.ExitError || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, filepath.Base(c.file)) {
				t.Fatalf("exit %d, stderr %q; want exit 1 naming the file and %q", code, stderr, c.want)
			}
		})
	}
	code, out, _ := atalaya(t, "batches", "--db", db)
	if code != 0 || strings.Count(out, "\n") != 1 {
		t.Fatalf("refused files left batches behind:\n%s", out)
	}
}

// TestKillMidIngest kills the ingest with SIGKILL half-way through a large
// file: the database must hold no trace of the batch, and the re-run must
// succeed and store every row once.
func TestKillMidIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a large file")
	}
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "a.db")
	if code, _, stderr := atalaya(t, "init", "--db", db); code != 0 {
		t.Fatalf("init: %s", stderr)
	}
	if code, _, stderr := atalaya(t, "areas", "import", "--db", db, "--code-property", "CVE_ENT", "--name-property", "NOMGEO", "--parent", "MEX", "--level", "1", "../../data/mexico/mexico_states.geojson"); code != 0 {
		t.Fatalf("areas import: %s", stderr)
	}
	csv := filepath.Join(dir, "big.csv")
	if code, _, stderr := atalaya(t, "synth", "--rows", "300000", "--out", csv); code != 0 {
		t.Fatalf("synth: %s", stderr)
	}
	self, _ := os.Executable()
	cmd := exec.Command(self, "ingest", "--db", db, "--profile", "canonical-incidents", csv)
	cmd.Env = append(os.Environ(), "ATALAYA_CLI_MAIN=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGKILL)
	err := cmd.Wait()
	if err == nil {
		t.Fatal("the ingest finished before it was killed; use a bigger file")
	}
	code, out, _ := atalaya(t, "batches", "--db", db, "--json")
	if code != 0 || strings.TrimSpace(out) != "[]" && strings.TrimSpace(out) != "null" {
		t.Fatalf("after kill -9: batches = %s", out)
	}
	code, out, stderr := atalaya(t, "ingest", "--db", db, "--profile", "canonical-incidents", csv)
	if code != 0 || !strings.Contains(out, "read 300,000 = accepted 300,000 + rejected 0 + duplicates 0") {
		t.Fatalf("re-run after kill: exit %d\n%s\n%s", code, out, stderr)
	}
	if code, out, _ := atalaya(t, "cube", "check", "--db", db); code != 0 || !strings.Contains(out, "0 differ") {
		t.Fatalf("cube check: %d %s", code, out)
	}
}

// TestDemoServes starts the demo on a free port, waits for it to load the
// real data, and reads the index page and the API.
func TestDemoServes(t *testing.T) {
	dir := t.TempDir()
	self, _ := os.Executable()
	cmd := exec.Command(self, "demo", "--db", "sqlite:"+filepath.Join(dir, "demo.db"), "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "ATALAYA_CLI_MAIN=1")
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	url := make(chan string, 1)
	go func() {
		buf := make([]byte, 0, 4096)
		tmp := make([]byte, 512)
		for {
			n, err := stdout.Read(tmp)
			buf = append(buf, tmp[:n]...)
			if i := bytes.Index(buf, []byte("http://")); i >= 0 {
				rest := buf[i:]
				if k := bytes.Index(rest, []byte("/ ")); k >= 0 {
					url <- string(rest[:k])
					io.Copy(io.Discard, stdout)
					return
				}
			}
			if err != nil {
				url <- ""
				return
			}
		}
	}()
	var base string
	select {
	case base = <-url:
	case <-time.After(3 * time.Minute):
		t.Fatalf("demo did not start: %s", stderr.String())
	}
	if base == "" {
		t.Fatalf("demo exited: %s", stderr.String())
	}
	get := func(path string) string {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
		}
		return string(b)
	}
	if page := get("/"); !strings.Contains(page, "INEGI") || !strings.Contains(page, "SESNSP") {
		t.Fatalf("index page lacks the attribution or the source:\n%s", page)
	}
	var cube struct {
		Cells []struct {
			Period  string
			Count   int64
			Context string
		}
	}
	// The cube is restricted: the public gets 401, a demo analyst signs in.
	if resp, err := http.Get(base + "/api/v1/cube?area=MEX&iccs=0101"); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the public reads the cube: %v %v", resp, err)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: time.Minute}
	resp, err := client.Get(base + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatalf("no CSRF token in the sign-in form:\n%s", b)
	}
	resp, err = client.PostForm(base+"/signin", neturl.Values{"user": {"demo-analyst"}, "password": {cli.DemoPassword}, "csrf": {m[1]}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("demo-analyst signs in: %v %v", resp, err)
	}
	resp.Body.Close()
	get = func(path string) string {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
		}
		return string(b)
	}
	if err := json.Unmarshal([]byte(get("/api/v1/cube?area=MEX&iccs=0101&from=2024-01&to=2024-12")), &cube); err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, c := range cube.Cells {
		if c.Context == "" {
			n += c.Count
		}
	}
	if n != 30046 {
		t.Fatalf("homicidio doloso 2024 through the API = %d, want 30,046", n)
	}
	// The example programme and its two evaluations are on the portal.
	if page := get("/analysis"); !strings.Contains(page, "/analysis/programmes/demo-chihuahua-2019") {
		t.Errorf("the analysis page lacks the demo programme")
	}
	var prog struct{ Evaluations []struct{ ID int64 } }
	if err := json.Unmarshal([]byte(get("/api/v1/programmes/demo-chihuahua-2019")), &prog); err != nil || len(prog.Evaluations) != 2 {
		t.Errorf("demo programme: %v %+v", err, prog)
	} else if page := get(fmt.Sprintf("/analysis/evaluations/%d", prog.Evaluations[0].ID)); !strings.Contains(page, "<svg") {
		t.Errorf("the demo evaluation report has no chart")
	}
}
