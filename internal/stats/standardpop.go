package stats

import (
	"fmt"

	"github.com/oas-atalaya/atalaya"
)

// AgeBand is a band of completed years of age from From to To inclusive.
// To is -1 for the open last band, as in 85+.
type AgeBand struct {
	From, To int
}

// String returns the band as "15-19", or "85+" for an open band.
func (b AgeBand) String() string {
	if b.To < 0 {
		return fmt.Sprintf("%d+", b.From)
	}
	return fmt.Sprintf("%d-%d", b.From, b.To)
}

// StandardPopulation is a standard population for direct standardisation:
// contiguous age bands from age 0 and the weight of each, as published
// (usually per 100,000). Weights[i] belongs to Bands[i].
type StandardPopulation struct {
	Name    string
	Source  string
	Bands   []AgeBand
	Weights []float64
}

// fiveYearBands returns 0-4, 5-9, … up to an open band from the given age.
func fiveYearBands(open int) []AgeBand {
	var bands []AgeBand
	for from := 0; from < open; from += 5 {
		bands = append(bands, AgeBand{from, from + 4})
	}
	return append(bands, AgeBand{open, -1})
}

// WHO2000 returns the WHO World Standard Population for 2000–2025 in
// eighteen bands, 0-4 to 85+, per 100,000.
//
// Source: Ahmad OB, Boschi-Pinto C, Lopez AD, Murray CJL, Lozano R, Inoue
// M. Age standardization of rates: a new WHO standard. GPE Discussion Paper
// Series No. 31, World Health Organization, Geneva, 2001. The paper gives
// percentages to two decimals for bands up to 100+; the weights here are
// those percentages × 1,000, with 85+ the sum of 85-89 (440), 90-94 (150),
// 95-99 (40) and 100+ (5). As published they sum to 100,035, not 100,000;
// DirectStandardised uses weights relative to their sum, so this does not
// matter there.
func WHO2000() StandardPopulation {
	return StandardPopulation{
		Name:   "WHO World Standard Population 2000-2025",
		Source: "Ahmad et al. (2001), WHO GPE Discussion Paper No. 31",
		Bands:  fiveYearBands(85),
		Weights: []float64{
			8860, 8690, 8600, 8470, 8220, 7930, 7610, 7150, 6590,
			6040, 5370, 4550, 3720, 2960, 2210, 1520, 910, 635,
		},
	}
}

// Segi1960 returns Segi's world standard population in eighteen bands, 0-4
// to 85+, per 100,000, as used by IARC's Cancer Incidence in Five
// Continents.
//
// Source: Segi M. Cancer mortality for selected sites in 24 countries
// (1950–57). Department of Public Health, Tohoku University School of
// Medicine, Sendai, 1960; as modified by Doll R, Payne P and Waterhouse J
// (eds), Cancer Incidence in Five Continents, Vol. I, UICC, Geneva, 1966.
func Segi1960() StandardPopulation {
	return StandardPopulation{
		Name:   "Segi 1960 World Standard Population",
		Source: "Segi (1960), as modified by Doll, Payne and Waterhouse (1966)",
		Bands:  fiveYearBands(85),
		Weights: []float64{
			12000, 10000, 9000, 9000, 8000, 8000, 6000, 6000, 6000,
			6000, 5000, 4000, 4000, 3000, 2000, 1000, 500, 500,
		},
	}
}

// Aggregate returns the standard population summed into coarser bands that
// start at the given ages, for populations or counts that are not available
// in five-year bands. froms must start at the first band's age (0), be
// increasing, and name only ages at which a band of s starts; the last new
// band runs to the end of s. For example, froms 0, 15, 30, 45, 60 give
// 0-14, 15-29, 30-44, 45-59 and 60+. It returns an error of code EINVALID
// otherwise. s is not modified.
func (s StandardPopulation) Aggregate(froms []int) (StandardPopulation, error) {
	if len(s.Bands) == 0 || len(s.Bands) != len(s.Weights) {
		return StandardPopulation{}, atalaya.Errorf(atalaya.EINVALID, "standard population %q has %d bands and %d weights", s.Name, len(s.Bands), len(s.Weights))
	}
	if len(froms) == 0 || froms[0] != s.Bands[0].From {
		return StandardPopulation{}, atalaya.Errorf(atalaya.EINVALID, "aggregated bands must start at age %d", s.Bands[0].From)
	}
	out := StandardPopulation{Name: s.Name, Source: s.Source}
	j := 0 // the next entry of froms to open a band at
	for i, b := range s.Bands {
		if j < len(froms) && froms[j] == b.From {
			out.Bands = append(out.Bands, AgeBand{b.From, b.To})
			out.Weights = append(out.Weights, 0)
			j++
		}
		last := len(out.Bands) - 1
		out.Bands[last].To = b.To
		out.Weights[last] += s.Weights[i]
	}
	if j < len(froms) {
		return StandardPopulation{}, atalaya.Errorf(atalaya.EINVALID,
			"no band of %q starts at age %d, or the ages are not increasing", s.Name, froms[j])
	}
	return out, nil
}
