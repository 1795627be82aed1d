package dialogues

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func mustBuiltin(t testing.TB, key string) *Dialogue {
	t.Helper()
	d, ok := Builtin(key)
	if !ok {
		t.Fatalf("no built-in %s", key)
	}
	return d
}

func mustParse(t testing.TB, src string) *Dialogue {
	t.Helper()
	d, diags := Parse("t.yaml", []byte(src))
	if d == nil {
		t.Fatalf("parse: %v", diags)
	}
	return d
}

var margaret = Params{Vars: Vars{"first_name": "Margaret", "link_worker": "Priya"}}

func TestStartSendsTheFirstMessagesAndWaits(t *testing.T) {
	d := mustBuiltin(t, "ons4")
	s, acts, err := d.Step(State{}, Start(), margaret)
	if err != nil {
		t.Fatal(err)
	}
	want := []Action{
		Send{Step: "intro", Text: "Hi Margaret, Priya would like to know how you're doing. 4 quick questions: reply with a number each time. Reply STOP to opt out."},
		Send{Step: "satisfied", Text: "Overall, how satisfied are you with your life nowadays? Reply 0 (not at all) to 10 (completely)."},
		ScheduleTimeout{After: 48 * time.Hour},
	}
	if !reflect.DeepEqual(acts, want) {
		t.Errorf("actions:\n got %#v\nwant %#v", acts, want)
	}
	if s.Step != "satisfied" || s.Dialogue != "ons4" || s.Version != 1 || s.Done {
		t.Errorf("state after start: %+v", s)
	}
}

func TestLowLifeSatisfactionEscalatesLowScore(t *testing.T) {
	d := mustBuiltin(t, "ons4")
	s, _, _ := d.Step(State{}, Start(), margaret)
	_, acts, err := d.Step(s, ReplyWith("about 3"), margaret)
	if err != nil {
		t.Fatal(err)
	}
	if acts[0] != (Record{Step: "satisfied", Measure: "ons4.life_satisfaction", Value: Value{Kind: AnswerScale, Number: 3}, Words: "about 3"}) {
		t.Errorf("first action %#v", acts[0])
	}
	if acts[1] != (Escalate{Step: "low-satisfaction", Reason: ReasonLowScore, Urgency: UrgencySoon}) {
		t.Errorf("second action %#v", acts[1])
	}
}

// play runs a dialogue through events, checking every stored state reads
// back from JSON, as the inbound pipeline will store it between messages.
func play(t *testing.T, d *Dialogue, p Params, events ...Event) (State, [][]Action) {
	t.Helper()
	var s State
	var all [][]Action
	for _, e := range events {
		next, acts, err := d.Step(s, e, p)
		if err != nil {
			t.Fatalf("%v: %v", e, err)
		}
		stored, err := json.Marshal(next)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) > 400 {
			t.Errorf("state is %d bytes; keep it small: %s", len(stored), stored)
		}
		var back State
		if err := json.Unmarshal(stored, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, next) {
			t.Fatalf("state does not survive JSON:\n got %#v\nwant %#v", back, next)
		}
		s = back
		all = append(all, acts)
	}
	return s, all
}

func TestSwemwbsTotalSurvivesStoredStates(t *testing.T) {
	d := mustBuiltin(t, "swemwbs")
	s, acts := play(t, d, margaret, Start(), ReplyWith("1"), ReplyWith("1"), ReplyWith("1"),
		ReplyWith("1"), ReplyWith("1"), ReplyWith("1"), ReplyWith("2"))
	if !s.Done {
		t.Fatalf("run should have ended: %+v", s)
	}
	last := acts[len(acts)-1]
	var got []string
	for _, a := range last {
		if r, ok := a.(Record); ok {
			got = append(got, r.Measure+"="+r.Value.String())
		}
	}
	want := []string{"swemwbs.own_mind=2", "swemwbs.raw=8", "swemwbs.metric=9.51"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("records: got %v, want %v", got, want)
	}
}

func TestSWEMWBSMetricTable(t *testing.T) {
	want := map[float64]float64{7: 7.00, 8: 9.51, 14: 15.32, 21: 19.25, 28: 25.03, 34: 32.55, 35: 35.00}
	for raw, metric := range want {
		if got, ok := SWEMWBSMetric(raw); !ok || got != metric {
			t.Errorf("SWEMWBSMetric(%v) = %v, %v; want %v", raw, got, ok, metric)
		}
	}
	for _, raw := range []float64{6, 36, 20.5} {
		if _, ok := SWEMWBSMetric(raw); ok {
			t.Errorf("SWEMWBSMetric(%v) should be refused", raw)
		}
	}
}

func TestARunFinishesOnTheVersionItStartedOn(t *testing.T) {
	v3src := strings.Replace(header, "kind: custom", "kind: custom\nversion: 3", 1) +
		"  - ask: \"Version three? {stop_hint}\"\n    expect: yes_no\n  - end: \"Three ends.\"\n"
	v3 := mustParse(t, v3src)
	v4 := mustParse(t, strings.NewReplacer("version: 3", "version: 4", "Three ends.", "Four ends.").Replace(v3src))

	s, _, err := v3.Step(State{}, Start(), margaret)
	if err != nil {
		t.Fatal(err)
	}
	// Version 4 is published meanwhile: the run refuses it...
	if _, _, err := v4.Step(s, ReplyWith("yes"), margaret); !errors.Is(err, ErrWrongVersion) {
		t.Fatalf("stepping a v3 run with v4: got %v, want ErrWrongVersion", err)
	}
	// ...and finishes on version 3, which the state names.
	if s.Version != 3 {
		t.Fatalf("state names version %d", s.Version)
	}
	_, acts, err := v3.Step(s, ReplyWith("yes"), margaret)
	if err != nil {
		t.Fatal(err)
	}
	if acts[1] != (Send{Step: "step-2", Text: "Three ends."}) {
		t.Errorf("got %#v", acts[1])
	}
}

func TestStepIsDeterministicAndLeavesItsInputAlone(t *testing.T) {
	d := mustBuiltin(t, "swemwbs")
	s, _ := play(t, d, margaret, Start(), ReplyWith("4"), ReplyWith("3"))
	before, _ := json.Marshal(s)
	s1, a1, err1 := d.Step(s, ReplyWith("5"), margaret)
	s2, a2, err2 := d.Step(s, ReplyWith("5"), margaret)
	after, _ := json.Marshal(s)
	if string(before) != string(after) {
		t.Errorf("Step changed its input state: %s → %s", before, after)
	}
	if !reflect.DeepEqual(s1, s2) || !reflect.DeepEqual(a1, a2) || err1 != err2 {
		t.Errorf("the same step gave different results")
	}
}

func TestEventsThatDoNotFitTheRunAreRefused(t *testing.T) {
	d := mustBuiltin(t, "welcome")
	if _, _, err := d.Step(State{}, ReplyWith("hi"), margaret); !errors.Is(err, ErrNotWaiting) {
		t.Errorf("a reply before start: got %v", err)
	}
	s, _, _ := d.Step(State{}, Start(), margaret)
	if !s.Done {
		t.Fatalf("welcome ends at once: %+v", s)
	}
	for _, e := range []Event{Start(), ReplyWith("thanks"), Timeout()} {
		if _, _, err := d.Step(s, e, margaret); !errors.Is(err, ErrNotWaiting) {
			t.Errorf("%s after the end: got %v", e.Kind, err)
		}
	}
	if _, _, err := mustBuiltin(t, "ons4").Step(s, ReplyWith("5"), margaret); !errors.Is(err, ErrWrongVersion) {
		t.Errorf("a welcome state given to ons4: got %v", err)
	}
}

func TestTimeoutsRemindGentlyThenExpire(t *testing.T) {
	d := mustParse(t, header[:len("key: t\nname: T\nkind: custom\nlanguages: [en-GB]\n")]+
		"reply: {wait: 6h, reminders: 2, reminder: \"Just checking you saw this, {first_name}.\", on_expiry: escalate, urgency: soon}\n"+
		"steps:\n  - ask: \"Shall we call? {stop_hint}\"\n    expect: yes_no\n")
	_, acts := play(t, d, margaret, Start(), Timeout(), Timeout(), Timeout())
	reminder := []Action{Send{Step: "step-1", Text: "Just checking you saw this, Margaret."}, ScheduleTimeout{After: 6 * time.Hour}}
	if !reflect.DeepEqual(acts[1], reminder) || !reflect.DeepEqual(acts[2], reminder) {
		t.Errorf("reminders: %#v, %#v", acts[1], acts[2])
	}
	expiry := []Action{Escalate{Reason: ReasonNoResponse, Urgency: UrgencySoon}, End{Outcome: OutcomeExpired}}
	if !reflect.DeepEqual(acts[3], expiry) {
		t.Errorf("expiry: %#v", acts[3])
	}
}

func TestAReplyAfterAReminderStartsAFreshCountOfReminders(t *testing.T) {
	d := mustParse(t, header[:len("key: t\nname: T\nkind: custom\nlanguages: [en-GB]\n")]+
		"reply: {wait: 1d, reminders: 1}\nsteps:\n  - ask: \"One? {stop_hint}\"\n    expect: yes_no\n  - ask: \"Two?\"\n    expect: yes_no\n")
	_, acts := play(t, d, margaret, Start(), Timeout(), ReplyWith("yes"), Timeout(), Timeout())
	if got := acts[3][0]; got != (Send{Step: "step-2", Text: "Two?"}) {
		t.Errorf("the second question gets its own reminder, got %#v", got)
	}
	if got := acts[4][len(acts[4])-1]; got != (End{Outcome: OutcomeExpired}) {
		t.Errorf("then expires quietly, got %#v", got)
	}
}

func TestDiscreetModeUsesTheDiscreetText(t *testing.T) {
	d := mustBuiltin(t, "ons4")
	s, _ := play(t, d, margaret, Start(), ReplyWith("7"), ReplyWith("7"), ReplyWith("7"))
	discreet := margaret
	discreet.Discreet = true
	for _, c := range []struct {
		p    Params
		want string
	}{
		{margaret, "Overall, how anxious did you feel yesterday? Reply 0 (not at all) to 10 (completely)."},
		{discreet, "Overall, how on edge did you feel yesterday? Reply 0 (not at all) to 10 (completely)."},
	} {
		// The anxiety question is asked by the reply to "happy".
		prev := s
		prev.Step = "happy"
		_, acts, err := d.Step(prev, ReplyWith("7"), c.p)
		if err != nil {
			t.Fatal(err)
		}
		if got := acts[1].(Send).Text; got != c.want {
			t.Errorf("discreet=%v: got %q", c.p.Discreet, got)
		}
	}
}

func TestMissingTemplateValuesFallBackKindly(t *testing.T) {
	d := mustBuiltin(t, "ons4")
	_, acts, _ := d.Step(State{}, Start(), Params{})
	want := "Hi there, your link worker would like to know how you're doing. 4 quick questions: reply with a number each time. Reply STOP to opt out."
	if got := acts[0].(Send).Text; got != want {
		t.Errorf("got %q", got)
	}
}

func TestStateIsSmall(t *testing.T) {
	d := mustBuiltin(t, "ons4")
	s, _ := play(t, d, margaret, Start(), ReplyWith("7"), ReplyWith("not sure"))
	b, _ := json.Marshal(s)
	want := `{"d":"ons4","v":1,"s":"worthwhile","t":1,"l":{"w":"not sure"},"n":{"ons4.life_satisfaction":7}}`
	if string(b) != want {
		t.Errorf("state JSON\n got %s\nwant %s", b, want)
	}
}
