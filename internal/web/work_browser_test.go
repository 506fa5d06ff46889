package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/oas-atalaya/atalaya/internal/web"
)

// signInAs gives the browser the session of who (a session of the test
// node, as sign-in would) and the language lang.
func signInAs(t *testing.T, ctx context.Context, n *accountsNode, base, who, lang string) {
	t.Helper()
	for name, value := range map[string]string{web.SessionCookie: n.session[who], "atalaya_lang": lang} {
		if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: base}); err != nil {
			t.Fatalf("cookie %s: %v", name, err)
		}
	}
}

// workBrowserNode is the test node with a release, so that the approval
// queue shows a published row, served over HTTP for the browser.
func workBrowserNode(t *testing.T) (*accountsNode, *httptest.Server) {
	t.Helper()
	n := workNode(t)
	rec := n.post("/work/approvals", "approver", url.Values{"source": {"canonical"}, "area": {"MEX"}, "period": {"2024"},
		"status": {"published"}, "reason": {"first release"}}, true)
	if rec.Code != 303 {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body)
	}
	ts := httptest.NewServer(n.h)
	t.Cleanup(ts.Close)
	return n, ts
}

// TestWorkPagesInChromium loads every working page as the role that uses
// it, in Spanish and English: no console error or CSP violation, no
// serious axe-core violation, a screenshot of each.
func TestWorkPagesInChromium(t *testing.T) {
	ctx := newBrowser(t)
	n, ts := workBrowserNode(t)
	pages := []struct{ who, path, name string }{
		{"steward", "/work", "dashboard-steward"},
		{"admin", "/work", "dashboard-admin"},
		{"steward", "/work/upload", "upload"},
		{"analyst", "/work/batches", "batches"},
		{"steward", "/work/batches/1", "batch"},
		{"steward-mx", "/work/mappings", "mappings"},
		{"steward-mx", "/work/mappings/mx-sesnsp-victimas", "mapping"},
		{"approver", "/work/approvals?source=canonical&area=MEX&period=2024", "approvals"},
		{"admin", "/work/users?edit=steward-mx", "users"},
		{"admin", "/work/settings", "settings"},
		{"admin", "/work/sources", "sources"},
		{"analyst", "/work/account", "account"},
		{"steward", "/work/batches/2", "refused"},
	}
	for _, lang := range []string{"es", "en"} {
		for _, p := range pages {
			signInAs(t, ctx, n, ts.URL, p.who, lang)
			ld := visit(t, ctx, ts.URL+p.path)
			// The refused page answers 403, which the browser logs as a
			// failed resource: that is the only error allowed.
			for _, e := range ld.Errors {
				if !(p.name == "refused" && strings.Contains(e, "403")) {
					t.Errorf("%s (%s): %s", p.path, lang, e)
				}
			}
			axe(t, ctx)
			shot(t, ctx, "", fmt.Sprintf("work-%s.%s.png", p.name, lang))
		}
	}
}

// TestWorkUploadInChromium uploads a file through the upload page with
// work.js on a slowed-down connection: the progress bar moves while the
// file is sent, then the batch's page shows its rejected rows.
func TestWorkUploadInChromium(t *testing.T) {
	ctx := newBrowser(t)
	n, ts := workBrowserNode(t)
	for _, lang := range []string{"es", "en"} {
		signInAs(t, ctx, n, ts.URL, "steward", lang)
		if ld := visit(t, ctx, ts.URL+"/work/upload"); len(ld.Errors) > 0 {
			t.Errorf("upload page (%s): %v", lang, ld.Errors)
		}
		// Some 400 KB: two rows to reject, then valid ones.
		var b strings.Builder
		b.WriteString("record_id,occurred_on,iccs,area,victim_sex\n")
		fmt.Fprintf(&b, "%s-bad1,2024-03-45,0101,MEX-09,F\n%s-bad2,2024-03-05,0101,MEX-77,M\n", lang, lang)
		for i := 0; b.Len() < 400_000; i++ {
			fmt.Fprintf(&b, "%s-%06d,2024-%02d-%02d,0101,MEX-09,%s\n", lang, i, 1+i%12, 1+i%28, []string{"F", "M"}[i%2])
		}
		file := filepath.Join(t.TempDir(), "incidents-"+lang+".csv")
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file})); err != nil {
			t.Fatal(err)
		}
		throttle(t, ctx, 80_000) // bytes per second: some five seconds
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#upload-form button[type=submit]"))); err != nil {
			t.Fatal(err)
		}
		const moving = `(() => { const b = document.getElementById("upload-progress"), box = document.getElementById("upload-box");
			return !!b && !box.hidden && b.hasAttribute("value") && b.value > 0 && b.value < b.max })()`
		seen := false
		for deadline := time.Now().Add(15 * time.Second); !seen && time.Now().Before(deadline); {
			seen, _ = chromedp.Run(ctx, chromedp.Evaluate[bool](moving))
			if !seen {
				time.Sleep(100 * time.Millisecond)
			}
		}
		if !seen {
			t.Errorf("upload (%s): the progress bar never showed a part of the file sent", lang)
		} else {
			status, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#upload-status")))
			if status == "" {
				t.Errorf("upload (%s): no status text beside the progress bar", lang)
			}
			// A picture of the bar well under way.
			const half = `(() => { const b = document.getElementById("upload-progress"); return !b.hasAttribute("value") || b.value >= b.max * 0.4 })()`
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](half)); ok {
					break
				}
			}
			shot(t, ctx, "", "work-upload-progress."+lang+".png")
		}
		tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		err := chromedp.Do(tctx, chromedp.WaitVisible(chromedp.CSS("table.rejections")))
		cancel()
		throttle(t, ctx, -1)
		if err != nil {
			t.Fatalf("upload (%s): the batch page with its rejected rows never came: %v", lang, err)
		}
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		rows, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("table.rejections tbody")))
		if !strings.Contains(loc, "/work/batches/") || !strings.Contains(rows, "2024-03-45") || !strings.Contains(rows, "MEX-77") {
			t.Errorf("upload (%s): at %s the rejected rows are %q", lang, loc, rows)
		}
		for _, e := range consoleErrors(ctx) {
			t.Errorf("upload (%s): %s", lang, e)
		}
		axe(t, ctx)
		shot(t, ctx, "", "work-upload-result."+lang+".png")
	}
}

// throttle limits the browser's upload throughput (bytes per second; -1
// lifts the limit), with Network.emulateNetworkConditions, which this
// Chromium takes and cdproto no longer names.
func throttle(t *testing.T, ctx context.Context, upload float64) {
	t.Helper()
	type conditions struct {
		Offline            bool    `json:"offline"`
		Latency            float64 `json:"latency"`
		DownloadThroughput float64 `json:"downloadThroughput"`
		UploadThroughput   float64 `json:"uploadThroughput"`
	}
	emulate := cdp.Command[conditions, cdp.Empty]{Method: "Network.emulateNetworkConditions"}
	if _, err := chromedp.Call(ctx, emulate, conditions{DownloadThroughput: -1, UploadThroughput: upload}); err != nil {
		t.Fatalf("throttle: %v", err)
	}
}

// TestWorkRealDataInChromium shows the approval queue, the batches and the
// mapping editor on real SESNSP figures (fixture_test.go's states), with
// 2015–2023 published, 2024 validated and 2025 preliminary.
func TestWorkRealDataInChromium(t *testing.T) {
	ctx := newBrowser(t)
	n := realWorkNode(t)
	for y := 2015; y <= 2024; y++ {
		status := "published"
		if y == 2024 {
			status = "validated"
		}
		rec := n.post("/work/approvals", "demo-approver", url.Values{"source": {"mx-sesnsp"}, "area": {"MEX"}, "period": {fmt.Sprint(y)},
			"status": {status}, "reason": {"SESNSP annual closing"}}, true)
		if rec.Code != 303 {
			t.Fatalf("release %d: %d %s", y, rec.Code, rec.Body)
		}
	}
	ts := httptest.NewServer(n.h)
	defer ts.Close()
	for _, lang := range []string{"es", "en"} {
		for _, p := range []struct{ who, path, name string }{
			{"demo-approver", "/work/approvals?source=mx-sesnsp&area=MEX&period=2025", "approvals-real"},
			{"demo-steward", "/work/batches", "batches-real"},
			{"demo-steward", "/work/mappings/mx-sesnsp-victimas", "mapping-real"},
		} {
			signInAs(t, ctx, n, ts.URL, p.who, lang)
			ld := visit(t, ctx, ts.URL+p.path)
			for _, e := range ld.Errors {
				t.Errorf("%s (%s): %s", p.path, lang, e)
			}
			axe(t, ctx)
			shot(t, ctx, "", fmt.Sprintf("work-%s.%s.png", p.name, lang))
		}
	}
	rows, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("table tbody tr").length`))
	if rows == 0 {
		t.Errorf("the mapping editor has no rows")
	}
}
