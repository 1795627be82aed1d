package bot_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryTestTheHazardLogNamesExists keeps HAZARDS.md honest: each
// hazard names the tests that prove its controls, and each of those must
// be a test function somewhere in the repository.
func TestEveryTestTheHazardLogNamesExists(t *testing.T) {
	log, err := os.ReadFile("HAZARDS.md")
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]bool{}
	funcTest := regexp.MustCompile(`(?m)^func (Test\w+)\(`)
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range funcTest.FindAllSubmatch(src, -1) {
			defined[string(m[1])] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !defined["TestEveryTestTheHazardLogNamesExists"] {
		t.Fatal("the scan of the repository's tests found not even this one")
	}
	named := regexp.MustCompile("`(Test\\w+)`")
	hazards := regexp.MustCompile(`(?m)^## (H\d+)\. `).FindAllStringSubmatchIndex(string(log), -1)
	if len(hazards) < 8 {
		t.Fatalf("HAZARDS.md has %d hazards, want at least 8", len(hazards))
	}
	for i, h := range hazards {
		end := len(log)
		if i+1 < len(hazards) {
			end = hazards[i+1][0]
		}
		section := string(log[h[0]:end])
		id := string(log[h[2]:h[3]])
		tests := regexp.MustCompile(`(?s)\*\*Tests:\*\*(.*?)\n- \*\*`).FindStringSubmatch(section)
		if tests == nil {
			t.Errorf("%s names no tests (a **Tests:** item followed by the next item)", id)
			continue
		}
		names := named.FindAllStringSubmatch(tests[1], -1)
		if len(names) == 0 {
			t.Errorf("%s: its **Tests:** item names no test", id)
		}
		for _, n := range names {
			if !defined[n[1]] {
				t.Errorf("%s names %s, but no *_test.go declares func %s(", id, n[1], n[1])
			}
		}
	}
}
