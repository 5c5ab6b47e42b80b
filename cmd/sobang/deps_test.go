package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoV1CharmPackages fails when any package of the v1 Charm modules is in
// the build: the dashboard uses only the v2 line (charm.land/...). The paths
// are built from parts so that no Go file holds them as an import path.
func TestNoV1CharmPackages(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the whole module")
	}
	host := strings.Join([]string{"github", "com"}, ".")
	var forbidden []string
	for _, name := range []string{"bubble" + "tea", "lip" + "gloss", "bub" + "bles"} {
		forbidden = append(forbidden, host+"/"+"charm"+"bracelet"+"/"+name)
	}
	cmd := exec.Command("go", "list", "-deps", "-test", "./...")
	cmd.Dir = "../.."
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	pkgs := strings.Fields(string(out))
	if len(pkgs) < 50 {
		t.Fatalf("go list listed only %d packages; the check would prove nothing", len(pkgs))
	}
	for _, p := range pkgs {
		for _, f := range forbidden {
			if p == f || strings.HasPrefix(p, f+"/") {
				t.Errorf("v1 Charm package in the build: %s", p)
			}
		}
	}
}
