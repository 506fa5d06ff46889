package web_test

// The browser-test harness: headless Chromium driven through chromedp.
// Public and working pages share it:
//
//	ctx := newBrowser(t)                       // one browser per test, closed at its end
//	ld := visit(t, ctx, ts.URL+"/explore")     // load; ld.Errors are console errors and CSP violations
//	shot(t, ctx, "", "explore.en.png")         // PNG of the whole page ("" keeps the current page)
//	axe(t, ctx)                                // axe-core: fails on serious or critical violations
//
// ATALAYA_CHROMIUM names the browser (scripts/browser.sh), ATALAYA_AXE the
// axe.min.js file (scripts/axe.sh), ATALAYA_SCREENSHOTS the folder that
// keeps screenshots (a temporary folder otherwise). Run alone with `go test`
// and no Chromium, the browser tests skip; under scripts/test they cannot.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browserState is what the listener collects for a browser context.
type browserState struct {
	mu     sync.Mutex
	errors []string // console errors, exceptions, CSP violations, failed loads
	bytes  float64  // bytes transferred since the last visit
}

type browserKey struct{}

func stateOf(ctx context.Context) *browserState {
	st, _ := ctx.Value(browserKey{}).(*browserState)
	return st
}

// newBrowser starts headless Chromium for the test (a window of 1280×900)
// and returns its chromedp context; the browser stops when the test ends.
// Console errors, uncaught exceptions, CSP violations and failed loads are
// collected for visit and consoleErrors.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	bin := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.Headless,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true), chromedp.Flag("font-render-hinting", "none"),
		chromedp.WindowSize(1280, 900), chromedp.UserDataDir(t.TempDir()))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	st := &browserState{}
	actx = context.WithValue(actx, browserKey{}, st)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Listen(ctx, func(ev any) {
		st.mu.Lock()
		defer st.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
				}
				st.errors = append(st.errors, "console: "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			st.errors = append(st.errors, "exception: "+msg)
		case *log.EventEntryAdded:
			e := ev.Entry
			if strings.HasSuffix(e.URL, "/favicon.ico") {
				break // browsers ask for it whatever the page says
			}
			if e.Level == log.EntryLevelError || strings.Contains(e.Text, "Content Security Policy") || strings.Contains(e.Text, "Refused to") {
				st.errors = append(st.errors, fmt.Sprintf("log (%s): %s %s", e.Source, e.Text, e.URL))
			}
		case *network.EventLoadingFinished:
			st.bytes += ev.EncodedDataLength
		case *network.EventLoadingFailed:
			if !ev.Canceled {
				st.errors = append(st.errors, "load failed: "+ev.ErrorText)
			}
		}
	}); err != nil {
		t.Fatalf("start chromium (%s): %v", bin, err)
	}
	return ctx
}

// pageLoad is what visit measured.
type pageLoad struct {
	Bytes   int64         // transferred, page and subresources (headers included)
	Elapsed time.Duration // from navigation start to the load event, as the page measured it
	Errors  []string      // console errors, exceptions, CSP violations, failed loads
}

// visit loads url, waits for the load event and returns what it cost and
// the errors the browser reported while loading it.
func visit(t *testing.T, ctx context.Context, url string) pageLoad {
	t.Helper()
	st := stateOf(ctx)
	st.mu.Lock()
	st.errors, st.bytes = nil, 0
	st.mu.Unlock()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("load %s: %v", url, err)
	}
	ms, err := chromedp.Run(tctx, chromedp.Evaluate[float64](`(() => { const n = performance.getEntriesByType("navigation")[0]; return n ? n.loadEventEnd - n.startTime : 0 })()`))
	if err != nil {
		t.Fatalf("timing of %s: %v", url, err)
	}
	// Late events (a CSP report after load) get a moment to arrive.
	time.Sleep(50 * time.Millisecond)
	st.mu.Lock()
	defer st.mu.Unlock()
	return pageLoad{Bytes: int64(st.bytes), Elapsed: time.Duration(ms * float64(time.Millisecond)), Errors: append([]string(nil), st.errors...)}
}

// consoleErrors returns the errors the browser reported since the last visit.
func consoleErrors(ctx context.Context) []string {
	st := stateOf(ctx)
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]string(nil), st.errors...)
}

// screenshotDir is ATALAYA_SCREENSHOTS (created if needed) or a temporary
// folder of the test.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ATALAYA_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// shot loads url (unless it is "") and saves a PNG of the whole page as
// file in the screenshot folder; it returns the file's path.
func shot(t *testing.T, ctx context.Context, url, file string) string {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if url != "" {
		if err := chromedp.Do(tctx, chromedp.Navigate(url)); err != nil {
			t.Fatalf("load %s: %v", url, err)
		}
	}
	png, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", file, err)
	}
	path := filepath.Join(screenshotDir(t), file)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// axePath returns axe.min.js: ATALAYA_AXE, or scripts/axe.sh's default
// cache. Without it the check skips, unless scripts/test runs the tests
// (ATALAYA_CHROMIUM set), where it fails.
func axePath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("ATALAYA_AXE"); p != "" {
		return p
	}
	home, _ := os.UserHomeDir()
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		cache = filepath.Join(home, ".cache")
	}
	if m, _ := filepath.Glob(filepath.Join(cache, "atalaya", "axe-core-*", "node_modules", "axe-core", "axe.min.js")); len(m) > 0 {
		return m[len(m)-1]
	}
	return ""
}

// axeViolation is one rule that failed, as axe-core reports it.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axe runs axe-core on the current page (WCAG 2.1 A and AA and best
// practices) and fails the test on each serious or critical violation; the
// others are logged. The script is injected through the DevTools protocol,
// which the page's Content Security Policy does not govern.
func axe(t *testing.T, ctx context.Context) []axeViolation {
	t.Helper()
	path := axePath(t)
	if path == "" {
		if os.Getenv("ATALAYA_CHROMIUM") != "" {
			t.Fatal("no axe-core: set ATALAYA_AXE (scripts/axe.sh installs it)")
		}
		t.Log("no axe-core (scripts/axe.sh installs it): accessibility check skipped")
		return nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[any](string(src)+";0")); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	const run = `axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + (n.failureSummary || ""))}))))`
	out, err := chromedp.Run(tctx, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("axe-core's answer: %v: %.200s", err, out)
	}
	url, _ := chromedp.Run(tctx, chromedp.Location())
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("axe-core on %s: %s (%s): %s\n  %s", url, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
		} else {
			t.Logf("axe-core on %s: %s (%s): %s", url, v.ID, v.Impact, v.Help)
		}
	}
	return vs
}
