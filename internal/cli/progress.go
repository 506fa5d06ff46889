package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya/internal/web"
	"golang.org/x/term"
)

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// progressBar draws "label [=====>    ] 42% 1,234,567 rows 85,000 rows/s ETA 12s"
// on a terminal, at most ten times a second. It draws nothing when the
// output is not a terminal.
type progressBar struct {
	w     io.Writer
	on    bool
	label string
	start time.Time
	last  time.Time
	now   func() time.Time
	drawn bool
}

func newProgressBar(w io.Writer, on bool, label string, now func() time.Time) *progressBar {
	return &progressBar{w: w, on: on, label: label, start: now(), now: now}
}

func (p *progressBar) update(done, total, rows int64) {
	if !p.on {
		return
	}
	t := p.now()
	if t.Sub(p.last) < 100*time.Millisecond && done < total {
		return
	}
	p.last = t
	p.drawn = true
	fmt.Fprint(p.w, "\r"+p.line(done, total, rows, t)+"\x1b[K")
}

func (p *progressBar) line(done, total, rows int64, t time.Time) string {
	el := t.Sub(p.start).Seconds()
	frac := 0.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	if frac > 1 {
		frac = 1
	}
	const width = 24
	n := int(frac * width)
	bar := strings.Repeat("=", n)
	if n < width {
		bar += ">" + strings.Repeat(" ", width-n-1)
	}
	rate := 0.0
	if el > 0 {
		rate = float64(rows) / el
	}
	eta := "–"
	if frac > 0.01 && frac < 1 {
		eta = (time.Duration(el*(1-frac)/frac) * time.Second).Round(time.Second).String()
	}
	return fmt.Sprintf("%s [%s] %3.0f%% %s rows %s rows/s ETA %s", p.label, bar, frac*100, group(rows), group(int64(rate)), eta)
}

func (p *progressBar) finish() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

func group(n int64) string { return web.Group(n) }
