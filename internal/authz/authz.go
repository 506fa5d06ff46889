// Package authz is the node's permission policy: who may do what to which
// object, as data (Matrix) and as one pure decision function (Decide). It
// knows nothing of HTTP or storage: the web layer builds a Principal from the
// session or API token, names the Permission a request needs and the Object
// it touches (after loading it, so that the check is per object and not per
// route), and refuses the request when the Decision says no.
//
// Anything not granted is denied: an unknown role, permission or scope
// grants nothing, and nobody, not even an admin, may delete audit entries.
package authz

import (
	"fmt"
	"slices"
	"strings"

	"github.com/oas-atalaya/atalaya"
)

// Principal is who is asking: a signed-in user, a script with an API token,
// or the anonymous public.
type Principal struct {
	User string       // user id; empty for the public
	Role atalaya.Role // one role per account
	// Sources are the ids of the sources a steward looks after; the other
	// roles do not use them.
	Sources []string
	// Scopes are set when the principal was authenticated by an API token:
	// the token's scopes (auth.Scope names) further restrict the role. nil
	// means a browser session; a non-nil empty list is a token that allows
	// nothing beyond public reads.
	Scopes []string
	// Disabled accounts keep only what the public has.
	Disabled bool
}

// Anonymous is the principal of a request that carries no session and no
// token: the public.
func Anonymous() Principal {
	return Principal{Role: atalaya.RolePublic}
}

// ViaToken reports whether p was authenticated by an API token.
func (p Principal) ViaToken() bool { return p.Scopes != nil }

// Object is what a request touches, with what the object-level checks need.
// Kind and ID name it in reasons ("batch 12"); the other fields are the
// facts the rules compare with the principal.
type Object struct {
	Kind   string // "batch", "release", "source", "token", "audit", "user"…
	ID     string // its id, e.g. "12"
	Source string // the source a batch, its rejected rows, an upload or a release belongs to
	Owner  string // the user who owns a token, or the actor of audit entries
	User   string // the account a user or role change is about
}

// String names the object for a person: "batch 12", "this batch", or "the
// object".
func (o Object) String() string {
	switch {
	case o.Kind != "" && o.ID != "":
		return o.Kind + " " + o.ID
	case o.Kind != "":
		return "this " + o.Kind
	case o.ID != "":
		return "object " + o.ID
	}
	return "the object"
}

// Decision is the answer of Decide, with a reason a person understands,
// fit to show to the user and to write in the audit log.
type Decision struct {
	Allowed bool
	Reason  string
}

func allow(format string, args ...any) Decision {
	return Decision{Allowed: true, Reason: fmt.Sprintf(format, args...)}
}

func deny(format string, args ...any) Decision {
	return Decision{Reason: fmt.Sprintf(format, args...)}
}

// Decide says whether p may use perm on obj. It is deny by default: the
// permission must be known, the role must be known and granted the
// permission by the matrix, the object must satisfy the rule's condition, a
// disabled account keeps only public reads, and a token's scopes must cover
// the permission.
func Decide(p Principal, perm Permission, obj Object) Decision {
	info, ok := lookupPermission(perm)
	if !ok {
		return deny("unknown permission %q: nothing is allowed that the policy does not name", perm)
	}
	if perm == PermDeleteAudit {
		return deny("nobody may delete audit entries, not even an admin: the audit log is append-only and tamper-evident")
	}
	if !p.Role.Valid() {
		return deny("unknown role %q: nothing is allowed", p.Role)
	}
	if p.Disabled && perm != PermReadPublished {
		return deny("the account %s is disabled: it may only read published figures, like the public", who(p))
	}
	if p.ViaToken() && !info.public {
		if len(info.scopes) == 0 {
			return deny("an API token cannot %s; sign in to do it", info.verb)
		}
		if !slices.ContainsFunc(info.scopes, func(s string) bool { return slices.Contains(p.Scopes, s) }) {
			return deny("this API token's scopes (%s) do not include %s, which is needed to %s",
				listOr(p.Scopes, "none"), strings.Join(info.scopes, " or "), info.verb)
		}
	}
	return check(p, perm, info, cond(p.Role, perm), obj)
}

// Sources says on which sources' objects p may use perm, for listings that
// span sources (GET /api/v1/batches without ?source=): all of them, or only
// those listed (none when the list is empty). It applies the same rules as
// Decide, disabled accounts and token scopes included.
func Sources(p Principal, perm Permission) (all bool, sources []string) {
	if cond(p.Role, perm) == Yes && Decide(p, perm, Object{}).Allowed {
		return true, nil
	}
	for _, s := range p.Sources {
		if s != "" && !slices.Contains(sources, s) && Decide(p, perm, Object{Source: s}).Allowed {
			sources = append(sources, s)
		}
	}
	return false, sources
}

// check applies the matrix's condition for p's role and perm to obj.
func check(p Principal, perm Permission, info permInfo, c Cond, obj Object) Decision {
	role := string(p.Role) + "s"
	switch c {
	case Yes:
		return allow("%s may %s", role, info.verb)
	case OwnSources:
		if obj.Source == "" {
			return deny("%s may only %s %s their own sources (%s); name the source of %s", role, info.verb, info.prep, listOr(p.Sources, "none assigned"), obj)
		}
		if !slices.Contains(p.Sources, obj.Source) {
			return deny("%s may only %s %s their own sources (%s); %s belongs to %s", role, info.verb, info.prep, listOr(p.Sources, "none assigned"), obj, obj.Source)
		}
		return allow("%s may %s %s their own sources; %s belongs to %s", role, info.verb, info.prep, obj, obj.Source)
	case Own:
		if p.User == "" || obj.Owner == "" {
			return deny("%s may only %s that are their own; the owner of %s is not known", role, info.verb, obj)
		}
		if obj.Owner != p.User {
			return deny("%s may only %s that are their own; %s belongs to %s, not %s", role, info.verb, obj, obj.Owner, p.User)
		}
		return allow("%s may %s that are their own", role, info.verb)
	case OthersOnly:
		if p.User == "" || obj.User == "" {
			return deny("%s may %s only for a named account other than their own; the account is not known", role, info.verb)
		}
		if obj.User == p.User {
			return deny("%s may not %s for their own account (%s); another %s must do it", role, info.verb, p.User, p.Role)
		}
		return allow("%s may %s for other accounts", role, info.verb)
	case No:
		return deny("%s may not %s", role, info.verb)
	}
	return deny("%s may not %s: no rule grants it", role, info.verb)
}

// who names a principal in reasons.
func who(p Principal) string {
	if p.User == "" {
		return "(anonymous)"
	}
	return p.User
}

// listOr joins xs with commas, or returns none when xs is empty.
func listOr(xs []string, none string) string {
	if len(xs) == 0 {
		return none
	}
	return strings.Join(xs, ", ")
}
