package cli

import (
	"context"
	"flag"
	"path/filepath"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/audit"
)

// The command line audits every command that changes data: before the
// change it appends an entry to the node's audit log (internal/audit) and
// signs a checkpoint that covers it, so that removing the newest entry is
// detected by `atalaya audit verify`. If the entry or its checkpoint cannot
// be written, the command stops before changing anything. An entry thus
// records an attempt: a change that fails after its entry was written
// (a mapping that does not parse, a duplicate user) leaves the entry in
// the log. Ingest is the one command that writes two entries: "ingest"
// with the source before the batch (whose id is not known yet) and
// "ingest.commit" with the batch id once it is committed; if that second
// entry cannot be written the command fails, naming the committed batch.
// Objects are ids only (user:ana, token:<id>, batch:12, source:mx-sesnsp),
// never a password, token, TOTP key, name or submitter. See docs/security.md.

// auditKeyHelp is the help of --audit-key (and of the audit commands' --key).
const auditKeyHelp = "the node's audit signing key file (created on first use, its public key beside it as KEY.pub; " +
	"default: " + DefaultAuditKey + " in the folder of the SQLite database, or in the current folder for PostgreSQL)"

// auditKeyFlag adds --audit-key to a command that changes data.
func auditKeyFlag(fs *flag.FlagSet) *string {
	return fs.String("audit-key", "", auditKeyHelp)
}

// auditKeyPath returns the audit key file for the database URL db: key
// when given, else DefaultAuditKey beside a SQLite database file (so that
// sqlite:/srv/atalaya/node.db signs with /srv/atalaya/atalaya-audit.key,
// and the default database sqlite:atalaya.db with ./atalaya-audit.key), or
// in the current folder for PostgreSQL.
func auditKeyPath(db, key string) string {
	if key != "" {
		return key
	}
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		return DefaultAuditKey
	}
	if strings.HasPrefix(db, "sqlite:") || !strings.Contains(db, "://") {
		path := strings.TrimPrefix(strings.TrimPrefix(db, "sqlite:"), "//")
		if path != "" && path != ":memory:" && !strings.HasPrefix(path, "file:") {
			return filepath.Join(filepath.Dir(path), DefaultAuditKey)
		}
	}
	return DefaultAuditKey
}

// cliActor is the actor of the commands that have no --by: "cli:" and the
// OS user name ("cli:unknown" when it cannot be told). Sign-in is not
// checked on the command line: whoever can run it can open the database.
func cliActor() string {
	if n := osUserName(); n != "" {
		return "cli:" + n
	}
	return "cli:unknown"
}

// auditWrite appends e (Origin "cli" unless set) to the audit log of
// store, signed with the key at keyPath (created on first use), and signs
// a checkpoint covering it. Any failure is returned, and the caller must
// not make (or must report) the change: an action that cannot be audited
// does not happen.
func auditWrite(ctx context.Context, env *Env, store atalaya.Store, keyPath string, e atalaya.AuditEntry) error {
	as, ok := store.(atalaya.AuditStore)
	if !ok {
		return atalaya.Errorf(atalaya.EINVALID, "the %s backend keeps no audit log, so nothing can be changed through it", store.Backend())
	}
	if e.Origin == "" {
		e.Origin = "cli"
	}
	key, err := audit.LoadKey(keyPath, audit.DefaultKeyName)
	if err != nil {
		return auditErr(err, "cannot write the audit entry (%s %s)", e)
	}
	l := audit.New(as, key, env.Now)
	if _, err := l.Append(ctx, e); err != nil {
		return auditErr(err, "cannot write the audit entry (%s %s)", e)
	}
	if _, err := l.Checkpoint(ctx); err != nil {
		return auditErr(err, "cannot sign the audit checkpoint after %s %s", e)
	}
	return nil
}

// auditErr says which entry could not be written, keeping err's code.
func auditErr(err error, format string, e atalaya.AuditEntry) error {
	code := atalaya.ErrorCode(err)
	if code == atalaya.EINTERNAL {
		code = atalaya.EINVALID // shown, not hidden: the operator must fix the key or the database
	}
	return atalaya.Errorf(code, format+": %w", e.Action, e.Object, err)
}
