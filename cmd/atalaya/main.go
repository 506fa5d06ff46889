// Command atalaya runs a national observatory of crime and violence: it
// ingests records and aggregates, keeps the cube of counts and serves the
// portal and the API. Run `atalaya help` for the subcommands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/oas-atalaya/atalaya/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
