package cli

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
	"golang.org/x/term"
)

// totpIssuer names the node in authenticator apps.
const totpIssuer = "Atalaya"

// runUser dispatches the user subcommands.
func runUser(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageErr("user needs a subcommand: add, passwd, disable, enable, list or totp")
	}
	switch args[0] {
	case "add":
		return runUserAdd(ctx, env, args[1:])
	case "passwd":
		return runUserPasswd(ctx, env, args[1:])
	case "disable":
		return runUserSetDisabled(ctx, env, args[1:], true)
	case "enable":
		return runUserSetDisabled(ctx, env, args[1:], false)
	case "list":
		return runUserList(ctx, env, args[1:])
	case "totp":
		return runUserTOTP(ctx, env, args[1:])
	}
	return usageErr("user %q: use add, passwd, disable, enable, list or totp", args[0])
}

// openAccounts opens the store at url as an AccountStore; close closes it.
func openAccounts(ctx context.Context, env *Env, url string) (s atalaya.Store, as atalaya.AccountStore, err error) {
	s, err = OpenStore(ctx, url, env.Now)
	if err != nil {
		return nil, nil, err
	}
	as, ok := s.(atalaya.AccountStore)
	if !ok {
		s.Close()
		return nil, nil, atalaya.Errorf(atalaya.EINVALID, "the %s backend keeps no accounts", s.Backend())
	}
	return s, as, nil
}

// oneID returns the single positional argument of a subcommand.
func oneID(name string, pos []string) (string, error) {
	if len(pos) != 1 {
		return "", usageErr("%s takes one ID (got %d arguments)", name, len(pos))
	}
	return pos[0], nil
}

// roleNames lists the roles a user can have.
func roleNames() string {
	var names []string
	for _, r := range atalaya.Roles() {
		if r != atalaya.RolePublic {
			names = append(names, string(r))
		}
	}
	return strings.Join(names, ", ")
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func runUserAdd(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "user add", "ID\n\nCreates an account. The password is read from standard input with --password-stdin\n"+
		"(its first line), or asked for without echo in a terminal; it must pass the password policy.")
	db := fs.String("db", DefaultDB, "database URL")
	role := fs.String("role", "", "the role: "+roleNames()+" (required)")
	name := fs.String("name", "", "display name (default: the ID)")
	sources := fs.String("source", "", "stewards: the source ids they upload to, comma-separated")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	requireTOTP := fs.Bool("require-totp", false, "require a TOTP second factor (enrol it with `user totp ID`)")
	auditKey := auditKeyFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	id, err := oneID("user add", pos)
	if err != nil {
		return err
	}
	u := atalaya.User{ID: id, Name: *name, Role: atalaya.Role(*role), Sources: splitList(*sources), TOTPRequired: *requireTOTP}
	if u.Name == "" {
		u.Name = id
	}
	switch {
	case *role == "":
		return usageErr("user add needs --role (%s)", roleNames())
	case !u.Role.Valid() || u.Role == atalaya.RolePublic:
		return atalaya.Errorf(atalaya.EINVALID, "unknown role %q: use %s", *role, roleNames())
	case u.Role == atalaya.RoleSteward && len(u.Sources) == 0:
		return atalaya.Errorf(atalaya.EINVALID, "a steward needs --source with the ids of the sources they upload to")
	}
	if err := u.Validate(); err != nil {
		return err
	}
	s, as, err := openAccounts(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	for _, src := range u.Sources {
		if _, err := s.Source(ctx, src); atalaya.ErrorCode(err) == atalaya.ENOTFOUND {
			return atalaya.Errorf(atalaya.EINVALID, "unknown source %q (see `atalaya ingest` and the sources of the API)", src)
		} else if err != nil {
			return err
		}
	}
	if _, err := as.User(ctx, id); err == nil {
		return atalaya.Errorf(atalaya.ECONFLICT, "user %s already exists (change it with `user passwd`, `user disable`)", id)
	}
	if u.PasswordHash, err = newPasswordHash(env, id, *fromStdin); err != nil {
		return err
	}
	if err := auditWrite(ctx, env, s, auditKeyPath(*db, *auditKey), atalaya.AuditEntry{Actor: cliActor(), Action: "user.add",
		Object: "user:" + id + " role:" + string(u.Role)}); err != nil {
		return err
	}
	if err := as.PutUser(ctx, u, true); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "added user %s (%s)\n", id, u.Role)
	return nil
}

func runUserPasswd(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "user passwd", "ID\n\nSets a new password and ends the user's sessions.")
	db := fs.String("db", DefaultDB, "database URL")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	auditKey := auditKeyFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	id, err := oneID("user passwd", pos)
	if err != nil {
		return err
	}
	s, as, err := openAccounts(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := as.User(ctx, id); err != nil {
		return err
	}
	phc, err := newPasswordHash(env, id, *fromStdin)
	if err != nil {
		return err
	}
	if err := auditWrite(ctx, env, s, auditKeyPath(*db, *auditKey), atalaya.AuditEntry{Actor: cliActor(), Action: "user.passwd", Object: "user:" + id}); err != nil {
		return err
	}
	if err := as.SetPassword(ctx, id, phc); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "changed the password of %s and ended their sessions\n", id)
	return nil
}

// newPasswordHash reads a password for the user id, checks it against the
// policy and returns its argon2id hash.
func newPasswordHash(env *Env, id string, fromStdin bool) (string, error) {
	pw, err := readPassword(env, id, fromStdin)
	if err != nil {
		return "", err
	}
	if err := auth.CheckPasswordPolicy(pw, id); err != nil {
		return "", err
	}
	return auth.HashPassword(rand.Reader, pw, auth.DefaultParams())
}

// readPassword reads the first line of standard input (fromStdin), or
// asks twice without echo when standard input is a terminal.
func readPassword(env *Env, id string, fromStdin bool) (string, error) {
	if fromStdin {
		// Enough for the longest password the policy allows, in any script.
		line, err := bufio.NewReader(io.LimitReader(env.Stdin, 4*auth.MaxPasswordLen+2)).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", fmt.Errorf("read password: %w", err)
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if line == "" {
			return "", atalaya.Errorf(atalaya.EINVALID, "no password on standard input")
		}
		return line, nil
	}
	f, ok := env.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", usageErr("no terminal to ask for the password: use --password-stdin and write it to standard input")
	}
	ask := func(prompt string) (string, error) {
		fmt.Fprint(env.Stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(b), nil
	}
	pw, err := ask("Password for " + id + ": ")
	if err != nil {
		return "", err
	}
	again, err := ask("Again: ")
	if err != nil {
		return "", err
	}
	if pw != again {
		return "", atalaya.Errorf(atalaya.EINVALID, "the two passwords differ")
	}
	return pw, nil
}

func runUserSetDisabled(ctx context.Context, env *Env, args []string, disabled bool) error {
	name, help := "user enable", "ID\n\nLets a disabled user sign in again; their tokens work again."
	if disabled {
		name, help = "user disable", "ID\n\nStops a user from signing in and ends their sessions; their tokens are refused\n"+
			"while the user is disabled (revoke them with `token revoke`)."
	}
	fs := newFlags(env, name, help)
	db := fs.String("db", DefaultDB, "database URL")
	auditKey := auditKeyFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	id, err := oneID(name, pos)
	if err != nil {
		return err
	}
	s, as, err := openAccounts(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := as.User(ctx, id); err != nil { // no audit entry for a user that does not exist
		return err
	}
	if err := auditWrite(ctx, env, s, auditKeyPath(*db, *auditKey), atalaya.AuditEntry{Actor: cliActor(),
		Action: strings.ReplaceAll(name, " ", "."), Object: "user:" + id}); err != nil {
		return err
	}
	if err := as.SetDisabled(ctx, id, disabled); err != nil {
		return err
	}
	if disabled {
		fmt.Fprintf(env.Stdout, "disabled %s and ended their sessions\n", id)
	} else {
		fmt.Fprintf(env.Stdout, "enabled %s\n", id)
	}
	return nil
}

// userView is what `user list` shows of a user: never a hash or secret.
type userView struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Role         string    `json:"role"`
	Sources      []string  `json:"sources"`
	TOTP         bool      `json:"totp"` // a TOTP key is enrolled
	TOTPRequired bool      `json:"totp_required"`
	Disabled     bool      `json:"disabled"`
	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`
}

func runUserList(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "user list", "\n\nThe accounts, by id; no hash or secret is shown.")
	db := fs.String("db", DefaultDB, "database URL")
	asJSON := fs.Bool("json", false, "print JSON")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageErr("user list takes no arguments: %q", pos)
	}
	s, as, err := openAccounts(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	users, err := as.Users(ctx)
	if err != nil {
		return err
	}
	views := make([]userView, 0, len(users))
	for _, u := range users {
		src := u.Sources
		if src == nil {
			src = []string{}
		}
		views = append(views, userView{ID: u.ID, Name: u.Name, Role: string(u.Role), Sources: src, TOTP: len(u.TOTPSecret) > 0,
			TOTPRequired: u.TOTPRequired, Disabled: u.Disabled, Created: u.Created, Updated: u.Updated})
	}
	if *asJSON {
		return json.NewEncoder(env.Stdout).Encode(views)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tname\trole\tsources\ttotp\tstatus\tcreated")
	for _, v := range views {
		totp := "-"
		switch {
		case v.TOTP:
			totp = "enrolled"
		case v.TOTPRequired:
			totp = "required"
		}
		status := "active"
		if v.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.ID, oneLine(v.Name), v.Role, orDash(strings.Join(v.Sources, ",")),
			totp, status, v.Created.Format(time.RFC3339))
	}
	return tw.Flush()
}

// orDash returns s, or "-" when it is empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func runUserTOTP(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "user totp", "ID\n\nEnrols a new TOTP key (RFC 6238) for the user and prints its otpauth:// URI once,\n"+
		"for an authenticator app (as a QR code or typed in). Sign-in then asks for a code.")
	db := fs.String("db", DefaultDB, "database URL")
	reset := fs.Bool("reset", false, "replace a key the user already has")
	auditKey := auditKeyFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	id, err := oneID("user totp", pos)
	if err != nil {
		return err
	}
	s, as, err := openAccounts(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := as.User(ctx, id)
	if err != nil {
		return err
	}
	if len(u.TOTPSecret) > 0 && !*reset {
		return atalaya.Errorf(atalaya.ECONFLICT, "user %s already has a TOTP key; --reset replaces it", id)
	}
	secret, err := auth.GenerateTOTPSecret(rand.Reader)
	if err != nil {
		return err
	}
	u.TOTPSecret, u.TOTPLastStep = secret, 0
	if err := auditWrite(ctx, env, s, auditKeyPath(*db, *auditKey), atalaya.AuditEntry{Actor: cliActor(), Action: "user.totp", Object: "user:" + id}); err != nil {
		return err
	}
	if err := as.PutUser(ctx, u, false); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, auth.NewTOTP(secret).KeyURI(totpIssuer, id))
	fmt.Fprintf(env.Stderr, "TOTP key enrolled for %s; the URI above is shown only now\n", id)
	return nil
}
