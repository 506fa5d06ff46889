package indicator_test

import (
	"bytes"
	"io"
	"io/fs"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/data"
	"github.com/oas-atalaya/atalaya/internal/indicator"
)

// FuzzLoad feeds arbitrary bytes to Load. Properties: no panic; a refusal
// is a clear EINVALID (or ETOOLARGE) error; an accepted catalogue has
// unique ids that Lookup finds, and renders to Markdown.
func FuzzLoad(f *testing.F) {
	shipped, err := fs.ReadFile(data.FS, indicator.DefaultPath)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		string(shipped), baseRate, baseShare, baseRatio,
		strings.Replace(baseRate, `iccs: ["0101"]`, "iccs: 0101", 1),
		"indicators: []\n", "", "---\n---\n", "indicators: [{id: x}]\n",
		"a: &a [*a, *a]\n", "indicators:\n  - &i {id: a}\n  - *i\n",
		"indicators: [{disclosure: {min_count: {-1: -1, 99999999999999999999: 1}}}]\n",
		"indicators: [{numerator: {iccs: {a: b}, sex: [[F]]}}]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := indicator.Load(bytes.NewReader(in))
		if err != nil {
			if code := atalaya.ErrorCode(err); code != atalaya.EINVALID && code != atalaya.ETOOLARGE {
				t.Fatalf("error %v has code %s, want a clear EINVALID refusal", err, code)
			}
			return
		}
		seen := map[string]bool{}
		for _, ind := range c.Indicators {
			if seen[ind.ID] {
				t.Fatalf("accepted duplicate id %q", ind.ID)
			}
			seen[ind.ID] = true
			if got, ok := c.Lookup(ind.ID); !ok || got.ID != ind.ID {
				t.Fatalf("Lookup(%q) failed", ind.ID)
			}
		}
		if err := c.Markdown(io.Discard); err != nil {
			t.Fatalf("an accepted catalogue does not render: %v", err)
		}
	})
}
