package cli

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/geo"
)

// runSynth writes N synthetic incidents in the canonical-incidents format,
// with coordinates inside Mexico's states, for benchmarks. The same seed
// gives the same file.
func runSynth(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "synth", "")
	rows := fs.Int("rows", 100000, "number of incidents")
	out := fs.String("out", "", "output CSV file (default stdout)")
	seed := fs.Uint64("seed", 1, "random seed")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	feats, err := geo.ReadFeatureCollection(mustOpen("mexico/mexico_states.geojson"), 64<<20)
	if err != nil {
		return err
	}
	shapes := make([]geo.Shape, 0, len(feats))
	for _, f := range feats {
		shapes = append(shapes, geo.Shape{Code: atalaya.SubAreaCode("MEX", f.Properties["CVE_ENT"]), Geometry: f.Geometry})
	}
	ix := geo.NewIndex(shapes)
	lo, hi := geo.Point{Lon: 180, Lat: 90}, geo.Point{Lon: -180, Lat: -90}
	for _, s := range shapes {
		a, b := s.Geometry.BBox()
		lo.Lon, lo.Lat = min(lo.Lon, a.Lon), min(lo.Lat, a.Lat)
		hi.Lon, hi.Lat = max(hi.Lon, b.Lon), max(hi.Lat, b.Lat)
	}
	w := env.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return atalaya.Errorf(atalaya.EINVALID, "cannot create %s: %v", *out, err)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	r := rand.New(rand.NewPCG(*seed, 2))
	codes := []string{"0101", "020111", "020112", "0401", "0501", "0502", "05021", "050221", "0301", "02051"}
	sexes := []string{"F", "M", "M", "U"}
	weapons := []string{"firearm", "sharp", "other", "none", "U", "U"}
	fmt.Fprintln(bw, "record_id,occurred_on,iccs,lat,lon,victim_sex,victim_age,weapon,context")
	buf := make([]byte, 0, 128)
	for i := 0; i < *rows; i++ {
		if i%65536 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		var p geo.Point
		for {
			p = geo.Point{Lon: lo.Lon + r.Float64()*(hi.Lon-lo.Lon), Lat: lo.Lat + r.Float64()*(hi.Lat-lo.Lat)}
			if _, ok := ix.Locate(p); ok {
				break
			}
		}
		buf = buf[:0]
		buf = append(buf, "R"...)
		buf = strconv.AppendInt(buf, int64(i+1), 10)
		buf = fmt.Appendf(buf, ",%04d-%02d-%02d,%s,", 2020+r.IntN(5), 1+r.IntN(12), 1+r.IntN(28), codes[r.IntN(len(codes))])
		buf = strconv.AppendFloat(buf, p.Lat, 'f', 5, 64)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, p.Lon, 'f', 5, 64)
		buf = fmt.Appendf(buf, ",%s,%d,%s,\n", sexes[r.IntN(len(sexes))], r.IntN(90), weapons[r.IntN(len(weapons))])
		bw.Write(buf)
	}
	return bw.Flush()
}
