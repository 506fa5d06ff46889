package authz

import (
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
)

// FuzzDecide feeds Decide arbitrary strings: it must never allow an unknown
// role or permission, never allow deleting audit entries, never give more
// to a disabled account or a token than the policy says, and always give a
// reason.
func FuzzDecide(f *testing.F) {
	f.Add("u:1", "admin", "manage:users", "mx-sesnsp", "u:1", "u:2", "", false, false)
	f.Add("u:7", "steward", "read:rejections", "mx-sesnsp", "mx-sesnsp", "", "read:restricted", false, true)
	f.Add("", "public", "read:published", "", "", "", "", false, false)
	f.Add("u:1", "admin", "delete:audit", "", "", "", "read:restricted", false, true)
	f.Add("u:1", "Admin", "MANAGE:USERS", "", "", "", "", false, false)
	f.Add("u:1", "admin ", "*", "", "", "", "", true, false)
	f.Fuzz(func(t *testing.T, user, role, perm, sources, source, owner, scopes string, disabled, viaToken bool) {
		p := Principal{User: user, Role: atalaya.Role(role), Disabled: disabled}
		if sources != "" {
			p.Sources = strings.Split(sources, ",")
		}
		if viaToken {
			p.Scopes = strings.Split(scopes, ",")
		}
		obj := Object{Kind: "batch", ID: "1", Source: source, Owner: owner, User: owner}
		d := Decide(p, Permission(perm), obj)
		if d.Reason == "" {
			t.Errorf("no reason for %+v %q", p, perm)
		}
		if !d.Allowed {
			return
		}
		if !p.Role.Valid() {
			t.Fatalf("allowed unknown role %q to %q: %s", role, perm, d.Reason)
		}
		if !Permission(perm).Valid() {
			t.Fatalf("allowed unknown permission %q: %s", perm, d.Reason)
		}
		c := cond(p.Role, Permission(perm))
		switch {
		case perm == string(PermDeleteAudit):
			t.Fatalf("allowed %q to delete audit entries", role)
		case c == No:
			t.Fatalf("allowed %s %s, which the matrix refuses: %s", role, perm, d.Reason)
		case disabled && perm != string(PermReadPublished):
			t.Fatalf("allowed a disabled %s to %s", role, perm)
		case c == OwnSources && (source == "" || !strings.Contains(","+sources+",", ","+source+",")):
			t.Fatalf("allowed %s on source %q outside %q", perm, source, sources)
		case (c == Own) && (user == "" || owner != user):
			t.Fatalf("allowed %s on %q's object to %q", perm, owner, user)
		case (c == OthersOnly) && (user == "" || owner == user):
			t.Fatalf("allowed %s on own account %q", perm, user)
		}
		if viaToken && perm != string(PermReadPublished) {
			ok := false
			for _, s := range Permission(perm).Scopes() {
				ok = ok || strings.Contains(","+scopes+",", ","+s+",")
			}
			if !ok {
				t.Fatalf("allowed %s to a token with scopes %q", perm, scopes)
			}
		}
	})
}
