package cli

import (
	"context"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya/internal/did"
	"github.com/oas-atalaya/atalaya/internal/its"
	"github.com/oas-atalaya/atalaya/internal/synth"
)

// panelIndex maps a long table (one row per unit and period) onto units
// and periods, checking that no unit has a period twice.
type panelIndex struct {
	units   []string
	unitOf  map[string]int
	periods []int
	perOf   map[int]int
	kind    int
	cell    [][]int // row of (unit, period), -1 when missing
	rowUnit []int
	rowPer  []int
}

func buildPanel(d *dataFile, unitCol int, timeFlag, timeSpec string) (*panelIndex, error) {
	keys, kind, err := d.periodColumn(timeFlag, timeSpec)
	if err != nil {
		return nil, err
	}
	p := &panelIndex{unitOf: map[string]int{}, perOf: map[int]int{}, kind: kind,
		rowUnit: make([]int, len(d.rows)), rowPer: make([]int, len(d.rows))}
	for i, r := range d.rows {
		u := strings.TrimSpace(r[unitCol])
		if u == "" {
			return nil, d.cellErr(i, unitCol, "is empty (a unit name is needed)")
		}
		if _, ok := p.unitOf[u]; !ok {
			p.unitOf[u] = len(p.units)
			p.units = append(p.units, u)
		}
		if _, ok := p.perOf[keys[i]]; !ok {
			p.perOf[keys[i]] = 0
			p.periods = append(p.periods, keys[i])
		}
	}
	sort.Ints(p.periods)
	for j, k := range p.periods {
		p.perOf[k] = j
	}
	p.cell = make([][]int, len(p.units))
	for u := range p.cell {
		p.cell[u] = make([]int, len(p.periods))
		for j := range p.cell[u] {
			p.cell[u][j] = -1
		}
	}
	for i, r := range d.rows {
		u, t := p.unitOf[strings.TrimSpace(r[unitCol])], p.perOf[keys[i]]
		if prev := p.cell[u][t]; prev >= 0 {
			return nil, analyseErr("%s row %d: unit %q has period %s twice (also at row %d); a panel has one row per unit and period",
				d.name, d.lines[i], p.units[u], formatPeriod(keys[i], kind), d.lines[prev])
		}
		p.cell[u][t] = i
		p.rowUnit[i], p.rowPer[i] = u, t
	}
	return p, nil
}

// checkBalanced reports the first unit missing a period.
func (p *panelIndex) checkBalanced(d *dataFile, hint string) error {
	for u := range p.units {
		var miss []string
		for t := range p.periods {
			if p.cell[u][t] < 0 {
				miss = append(miss, formatPeriod(p.periods[t], p.kind))
			}
		}
		if len(miss) > 0 {
			if len(miss) > 5 {
				miss = append(miss[:5], fmt.Sprintf("and %d more", len(miss)-5))
			}
			return analyseErr("%s is an unbalanced panel: unit %q has no row for period %s (every unit needs every period from %s to %s)%s",
				d.name, p.units[u], strings.Join(miss, ", "), formatPeriod(p.periods[0], p.kind), formatPeriod(p.periods[len(p.periods)-1], p.kind), hint)
		}
	}
	return nil
}

// findUnit matches a unit name given in a flag.
func (p *panelIndex) findUnit(flagName, name string) (string, error) {
	name = strings.TrimSpace(name)
	if _, ok := p.unitOf[name]; ok {
		return name, nil
	}
	for _, u := range p.units {
		if strings.EqualFold(u, name) || cleanID(u) == cleanID(name) {
			return u, nil
		}
	}
	var some []string
	for i, u := range p.units {
		if i == 8 {
			some = append(some, "…")
			break
		}
		some = append(some, fmt.Sprintf("%q", u))
	}
	return "", analyseErr("--%s %q is not a unit of the data; units are %s", flagName, name, strings.Join(some, ", "))
}

func runAnalyseSynth(ctx context.Context, env *Env, args []string) error {
	fs := analyseFlags(env, "synth", "synth --csv FILE --unit COL --time COL --outcome COL --treated NAME --treatment PERIOD\n"+
		"        --predictor 'COL[,COL…]:FROM-TO' … [--special 'COL:PERIODS' …] [--fit FROM-TO] [--donors A,B,…] [--placebos]\n\n"+
		"Synthetic control (Abadie & Gardeazabal 2003; Abadie, Diamond & Hainmueller 2010), as R's Synth:\n"+
		"donor weights W, predictor weights V chosen to minimise the outcome's MSPE over --fit, the gap\n"+
		"(treated − synthetic) and, with --placebos, the placebo-in-space p-value of the post/pre RMSPE ratio.\n"+
		"PERIODS: 1969, 1964-1969, 1961,1963,1965 or 1961-1969/2 (every second year); months as 2015-01..2016-12.\n"+
		"--predictor uses the mean over the window (Synth's predictors with time.predictors.prior);\n"+
		"--special the same per spec (Synth's special.predictors). Missing values are skipped in the means.")
	in := addInputFlags(fs, env)
	unit := fs.String("unit", "", "column naming the units (regions, municipalities)")
	timeCol := fs.String("time", "", "column of periods (years, indexes, or months YYYY-MM)")
	outcome := fs.String("outcome", "", "outcome column")
	treated := fs.String("treated", "", "the treated unit's name (or id)")
	treatment := fs.String("treatment", "", "first period of the intervention")
	donors := fs.String("donors", "", "donor units, comma-separated (default: every other unit)")
	var preds, specials multiFlag
	fs.Var(&preds, "predictor", "'COL[,COL…]:PERIODS' mean of the columns over the periods (repeatable); 'COL' alone: every pre-treatment period")
	fs.Var(&specials, "special", "'COL:PERIODS' a special predictor (repeatable), e.g. 'gdpcap:1960-1969', 'popdens:1969'")
	var tpreds, tspecials multiFlag
	fs.Var(&tpreds, "train-predictor", "cross-validation (ADH 2015): predictors of the training fit, one per --predictor column, whose V is then used (repeatable)")
	fs.Var(&tspecials, "train-special", "cross-validation: special predictors of the training fit, one per --special (repeatable)")
	trainFit := fs.String("train-fit", "", "cross-validation: FROM-TO, the validation periods whose outcome MSPE the training V minimises")
	fit := fs.String("fit", "", "FROM-TO: the periods whose outcome MSPE V minimises (default: every pre-treatment period)")
	placebos := fs.Bool("placebos", false, "run the placebo-in-space test (refit every donor as if treated)")
	vFlag := fs.String("v", "", "predictor weights V, comma-separated in the order of the predictors (--predictor columns, then --special), instead of searching; e.g. a published V")
	maxPre := fs.Float64("max-pre-ratio", 0, "with --placebos, leave out placebos whose pre-treatment RMSPE exceeds this multiple of the treated unit's (0: keep all)")
	out := fs.String("out", "", "write the series (period, treated, synthetic, gap, and placebo gaps) as CSV to this file")
	of := addOutputFlags(fs, "weights, predictors, series, placebos")
	if _, err := parseAnalyseFlags(fs, args, 0); err != nil {
		return err
	}
	for _, f := range [][2]string{{"unit", *unit}, {"time", *timeCol}, {"outcome", *outcome}, {"treated", *treated}, {"treatment", *treatment}} {
		if err := need(f[0], f[1]); err != nil {
			return err
		}
	}
	if len(preds)+len(specials) == 0 {
		return usageErr("give at least one --predictor or --special, e.g. --special '%s:FROM-TO' for the outcome's pre-treatment mean", *outcome)
	}
	d, err := in.read()
	if err != nil {
		return err
	}
	uc, err := d.col("unit", *unit)
	if err != nil {
		return err
	}
	oc, err := d.col("outcome", *outcome)
	if err != nil {
		return err
	}
	p, err := buildPanel(d, uc, "time", *timeCol)
	if err != nil {
		return err
	}
	treat, err := parsePeriodAs("treatment", *treatment, p.kind)
	if err != nil {
		return err
	}
	if *donors != "" {
		// Only the treated unit and the donors need to be complete.
		keep := map[int]bool{}
		names := append(splitComma(*donors), *treated)
		for k, n := range names {
			u, err := p.findUnit(map[bool]string{true: "treated", false: "donors"}[k == len(names)-1], n)
			if err != nil {
				return err
			}
			keep[p.unitOf[u]] = true
		}
		d.filter(func(i int) bool { return keep[p.rowUnit[i]] })
		if p, err = buildPanel(d, uc, "time", *timeCol); err != nil {
			return err
		}
	}
	if err := p.checkBalanced(d, ""); err != nil {
		return err
	}
	spec := synth.Spec{TreatPeriod: treat, PlaceboMaxPreRatio: *maxPre}
	if spec.Treated, err = p.findUnit("treated", *treated); err != nil {
		return err
	}
	for _, n := range splitComma(*donors) {
		u, err := p.findUnit("donors", n)
		if err != nil {
			return err
		}
		if u == spec.Treated {
			return usageErr("--donors includes the treated unit %q", u)
		}
		spec.Donors = append(spec.Donors, u)
	}
	if *fit != "" {
		a, b, err := parseRange(*fit, p.kind)
		if err != nil {
			return usageErr("--fit %v", err)
		}
		spec.FitFrom, spec.FitTo = a, b
	}
	panel := synth.Panel{Units: p.units, Periods: p.periods, Outcome: d.header[oc], Predictors: map[string][][]float64{}}
	panel.Y = make([][]float64, len(p.units))
	for u := range p.units {
		panel.Y[u] = make([]float64, len(p.periods))
		for t := range p.periods {
			i := p.cell[u][t]
			if panel.Y[u][t], err = d.num(i, oc); err != nil {
				return fmt.Errorf("%w (the outcome must be complete)", err)
			}
		}
	}
	prePeriods := func() (int, int) {
		lo, hi := p.periods[0], treat-1
		return lo, hi
	}
	target := &spec.PredictorSpecs
	addSpecs := func(list []string, flagName string, special bool) error {
		for _, s := range list {
			var ws windowSpec
			if !strings.Contains(s, ":") {
				ws.Cols = splitComma(s)
				ws.From, ws.To = prePeriods()
				ws.Ranged = true
			} else if ws, err = parseWindowSpec(s, p.kind); err != nil {
				return usageErr("--%s %v", flagName, err)
			}
			for _, col := range ws.Cols {
				c, err := d.col(flagName, col)
				if err != nil {
					return err
				}
				name := d.header[c]
				if c != oc {
					if _, ok := panel.Predictors[name]; !ok {
						m := make([][]float64, len(p.units))
						for u := range p.units {
							m[u] = make([]float64, len(p.periods))
							for t := range p.periods {
								if m[u][t], err = d.numOrNaN(p.cell[u][t], c); err != nil {
									return err
								}
							}
						}
						panel.Predictors[name] = m
					}
				}
				pr := synth.Predictor{Var: name, From: ws.From, To: ws.To, Periods: ws.Periods}
				win := ""
				if ws.Ranged {
					win = formatPeriod(ws.From, p.kind)
					if ws.To != ws.From {
						win += "-" + formatPeriod(ws.To, p.kind)
					}
				} else {
					win = s[strings.LastIndexByte(s, ':')+1:]
				}
				pr.Label = name + " (" + win + ")"
				if special {
					pr.Label = "special." + pr.Label
				}
				*target = append(*target, pr)
			}
		}
		return nil
	}
	if err := addSpecs(preds, "predictor", false); err != nil {
		return err
	}
	if err := addSpecs(specials, "special", true); err != nil {
		return err
	}
	var trainV []float64
	if len(tpreds)+len(tspecials) > 0 || *trainFit != "" {
		if *vFlag != "" {
			return usageErr("give --v or the --train-… flags, not both")
		}
		if *trainFit == "" {
			return usageErr("cross-validation needs --train-fit FROM-TO (the validation periods)")
		}
		train := spec
		train.PredictorSpecs = nil
		if train.FitFrom, train.FitTo, err = parseRange(*trainFit, p.kind); err != nil {
			return usageErr("--train-fit %v", err)
		}
		// The validation window may reach the treatment period (ADH 2015
		// train on 1971–80 and validate on 1981–90 with treatment in 1990).
		if train.FitTo >= train.TreatPeriod {
			train.TreatPeriod = train.FitTo + 1
		}
		target = &train.PredictorSpecs
		if err := addSpecs(tpreds, "train-predictor", false); err != nil {
			return err
		}
		if err := addSpecs(tspecials, "train-special", true); err != nil {
			return err
		}
		if len(train.PredictorSpecs) != len(spec.PredictorSpecs) {
			return usageErr("the training fit has %d predictors and the main fit %d; give one --train-… per predictor, in the same order", len(train.PredictorSpecs), len(spec.PredictorSpecs))
		}
		done := status(env, "fitting the training period")
		tr, err := synth.Fit(ctx, panel, train)
		done()
		if err != nil {
			return fmt.Errorf("training fit: %w", err)
		}
		trainV = tr.V
		spec.V = tr.V
	}

	if *vFlag != "" {
		for _, x := range strings.Split(*vFlag, ",") {
			v, ok, err := parseNumber(x, ',')
			if err != nil || !ok || v < 0 {
				return usageErr("--v: %q is not a weight ≥ 0", x)
			}
			spec.V = append(spec.V, v)
		}
		if len(spec.V) != len(spec.PredictorSpecs) {
			return usageErr("--v has %d weights; there are %d predictors", len(spec.V), len(spec.PredictorSpecs))
		}
	}
	var res *synth.Result
	var inf *synth.Inference
	if *placebos {
		done := status(env, fmt.Sprintf("fitting the synthetic control and %d placebos", max(len(spec.Donors), len(p.units)-1)))
		inf, err = synth.Placebos(ctx, panel, spec)
		done()
		if err != nil {
			return err
		}
		res = inf.Result
	} else {
		done := status(env, "fitting the synthetic control")
		res, err = synth.Fit(ctx, panel, spec)
		done()
		if err != nil {
			return err
		}
	}
	r := &analysisReport{Title: "Synthetic control: " + spec.Treated}
	r.add("treated", spec.Treated)
	r.add("treatment", formatPeriod(treat, p.kind))
	r.add("donors", len(res.Ordered))
	if trainV != nil {
		r.add("V", "from the training fit (cross-validation)")
	} else if *vFlag != "" {
		r.add("V", "given (--v)")
	}
	r.add("pre-treatment RMSPE", res.PreRMSPE)
	r.add("post-treatment RMSPE", res.PostRMSPE)
	r.add("post/pre RMSPE ratio", res.Ratio)
	r.add("fit-window MSPE (loss.v)", res.FitMSPE)
	r.add("predictor loss (loss.w)", res.PredictorLoss)
	r.add("ATT (mean gap from treatment)", res.ATT)
	if inf != nil {
		r.add("placebo rank", inf.Rank)
		r.add("placebo units", inf.Units)
		r.add("placebo p-value", inf.P)
	}
	wt := r.newTable("weights", "Donor weights (W)", "unit", "weight")
	ws := append([]synth.Weight(nil), res.Ordered...)
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].Weight > ws[j].Weight })
	for _, w := range ws {
		wt.add(w.Unit, w.Weight)
	}
	pt := r.newTable("predictors", "Predictor weights (V) and balance (Synth's synth.tab)", "predictor", "v", "treated", "synthetic", "donor_mean")
	for i, name := range res.Predictors {
		var dm any
		if i < len(spec.PredictorSpecs) {
			dm = donorMean(panel, spec, res, spec.PredictorSpecs[i])
		}
		pt.add(name, res.V[i], res.X1[i], res.X0W[i], dm)
	}
	st := r.newTable("series", "Outcome: treated, synthetic and gap", "period", "treated", "synthetic", "gap", "post")
	for i, per := range res.Periods {
		st.add(formatPeriod(per, p.kind), res.Treated[i], res.Synthetic[i], res.Gap[i], per >= treat)
	}
	if inf != nil {
		plt := r.newTable("placebos", "Placebos in space", "unit", "treated", "pre_rmspe", "post_rmspe", "ratio", "excluded")
		for _, pl := range inf.Placebos {
			plt.add(pl.Unit, pl.Treated, pl.PreRMSPE, pl.PostRMSPE, pl.Ratio, pl.Excluded)
		}
		r.Notes = append(r.Notes, "Placebo p-value: the share of units (the treated unit included) whose post/pre RMSPE ratio is at least the treated unit's.")
	}
	if *out != "" {
		err := writeFileWith(env, *out, "the series", func(w io.Writer) error {
			t := &table{Cols: []string{"period", "treated", "synthetic", "gap"}}
			var pls []synth.Placebo
			if inf != nil {
				for _, pl := range inf.Placebos {
					if !pl.Treated {
						t.Cols = append(t.Cols, "gap_"+pl.Unit)
						pls = append(pls, pl)
					}
				}
			}
			for i, per := range res.Periods {
				row := []any{formatPeriod(per, p.kind), res.Treated[i], res.Synthetic[i], res.Gap[i]}
				for _, pl := range pls {
					row = append(row, pl.Gap[i])
				}
				t.add(row...)
			}
			return t.writeCSV(w)
		})
		if err != nil {
			return err
		}
	}
	return emit(env, of, r)
}

func runAnalyseDID(ctx context.Context, env *Env, args []string) error {
	fs := analyseFlags(env, "did", "did --csv FILE --unit COL --time COL --outcome COL --group COL [--control nevertreated|notyettreated]\n"+
		"        [--base varying|universal] [--aggregate simple,dynamic,group,calendar] [--bootstrap N --seed S] [--covariates COL,…]\n\n"+
		"Difference in differences with staggered adoption (Callaway & Sant'Anna 2021), as R did's att_gt\n"+
		"(panel = TRUE) and aggte. --group is the first period in which a unit is treated, 0 (or empty) for never.")
	in := addInputFlags(fs, env)
	unit := fs.String("unit", "", "column identifying the units")
	timeCol := fs.String("time", "", "column of periods (years, or months YYYY-MM)")
	outcome := fs.String("outcome", "", "outcome column")
	group := fs.String("group", "", "column of the first treatment period (0 or empty = never treated)")
	control := fs.String("control", did.NeverTreated, "comparison units: nevertreated or notyettreated")
	base := fs.String("base", did.Varying, "base period: varying or universal")
	aggs := fs.String("aggregate", "simple,dynamic,group,calendar", "aggregations (aggte types), comma-separated; none for none")
	boot := fs.Int("bootstrap", 0, "multiplier-bootstrap draws (0: analytical standard errors)")
	seed := fs.Uint64("seed", 1, "seed of the bootstrap")
	pointwise := fs.Bool("pointwise", false, "with --bootstrap, pointwise instead of uniform bands")
	alpha := fs.Float64("alpha", 0.05, "1 − confidence level")
	covs := fs.String("covariates", "", "covariate columns (xformla), comma-separated; values from each comparison's base period")
	est := fs.String("est-method", "dr", "with covariates: dr (doubly robust) or reg (outcome regression)")
	balE := fs.Int("balance-e", -1, "event study: keep groups observed at least this many periods after treatment (aggte balance_e)")
	minE := fs.String("min-e", "", "event study: smallest event time (aggte min_e)")
	maxE := fs.String("max-e", "", "event study: largest event time (aggte max_e)")
	dropUnbal := fs.Bool("drop-unbalanced", false, "drop rows with an empty outcome, then units missing any period, as R did does for panel = TRUE (default: refuse an unbalanced panel)")
	of := addOutputFlags(fs, "attgt, simple, dynamic, group, calendar")
	if _, err := parseAnalyseFlags(fs, args, 0); err != nil {
		return err
	}
	for _, f := range [][2]string{{"unit", *unit}, {"time", *timeCol}, {"outcome", *outcome}, {"group", *group}} {
		if err := need(f[0], f[1]); err != nil {
			return err
		}
	}
	switch *control {
	case did.NeverTreated, did.NotYetTreated:
	default:
		return usageErr("--control %q: use nevertreated or notyettreated", *control)
	}
	switch *base {
	case did.Varying, did.Universal:
	default:
		return usageErr("--base %q: use varying or universal", *base)
	}
	var kinds []string
	if *aggs != "none" {
		for _, k := range splitComma(*aggs) {
			switch k {
			case did.Simple, did.Dynamic, did.Group, did.Calendar:
				kinds = append(kinds, k)
			default:
				return usageErr("--aggregate %q: use simple, dynamic, group, calendar or none", k)
			}
		}
	}
	var ao did.AggOptions
	if *balE >= 0 {
		ao.BalanceE = balE
	}
	for _, e := range []struct {
		name, s string
		dst     **int
	}{{"min-e", *minE, &ao.MinE}, {"max-e", *maxE, &ao.MaxE}} {
		if e.s != "" {
			v, ok, err := parseNumber(e.s, 0)
			if err != nil || !ok || v != math.Trunc(v) {
				return usageErr("--%s %q is not a whole number", e.name, e.s)
			}
			n := int(v)
			*e.dst = &n
		}
	}
	d, err := in.read()
	if err != nil {
		return err
	}
	uc, err := d.col("unit", *unit)
	if err != nil {
		return err
	}
	oc, err := d.col("outcome", *outcome)
	if err != nil {
		return err
	}
	gc, err := d.col("group", *group)
	if err != nil {
		return err
	}
	var xc []int
	for _, c := range splitComma(*covs) {
		i, err := d.col("covariates", c)
		if err != nil {
			return err
		}
		xc = append(xc, i)
	}
	droppedRows, droppedUnits := 0, 0
	if *dropUnbal {
		droppedRows = d.filter(func(i int) bool {
			_, ok, _ := parseNumber(d.rows[i][oc], d.delim)
			return ok
		})
		p, err := buildPanel(d, uc, "time", *timeCol)
		if err != nil {
			return err
		}
		incomplete := map[int]bool{}
		for u := range p.units {
			for t := range p.periods {
				if p.cell[u][t] < 0 {
					incomplete[u] = true
				}
			}
		}
		droppedUnits = len(incomplete)
		droppedRows += d.filter(func(i int) bool { return !incomplete[p.rowUnit[i]] })
		if len(d.rows) == 0 {
			return analyseErr("%s: no unit is observed in every period", d.name)
		}
	}
	p, err := buildPanel(d, uc, "time", *timeCol)
	if err != nil {
		return err
	}
	if err := p.checkBalanced(d, "; --drop-unbalanced drops such units, as R did does"); err != nil {
		return err
	}
	obs := make([]did.Obs, len(d.rows))
	firstG := make([]int, len(p.units))
	for u := range firstG {
		firstG[u] = -1
	}
	for i := range d.rows {
		u := p.rowUnit[i]
		y, err := d.num(i, oc)
		if err != nil {
			return err
		}
		g := 0
		if s := strings.TrimSpace(d.rows[i][gc]); s != "" && !strings.EqualFold(s, "NA") && !strings.EqualFold(s, "never") && !strings.EqualFold(s, "inf") {
			k, kd, err := parsePeriod(s)
			if err != nil {
				return d.cellErr(i, gc, err.Error()+" (the first treatment period, 0 for never)")
			}
			if k != 0 && kd != p.kind {
				return d.cellErr(i, gc, "is not a period of the same kind as the time column")
			}
			g = k
		}
		if firstG[u] >= 0 && firstG[u] != g {
			return d.cellErr(i, gc, fmt.Sprintf("differs from the unit's first treatment period in an earlier row (%s); it must not change over time", formatPeriod(firstG[u], p.kind)))
		}
		firstG[u] = g
		o := did.Obs{Unit: p.units[u], Period: p.periods[p.rowPer[i]], Y: y, FirstTreat: g}
		for _, c := range xc {
			v, err := d.num(i, c)
			if err != nil {
				return err
			}
			o.X = append(o.X, v)
		}
		obs[i] = o
	}
	opt := did.Options{Control: *control, BasePeriod: *base, Bootstrap: *boot, Seed: *seed, Pointwise: *pointwise, Alpha: *alpha, EstMethod: *est}
	done := status(env, "estimating ATT(g,t)")
	gt, err := did.ATTgt(obs, opt)
	done()
	if err != nil {
		return err
	}
	fp := func(k int) string { return formatPeriod(k, p.kind) }
	r := &analysisReport{Title: "Group-time average treatment effects (Callaway & Sant'Anna)"}
	r.add("units", gt.Units)
	if *dropUnbal {
		r.add("rows dropped (empty outcome or unbalanced units)", droppedRows)
		r.add("units dropped (unbalanced)", droppedUnits)
	}
	r.add("control group", *control)
	r.add("base period", *base)
	if *boot > 0 {
		r.add("inference", fmt.Sprintf("multiplier bootstrap, %d draws, seed %d", *boot, *seed))
	} else {
		r.add("inference", "analytical (influence function)")
	}
	r.add("critical value", gt.Crit)
	if gt.PreTestDF > 0 {
		r.add("pre-test of parallel trends: Wald W", gt.PreTestW)
		r.add("pre-test df", gt.PreTestDF)
		r.add("pre-test p-value", gt.PreTestP)
	}
	at := r.newTable("attgt", "ATT(g,t)", "group", "time", "att", "se", "low", "high", "post")
	for _, row := range gt.Rows {
		at.add(fp(row.Group), fp(row.Period), row.ATT, row.SE, row.Low, row.High, row.Post)
	}
	for _, k := range kinds {
		a, err := gt.AggregateWith(k, ao)
		if err != nil {
			return err
		}
		r.add(k+" ATT", a.ATT)
		r.add(k+" SE", a.SE)
		r.add(k+" low", a.Low)
		r.add(k+" high", a.High)
		if k == did.Simple {
			continue
		}
		key := map[string]string{did.Dynamic: "event_time", did.Group: "group", did.Calendar: "time"}[k]
		t := r.newTable(k, fmt.Sprintf("Aggregation %s (aggte type = %q); critical value %s", k, k, fmtNum(a.Crit, 6)), key, "att", "se", "low", "high")
		for _, e := range a.Effects {
			kv := any(e.Key)
			if k != did.Dynamic {
				kv = fp(e.Key)
			}
			t.add(kv, e.ATT, e.SE, e.Low, e.High)
		}
	}
	return emit(env, of, r)
}

func runAnalyseITS(ctx context.Context, env *Env, args []string) error {
	fs := analyseFlags(env, "its", "its --csv FILE --time COL --count COL [--population COL] --interruption PERIOD\n"+
		"        [--harmonics K --period 12] [--cov nonrobust|HC0|HC1|HC3|HAC --lags L] [--quasi] [--out series.csv]\n\n"+
		"Interrupted time series: segmented Poisson regression with a population offset and Fourier seasonality\n"+
		"(Lopez Bernal, Cummins & Gasparrini 2017). The series must be regular: one row per period, no gaps.\n"+
		"--time is a column of months (YYYY-MM), of whole numbers (with --start YYYY-MM for the seasonal terms),\n"+
		"or two columns YEAR,MONTH.")
	in := addInputFlags(fs, env)
	timeCol := fs.String("time", "", "column of periods: months YYYY-MM, whole numbers, or YEAR,MONTH columns")
	countCol := fs.String("count", "", "column of counts")
	popCol := fs.String("population", "", "column of the population (offset); none for counts only")
	inter := fs.String("interruption", "", "first period after the intervention (a value of the time column)")
	harm := fs.Int("harmonics", 0, "pairs of Fourier terms for seasonality (0: none)")
	period := fs.Int("period", 12, "period of the seasonal terms, in time steps")
	cov := fs.String("cov", its.NonRobust, "standard errors: nonrobust, HC0, HC1, HC3 or HAC")
	lags := fs.Int("lags", 0, "lags for HAC (0: floor(4·(n/100)^(2/9)))")
	quasi := fs.Bool("quasi", false, "quasi-Poisson: scale the model-based covariance by the dispersion")
	levelOnly := fs.Bool("level-only", false, "fit a level change only (no slope change)")
	conf := fs.Float64("conf", 0.95, "confidence level")
	start := fs.String("start", "", "with a whole-number time column: the month (YYYY-MM) of the first period, to align seasonality")
	out := fs.String("out", "", "write the series (observed, fitted, counterfactual and its band) as CSV to this file")
	of := addOutputFlags(fs, "coefficients, series")
	if _, err := parseAnalyseFlags(fs, args, 0); err != nil {
		return err
	}
	for _, f := range [][2]string{{"time", *timeCol}, {"count", *countCol}, {"interruption", *inter}} {
		if err := need(f[0], f[1]); err != nil {
			return err
		}
	}
	covType := *cov
	switch strings.ToUpper(covType) {
	case "NONROBUST", "":
		covType = its.NonRobust
	case "HC0", "HC1", "HC3", "HAC":
		covType = strings.ToUpper(covType)
	default:
		return usageErr("--cov %q: use nonrobust, HC0, HC1, HC3 or HAC", *cov)
	}
	d, err := in.read()
	if err != nil {
		return err
	}
	keys, kind, err := d.periodColumn("time", *timeCol)
	if err != nil {
		return err
	}
	cc, err := d.col("count", *countCol)
	if err != nil {
		return err
	}
	pc := -1
	if *popCol != "" {
		if pc, err = d.col("population", *popCol); err != nil {
			return err
		}
	}
	order := make([]int, len(d.rows))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return keys[order[a]] < keys[order[b]] })
	for j := 1; j < len(order); j++ {
		a, b := order[j-1], order[j]
		if keys[a] == keys[b] {
			return analyseErr("%s rows %d and %d have the same period %s; a series has one row per period", d.name, d.lines[a], d.lines[b], formatPeriod(keys[a], kind))
		}
		if keys[b] != keys[a]+1 {
			return analyseErr("%s has a gap in its series: no row between %s (row %d) and %s (row %d); give every period, with 0 where nothing happened",
				d.name, formatPeriod(keys[a], kind), d.lines[a], formatPeriod(keys[b], kind), d.lines[b])
		}
	}
	input := its.Input{Harmonics: *harm, Period: *period, CovType: covType, HACLags: *lags, Quasi: *quasi, LevelOnly: *levelOnly, Conf: *conf}
	for _, i := range order {
		y, err := d.count(i, cc)
		if err != nil {
			return err
		}
		input.Y = append(input.Y, y)
		if pc >= 0 {
			v, err := d.num(i, pc)
			if err != nil {
				return err
			}
			if v <= 0 {
				return d.cellErr(i, pc, "is not a positive population")
			}
			input.Population = append(input.Population, v)
		}
	}
	first := keys[order[0]]
	switch {
	case kind == periodMonth:
		input.Start = time.Date(first/12, time.Month(first%12+1), 1, 0, 0, 0, 0, time.UTC)
	case *start != "":
		k, kd, err := parsePeriod(*start)
		if err != nil || kd != periodMonth {
			return usageErr("--start %q is not a month YYYY-MM", *start)
		}
		input.Start = time.Date(k/12, time.Month(k%12+1), 1, 0, 0, 0, 0, time.UTC)
	default:
		if *harm > 0 && *period == 12 {
			return usageErr("monthly seasonality (--harmonics with --period 12) needs months: a YYYY-MM time column, YEAR,MONTH columns, or --start YYYY-MM")
		}
		input.Start = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	ik, err := parsePeriodAs("interruption", *inter, kind)
	if err != nil {
		return err
	}
	input.Interruption = ik - first
	if input.Interruption <= 0 || input.Interruption >= len(input.Y) {
		return usageErr("--interruption %s is outside the series (%s to %s)", *inter, formatPeriod(first, kind), formatPeriod(keys[order[len(order)-1]], kind))
	}
	res, err := its.Fit(input)
	if err != nil {
		return err
	}
	fp := func(j int) string { return formatPeriod(first+j, kind) }
	r := &analysisReport{Title: "Interrupted time series: segmented Poisson regression"}
	r.add("periods", len(input.Y))
	r.add("interruption", fp(input.Interruption))
	r.add("covariance", res.CovType)
	if res.CovType == its.HAC {
		r.add("HAC lags", res.HACLags)
	}
	r.add("quasi-Poisson", *quasi)
	r.add("dispersion (Pearson χ²/df)", res.Dispersion)
	r.add("deviance", res.Deviance)
	r.add("df", res.DF)
	pct := fmt.Sprintf("%g%%", *conf*100)
	eff := func(name string, e its.Effect) {
		r.add(name, e.Estimate)
		r.add(name+" "+pct+" low", e.Low)
		r.add(name+" "+pct+" high", e.High)
		r.add(name+" p-value", e.P)
	}
	eff("level change (rate ratio)", res.LevelChange)
	if !*levelOnly {
		eff("slope change (rate ratio per period)", res.SlopeChange)
	}
	r.add("cumulative effect (observed − counterfactual)", res.Cumulative.Estimate)
	r.add("cumulative effect "+pct+" low", res.Cumulative.Low)
	r.add("cumulative effect "+pct+" high", res.Cumulative.High)
	r.add("observed after interruption", res.Cumulative.Observed)
	r.add("counterfactual after interruption", res.Cumulative.Expected)
	if res.Reading != "" {
		r.Notes = append(r.Notes, res.Reading)
	}
	ct := r.newTable("coefficients", "Coefficients (log scale) and rate ratios", "name", "estimate", "se", "z", "p", "low", "high", "rr", "rr_low", "rr_high")
	for _, c := range res.Coef {
		ct.add(c.Name, c.Estimate, c.SE, c.Z, c.P, c.Low, c.High, c.RR, c.RRLow, c.RRHigh)
	}
	st := r.newTable("series", "Series and counterfactual", "period", "observed", "fitted", "counterfactual", "cf_low", "cf_high", "post")
	for j := range res.Observed {
		st.add(fp(j), res.Observed[j], res.Fitted[j], res.Counterfactual[j], res.CFLow[j], res.CFHigh[j], j >= input.Interruption)
	}
	if *out != "" {
		if err := writeFileWith(env, *out, "the counterfactual series", st.writeCSV); err != nil {
			return err
		}
	}
	return emit(env, of, r)
}

// donorMean is the mean over the donors of a predictor (each donor's mean
// over the predictor's periods, missing values skipped): the "sample mean"
// column of Synth's synth.tab.
func donorMean(p synth.Panel, s synth.Spec, res *synth.Result, pr synth.Predictor) any {
	m := p.Y
	if pr.Var != "" && pr.Var != p.Outcome {
		m = p.Predictors[pr.Var]
	}
	if m == nil {
		return nil
	}
	in := func(per int) bool {
		if len(pr.Periods) > 0 {
			for _, x := range pr.Periods {
				if x == per {
					return true
				}
			}
			return false
		}
		return per >= pr.From && per <= pr.To
	}
	unit := map[string]int{}
	for i, u := range p.Units {
		unit[u] = i
	}
	var sum float64
	n := 0
	for _, w := range res.Ordered {
		i := unit[w.Unit]
		var us float64
		un := 0
		for t, per := range p.Periods {
			if v := m[i][t]; in(per) && !math.IsNaN(v) {
				us += v
				un++
			}
		}
		if un > 0 {
			sum += us / float64(un)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return sum / float64(n)
}
