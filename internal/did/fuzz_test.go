package did_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/did"
)

// FuzzATTgt builds a small panel from the fuzzer's bytes and checks that
// the estimator never panics, fails only with EINVALID, and never returns
// a NaN.
func FuzzATTgt(f *testing.F) {
	f.Add([]byte{3, 4, 0, 2, 3, 0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120}, uint8(0))
	f.Add([]byte{2, 3, 0, 0, 2, 1, 1, 1, 1, 1, 1, 1}, uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		if len(data) < 2 {
			return
		}
		nu, nt := int(data[0]%6)+1, int(data[1]%5)+1
		data = data[2:]
		at := func(i int) byte {
			if len(data) == 0 {
				return 0
			}
			return data[i%len(data)]
		}
		var obs []did.Obs
		for u := 0; u < nu; u++ {
			g := int(at(u)) % (nt + 2)
			for p := 1; p <= nt; p++ {
				obs = append(obs, did.Obs{Unit: string(rune('a' + u)), Period: p, Y: float64(at(nu+u*nt+p)) / 7, FirstTreat: g})
			}
		}
		if mode&8 != 0 {
			for i := range obs {
				obs[i].X = []float64{float64(at(3*i+1)) / 5}
			}
		}
		if mode&4 != 0 && len(obs) > 0 {
			obs = obs[1:] // unbalanced
		}
		opt := did.Options{Bootstrap: int(mode>>4) * 3, Seed: 1}
		if mode&1 != 0 {
			opt.Control = did.NotYetTreated
		}
		if mode&2 != 0 {
			opt.BasePeriod = did.Universal
		}
		gt, err := did.ATTgt(obs, opt)
		if err != nil {
			if atalaya.ErrorCode(err) != atalaya.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if _, err := json.Marshal(gt); err != nil {
			t.Fatalf("result does not encode as JSON: %v", err)
		}
		for _, r := range gt.Rows {
			for _, v := range []float64{r.ATT, r.SE, r.Low, r.High} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("row %+v has a non-finite value", r)
				}
			}
		}
		for _, k := range []string{did.Simple, did.Dynamic, did.Group, did.Calendar} {
			a, err := gt.Aggregate(k)
			if err != nil {
				if atalaya.ErrorCode(err) != atalaya.EINVALID {
					t.Fatalf("%s: error %v is not EINVALID", k, err)
				}
				continue
			}
			if math.IsNaN(a.ATT) || math.IsNaN(a.SE) {
				t.Fatalf("%s: NaN in %+v", k, a)
			}
			for _, e := range a.Effects {
				if math.IsNaN(e.ATT) || math.IsNaN(e.SE) || math.IsNaN(e.Low) {
					t.Fatalf("%s: NaN in %+v", k, e)
				}
			}
		}
	})
}
