package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/indicator"
)

const indicatorsUsage = "\n       atalaya indicators docs [--out docs/indicators.md]\n       atalaya indicators check FILE"

// runIndicators lists the embedded indicator catalogue, or runs one of its
// subcommands: docs renders docs/indicators.md, check validates a file.
func runIndicators(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "docs":
			return runIndicatorsDocs(env, args[1:])
		case "check":
			return runIndicatorsCheck(env, args[1:])
		}
	}
	fs := newFlags(env, "indicators", indicatorsUsage)
	lang := fs.String("lang", "en", "language of the names: "+strings.Join(indicator.Languages, ", "))
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("indicators: unknown subcommand %q; use docs or check, or nothing to list the catalogue", pos[0])
	}
	if !slices.Contains(indicator.Languages, *lang) {
		return usageErr("--lang %q: use one of %s", *lang, strings.Join(indicator.Languages, ", "))
	}
	c, err := indicator.Default()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tkind\tname")
	for _, ind := range c.Indicators {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", ind.ID, ind.Kind, ind.Name[*lang])
	}
	return tw.Flush()
}

func runIndicatorsDocs(env *Env, args []string) error {
	fs := newFlags(env, "indicators docs", "")
	out := fs.String("out", "", "write the Markdown to this file (e.g. docs/indicators.md) instead of standard output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("indicators docs takes no arguments; use --out FILE to write a file")
	}
	c, err := indicator.Default()
	if err != nil {
		return err
	}
	if *out == "" {
		return c.Markdown(env.Stdout)
	}
	var buf bytes.Buffer
	if err := c.Markdown(&buf); err != nil {
		return err
	}
	if err := writeFileAtomic(*out, buf.Bytes()); err != nil {
		return atalaya.Errorf(atalaya.EINVALID, "cannot write %s: %v", *out, err)
	}
	fmt.Fprintf(env.Stdout, "wrote %s (%d indicators)\n", *out, len(c.Indicators))
	return nil
}

func runIndicatorsCheck(env *Env, args []string) error {
	fs := newFlags(env, "indicators check", "FILE")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("indicators check needs one catalogue FILE (- reads standard input)")
	}
	name := pos[0]
	var r io.Reader = env.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return atalaya.Errorf(atalaya.EINVALID, "cannot open %s: %v", name, err)
		}
		defer f.Close()
		r = f
	}
	c, err := indicator.Load(r)
	if err != nil {
		code := atalaya.ErrorCode(err)
		if code == atalaya.EINTERNAL {
			return err
		}
		return &atalaya.Error{Code: code, Message: name + ": " + atalaya.ErrorMessage(err)}
	}
	fmt.Fprintf(env.Stdout, "%s is a valid indicator catalogue: %d indicators (%s)\n", name, len(c.Indicators), strings.Join(c.IDs(), ", "))
	return nil
}

// writeFileAtomic writes a file through a temporary file in the same folder,
// so that a reader never sees half of it.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
