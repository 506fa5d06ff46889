package its_test

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya/internal/its"
)

// readCSV reads a CSV file, skipping # comment lines, and returns its rows
// as maps from column name to cell.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(l, "#") && strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	recs, err := csv.NewReader(strings.NewReader(strings.Join(lines, "\n"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := make(map[string]string, len(r))
		for i, h := range recs[0] {
			m[h] = strings.TrimSpace(r[i])
		}
		out = append(out, m)
	}
	return out
}

func f64(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("cell %q: %v", s, err)
	}
	return v
}

// dataset is a series from testdata with the month of its first point.
type dataset struct {
	y, pop []float64
	start  time.Time
}

// loadDataset reads one of the series that make_golden.py wrote or used.
func loadDataset(t *testing.T, name string) dataset {
	t.Helper()
	var d dataset
	switch name {
	case "sicily":
		for _, r := range readCSV(t, "testdata/sicily.csv") {
			d.y = append(d.y, f64(t, r["aces"]))
			d.pop = append(d.pop, f64(t, r["stdpop"]))
		}
		d.start = time.Date(2002, 1, 1, 0, 0, 0, 0, time.UTC)
	case "mexico":
		for _, r := range readCSV(t, "testdata/mexico_homicide_monthly.csv") {
			d.y = append(d.y, f64(t, r["victims"]))
			d.pop = append(d.pop, f64(t, r["population"]))
		}
		d.start = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	case "synthetic":
		for _, r := range readCSV(t, "testdata/synthetic.csv") {
			d.y = append(d.y, f64(t, r["y"]))
			d.pop = append(d.pop, f64(t, r["population"]))
		}
		d.start = time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)
	default:
		t.Fatalf("unknown dataset %q", name)
	}
	return d
}

// golden groups the rows of a golden file by dataset and model.
type golden struct {
	dataset, spec string
	in            its.Input
	rows          []map[string]string
}

func loadGolden(t *testing.T, path string) []*golden {
	t.Helper()
	var out []*golden
	index := map[string]*golden{}
	for _, r := range readCSV(t, path) {
		key := r["dataset"] + "/" + r["spec"]
		g := index[key]
		if g == nil {
			d := loadDataset(t, r["dataset"])
			in := its.Input{Y: d.y, Population: d.pop, Start: d.start}
			in.Interruption, _ = strconv.Atoi(r["interruption"])
			in.Harmonics, _ = strconv.Atoi(r["harmonics"])
			in.HACLags, _ = strconv.Atoi(r["hac_lags"])
			in.LevelOnly = r["level_only"] == "1"
			in.Quasi = r["quasi"] == "1"
			in.CovType = r["cov_type"]
			g = &golden{dataset: r["dataset"], spec: r["spec"], in: in}
			index[key] = g
			out = append(out, g)
		}
		g.rows = append(g.rows, r)
	}
	return out
}

// relDiff is |got − want| / |want|, or |got − want| when want is 0.
func relDiff(got, want float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}

// TestFit_Statsmodels checks coefficients, standard errors, dispersion and
// deviance against statsmodels 0.13.5 GLM(..., Poisson(), offset=log(pop))
// with cov_type nonrobust, HC0 and HAC and scale="X2", on Sicily's acute
// coronary events (Lopez Bernal et al. 2017), Mexico's monthly homicide
// victims and a simulated series: 1e-6 relative.
func TestFit_Statsmodels(t *testing.T) {
	checkCoefs(t, "testdata/golden_statsmodels.csv")
}

// TestFit_Sandwich checks coefficients and HC0, HC1, HC3 and Newey–West
// standard errors against R's glm and sandwich package (vcovHC, and
// NeweyWest without prewhitening or adjustment): 1e-6 relative.
func TestFit_Sandwich(t *testing.T) {
	checkCoefs(t, "testdata/golden_sandwich.csv")
}

func checkCoefs(t *testing.T, path string) {
	const tol = 1e-6
	for _, g := range loadGolden(t, path) {
		t.Run(g.dataset+"/"+g.spec, func(t *testing.T) {
			res, err := its.Fit(g.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Coef) != len(g.rows) {
				t.Fatalf("Fit gives %d coefficients; want %d", len(res.Coef), len(g.rows))
			}
			worst := 0.0
			check := func(what string, got, want float64) {
				d := relDiff(got, want)
				worst = math.Max(worst, d)
				if d > tol {
					t.Errorf("%s = %.15g; want %.15g (statsmodels), relative difference %.2g", what, got, want, d)
				}
			}
			for j, r := range g.rows {
				c := res.Coef[j]
				if c.Name != r["name"] {
					t.Fatalf("coefficient %d is %q; want %q", j, c.Name, r["name"])
				}
				check(c.Name+" estimate", c.Estimate, f64(t, r["estimate"]))
				check(c.Name+" SE", c.SE, f64(t, r["se"]))
			}
			if v, ok := g.rows[0]["dispersion"]; ok {
				check("dispersion", res.Dispersion, f64(t, v))
				check("deviance", res.Deviance, f64(t, g.rows[0]["deviance"]))
			}
			t.Logf("largest relative difference: %.2g", worst)
		})
	}
}

// TestFit_Series checks the fitted and counterfactual series, the band and
// the cumulative effect against the same arithmetic done in NumPy on
// statsmodels' estimates and covariance.
func TestFit_Series(t *testing.T) {
	const tol = 1e-6
	for _, g := range loadGolden(t, "testdata/golden_statsmodels_series.csv") {
		t.Run(g.dataset+"/"+g.spec, func(t *testing.T) {
			in := specInput(t, g)
			res, err := its.Fit(in)
			if err != nil {
				t.Fatal(err)
			}
			worst := 0.0
			for _, r := range g.rows {
				i, _ := strconv.Atoi(r["i"])
				for _, c := range []struct {
					name      string
					got, want float64
				}{
					{"fitted", res.Fitted[i], f64(t, r["fitted"])},
					{"counterfactual", res.Counterfactual[i], f64(t, r["cf"])},
					{"cf low", res.CFLow[i], f64(t, r["cf_low"])},
					{"cf high", res.CFHigh[i], f64(t, r["cf_high"])},
					{"cumulative", res.Cumulative.Estimate, f64(t, r["cumulative"])},
					{"cumulative SE", res.Cumulative.SE, f64(t, r["cumulative_se"])},
				} {
					d := relDiff(c.got, c.want)
					worst = math.Max(worst, d)
					if d > tol {
						t.Errorf("%s[%d] = %.15g; want %.15g", c.name, i, c.got, c.want)
					}
				}
			}
			t.Logf("largest relative difference: %.2g", worst)
		})
	}
}

// specInput rebuilds the Input of a series golden from the coefficient
// golden's spec names.
func specInput(t *testing.T, g *golden) its.Input {
	t.Helper()
	for _, c := range loadGolden(t, "testdata/golden_statsmodels.csv") {
		if c.dataset == g.dataset && c.spec == g.spec {
			return c.in
		}
	}
	t.Fatalf("no spec %s/%s", g.dataset, g.spec)
	return its.Input{}
}
