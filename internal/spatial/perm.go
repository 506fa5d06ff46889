package spatial

import (
	"math"
	"math/rand/v2"
	"runtime"
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
// other than v[i]. obs[i] is the observed statistic, computed as
// f.a[i]*lag+f.b[i] with the lag summed in neighbour order, so that ties
// compare exactly.
//
// Observation i draws from its own PCG stream seeded with (seed, i), so
// the result does not depend on the number of goroutines.
func conditionalPermutations(v []float64, w *Weights, f affine, obs []float64, perms int, seed uint64) permStats {
	n := w.N()
	out := permStats{p: make([]float64, n), z: make([]float64, n), mean: make([]float64, n)}
	const chunk = 256
	var next atomic.Int64
	workers := min(runtime.GOMAXPROCS(0), (n+chunk-1)/chunk)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mark []uint32 // stamp per value, for rows too long for a linear duplicate check
			var stamp uint32
			var small [16]int32
			var pool []int32
			for {
				start := int(next.Add(chunk)) - chunk
				if start >= n {
					return
				}
				for i := start; i < min(start+chunk, n); i++ {
					nb, wt := w.Neighbours(i)
					k := len(nb)
					if k == 0 {
						out.p[i], out.z[i], out.mean[i] = math.NaN(), math.NaN(), math.NaN()
						continue
					}
					dense := 2*k > n-1
					if dense {
						// Most values are drawn: a partial Fisher–Yates shuffle of
						// the other n−1 indices beats rejection.
						pool = pool[:0]
						for j := 0; j < n; j++ {
							if j != i {
								pool = append(pool, int32(j))
							}
						}
					} else if k > len(small) && mark == nil {
						mark = make([]uint32, n)
					}
					src := drawer{pcg: rand.NewPCG(seed, uint64(i))}
					a, b, o := f.a[i], f.b[i], obs[i]
					if a == 0 {
						// Every simulated value equals the observed one (Local
						// Moran at a value exactly at the mean): no evidence
						// either way. esda and spdep would report the smallest
						// p-value here.
						out.p[i], out.z[i], out.mean[i] = 1, math.NaN(), o
						continue
					}
					// Sums of the same values in another order may differ in
					// the last bits; count such ties as ties (≥).
					// The threshold o−tol is below o even when o is 0.
					thr := o - (1e-9*math.Abs(o) + 1e-300)
					larger := 0
					sum, sum2 := 0.0, 0.0
					m := uint32(n - 1)
					for range perms {
						lag := 0.0
						switch {
						case dense:
							for q := 0; q < k; q++ {
								r := q + int(src.intn(m-uint32(q)))
								pool[q], pool[r] = pool[r], pool[q]
								lag += wt[q] * v[pool[q]]
							}
						case k <= len(small):
							// Few neighbours among many values: draw, and redraw
							// the rare repeat.
							// seen has bit r%64 set for each r drawn, so that most
							// draws skip the comparisons.
							var seen uint64
							for q := 0; q < k; {
								r := skip(src.intn(m), i)
								bit := uint64(1) << (uint32(r) & 63)
								if seen&bit != 0 {
									dup := false
									for _, p := range small[:q] {
										dup = dup || p == r
									}
									if dup {
										continue
									}
								}
								seen |= bit
								small[q] = r
								lag += wt[q] * v[r]
								q++
							}
						default:
							stamp++
							if stamp == 0 {
								clear(mark)
								stamp = 1
							}
							for q := 0; q < k; {
								r := skip(src.intn(m), i)
								if mark[r] == stamp {
									continue
								}
								mark[r] = stamp
								lag += wt[q] * v[r]
								q++
							}
						}
						s := a*lag + b
						// s ≥ thr without a branch: the sign bit of thr − s.
						larger += int(math.Float64bits(thr-s) >> 63)
						sum += s
						sum2 += s * s
					}
					if perms-larger < larger {
						larger = perms - larger
					}
					out.p[i] = float64(larger+1) / float64(perms+1)
					mean := sum / float64(perms)
					sd := math.Sqrt(math.Max(sum2/float64(perms)-mean*mean, 0))
					out.mean[i] = mean
					out.z[i] = (o - mean) / sd
					if sd == 0 {
						out.z[i] = math.NaN()
					}
				}
			}
		}()
	}
	wg.Wait()
	return out
}

// skip maps r in [0, n−1) to the index of the r-th value other than i:
// r, or r+1 from i on. Branch-free, since r ≥ i is a coin toss for an i in
// the middle.
func skip(r uint32, i int) int32 {
	return int32(r + (uint32(i)-r-1)>>31)
}

// drawer hands out uniform integers below a bound from a PCG stream, two
// per 64-bit output, with Lemire's unbiased multiply-and-reject method.
type drawer struct {
	pcg  *rand.PCG
	buf  uint64
	have bool
}

func (d *drawer) u32() uint32 {
	if d.have {
		d.have = false
		return uint32(d.buf >> 32)
	}
	d.buf = d.pcg.Uint64()
	d.have = true
	return uint32(d.buf)
}

// intn returns a uniform integer in [0, m), m > 0.
func (d *drawer) intn(m uint32) uint32 {
	prod := uint64(d.u32()) * uint64(m)
	low := uint32(prod)
	if low < m {
		thresh := -m % m
		for low < thresh {
			prod = uint64(d.u32()) * uint64(m)
			low = uint32(prod)
		}
	}
	return uint32(prod >> 32)
}

// shuffleStream returns a PCG-backed drawer for permutation number p of a
// global test; streams are distinct from the per-observation ones.
func shuffleStream(seed uint64, p int) drawer {
	return drawer{pcg: rand.NewPCG(seed^0x9e3779b97f4a7c15, uint64(p)|1<<63)}
}
