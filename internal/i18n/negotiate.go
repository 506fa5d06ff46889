package i18n

import (
	"sort"
	"strconv"
	"strings"
)

// Negotiate picks the portal language an Accept-Language header prefers
// (RFC 9110 §12.5.4: quality values, "*" and regional variants such as
// pt-BR), or fallback when it names none of them.
func Negotiate(accept string, fallback Lang) Lang {
	type choice struct {
		lang Lang
		q    float64
		pos  int
	}
	var cs []choice
	for i, part := range strings.Split(accept, ",") {
		if i >= 32 { // a header longer than that is not a person's
			break
		}
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0
				}
				q = f
			}
		}
		if q <= 0 {
			continue
		}
		if strings.TrimSpace(tag) == "*" {
			cs = append(cs, choice{fallback, q, i})
			continue
		}
		if l, ok := Parse(tag); ok {
			cs = append(cs, choice{l, q, i})
		}
	}
	if len(cs) == 0 {
		return fallback
	}
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].q > cs[b].q })
	return cs[0].lang
}
