package did_test

import (
	"encoding/csv"
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/did"
)

// scenarios of testdata/r_did_ref_*.csv that need no covariates. Without
// covariates R's dr, ipw and reg estimators coincide.
var scenarios = map[string]did.Options{
	"mpdta_nev_dr":      {Control: did.NeverTreated},
	"mpdta_nev_ipw":     {Control: did.NeverTreated},
	"mpdta_nyt_dr":      {Control: did.NotYetTreated},
	"mpdta_nev_reg_cov": {Control: did.NeverTreated, EstMethod: "reg"}, // xformla = ~lpop
}

// scenarioData is mpdta, with lpop as covariate for the _cov scenario.
func scenarioData(tb testing.TB, name string) []did.Obs {
	obs := mpdta(tb)
	if strings.HasSuffix(name, "_cov") {
		lpop := mpdtaColumn(tb, "lpop")
		for i := range obs {
			obs[i].X = []float64{lpop[i]}
		}
	}
	return obs
}

func mpdtaColumn(tb testing.TB, col string) []float64 {
	var out []float64
	for _, r := range readCSV(tb, "mpdta.csv") {
		out = append(out, num(tb, r[col]))
	}
	return out
}

const relTol = 1e-6

func readCSV(tb testing.TB, name string) []map[string]string {
	tb.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for j, h := range recs[0] {
			m[h] = r[j]
		}
		out = append(out, m)
	}
	return out
}

func num(tb testing.TB, s string) float64 {
	tb.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		tb.Fatalf("parse %q: %v", s, err)
	}
	return v
}

// mpdta loads the minimum-wage panel with lemp as the outcome.
func mpdta(tb testing.TB) []did.Obs {
	tb.Helper()
	var obs []did.Obs
	for _, r := range readCSV(tb, "mpdta.csv") {
		obs = append(obs, did.Obs{
			Unit:       r["countyreal"],
			Period:     int(num(tb, r["year"])),
			Y:          num(tb, r["lemp"]),
			FirstTreat: int(num(tb, r["first.treat"])),
		})
	}
	return obs
}

func near(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Max(math.Abs(want), 1e-12)
}

func TestATTgt_R(t *testing.T) {
	ref := readCSV(t, "r_did_ref_attgt.csv")
	for name, opt := range scenarios {
		t.Run(name, func(t *testing.T) {
			gt, err := did.ATTgt(scenarioData(t, name), opt)
			if err != nil {
				t.Fatal(err)
			}
			got := map[[2]int]did.Row{}
			for _, r := range gt.Rows {
				got[[2]int{r.Group, r.Period}] = r
			}
			n := 0
			for _, r := range ref {
				if r["scenario"] != name {
					continue
				}
				n++
				key := [2]int{int(num(t, r["group"])), int(num(t, r["t"]))}
				g, ok := got[key]
				if !ok {
					t.Errorf("ATT%v missing", key)
					continue
				}
				if want := num(t, r["att"]); !near(g.ATT, want, relTol) {
					t.Errorf("ATT%v = %.15g; want %.15g", key, g.ATT, want)
				}
				if want := num(t, r["se"]); !near(g.SE, want, relTol) {
					t.Errorf("SE%v = %.15g; want %.15g", key, g.SE, want)
				}
			}
			if n != len(gt.Rows) || n != 12 {
				t.Errorf("%d rows; R has %d (want 12)", len(gt.Rows), n)
			}
		})
	}
}

func TestPreTest_R(t *testing.T) {
	for _, r := range readCSV(t, "r_did_ref_pretest.csv") {
		opt, ok := scenarios[r["scenario"]]
		if !ok {
			t.Errorf("scenario %s not run", r["scenario"])
			continue
		}
		gt, err := did.ATTgt(scenarioData(t, r["scenario"]), opt)
		if err != nil {
			t.Fatal(err)
		}
		if want := num(t, r["W"]); !near(gt.PreTestW, want, relTol) {
			t.Errorf("%s: W = %.15g; want %.15g", r["scenario"], gt.PreTestW, want)
		}
		// R rounds the p-value to 5 decimals.
		if want := num(t, r["Wpval"]); math.Abs(gt.PreTestP-want) > 5e-6 {
			t.Errorf("%s: p = %.8g; want %.5f", r["scenario"], gt.PreTestP, want)
		}
		if gt.PreTestDF != 5 {
			t.Errorf("%s: df = %d; want 5", r["scenario"], gt.PreTestDF)
		}
	}
}

func TestAggregate_R(t *testing.T) {
	ref := readCSV(t, "r_did_ref_aggte.csv")
	for name, opt := range scenarios {
		gt, err := did.ATTgt(scenarioData(t, name), opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, kind := range []string{did.Simple, did.Group, did.Dynamic, did.Calendar} {
			t.Run(name+"/"+kind, func(t *testing.T) {
				a, err := gt.Aggregate(kind)
				if err != nil {
					t.Fatal(err)
				}
				byKey := map[int]did.Effect{}
				for _, e := range a.Effects {
					byKey[e.Key] = e
				}
				n := 0
				for _, r := range ref {
					if r["scenario"] != name || r["type"] != kind {
						continue
					}
					if want := num(t, r["overall_att"]); !near(a.ATT, want, relTol) {
						t.Errorf("overall ATT = %.15g; want %.15g", a.ATT, want)
					}
					if want := num(t, r["overall_se"]); !near(a.SE, want, relTol) {
						t.Errorf("overall SE = %.15g; want %.15g", a.SE, want)
					}
					if r["egt"] == "NA" {
						continue
					}
					n++
					k := int(num(t, r["egt"]))
					e, ok := byKey[k]
					if !ok {
						t.Errorf("effect %d missing", k)
						continue
					}
					if want := num(t, r["att_egt"]); !near(e.ATT, want, relTol) {
						t.Errorf("effect %d = %.15g; want %.15g", k, e.ATT, want)
					}
					if want := num(t, r["se_egt"]); !near(e.SE, want, relTol) {
						t.Errorf("SE of effect %d = %.15g; want %.15g", k, e.SE, want)
					}
				}
				if n != len(a.Effects) {
					t.Errorf("%d effects; R has %d", len(a.Effects), n)
				}
			})
		}
	}
}

// TestPublishedREADME checks the 4-decimal values printed in the did
// README (est_method = "reg", the same point estimates) and that the
// bootstrap standard errors printed there are within Monte-Carlo error of
// ours (the README's come from an unseeded bootstrap of 1,000 draws).
func TestPublishedREADME(t *testing.T) {
	gt, err := did.ATTgt(mpdta(t), did.Options{Bootstrap: 999, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	aggs := map[string]*did.Aggregate{}
	for _, k := range []string{did.Simple, did.Group, did.Dynamic, did.Calendar} {
		if aggs[k], err = gt.Aggregate(k); err != nil {
			t.Fatal(err)
		}
	}
	one := 1
	if aggs["dynamic_balance_e1"], err = gt.AggregateWith(did.Dynamic, did.AggOptions{BalanceE: &one}); err != nil {
		t.Fatal(err)
	}
	checked := 0
	defer func() {
		if checked != 35 {
			t.Errorf("checked %d published values; want all 35", checked)
		}
	}()
	for _, r := range readCSV(t, "published_readme_values_rounded.csv") {
		if r["aggregation"] == "pretest_wald_pvalue" {
			if want := num(t, r["estimate"]); math.Abs(gt.PreTestP-want) > 5e-6 {
				t.Errorf("pre-test p = %.6f; want %s", gt.PreTestP, r["estimate"])
			}
			checked++
			continue
		}
		est, se, ok := publishedLookup(gt, aggs, r)
		if !ok {
			t.Errorf("no value for %v", r)
			continue
		}
		checked++
		if want := num(t, r["estimate"]); math.Abs(est-want) > 0.5e-4+1e-12 {
			t.Errorf("%s %s/%s = %.6f; want %s", r["aggregation"], r["group"], r["time_or_event"], est, r["estimate"])
		}
		if r["se_bootstrap"] != "" && r["se_bootstrap"] != "NA" {
			// 1,000 draws put about 5% relative Monte-Carlo error on an
			// interquartile-range SE; allow 20% for two independent runs.
			if want := num(t, r["se_bootstrap"]); !near(se, want, 0.2) {
				t.Errorf("%s %s/%s: bootstrap SE %.4f; README %s", r["aggregation"], r["group"], r["time_or_event"], se, r["se_bootstrap"])
			}
		}
	}
}

func publishedLookup(gt *did.GroupTime, aggs map[string]*did.Aggregate, r map[string]string) (est, se float64, ok bool) {
	g, _ := strconv.Atoi(r["group"])
	te, _ := strconv.Atoi(r["time_or_event"])
	kind, overall := strings.CutSuffix(r["aggregation"], "_overall")
	if kind == "attgt" {
		for _, row := range gt.Rows {
			if row.Group == g && row.Period == te {
				return row.ATT, row.SE, true
			}
		}
		return 0, 0, false
	}
	a, ok := aggs[kind]
	if !ok {
		return 0, 0, false
	}
	if overall {
		return a.ATT, a.SE, true
	}
	key := te
	if kind == did.Group {
		key = g
	}
	for _, e := range a.Effects {
		if e.Key == key {
			return e.ATT, e.SE, true
		}
	}
	return 0, 0, false
}

// TestUniversalBase compares base_period = "universal" with
// testdata/universal_reference.csv from testdata/universal_reference.R
// (base R, the rule of att_gt): one row per group and period, the
// reference period g−1 fixed at 0.
func TestUniversalBase(t *testing.T) {
	ref := readCSV(t, "universal_reference.csv")
	for _, ctrl := range []string{did.NeverTreated, did.NotYetTreated} {
		gt, err := did.ATTgt(mpdta(t), did.Options{BasePeriod: did.Universal, Control: ctrl})
		if err != nil {
			t.Fatal(err)
		}
		got := map[[2]int]did.Row{}
		for _, r := range gt.Rows {
			got[[2]int{r.Group, r.Period}] = r
		}
		n := 0
		for _, r := range ref {
			if r["control"] != ctrl {
				continue
			}
			n++
			key := [2]int{int(num(t, r["group"])), int(num(t, r["t"]))}
			g, ok := got[key]
			if !ok {
				t.Errorf("%s: ATT%v missing", ctrl, key)
				continue
			}
			if want := num(t, r["att"]); !near(g.ATT, want, relTol) && !(want == 0 && g.ATT == 0) {
				t.Errorf("%s: ATT%v = %.15g; want %.15g", ctrl, key, g.ATT, want)
			}
			if want := num(t, r["se"]); !near(g.SE, want, relTol) && !(want == 0 && g.SE == 0) {
				t.Errorf("%s: SE%v = %.15g; want %.15g", ctrl, key, g.SE, want)
			}
		}
		if n != 15 || len(gt.Rows) != 15 {
			t.Errorf("%s: %d rows, reference %d; want 15", ctrl, len(gt.Rows), n)
		}
		if _, err := gt.Aggregate(did.Dynamic); err != nil {
			t.Error(err)
		}
	}
}

func TestErrors(t *testing.T) {
	ok := []did.Obs{
		{"a", 1, 1, 0, nil}, {"a", 2, 2, 0, nil},
		{"b", 1, 1, 2, nil}, {"b", 2, 3, 2, nil},
	}
	cases := map[string]struct {
		obs []did.Obs
		opt did.Options
	}{
		"empty":           {nil, did.Options{}},
		"unbalanced":      {ok[:3], did.Options{}},
		"duplicate":       {append(ok[:3:3], did.Obs{"b", 1, 1, 2, nil}), did.Options{}},
		"NaN":             {[]did.Obs{{"a", 1, math.NaN(), 0, nil}, {"a", 2, 2, 0, nil}}, did.Options{}},
		"no treated":      {ok[:2], did.Options{}},
		"no never":        {ok[2:], did.Options{}},
		"bad control":     {ok, did.Options{Control: "x"}},
		"bad base":        {ok, did.Options{BasePeriod: "x"}},
		"bad alpha":       {ok, did.Options{Alpha: 2}},
		"changing g":      {[]did.Obs{{"a", 1, 1, 0, nil}, {"a", 2, 2, 2, nil}}, did.Options{}},
		"negative g":      {[]did.Obs{{"a", 1, 1, -1, nil}, {"a", 2, 2, -1, nil}}, did.Options{}},
		"one period":      {[]did.Obs{{"a", 1, 1, 0, nil}, {"b", 1, 1, 2, nil}}, did.Options{}},
		"all first treat": {[]did.Obs{{"a", 1, 1, 1, nil}, {"a", 2, 2, 1, nil}}, did.Options{}},
	}
	for name, c := range cases {
		_, err := did.ATTgt(c.obs, c.opt)
		var e *atalaya.Error
		if !errors.As(err, &e) || e.Code != atalaya.EINVALID {
			t.Errorf("%s: err = %v; want an EINVALID error", name, err)
		}
	}
	gt, err := did.ATTgt(ok, did.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gt.Aggregate("weekly"); atalaya.ErrorCode(err) != atalaya.EINVALID {
		t.Errorf("Aggregate(weekly) err = %v; want EINVALID", err)
	}
}

func TestBootstrapSeeded(t *testing.T) {
	obs := mpdta(t)
	for _, w := range []string{did.Mammen, did.Rademacher} {
		opt := did.Options{Bootstrap: 2000, Seed: 42, Weights: w}
		a, err := did.ATTgt(obs, opt)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := did.ATTgt(obs, opt)
		an, _ := did.ATTgt(obs, did.Options{})
		for k := range a.Rows {
			if a.Rows[k] != b.Rows[k] {
				t.Fatalf("%s: same seed, different rows %v and %v", w, a.Rows[k], b.Rows[k])
			}
			// The bootstrap SE estimates the analytical one.
			if !near(a.Rows[k].SE, an.Rows[k].SE, 0.12) {
				t.Errorf("%s: %d/%d bootstrap SE %.4f; analytical %.4f", w, a.Rows[k].Group, a.Rows[k].Period, a.Rows[k].SE, an.Rows[k].SE)
			}
		}
		// A uniform band over 12 effects is wider than the pointwise one.
		if a.Crit < 2.2 || a.Crit > 3.6 {
			t.Errorf("%s: uniform critical value %.3f; want between 2.2 and 3.6", w, a.Crit)
		}
	}
}

// TestPropensityScore compares the doubly robust and IPW ATT(g,t) with
// lpop as covariate with testdata/dr/dr_reference.csv, computed by
// testdata/dr/dr_reference.R in base R (glm, lm) from DRDID's
// drdid_panel and std_ipw_did_panel formulas. They agree to 3e-9
// relative, the precision of R's glm, which stops at a relative
// deviance change of 1e-8; the test allows 1e-6.
func TestPropensityScore(t *testing.T) {
	obs := scenarioData(t, "mpdta_nev_dr_cov")
	def, err := did.ATTgt(obs, did.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ref := readCSV(t, "dr/dr_reference.csv")
	for _, method := range []string{"dr", "ipw"} {
		gt, err := did.ATTgt(obs, did.Options{EstMethod: method})
		if err != nil {
			t.Fatal(err)
		}
		got := map[[2]int]did.Row{}
		for k, r := range gt.Rows {
			got[[2]int{r.Group, r.Period}] = r
			if method == "dr" && def.Rows[k] != r {
				t.Errorf("default method differs from dr: %+v, %+v", def.Rows[k], r)
			}
		}
		n := 0
		for _, r := range ref {
			if r["method"] != method {
				continue
			}
			n++
			key := [2]int{int(num(t, r["group"])), int(num(t, r["t"]))}
			g := got[key]
			if want := num(t, r["att"]); !near(g.ATT, want, 1e-6) {
				t.Errorf("%s: ATT%v = %.12g; R %.12g", method, key, g.ATT, want)
			}
			if want := num(t, r["se"]); !near(g.SE, want, 1e-6) {
				t.Errorf("%s: SE%v = %.12g; R %.12g", method, key, g.SE, want)
			}
		}
		if n != 12 || len(gt.Rows) != 12 {
			t.Errorf("%s: %d reference rows, %d rows; want 12", method, n, len(gt.Rows))
		}
	}
}
