package dialogues

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// State is where a run of a dialogue stands between messages. It is a small
// value: store it as JSON (it marshals to a few dozen bytes) and hand it back
// to Step with the same version of the dialogue.
type State struct {
	Dialogue string `json:"d"`           // dialogue key
	Version  int    `json:"v"`           // dialogue version the run started on
	Step     string `json:"s,omitempty"` // the ask the run waits at; "" before start
	Tries    int    `json:"t,omitempty"` // replies refused at this ask so far
	Nudged   int    `json:"r,omitempty"` // gentle reminders sent for this wait
	Done     bool   `json:"e,omitempty"` // the run has ended
	// Last is the last reply at an ask: its value (if understood) and words.
	Last *Recorded `json:"l,omitempty"`
	// Scores keeps numeric answers by measure, for totals such as SWEMWBS.
	Scores map[string]float64 `json:"n,omitempty"`
}

// Recorded is an answer as kept in State.
type Recorded struct {
	Value Value
	Words string
}

// recordedJSON is Recorded as stored: every field of the value, so that a
// stored state reads back exactly.
type recordedJSON struct {
	Kind   AnswerKind `json:"k,omitempty"`
	Number float64    `json:"n,omitempty"`
	Yes    bool       `json:"y,omitempty"`
	Choice string     `json:"c,omitempty"`
	Text   string     `json:"t,omitempty"`
	Words  string     `json:"w,omitempty"`
}

// MarshalJSON stores r compactly and without loss.
func (r Recorded) MarshalJSON() ([]byte, error) {
	v := r.Value
	return json.Marshal(recordedJSON{v.Kind, v.Number, v.Yes, v.Choice, v.Text, r.Words})
}

// UnmarshalJSON reads what MarshalJSON stored.
func (r *Recorded) UnmarshalJSON(b []byte) error {
	var j recordedJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Recorded{Value: Value{Kind: j.Kind, Number: j.Number, Yes: j.Yes, Choice: j.Choice, Text: j.Text}, Words: j.Words}
	return nil
}

// EventKind names what happened to a run.
type EventKind string

// The events.
const (
	EventStart   EventKind = "start"   // begin the run
	EventReply   EventKind = "reply"   // the person replied
	EventTimeout EventKind = "timeout" // a ScheduleTimeout action's duration passed with no reply
)

// Event is something that happened to a run.
type Event struct {
	Kind EventKind
	Text string // the reply's text, for EventReply
}

// Start is the event that begins a run.
func Start() Event { return Event{Kind: EventStart} }

// ReplyWith is the event of a person replying text.
func ReplyWith(text string) Event { return Event{Kind: EventReply, Text: text} }

// Timeout is the event of a wait running out.
func Timeout() Event { return Event{Kind: EventTimeout} }

// Params are what the caller knows about the run's person and contact.
type Params struct {
	Vars     Vars   // template values; see Variables
	Discreet bool   // the person is in discreet mode: use discreet texts
	Language string // preferred language tag; "" or unknown means the dialogue's first
}

// Action is something the caller must do after a step: one of Send,
// Record, Escalate, ScheduleTimeout or End.
type Action interface{ isAction() }

// Send sends Text to the person.
type Send struct {
	Step string // the step that sends it
	Text string
}

// Record keeps an answer under Measure. When Value.None() the reply was not
// understood; Words still holds the person's own words for the link worker.
type Record struct {
	Step    string
	Measure string // "" when the ask records under no measure
	Value   Value
	Words   string
}

// Escalate raises an escalation to the link worker.
type Escalate struct {
	Step    string // "" for an expiry
	Reason  Reason
	Urgency Urgency
}

// ScheduleTimeout asks the caller to deliver a Timeout event After this
// long unless a reply comes first. The machine has no clock.
type ScheduleTimeout struct {
	After time.Duration
}

// End says the run has ended.
type End struct {
	Outcome Outcome
}

// Outcome is how a run ended.
type Outcome string

// The outcomes.
const (
	OutcomeCompleted Outcome = "completed" // reached its end
	OutcomeExpired   Outcome = "expired"   // no reply in time
)

func (Send) isAction()            {}
func (Record) isAction()          {}
func (Escalate) isAction()        {}
func (ScheduleTimeout) isAction() {}
func (End) isAction()             {}

// Errors Step returns.
var (
	// ErrWrongVersion means the state belongs to another dialogue or
	// version: load the version the state names.
	ErrWrongVersion = errors.New("dialogues: state belongs to another dialogue version")
	// ErrNotWaiting means the event does not fit the run: a reply or
	// timeout before start or after the end, or a second start.
	ErrNotWaiting = errors.New("dialogues: run is not waiting for this event")
)

// Step advances a run of d: given the run's state (on the dialogue version
// the run started on) and an event, it returns the new state and the actions
// to carry out, in order. It is deterministic and does not modify its inputs.
func (d *Dialogue) Step(s State, e Event, p Params) (State, []Action, error) {
	if s.Dialogue != "" && (s.Dialogue != d.Key || s.Version != d.Version) {
		return s, nil, fmt.Errorf("%w: run is on %s v%d, got %s v%d", ErrWrongVersion, s.Dialogue, s.Version, d.Key, d.Version)
	}
	r := &run{d: d, s: s, p: p}
	switch e.Kind {
	case EventStart:
		if s.Dialogue != "" {
			return s, nil, fmt.Errorf("%w: %s has already started", ErrNotWaiting, d.Key)
		}
		r.s = State{Dialogue: d.Key, Version: d.Version}
		if len(d.Steps) == 0 {
			return s, nil, fmt.Errorf("step %s: dialogue has no steps", d.Key)
		}
		return r.from(d.Steps[0].ID)
	case EventReply, EventTimeout:
		ask, ok := d.step(s.Step)
		if s.Done || !ok || ask.Kind != StepAsk {
			return s, nil, fmt.Errorf("%w: %s is not waiting for a reply", ErrNotWaiting, d.Key)
		}
		if e.Kind == EventTimeout {
			return r.timeout(ask)
		}
		return r.reply(ask, e.Text)
	}
	return s, nil, fmt.Errorf("step %s: unknown event %q", d.Key, e.Kind)
}

// run carries one call of Step: the state being built and the actions.
type run struct {
	d   *Dialogue
	s   State
	p   Params
	out []Action
}

func (r *run) emit(a Action) { r.out = append(r.out, a) }

func (r *run) send(step string, m *Message) {
	r.emit(Send{Step: step, Text: m.Render(r.p)})
}

// from executes steps starting at id until the run waits at an ask or ends.
func (r *run) from(id string) (State, []Action, error) {
	for range 4*len(r.d.Steps) + 4 { // validation forbids loops that never wait
		if id == EndID {
			return r.end(OutcomeCompleted)
		}
		st, ok := r.d.step(id)
		if !ok {
			return r.s, nil, fmt.Errorf("step %s: no step %q", r.d.Key, id)
		}
		switch st.Kind {
		case StepSay:
			r.send(st.ID, st.Text)
		case StepAsk:
			r.send(st.ID, st.Text)
			r.wait(st.ID, 0)
			return r.s, r.out, nil
		case StepRecord:
			r.record(st)
		case StepEscalate:
			r.emit(Escalate{Step: st.ID, Reason: st.Reason, Urgency: st.Urgency})
		case StepEnd:
			if st.Text != nil {
				r.send(st.ID, st.Text)
			}
			return r.end(OutcomeCompleted)
		}
		id = r.d.after(st)
	}
	return r.s, nil, fmt.Errorf("step %s: loop that never waits", r.d.Key)
}

// after is where say, record and escalate steps go on to.
func (d *Dialogue) after(s *Step) string {
	if s.Next != "" {
		return s.Next
	}
	return d.following(s)
}

// wait leaves the run waiting at the ask id for a reply.
func (r *run) wait(id string, tries int) {
	r.s.Step, r.s.Tries, r.s.Nudged = id, tries, 0
	r.emit(ScheduleTimeout{After: r.d.Reply.Wait})
}

func (r *run) end(o Outcome) (State, []Action, error) {
	r.s.Step, r.s.Tries, r.s.Nudged, r.s.Last = "", 0, 0, nil
	r.s.Done = true
	r.emit(End{Outcome: o})
	return r.s, r.out, nil
}

// reply handles a person's reply to the ask the run waits at.
func (r *run) reply(ask *Step, text string) (State, []Action, error) {
	v, ok := ParseAnswer(ask.Expect, text)
	words := strings.TrimSpace(text)
	if !ok && r.s.Tries == 0 {
		if ask.Hint != nil {
			r.send(ask.ID, ask.Hint)
		} else {
			r.emit(Send{Step: ask.ID, Text: "Sorry, I didn't catch that. " + ask.Expect.Hint()})
		}
		r.s.Last = &Recorded{Words: words}
		r.wait(ask.ID, 1)
		return r.s, r.out, nil
	}
	if !ok && r.s.Last != nil && r.s.Last.Words != "" {
		words = r.s.Last.Words + " / " + words
	}
	r.emit(Record{Step: ask.ID, Measure: ask.Measure, Value: v, Words: words})
	r.s.Last = &Recorded{Value: v, Words: words}
	r.keepScore(ask.Measure, v)
	next := ask.Else
	if ok {
		for _, b := range ask.Branches {
			if b.When.Matches(v) {
				next = b.Goto
				break
			}
		}
	}
	if next == "" {
		next = r.d.following(ask)
	}
	r.s.Step, r.s.Tries, r.s.Nudged = "", 0, 0
	return r.from(next)
}

// timeout sends a gentle reminder, or expires the run.
func (r *run) timeout(ask *Step) (State, []Action, error) {
	if r.s.Nudged < r.d.Reply.Reminders {
		if m := r.d.Reply.Reminder; m != nil {
			r.send(ask.ID, m)
		} else {
			r.send(ask.ID, ask.Text)
		}
		r.s.Nudged++
		r.emit(ScheduleTimeout{After: r.d.Reply.Wait})
		return r.s, r.out, nil
	}
	if r.d.Reply.OnExpiry == ExpireEscalate {
		r.emit(Escalate{Reason: ReasonNoResponse, Urgency: r.d.Reply.Urgency})
	}
	return r.end(OutcomeExpired)
}

// record carries out a record step.
func (r *run) record(st *Step) {
	switch {
	case st.Value != nil:
		r.emit(Record{Step: st.ID, Measure: st.Measure, Value: *st.Value})
		r.keepScore(st.Measure, *st.Value)
	case st.Total != nil:
		total := 0.0
		for _, m := range st.Total {
			n, ok := r.s.Scores[m]
			if !ok {
				return // an item was not answered: no total
			}
			total += n
		}
		if st.Convert != "" {
			var ok bool
			if total, ok = Conversions[st.Convert](total); !ok {
				return
			}
		}
		v := Value{Kind: AnswerNumber, Number: total}
		r.emit(Record{Step: st.ID, Measure: st.Measure, Value: v})
		r.keepScore(st.Measure, v)
	case r.s.Last != nil:
		r.emit(Record{Step: st.ID, Measure: st.Measure, Value: r.s.Last.Value, Words: r.s.Last.Words})
		r.keepScore(st.Measure, r.s.Last.Value)
	}
}

// keepScore remembers a numeric answer for totals, copying the map so the
// caller's state is not changed.
func (r *run) keepScore(measure string, v Value) {
	if measure == "" || (v.Kind != AnswerScale && v.Kind != AnswerNumber) {
		return
	}
	scores := make(map[string]float64, len(r.s.Scores)+1)
	for k, n := range r.s.Scores {
		scores[k] = n
	}
	scores[measure] = v.Number
	r.s.Scores = scores
}

// Understands reports whether reply is a valid answer to the question the
// run in state s waits at: a number on its scale, a yes or no, one of its
// choices. A free-text question understands nothing this way: free text is
// where people tell us things, and it must be read as such.
func (d *Dialogue) Understands(s State, reply string) bool {
	ask, ok := d.step(s.Step)
	if s.Done || !ok || ask.Kind != StepAsk || ask.Expect == nil || ask.Expect.Kind == AnswerText {
		return false
	}
	_, ok = ParseAnswer(ask.Expect, reply)
	return ok
}
