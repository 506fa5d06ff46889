package synth

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

// bruteForce minimises over the simplex by solving the equality problem
// on every support and keeping the best feasible solution: exact for a
// positive definite H, and exponential, so only for small J.
func bruteForce(p *qp) ([]float64, float64) {
	best := math.Inf(1)
	var bw []float64
	for mask := 1; mask < 1<<p.j; mask++ {
		for a := 0; a < p.j; a++ {
			p.in[a] = mask&(1<<a) != 0
		}
		if !p.solveEQP() {
			continue
		}
		ok := true
		for _, a := range p.idx {
			if p.z[a] < -1e-12 {
				ok = false
			}
		}
		if !ok {
			continue
		}
		if f := p.objective(p.z); f < best {
			best, bw = f, append([]float64(nil), p.z...)
		}
	}
	return bw, best
}

// randomQP builds H = A'A, q = A'b for a K×J matrix A (K < J makes H
// singular, as in most synthetic-control problems).
func randomQP(rng *rand.Rand, k, j int) *qp {
	p := newQP(j)
	a := make([][]float64, k)
	b := make([]float64, k)
	for r := range a {
		a[r] = make([]float64, j)
		for c := range a[r] {
			a[r][c] = rng.NormFloat64()
		}
		b[r] = rng.NormFloat64() * 2
	}
	for x := 0; x < j; x++ {
		for r := 0; r < k; r++ {
			p.q[x] += a[r][x] * b[r]
			for y := 0; y < j; y++ {
				p.h[x*j+y] += a[r][x] * a[r][y]
			}
		}
	}
	return p
}

func checkSimplex(t *testing.T, w []float64) {
	t.Helper()
	var s float64
	for _, x := range w {
		if x < 0 {
			t.Fatalf("negative weight %g", x)
		}
		s += x
	}
	if math.Abs(s-1) > 1e-12 {
		t.Fatalf("weights sum to %.16f", s)
	}
}

func TestActiveSetBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for c := 0; c < 300; c++ {
		j := 2 + rng.IntN(7)
		k := j + 1 + rng.IntN(3) // positive definite H: unique minimiser
		p := randomQP(rng, k, j)
		bw, bf := bruteForce(p)
		if !p.solveActiveSet() {
			t.Fatalf("case %d: active set failed", c)
		}
		checkSimplex(t, p.w)
		if f := p.objective(p.w); f > bf+1e-10*math.Max(1, math.Abs(bf)) {
			t.Fatalf("case %d: objective %.12g; brute force %.12g", c, f, bf)
		}
		for a := range bw {
			if math.Abs(p.w[a]-bw[a]) > 1e-8 {
				t.Fatalf("case %d: w[%d] = %.10f; brute force %.10f", c, a, p.w[a], bw[a])
			}
		}
	}
}

// TestActiveSetSingular covers the usual synthetic-control shape, fewer
// predictors than donors (H singular, minimiser not always unique), and
// duplicated donors: the objective must match accelerated projected
// gradient run to convergence, never be worse.
func TestActiveSetSingular(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for c := 0; c < 300; c++ {
		j := 2 + rng.IntN(40)
		k := 1 + rng.IntN(j)
		p := randomQP(rng, k, j)
		if c%5 == 0 && j > 2 { // duplicate donor 0 into donor 1
			for x := 0; x < j; x++ {
				p.h[1*j+x] = p.h[0*j+x]
				p.h[x*j+1] = p.h[x*j+0]
			}
			p.h[1*j+1] = p.h[0]
			p.q[1] = p.q[0]
		}
		exact := p.solveActiveSet()
		var f float64
		if exact {
			checkSimplex(t, p.w)
			f = p.objective(p.w)
		}
		p.solveProjected(200000, 1e-15)
		checkSimplex(t, p.w)
		fp := p.objective(p.w)
		if exact && f > fp+1e-9*math.Max(1, math.Abs(fp)) {
			t.Fatalf("case %d (J=%d, K=%d): active set %.12g; projected gradient %.12g", c, j, k, f, fp)
		}
		if !exact {
			t.Logf("case %d (J=%d, K=%d): active set fell back", c, j, k)
		}
	}
}

func TestProjectSimplex(t *testing.T) {
	for _, c := range []struct{ v, want []float64 }{
		{[]float64{0.2, 0.3, 0.5}, []float64{0.2, 0.3, 0.5}},
		{[]float64{1, 1}, []float64{0.5, 0.5}},
		{[]float64{3, 0, -1}, []float64{1, 0, 0}},
		{[]float64{0.5, 0.5, 0.5}, []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}},
	} {
		out := make([]float64, len(c.v))
		projectSimplex(c.v, out)
		for i := range out {
			if math.Abs(out[i]-c.want[i]) > 1e-15 {
				t.Errorf("projectSimplex(%v) = %v; want %v", c.v, out, c.want)
				break
			}
		}
	}
}

// TestActiveSetScipy compares with scipy's SLSQP on 60 random problems
// (testdata/qp/make_qp_reference.py and its output qp_reference.json):
// the objective must never be worse, and the weights must agree where the
// minimiser is unique (more predictors than donors).
func TestActiveSetScipy(t *testing.T) {
	raw, err := os.ReadFile("testdata/qp/qp_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []struct {
			A         [][]float64
			B         []float64
			W         []float64
			Objective float64
			Unique    bool
		}
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) != 60 {
		t.Fatalf("%d cases; want 60", len(ref.Cases))
	}
	for c, rc := range ref.Cases {
		j := len(rc.W)
		p := newQP(j)
		for x := 0; x < j; x++ {
			for r := range rc.A {
				p.q[x] += rc.A[r][x] * rc.B[r]
				for y := 0; y < j; y++ {
					p.h[x*j+y] += rc.A[r][x] * rc.A[r][y]
				}
			}
		}
		if !p.solveActiveSet() {
			t.Fatalf("case %d: active set failed", c)
		}
		checkSimplex(t, p.w)
		// ||Aw−b||² = 2·(½w'Hw − q'w) + b'b
		var bb float64
		for _, x := range rc.B {
			bb += x * x
		}
		f := 2*p.objective(p.w) + bb
		if f > rc.Objective+1e-9*math.Max(1, rc.Objective) {
			t.Errorf("case %d: objective %.12g; scipy %.12g", c, f, rc.Objective)
		}
		if rc.Unique {
			for a := range rc.W {
				if math.Abs(p.w[a]-rc.W[a]) > 1e-6 {
					t.Errorf("case %d: w[%d] = %.9f; scipy %.9f", c, a, p.w[a], rc.W[a])
				}
			}
		}
	}
}
