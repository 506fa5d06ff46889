package storetest

import (
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
)

// accountStore returns s as an AccountStore, or fails the test.
func accountStore(t *testing.T, s any) atalaya.AccountStore {
	t.Helper()
	as, ok := s.(atalaya.AccountStore)
	if !ok {
		t.Fatalf("%T does not implement atalaya.AccountStore", s)
	}
	return as
}

// Fixture accounts. The hashes are shapes only: the store never looks
// inside them.
var (
	userAna = atalaya.User{ID: "ana.perez", Name: "Ana Pérez", Role: atalaya.RoleSteward,
		Sources: []string{"mx-sesnsp", "mx-inegi", "mx-sesnsp"}, PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA",
		TOTPSecret: []byte("0123456789abcdefghij"), TOTPLastStep: 7, TOTPRequired: true}
	userBeto = atalaya.User{ID: "beto", Name: "Beto", Role: atalaya.RoleAnalyst, PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$b3Rybw"}
)

// putUsers creates the fixture users.
func putUsers(t *testing.T, as atalaya.AccountStore) {
	t.Helper()
	ok(t, as.PutUser(ctx(t), userBeto, true), "PutUser beto")
	ok(t, as.PutUser(ctx(t), userAna, true), "PutUser ana")
}

// withoutTimes returns u with Created and Updated cleared, after checking
// that the store set them.
func withoutTimes(t *testing.T, u atalaya.User) atalaya.User {
	t.Helper()
	if u.Created.IsZero() || u.Updated.Before(u.Created) {
		t.Errorf("user %s: Created %v, Updated %v; want set, Updated not before Created", u.ID, u.Created, u.Updated)
	}
	u.Created, u.Updated = time.Time{}, time.Time{}
	return u
}

// testUsers checks creating, reading, replacing and validating users, the
// password and TOTP updates, and that unknown users are ENOTFOUND.
func testUsers(t *testing.T, s atalaya.Store) {
	as := accountStore(t, s)
	c := ctx(t)
	users, err := as.Users(c)
	ok(t, err, "Users (empty)")
	same(t, "Users (empty)", len(users), 0)
	putUsers(t, as)

	got, err := as.User(c, "ana.perez")
	ok(t, err, "User")
	want := userAna
	want.Sources = []string{"mx-inegi", "mx-sesnsp"}
	same(t, "User(ana.perez)", withoutTimes(t, got), want)
	users, err = as.Users(c)
	ok(t, err, "Users")
	if len(users) != 2 || users[0].ID != "ana.perez" || users[1].ID != "beto" {
		t.Errorf("Users = %+v; want ana.perez, beto", users)
	}
	same(t, "Users()[1]", withoutTimes(t, users[1]), userBeto)

	wantCode(t, as.PutUser(c, userBeto, true), atalaya.ECONFLICT, "PutUser(create existing)", "beto")
	wantCode(t, as.PutUser(c, atalaya.User{ID: "nadie", Role: atalaya.RoleAnalyst}, false), atalaya.ENOTFOUND, "PutUser(update missing)", "nadie")
	for _, tt := range []struct {
		u       atalaya.User
		mention string
	}{
		{atalaya.User{ID: "Ana", Role: atalaya.RoleAnalyst}, "Ana"},
		{atalaya.User{ID: "", Role: atalaya.RoleAnalyst}, "user id"},
		{atalaya.User{ID: "a:b", Role: atalaya.RoleAnalyst}, "a:b"},
		{atalaya.User{ID: "x", Role: "superuser"}, "superuser"},
		{atalaya.User{ID: "x", Role: atalaya.RolePublic}, "public"},
		{atalaya.User{ID: "x", Role: atalaya.RoleSteward}, "source"},
		{atalaya.User{ID: "x", Role: atalaya.RoleAdmin, Sources: []string{"mx-sesnsp"}}, "only stewards"},
	} {
		wantCode(t, as.PutUser(c, tt.u, true), atalaya.EINVALID, "PutUser("+describe(tt.u)+")", tt.mention)
	}
	_, err = as.User(c, "nadie")
	wantCode(t, err, atalaya.ENOTFOUND, "User(nadie)", "nadie")

	// Replacing keeps Created and changes every other field.
	upd := userBeto
	upd.Name, upd.Role, upd.Disabled = "Roberto", atalaya.RoleApprover, true
	ok(t, as.PutUser(c, upd, false), "PutUser(update)")
	got, err = as.User(c, "beto")
	ok(t, err, "User(beto)")
	if !got.Created.Equal(users[1].Created) {
		t.Errorf("Created after update = %v; want %v", got.Created, users[1].Created)
	}
	same(t, "User(beto) after update", withoutTimes(t, got), upd)

	ok(t, as.SetPassword(c, "beto", "$argon2id$v=19$m=65536,t=3,p=2$bnVldm8$bnVldm8"), "SetPassword")
	got, _ = as.User(c, "beto")
	same(t, "PasswordHash after SetPassword", got.PasswordHash, "$argon2id$v=19$m=65536,t=3,p=2$bnVldm8$bnVldm8")
	wantCode(t, as.SetPassword(c, "nadie", "x"), atalaya.ENOTFOUND, "SetPassword(nadie)", "nadie")

	// TOTP steps only move forward: a replayed code is a conflict.
	ok(t, as.UseTOTPStep(c, "ana.perez", 8), "UseTOTPStep(8)")
	wantCode(t, as.UseTOTPStep(c, "ana.perez", 8), atalaya.ECONFLICT, "UseTOTPStep(8 again)")
	wantCode(t, as.UseTOTPStep(c, "ana.perez", 3), atalaya.ECONFLICT, "UseTOTPStep(3)")
	wantCode(t, as.UseTOTPStep(c, "nadie", 9), atalaya.ENOTFOUND, "UseTOTPStep(nadie)")
	got, _ = as.User(c, "ana.perez")
	same(t, "TOTPLastStep", got.TOTPLastStep, int64(8))

	ok(t, as.SetDisabled(c, "ana.perez", true), "SetDisabled")
	got, _ = as.User(c, "ana.perez")
	same(t, "Disabled", got.Disabled, true)
	ok(t, as.SetDisabled(c, "ana.perez", false), "SetDisabled(false)")
	got, _ = as.User(c, "ana.perez")
	same(t, "Disabled after enable", got.Disabled, false)
	wantCode(t, as.SetDisabled(c, "nadie", true), atalaya.ENOTFOUND, "SetDisabled(nadie)", "nadie")
}

// testSessions checks sessions: stored by hash, touched, deleted one by
// one or per user, and ended by disabling the user or resetting the
// password.
func testSessions(t *testing.T, s atalaya.Store) {
	as := accountStore(t, s)
	c := ctx(t)
	putUsers(t, as)
	s1 := atalaya.Session{IDHash: "aa01", User: "ana.perez", Created: t0, LastSeen: t0, Origin: "192.0.2.7"}
	s2 := atalaya.Session{IDHash: "aa02", User: "ana.perez", Created: t0, LastSeen: t0.Add(time.Minute), Origin: "198.51.100.1"}
	s3 := atalaya.Session{IDHash: "bb01", User: "beto", Created: t0, LastSeen: t0, Origin: "cli"}
	for _, x := range []atalaya.Session{s1, s2, s3} {
		ok(t, as.AddSession(c, x), "AddSession "+x.IDHash)
	}
	wantCode(t, as.AddSession(c, s1), atalaya.ECONFLICT, "AddSession(again)")
	wantCode(t, as.AddSession(c, atalaya.Session{IDHash: "cc", User: "nadie", Created: t0, LastSeen: t0}), atalaya.ENOTFOUND, "AddSession(nadie)", "nadie")

	got, err := as.Session(c, "aa02")
	ok(t, err, "Session")
	same(t, "Session(aa02)", got, s2)
	_, err = as.Session(c, "zz")
	wantCode(t, err, atalaya.ENOTFOUND, "Session(zz)")

	ok(t, as.TouchSession(c, "aa01", t0.Add(5*time.Minute)), "TouchSession")
	got, _ = as.Session(c, "aa01")
	same(t, "LastSeen after TouchSession", got.LastSeen, t0.Add(5*time.Minute))
	wantCode(t, as.TouchSession(c, "zz", t0), atalaya.ENOTFOUND, "TouchSession(zz)")

	ok(t, as.DeleteSession(c, "aa01"), "DeleteSession")
	ok(t, as.DeleteSession(c, "aa01"), "DeleteSession(again)")
	_, err = as.Session(c, "aa01")
	wantCode(t, err, atalaya.ENOTFOUND, "Session after DeleteSession")

	// Disabling ana ends her sessions, not beto's, and refuses new ones.
	ok(t, as.SetDisabled(c, "ana.perez", true), "SetDisabled")
	_, err = as.Session(c, "aa02")
	wantCode(t, err, atalaya.ENOTFOUND, "Session of a disabled user")
	_, err = as.Session(c, "bb01")
	ok(t, err, "another user's Session")
	wantCode(t, as.AddSession(c, s1), atalaya.EFORBIDDEN, "AddSession(disabled user)", "disabled")
	ok(t, as.SetDisabled(c, "ana.perez", false), "SetDisabled(false)")
	ok(t, as.AddSession(c, s1), "AddSession after enable")

	// A new password ends the user's sessions.
	ok(t, as.SetPassword(c, "beto", "$argon2id$new"), "SetPassword")
	_, err = as.Session(c, "bb01")
	wantCode(t, err, atalaya.ENOTFOUND, "Session after SetPassword")

	ok(t, as.AddSession(c, s2), "AddSession")
	n, err := as.DeleteUserSessions(c, "ana.perez")
	ok(t, err, "DeleteUserSessions")
	same(t, "DeleteUserSessions", n, 2)
	n, err = as.DeleteUserSessions(c, "ana.perez")
	ok(t, err, "DeleteUserSessions(again)")
	same(t, "DeleteUserSessions(again)", n, 0)
}

// testTokens checks API token records: stored and listed, unique by id and
// hash, revoked once, touched, and untouched by disabling their owner.
func testTokens(t *testing.T, s atalaya.Store) {
	as := accountStore(t, s)
	c := ctx(t)
	putUsers(t, as)
	exp := t0.Add(720 * time.Hour)
	tk1 := atalaya.TokenRecord{ID: "tok1", Hash: "11aa", User: "ana.perez", Name: "nightly upload",
		Scopes: []string{"ingest", "read"}, Created: t0, Expires: exp}
	tk2 := atalaya.TokenRecord{ID: "tok2", Hash: "22bb", User: "beto", Scopes: []string{"read"}, Created: t0.Add(time.Second)}
	tk0 := atalaya.TokenRecord{ID: "tok0", Hash: "00cc", User: "ana.perez", Scopes: []string{"read"}, Created: t0.Add(2 * time.Second)}
	for _, x := range []atalaya.TokenRecord{tk1, tk2, tk0} {
		ok(t, as.AddToken(c, x), "AddToken "+x.ID)
	}
	wantCode(t, as.AddToken(c, tk1), atalaya.ECONFLICT, "AddToken(same id)")
	dupHash := tk2
	dupHash.ID = "tok9"
	wantCode(t, as.AddToken(c, dupHash), atalaya.ECONFLICT, "AddToken(same hash)")
	wantCode(t, as.AddToken(c, atalaya.TokenRecord{ID: "t", Hash: "h", User: "nadie", Scopes: []string{"read"}, Created: t0}),
		atalaya.ENOTFOUND, "AddToken(nadie)", "nadie")
	wantCode(t, as.AddToken(c, atalaya.TokenRecord{ID: "t", Hash: "h", User: "beto", Created: t0}), atalaya.EINVALID, "AddToken(no scope)")
	wantCode(t, as.AddToken(c, atalaya.TokenRecord{ID: "t", User: "beto", Scopes: []string{"read"}, Created: t0}), atalaya.EINVALID, "AddToken(no hash)")

	got, err := as.Token(c, "tok1")
	ok(t, err, "Token")
	same(t, "Token(tok1)", got, tk1)
	_, err = as.Token(c, "nope")
	wantCode(t, err, atalaya.ENOTFOUND, "Token(nope)", "nope")

	list, err := as.Tokens(c, "ana.perez")
	ok(t, err, "Tokens(ana)")
	same(t, "Tokens(ana.perez)", list, []atalaya.TokenRecord{tk1, tk0})
	list, err = as.Tokens(c, "")
	ok(t, err, "Tokens()")
	same(t, "Tokens()", list, []atalaya.TokenRecord{tk1, tk2, tk0})

	// Revoking keeps the first time; touching records the last use.
	rev, used := t0.Add(time.Hour), t0.Add(30*time.Minute)
	ok(t, as.TouchToken(c, "tok1", used), "TouchToken")
	ok(t, as.RevokeToken(c, "tok1", rev), "RevokeToken")
	ok(t, as.RevokeToken(c, "tok1", rev.Add(time.Hour)), "RevokeToken(again)")
	got, _ = as.Token(c, "tok1")
	want := tk1
	want.Revoked, want.LastUsed = &rev, &used
	same(t, "Token(tok1) after revoke", got, want)
	wantCode(t, as.RevokeToken(c, "nope", rev), atalaya.ENOTFOUND, "RevokeToken(nope)", "nope")
	wantCode(t, as.TouchToken(c, "nope", rev), atalaya.ENOTFOUND, "TouchToken(nope)", "nope")

	// Disabling a user revokes nothing, and refuses new tokens for them.
	ok(t, as.SetDisabled(c, "beto", true), "SetDisabled")
	got, _ = as.Token(c, "tok2")
	same(t, "Token(tok2) of a disabled user", got, tk2)
	wantCode(t, as.AddToken(c, atalaya.TokenRecord{ID: "t", Hash: "h", User: "beto", Scopes: []string{"read"}, Created: t0}),
		atalaya.EFORBIDDEN, "AddToken(disabled user)", "disabled")
}

// testSettings checks node settings: absent, set, replaced.
func testSettings(t *testing.T, s atalaya.Store) {
	as := accountStore(t, s)
	c := ctx(t)
	_, err := as.Setting(c, "csrf_key")
	wantCode(t, err, atalaya.ENOTFOUND, "Setting(unset)", "csrf_key")
	key := []byte{0, 1, 2, 0xff, 'k'}
	ok(t, as.PutSetting(c, "csrf_key", key), "PutSetting")
	got, err := as.Setting(c, "csrf_key")
	ok(t, err, "Setting")
	same(t, "Setting", got, key)
	ok(t, as.PutSetting(c, "csrf_key", []byte("second")), "PutSetting(replace)")
	got, _ = as.Setting(c, "csrf_key")
	same(t, "Setting after replace", string(got), "second")
}
