package dialogues

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

func TestEveryBuiltinDialogueValidatesWithoutWarnings(t *testing.T) {
	files, err := fs.Glob(LibraryFiles(), "*.yaml")
	if err != nil || len(files) != 6 {
		t.Fatalf("want the 6 built-in dialogues, got %v (%v)", files, err)
	}
	for _, f := range files {
		src, _ := fs.ReadFile(LibraryFiles(), f)
		d, diags := Parse(f, src)
		for _, diag := range diags {
			t.Errorf("%s", diag)
		}
		if d == nil {
			continue
		}
		for _, m := range d.messages() {
			for _, texts := range []map[string]string{m.Text, m.Discreet} {
				for _, text := range texts {
					if n, enc := Segments(render(text, sampleVars())); n != 1 {
						t.Errorf("%s: %q takes %d %s segments; built-ins fit one SMS", f, text, n, enc)
					}
				}
			}
		}
	}
	ds, err := Library()
	if err != nil || len(ds) != 6 {
		t.Fatalf("Library() = %d dialogues, %v", len(ds), err)
	}
	if d, ok := Builtin("swemwbs"); !ok || d.Licence == "" {
		t.Errorf("SWEMWBS must be marked as needing the scheme's licence")
	}
}

// posOfText returns the line and column where needle starts in src.
func posOfText(t *testing.T, src, needle string) Pos {
	t.Helper()
	i := strings.Index(src, needle)
	if i < 0 {
		t.Fatalf("%q not in source", needle)
	}
	line := strings.Count(src[:i], "\n") + 1
	col := len([]rune(src[strings.LastIndex(src[:i], "\n")+1:i])) + 1
	return Pos{line, col}
}

func TestBrokenCopiesOfBuiltinsPointAtTheLine(t *testing.T) {
	cases := []struct {
		file, from, to string
		at             string // where the error must point, in the broken source
		message        string
	}{
		{"ons4.yaml", "    expect:\n      scale: [0, 10]", "    expectt:\n      scale: [0, 10]", "expectt:",
			`unknown field "expectt" in ask step (hint: did you mean "expect"?)`},
		{"contact-reminder.yaml", "goto: rearrange", "goto: rearange", "rearange",
			`step "rearange" does not exist (hint: did you mean "rearrange"?)`},
		{"welcome.yaml", "{link_worker} is your", "{link_wroker} is your", "{link_wroker}",
			`unknown template variable {link_wroker} (hint: did you mean "link_worker"?)`},
		{"swemwbs.yaml", "convert: swemwbs_metric", "convert: swemwbs_metrik", "swemwbs_metrik",
			`unknown conversion "swemwbs_metrik"`},
		{"activity-suggestion.yaml", "YES or NO. {stop_hint}", "YES or NO.", `"Hi {first_name}, there's`,
			"the first message does not tell the person how to stop"},
		{"ons4.yaml", "scale: [0, 10]", "scale: [10, 0]", "[10, 0]",
			"scale bounds are reversed or equal: 10 is not below 0 (hint: write it low first: [0, 10])"},
		{"ons4.yaml", "  at_end: true", "  at_end: true\n  at_end: false", "at_end: false",
			`duplicate key "at_end"`},
		{"ons4.yaml", "reminders: 1", "reminders: one", "one",
			`reminders must be a whole number, not "one"`},
		{"activity-followup.yaml", "urgency: routine", "urgency: whenever", "whenever",
			`unknown urgency "whenever"`},
		{"contact-reminder.yaml", "escalate: rearrange", "escalate: rearange", "rearange",
			`unknown escalation reason "rearange" (hint: did you mean "rearrange"?)`},
	}
	for _, c := range cases {
		t.Run(c.file+"/"+c.to, func(t *testing.T) {
			orig, err := fs.ReadFile(LibraryFiles(), c.file)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(orig), c.from) {
				t.Fatalf("%s no longer contains %q", c.file, c.from)
			}
			broken := strings.Replace(string(orig), c.from, c.to, 1)
			d, diags := Parse(c.file, []byte(broken))
			if d != nil {
				t.Errorf("a broken dialogue must not be returned")
			}
			pos := posOfText(t, broken, c.at)
			want := fmt.Sprintf("%s:%d:%d: %s", c.file, pos.Line, pos.Col, c.message)
			var got []string
			for _, diag := range diags {
				got = append(got, diag.String())
				if strings.HasPrefix(diag.String(), want) && diag.Severity == SeverityError {
					return
				}
			}
			t.Errorf("want an error\n  %s\ngot\n  %s", want, strings.Join(got, "\n  "))
		})
	}
}

// header is the start of a valid custom dialogue, for small test files.
const header = "key: t\nname: T\nkind: custom\nlanguages: [en-GB]\nsteps:\n"

func TestValidationFindsEveryProblemWithItsPosition(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // diagnostics, in order, as printed
	}{
		{"unreachable step", header + `  - say: "Hi. {stop_hint}"
  - end
  - id: lost
    say: "Nobody sees this."
`, []string{`t.yaml:8:5: step "lost" is never reached (hint: point a next:, goto: or else: at it, or remove it)`}},

		{"loop with no way out", header + `  - id: a
    ask: "Hi, yes or no? {stop_hint}"
    expect: yes_no
    else: b
  - id: b
    say: "Again."
    next: a
`, []string{`t.yaml:6:5: loop with no way out: a, b never reach the end (hint: give one of them a branch, next: or else: that leads to end)`}},

		{"loop that never waits", header + `  - say: "Hi. {stop_hint}"
  - id: a
    say: "Round"
    next: b
  - id: b
    say: "and round"
    next: a
`, []string{`t.yaml:7:5: loop with no way out that never waits for a reply: a, b (hint: give one of them a branch, next: or else: that leads to end)`}},

		{"branches that leave answers out", header + `  - ask: "How was it, 0 to 10? {stop_hint}"
    expect: {scale: [0, 10]}
    branches:
      - when: "0-4"
        goto: end
      - when: ">= 7"
        goto: end
`, []string{`t.yaml:6:5: branches of "step-1" do not cover every answer: nothing for 5, 6 (hint: add a branch for it, or else: for everything the branches leave out)`}},

		{"yes/no branches without no", header + `  - ask: "Call? {stop_hint}"
    expect: yes_no
    branches:
      - when: yes
        goto: end
`, []string{`t.yaml:6:5: branches of "step-1" do not cover every answer: nothing for no (hint: add a branch for it, or else: for everything the branches leave out)`}},

		{"first message without how to stop", header + `  - say: "Hello there."
  - say: "Reply STOP to opt out."
`, []string{`t.yaml:6:10: the first message does not tell the person how to stop (hint: add {stop_hint} or "Reply STOP to opt out.")`}},

		{"duplicate step ids", header + `  - id: a
    say: "Hi {stop_hint}"
  - id: a
    say: "Again"
`, []string{`t.yaml:8:5: duplicate step id "a" (hint: give each step its own id)`}},

		{"wrong types", "key: t\nname: [T]\nkind: custom\nlanguages: en-GB\nsteps:\n  - say: \"Hi {stop_hint}\"\n", []string{
			`t.yaml:2:7: name must be a single value, not a list (hint: write a single value)`,
			`t.yaml:4:12: languages must be a list, not "en-GB" (hint: write a list, e.g. [a, b] or lines starting with -)`}},

		{"missing fields and unknown kind", "key: T!\nkind: chat\nsteps: []\n", []string{
			`t.yaml:1:1: missing name (hint: a name schemes will recognise)`,
			`t.yaml:1:1: missing languages (hint: e.g. languages: [en-GB])`,
			`t.yaml:1:6: key "T!" is not valid (hint: a short key of lower-case letters, digits, '_', '.' or '-', e.g. ons4)`,
			`t.yaml:2:7: unknown kind "chat" (hint: one of reminder, checkin, suggestion, followup, welcome, custom)`,
			`t.yaml:3:8: steps is empty (hint: add at least one say or ask)`}},

		{"a step with two jobs", header + "  - say: \"Hi {stop_hint}\"\n    ask: \"Well?\"\n    expect: text\n", []string{
			`t.yaml:6:5: step 1 has say and ask (hint: give each step exactly one of say:, ask:, record:, escalate:, end:; split it into several steps)`}},

		{"reminder without offsets", "key: t\nname: T\nkind: reminder\nlanguages: [en-GB]\nschedule: {before_contact: [3 days]}\nsteps:\n  - say: \"Hi {stop_hint}\"\n", []string{
			`t.yaml:1:1: a reminder needs schedule.before_contact (hint: e.g. schedule: {before_contact: [3d, 2h]})`,
			`t.yaml:5:29: before_contact: cannot read duration "3 days" (hint: write a duration such as 3d, 2h, 1w, 90m or 3d 2h)`}},

		{"check-in recurrence", "key: t\nname: T\nkind: checkin\nlanguages: [en-GB]\nschedule:\n  every: {weeks: 2, on: mondays, at: \"25:00\"}\nsteps:\n  - say: \"Hi {stop_hint}\"\n", []string{
			`t.yaml:6:25: "mondays" is not a weekday (hint: a weekday such as monday)`,
			`t.yaml:6:38: "25:00" is not a time of day (hint: a 24-hour time in quotes, e.g. at: "10:00")`}},

		{"YAML syntax", "key: t\nname: \"T\nkind: custom\n", []string{
			`t.yaml:2:1: YAML syntax: found unexpected end of stream (hint: check the indentation and quoting on this line or the one before)`}},

		{"unclosed brace", header + "  - say: \"Hi {first_name, {stop_hint}\"\n", []string{
			`t.yaml:6:14: unclosed { in message (hint: close it with }, or write {{ for a literal brace)`}},

		{"long message", header + "  - say: \"" + strings.Repeat("Hello there, it’s us. ", 10) + "{stop_hint}\"\n", []string{
			`t.yaml:6:10: warning: message is 2 SMS segments (GSM-7, with sample values); one segment (160 GSM-7 characters) is kind to people's credit (hint: shorten it)`}},

		{"message made UCS-2 by an emoji", header + "  - say: \"" + strings.Repeat("Hi – ", 10) + "🙂 {stop_hint}\"\n", []string{
			`t.yaml:6:10: warning: message is 2 SMS segments (UCS-2, with sample values); one segment (160 GSM-7 characters) is kind to people's credit (hint: '–' makes it UCS-2 (70 characters a segment); use plain characters or shorten it)`}},

		{"giveaway words without a discreet text", header + "  - say: \"How is your anxiety today? {stop_hint}\"\n", []string{
			`t.yaml:6:10: warning: message says "anxiety" but has no discreet variant (hint: add a discreet: text for people on a shared phone)`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, diags := Parse("t.yaml", []byte(c.src))
			var got []string
			for _, d := range diags {
				got = append(got, d.String())
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
}

func TestWarningsAloneLeaveTheDialogueUsable(t *testing.T) {
	d, diags := Parse("t.yaml", []byte(header+"  - say: \"How is your anxiety today? {stop_hint}\"\n"))
	if d == nil || diags.HasErrors() || len(diags) != 1 || diags.Err() != nil {
		t.Fatalf("want a usable dialogue with one warning, got %v, %v", d, diags)
	}
}

func TestMultilingualTextsNeedEveryLanguage(t *testing.T) {
	src := "key: t\nname: T\nkind: custom\nlanguages: [en-GB, cy]\nsteps:\n" +
		"  - say: {en-GB: \"Hi {first_name}. {stop_hint}\", cy: \"Helo {first_name}. Atebwch STOP i stopio.\"}\n" +
		"  - say: {en-GB: \"Bye\"}\n"
	_, diags := Parse("t.yaml", []byte(src))
	want := "t.yaml:7:10: say has no cy text (hint: add a text for every language the dialogue lists)"
	if len(diags) != 1 || diags[0].String() != want {
		t.Fatalf("got %v, want %s", diags, want)
	}
	d, diags := Parse("t.yaml", []byte(strings.Replace(src, `{en-GB: "Bye"}`, `{en-GB: "Bye", cy: "Hwyl"}`, 1)))
	if d == nil {
		t.Fatal(diags)
	}
	_, acts, _ := d.Step(State{}, Start(), Params{Vars: Vars{"first_name": "Dafydd"}, Language: "cy"})
	if got := acts[0].(Send).Text; got != "Helo Dafydd. Atebwch STOP i stopio." {
		t.Errorf("Welsh text: got %q", got)
	}
}

func TestDiscreetTextsAreCheckedForGiveaways(t *testing.T) {
	_, diags := Parse("t.yaml", []byte(header+"  - say: \"How is your mood? {stop_hint}\"\n    discreet: \"{scheme} here: how is your mood? {stop_hint}\"\n"))
	want := `t.yaml:7:15: warning: discreet text says "{scheme}" (hint: a discreet text names no service and no wellbeing words)`
	if len(diags) != 1 || diags[0].String() != want {
		t.Errorf("got %v\nwant %s", diags, want)
	}
}
