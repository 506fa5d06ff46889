package cli

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"net"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/audit"
	"github.com/oas-atalaya/atalaya/internal/web"
)

func runServe(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "serve", "")
	db := fs.String("db", DefaultDB, "database URL")
	addr := fs.String("addr", "localhost:8080", "address to serve on")
	tf := tlsFlags(fs)
	auditKey := fs.String("audit-key", "", "the node's audit signing key file (created on first use; default "+DefaultAuditKey+" beside the SQLite database, or in the current folder)")
	checkpointCopy := fs.String("checkpoint-copy", "", "also write each signed audit checkpoint to this file, outside the database (keep it where the database's administrators cannot write); `audit verify --checkpoint FILE` then catches a rollback")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	tlsConf, err := tf.config(env)
	if err != nil {
		return err
	}
	s, err := OpenStore(ctx, *db, env.Now)
	if err != nil {
		return err
	}
	defer s.Close()
	return serve(ctx, env, s, *addr, false, tlsConf, auditKeyPath(*db, *auditKey), *checkpointCopy)
}

// tlsOptions are the TLS flags of serve and demo.
type tlsOptions struct {
	cert, key  *string
	selfSigned *bool
}

func tlsFlags(fs *flag.FlagSet) tlsOptions {
	return tlsOptions{
		cert:       fs.String("tls-cert", "", "serve HTTPS with this PEM certificate (chain) file; needs --tls-key"),
		key:        fs.String("tls-key", "", "the PEM private key of --tls-cert"),
		selfSigned: fs.Bool("tls-self-signed", false, "serve HTTPS with a new self-signed certificate for localhost (trials only: browsers warn)"),
	}
}

func (o tlsOptions) config(env *Env) (*tls.Config, error) {
	switch {
	case *o.selfSigned && (*o.cert != "" || *o.key != ""):
		return nil, usageErr("give either --tls-self-signed or --tls-cert and --tls-key, not both")
	case *o.selfSigned:
		return web.SelfSignedTLS([]string{"localhost", "127.0.0.1", "::1"}, env.Now())
	case (*o.cert == "") != (*o.key == ""):
		return nil, usageErr("--tls-cert and --tls-key go together")
	case *o.cert != "":
		return web.TLSConfig(*o.cert, *o.key)
	}
	return nil, nil
}

// serve serves the node with accounts (sign-in, API tokens, the roles of
// internal/authz) and its audit log, whose key is at keyPath.
// serve serves the portal and the API; checkpointCopy, when set, is a
// file each signed audit checkpoint is also written to.
func serve(ctx context.Context, env *Env, s atalaya.Store, addr string, demo bool, tlsConf *tls.Config, keyPath, checkpointCopy string) error {
	name := "national node"
	if demo {
		name = "Mexico (demo)"
	}
	scheme := "http"
	if tlsConf != nil {
		scheme = "https"
	}
	as, ok1 := s.(atalaya.AuditStore)
	acc, ok2 := s.(atalaya.AccountStore)
	if !ok1 || !ok2 {
		return atalaya.Errorf(atalaya.EINVALID, "the %s backend keeps no accounts or audit log: it cannot be served", s.Backend())
	}
	key, err := audit.LoadKey(keyPath, audit.DefaultKeyName)
	if err != nil {
		return err
	}
	lg := audit.New(as, key, env.Now)
	if checkpointCopy != "" {
		lg.ExportTo(checkpointCopy)
		fmt.Fprintf(env.Stdout, "audit checkpoints are also written to %s\n", checkpointCopy)
	}
	srv := &web.Server{Store: s, Logger: env.Logger, Now: env.Now, NodeName: name,
		Auth: &web.Accounts{Store: acc, Now: env.Now}, Audit: lg}
	h := srv.Handler()
	// Build the public indexes and map shapes before the first reader.
	go srv.Warm(ctx)
	return web.ListenAndServe(ctx, addr, h, tlsConf, func(a net.Addr) {
		fmt.Fprintf(env.Stdout, "serving %s on %s://%s/ (Ctrl-C to stop)\n", name, scheme, a)
	})
}
