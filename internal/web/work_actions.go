package web

// The actions of the working pages (routes_work.go), besides the API's
// ActionIngest, ActionReadBatches, ActionReadRejections and ActionApprove,
// which the pages reuse. permissions (auth.go) maps each to the policy.
// Changing a role is checked on the account itself (authz.PermManageRoles,
// others only) by the users page, after ActionManageUsers.
const (
	// ActionWork is the working pages' dashboard: any signed-in role that
	// holds a permission beyond public reads.
	ActionWork Action = "work"
	// ActionEditMappings saves a new version of a code list's mapping
	// (object level: the code list's sources).
	ActionEditMappings Action = "edit:mappings"
	// ActionManageUsers lists, adds, disables and enables accounts and
	// resets their passwords.
	ActionManageUsers Action = "manage:users"
	// ActionManageSources lists the node's sources, their profiles and
	// stewards.
	ActionManageSources Action = "manage:sources"
	// ActionManageSettings reads and changes the node's settings.
	ActionManageSettings Action = "manage:settings"
)
