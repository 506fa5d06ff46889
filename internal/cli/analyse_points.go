package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/oas-atalaya/atalaya/internal/density"
	"github.com/oas-atalaya/atalaya/internal/nearrepeat"
)

func runAnalyseKDE(ctx context.Context, env *Env, args []string) error {
	fs := analyseFlags(env, "kde", "kde --csv FILE --x COL --y COL [--lonlat] [--kernel quartic|gaussian|epanechnikov]\n"+
		"        [--bandwidth B | --rule arcgis|silverman|scott] [--cell C] --out grid.geojson|grid.png|grid.csv\n\n"+
		"Kernel density surface of points (ArcGIS Kernel Density and CrimeStat): density per square unit\n"+
		"(per m² with --lonlat, which projects to metres and writes the GeoJSON back in longitude/latitude).")
	in := addInputFlags(fs, env)
	xCol := fs.String("x", "", "column of X (longitude with --lonlat)")
	yCol := fs.String("y", "", "column of Y (latitude with --lonlat)")
	lonlat := fs.Bool("lonlat", false, "X and Y are longitude and latitude; distances, bandwidth and cell in metres")
	kernel := fs.String("kernel", "quartic", "quartic, gaussian or epanechnikov")
	bw := fs.Float64("bandwidth", 0, "quartic/Epanechnikov radius or Gaussian σ (0: from --rule)")
	rule := fs.String("rule", "arcgis", "bandwidth rule: arcgis, silverman or scott")
	cell := fs.Float64("cell", 0, "cell size (0: the shorter side of the extent / 250, as ArcGIS)")
	weightCol := fs.String("weight", "", "column of weights per point (a population field)")
	perCell := fs.Bool("per-cell", false, "values as expected counts per cell instead of density per square unit")
	minShare := fs.Float64("min-share", 0, "GeoJSON: leave out cells below this share of the maximum (e.g. 0.001)")
	dropZero := fs.Bool("drop-zero-points", false, "leave out rows at (0, 0), the usual placeholder for an unknown place")
	bounds := fs.String("bounds", "", "grid extent minX,minY,maxX,maxY in the points' units (degrees with --lonlat); default the points' extent plus the kernel's reach")
	exact := fs.Bool("exact", false, "sum the kernel over every point for every cell instead of binning (slow; for checking)")
	out := fs.String("out", "", "output file: .geojson (cells as polygons), .png (image, north up) or .csv (row, col, x, y, value)")
	of := addOutputFlags(fs, "summary")
	if _, err := parseAnalyseFlags(fs, args, 0); err != nil {
		return err
	}
	if err := need("out", *out); err != nil {
		return err
	}
	ext := strings.ToLower(*out)
	if !strings.HasSuffix(ext, ".geojson") && !strings.HasSuffix(ext, ".json") && !strings.HasSuffix(ext, ".png") && !strings.HasSuffix(ext, ".csv") {
		return usageErr("--out %q: name a .geojson, .png or .csv file", *out)
	}
	opt := density.Options{Bandwidth: *bw, Rule: *rule, CellSize: *cell, Exact: *exact}
	if *bounds != "" {
		parts := strings.Split(*bounds, ",")
		if len(parts) != 4 {
			return usageErr("--bounds %q: give minX,minY,maxX,maxY", *bounds)
		}
		for i, p := range parts {
			v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil {
				return usageErr("--bounds %q: %q is not a number", *bounds, p)
			}
			opt.Bounds[i] = v
		}
		if opt.Bounds[2] <= opt.Bounds[0] || opt.Bounds[3] <= opt.Bounds[1] {
			return usageErr("--bounds %q: the maxima must exceed the minima", *bounds)
		}
	}
	switch *kernel {
	case "quartic", "biweight":
		opt.Kernel = density.Quartic
	case "gaussian", "normal":
		opt.Kernel = density.Gaussian
	case "epanechnikov":
		opt.Kernel = density.Epanechnikov
	default:
		return usageErr("--kernel %q: use quartic, gaussian or epanechnikov", *kernel)
	}
	switch *rule {
	case "arcgis", "silverman", "scott":
	default:
		return usageErr("--rule %q: use arcgis, silverman or scott", *rule)
	}
	if *perCell {
		opt.Unit = density.PerCell
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
	pts, _, pr, err := pointsOf(d, *xCol, *yCol, *lonlat)
	if err != nil {
		return err
	}
	if pr != nil && *bounds != "" {
		// Bounds given in degrees: project the corners.
		opt.Bounds[0], opt.Bounds[1] = pr.forward(opt.Bounds[0], opt.Bounds[1])
		opt.Bounds[2], opt.Bounds[3] = pr.forward(opt.Bounds[2], opt.Bounds[3])
	}
	if *weightCol != "" {
		if opt.Weights, err = d.column("weight", *weightCol); err != nil {
			return err
		}
	}
	done := status(env, fmt.Sprintf("estimating the density of %d points", len(pts)))
	g, err := density.Estimate(ctx, pts, opt)
	done()
	if err != nil {
		return err
	}
	err = writeFileWith(env, *out, "the density grid", func(w io.Writer) error {
		switch {
		case strings.HasSuffix(ext, ".png"):
			return g.PNG(w, nil)
		case strings.HasSuffix(ext, ".csv"):
			t := &table{Cols: []string{"row", "col", "x", "y", "value"}}
			for r := 0; r < g.Rows; r++ {
				for c := 0; c < g.Cols; c++ {
					x, y := g.Center(r, c)
					if pr != nil {
						x, y = pr.inverse(x, y)
					}
					t.add(r, c, x, y, g.At(r, c))
				}
			}
			return t.writeCSV(w)
		case pr == nil:
			return g.GeoJSONAbove(w, *minShare*g.Max())
		}
		return lonLatGeoJSON(w, g, *pr, *minShare*g.Max())
	})
	if err != nil {
		return err
	}
	unit := "units"
	if *lonlat {
		unit = "m"
	}
	r := &analysisReport{Title: "Kernel density"}
	r.add("points", len(pts))
	if dropped > 0 {
		r.add("rows at (0, 0) left out", dropped)
	}
	r.add("kernel", g.Kernel.String())
	how := "given"
	if *bw == 0 {
		how = "rule " + *rule
	}
	r.add("bandwidth ("+unit+")", g.Bandwidth)
	r.add("bandwidth from", how)
	r.add("cell ("+unit+")", g.CellSize)
	r.add("grid", fmt.Sprintf("%d rows × %d cols", g.Rows, g.Cols))
	r.add("maximum", g.Max())
	r.add("integral", g.Sum())
	r.add("output", *out)
	return emit(env, of, r)
}

// lonLatGeoJSON writes the grid's cells as polygons in longitude and
// latitude, inverting the projection used to build it.
func lonLatGeoJSON(w io.Writer, g *density.Grid, pr lonLatProj, min float64) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"type":"FeatureCollection","features":[`)
	first := true
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 7, 64) }
	for r := 0; r < g.Rows; r++ {
		for c := 0; c < g.Cols; c++ {
			v := g.At(r, c)
			if v == 0 || v <= min {
				continue
			}
			x0, y0 := g.MinX+float64(c)*g.CellSize, g.MinY+float64(r)*g.CellSize
			x1, y1 := x0+g.CellSize, y0+g.CellSize
			a, b := pr.inverse(x0, y0)
			cc, dd := pr.inverse(x1, y1)
			if !first {
				bw.WriteString(",")
			}
			first = false
			fmt.Fprintf(bw, "\n{\"type\":\"Feature\",\"properties\":{\"row\":%d,\"col\":%d,\"value\":%s},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%s,%s],[%s,%s],[%s,%s],[%s,%s],[%s,%s]]]}}",
				r, c, strconv.FormatFloat(v, 'g', 6, 64), f(a), f(b), f(cc), f(b), f(cc), f(dd), f(a), f(dd), f(a), f(b))
		}
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

func runAnalyseNearRepeat(ctx context.Context, env *Env, args []string) error {
	fs := analyseFlags(env, "nearrepeat", "nearrepeat --csv FILE --x COL --y COL [--lonlat] --date COL --space 0,100,200,400 --time 0,7,14,21\n"+
		"        [--permutations 999 --seed S] [--out knox.csv]\n\n"+
		"Knox test of near repeats: pairs of events by distance band and time band, against permutations of the\n"+
		"times (Ratcliffe's Near Repeat Calculator, R NearRepeat). Bands are half-open and labelled exactly:\n"+
		"\"0 < d < 100 m\", \"100 ≤ d < 200 m\", \"0 ≤ Δt < 7 days\"; distance 0 is its own band. To reproduce\n"+
		"an NRC table give its bandwidth multiples as edges (see docs/analysis.md).")
	in := addInputFlags(fs, env)
	xCol := fs.String("x", "", "column of X in metres (longitude with --lonlat)")
	yCol := fs.String("y", "", "column of Y in metres (latitude with --lonlat)")
	lonlat := fs.Bool("lonlat", false, "X and Y are longitude and latitude (great-circle distances in metres)")
	dateCol := fs.String("date", "", "column of dates (or date-times)")
	dateFmt := fs.String("date-format", "", "date format, e.g. DD/MM/YYYY (default: detected)")
	space := fs.String("space", "0,100,200,300,400", "space band edges in metres, from 0; the last band is open (≥ last edge)")
	tm := fs.String("time", "0,7,14,21,28", "time band edges in days, from 0")
	perms := fs.Int("permutations", 999, "Monte-Carlo permutations of the times")
	seed := fs.Uint64("seed", 1, "seed of the permutations")
	manhattan := fs.Bool("manhattan", false, "Manhattan distance |Δx|+|Δy| instead of Euclidean (projected coordinates only)")
	dropZero := fs.Bool("drop-zero-points", false, "leave out rows at (0, 0), the usual placeholder for an unknown place")
	out := fs.String("out", "", "write the Knox table as CSV to this file")
	of := addOutputFlags(fs, "knox")
	if _, err := parseAnalyseFlags(fs, args, 0); err != nil {
		return err
	}
	if err := need("date", *dateCol); err != nil {
		return err
	}
	sb, err := nearrepeat.ParseBands(*space)
	if err != nil {
		return usageErr("--space: %v", err)
	}
	tb, err := nearrepeat.ParseBands(*tm)
	if err != nil {
		return usageErr("--time: %v", err)
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
	// Raw coordinates: Knox projects lon/lat itself.
	xc, err := d.col("x", *xCol)
	if err != nil {
		return err
	}
	yc, err := d.col("y", *yCol)
	if err != nil {
		return err
	}
	dates, err := d.dateColumn("date", *dateCol, *dateFmt)
	if err != nil {
		return err
	}
	ev := make([]nearrepeat.Event, len(d.rows))
	for i := range d.rows {
		x, err := d.num(i, xc)
		if err != nil {
			return err
		}
		y, err := d.num(i, yc)
		if err != nil {
			return err
		}
		if *lonlat && (x < -180 || x > 180) {
			return d.cellErr(i, xc, "is not a longitude (−180 to 180)")
		}
		if *lonlat && (y < -90 || y > 90) {
			return d.cellErr(i, yc, "is not a latitude (−90 to 90)")
		}
		ev[i] = nearrepeat.Event{X: x, Y: y, T: dates[i]}
	}
	opt := nearrepeat.Options{SpaceBands: sb, TimeBands: tb, Permutations: *perms, Seed: *seed, LonLat: *lonlat}
	if *manhattan {
		opt.Metric = nearrepeat.Manhattan
	}
	done := status(env, fmt.Sprintf("Knox test of %d events, %d permutations", len(ev), *perms))
	res, err := nearrepeat.Knox(ctx, ev, opt)
	done()
	if err != nil {
		return err
	}
	if *out != "" {
		if err := writeFileWith(env, *out, "the Knox table", res.CSV); err != nil {
			return err
		}
	}
	if *of.format == "table" {
		fmt.Fprintf(env.Stdout, "Knox test of near repeats: %d events, %s pairs, %d permutations (seed %d)\n", res.Events, group(res.Pairs), res.Permutations, res.Seed)
		if dropped > 0 {
			fmt.Fprintf(env.Stdout, "%d rows at (0, 0) left out\n", dropped)
		}
		fmt.Fprintln(env.Stdout)
		return res.Markdown(env.Stdout)
	}
	if *of.format == "csv" && *of.table == "" {
		return res.CSV(env.Stdout)
	}
	r := &analysisReport{Title: "Knox test of near repeats"}
	r.add("events", res.Events)
	r.add("pairs", res.Pairs)
	r.add("permutations", res.Permutations)
	r.add("seed", fmt.Sprint(res.Seed))
	t := r.newTable("knox", "Knox table", "space_band", "time_band", "observed", "expected", "expected_exact", "knox_ratio", "p_value")
	for s := range res.Cells {
		for k, c := range res.Cells[s] {
			var ratio any = c.Ratio
			if c.Expected == 0 {
				ratio = nil
			}
			t.add(res.SpaceBands[s].Label, res.TimeBands[k].Label, c.Observed, c.Expected, c.ExpectedExact, ratio, c.P)
		}
	}
	return emit(env, of, r)
}
