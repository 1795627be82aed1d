package dialogues

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata/golden")

// TestGoldenTranscripts plays each testdata/golden/NAME.SCENARIO.replies
// file against the dialogue NAME (testdata/golden/NAME.yaml, or the
// built-in with that key) and compares the transcript with
// NAME.SCENARIO.golden. Scenarios whose name contains "discreet" run in
// discreet mode. Regenerate with: go test ./dialogues -run Golden -update
func TestGoldenTranscripts(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.replies")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden scenarios found: %v", err)
	}
	for _, file := range files {
		base := strings.TrimSuffix(filepath.Base(file), ".replies")
		t.Run(base, func(t *testing.T) {
			name, scenario, _ := strings.Cut(base, ".")
			d := goldenDialogue(t, name)
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := transcript(t, d, replyLines(string(raw)), strings.Contains(scenario, "discreet"))
			golden := strings.TrimSuffix(file, ".replies") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./dialogues -run Golden -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("transcript differs from %s\n--- got ---\n%s--- want ---\n%s", golden, got, want)
			}
		})
	}
}

func goldenDialogue(t *testing.T, name string) *Dialogue {
	t.Helper()
	path := filepath.Join("testdata/golden", name+".yaml")
	if src, err := os.ReadFile(path); err == nil {
		d, diags := Parse(path, src)
		for _, diag := range diags {
			t.Errorf("golden dialogue should be clean: %s", diag)
		}
		if d == nil {
			t.FailNow()
		}
		return d
	}
	d, ok := Builtin(name)
	if !ok {
		t.Fatalf("no dialogue %s: neither %s nor a built-in", name, path)
	}
	return d
}

// replyLines splits a replies file into lines; a blank line is an empty reply.
func replyLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// transcript plays the replies and renders what happened, ending with the
// run's state as it would be stored.
func transcript(t *testing.T, d *Dialogue, replies []string, discreet bool) string {
	t.Helper()
	var b strings.Builder
	if discreet {
		b.WriteString("(discreet mode)\n")
	}
	sim := NewSimulation(d, Params{Vars: SampleVars(), Discreet: discreet})
	turns, err := sim.Start()
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range replies {
		for _, turn := range turns {
			b.WriteString(turn.String() + "\n")
		}
		if sim.Done() {
			b.WriteString("(" + plural(len(replies)-i, "reply", "replies") + " after the end, not used)\n")
			turns = nil
			break
		}
		if turns, err = sim.Reply(line); err != nil {
			t.Fatal(err)
		}
	}
	for _, turn := range turns {
		b.WriteString(turn.String() + "\n")
	}
	state, err := json.Marshal(sim.s)
	if err != nil {
		t.Fatal(err)
	}
	b.WriteString("state: " + string(state) + "\n")
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strings.Repeat("", 0) + itoa(n) + " " + many
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
