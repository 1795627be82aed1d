package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const goodDialogue = `key: call-offer
name: Call offer
kind: custom
languages: [en-GB]
steps:
  - id: offer
    ask: "Hi {first_name}, would you like {link_worker} to call? YES or NO. {stop_hint}"
    expect: yes_no
    record: call.wanted
    branches:
      - when: yes
        goto: call
      - when: no
        goto: bye
    else: bye
  - id: call
    escalate: wants_contact
    urgency: soon
  - end: "{link_worker} will call you soon."
  - id: bye
    end: "No problem. Take care."
`

func TestValidateListsEveryErrorAndExitsOne(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.yaml", goodDialogue)
	bad := writeFile(t, dir, "bad.yaml", strings.NewReplacer(
		"expect: yes_no", "expekt: yes_no",
		"goto: bye", "goto: by",
		"{link_worker} will call", "{link_workr} will call",
	).Replace(goodDialogue))

	code, out, errOut := runLinkbot(t, "", "dialogues", "validate", good, bad)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	want := []string{
		bad + `:6:5: ask needs expect: (hint: e.g. expect: yes_no, or expect: {scale: [0, 10]})`,
		bad + `:8:5: unknown field "expekt" in ask step (hint: did you mean "expect"?)`,
		bad + `:14:15: step "by" does not exist (hint: did you mean "bye"?)`,
		bad + `:19:11: unknown template variable {link_workr} (hint: did you mean "link_worker"?)`,
	}
	if got := strings.Split(strings.TrimSpace(out), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("validate printed\n%s\nwant\n%s", out, strings.Join(want, "\n"))
	}
	if !strings.Contains(errOut, "4 errors") {
		t.Errorf("stderr %q should sum up the errors", errOut)
	}
}

func TestValidatePassesTheBuiltinsAndFlagsDuplicateKeys(t *testing.T) {
	library, _ := filepath.Glob("../../dialogues/library/*.yaml")
	if len(library) != 6 {
		t.Fatalf("found %d built-in files", len(library))
	}
	code, out, errOut := runLinkbot(t, "", append([]string{"dialogues", "validate"}, library...)...)
	if code != 0 || out != "" {
		t.Fatalf("built-ins: exit %d, output %q %q", code, out, errOut)
	}

	dir := t.TempDir()
	a := writeFile(t, dir, "a.yaml", goodDialogue)
	b := writeFile(t, dir, "b.yaml", goodDialogue)
	code, out, _ = runLinkbot(t, "", "dialogues", "validate", a, b)
	want := b + `:1:6: duplicate dialogue key "call-offer" version 1, also in ` + a
	if code != 1 || !strings.HasPrefix(out, want) {
		t.Errorf("exit %d, output %q; want %q", code, out, want)
	}
}

func TestValidateNeedsFiles(t *testing.T) {
	if code, _, _ := runLinkbot(t, "", "dialogues", "validate"); code != 2 {
		t.Errorf("no files: exit %d, want 2", code)
	}
	if code, out, _ := runLinkbot(t, "", "dialogues", "validate", "/nonexistent/x.yaml"); code != 1 || !strings.Contains(out, "/nonexistent/x.yaml:1:1: cannot read the file") {
		t.Errorf("missing file: exit %d, %q", code, out)
	}
}

func TestSimulateWithRepliesPrintsJSONLines(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "call.yaml", goodDialogue)
	replies := writeFile(t, dir, "replies.txt", "maybe\nyes please\n")

	code, out, errOut := runLinkbot(t, "", "dialogues", "simulate", "--replies", replies, "--json",
		"--var", "first_name=Joan", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := []string{
		`{"from":"bot","text":"Hi Joan, would you like Priya to call? YES or NO. Reply STOP to opt out."}`,
		`{"from":"person","text":"maybe"}`,
		`{"from":"bot","text":"Sorry, I didn't catch that. Please reply YES or NO."}`,
		`{"from":"person","text":"yes please","answer":{"measure":"call.wanted","value":true}}`,
		`{"from":"bot","escalation":{"reason":"wants_contact","urgency":"soon"}}`,
		`{"from":"bot","text":"Priya will call you soon."}`,
		`{"from":"bot","end":"completed"}`,
	}
	got := strings.Split(strings.TrimSpace(out), "\n")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", out, strings.Join(want, "\n"))
	}
	for _, line := range got {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil || (v["from"] != "bot" && v["from"] != "person") {
			t.Errorf("line %q is not a transcript object: %v", line, err)
		}
	}
}

func TestSimulateKeepsWordsItCannotReadAndExpiresOnSilence(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "call.yaml", strings.Replace(goodDialogue, "languages: [en-GB]",
		"languages: [en-GB]\nreply: {wait: 2d, reminders: 0, on_expiry: escalate}", 1))

	replies := writeFile(t, dir, "a.txt", "who is this\nwhat?\n")
	_, out, _ := runLinkbot(t, "", "dialogues", "simulate", "--replies", replies, "--json", file)
	if !strings.Contains(out, `{"from":"person","text":"what?","answer":{"measure":"call.wanted","value":null,"words":"who is this / what?"}}`) {
		t.Errorf("unread words should be kept:\n%s", out)
	}

	replies = writeFile(t, dir, "b.txt", "/wait\n")
	_, out, _ = runLinkbot(t, "", "dialogues", "simulate", "--replies", replies, "--json", file)
	want := `{"from":"person","silence":"2d"}
{"from":"bot","escalation":{"reason":"no_response","urgency":"routine"}}
{"from":"bot","end":"expired"}
`
	if !strings.HasSuffix(out, want) {
		t.Errorf("silence should expire the run:\n%s", out)
	}
}

func TestSimulateInTheTerminal(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "call.yaml", goodDialogue)
	code, out, _ := runLinkbot(t, "no ta\n", "dialogues", "simulate", "--discreet", file)
	want := `bot: Hi Margaret, would you like Priya to call? YES or NO. Reply STOP to opt out.
>   => record call.wanted = no
bot: No problem. Take care.
  => end: completed
`
	if code != 0 || out != want {
		t.Errorf("exit %d, got\n%s\nwant\n%s", code, out, want)
	}
}

func TestSimulateRefusesABrokenDialogue(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "bad.yaml", strings.Replace(goodDialogue, "goto: bye", "goto: by", 1))
	code, _, errOut := runLinkbot(t, "", "dialogues", "simulate", file)
	if code != 1 || !strings.Contains(errOut, `step "by" does not exist`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestLibraryListsAndPrintsTheBuiltins(t *testing.T) {
	code, out, _ := runLinkbot(t, "", "dialogues", "library")
	if code != 0 || !strings.Contains(out, "swemwbs              checkin     SWEMWBS wellbeing check-in  (needs a licence)") {
		t.Errorf("exit %d, list:\n%s", code, out)
	}
	code, out, _ = runLinkbot(t, "", "dialogues", "library", "ons4")
	if code != 0 || !strings.Contains(out, "Overall, how anxious did you feel yesterday?") {
		t.Errorf("exit %d, ons4:\n%s", code, out)
	}
	dir := t.TempDir()
	copied := writeFile(t, dir, "ons4.yaml", out)
	if code, out, _ := runLinkbot(t, "", "dialogues", "validate", copied); code != 0 || out != "" {
		t.Errorf("a printed built-in should validate: exit %d, %s", code, out)
	}
	if code, _, errOut := runLinkbot(t, "", "dialogues", "library", "nope"); code != 1 || !strings.Contains(errOut, `no built-in dialogue "nope"`) {
		t.Errorf("unknown key: exit %d, %q", code, errOut)
	}
}
