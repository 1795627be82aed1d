package dialogues

import (
	"errors"
	"fmt"
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
	Value Value  `json:"v"`
	Words string `json:"w,omitempty"`
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
	return s, nil, fmt.Errorf("step %s: not built yet", d.Key)
}
