package atalaya

// ICCSCategory is one category of the UNODC International Classification of
// Crime for Statistical Purposes, version 1.0. Codes are strings of 2, 4, 5
// or 6 digits for levels 1 to 4; the parent of a code is its prefix one level
// up.
type ICCSCategory struct {
	Code         string `json:"code"`
	Level        int    `json:"level"`
	Parent       string `json:"parent,omitempty"`
	Name         string `json:"name"`
	Verification string `json:"verification"` // confirmed, code_confirmed_name_recalled, recalled
}

// ICCSLevel returns the level (1–4) of a syntactically valid ICCS code, or 0.
func ICCSLevel(code string) int {
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return 0
		}
	}
	switch len(code) {
	case 2:
		return 1
	case 4:
		return 2
	case 5:
		return 3
	case 6:
		return 4
	}
	return 0
}

// ICCSParent returns the parent of an ICCS code, or "" for a level-1 code.
func ICCSParent(code string) string {
	switch ICCSLevel(code) {
	case 2:
		return code[:2]
	case 3:
		return code[:4]
	case 4:
		return code[:5]
	}
	return ""
}

// ICCSLineage returns code and its ancestors, finest first:
// ICCSLineage("020221") is ["020221", "02022", "0202", "02"].
func ICCSLineage(code string) []string {
	var out []string
	for c := code; c != ""; c = ICCSParent(c) {
		out = append(out, c)
	}
	return out
}

// ICCSContains reports whether code is ancestor or equal to other.
func ICCSContains(ancestor, code string) bool {
	return len(code) >= len(ancestor) && code[:len(ancestor)] == ancestor && ICCSLevel(ancestor) > 0
}
