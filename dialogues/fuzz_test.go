package dialogues

import (
	"io/fs"
	"testing"
)

// FuzzParse feeds the YAML loader anything: it must never panic, and what
// it accepts must run.
func FuzzParse(f *testing.F) {
	files, _ := fs.Glob(LibraryFiles(), "*.yaml")
	for _, name := range files {
		src, _ := fs.ReadFile(LibraryFiles(), name)
		f.Add(src)
	}
	for _, s := range []string{"", "key: [", "steps: *a", "a: &a [*a]", "- - -", "key: t\nsteps:\n  - end\n",
		header + "  - ask: \"{stop_hint}\"\n    expect: {scale: [0, 1e400]}\n",
		header + "  - say: \"{{{{}}}{\"\n", "\t\xff\xfe"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		d, diags := Parse("fuzz.yaml", src)
		for _, diag := range diags {
			_ = diag.String()
		}
		if d == nil {
			return
		}
		s, _, err := d.Step(State{}, Start(), Params{})
		for i := 0; err == nil && !s.Done && i < 20; i++ {
			e := ReplyWith("5")
			if i%3 == 2 {
				e = Timeout()
			}
			s, _, err = d.Step(s, e, Params{Discreet: i%2 == 0})
		}
		if err != nil {
			t.Fatalf("a dialogue that validated failed to run: %v", err)
		}
	})
}

// FuzzParseAnswer feeds the answer parser anything, for every kind of
// question: it must never panic, and an answer it accepts must fit.
func FuzzParseAnswer(f *testing.F) {
	for _, c := range replyTable {
		f.Add(c.reply)
	}
	f.Add("5/0")
	f.Add("99999999999999999999999999/10")
	f.Add("\xff\xfe 1")
	expects := []*Expect{zeroToTen, oneToFive, yesNo, confirmOrRearrange, howDidYouHear, hoursLonely, {Kind: AnswerText}}
	f.Fuzz(func(t *testing.T, reply string) {
		for _, e := range expects {
			v, ok := ParseAnswer(e, reply)
			if !ok {
				if !v.None() {
					t.Fatalf("refused %q but returned %+v", reply, v)
				}
				continue
			}
			if v.Kind != e.Kind {
				t.Fatalf("%s question, %q: answer of kind %s", e.Kind, reply, v.Kind)
			}
			if e.Kind == AnswerScale && (v.Number < float64(e.Min) || v.Number > float64(e.Max)) {
				t.Fatalf("%q read as %v, outside %d-%d", reply, v.Number, e.Min, e.Max)
			}
		}
	})
}
