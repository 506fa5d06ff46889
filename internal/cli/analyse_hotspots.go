package cli

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/oas-atalaya/atalaya/internal/spatial"
)

// styled applies the weights style: B leaves them as built, W
// row-standardises.
func styled(af areaFlags, w *spatial.Weights, def string) (*spatial.Weights, string, error) {
	st := strings.ToUpper(*af.style)
	if *af.rowStd {
		if st == "B" {
			return nil, "", usageErr("--row-standardise contradicts --style B")
		}
		st = "W"
	}
	if st == "" {
		st = def
	}
	switch st {
	case "B":
		return w, st, nil
	case "W":
		return w.RowStandardise(), st, nil
	}
	return nil, "", usageErr("--style %q: use B (binary) or W (row-standardised)", *af.style)
}

func runAnalyseHotspots(ctx context.Context, env *Env, args []string) error {
	fs := analyseFlags(env, "hotspots", "hotspots --csv FILE --value COL [--id COL] (--weights-edges FILE | --weights-gal FILE | --weights-gwt FILE\n"+
		"        | --geojson FILE --contiguity queen|rook [--incidents LON,LAT] | --points X,Y (--distance D | --knn K | --grid CELL) [--lonlat])\n"+
		"        [--stat gistar|gi|lisa] [--permutations 999 --seed S] [--fdr 0.05] [--style B|W]\n\n"+
		"Local hot and cold spots: Getis–Ord Gi* (default) or Gi, or Anselin's Local Moran's I, with z-scores from\n"+
		"the analytical moments (as R spdep localG and localmoran), conditional-permutation pseudo p-values (as\n"+
		"PySAL esda) and a Benjamini–Hochberg false-discovery-rate correction. Islands (no neighbours) get no\n"+
		"statistic (NA), as spdep with zero.policy = TRUE. See docs/analysis.md for the exact spdep calls.")
	af := addAreaFlags(fs, env)
	valueCol := fs.String("value", "", "column (or GeoJSON property) of the variable, e.g. incidents per area; not with --grid")
	stat := fs.String("stat", "gistar", "gistar (Gi*, self included), gi, or lisa (Local Moran's I)")
	perms := fs.Int("permutations", 0, "conditional permutations for pseudo p-values (999 is customary; 0: none)")
	seed := fs.Uint64("seed", 1, "seed of the permutations")
	fdr := fs.Float64("fdr", 0, "false-discovery rate for the significance and cluster columns (Benjamini–Hochberg; 0: none)")
	alpha := fs.Float64("alpha", 0.05, "significance level without --fdr")
	esda := fs.Bool("esda-moments", false, "Gi with esda's simplified moments (differ from spdep's for row-standardised weights)")
	of := addOutputFlags(fs, "local")
	if _, err := parseAnalyseFlags(fs, args, 0); err != nil {
		return err
	}
	if *af.grid == 0 && *af.incidents == "" {
		if err := need("value", *valueCol); err != nil {
			return err
		}
	}
	var star, lisa bool
	switch *stat {
	case "gistar", "gi*", "Gi*":
		star = true
	case "gi", "Gi":
	case "lisa", "moran", "localmoran":
		lisa = true
	default:
		return usageErr("--stat %q: use gistar, gi or lisa", *stat)
	}
	a, err := af.build(true)
	if err != nil {
		return err
	}
	x, err := a.value("value", *valueCol)
	if err != nil {
		return err
	}
	def := "B"
	if lisa {
		def = "W"
	}
	w, st, err := styled(af, a.w, def)
	if err != nil {
		return err
	}
	opt := spatial.Options{Star: star, Permutations: *perms, Seed: *seed, FDR: *fdr, Alpha: *alpha, ESDAMoments: *esda}
	var res spatial.Result
	done := status(env, fmt.Sprintf("computing %s for %d observations", *stat, len(x)))
	if lisa {
		res, err = spatial.LocalMoran(x, w, opt)
	} else {
		if star {
			w = w.WithSelf(1)
		}
		res, err = spatial.GetisOrd(x, w, opt)
	}
	done()
	if err != nil {
		return err
	}
	name := map[bool]string{true: "Gi*", false: "Gi"}[star]
	call := fmt.Sprintf("spdep::localG(x, nb2listw(%s, style = %q, zero.policy = TRUE), zero.policy = TRUE)", map[bool]string{true: "include.self(nb)", false: "nb"}[star], st)
	if lisa {
		name = "Local Moran's I"
		call = fmt.Sprintf("spdep::localmoran(x, nb2listw(nb, style = %q, zero.policy = TRUE), zero.policy = TRUE)", st)
	}
	r := &analysisReport{Title: "Hot spots: " + name}
	r.add("observations", len(x))
	r.add("weights", a.desc)
	r.add("style", st)
	r.add("links", a.w.Links())
	if isl := a.w.Islands(); len(isl) > 0 {
		var s []string
		for k, i := range isl {
			if k == 10 {
				s = append(s, "…")
				break
			}
			s = append(s, a.ids[i])
		}
		r.add("islands (no neighbours)", fmt.Sprintf("%d: %s", len(isl), strings.Join(s, ", ")))
		if star {
			r.Notes = append(r.Notes, "An island's Gi* holds only itself; Gi and Local Moran's I are NA there (spdep, zero.policy = TRUE).")
		} else {
			r.Notes = append(r.Notes, "Islands have no statistic (NA), as spdep with zero.policy = TRUE.")
		}
	}
	r.add("z-scores match", call)
	if *perms > 0 {
		r.add("permutations", fmt.Sprintf("%d (seed %d), conditional, folded pseudo p as esda", *perms, *seed))
	}
	if *fdr > 0 {
		r.add("significance", fmt.Sprintf("Benjamini–Hochberg FDR %g", *fdr))
	} else {
		r.add("significance", fmt.Sprintf("p ≤ %g, uncorrected", *alpha))
	}
	pv := res.P
	if res.PSim != nil {
		pv = res.PSim
	}
	q := spatial.BenjaminiHochberg(pv)
	cols := []string{"id"}
	if a.centres != nil {
		cols = append(cols, "row", "col", "x", "y")
	}
	cols = append(cols, "value", "stat", "expected", "variance", "z", "p")
	if res.PSim != nil {
		cols = append(cols, "pseudo_p", "z_sim")
	}
	cols = append(cols, "q_bh", "significant", "cluster")
	if lisa {
		cols = append(cols, "quadrant")
	}
	t := r.newTable("local", "Per observation (p: two-sided normal; pseudo_p: permutations; q_bh: Benjamini–Hochberg of pseudo_p, else p)", cols...)
	hot, cold := 0, 0
	for i := range x {
		row := []any{a.ids[i]}
		if a.centres != nil {
			row = append(row, a.cells[i][0], a.cells[i][1], a.centres[i][0], a.centres[i][1])
		}
		row = append(row, x[i], res.Stat[i], res.E[i], res.Var[i], res.Z[i], res.P[i])
		if res.PSim != nil {
			row = append(row, res.PSim[i], res.ZSim[i])
		}
		row = append(row, q[i], res.Significant[i], res.Cluster[i])
		if lisa {
			row = append(row, res.Quadrant[i])
		}
		t.add(row...)
		switch res.Cluster[i] {
		case "hot", "HH":
			hot++
		case "cold", "LL":
			cold++
		}
	}
	if res.PSim != nil && !lisa {
		flat := 0
		for i := range x {
			if res.Cluster[i] == "cold" && res.Stat[i] == 0 {
				flat++
			}
		}
		if flat > 0 {
			r.Notes = append(r.Notes, fmt.Sprintf("%d cold spots have no events in their whole neighbourhood: there no permutation gives a smaller statistic, so the folded pseudo p-value is 1/(permutations+1) by construction (as in esda). Read them with the analytical z and p, or run without --permutations.", flat))
		}
	}
	if lisa {
		r.add("significant HH / LL", fmt.Sprintf("%d / %d", hot, cold))
	} else {
		r.add("significant hot / cold", fmt.Sprintf("%d / %d", hot, cold))
	}
	return emit(env, of, r)
}

func runAnalyseMoran(ctx context.Context, env *Env, args []string) error {
	fs := analyseFlags(env, "moran", "moran --csv FILE --value COL [--population COL] [--id COL] (weights as for hotspots) [--permutations 999 --seed S]\n\n"+
		"Global Moran's I with its moments under normality and randomisation (as spdep::moran.test with\n"+
		"adjust.n = FALSE) and a permutation pseudo p-value. With --population, the Moran's I of the\n"+
		"empirical-Bayes standardised rates value/population (Assunção & Reis 1999; esda Moran_Rate, spdep EBImoran.mc).")
	af := addAreaFlags(fs, env)
	valueCol := fs.String("value", "", "column of the variable (events with --population)")
	popCol := fs.String("population", "", "column of the population at risk: Moran's I of EB-standardised rates")
	perms := fs.Int("permutations", 0, "random permutations for a pseudo p-value (0: none)")
	seed := fs.Uint64("seed", 1, "seed of the permutations")
	of := addOutputFlags(fs, "summary")
	if _, err := parseAnalyseFlags(fs, args, 0); err != nil {
		return err
	}
	if *af.grid == 0 && *af.incidents == "" {
		if err := need("value", *valueCol); err != nil {
			return err
		}
	}
	a, err := af.build(true)
	if err != nil {
		return err
	}
	x, err := a.value("value", *valueCol)
	if err != nil {
		return err
	}
	w, st, err := styled(af, a.w, "W")
	if err != nil {
		return err
	}
	var g spatial.Global
	if *popCol != "" {
		pop, err := a.value("population", *popCol)
		if err != nil {
			return err
		}
		g, err = spatial.MoranRate(x, pop, w, *perms, *seed)
		if err != nil {
			return err
		}
	} else if g, err = spatial.GlobalMoran(x, w, *perms, *seed); err != nil {
		return err
	}
	r := &analysisReport{Title: "Global Moran's I"}
	r.add("observations", g.N)
	r.add("weights", a.desc)
	r.add("style", st)
	if *popCol != "" {
		r.add("variable", "EB-standardised rate "+*valueCol+"/"+*popCol+" (Assunção–Reis)")
	}
	r.add("I", g.I)
	r.add("expected", g.E)
	r.add("variance (normality)", g.VarNorm)
	r.add("z (normality)", g.ZNorm)
	r.add("p two-sided (normality)", g.PNorm)
	r.add("variance (randomisation)", g.VarRand)
	r.add("z (randomisation)", g.ZRand)
	r.add("p two-sided (randomisation)", g.PRand)
	if g.Permutations > 0 {
		r.add("permutations", g.Permutations)
		r.add("pseudo p (folded)", g.PSim)
		r.add("z (permutations)", g.ZSim)
	}
	r.Notes = append(r.Notes, fmt.Sprintf("Matches spdep::moran.test(x, nb2listw(nb, style = %q, zero.policy = TRUE), randomisation = TRUE/FALSE, zero.policy = TRUE, adjust.n = FALSE); spdep prints one-sided p-values (alternative = \"greater\"): half of these when I > E.", st))
	return emit(env, of, r)
}

func runAnalyseSmooth(ctx context.Context, env *Env, args []string) error {
	fs := analyseFlags(env, "smooth", "smooth --csv FILE --events COL --population COL [--id COL] [weights as for hotspots] [--per 100000]\n\n"+
		"Empirical-Bayes smoothing of small-area rates (Marshall 1991): each raw rate is shrunk towards the\n"+
		"overall rate (global EB, spdep EBest / esda Empirical_Bayes), and with weights towards its\n"+
		"neighbourhood's rate (spatial EB, spdep EBlocal / esda Spatial_Empirical_Bayes).")
	af := addAreaFlags(fs, env)
	evCol := fs.String("events", "", "column of the events (counts)")
	popCol := fs.String("population", "", "column of the population at risk")
	per := fs.Float64("per", 1, "express rates per this many people (e.g. 100000)")
	of := addOutputFlags(fs, "rates")
	if _, err := parseAnalyseFlags(fs, args, 0); err != nil {
		return err
	}
	if err := need("events", *evCol); err != nil {
		return err
	}
	if err := need("population", *popCol); err != nil {
		return err
	}
	var a *areas
	var err error
	if *af.edges == "" && *af.geojson == "" && *af.points == "" {
		d, err := af.in.read()
		if err != nil {
			return err
		}
		a = &areas{value: func(f, c string) ([]float64, error) { return d.column(f, c) }}
		idc := -1
		if *af.id != "" {
			if idc, err = d.col("id", *af.id); err != nil {
				return err
			}
		}
		for i := range d.rows {
			if idc >= 0 {
				a.ids = append(a.ids, strings.TrimSpace(d.rows[i][idc]))
			} else {
				a.ids = append(a.ids, fmt.Sprint(d.lines[i]))
			}
		}
	} else if a, err = af.build(true); err != nil {
		return err
	}
	ev, err := a.value("events", *evCol)
	if err != nil {
		return err
	}
	pop, err := a.value("population", *popCol)
	if err != nil {
		return err
	}
	for i := range pop {
		if pop[i] <= 0 {
			return analyseErr("observation %s: population %g is not positive", a.ids[i], pop[i])
		}
		if ev[i] < 0 {
			return analyseErr("observation %s: events %g are negative", a.ids[i], ev[i])
		}
	}
	eb, err := spatial.EmpiricalBayes(ev, pop)
	if err != nil {
		return err
	}
	var seb []float64
	if a.w != nil {
		if seb, err = spatial.SpatialEmpiricalBayes(ev, pop, a.w); err != nil {
			return err
		}
	}
	var se, sp float64
	for i := range ev {
		se += ev[i]
		sp += pop[i]
	}
	r := &analysisReport{Title: "Empirical-Bayes smoothed rates"}
	r.add("observations", len(ev))
	r.add("events", se)
	r.add("population", sp)
	r.add("overall rate", se/sp**per)
	r.add("per", *per)
	if a.w != nil {
		r.add("neighbourhoods", a.desc)
	}
	cols := []string{"id", "events", "population", "raw_rate", "eb_rate"}
	if seb != nil {
		cols = append(cols, "spatial_eb_rate")
	}
	t := r.newTable("rates", "Rates", cols...)
	for i := range ev {
		row := []any{a.ids[i], ev[i], pop[i], ev[i] / pop[i] * *per, eb[i] * *per}
		if seb != nil {
			row = append(row, seb[i]**per)
		}
		t.add(row...)
	}
	r.Notes = append(r.Notes, "eb_rate matches spdep::EBest(events, population)$estmm; spatial_eb_rate spdep::EBlocal(events, population, nb, geoda = TRUE)$est (neighbourhood: the area and its neighbours).")
	return emit(env, of, r)
}

func runAnalyseNNI(ctx context.Context, env *Env, args []string) error {
	fs := analyseFlags(env, "nni", "nni --csv FILE --x COL --y COL [--lonlat] [--area A]\n\n"+
		"Clark–Evans nearest-neighbour index: mean distance to the nearest other point against its expectation\n"+
		"under complete spatial randomness in the study area (no edge correction, as ArcGIS Average Nearest\n"+
		"Neighbor and spatstat clarkevans(correction = \"none\")). The index depends strongly on the area: give it.")
	in := addInputFlags(fs, env)
	xCol := fs.String("x", "", "column of X (longitude with --lonlat)")
	yCol := fs.String("y", "", "column of Y (latitude with --lonlat)")
	lonlat := fs.Bool("lonlat", false, "X and Y are longitude and latitude (projected to metres)")
	area := fs.Float64("area", 0, "study area in squared units (m² with --lonlat); default the points' bounding rectangle")
	dropZero := fs.Bool("drop-zero-points", false, "leave out rows at (0, 0), the usual placeholder for an unknown place")
	of := addOutputFlags(fs, "summary")
	if _, err := parseAnalyseFlags(fs, args, 0); err != nil {
		return err
	}
	d, err := in.read()
	if err != nil {
		return err
	}
	dropped := 0
	if *dropZero {
		if dropped, err = dropZeroPoints(d, *xCol, *yCol); err != nil {
			return err
		}
	}
	pts, _, _, err := pointsOf(d, *xCol, *yCol, *lonlat)
	if err != nil {
		return err
	}
	A := *area
	how := "given"
	if A <= 0 {
		minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, p := range pts {
			minX, minY = math.Min(minX, p[0]), math.Min(minY, p[1])
			maxX, maxY = math.Max(maxX, p[0]), math.Max(maxY, p[1])
		}
		A = (maxX - minX) * (maxY - minY)
		how = "bounding rectangle of the points"
	}
	res, err := spatial.NearestNeighbourIndex(pts, A)
	if err != nil {
		return err
	}
	unit := "units"
	if *lonlat {
		unit = "m"
	}
	r := &analysisReport{Title: "Nearest-neighbour index (Clark–Evans)"}
	r.add("points", res.N)
	if dropped > 0 {
		r.add("rows at (0, 0) left out", dropped)
	}
	r.add("area ("+unit+"²)", res.Area)
	r.add("area from", how)
	r.add("observed mean distance ("+unit+")", res.Observed)
	r.add("expected mean distance ("+unit+")", res.Expected)
	r.add("ratio (R)", res.Ratio)
	r.add("z", res.Z)
	r.add("p two-sided", res.P)
	reading := "no departure from randomness at 5%"
	if res.P < 0.05 {
		reading = map[bool]string{true: "clustered", false: "dispersed"}[res.Ratio < 1]
	}
	r.add("reading", reading)
	return emit(env, of, r)
}

func runAnalyseConcentration(ctx context.Context, env *Env, args []string) error {
	fs := analyseFlags(env, "concentration", "concentration --csv FILE (--count COL | --by COL) [--places N] [--top 0.05]\n\n"+
		"Crime concentration (Weisburd 2015; Bernasco & Steenbeek 2017): the share of events in the top share of\n"+
		"places, the shares of places holding 25% and 50% of events, the Gini and generalised Gini.\n"+
		"Either one row per place with --count, or one row per incident counted by the place column --by.\n"+
		"Places with no events matter: give them as rows with 0, or their total number with --places.")
	in := addInputFlags(fs, env)
	countCol := fs.String("count", "", "column of events per place (one row per place)")
	by := fs.String("by", "", "column naming the place of each incident (one row per incident)")
	places := fs.Int("places", 0, "total number of places, those without events included (adds places with 0)")
	top := fs.Float64("top", 0.05, "share of places for the top-places share (0.05: the top 5%)")
	lorenz := fs.Bool("lorenz", false, "add the Lorenz curve as a table")
	of := addOutputFlags(fs, "lorenz, places")
	if _, err := parseAnalyseFlags(fs, args, 0); err != nil {
		return err
	}
	if (*countCol == "") == (*by == "") {
		return usageErr("give --count COL (one row per place) or --by COL (one row per incident)")
	}
	d, err := in.read()
	if err != nil {
		return err
	}
	var counts []float64
	var names []string
	if *countCol != "" {
		c, err := d.col("count", *countCol)
		if err != nil {
			return err
		}
		for i := range d.rows {
			v, err := d.num(i, c)
			if err != nil {
				return err
			}
			if v < 0 {
				return d.cellErr(i, c, "is negative")
			}
			counts = append(counts, v)
			names = append(names, fmt.Sprint(d.lines[i]))
		}
	} else {
		c, err := d.col("by", *by)
		if err != nil {
			return err
		}
		m := map[string]float64{}
		for i := range d.rows {
			k := strings.TrimSpace(d.rows[i][c])
			if k == "" {
				return d.cellErr(i, c, "is empty (a place is needed)")
			}
			m[k]++
		}
		for _, k := range sortedKeys(m) {
			names = append(names, k)
			counts = append(counts, m[k])
		}
	}
	if *places > 0 {
		if *places < len(counts) {
			return usageErr("--places %d is fewer than the %d places in the data", *places, len(counts))
		}
		for len(counts) < *places {
			counts = append(counts, 0)
			names = append(names, "")
		}
	}
	res, err := spatial.Concentration(counts, *top)
	if err != nil {
		return err
	}
	r := &analysisReport{Title: "Crime concentration"}
	r.add("places", res.N)
	r.add("events", res.Total)
	r.add(fmt.Sprintf("share of events in the top %g%% of places", *top*100), res.TopEvents)
	r.add("share of places with 25% of events", res.Places25)
	r.add("share of places with 50% of events", res.Places50)
	r.add("Gini", res.Gini)
	r.add("generalised Gini (Bernasco & Steenbeek)", res.GiniGeneralised)
	if *lorenz {
		t := r.newTable("lorenz", "Lorenz curve (places from fewest to most events)", "places_share", "events_share")
		for _, p := range res.Lorenz {
			t.add(p[0], p[1])
		}
	}
	if *by != "" {
		idx := make([]int, len(counts))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return counts[idx[a]] > counts[idx[b]] })
		t := r.newTable("places", "Places by events (the top 20)", "place", "events", "share")
		for k, i := range idx {
			if k == 20 && *of.format == "table" {
				break
			}
			if names[i] == "" {
				continue
			}
			t.add(names[i], counts[i], counts[i]/res.Total)
		}
	}
	return emit(env, of, r)
}
