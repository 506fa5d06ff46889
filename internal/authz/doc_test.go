package authz

import (
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/roles.md from the policy")

const rolesDoc = "../../docs/roles.md"

// TestRolesDoc keeps docs/roles.md equal to Doc(); -update rewrites it.
func TestRolesDoc(t *testing.T) {
	want := Doc()
	if *update {
		if err := os.WriteFile(rolesDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(rolesDoc)
	if err != nil {
		t.Fatalf("%v; run go test ./internal/authz -run TestRolesDoc -update", err)
	}
	if string(got) != want {
		t.Errorf("docs/roles.md differs from the policy; run go test ./internal/authz -run TestRolesDoc -update")
	}
}
