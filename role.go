package atalaya

// Role is what a signed-in person may do on a node. Permissions are checked
// per object as well as per route, and anything not granted is denied.
type Role string

// The roles, from least to most trusted. Nobody, not even an admin, can
// delete audit entries.
const (
	// RolePublic is everyone who has not signed in: published figures only.
	RolePublic Role = "public"
	// RoleSteward is a data steward: uploads to their own sources and sees
	// their own batches and rejected rows, never another source's.
	RoleSteward Role = "steward"
	// RoleAnalyst reads everything that is not personal data and runs
	// analyses.
	RoleAnalyst Role = "analyst"
	// RoleApprover validates and publishes figures.
	RoleApprover Role = "approver"
	// RoleAdmin manages users, roles, sources and settings, but cannot
	// delete audit entries.
	RoleAdmin Role = "admin"
)

// Roles returns every role, from least to most trusted.
func Roles() []Role {
	return []Role{RolePublic, RoleSteward, RoleAnalyst, RoleApprover, RoleAdmin}
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RolePublic, RoleSteward, RoleAnalyst, RoleApprover, RoleAdmin:
		return true
	}
	return false
}
