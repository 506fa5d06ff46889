package values

import "github.com/oas-atalaya/atalaya/internal/stats"

// poissonCI returns the exact Poisson interval of a count at Level,
// remembered by count: the same counts come back in query after query, and
// each interval costs two gamma quantiles.
func (e *Engine) poissonCI(k int64) (lo, hi float64) {
	if v, ok := e.poisson.Load(k); ok {
		b := v.([2]float64)
		return b[0], b[1]
	}
	lo, hi = stats.PoissonCI(k, Level)
	e.poisson.Store(k, [2]float64{lo, hi})
	return lo, hi
}
