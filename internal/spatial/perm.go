package spatial

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// permStats is what the conditional-permutation engine returns per
// observation.
type permStats struct {
	p    []float64 // folded pseudo p-value (larger+1)/(perms+1)
	z    []float64 // (observed − mean of simulated) / sd of simulated
	mean []float64 // mean of the simulated statistics
}

// affine describes the local statistic of observation i as a function of
// its spatial lag: stat = a[i]·lag + b[i], where lag = Σ_j w_ij v_j over
// the neighbours j ≠ i. Both Gi/Gi* and Local Moran's I have this form
// once the value at i is held fixed.
type affine struct {
	a, b []float64
}

// conditionalPermutations runs perms conditional permutations for every
// observation of w (whose rows must not contain i itself): the neighbours
// of i receive a random sample without replacement of the n−1 values of v
// other than v[i]. obs[i] is the observed statistic f.a[i]*lag+f.b[i];
// simulated statistics within a relative 1e-9 of it count as ties (≥),
// since the same values summed in another order may differ in the last
// bits.
//
// Observation i draws from its own PCG stream seeded with (seed, i), so
// the result does not depend on the number of goroutines. The random
// reads of values dominate the cost, so they are made from the smallest
// exact copy: uint16 for counts up to 65535, float32 when every value is
// exactly one; the sums are the same.
func conditionalPermutations(v []float64, w *Weights, f affine, obs []float64, perms int, seed uint64) permStats {
	if v16, ok := smallCounts(v); ok {
		return permute(v16, w, f, obs, perms, seed)
	}
	v32 := make([]float32, len(v))
	for i, x := range v {
		v32[i] = float32(x)
		if float64(v32[i]) != x {
			return permute(v, w, f, obs, perms, seed)
		}
	}
	return permute(v32, w, f, obs, perms, seed)
}

// smallCounts returns v as uint16 when every value is a whole number from
// 0 to 65535, as counts of events per cell usually are.
func smallCounts(v []float64) ([]uint16, bool) {
	out := make([]uint16, len(v))
	for i, x := range v {
		if !(x >= 0 && x <= math.MaxUint16) || x != math.Trunc(x) {
			return nil, false
		}
		out[i] = uint16(x)
	}
	return out, true
}

// sampler holds one goroutine's scratch space for drawing neighbours.
type sampler struct {
	small [16]int32
	idx   []int32
	pool  []int32  // the other n−1 indices, for partial Fisher–Yates
	mark  []uint32 // stamp per value, for rows too long for a linear repeat check
	stamp uint32
}

func permute[T uint16 | float32 | float64](v []T, w *Weights, f affine, obs []float64, perms int, seed uint64) permStats {
	n := w.N()
	out := permStats{p: make([]float64, n), z: make([]float64, n), mean: make([]float64, n)}
	const chunk = 256
	var next atomic.Int64
	workers := max(1, min(runtime.GOMAXPROCS(0), (n+chunk-1)/chunk))
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var s sampler
			for {
				start := int(next.Add(chunk)) - chunk
				if start >= n {
					return
				}
				for i := start; i < min(start+chunk, n); i++ {
					out.p[i], out.z[i], out.mean[i] = observe(&s, v, w, i, f.a[i], f.b[i], obs[i], perms, seed)
				}
			}
		}()
	}
	wg.Wait()
	return out
}

// observe runs the permutations of observation i and returns its folded
// pseudo p-value, standardised statistic and mean simulated statistic.
func observe[T uint16 | float32 | float64](s *sampler, v []T, w *Weights, i int, a, b, o float64, perms int, seed uint64) (p, z, mean float64) {
	nb, wt := w.Neighbours(i)
	k, n := len(nb), len(v)
	if k == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	if a == 0 {
		// Every simulated value equals the observed one (Local Moran at a
		// value exactly at the mean): no evidence either way, where esda
		// and spdep would report the smallest p-value.
		return 1, math.NaN(), o
	}
	dense := 2*k > n-1
	switch {
	case dense:
		// Most values are drawn: a partial Fisher–Yates shuffle of the
		// other n−1 indices beats rejection.
		s.pool = s.pool[:0]
		for j := range n {
			if j != i {
				s.pool = append(s.pool, int32(j))
			}
		}
	case k > len(s.small) && len(s.mark) < n:
		s.mark = make([]uint32, n)
	}
	src := newDrawer(seed, uint64(i))
	m := uint32(n - 1)
	// The threshold o−tol is below o even when o is 0.
	thr := o - (1e-9*math.Abs(o) + 1e-300)
	larger := 0
	sum, sum2 := 0.0, 0.0
	for range perms {
		// Draw the k indices first, then gather their values: the loads
		// are independent and overlap.
		var idx []int32
		switch {
		case dense:
			for q := range k {
				r := q + int(src.intn(m-uint32(q)))
				s.pool[q], s.pool[r] = s.pool[r], s.pool[q]
			}
			idx = s.pool[:k]
		case k <= len(s.small):
			// Few neighbours among many values: draw, and redraw the rare
			// repeat; seen has bit r%64 set for each r drawn, so that most
			// draws skip the comparisons.
			var seen uint64
			for q := 0; q < k; {
				r := skip(src.intn(m), i)
				bit := uint64(1) << (uint32(r) & 63)
				if seen&bit != 0 && slices.Contains(s.small[:q], r) {
					continue
				}
				seen |= bit
				s.small[q] = r
				q++
			}
			idx = s.small[:k]
		default:
			s.stamp++
			if s.stamp == 0 {
				clear(s.mark)
				s.stamp = 1
			}
			s.idx = s.idx[:0]
			for len(s.idx) < k {
				r := skip(src.intn(m), i)
				if s.mark[r] != s.stamp {
					s.mark[r] = s.stamp
					s.idx = append(s.idx, r)
				}
			}
			idx = s.idx
		}
		lag := 0.0
		for q, r := range idx {
			lag += wt[q] * float64(v[r])
		}
		st := a*lag + b
		// st ≥ thr without a branch: the sign bit of thr − st.
		larger += int(math.Float64bits(thr-st) >> 63)
		sum += st
		sum2 += st * st
	}
	if perms-larger < larger {
		larger = perms - larger
	}
	p = float64(larger+1) / float64(perms+1)
	mean = sum / float64(perms)
	sd := math.Sqrt(math.Max(sum2/float64(perms)-mean*mean, 0))
	z = (o - mean) / sd
	if sd == 0 {
		z = math.NaN()
	}
	return p, z, mean
}

// skip maps r in [0, n−1) to the index of the r-th value other than i:
// r, or r+1 from i on. Branch-free, since r ≥ i is a coin toss for an i in
// the middle.
func skip(r uint32, i int) int32 {
	return int32(r + (uint32(i)-r-1)>>31)
}

// drawer hands out uniform integers below a bound from a PCG stream, two
// per 64-bit output (low half first), with Lemire's unbiased
// multiply-and-reject method. Outputs are buffered so that the common path
// inlines into the sampling loop.
type drawer struct {
	pcg *rand.PCG
	buf [64]uint32
	pos int
}

// newDrawer returns a drawer on the PCG stream (seed, stream).
func newDrawer(seed, stream uint64) *drawer {
	d := &drawer{pcg: rand.NewPCG(seed, stream)}
	d.pos = len(d.buf)
	return d
}

func (d *drawer) u32() uint32 {
	if d.pos == len(d.buf) {
		d.refill()
	}
	v := d.buf[d.pos]
	d.pos++
	return v
}

func (d *drawer) refill() {
	for j := 0; j < len(d.buf); j += 2 {
		x := d.pcg.Uint64()
		d.buf[j], d.buf[j+1] = uint32(x), uint32(x>>32)
	}
	d.pos = 0
}

// intn returns a uniform integer in [0, m), m > 0. The common case is
// small enough to inline; a low product below m may need a redraw.
func (d *drawer) intn(m uint32) uint32 {
	prod := uint64(d.u32()) * uint64(m)
	if uint32(prod) < m {
		return d.reject(prod, m)
	}
	return uint32(prod >> 32)
}

// reject finishes Lemire's method when the low half of prod is below m:
// it redraws while the low half is under 2³² mod m.
func (d *drawer) reject(prod uint64, m uint32) uint32 {
	thresh := -m % m
	for uint32(prod) < thresh {
		prod = uint64(d.u32()) * uint64(m)
	}
	return uint32(prod >> 32)
}

// shuffleStream returns a drawer for permutation number p of a global
// test; its streams are distinct from the per-observation ones.
func shuffleStream(seed uint64, p int) *drawer {
	return newDrawer(seed^0x9e3779b97f4a7c15, uint64(p)|1<<63)
}
