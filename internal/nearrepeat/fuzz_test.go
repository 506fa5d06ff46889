package nearrepeat_test

import (
	"context"
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/nearrepeat"
)

func FuzzParseBands(f *testing.F) {
	for _, s := range []string{"0,100,200,400", "0,7,14,21", "0, 1e3, inf", "0,,1", "1,2", "0,∞", "0,0x1p4", "0,1_0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := nearrepeat.ParseBands(s)
		if err != nil {
			if atalaya.ErrorCode(err) != atalaya.EINVALID {
				t.Fatalf("%q: %v is not EINVALID", s, err)
			}
			return
		}
		if len(e) == 0 || e[0] != 0 {
			t.Fatalf("%q: %v does not start at 0", s, e)
		}
		for i := 1; i < len(e); i++ {
			if !(e[i] > e[i-1]) || (math.IsInf(e[i], 1) && i != len(e)-1) {
				t.Fatalf("%q: %v is not strictly increasing and finite but for the last", s, e)
			}
		}
	})
}

// FuzzKnox runs the test on events decoded from the input: no panics, no
// NaN, counts that add up to n(n−1)/2.
func FuzzKnox(f *testing.F) {
	f.Add([]byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"), "0,10,20", "0,1,2", false)
	f.Add([]byte("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), "0", "0", true)
	f.Fuzz(func(t *testing.T, data []byte, sb, tb string, lonlat bool) {
		se, err := nearrepeat.ParseBands(sb)
		if err != nil {
			return
		}
		te, err := nearrepeat.ParseBands(tb)
		if err != nil {
			return
		}
		var ev []nearrepeat.Event
		for len(data) >= 6 && len(ev) < 200 {
			x := float64(int16(binary.LittleEndian.Uint16(data)))
			y := float64(int16(binary.LittleEndian.Uint16(data[2:])))
			d := int(binary.LittleEndian.Uint16(data[4:]))
			if lonlat {
				x, y = x/200, y/400
			}
			ev = append(ev, nearrepeat.Event{X: x, Y: y, T: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(d) * time.Hour)})
			data = data[6:]
		}
		res, err := nearrepeat.Knox(context.Background(), ev, nearrepeat.Options{SpaceBands: se, TimeBands: te, Permutations: 19, Seed: 1, LonLat: lonlat})
		if err != nil {
			if atalaya.ErrorCode(err) != atalaya.EINVALID {
				t.Fatal(err)
			}
			return
		}
		total := 0
		for _, row := range res.Cells {
			for _, c := range row {
				if c.Observed < 0 {
					t.Fatalf("negative count in %q × %q", c.SpaceLabel, c.TimeLabel)
				}
				total += c.Observed
				for _, v := range []float64{c.Expected, c.ExpectedExact, c.Ratio, c.P} {
					if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
						t.Fatalf("cell %q × %q: %+v", c.SpaceLabel, c.TimeLabel, c)
					}
				}
			}
		}
		if int64(total) != res.Pairs {
			t.Fatalf("%d pairs counted, %d exist", total, res.Pairs)
		}
	})
}
