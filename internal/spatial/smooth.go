package spatial

import (
	"math"

	"github.com/oas-atalaya/atalaya"
)

// checkRates validates event counts and populations: equal lengths, at
// least two areas, finite events ≥ 0 and populations > 0.
func checkRates(events, pop []float64) error {
	if len(events) != len(pop) {
		return atalaya.Errorf(atalaya.EINVALID, "%d event counts but %d populations", len(events), len(pop))
	}
	if len(events) < 2 {
		return atalaya.Errorf(atalaya.EINVALID, "%d areas; at least 2 are needed", len(events))
	}
	if err := checkFinite("events", events); err != nil {
		return err
	}
	if err := checkFinite("pop", pop); err != nil {
		return err
	}
	for i := range events {
		if events[i] < 0 {
			return atalaya.Errorf(atalaya.EINVALID, "events[%d] is %v; counts cannot be negative", i, events[i])
		}
		if pop[i] <= 0 {
			return atalaya.Errorf(atalaya.EINVALID, "pop[%d] is %v; populations must be positive", i, pop[i])
		}
	}
	return nil
}

// EmpiricalBayes returns the global empirical-Bayes rates of Marshall
// (1991): each raw rate r_i = e_i/p_i is shrunk towards the overall rate
// m = Σe/Σp with weight s²/(s² + m/p_i), where
// s² = Σ p_i (r_i − m)²/Σp − m/p̄ is the method-of-moments variance of the
// true rates. A negative s² is set to 0, as spdep's EBest does (every rate
// becomes m); esda's Empirical_Bayes does not clamp it. Rates are per unit
// of population: multiply by 100000 for rates per 100,000.
func EmpiricalBayes(events, pop []float64) ([]float64, error) {
	if err := checkRates(events, pop); err != nil {
		return nil, err
	}
	m, s2 := marshall(events, pop)
	if m == 0 {
		return make([]float64, len(events)), nil
	}
	out := make([]float64, len(events))
	for i := range events {
		r := events[i] / pop[i]
		wt := s2 / (s2 + m/pop[i])
		out[i] = wt*r + (1-wt)*m
	}
	return out, nil
}

// marshall returns the overall rate and Marshall's variance estimate
// (clamped at 0).
func marshall(events, pop []float64) (m, s2 float64) {
	se, sp := 0.0, 0.0
	for i := range events {
		se += events[i]
		sp += pop[i]
	}
	m = se / sp
	for i := range events {
		d := events[i]/pop[i] - m
		s2 += pop[i] * d * d
	}
	s2 = s2/sp - m/(sp/float64(len(pop)))
	return m, math.Max(s2, 0)
}

// SpatialEmpiricalBayes returns Marshall's local empirical-Bayes rates:
// each rate is shrunk towards the rate of its neighbourhood (the area and
// its neighbours in w, whatever their weights), m_i = Σe/Σp over the
// neighbourhood, with the neighbourhood's variance estimate
// s_i² = Σ p_j (r_j − m_i)²/Σp − m_i/p̄_i clamped at 0. This is esda's
// Spatial_Empirical_Bayes and spdep's EBlocal.
func SpatialEmpiricalBayes(events, pop []float64, w *Weights) ([]float64, error) {
	if err := checkRates(events, pop); err != nil {
		return nil, err
	}
	if w == nil || w.N() != len(events) {
		return nil, atalaya.Errorf(atalaya.EINVALID, "the weights must have one observation per area (%d)", len(events))
	}
	out := make([]float64, len(events))
	for i := range events {
		nb, _ := w.Neighbours(i)
		se, sp, k := events[i], pop[i], 1.0
		for _, j := range nb {
			if int(j) != i {
				se += events[j]
				sp += pop[j]
				k++
			}
		}
		m := se / sp
		d := events[i]/pop[i] - m
		v := pop[i] * d * d
		for _, j := range nb {
			if int(j) != i {
				d := events[j]/pop[j] - m
				v += pop[j] * d * d
			}
		}
		s2 := math.Max(v/sp-m/(sp/k), 0)
		r := events[i] / pop[i]
		if s2 == 0 {
			out[i] = m
			continue
		}
		out[i] = m + (r-m)*(s2/(s2+m/pop[i]))
	}
	return out, nil
}

// AssuncaoReis returns the empirical-Bayes standardised rates of Assunção
// & Reis (1999) used by the EB Moran's I: (r_i − b)/√v_i with b = Σe/Σp,
// v_i = a + b/p_i and a = Σ p_i (r_i − b)²/Σp − b/p̄; where v_i < 0 it is
// replaced by b/p_i, as in esda's assuncao_rate.
func AssuncaoReis(events, pop []float64) ([]float64, error) {
	if err := checkRates(events, pop); err != nil {
		return nil, err
	}
	se, sp := 0.0, 0.0
	for i := range events {
		se += events[i]
		sp += pop[i]
	}
	b := se / sp
	if b == 0 {
		return nil, atalaya.Errorf(atalaya.EINVALID, "there are no events; the standardised rates are undefined")
	}
	a := 0.0
	for i := range events {
		d := events[i]/pop[i] - b
		a += pop[i] * d * d
	}
	a = a/sp - b/(sp/float64(len(pop)))
	out := make([]float64, len(events))
	for i := range events {
		v := a + b/pop[i]
		if v < 0 {
			v = b / pop[i]
		}
		out[i] = (events[i]/pop[i] - b) / math.Sqrt(v)
	}
	return out, nil
}
