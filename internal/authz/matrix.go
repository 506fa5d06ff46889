package authz

import (
	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
)

// Permission is one capability the policy knows. The list is closed:
// Decide refuses any other value.
type Permission string

// The permissions, in the order of the matrix.
const (
	// PermReadPublished reads published figures and the reference data
	// around them (areas, ICCS, code lists, sources, populations, published
	// releases): what the public sees.
	PermReadPublished Permission = "read:published"
	// PermReadLive reads the current, unpublished figures (view=live), the
	// raw cube of counts and every release (validated and embargoed too).
	PermReadLive Permission = "read:live"
	// PermReadBatches reads batch summaries: files, counts, submitter.
	PermReadBatches Permission = "read:batches"
	// PermReadRejections reads a batch's rejected rows, which hold the raw
	// records: personal data.
	PermReadRejections Permission = "read:rejections"
	// PermUpload uploads a batch of files to a source.
	PermUpload Permission = "upload"
	// PermValidate marks a source's figures for an area and a year as
	// validated.
	PermValidate Permission = "validate"
	// PermPublish publishes a source's figures for an area and a year.
	PermPublish Permission = "publish"
	// PermManageUsers creates and disables accounts and resets their
	// passwords and second factors.
	PermManageUsers Permission = "manage:users"
	// PermManageRoles gives an account its role and a steward its sources.
	PermManageRoles Permission = "manage:roles"
	// PermManageSources adds and changes data sources, profiles and
	// mappings.
	PermManageSources Permission = "manage:sources"
	// PermEditMappings saves a new version of a code list's mapping to
	// ICCS (the portal's mapping editor): admins for any code list,
	// stewards for the code lists their own sources' profiles use.
	PermEditMappings Permission = "edit:mappings"
	// PermManageSettings changes the node's settings (e.g. which roles
	// need a second factor).
	PermManageSettings Permission = "manage:settings"
	// PermAnalyse registers programmes and runs and records their
	// evaluations (the analyses themselves read published figures).
	PermAnalyse Permission = "analyse"
	// PermReadAudit reads the audit log.
	PermReadAudit Permission = "read:audit"
	// PermDeleteAudit deletes audit entries. Nobody has it; it is named so
	// that a request for it is refused with a reason.
	PermDeleteAudit Permission = "delete:audit"
	// PermManageOwnTokens creates and revokes the principal's own API
	// tokens.
	PermManageOwnTokens Permission = "token:own"
	// PermRevokeAnyToken revokes anybody's API token.
	PermRevokeAnyToken Permission = "token:revoke-any"
)

// permInfo describes a permission for reasons and the roles document.
type permInfo struct {
	perm    Permission
	verb    string   // for reasons: "stewards may only <verb> <prep> their own sources"
	prep    string   // "of", "to"
	summary string   // for the document
	scopes  []string // token scopes that cover it; none: tokens never can
	public  bool     // allowed to everyone, tokens included, whatever the scopes
}

// permissions is the closed list, in matrix order. Read-only.
var permissions = []permInfo{
	{PermReadPublished, "read published figures", "of", "published figures, releases and reference data (areas, ICCS, code lists, sources, populations)", nil, true},
	{PermReadLive, "read live figures", "of", "live (unpublished) figures, the raw cube of counts, every release including embargoed ones", scopes(auth.ScopeRead, auth.ScopeReadRestricted), false},
	{PermReadBatches, "see batches", "of", "batch summaries: files, counts of read, accepted, rejected and duplicate rows, submitter", scopes(auth.ScopeRead, auth.ScopeReadRestricted), false},
	{PermReadRejections, "see rejected rows", "of", "a batch's rejected rows, with the raw record (personal data)", scopes(auth.ScopeReadRestricted), false},
	{PermUpload, "upload batches", "to", "upload files to a source (ingest)", scopes(auth.ScopeIngest), false},
	{PermValidate, "validate figures", "of", "mark a source's figures for an area and year as validated", scopes(auth.ScopeApprove), false},
	{PermPublish, "publish figures", "of", "publish a source's figures for an area and year, with an optional embargo", scopes(auth.ScopeApprove), false},
	{PermManageUsers, "manage user accounts", "of", "create and disable accounts, reset passwords and second factors", nil, false},
	{PermManageRoles, "change roles", "of", "give an account its role, and a steward its sources", nil, false},
	{PermManageSources, "manage sources", "of", "add and change sources, profiles and offence-code mappings", nil, false},
	{PermEditMappings, "edit offence-code mappings", "for", "save a new version of a code list's mapping to ICCS (versions are append-only; a reason is required)", nil, false},
	{PermManageSettings, "change the node's settings", "of", "the node's settings, such as which roles need a second factor", nil, false},
	{PermAnalyse, "register programmes and record evaluations", "of", "register public-security programmes and run and record their evaluations (interrupted time series, synthetic control, difference in differences)", nil, false},
	{PermReadAudit, "read audit entries", "of", "read the audit log (object ids, never personal data; the remote address of each action)", scopes(auth.ScopeReadRestricted), false},
	{PermDeleteAudit, "delete audit entries", "of", "delete or change audit entries: nobody, ever", nil, false},
	{PermManageOwnTokens, "create and revoke API tokens", "of", "create and revoke one's own API tokens", nil, false},
	{PermRevokeAnyToken, "revoke other people's API tokens", "of", "revoke anybody's API token (a lost laptop, a person who left)", nil, false},
}

func scopes(ss ...auth.Scope) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// Permissions returns every permission, in the order of the matrix.
func Permissions() []Permission {
	out := make([]Permission, len(permissions))
	for i, p := range permissions {
		out[i] = p.perm
	}
	return out
}

// Valid reports whether p is a known permission.
func (p Permission) Valid() bool {
	_, ok := lookupPermission(p)
	return ok
}

// Scopes returns the API token scopes that cover p: a token needs one of
// them. It is empty for permissions no token may use (managing users and
// tokens) and for public reads, which need no scope.
func (p Permission) Scopes() []string {
	info, _ := lookupPermission(p)
	return append([]string(nil), info.scopes...)
}

func lookupPermission(p Permission) (permInfo, bool) {
	for _, info := range permissions {
		if info.perm == p {
			return info, true
		}
	}
	return permInfo{}, false
}

// Cond is the condition under which a role holds a permission. The zero
// value grants nothing.
type Cond string

// The conditions.
const (
	// No: never.
	No Cond = "no"
	// Yes: on any object.
	Yes Cond = "yes"
	// OwnSources: only on objects of one of the principal's sources
	// (Object.Source in Principal.Sources).
	OwnSources Cond = "own sources"
	// Own: only on objects the principal owns (Object.Owner ==
	// Principal.User): their own tokens, audit entries of their own
	// actions.
	Own Cond = "own"
	// OthersOnly: only on another account (Object.User != Principal.User),
	// so that nobody changes their own role.
	OthersOnly Cond = "others only"
)

// Rule is one cell of the matrix: what role holds perm, under which
// condition.
type Rule struct {
	Role atalaya.Role
	Perm Permission
	Cond Cond
}

// grants is the matrix: for each permission, the condition per role, in the
// order of atalaya.Roles() (public, steward, analyst, approver, admin).
// Read-only.
var grants = map[Permission][5]Cond{
	PermReadPublished:   {Yes, Yes, Yes, Yes, Yes},
	PermReadLive:        {No, No, Yes, Yes, Yes},
	PermReadBatches:     {No, OwnSources, Yes, Yes, Yes},
	PermReadRejections:  {No, OwnSources, No, No, No},
	PermUpload:          {No, OwnSources, No, No, No},
	PermValidate:        {No, No, No, Yes, No},
	PermPublish:         {No, No, No, Yes, No},
	PermManageUsers:     {No, No, No, No, Yes},
	PermManageRoles:     {No, No, No, No, OthersOnly},
	PermManageSources:   {No, No, No, No, Yes},
	PermEditMappings:    {No, OwnSources, No, No, Yes},
	PermManageSettings:  {No, No, No, No, Yes},
	PermAnalyse:         {No, No, Yes, Yes, Yes},
	PermReadAudit:       {No, Own, Own, Yes, Yes},
	PermDeleteAudit:     {No, No, No, No, No},
	PermManageOwnTokens: {No, Own, Own, Own, Own},
	PermRevokeAnyToken:  {No, No, No, No, Yes},
}

// cond returns the matrix's condition for role and perm; "" (nothing) for
// unknown values.
func cond(role atalaya.Role, perm Permission) Cond {
	row, ok := grants[perm]
	if !ok {
		return ""
	}
	for i, r := range atalaya.Roles() {
		if r == role && i < len(row) {
			return row[i]
		}
	}
	return ""
}

// Matrix returns every cell of the policy, role × permission, in the order
// of atalaya.Roles() within Permissions(). Cells that grant nothing are
// included, with No, so that the table is complete.
func Matrix() []Rule {
	var out []Rule
	for _, perm := range Permissions() {
		for _, role := range atalaya.Roles() {
			out = append(out, Rule{Role: role, Perm: perm, Cond: cond(role, perm)})
		}
	}
	return out
}
