package dialogues

import (
	"errors"
	"testing"
)

func TestCacheParsesEachVersionOnceAndStampsTheStoredVersion(t *testing.T) {
	src := []byte(mustLibrarySource(t, "ons4"))
	reads := 0
	read := func() (Source, error) {
		reads++
		return Source{File: "ons4.yaml", Version: 7, Text: src}, nil
	}
	c := NewCache()
	d, err := c.Load(42, read)
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != 7 {
		t.Fatalf("parsed version %d, want the stored version 7 (the YAML says 1)", d.Version)
	}
	again, err := c.Load(42, read)
	if err != nil || again != d || reads != 1 {
		t.Fatalf("second load: same=%v reads=%d err=%v, want the cached dialogue and one read", again == d, reads, err)
	}
	s, _, err := d.Step(State{}, Start(), Params{})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := c.Load(43, func() (Source, error) { return Source{File: "ons4.yaml", Version: 8, Text: src}, nil })
	if _, _, err := other.Step(s, ReplyWith("8"), Params{}); !errors.Is(err, ErrWrongVersion) {
		t.Fatalf("a run started on version 7 fed to version 8: err %v, want ErrWrongVersion", err)
	}
}

func TestCacheReportsABrokenVersion(t *testing.T) {
	_, err := NewCache().Load(1, func() (Source, error) { return Source{File: "x.yaml", Version: 2, Text: []byte("key: [")}, nil })
	if err == nil {
		t.Fatal("a broken stored version loaded without error")
	}
}

func mustLibrarySource(t *testing.T, key string) string {
	t.Helper()
	b, err := libraryFS.ReadFile("library/" + key + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestUnderstandsOnlyValidAnswersToTheWaitingQuestion(t *testing.T) {
	ons4, _ := Builtin("ons4")
	s, _, err := ons4.Step(State{}, Start(), Params{})
	if err != nil {
		t.Fatal(err)
	}
	for reply, want := range map[string]bool{"8": true, "5 out of 10": true, "nil": true, "C": false, "I can't go on": false, "n/a": false} {
		if got := ons4.Understands(s, reply); got != want {
			t.Errorf("ONS4's first question understands %q: %v, want %v", reply, got, want)
		}
	}
	reminder, _ := Builtin("contact-reminder")
	s, _, err = reminder.Step(State{}, Start(), Params{})
	if err != nil {
		t.Fatal(err)
	}
	if !reminder.Understands(s, "C") || !reminder.Understands(s, "r") {
		t.Error("the contact reminder does not understand C and R")
	}
	if ons4.Understands(State{}, "8") {
		t.Error("a run that has not started understands a reply")
	}
}
