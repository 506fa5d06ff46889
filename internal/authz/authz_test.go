package authz

import (
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya"
)

// principals, one per role, in the order of atalaya.Roles().
func principals() []Principal {
	return []Principal{
		Anonymous(),
		{User: "u:steward", Role: atalaya.RoleSteward, Sources: []string{"mx-sesnsp"}},
		{User: "u:analyst", Role: atalaya.RoleAnalyst},
		{User: "u:approver", Role: atalaya.RoleApprover},
		{User: "u:admin", Role: atalaya.RoleAdmin},
	}
}

// mine is an object every condition accepts for principal p: of the
// steward's source, owned by p, about another account.
func mine(p Principal) Object {
	return Object{Kind: "batch", ID: "12", Source: "mx-sesnsp", Owner: p.User, User: "u:someone-else"}
}

// foreign is an object no condition accepts: another source, another
// owner, p's own account.
func foreign(p Principal) Object {
	return Object{Kind: "batch", ID: "13", Source: "us-lapd", Owner: "u:someone-else", User: p.User}
}

// TestDecideEveryCell checks every role × permission, once on an object the
// role's conditions accept and once on one they refuse. The expectations
// are written out here, not derived from the matrix.
func TestDecideEveryCell(t *testing.T) {
	//                 public steward analyst approver admin
	tests := []struct {
		perm    Permission
		mine    [5]bool
		foreign [5]bool
	}{
		{PermReadPublished, [5]bool{true, true, true, true, true}, [5]bool{true, true, true, true, true}},
		{PermReadLive, [5]bool{false, false, true, true, true}, [5]bool{false, false, true, true, true}},
		{PermReadBatches, [5]bool{false, true, true, true, true}, [5]bool{false, false, true, true, true}},
		{PermReadRejections, [5]bool{false, true, false, false, false}, [5]bool{false, false, false, false, false}},
		{PermUpload, [5]bool{false, true, false, false, false}, [5]bool{false, false, false, false, false}},
		{PermValidate, [5]bool{false, false, false, true, false}, [5]bool{false, false, false, true, false}},
		{PermPublish, [5]bool{false, false, false, true, false}, [5]bool{false, false, false, true, false}},
		{PermManageUsers, [5]bool{false, false, false, false, true}, [5]bool{false, false, false, false, true}},
		{PermManageRoles, [5]bool{false, false, false, false, true}, [5]bool{false, false, false, false, false}},
		{PermManageSources, [5]bool{false, false, false, false, true}, [5]bool{false, false, false, false, true}},
		{PermEditMappings, [5]bool{false, true, false, false, true}, [5]bool{false, false, false, false, true}},
		{PermManageSettings, [5]bool{false, false, false, false, true}, [5]bool{false, false, false, false, true}},
		{PermAnalyse, [5]bool{false, false, true, true, true}, [5]bool{false, false, true, true, true}},
		{PermReadAudit, [5]bool{false, true, true, true, true}, [5]bool{false, false, false, true, true}},
		{PermDeleteAudit, [5]bool{false, false, false, false, false}, [5]bool{false, false, false, false, false}},
		{PermManageOwnTokens, [5]bool{false, true, true, true, true}, [5]bool{false, false, false, false, false}},
		{PermRevokeAnyToken, [5]bool{false, false, false, false, true}, [5]bool{false, false, false, false, true}},
	}
	if len(tests) != len(Permissions()) {
		t.Fatalf("the test covers %d permissions; the policy has %d", len(tests), len(Permissions()))
	}
	for i, tt := range tests {
		if Permissions()[i] != tt.perm {
			t.Fatalf("row %d is %s; the policy's permission %d is %s", i, tt.perm, i, Permissions()[i])
		}
		for j, p := range principals() {
			for _, c := range []struct {
				name string
				obj  Object
				want bool
			}{{"mine", mine(p), tt.mine[j]}, {"foreign", foreign(p), tt.foreign[j]}} {
				d := Decide(p, tt.perm, c.obj)
				if d.Allowed != c.want {
					t.Errorf("Decide(%s, %s, %s object) = %v (%s); want %v", p.Role, tt.perm, c.name, d.Allowed, d.Reason, c.want)
				}
				if d.Reason == "" {
					t.Errorf("Decide(%s, %s, %s object) gives no reason", p.Role, tt.perm, c.name)
				}
			}
		}
	}
}

func TestMatrixComplete(t *testing.T) {
	m := Matrix()
	if got, want := len(m), len(atalaya.Roles())*len(Permissions()); got != want {
		t.Fatalf("Matrix() has %d cells; want %d (every role × permission)", got, want)
	}
	seen := map[Rule]bool{}
	for _, r := range m {
		switch r.Cond {
		case No, Yes, OwnSources, Own, OthersOnly:
		default:
			t.Errorf("cell %s × %s has condition %q", r.Role, r.Perm, r.Cond)
		}
		if r.Perm == PermDeleteAudit && r.Cond != No {
			t.Errorf("%s holds delete:audit (%s); nobody may", r.Role, r.Cond)
		}
		if r.Role == atalaya.RolePublic && r.Perm != PermReadPublished && r.Cond != No {
			t.Errorf("the public holds %s (%s)", r.Perm, r.Cond)
		}
		seen[Rule{Role: r.Role, Perm: r.Perm}] = true
	}
	if len(seen) != len(m) {
		t.Errorf("Matrix() repeats cells")
	}
	for perm := range grants {
		if !perm.Valid() {
			t.Errorf("the matrix has a row for unknown permission %q", perm)
		}
	}
}

func TestObjectLevel(t *testing.T) {
	steward := Principal{User: "u:7", Role: atalaya.RoleSteward, Sources: []string{"mx-sesnsp"}}
	twoSources := Principal{User: "u:8", Role: atalaya.RoleSteward, Sources: []string{"mx-sesnsp", "mx-fge-cdmx"}}
	noSources := Principal{User: "u:9", Role: atalaya.RoleSteward}
	analyst := Principal{User: "u:3", Role: atalaya.RoleAnalyst}
	admin := Principal{User: "u:1", Role: atalaya.RoleAdmin}
	otherAdmin := Principal{User: "u:2", Role: atalaya.RoleAdmin}
	tests := []struct {
		name   string
		p      Principal
		perm   Permission
		obj    Object
		want   bool
		reason string // a part of the reason
	}{
		{"steward, own batch", steward, PermReadBatches, Object{Kind: "batch", ID: "12", Source: "mx-sesnsp"}, true, "batch 12 belongs to mx-sesnsp"},
		{"steward, another source's batch", steward, PermReadBatches, Object{Kind: "batch", ID: "12", Source: "us-lapd"},
			false, "stewards may only see batches of their own sources (mx-sesnsp); batch 12 belongs to us-lapd"},
		{"steward changes the id to another source's rejections", steward, PermReadRejections, Object{Kind: "batch", ID: "13", Source: "us-lapd"},
			false, "see rejected rows of their own sources (mx-sesnsp); batch 13 belongs to us-lapd"},
		{"steward, own rejections", steward, PermReadRejections, Object{Kind: "batch", ID: "12", Source: "mx-sesnsp"}, true, ""},
		{"steward, source named only by case", steward, PermReadBatches, Object{Kind: "batch", ID: "12", Source: "MX-SESNSP"}, false, "belongs to MX-SESNSP"},
		{"steward, batch of unknown source", steward, PermReadRejections, Object{Kind: "batch", ID: "12"}, false, "name the source of batch 12"},
		{"steward with two sources, the second", twoSources, PermUpload, Object{Kind: "source", ID: "mx-fge-cdmx", Source: "mx-fge-cdmx"}, true, ""},
		{"steward uploads to another source", twoSources, PermUpload, Object{Kind: "source", ID: "us-lapd", Source: "us-lapd"},
			false, "upload batches to their own sources (mx-sesnsp, mx-fge-cdmx)"},
		{"steward without sources", noSources, PermUpload, Object{Kind: "source", ID: "mx-sesnsp", Source: "mx-sesnsp"}, false, "none assigned"},
		{"analyst, any batch", analyst, PermReadBatches, Object{Kind: "batch", ID: "13", Source: "us-lapd"}, true, ""},
		{"analyst, rejected rows", analyst, PermReadRejections, Object{Kind: "batch", ID: "12", Source: "mx-sesnsp"}, false, "analysts may not see rejected rows"},
		{"user revokes own token", analyst, PermManageOwnTokens, Object{Kind: "token", ID: "abc", Owner: "u:3"}, true, ""},
		{"user revokes another user's token", analyst, PermManageOwnTokens, Object{Kind: "token", ID: "abc", Owner: "u:7"},
			false, "token abc belongs to u:7, not u:3"},
		{"token of unknown owner", analyst, PermManageOwnTokens, Object{Kind: "token", ID: "abc"}, false, "owner of token abc is not known"},
		{"anonymous-like user id matches empty owner", Principal{Role: atalaya.RoleAnalyst}, PermManageOwnTokens, Object{Kind: "token", ID: "abc"}, false, ""},
		{"steward revokes another user's token via revoke-any", steward, PermRevokeAnyToken, Object{Kind: "token", ID: "abc", Owner: "u:3"}, false, ""},
		{"admin revokes another user's token", admin, PermRevokeAnyToken, Object{Kind: "token", ID: "abc", Owner: "u:3"}, true, ""},
		{"admin deletes audit entries", admin, PermDeleteAudit, Object{Kind: "audit", ID: "7"}, false, "not even an admin"},
		{"admin changes own role", admin, PermManageRoles, Object{Kind: "user", ID: "u:1", User: "u:1"}, false, "another admin must do it"},
		{"another admin changes it", otherAdmin, PermManageRoles, Object{Kind: "user", ID: "u:1", User: "u:1"}, true, ""},
		{"admin changes a role of nobody named", admin, PermManageRoles, Object{}, false, "not known"},
		{"analyst reads own audit entries", analyst, PermReadAudit, Object{Kind: "audit", Owner: "u:3"}, true, ""},
		{"analyst reads the whole audit log", analyst, PermReadAudit, Object{Kind: "audit"}, false, ""},
		{"approver reads the whole audit log", Principal{User: "u:4", Role: atalaya.RoleApprover}, PermReadAudit, Object{Kind: "audit"}, true, ""},
		{"admin publishes", admin, PermPublish, Object{Kind: "release", Source: "mx-sesnsp"}, false, "admins may not publish figures"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(tt.p, tt.perm, tt.obj)
			if d.Allowed != tt.want || !strings.Contains(d.Reason, tt.reason) {
				t.Errorf("Decide = %v %q; want %v, reason containing %q", d.Allowed, d.Reason, tt.want, tt.reason)
			}
		})
	}
}

func TestTokenScopes(t *testing.T) {
	steward := func(scopes ...string) Principal {
		if scopes == nil {
			scopes = []string{}
		}
		return Principal{User: "u:7", Role: atalaya.RoleSteward, Sources: []string{"mx-sesnsp"}, Scopes: scopes}
	}
	admin := func(scopes ...string) Principal {
		return Principal{User: "u:1", Role: atalaya.RoleAdmin, Scopes: scopes}
	}
	approver := func(scopes ...string) Principal {
		return Principal{User: "u:4", Role: atalaya.RoleApprover, Scopes: scopes}
	}
	own := Object{Kind: "batch", ID: "12", Source: "mx-sesnsp", Owner: "u:7"}
	tests := []struct {
		name   string
		p      Principal
		perm   Permission
		obj    Object
		want   bool
		reason string
	}{
		{"ingest token uploads", steward("ingest"), PermUpload, own, true, ""},
		{"ingest token reads published", steward("ingest"), PermReadPublished, own, true, ""},
		{"ingest token reads batches", steward("ingest"), PermReadBatches, own, false, "scopes (ingest) do not include read or read:restricted"},
		{"ingest token reads rejections", steward("ingest"), PermReadRejections, own, false, "read:restricted"},
		{"read token reads batches", steward("read"), PermReadBatches, own, true, ""},
		{"read token reads rejections", steward("read"), PermReadRejections, own, false, ""},
		{"restricted token reads rejections", steward("read:restricted"), PermReadRejections, own, true, ""},
		{"restricted token, another source", steward("read:restricted"), PermReadRejections, Object{Kind: "batch", ID: "13", Source: "us-lapd"}, false, "belongs to us-lapd"},
		{"token with no scopes", steward(), PermUpload, own, false, "scopes (none)"},
		{"token with no scopes reads published", steward(), PermReadPublished, own, true, ""},
		{"token with an unknown scope", steward("admin", "*"), PermUpload, own, false, ""},
		{"token cannot make tokens", steward("ingest", "read", "read:restricted", "approve"), PermManageOwnTokens, own, false, "an API token cannot create and revoke API tokens"},
		{"admin's ingest token uploads", admin("ingest"), PermUpload, own, false, "admins may not upload"},
		{"admin's ingest token manages users", admin("ingest"), PermManageUsers, Object{User: "u:9"}, false, "sign in"},
		{"admin's ingest token revokes tokens", admin("ingest"), PermRevokeAnyToken, Object{Owner: "u:9"}, false, ""},
		{"admin's ingest token reads live", admin("ingest"), PermReadLive, Object{}, false, ""},
		{"admin's read token reads live", admin("read"), PermReadLive, Object{}, true, ""},
		{"admin's restricted token reads audit", admin("read:restricted"), PermReadAudit, Object{}, true, ""},
		{"admin's restricted token deletes audit", admin("read:restricted", "approve", "ingest", "read"), PermDeleteAudit, Object{}, false, "nobody"},
		{"approver's approve token publishes", approver("approve"), PermPublish, Object{Kind: "release", Source: "mx-sesnsp"}, true, ""},
		{"approver's approve token validates", approver("approve"), PermValidate, Object{Kind: "release", Source: "mx-sesnsp"}, true, ""},
		{"approver's read token publishes", approver("read"), PermPublish, Object{Kind: "release", Source: "mx-sesnsp"}, false, "approve"},
		{"steward's approve token publishes", steward("approve"), PermPublish, own, false, "stewards may not publish"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(tt.p, tt.perm, tt.obj)
			if d.Allowed != tt.want || !strings.Contains(d.Reason, tt.reason) {
				t.Errorf("Decide = %v %q; want %v, reason containing %q", d.Allowed, d.Reason, tt.want, tt.reason)
			}
		})
	}
}

// TestDisabledAnonymousUnknown: disabled accounts keep public reads only,
// the public has nothing else, and unknown values grant nothing.
func TestDisabledAnonymousUnknown(t *testing.T) {
	for _, p := range principals() {
		disabled := p
		disabled.Disabled = true
		for _, perm := range Permissions() {
			d := Decide(disabled, perm, mine(disabled))
			if want := perm == PermReadPublished; d.Allowed != want {
				t.Errorf("disabled %s, %s: %v (%s); want %v", p.Role, perm, d.Allowed, d.Reason, want)
			}
			if perm != PermReadPublished && perm != PermDeleteAudit && p.User != "" && !strings.Contains(d.Reason, "is disabled") {
				t.Errorf("disabled %s, %s: reason %q does not say the account is disabled", p.Role, perm, d.Reason)
			}
		}
	}
	for _, perm := range Permissions() {
		if d := Decide(Anonymous(), perm, Object{}); d.Allowed != (perm == PermReadPublished) {
			t.Errorf("Decide(Anonymous(), %s) = %v (%s)", perm, d.Allowed, d.Reason)
		}
	}
	tests := []struct {
		name string
		p    Principal
		perm Permission
	}{
		{"zero principal", Principal{}, PermReadPublished},
		{"unknown role", Principal{User: "u:1", Role: "superuser"}, PermReadPublished},
		{"role in capitals", Principal{User: "u:1", Role: "ADMIN"}, PermManageUsers},
		{"unknown permission", Principal{User: "u:1", Role: atalaya.RoleAdmin}, "manage:everything"},
		{"empty permission", Principal{User: "u:1", Role: atalaya.RoleAdmin}, ""},
		{"permission with a space", Principal{User: "u:1", Role: atalaya.RoleAdmin}, "manage:users "},
		{"wildcard permission", Principal{User: "u:1", Role: atalaya.RoleAdmin}, "*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := Decide(tt.p, tt.perm, Object{Source: "mx-sesnsp", Owner: "u:1"}); d.Allowed || !strings.Contains(d.Reason, "unknown") {
				t.Errorf("Decide = %v %q; want refused as unknown", d.Allowed, d.Reason)
			}
		})
	}
}

func TestPermissionScopes(t *testing.T) {
	if s := PermReadPublished.Scopes(); len(s) != 0 {
		t.Errorf("read:published needs scopes %v; it is public", s)
	}
	if s := PermUpload.Scopes(); len(s) != 1 || s[0] != "ingest" {
		t.Errorf("upload needs scopes %v; want [ingest]", s)
	}
	PermUpload.Scopes()[0] = "changed"
	if s := PermUpload.Scopes(); s[0] != "ingest" {
		t.Errorf("Scopes() shares the policy's table: changed to %v", s)
	}
	if s := Permission("nope").Scopes(); len(s) != 0 {
		t.Errorf("unknown permission has scopes %v", s)
	}
}

func TestSources(t *testing.T) {
	steward := Principal{User: "u:7", Role: atalaya.RoleSteward, Sources: []string{"mx-sesnsp", "", "mx-sesnsp", "us-lapd"}}
	disabled := steward
	disabled.Disabled = true
	ingestToken := steward
	ingestToken.Scopes = []string{"ingest"}
	tests := []struct {
		name    string
		p       Principal
		perm    Permission
		all     bool
		sources string
	}{
		{"steward's batches", steward, PermReadBatches, false, "mx-sesnsp,us-lapd"},
		{"steward's rejected rows", steward, PermReadRejections, false, "mx-sesnsp,us-lapd"},
		{"steward cannot read live", steward, PermReadLive, false, ""},
		{"disabled steward", disabled, PermReadBatches, false, ""},
		{"steward's ingest token uploads", ingestToken, PermUpload, false, "mx-sesnsp,us-lapd"},
		{"steward's ingest token reads batches", ingestToken, PermReadBatches, false, ""},
		{"analyst", Principal{User: "u:3", Role: atalaya.RoleAnalyst}, PermReadBatches, true, ""},
		{"analyst's rejected rows", Principal{User: "u:3", Role: atalaya.RoleAnalyst, Sources: []string{"mx-sesnsp"}}, PermReadRejections, false, ""},
		{"disabled analyst", Principal{User: "u:3", Role: atalaya.RoleAnalyst, Disabled: true}, PermReadBatches, false, ""},
		{"public reads published", Anonymous(), PermReadPublished, true, ""},
		{"unknown role", Principal{User: "u:3", Role: "root", Sources: []string{"mx-sesnsp"}}, PermReadBatches, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all, sources := Sources(tt.p, tt.perm)
			if all != tt.all || strings.Join(sources, ",") != tt.sources {
				t.Errorf("Sources = %v %q; want %v %q", all, sources, tt.all, tt.sources)
			}
		})
	}
}
