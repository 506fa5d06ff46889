package cli

import (
	"context"
	"fmt"
	"net"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/web"
)

func runServe(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "serve", "")
	db := fs.String("db", DefaultDB, "database URL")
	addr := fs.String("addr", "localhost:8080", "address to serve on")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := OpenStore(ctx, *db, env.Now)
	if err != nil {
		return err
	}
	defer s.Close()
	return serve(ctx, env, s, *addr, false)
}

func serve(ctx context.Context, env *Env, s atalaya.Store, addr string, demo bool) error {
	name := "national node"
	if demo {
		name = "Mexico (demo)"
	}
	srv := &web.Server{Store: s, Logger: env.Logger, Now: env.Now, NodeName: name}
	return web.ListenAndServe(ctx, addr, srv.Handler(), func(a net.Addr) {
		fmt.Fprintf(env.Stdout, "serving %s on http://%s/ (Ctrl-C to stop)\n", name, a)
	})
}
