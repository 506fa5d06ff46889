package spatial

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
)

// FuzzReadGAL feeds arbitrary text to the GAL reader: it must return
// weights or an EINVALID error, never panic, and what it accepts must be
// consistent.
func FuzzReadGAL(f *testing.F) {
	f.Add("0 3 x ID\na 2\nb c\nb 1\na\nc 1\na\n")
	f.Add("2\n1 1\n2\n2 1\n1\n")
	f.Add("1\na 0\n\n")
	f.Add("3\na 1\na\nb 0\nc 2\na b\n")
	f.Add("2\na 1\nz\n")
	f.Fuzz(func(t *testing.T, in string) {
		w, ids, err := ReadGAL(strings.NewReader(in))
		if err != nil {
			if atalaya.ErrorCode(err) != atalaya.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if w.N() != len(ids) {
			t.Fatalf("%d observations, %d ids", w.N(), len(ids))
		}
		for i := range w.N() {
			nb, _ := w.Neighbours(i)
			for q, j := range nb {
				if j < 0 || int(j) >= w.N() || (q > 0 && nb[q-1] >= j) {
					t.Fatalf("row %d: bad neighbours %v", i, nb)
				}
			}
		}
	})
}

// fuzzValues decodes float64s from raw bytes, keeping NaN and ±Inf that
// the fuzzer finds.
func fuzzValues(data []byte, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		if len(data) >= 8 {
			x[i] = math.Float64frombits(binary.LittleEndian.Uint64(data))
			data = data[8:]
		} else if len(data) > 0 {
			x[i] = float64(data[0] % 7)
			data = data[1:]
		}
	}
	return x
}

// FuzzLocalStats runs every statistic on random values over random
// lattices: no panics; bad input (NaN, constant, negative for G) is an
// EINVALID error; accepted input gives finite statistics and p-values in
// (0, 1] wherever an observation has neighbours.
func FuzzLocalStats(f *testing.F) {
	f.Add(uint8(3), uint8(4), true, []byte{1, 2, 3, 4, 5, 6, 0, 0, 9, 1, 2, 3})
	f.Add(uint8(2), uint8(2), false, []byte{5, 5, 5, 5})
	f.Add(uint8(1), uint8(5), true, bytes.Repeat([]byte{0xff}, 40))
	f.Add(uint8(4), uint8(4), false, []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, rows, cols uint8, queen bool, data []byte) {
		r, c := int(rows%12)+1, int(cols%12)+1
		w := must(Grid(r, c, queen))
		x := fuzzValues(data, r*c)
		check := func(name string, res Result, err error) {
			if err != nil {
				if atalaya.ErrorCode(err) != atalaya.EINVALID {
					t.Fatalf("%s: %v is not EINVALID", name, err)
				}
				return
			}
			for i := range x {
				if w.Cardinality(i) == 0 {
					continue
				}
				if math.IsNaN(res.Stat[i]) || math.IsInf(res.Stat[i], 0) {
					t.Fatalf("%s: Stat[%d] = %v for x = %v", name, i, res.Stat[i], x)
				}
				if p := res.PSim[i]; !(p > 0 && p <= 1) {
					t.Fatalf("%s: PSim[%d] = %v", name, i, p)
				}
				if p := res.P[i]; !math.IsNaN(res.Z[i]) && !(p >= 0 && p <= 1) {
					t.Fatalf("%s: P[%d] = %v", name, i, p)
				}
			}
		}
		opt := Options{Permutations: 19, Seed: 1, FDR: 0.1}
		res, err := LocalMoran(x, w.RowStandardise(), opt)
		check("LocalMoran", res, err)
		opt.Star = true
		res, err = GetisOrd(x, w, opt)
		check("GetisOrd*", res, err)
		if r*c > 2 {
			opt.Star = false
			res, err = GetisOrd(x, w, opt)
			check("GetisOrd", res, err)
		}
		if g, err := GlobalMoran(x, w, 9, 1); err == nil {
			if math.IsNaN(g.I) || !(g.PSim > 0 && g.PSim <= 1) {
				t.Fatalf("GlobalMoran: %+v", g)
			}
		} else if atalaya.ErrorCode(err) != atalaya.EINVALID {
			t.Fatal(err)
		}
		pop := make([]float64, len(x))
		for i := range pop {
			pop[i] = float64(i%5) + 1
		}
		if eb, err := SpatialEmpiricalBayes(x, pop, w); err == nil {
			for i, v := range eb {
				if math.IsNaN(v) || v < 0 {
					t.Fatalf("SpatialEmpiricalBayes[%d] = %v", i, v)
				}
			}
		}
		if c, err := Concentration(x, 0.2); err == nil {
			if !(c.Gini >= -1e-12 && c.Gini <= 1) || math.IsNaN(c.TopEvents) {
				t.Fatalf("Concentration: %+v", c)
			}
		}
	})
}

// FuzzPointWeights compares the grid-indexed k-nearest and distance-band
// searches with brute force on small, often degenerate, point sets
// (repeated points, points on a line, wide ranges).
func FuzzPointWeights(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8}, uint8(2), uint8(3))
	f.Add([]byte{0, 0, 0, 0, 0, 0}, uint8(1), uint8(1))
	f.Add([]byte{9, 0, 200, 0, 7, 0, 255, 1, 3, 3}, uint8(3), uint8(50))
	f.Fuzz(func(t *testing.T, data []byte, k, d uint8) {
		if len(data) < 4 || len(data) > 400 {
			return
		}
		pts := make([][2]float64, len(data)/2)
		for i := range pts {
			pts[i] = [2]float64{float64(data[2*i]) * float64(data[2*i]%5), float64(data[2*i+1]) / 3}
		}
		kk := int(k)%(len(pts)-1) + 1
		sameNeighbours(t, "knn", must(KNearest(pts, kk)), bruteNeighbours(pts, 0, kk))
		dd := float64(d)/4 + 0.25
		sameNeighbours(t, "band", must(DistanceBand(pts, dd)), bruteNeighbours(pts, dd, 0))
	})
}
