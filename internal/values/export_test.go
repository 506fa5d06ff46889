package values

// DisableResultCache makes every query compute its values again (from the
// cached indexes), so that benchmarks measure the computation.
func (e *Engine) DisableResultCache() { e.noResults = true }
