package cli

import (
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/oas-atalaya/atalaya/internal/geo"
	"github.com/oas-atalaya/atalaya/internal/spatial"
	"github.com/oas-atalaya/atalaya/internal/tabular"
)

// earthRadius is the mean Earth radius in metres (as nearrepeat's).
const earthRadius = 6371008.8

// lonLatProj is an equirectangular projection centred on a latitude, in
// metres: x = R·λ·cos φ0, y = R·φ (as spatial.PlanarPoints), with its
// inverse for writing maps back in longitude and latitude.
type lonLatProj struct{ cos0 float64 }

func newLonLatProj(lat []float64) lonLatProj {
	var s float64
	for _, v := range lat {
		s += v
	}
	return lonLatProj{cos0: math.Cos(s / float64(len(lat)) * math.Pi / 180)}
}

func (p lonLatProj) forward(lon, lat float64) (float64, float64) {
	return earthRadius * lon * math.Pi / 180 * p.cos0, earthRadius * lat * math.Pi / 180
}

func (p lonLatProj) inverse(x, y float64) (float64, float64) {
	return x / (earthRadius * p.cos0) * 180 / math.Pi, y / earthRadius * 180 / math.Pi
}

// pointsOf reads X and Y columns, checking longitude and latitude ranges
// with lonlat, and returns planar coordinates (projected with lonlat).
func pointsOf(d *dataFile, xName, yName string, lonlat bool) ([][2]float64, []int, *lonLatProj, error) {
	xc, err := d.col("x", xName)
	if err != nil {
		return nil, nil, nil, err
	}
	yc, err := d.col("y", yName)
	if err != nil {
		return nil, nil, nil, err
	}
	pts := make([][2]float64, len(d.rows))
	for i := range d.rows {
		x, err := d.num(i, xc)
		if err != nil {
			return nil, nil, nil, err
		}
		y, err := d.num(i, yc)
		if err != nil {
			return nil, nil, nil, err
		}
		if lonlat {
			if x < -180 || x > 180 {
				return nil, nil, nil, d.cellErr(i, xc, "is not a longitude (−180 to 180); is X the longitude column?")
			}
			if y < -90 || y > 90 {
				return nil, nil, nil, d.cellErr(i, yc, "is not a latitude (−90 to 90)")
			}
		}
		pts[i] = [2]float64{x, y}
	}
	if !lonlat {
		return pts, []int{xc, yc}, nil, nil
	}
	lat := make([]float64, len(pts))
	for i := range pts {
		lat[i] = pts[i][1]
	}
	pr := newLonLatProj(lat)
	for i := range pts {
		pts[i][0], pts[i][1] = pr.forward(pts[i][0], pts[i][1])
	}
	return pts, []int{xc, yc}, &pr, nil
}

// dropZeroPoints removes rows whose coordinates (columns xName, yName)
// are exactly (0, 0), the placeholder police exports use for an unknown
// place, and returns how many it removed.
func dropZeroPoints(d *dataFile, xName, yName string) (int, error) {
	xc, err := d.col("x", xName)
	if err != nil {
		return 0, err
	}
	yc, err := d.col("y", yName)
	if err != nil {
		return 0, err
	}
	xy := []int{xc, yc}
	n := 0
	keep := d.rows[:0]
	lines := d.lines[:0]
	for i, r := range d.rows {
		x, _, _ := parseNumber(r[xy[0]], d.delim)
		y, _, _ := parseNumber(r[xy[1]], d.delim)
		if x == 0 && y == 0 {
			n++
			continue
		}
		keep = append(keep, r)
		lines = append(lines, d.lines[i])
	}
	d.rows, d.lines = keep, lines
	return n, nil
}

// areaFlags choose the observations and their spatial weights.
type areaFlags struct {
	in                            inputFlags
	id, edges, geojson, geojsonID *string
	contiguity, points, style     *string
	distance                      *float64
	knn                           *int
	lonlat, rowStd, dropZero      *bool
	gal, gwt, incidents           *string
	grid                          *float64
}

func addAreaFlags(fs *flag.FlagSet, env *Env) areaFlags {
	return areaFlags{
		in:         addInputFlags(fs, env),
		id:         fs.String("id", "", "column of the observations' ids (for --weights-edges, and to match --geojson features)"),
		edges:      fs.String("weights-edges", "", "weights as a CSV edge list: from,to[,weight] by id (both directions for symmetric weights)"),
		gal:        fs.String("weights-gal", "", "binary weights in GeoDa's GAL format (spdep read.gal), matched to the rows by --id"),
		gwt:        fs.String("weights-gwt", "", "neighbours in GeoDa's GWT format (spdep read.gwt2nb), as binary links, matched to the rows by --id"),
		incidents:  fs.String("incidents", "", "with --geojson: the --csv rows are incidents at these LON,LAT columns; the value of each area is their count"),
		geojson:    fs.String("geojson", "", "GeoJSON polygons of the areas (with --contiguity); without --csv the values are read from its properties"),
		geojsonID:  fs.String("geojson-id", "", "property of the GeoJSON features matching --id (default: the same name as --id)"),
		contiguity: fs.String("contiguity", "queen", "with --geojson or --grid: queen or rook (spdep poly2nb queen = TRUE/FALSE)"),
		points:     fs.String("points", "", "X,Y columns of point observations, with --distance or --knn"),
		distance:   fs.Float64("distance", 0, "with --points: neighbours within this distance, inclusive (spdep dnearneigh(0, d)); metres with --lonlat"),
		knn:        fs.Int("knn", 0, "with --points: the k nearest neighbours (spdep knearneigh + knn2nb)"),
		grid:       fs.Float64("grid", 0, "with --points: count the rows (incidents) in square cells of this size and use grid contiguity; metres with --lonlat"),
		lonlat:     fs.Bool("lonlat", false, "--points are longitude,latitude in degrees (projected to metres, equirectangular at their mean latitude)"),
		dropZero:   fs.Bool("drop-zero-points", false, "with --points: leave out rows at (0, 0), the usual placeholder for an unknown place"),
		style:      fs.String("style", "", "weights style: B (binary, as built) or W (row-standardised); default B for Gi/Gi*, W for Local and global Moran"),
		rowStd:     fs.Bool("row-standardise", false, "same as --style W"),
	}
}

// areas are observations with ids, their weights and where to find values.
type areas struct {
	ids     []string
	w       *spatial.Weights
	desc    string // how the weights were built
	value   func(flagName, col string) ([]float64, error)
	centres [][2]float64 // grid cells: centre coordinates, lon/lat with --lonlat
	cells   [][2]int     // grid cells: row, col
}

func (af areaFlags) build(needValues bool) (*areas, error) {
	modes := 0
	for _, on := range []bool{*af.edges != "", *af.geojson != "", *af.points != "", *af.gal != "", *af.gwt != ""} {
		if on {
			modes++
		}
	}
	if modes != 1 {
		return nil, usageErr("give one source of weights: --weights-edges FILE, --weights-gal FILE, --weights-gwt FILE, --geojson FILE (--contiguity queen|rook), or --points X,Y with --distance D, --knn K or --grid CELL")
	}
	if *af.incidents != "" && *af.geojson == "" {
		return nil, usageErr("--incidents LON,LAT counts incidents in the areas of --geojson FILE")
	}
	if *af.geojson != "" {
		return af.fromGeoJSON()
	}
	d, err := af.in.read()
	if err != nil {
		return nil, err
	}
	a := &areas{}
	a.value = func(flagName, col string) ([]float64, error) { return d.column(flagName, col) }
	if *af.id != "" {
		c, err := d.col("id", *af.id)
		if err != nil {
			return nil, err
		}
		seen := map[string]int64{}
		for i, r := range d.rows {
			id := cleanID(r[c])
			if id == "" {
				return nil, d.cellErr(i, c, "is empty (an id is needed)")
			}
			if l, dup := seen[id]; dup {
				return nil, d.cellErr(i, c, fmt.Sprintf("is the id of row %d too; ids must be unique", l))
			}
			seen[id] = d.lines[i]
			a.ids = append(a.ids, strings.TrimSpace(r[c]))
		}
	} else {
		for i := range d.rows {
			a.ids = append(a.ids, strconv.FormatInt(d.lines[i], 10))
		}
	}
	switch {
	case *af.gal != "":
		if *af.id == "" {
			return nil, usageErr("--weights-gal needs --id: the column of %s whose values the GAL file names", d.name)
		}
		if a.w, err = readGAL(*af.gal, a.ids); err != nil {
			return nil, err
		}
		a.desc = "GAL file " + *af.gal
	case *af.gwt != "":
		if *af.id == "" {
			return nil, usageErr("--weights-gwt needs --id: the column of %s whose values the GWT file names", d.name)
		}
		if a.w, err = readGWT(*af.gwt, a.ids); err != nil {
			return nil, err
		}
		a.desc = "GWT file " + *af.gwt + " (binary links)"
	case *af.edges != "":
		if *af.id == "" {
			return nil, usageErr("--weights-edges needs --id: the column of %s whose values the edge list names", d.name)
		}
		a.w, err = readEdges(*af.edges, a.ids)
		if err != nil {
			return nil, err
		}
		a.desc = "edge list " + *af.edges
	case *af.points != "":
		xn, yn, err := splitPair("points", *af.points)
		if err != nil {
			return nil, err
		}
		if *af.dropZero {
			if _, err := dropZeroPoints(d, xn, yn); err != nil {
				return nil, err
			}
			if *af.id == "" {
				a.ids = a.ids[:0]
				for i := range d.rows {
					a.ids = append(a.ids, strconv.FormatInt(d.lines[i], 10))
				}
			}
		}
		pts, _, pr, err := pointsOf(d, xn, yn, *af.lonlat)
		if err != nil {
			return nil, err
		}
		unit := ""
		if *af.lonlat {
			unit = " m"
		}
		switch {
		case *af.grid > 0:
			return af.gridAreas(pts, pr)
		case *af.distance > 0 && *af.knn == 0:
			a.w, err = spatial.DistanceBand(pts, *af.distance)
			a.desc = fmt.Sprintf("distance band 0–%g%s (inclusive)", *af.distance, unit)
		case *af.knn > 0 && *af.distance == 0:
			a.w, err = spatial.KNearest(pts, *af.knn)
			a.desc = fmt.Sprintf("%d nearest neighbours", *af.knn)
		default:
			return nil, usageErr("--points needs one of --distance D, --knn K or --grid CELL")
		}
		if err != nil {
			return nil, err
		}
	}
	return a, nil
}

// gridAreas counts points in square cells over their extent and links
// cells by grid contiguity.
func (af areaFlags) gridAreas(pts [][2]float64, pr *lonLatProj) (*areas, error) {
	cell := *af.grid
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		minX, minY = math.Min(minX, p[0]), math.Min(minY, p[1])
		maxX, maxY = math.Max(maxX, p[0]), math.Max(maxY, p[1])
	}
	cols := int(math.Floor((maxX-minX)/cell)) + 1
	rows := int(math.Floor((maxY-minY)/cell)) + 1
	if float64(cols)*float64(rows) > 4e6 {
		return nil, usageErr("--grid %g makes %d × %d cells; use larger cells", cell, rows, cols)
	}
	counts := make([]float64, rows*cols)
	for _, p := range pts {
		c := min(int((p[0]-minX)/cell), cols-1)
		r := min(int((p[1]-minY)/cell), rows-1)
		counts[r*cols+c]++
	}
	w, err := spatial.Grid(rows, cols, *af.contiguity != "rook")
	if err != nil {
		return nil, err
	}
	a := &areas{w: w}
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			x, y := minX+(float64(c)+0.5)*cell, minY+(float64(r)+0.5)*cell
			if pr != nil {
				x, y = pr.inverse(x, y)
			}
			a.ids = append(a.ids, fmt.Sprintf("r%d_c%d", r, c))
			a.cells = append(a.cells, [2]int{r, c})
			a.centres = append(a.centres, [2]float64{x, y})
		}
	}
	unit := ""
	if pr != nil {
		unit = " m"
	}
	a.desc = fmt.Sprintf("grid of %d × %d cells of %g%s, %s contiguity; value = points per cell", rows, cols, cell, unit, *af.contiguity)
	a.value = func(string, string) ([]float64, error) { return counts, nil }
	return a, nil
}

func (af areaFlags) fromGeoJSON() (*areas, error) {
	switch *af.contiguity {
	case "queen", "rook":
	default:
		return nil, usageErr("--contiguity %q: use queen or rook", *af.contiguity)
	}
	f, err := os.Open(*af.geojson)
	if err != nil {
		return nil, analyseErr("cannot open %s: %v", *af.geojson, err)
	}
	feats, err := geo.ReadFeatureCollection(f, 1<<30)
	f.Close()
	if err != nil {
		return nil, analyseErr("%s: %v", *af.geojson, err)
	}
	prop := *af.geojsonID
	if prop == "" {
		prop = *af.id
	}
	fid := func(k int) string {
		if prop == "" {
			if feats[k].ID != "" {
				return feats[k].ID
			}
			return strconv.Itoa(k + 1)
		}
		return feats[k].Properties[prop]
	}
	a := &areas{}
	var polys []geo.MultiPolygon
	if *af.incidents != "" {
		return af.incidentAreas(feats, fid)
	}
	if *af.in.file == "" {
		if prop != "" {
			if _, ok := feats[0].Properties[prop]; !ok {
				return nil, analyseErr("%s: the features have no property %q (--id/--geojson-id)", *af.geojson, prop)
			}
		}
		for k := range feats {
			a.ids = append(a.ids, fid(k))
			polys = append(polys, feats[k].Geometry)
		}
		a.value = func(flagName, col string) ([]float64, error) {
			out := make([]float64, len(feats))
			for k, ft := range feats {
				s, ok := ft.Properties[col]
				if !ok {
					return nil, analyseErr("%s feature %d (id %q) has no property %q (--%s)", *af.geojson, k, a.ids[k], col, flagName)
				}
				v, ok, err := parseNumber(s, 0)
				if err != nil || !ok {
					return nil, analyseErr("%s feature %d (id %q), property %q: value %q is not a number", *af.geojson, k, a.ids[k], col, s)
				}
				out[k] = v
			}
			return out, nil
		}
	} else {
		if *af.id == "" {
			return nil, usageErr("--geojson with --csv needs --id: the column of the CSV matching a property of the features (--geojson-id)")
		}
		d, err := af.in.read()
		if err != nil {
			return nil, err
		}
		c, err := d.col("id", *af.id)
		if err != nil {
			return nil, err
		}
		byID := map[string]int{}
		for k := range feats {
			byID[cleanID(fid(k))] = k
		}
		used := map[int]int64{}
		for i, r := range d.rows {
			k, ok := byID[cleanID(r[c])]
			if !ok {
				return nil, d.cellErr(i, c, fmt.Sprintf("is not the %q of any feature of %s", prop, *af.geojson))
			}
			if l, dup := used[k]; dup {
				return nil, d.cellErr(i, c, fmt.Sprintf("is the id of row %d too; ids must be unique", l))
			}
			used[k] = d.lines[i]
			a.ids = append(a.ids, strings.TrimSpace(r[c]))
			polys = append(polys, feats[k].Geometry)
		}
		a.value = func(flagName, col string) ([]float64, error) { return d.column(flagName, col) }
	}
	a.w, err = spatial.Contiguity(polys, *af.contiguity == "queen")
	if err != nil {
		return nil, err
	}
	a.desc = fmt.Sprintf("%s contiguity of %s", *af.contiguity, *af.geojson)
	return a, nil
}

// readEdges reads an edge list: the first two columns (or from/to, i/j)
// are ids, the weight is the column named weight (or w), or the third
// column when there are exactly three; otherwise 1.
func readEdges(path string, ids []string) (*spatial.Weights, error) {
	d, err := readDataFile(path, tabular.Options{})
	if err != nil {
		return nil, err
	}
	if len(d.header) < 2 {
		return nil, analyseErr("%s needs at least two columns: from, to[, weight]", d.name)
	}
	fc, tc, wc := 0, 1, -1
	for i, h := range d.header {
		switch strings.ToLower(h) {
		case "from", "origin", "focal":
			fc = i
		case "to", "neighbor", "neighbour":
			tc = i
		case "weight", "w", "wt":
			wc = i
		}
	}
	if wc < 0 && len(d.header) == 3 {
		wc = 2
	}
	index := map[string]int{}
	for i, id := range ids {
		index[cleanID(id)] = i
	}
	var edges [][2]int
	var wt []float64
	seen := map[[2]int]int64{}
	for i, r := range d.rows {
		a, ok := index[cleanID(r[fc])]
		if !ok {
			return nil, d.cellErr(i, fc, "is not an id of the data (--id)")
		}
		b, ok := index[cleanID(r[tc])]
		if !ok {
			return nil, d.cellErr(i, tc, "is not an id of the data (--id)")
		}
		if l, dup := seen[[2]int{a, b}]; dup {
			return nil, analyseErr("%s row %d repeats the link %s → %s of row %d", d.name, d.lines[i], ids[a], ids[b], l)
		}
		seen[[2]int{a, b}] = d.lines[i]
		w := 1.0
		if wc >= 0 {
			if w, err = d.num(i, wc); err != nil {
				return nil, err
			}
			if w == 0 {
				continue
			}
		}
		edges = append(edges, [2]int{a, b})
		wt = append(wt, w)
	}
	return spatial.FromEdges(len(ids), edges, wt)
}

// incidentAreas counts the --csv rows (incidents at longitude, latitude)
// in each feature and links the features by contiguity.
func (af areaFlags) incidentAreas(feats []geo.Feature, fid func(int) string) (*areas, error) {
	d, err := af.in.read()
	if err != nil {
		return nil, err
	}
	xn, yn, err := splitPair("incidents", *af.incidents)
	if err != nil {
		return nil, err
	}
	xc, err := d.col("incidents", xn)
	if err != nil {
		return nil, err
	}
	yc, err := d.col("incidents", yn)
	if err != nil {
		return nil, err
	}
	shapes := make([]geo.Shape, len(feats))
	polys := make([]geo.MultiPolygon, len(feats))
	a := &areas{}
	for k, f := range feats {
		shapes[k] = geo.Shape{Code: strconv.Itoa(k), Geometry: f.Geometry}
		polys[k] = f.Geometry
		a.ids = append(a.ids, fid(k))
	}
	ix := geo.NewIndex(shapes)
	counts := make([]float64, len(feats))
	outside, unknown := 0, 0
	for i := range d.rows {
		lon, ok1, err1 := parseNumber(d.rows[i][xc], d.delim)
		lat, ok2, err2 := parseNumber(d.rows[i][yc], d.delim)
		if err1 != nil {
			return nil, d.cellErr(i, xc, err1.Error())
		}
		if err2 != nil {
			return nil, d.cellErr(i, yc, err2.Error())
		}
		if !ok1 || !ok2 || (lon == 0 && lat == 0) {
			unknown++
			continue
		}
		if lon < -180 || lon > 180 {
			return nil, d.cellErr(i, xc, "is not a longitude (−180 to 180); is it the longitude column?")
		}
		if lat < -90 || lat > 90 {
			return nil, d.cellErr(i, yc, "is not a latitude (−90 to 90)")
		}
		code, ok := ix.Locate(geo.Point{Lon: lon, Lat: lat})
		if !ok {
			outside++
			continue
		}
		k, _ := strconv.Atoi(code)
		counts[k]++
	}
	a.w, err = spatial.Contiguity(polys, *af.contiguity == "queen")
	if err != nil {
		return nil, err
	}
	a.desc = fmt.Sprintf("%s contiguity of %s; value = incidents per area (%d of %d rows placed, %d outside every area, %d without coordinates)",
		*af.contiguity, *af.geojson, len(d.rows)-outside-unknown, len(d.rows), outside, unknown)
	a.value = func(string, string) ([]float64, error) { return counts, nil }
	return a, nil
}

// readGAL reads GeoDa GAL weights and puts them in the order of ids.
func readGAL(path string, ids []string) (*spatial.Weights, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, analyseErr("cannot open %s: %v", path, err)
	}
	defer f.Close()
	w, galIDs, err := spatial.ReadGAL(f)
	if err != nil {
		return nil, analyseErr("%s: %v", path, err)
	}
	index := map[string]int{}
	for i, id := range ids {
		index[cleanID(id)] = i
	}
	pos := make([]int, len(galIDs))
	for k, id := range galIDs {
		i, ok := index[cleanID(id)]
		if !ok {
			return nil, analyseErr("%s names %q, which is not an id of the data (--id)", path, id)
		}
		pos[k] = i
	}
	if len(galIDs) != len(ids) {
		return nil, analyseErr("%s has %d observations; the data have %d", path, len(galIDs), len(ids))
	}
	var edges [][2]int
	for k := range galIDs {
		nb, _ := w.Neighbours(k)
		for _, j := range nb {
			edges = append(edges, [2]int{pos[k], pos[j]})
		}
	}
	return spatial.FromEdges(len(ids), edges, nil)
}

// readGWT reads the links of a GeoDa GWT file ("0 n name id" header, then
// "i j weight" lines) as binary weights in the order of ids, as spdep's
// read.gwt2nb does.
func readGWT(path string, ids []string) (*spatial.Weights, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, analyseErr("cannot open %s: %v", path, err)
	}
	index := map[string]int{}
	for i, id := range ids {
		index[cleanID(id)] = i
	}
	var edges [][2]int
	seen := map[[2]int]bool{}
	for ln, line := range strings.Split(strings.ReplaceAll(string(b), "\r", ""), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || ln == 0 && len(f) != 3 {
			continue // the header "0 n name id" (or "n")
		}
		if len(f) < 2 {
			return nil, analyseErr("%s line %d: %q is not \"from to weight\"", path, ln+1, line)
		}
		a, ok := index[cleanID(f[0])]
		if !ok {
			return nil, analyseErr("%s line %d: %q is not an id of the data (--id)", path, ln+1, f[0])
		}
		c, ok := index[cleanID(f[1])]
		if !ok {
			return nil, analyseErr("%s line %d: %q is not an id of the data (--id)", path, ln+1, f[1])
		}
		if a == c || seen[[2]int{a, c}] {
			continue
		}
		seen[[2]int{a, c}] = true
		edges = append(edges, [2]int{a, c})
	}
	return spatial.FromEdges(len(ids), edges, nil)
}
