package indicator

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/oas-atalaya/atalaya"
)

var (
	idRE  = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	sdgRE = regexp.MustCompile(`^[1-9][0-9]?\.([1-9][0-9]?|[a-z])\.[1-9][0-9]?$`)
)

// maxProblems bounds the problems one validation reports.
const maxProblems = 50

// problems collects validation messages.
type problems struct{ list []string }

func (p *problems) add(format string, args ...any) {
	p.list = append(p.list, fmt.Sprintf(format, args...))
}

// Validate checks the whole catalogue and returns an EINVALID error listing
// every problem, one per line, each naming the indicator and the field.
func (c *Catalogue) Validate() error {
	names, err := iccsNames()
	if err != nil {
		return atalaya.Errorf(atalaya.EINTERNAL, "indicator catalogue: the embedded ICCS list: %w", err)
	}
	var p problems
	if len(c.Indicators) == 0 {
		p.add("the catalogue lists no indicators; write `indicators:` and a list of them")
	}
	first := map[string]int{}
	for i := range c.Indicators {
		ind := &c.Indicators[i]
		who := fmt.Sprintf("indicator #%d", i+1)
		if ind.ID != "" {
			who = fmt.Sprintf("indicator %q", ind.ID)
		}
		var q problems
		ind.validate(&q, names)
		if j, dup := first[ind.ID]; dup && ind.ID != "" {
			q.add("id %q is already used by indicator #%d; ids must be unique", ind.ID, j+1)
		} else if ind.ID != "" {
			first[ind.ID] = i
		}
		for _, m := range q.list {
			p.add("%s: %s", who, m)
		}
	}
	n := len(p.list)
	switch {
	case n == 0:
		return nil
	case n == 1:
		return atalaya.Errorf(atalaya.EINVALID, "indicator catalogue: %s", p.list[0])
	case n > maxProblems:
		p.list = append(p.list[:maxProblems], fmt.Sprintf("… and %d more", n-maxProblems))
	}
	return atalaya.Errorf(atalaya.EINVALID, "indicator catalogue: %d problems:\n  %s", n, strings.Join(p.list, "\n  "))
}

func (ind *Indicator) validate(p *problems, iccs map[string]string) {
	switch {
	case ind.ID == "":
		p.add("id is missing")
	case len(ind.ID) > 64 || !idRE.MatchString(ind.ID):
		p.add("id %q must be lower-case letters, digits and single hyphens, starting with a letter (e.g. homicide-rate), at most 64 characters", ind.ID)
	}
	if ind.SDG != "" && !sdgRE.MatchString(ind.SDG) {
		p.add("sdg %q is not an SDG indicator number such as 16.1.1", ind.SDG)
	}
	checkText(p, "name", ind.Name, Languages)
	checkText(p, "definition", ind.Definition, Languages)
	checkText(p, "notes", ind.Notes, NoteLanguages)
	for _, lang := range Languages {
		if strings.ContainsAny(ind.Name[lang], "\n") {
			p.add("name: the %s name is on more than one line", lang)
		}
	}

	ind.Numerator.validate(p, iccs)

	switch ind.Kind {
	case KindRate, KindShare, KindRatio:
		ind.validateDenominator(p)
	case "":
		p.add("kind is missing: rate, share or ratio")
	default:
		p.add("kind %q must be rate, share or ratio", ind.Kind)
	}

	switch ind.Period {
	case PeriodYear, PeriodMonth:
	case "":
		p.add("period is missing: year or month")
	default:
		p.add("period %q must be year or month", ind.Period)
	}

	ind.Disclosure.validate(p)
	ind.validateBreakdowns(p)
}

func checkText(p *problems, field string, t Text, required []string) {
	for _, lang := range required {
		if strings.TrimSpace(t[lang]) == "" {
			p.add("%s: the %s text is missing (give %s)", field, lang, strings.Join(required, ", "))
		}
	}
	var extra []string
	for lang := range t {
		if !slices.Contains(Languages, lang) {
			extra = append(extra, lang)
		}
	}
	slices.Sort(extra)
	for _, lang := range extra {
		p.add("%s: language %q is not one of en, es, pt, fr", field, lang)
	}
}

func (n *Numerator) validate(p *problems, iccs map[string]string) {
	if len(n.ICCS) == 0 {
		p.add("numerator.iccs: list at least one ICCS code, quoted: [\"0101\"]")
	}
	listed := map[string]bool{}   // codes listed so far
	inside := map[string]string{} // an ancestor of a listed code → that code
	for _, code := range n.ICCS {
		switch {
		case atalaya.ICCSLevel(code) == 0:
			p.add("numerator.iccs: %q is not an ICCS code (2, 4, 5 or 6 digits, quoted so that the leading zero stays: \"0101\")", code)
			continue
		case listed[code]:
			p.add("numerator.iccs: %q is listed twice", code)
			continue
		case iccs[code] == "":
			p.add("numerator.iccs: %q is not in the ICCS v1.0 code list (data/iccs/iccs_v1_codes.csv)", code)
		}
		ancestors := atalaya.ICCSLineage(code)[1:]
		for _, a := range ancestors {
			if listed[a] {
				p.add("numerator.iccs: %q is inside %q, which already counts it (a code includes its subcategories)", code, a)
			}
		}
		if d, ok := inside[code]; ok {
			p.add("numerator.iccs: %q already counts %q, listed before it (a code includes its subcategories)", code, d)
		}
		listed[code] = true
		for _, a := range ancestors {
			if _, ok := inside[a]; !ok {
				inside[a] = code
			}
		}
	}
	switch n.Unit {
	case atalaya.UnitVictim, atalaya.UnitOffence, atalaya.UnitPerson:
	case "":
		p.add("numerator.unit is missing: victim, offence or person")
	default:
		p.add("numerator.unit %q must be victim, offence or person (the counting units the cube holds)", n.Unit)
	}
	checkSourceTypes(p, "numerator.source_types", n.SourceTypes)
	n.Filter.validate(p, "numerator")
}

func checkSourceTypes(p *problems, field string, sts []atalaya.SourceType) {
	seen := map[atalaya.SourceType]bool{}
	for _, st := range sts {
		switch {
		case !st.Valid():
			p.add("%s: %q is not a source type; use police, prosecution, health, prison, survey, international or statistics", field, st)
		case seen[st]:
			p.add("%s: %q is listed twice", field, st)
		}
		seen[st] = true
	}
}

// validate checks the codes of a filter; field is where it sits.
func (f Filter) validate(p *problems, field string) {
	for _, dim := range filterDims {
		seen := map[string]bool{}
		for _, c := range f.Codes(dim) {
			if msg := checkCode(dim, c); msg != "" {
				p.add("%s.%s: %s", field, dim, msg)
			} else if seen[c] {
				p.add("%s.%s: %q is listed twice", field, dim, c)
			}
			seen[c] = true
		}
	}
}

// checkCode returns what is wrong with a filter code, or "".
func checkCode(dim, c string) string {
	switch dim {
	case DimSex:
		switch {
		case c == atalaya.SexTotal:
			return "T is the total of both sexes, not a filter; leave sex out to count every victim"
		case !atalaya.ValidSex(c):
			return fmt.Sprintf("%q is not a sex code; use F, M or U", c)
		}
	case DimAge:
		switch {
		case c == atalaya.AgeTotal:
			return "T is every age, not a filter; leave age out to count every age"
		case !atalaya.ValidAgeBand(c):
			return fmt.Sprintf("%q is not an age band; write LO-HI (15-29), LO+ (60+) or U", c)
		}
	case DimWeapon:
		if !atalaya.ValidWeapon(c) {
			return fmt.Sprintf("%q is not a weapon code; use firearm, sharp, other, none or U", c)
		}
	case DimContext:
		if c == "" || !atalaya.ValidContext(c) {
			return fmt.Sprintf("%q is not a context code; use femicide, organised_crime, intimate_partner_family or cyber", c)
		}
	}
	return ""
}

func (ind *Indicator) validateDenominator(p *problems) {
	d := ind.Denominator
	if d == nil {
		switch ind.Kind {
		case KindRate:
			p.add("a rate needs a denominator: population (sex, age) and multiplier (100000)")
		case KindShare:
			p.add("a share needs a denominator: the numerator's filters to relax (relax: [weapon]) and multiplier (100)")
		case KindRatio:
			p.add("a ratio needs a denominator: the source types to divide by (source_types: [health]) and multiplier (1)")
		}
		return
	}
	if d.Multiplier <= 0 {
		p.add("denominator.multiplier is missing or not positive: 100000 for a rate per 100,000, 100 for a percentage, 1 for a ratio")
	}
	n := &ind.Numerator
	switch ind.Kind {
	case KindRate:
		if len(d.Relax) > 0 || !d.Exclude.Empty() || len(d.SourceTypes) > 0 {
			p.add("denominator: a rate divides by a population; relax, exclude and source_types are for shares and ratios")
		}
		if d.Population == nil {
			p.add("a rate needs denominator.population (sex: T, F or M; age: T or a band such as 15-29)")
			return
		}
		ind.validatePopulation(p, *d.Population)
	case KindShare:
		if d.Population != nil || len(d.SourceTypes) > 0 {
			p.add("denominator: a share divides by the numerator's own count with filters relaxed; population and source_types are for rates and ratios")
		}
		if len(d.Relax) == 0 {
			p.add("a share needs denominator.relax: the numerator filters its denominator drops (e.g. [weapon])")
		}
		seen := map[string]bool{}
		for _, dim := range d.Relax {
			dup := seen[dim]
			seen[dim] = true
			switch {
			case !slices.Contains(filterDims, dim):
				p.add("denominator.relax: %q is not a filter; use sex, age, weapon or context", dim)
			case dup:
				p.add("denominator.relax: %q is listed twice", dim)
			case len(n.Filter.Codes(dim)) == 0:
				p.add("denominator.relax: %q, but the numerator does not filter on %s, so the share would be 100%%", dim, dim)
			}
		}
		d.Exclude.validate(p, "denominator.exclude")
		for _, dim := range filterDims {
			ex := d.Exclude.Codes(dim)
			if len(ex) == 0 {
				continue
			}
			if !slices.Contains(d.Relax, dim) {
				p.add("denominator.exclude.%s: exclude applies to relaxed filters only; add %s to relax", dim, dim)
			}
			kept := map[string]bool{}
			for _, c := range n.Filter.Codes(dim) {
				kept[c] = true
			}
			for _, c := range ex {
				if kept[c] {
					p.add("denominator.exclude.%s: %q is kept by the numerator, so the numerator would not be part of the denominator", dim, c)
				}
			}
		}
	case KindRatio:
		if d.Population != nil || len(d.Relax) > 0 || !d.Exclude.Empty() {
			p.add("denominator: a ratio divides by the same count from other source types; population, relax and exclude are for rates and shares")
		}
		if len(n.SourceTypes) == 0 {
			p.add("a ratio needs numerator.source_types (e.g. [police, prosecution])")
		}
		if len(d.SourceTypes) == 0 {
			p.add("a ratio needs denominator.source_types (e.g. [health])")
		}
		checkSourceTypes(p, "denominator.source_types", d.SourceTypes)
		num := map[atalaya.SourceType]bool{}
		for _, st := range n.SourceTypes {
			num[st] = true
		}
		for _, st := range d.SourceTypes {
			if num[st] {
				p.add("denominator.source_types: %q is also a numerator source type; a ratio compares different sources", st)
			}
		}
	}
}

// validatePopulation checks a rate's population against its numerator: a
// sex- or age-specific count is divided by the population of that sex or
// age band, and the other way round.
func (ind *Indicator) validatePopulation(p *problems, pop PopulationSpec) {
	n := &ind.Numerator
	switch pop.Sex {
	case atalaya.SexTotal, atalaya.SexFemale, atalaya.SexMale:
	case "":
		p.add("denominator.population.sex is missing: T (both sexes), F or M")
	default:
		p.add("denominator.population.sex %q must be T, F or M", pop.Sex)
	}
	switch {
	case pop.Age == "":
		p.add("denominator.population.age is missing: T (all ages) or a band such as 15-29")
	case pop.Age == atalaya.AgeUnknown || !atalaya.ValidAgeBand(pop.Age):
		p.add("denominator.population.age %q must be T or a band such as 15-29 or 60+", pop.Age)
	}
	sex := n.Filter.Sex
	switch {
	case pop.Sex == atalaya.SexFemale || pop.Sex == atalaya.SexMale:
		if len(sex) != 1 || sex[0] != pop.Sex {
			p.add("denominator.population.sex is %s, so the numerator must keep sex %s only (sex: %s): a rate over the %s population counts only %s victims",
				pop.Sex, pop.Sex, pop.Sex, sexWord(pop.Sex), sexWord(pop.Sex))
		}
	case pop.Sex == atalaya.SexTotal && len(sex) == 1 && (sex[0] == atalaya.SexFemale || sex[0] == atalaya.SexMale):
		p.add("the numerator keeps sex %s only, so denominator.population.sex must be %s: sex-specific rates use the population of that sex", sex[0], sex[0])
	}
	age := n.Filter.Age
	switch {
	case pop.Age != "" && pop.Age != atalaya.AgeTotal:
		if len(age) != 1 || age[0] != pop.Age {
			p.add("denominator.population.age is %s, so the numerator must keep that band only (age: %s)", pop.Age, pop.Age)
		}
	case len(age) > 1:
		p.add("numerator.age: a rate's numerator keeps at most one band, the population's")
	case len(age) == 1 && age[0] != atalaya.AgeUnknown:
		p.add("the numerator keeps age band %s only, so denominator.population.age must be %s", age[0], age[0])
	case len(age) == 1:
		p.add("numerator.age: U (age not stated) has no population to divide by")
	}
}

func sexWord(s string) string {
	if s == atalaya.SexFemale {
		return "female"
	}
	return "male"
}

func (d Disclosure) validate(p *problems) {
	if len(d.MinCount) == 0 {
		p.add("disclosure.min_count is missing: the smallest count published, by area level, e.g. {0: 1, 1: 3, 2: 5}")
		return
	}
	if _, ok := d.MinCount[0]; !ok {
		p.add("disclosure.min_count: give level 0 (the country)")
	}
	levels := make([]int, 0, len(d.MinCount))
	for l := range d.MinCount {
		levels = append(levels, l)
	}
	slices.Sort(levels)
	prev := int64(0)
	for _, l := range levels {
		n := d.MinCount[l]
		switch {
		case l < 0 || l > 6:
			p.add("disclosure.min_count: level %d is outside 0–6", l)
		case n < 1:
			p.add("disclosure.min_count: level %d: %d must be 1 or more (1 publishes every count)", l, n)
		case n < prev:
			p.add("disclosure.min_count: level %d: %d is less than the level above (%d); finer areas need at least as much protection", l, n, prev)
		}
		if n > prev {
			prev = n
		}
	}
}

// breakdownDims are the dimensions an indicator may be broken down by.
var breakdownDims = []string{DimSex, DimAge, DimWeapon, DimContext, DimSource}

func (ind *Indicator) validateBreakdowns(p *problems) {
	n := &ind.Numerator
	seen := map[string]bool{}
	for _, b := range ind.Breakdowns {
		dup := seen[b]
		seen[b] = true
		switch {
		case !slices.Contains(breakdownDims, b):
			p.add("breakdowns: %q is not a breakdown; use sex, age, weapon, context or source", b)
		case dup:
			p.add("breakdowns: %q is listed twice", b)
		case b != DimSource && len(n.Filter.Codes(b)) == 1:
			p.add("breakdowns: %s, but the numerator keeps only %s %s", b, b, n.Filter.Codes(b)[0])
		case b == DimSource && ind.Kind == KindRatio:
			p.add("breakdowns: source, but a ratio already compares source types")
		case b == DimSource && len(n.SourceTypes) == 1:
			p.add("breakdowns: source, but the numerator has one source type (%s)", n.SourceTypes[0])
		case ind.Kind == KindShare && ind.Denominator != nil && slices.Contains(ind.Denominator.Relax, b):
			p.add("breakdowns: %s is the dimension the share is about (relaxed in the denominator)", b)
		}
	}
}
