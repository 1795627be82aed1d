package dialogues

import "testing"

// BenchmarkStep measures one step of a run: parse a reply to an ONS4
// question and produce the next actions.
func BenchmarkStep(b *testing.B) {
	d := mustBuiltin(b, "ons4")
	s, _, err := d.Step(State{}, Start(), margaret)
	if err != nil {
		b.Fatal(err)
	}
	reply := ReplyWith("probably a 3, bit rubbish")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := d.Step(s, reply, margaret); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAnswer measures the answer parser alone.
func BenchmarkParseAnswer(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ParseAnswer(zeroToTen, "probably a 3, bit rubbish")
		ParseAnswer(yesNo, "yes please, that would be lovely x")
	}
}
