package cli

import (
	"context"
	"fmt"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/web"
)

// runSettings dispatches the settings subcommands.
func runSettings(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageErr("settings needs a subcommand: totp-roles")
	}
	switch args[0] {
	case "totp-roles":
		return runSettingsTOTPRoles(ctx, env, args[1:])
	}
	return usageErr("settings %q: use totp-roles", args[0])
}

// runSettingsTOTPRoles prints or sets the roles that must sign in with a
// TOTP code (the node setting web.TOTPRolesSetting). A change is audited
// as settings.totp_roles with the new value in its object.
func runSettingsTOTPRoles(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "settings totp-roles", "[ROLE,ROLE…|none]\n\n"+
		"Prints the roles whose users must sign in with a TOTP code, or sets them (comma-separated:\n"+
		roleNames()+"; none for none). Sign-in reads the setting every time, so a change applies\n"+
		"from each user's next sign-in; open sessions are kept. A user of such a role without a key\n"+
		"cannot sign in until it is enrolled with `atalaya user totp ID`.")
	db := fs.String("db", DefaultDB, "database URL")
	auditKey := auditKeyFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageErr("settings totp-roles takes one comma-separated list of roles (got %d arguments: %q)", len(pos), pos)
	}
	var roles []atalaya.Role
	if len(pos) == 1 {
		if pos[0] == "" {
			return usageErr("settings totp-roles: give roles (%s) or none", roleNames())
		}
		if roles, err = web.ParseTOTPRoles(pos[0]); err != nil {
			return atalaya.Errorf(atalaya.EINVALID, "%s: use %s, or none", atalaya.ErrorMessage(err), roleNames())
		}
	}
	s, as, err := openAccounts(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	acc := &web.Accounts{Store: as}
	if len(pos) == 0 {
		cur, err := acc.TOTPRequiredRoles(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, orNone(web.FormatTOTPRoles(cur)))
		return nil
	}
	value := web.FormatTOTPRoles(roles)
	if err := auditWrite(ctx, env, s, auditKeyPath(*db, *auditKey), atalaya.AuditEntry{Actor: cliActor(), Action: "settings.totp_roles",
		Object: "setting:" + web.TOTPRolesSetting + "=" + orNone(value)}); err != nil {
		return err
	}
	if err := as.PutSetting(ctx, web.TOTPRolesSetting, []byte(value)); err != nil {
		return err
	}
	if value == "" {
		fmt.Fprintln(env.Stdout, "no role must sign in with a TOTP code now (users whose own account requires one still must)")
		return nil
	}
	fmt.Fprintf(env.Stdout, "from their next sign-in, users of the roles %s must give a TOTP code\n", value)
	users, err := as.Users(ctx)
	if err != nil {
		return err
	}
	want := map[atalaya.Role]bool{}
	for _, r := range roles {
		want[r] = true
	}
	for _, u := range users {
		if want[u.Role] && len(u.TOTPSecret) == 0 && !u.Disabled {
			fmt.Fprintf(env.Stderr, "%s (%s) has no TOTP key and cannot sign in until one is enrolled: atalaya user totp %s\n", u.ID, u.Role, u.ID)
		}
	}
	return nil
}

// orNone returns s, or "none" when it is empty.
func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
