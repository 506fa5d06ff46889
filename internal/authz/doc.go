package authz

import (
	"fmt"
	"strings"

	"github.com/oas-atalaya/atalaya"
)

// roleWords explains each role in plain words, for the roles document.
// Read-only.
var roleWords = []struct {
	role  atalaya.Role
	words string
}{
	{atalaya.RolePublic, "Anyone who has not signed in, and any account that is disabled. Sees published figures and the reference data around them, and nothing else."},
	{atalaya.RoleSteward, "A data steward of a police force, prosecutor's office, forensic or health service or prison system. Uploads that institution's files to the sources an admin assigned to them, and sees those sources' batches and rejected rows, so that they can correct and resend them. Never sees another source's batches or rows, whatever id they type."},
	{atalaya.RoleAnalyst, "Reads everything that is not personal data: live (unpublished) figures, the cube, every release, batch summaries. Does not see rejected rows, which hold the raw records."},
	{atalaya.RoleApprover, "Validates and publishes a source's figures, with the same non-personal reading as an analyst so as to judge them. Cannot upload: whoever sends the data does not also approve it. Reads the whole audit log, as an oversight of the admins."},
	{atalaya.RoleAdmin, "Runs the node: user accounts, roles, sources, settings; revokes anybody's API token. Reads non-personal data and the whole audit log. Cannot change their own role (another admin must), cannot upload, publish or read rejected rows, and cannot delete audit entries: nobody can."},
}

// Doc renders docs/roles.md: the roles in plain words, the matrix, the token
// scopes and the rules Decide applies. A test keeps the file equal to it.
func Doc() string {
	var b strings.Builder
	b.WriteString(`# Roles and permissions

<!-- Generated from internal/authz (matrix.go, doc.go). Do not edit: run
     go test ./internal/authz -run TestRolesDoc -update -->

Every request to a node is made by a **principal**: the public (no sign-in), a signed-in user with
one role, or a script with an API token. ` + "`internal/authz`" + ` decides, per request and per object,
whether the principal may use a **permission** on the object it touches. The policy is **deny by
default**: an unknown role, permission or token scope grants nothing, and anything the table below
does not grant is refused, with a reason a person can understand, for example *stewards may only
see batches of their own sources (mx-sesnsp); batch 12 belongs to us-lapd*.

## The roles

`)
	for _, r := range roleWords {
		b.WriteString(wrap(fmt.Sprintf("- **%s**: %s", r.role, r.words), 100, "  "))
	}
	b.WriteString("\n## The matrix\n\nEach cell says under which condition the role holds the permission.\n\n")
	b.WriteString("| permission | what it allows |")
	for _, r := range atalaya.Roles() {
		fmt.Fprintf(&b, " %s |", r)
	}
	b.WriteString("\n|---|---|")
	for range atalaya.Roles() {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, info := range permissions {
		fmt.Fprintf(&b, "| `%s` | %s |", info.perm, info.summary)
		for _, r := range atalaya.Roles() {
			fmt.Fprintf(&b, " %s |", cell(cond(r, info.perm)))
		}
		b.WriteString("\n")
	}
	b.WriteString(`
Conditions:

- **yes**: on any object.
- **own sources**: only on batches, rejected rows, uploads and code-list mappings of a source
  assigned to the steward; the web layer loads the object first and passes its source, so changing
  an id in a URL does not help.
- **own**: only on the principal's own objects: their own API tokens; for the audit log, entries
  of their own actions.
- **others only**: only on another account: nobody changes their own role, so an admin cannot make
  themselves a steward to read rejected rows without a second admin.
- **no**: never.

## API tokens

A token acts for its owner, but its scopes further restrict the owner's role: a permission needs
the role to hold it **and** one of the scopes below. A token of an admin with the scope ` + "`ingest`" + `
can upload nothing (admins do not upload) and manage nothing (no scope covers it). Published
figures need no scope: they are public anyway.

| permission | token scopes that cover it |
|---|---|
`)
	for _, info := range permissions {
		s := "none: sign in to do it"
		switch {
		case info.public:
			s = "any (public)"
		case info.perm == PermDeleteAudit:
			s = "none: nobody may"
		case len(info.scopes) > 0:
			s = "`" + strings.Join(info.scopes, "` or `") + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s |\n", info.perm, s)
	}
	b.WriteString(`
## The rules, in the order they are applied

1. An unknown permission is refused.
2. ` + "`delete:audit`" + ` is refused for everyone, whatever the matrix says: the audit log is
   append-only and tamper-evident (see [audit.md](audit.md)).
3. An unknown role is refused, including the empty one: build an anonymous request's principal
   with ` + "`authz.Anonymous()`" + `.
4. A disabled account keeps only ` + "`read:published`" + `, like the public.
5. A principal with token scopes needs a scope that covers the permission.
6. The matrix's condition for the role is checked against the object.

## Decisions worth knowing

- **Rejected rows are personal data.** They hold the raw record (victims' ages and sexes,
  places, case numbers). Only the steward of the source sees them, to correct the file; analysts,
  approvers and admins see the batch summaries (counts), which is enough to judge the quality of a
  batch. Every read of rejected rows is audited.
- **Approvers and admins read the whole audit log.** Admins because they run the node; approvers as
  an oversight of the admins, so that what an admin does is seen by someone who is not one.
  Stewards and analysts read the entries of their own actions. Entries hold object ids, never
  personal data. The log's integrity does not depend on who reads it: anyone with the node's
  public key can check its signed checkpoints and inclusion proofs.
- **Who uploads does not publish.** Stewards upload; approvers validate and publish; neither does
  the other's work.
- **Stewards do not read the live cube.** The cube mixes every source; a steward sees their own
  batches' counts instead.
- **Stewards edit the mappings of their own sources.** They know their institution's codes best.
  A code list belongs to the sources whose built-in profiles classify with it; a steward of one of
  those sources may save a new mapping version, an admin may for any code list. Versions are
  append-only and each needs a reason, which the audit log keeps; records keep the version that
  classified them, so a new version changes only the uploads that follow.
`)
	return b.String()
}

func cell(c Cond) string {
	if c == "" {
		return string(No)
	}
	return string(c)
}

// wrap breaks text into lines of at most width bytes at spaces, indenting
// every line after the first, and ends it with a newline.
func wrap(text string, width int, indent string) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(text) {
		switch {
		case i == 0:
		case line+1+len(w) > width:
			b.WriteString("\n" + indent)
			line = len(indent)
		default:
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += len(w)
	}
	b.WriteByte('\n')
	return b.String()
}
