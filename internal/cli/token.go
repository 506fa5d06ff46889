package cli

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
)

// DefaultTokenTTL is how long a token lives when --ttl is not given.
const DefaultTokenTTL = 720 * time.Hour

// runToken dispatches the token subcommands.
func runToken(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageErr("token needs a subcommand: create, revoke or list")
	}
	switch args[0] {
	case "create":
		return runTokenCreate(ctx, env, args[1:])
	case "revoke":
		return runTokenRevoke(ctx, env, args[1:])
	case "list":
		return runTokenList(ctx, env, args[1:])
	}
	return usageErr("token %q: use create, revoke or list", args[0])
}

func runTokenCreate(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "token create", "\n\nCreates an API token for a user's scripts and prints it once on standard output;\n"+
		"the node keeps only its SHA-256. Scopes: "+scopeNames()+".")
	db := fs.String("db", DefaultDB, "database URL")
	user := fs.String("user", "", "the owner; the token acts with the owner's role (required)")
	scopes := fs.String("scope", "", "comma-separated scopes (required)")
	ttl := fs.Duration("ttl", DefaultTokenTTL, "lifetime")
	name := fs.String("name", "", "what the token is for")
	auditKey := auditKeyFlag(fs)
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageErr("token create takes no arguments: %q", pos)
	}
	if *user == "" {
		return usageErr("token create needs --user")
	}
	if *ttl <= 0 {
		return atalaya.Errorf(atalaya.EINVALID, "--ttl %v: a token must expire; give a positive lifetime such as 720h", *ttl)
	}
	sc, err := auth.ParseScopes(splitList(*scopes))
	if err != nil {
		return err
	}
	s, as, err := openAccounts(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := as.User(ctx, *user)
	if err != nil {
		return err
	}
	if u.Disabled {
		return atalaya.Errorf(atalaya.EFORBIDDEN, "user %s is disabled; enable them first", u.ID)
	}
	token, t, err := auth.NewAPIToken(rand.Reader, sc, env.Now(), *ttl)
	if err != nil {
		return err
	}
	rec := atalaya.TokenRecord{ID: t.ID, Hash: t.Hash, User: u.ID, Name: *name, Created: t.Created, Expires: t.Expires}
	for _, x := range t.Scopes {
		rec.Scopes = append(rec.Scopes, string(x))
	}
	if err := auditWrite(ctx, env, s, auditKeyPath(*db, *auditKey), atalaya.AuditEntry{Actor: cliActor(), Action: "token.create",
		Object: "token:" + rec.ID + " user:" + u.ID}); err != nil {
		return err
	}
	if err := as.AddToken(ctx, rec); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, token)
	fmt.Fprintf(env.Stderr, "token %s for %s (%s), expires %s; it is shown only now: keep it in a secret store\n",
		rec.ID, u.ID, strings.Join(rec.Scopes, ","), rec.Expires.UTC().Format(time.RFC3339))
	return nil
}

// scopeNames lists the token scopes.
func scopeNames() string {
	var names []string
	for _, s := range auth.Scopes() {
		names = append(names, string(s))
	}
	return strings.Join(names, ", ")
}

func runTokenRevoke(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "token revoke", "ID\n\nRevokes a token for good (ID is the part after atl_, as `token list` shows).")
	db := fs.String("db", DefaultDB, "database URL")
	auditKey := auditKeyFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	id, err := oneID("token revoke", pos)
	if err != nil {
		return err
	}
	if parsed, err := auth.ParseToken(id); err == nil {
		id = parsed // a whole token was pasted
	}
	s, as, err := openAccounts(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	// Look the token up first, so that what is audited is a stored token's
	// id, never a mistyped or pasted secret.
	t, err := as.Token(ctx, id)
	if err != nil {
		return err
	}
	if err := auditWrite(ctx, env, s, auditKeyPath(*db, *auditKey), atalaya.AuditEntry{Actor: cliActor(), Action: "token.revoke",
		Object: "token:" + t.ID + " user:" + t.User}); err != nil {
		return err
	}
	if err := as.RevokeToken(ctx, id, env.Now()); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "revoked token %s\n", id)
	return nil
}

// tokenView is what `token list` shows of a token: never its hash.
type tokenView struct {
	ID       string     `json:"id"`
	User     string     `json:"user"`
	Name     string     `json:"name"`
	Scopes   []string   `json:"scopes"`
	Status   string     `json:"status"` // active, expired or revoked
	Created  time.Time  `json:"created"`
	Expires  *time.Time `json:"expires,omitempty"`
	Revoked  *time.Time `json:"revoked,omitempty"`
	LastUsed *time.Time `json:"last_used,omitempty"`
}

func runTokenList(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "token list", "\n\nThe API tokens, oldest first; never a token or its hash.")
	db := fs.String("db", DefaultDB, "database URL")
	user := fs.String("user", "", "only this user's tokens")
	asJSON := fs.Bool("json", false, "print JSON")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageErr("token list takes no arguments: %q", pos)
	}
	s, as, err := openAccounts(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if *user != "" {
		if _, err := as.User(ctx, *user); err != nil {
			return err
		}
	}
	toks, err := as.Tokens(ctx, *user)
	if err != nil {
		return err
	}
	now := env.Now()
	views := make([]tokenView, 0, len(toks))
	for _, t := range toks {
		v := tokenView{ID: t.ID, User: t.User, Name: t.Name, Scopes: t.Scopes, Status: "active", Created: t.Created,
			Revoked: t.Revoked, LastUsed: t.LastUsed}
		if !t.Expires.IsZero() {
			v.Expires = &t.Expires
			if !now.Before(t.Expires) {
				v.Status = "expired"
			}
		}
		if t.Revoked != nil {
			v.Status = "revoked"
		}
		views = append(views, v)
	}
	if *asJSON {
		return json.NewEncoder(env.Stdout).Encode(views)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tuser\tname\tscopes\tstatus\tcreated\texpires\tlast used")
	for _, v := range views {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.ID, v.User, orDash(oneLine(v.Name)), strings.Join(v.Scopes, ","),
			v.Status, v.Created.Format(time.RFC3339), timeOrDash(v.Expires), timeOrDash(v.LastUsed))
	}
	return tw.Flush()
}

// timeOrDash formats *t, or "-" when it is nil.
func timeOrDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}
