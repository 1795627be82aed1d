package dialogues

import (
	"fmt"
	"strings"
	"time"
)

// WaitLine is the reply line that stands for the person staying silent
// until the run's wait runs out (a Timeout event) in a simulation.
const WaitLine = "/wait"

// Turn is one line of a simulated conversation: a message from the bot, a
// reply from the person (or their silence), and what the bot recorded,
// escalated or ended because of it.
type Turn struct {
	From       string          `json:"from"`              // "bot" or "person"
	Text       string          `json:"text,omitempty"`    // what was sent or replied
	Silence    string          `json:"silence,omitempty"` // the person did not reply for this long
	Answer     *TurnAnswer     `json:"answer,omitempty"`
	Escalation *TurnEscalation `json:"escalation,omitempty"`
	End        Outcome         `json:"end,omitempty"`
}

// TurnAnswer is a recorded answer in a transcript.
type TurnAnswer struct {
	Measure string `json:"measure"`
	Value   Value  `json:"value"`
	Words   string `json:"words,omitempty"` // set when the reply was not understood
}

// TurnEscalation is an escalation in a transcript.
type TurnEscalation struct {
	Reason  Reason  `json:"reason"`
	Urgency Urgency `json:"urgency"`
}

// String renders t as one line of a readable transcript.
func (t Turn) String() string {
	switch {
	case t.Silence != "":
		return fmt.Sprintf("person: (no reply for %s)", t.Silence)
	case t.Answer != nil && t.From == "person":
		return fmt.Sprintf("person: %s\n%s", t.Text, t.Answer)
	case t.Answer != nil:
		return t.Answer.String()
	case t.Escalation != nil:
		return fmt.Sprintf("  => escalate %s (%s)", t.Escalation.Reason, t.Escalation.Urgency)
	case t.End != "":
		return fmt.Sprintf("  => end: %s", t.End)
	}
	return fmt.Sprintf("%s: %s", t.From, t.Text)
}

// String renders a recorded answer for a readable transcript.
func (a *TurnAnswer) String() string {
	name := a.Measure
	if name == "" {
		name = "(no measure)"
	}
	if a.Value.None() {
		return fmt.Sprintf("  => record %s: no answer, words kept: %q", name, a.Words)
	}
	return fmt.Sprintf("  => record %s = %s", name, a.Value)
}

// Simulation plays a dialogue against a person's replies, for the
// simulate command and golden tests.
type Simulation struct {
	d *Dialogue
	s State
	p Params
}

// NewSimulation prepares a simulation of d for a person with params p;
// call Start to begin it.
func NewSimulation(d *Dialogue, p Params) *Simulation {
	return &Simulation{d: d, p: p}
}

// Done reports whether the run has ended.
func (sim *Simulation) Done() bool { return sim.s.Done }

// Start begins the run and returns what the bot does.
func (sim *Simulation) Start() ([]Turn, error) {
	return sim.step(Start(), nil)
}

// Reply feeds one line from the person: their reply, or WaitLine for
// silence until the wait runs out.
func (sim *Simulation) Reply(line string) ([]Turn, error) {
	if strings.TrimSpace(line) == WaitLine {
		return sim.step(Timeout(), &Turn{From: "person", Silence: formatDuration(sim.d.Reply.Wait)})
	}
	return sim.step(ReplyWith(line), &Turn{From: "person", Text: line})
}

func (sim *Simulation) step(e Event, person *Turn) ([]Turn, error) {
	s, actions, err := sim.d.Step(sim.s, e, sim.p)
	if err != nil {
		return nil, err
	}
	sim.s = s
	var turns []Turn
	if person != nil {
		turns = append(turns, *person)
	}
	for _, a := range actions {
		switch a := a.(type) {
		case Send:
			turns = append(turns, Turn{From: "bot", Text: a.Text})
		case Record:
			ans := &TurnAnswer{Measure: a.Measure, Value: a.Value}
			if a.Value.None() {
				ans.Words = a.Words
			}
			// The answer to a reply rides on the reply's own line.
			if len(turns) == 1 && person != nil && person.Silence == "" && turns[0].Answer == nil {
				turns[0].Answer = ans
			} else {
				turns = append(turns, Turn{From: "bot", Answer: ans})
			}
		case Escalate:
			turns = append(turns, Turn{From: "bot", Escalation: &TurnEscalation{Reason: a.Reason, Urgency: a.Urgency}})
		case End:
			turns = append(turns, Turn{From: "bot", End: a.Outcome})
		}
	}
	return turns, nil
}

// Simulate plays d against replies (one per line; WaitLine for silence)
// until they run out or the run ends, returning the whole transcript and
// how many replies were left unused.
func Simulate(d *Dialogue, replies []string, p Params) (turns []Turn, unused int, err error) {
	sim := NewSimulation(d, p)
	turns, err = sim.Start()
	if err != nil {
		return nil, 0, err
	}
	for i, line := range replies {
		if sim.Done() {
			return turns, len(replies) - i, nil
		}
		more, err := sim.Reply(line)
		if err != nil {
			return turns, 0, err
		}
		turns = append(turns, more...)
	}
	return turns, 0, nil
}

// SampleVars returns realistic template values for simulations.
func SampleVars() Vars { return sampleVars() }

// formatDuration writes d as the format does: 3d, 2h, 1d 12h.
func formatDuration(d time.Duration) string {
	var parts []string
	for _, u := range []struct {
		name string
		d    time.Duration
	}{{"w", 7 * 24 * time.Hour}, {"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}} {
		if n := d / u.d; n > 0 {
			parts = append(parts, fmt.Sprintf("%d%s", n, u.name))
			d -= n * u.d
		}
	}
	if len(parts) == 0 {
		return "0m"
	}
	return strings.Join(parts, " ")
}
