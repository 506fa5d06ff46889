package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/audit"
)

// DefaultAuditKey is the name of the node's audit signing key file when
// --key (--audit-key) is not given: it is kept in the folder of the SQLite
// database file (auditKeyPath), or in the current folder for PostgreSQL.
// Its public key is KEY.pub.
const DefaultAuditKey = "atalaya-audit.key"

// runAudit dispatches the audit subcommands.
func runAudit(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageErr("audit needs a subcommand: verify, checkpoint, proof SEQ, check-proof FILE or log")
	}
	switch args[0] {
	case "verify":
		return runAuditVerify(ctx, env, args[1:])
	case "checkpoint":
		return runAuditCheckpoint(ctx, env, args[1:])
	case "proof":
		return runAuditProof(ctx, env, args[1:])
	case "check-proof":
		return runAuditCheckProof(env, args[1:])
	case "log":
		return runAuditLog(ctx, env, args[1:])
	}
	return usageErr("audit %q: use verify, checkpoint, proof, check-proof or log", args[0])
}

// openAudit opens the store at url and its audit log with key (a private
// key, or a public one for reading and checking).
func openAudit(ctx context.Context, env *Env, url string, key *audit.Key) (*audit.Log, func() error, error) {
	s, err := OpenStore(ctx, url, env.Now)
	if err != nil {
		return nil, nil, err
	}
	as, ok := s.(atalaya.AuditStore)
	if !ok {
		s.Close()
		return nil, nil, atalaya.Errorf(atalaya.EINVALID, "the %s backend keeps no audit log", s.Backend())
	}
	return audit.New(as, key, env.Now), s.Close, nil
}

// publicKey reads the public key from pub, or from KEY.pub.
func publicKey(keyPath, pub string) (*audit.Key, error) {
	if pub == "" {
		pub = keyPath + ".pub"
	}
	return audit.ReadPublicKey(pub)
}

func runAuditVerify(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "audit verify", "\n\nRecomputes the audit log's Merkle tree from every stored entry and checks it against\n"+
		"the stored hashes and every checkpoint signed by the node's key. Prints OK with the size and\n"+
		"root, or FAIL naming the first entry changed, missing or reordered (exit 1).")
	db := fs.String("db", DefaultDB, "database URL")
	keyPath := fs.String("key", "", "the node's audit key file (its public key KEY.pub is used; default: "+DefaultAuditKey+" beside the SQLite database, or in the current folder)")
	pub := fs.String("pub", "", "the node's public key file, instead of KEY.pub")
	external := fs.String("checkpoint", "", "a signed checkpoint kept outside the database (serve --checkpoint-copy, or one audit checkpoint printed): the log must still extend it (catches a rollback)")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageErr("audit verify takes no arguments: %q", pos)
	}
	key, err := publicKey(auditKeyPath(*db, *keyPath), *pub)
	if err != nil {
		return err
	}
	l, closeDB, err := openAudit(ctx, env, *db, key)
	if err != nil {
		return err
	}
	defer closeDB()
	r, err := l.Verify(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, r)
	if !r.OK() {
		return atalaya.Errorf(atalaya.ECONFLICT, "the audit log does not verify")
	}
	if *external != "" {
		msg, err := os.ReadFile(*external)
		if err != nil {
			return atalaya.Errorf(atalaya.EINVALID, "checkpoint %s: %v", *external, err)
		}
		n, err := l.VerifyCheckpoint(ctx, msg)
		if err != nil {
			fmt.Fprintf(env.Stdout, "FAIL against %s: %s\n", *external, atalaya.ErrorMessage(err))
			return err
		}
		fmt.Fprintf(env.Stdout, "OK: the log extends the checkpoint of %d entries in %s\n", n, *external)
	}
	return nil
}

func runAuditCheckpoint(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "audit checkpoint", "\n\nSigns the audit log's current size and root hash with the node's key (created with\n"+
		"mode 0600 on first use, its public key beside it as KEY.pub) and prints the signed note.")
	db := fs.String("db", DefaultDB, "database URL")
	keyPath := fs.String("key", "", "the node's audit key file (default: "+DefaultAuditKey+" beside the SQLite database, or in the current folder)")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageErr("audit checkpoint takes no arguments: %q", pos)
	}
	key, err := audit.LoadKey(auditKeyPath(*db, *keyPath), audit.DefaultKeyName)
	if err != nil {
		return err
	}
	l, closeDB, err := openAudit(ctx, env, *db, key)
	if err != nil {
		return err
	}
	defer closeDB()
	c, err := l.Checkpoint(ctx)
	if err != nil {
		return err
	}
	_, err = env.Stdout.Write(c.Note)
	return err
}

func runAuditProof(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "audit proof", "SEQ\n\nPrints, as JSON, the inclusion proof of entry SEQ in the tree of the latest signed\n"+
		"checkpoint: the entry's canonical bytes, the proof hashes and the signed checkpoint, for\n"+
		"`atalaya audit check-proof` or any RFC 6962 checker (docs/audit.md).")
	db := fs.String("db", DefaultDB, "database URL")
	keyPath := fs.String("key", "", "the node's audit key file (its public key KEY.pub is used; default: "+DefaultAuditKey+" beside the SQLite database, or in the current folder)")
	pub := fs.String("pub", "", "the node's public key file, instead of KEY.pub")
	out := fs.String("out", "", "write the proof to this file instead of standard output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("audit proof needs one entry number (SEQ)")
	}
	seq, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || seq < 0 {
		return usageErr("audit proof %q: SEQ is an entry number, 0 or more", pos[0])
	}
	key, err := publicKey(auditKeyPath(*db, *keyPath), *pub)
	if err != nil {
		return err
	}
	l, closeDB, err := openAudit(ctx, env, *db, key)
	if err != nil {
		return err
	}
	defer closeDB()
	b, err := l.Proof(ctx, seq)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if *out != "" {
		return os.WriteFile(*out, data, 0o644)
	}
	_, err = env.Stdout.Write(data)
	return err
}

func runAuditCheckProof(env *Env, args []string) error {
	fs := newFlags(env, "audit check-proof", "FILE\n\nChecks offline, with the node's public key only, a proof that `atalaya audit proof` wrote:\n"+
		"the checkpoint's signature and the inclusion of the entry (RFC 6962, tlog.CheckRecord).")
	keyFile := fs.String("key", "", "the node's public key file (KEY.pub)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *keyFile == "" {
		return usageErr("audit check-proof needs a proof FILE and --key PUBKEYFILE")
	}
	key, err := audit.ReadPublicKey(*keyFile)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return atalaya.Errorf(atalaya.EINVALID, "read proof: %v", err)
	}
	b, err := audit.ParseProof(data)
	if err != nil {
		return err
	}
	e, err := audit.CheckProof(b, key)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "OK: entry %d is in the audit log of %d entries signed by %s\n%s\n", e.Seq, b.Size, key.ID(), e.Canonical())
	return nil
}

func runAuditLog(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "audit log", "\n\nLists audit entries, oldest first. Entries are not verified here: use `audit verify`.")
	db := fs.String("db", DefaultDB, "database URL")
	actor := fs.String("actor", "", "only this actor")
	object := fs.String("object", "", "only this object (exactly, e.g. batch:12)")
	since := fs.String("since", "", "only from this time: RFC 3339 or YYYY-MM-DD (midnight UTC)")
	asJSON := fs.Bool("json", false, "print JSON lines, one entry each")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageErr("audit log takes no arguments: %q", pos)
	}
	f := atalaya.AuditFilter{Actor: *actor, Object: *object}
	if *since != "" {
		t, err := time.Parse(time.RFC3339, *since)
		if err != nil {
			if t, err = time.Parse(time.DateOnly, *since); err != nil {
				return usageErr("--since %q: use RFC 3339 or YYYY-MM-DD", *since)
			}
		}
		f.Since = t
	}
	s, err := OpenStore(ctx, *db, env.Now)
	if err != nil {
		return err
	}
	defer s.Close()
	as, ok := s.(atalaya.AuditStore)
	if !ok {
		return atalaya.Errorf(atalaya.EINVALID, "the %s backend keeps no audit log", s.Backend())
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		return as.AuditEntries(ctx, f, func(e atalaya.AuditEntry, _ [32]byte) error { return enc.Encode(e) })
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "seq\tat\tactor\taction\tobject\torigin\treason")
	err = as.AuditEntries(ctx, f, func(e atalaya.AuditEntry, _ [32]byte) error {
		_, err := fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.At.Format(time.RFC3339Nano), oneLine(e.Actor),
			oneLine(e.Action), oneLine(e.Object), oneLine(e.Origin), oneLine(e.Reason))
		return err
	})
	if err != nil {
		return err
	}
	return tw.Flush()
}
