package analysis

// Report is an evaluation's result in one shape for every method, as the
// portal and the API show it: the headline effect with its interval, the
// observed and counterfactual series to plot, and the method's own
// figures. It is stored as the Evaluation's Result (JSON).
type Report struct {
	Method    string   `json:"method"`
	Indicator string   `json:"indicator"`
	Areas     []string `json:"areas"`     // treated areas
	Start     string   `json:"start"`     // first treated period (YYYY-MM or YYYY)
	Frequency string   `json:"frequency"` // "month" or "year"
	// Effect is the headline estimate: a rate ratio (ITS level change),
	// or a difference in the rate per Multiplier people (synth, DiD).
	Effect      Estimate `json:"effect"`
	EffectKind  string   `json:"effect_kind"` // "rate_ratio" or "rate_difference"
	Multiplier  int64    `json:"multiplier"`
	Series      []Point  `json:"series"`
	Figures     []Figure `json:"figures"`     // further numbers, labelled by catalogue key
	Significant bool     `json:"significant"` // the interval excludes no effect
	Direction   string   `json:"direction"`   // "decrease", "increase" or "none"
	Details     any      `json:"details"`     // the method's full result
}

// Estimate is a number with its confidence interval.
type Estimate struct {
	Value float64  `json:"value"`
	Low   float64  `json:"low"`
	High  float64  `json:"high"`
	P     *float64 `json:"p,omitempty"`
}

// Point is one period of the observed and counterfactual series.
type Point struct {
	Period         string   `json:"period"`
	Observed       *float64 `json:"observed"`
	Counterfactual *float64 `json:"counterfactual"`
	Low            *float64 `json:"low,omitempty"`
	High           *float64 `json:"high,omitempty"`
	Treated        bool     `json:"treated"` // after the start
}

// Figure is a labelled number of a report; Key names a message of the
// portal's catalogue ("analysis.fig.…").
type Figure struct {
	Key   string  `json:"key"`
	Value float64 `json:"value"`
	Text  string  `json:"text,omitempty"` // for labels that are not numbers (a donor's name)
}

func ptr(v float64) *float64 { return &v }

func direction(e Estimate, none float64) (bool, string) {
	switch {
	case e.High < none:
		return true, "decrease"
	case e.Low > none:
		return true, "increase"
	}
	return false, "none"
}
