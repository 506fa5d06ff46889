package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/export"
	"github.com/oas-atalaya/atalaya/internal/indicator"
	"github.com/oas-atalaya/atalaya/internal/values"
)

// runExport writes the values of an indicator query as CSV, XLSX,
// SDMX-CSV 2.0 or SDMX-JSON 2.0: the same figures and the same rules as
// GET /api/v1/indicators/{id}/values.
func runExport(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "export", " INDICATOR\n\nWrites the values of an indicator, as the API gives them. By default the published\n"+
		"figures with disclosure control, as the public sees them; --view live exports the current\n"+
		"figures, unpublished included and nothing suppressed (for analysts: keep such files inside).")
	db := fs.String("db", DefaultDB, "database URL")
	area := fs.String("area", "", "area codes, comma-separated: MEX or MEX-09,MEX-15 (required)")
	children := fs.Bool("children", false, "add the direct sub-areas of each area")
	from := fs.String("from", "", "first period: YYYY, YYYY-Qn or YYYY-MM (default: the first year with data)")
	to := fs.String("to", "", "last period, of the same kind (default: the last year with data)")
	by := fs.String("by", "", "breakdown: sex, age, weapon, context or source")
	total := fs.String("total", "", "period, area or all: sums of numerators over sums of denominators")
	asOf := fs.String("as-of", "", "what was published at this date (YYYY-MM-DD) or instant (RFC 3339)")
	std := fs.String("standard", "", "age-standardise against who2000 or segi1960")
	view := fs.String("view", "published", "published (public, with disclosure control) or live")
	format := fs.String("format", "csv", "csv, xlsx, sdmx-csv or sdmx-json")
	lang := fs.String("lang", "en", "language of names and the XLSX About sheet: en, es, pt, fr")
	out := fs.String("out", "-", "output file; - for standard output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("export takes one indicator id (see `atalaya indicators`), e.g. atalaya export homicide-rate --area MEX --from 2015 --to 2024")
	}
	f, ok := export.Lookup(*format)
	if !ok {
		return usageErr("--format %q: use csv, xlsx, sdmx-csv or sdmx-json", *format)
	}
	q := values.Query{Indicator: pos[0], Areas: splitComma(*area), Children: *children, From: *from, To: *to,
		By: *by, Total: *total, Standard: *std}
	switch *view {
	case "published":
		q.Public = true
	case "live":
	default:
		return usageErr("--view %q: use published or live", *view)
	}
	if *asOf != "" {
		t, err := parseAsOfFlag(*asOf)
		if err != nil {
			return err
		}
		q.AsOf = t
	}
	if *format == "xlsx" && *out == "-" && env.IsTerminal {
		return usageErr("an XLSX file is binary: give --out FILE.xlsx")
	}
	cat, err := indicator.Default()
	if err != nil {
		return err
	}
	ind, ok := cat.Lookup(q.Indicator)
	if !ok {
		return atalaya.Errorf(atalaya.ENOTFOUND, "there is no indicator %q; `atalaya indicators` lists them", q.Indicator)
	}
	s, err := OpenStore(ctx, *db, env.Now)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := values.New(s, cat, env.Now).Values(ctx, q)
	if err != nil {
		return err
	}
	srcs, err := s.Sources(ctx)
	if err != nil {
		return err
	}
	var attr []string
	for _, src := range srcs {
		if src.Attribution != "" {
			attr = append(attr, src.Attribution)
		}
	}
	meta := export.Meta{Indicator: ind, Lang: *lang, AreaNames: res.AreaNames, Attribution: attr,
		Query: queryString(q), Generated: env.Now().UTC()}
	var w io.Writer = env.Stdout
	var file *os.File
	if *out != "-" {
		if file, err = os.Create(*out); err != nil {
			return atalaya.Errorf(atalaya.EINVALID, "cannot create %s: %v", *out, err)
		}
		defer file.Close()
		w = file
	}
	bw := bufio.NewWriter(w)
	if err := f.Write(bw, meta, res.Values); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if file != nil {
		if err := file.Close(); err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "wrote %d values of %s to %s\n", len(res.Values), ind.ID, *out)
	}
	return nil
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// queryString renders a query as the API's query string, for the record.
func queryString(q values.Query) string {
	v := url.Values{}
	v.Set("area", strings.Join(q.Areas, ","))
	for k, x := range map[string]string{"from": q.From, "to": q.To, "by": q.By, "total": q.Total, "standard": q.Standard} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if q.Children {
		v.Set("children", "1")
	}
	if !q.AsOf.IsZero() {
		v.Set("as_of", q.AsOf.UTC().Format(time.RFC3339))
	}
	if !q.Public {
		v.Set("view", "live")
	}
	return v.Encode()
}

func parseAsOfFlag(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.Add(24*time.Hour - time.Second), nil
	}
	return time.Time{}, usageErr("--as-of %q is not a date (2026-01-31) or an instant (2026-01-31T12:00:00Z)", s)
}
