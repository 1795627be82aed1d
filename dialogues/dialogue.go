// Package dialogues holds Linkbot's nudge dialogues: the YAML format a
// scheme's admin writes, its validation (every error with file:line:col and a
// hint), the parsing of people's replies ("around five", "aye", "C") and the
// step machine that turns a run's state and an event into the next state and
// a list of actions.
//
// The package is pure: no database, no network and no clock of its own.
// Durations it returns (how long to wait for a reply) are added to "now" by
// the caller. It does not know who a person is, only the template values the
// caller passes in. README.md in this directory documents the format.
package dialogues

import (
	"time"
)

// Kind says what a dialogue is for, which decides what its schedule must say.
type Kind string

// The kinds of dialogue.
const (
	KindReminder   Kind = "reminder"   // before a contact with the link worker
	KindCheckin    Kind = "checkin"    // a wellbeing check-in on a recurrence
	KindSuggestion Kind = "suggestion" // an activity suggestion after an event
	KindFollowup   Kind = "followup"   // a follow-up after an event
	KindWelcome    Kind = "welcome"    // the first message at the start of support
	KindCustom     Kind = "custom"     // anything else
)

// Dialogue is one validated version of a dialogue. Build it with Parse; a
// Dialogue returned without errors is safe to hand to Step.
type Dialogue struct {
	Key       string   // stable identifier, e.g. "ons4"
	KeyPos    Pos      // where key: is in the file
	Name      string   // human name, e.g. "ONS4 wellbeing check-in"
	Kind      Kind     // what it is for
	Version   int      // set by whoever publishes it; a run keeps its version
	Languages []string // language tags; texts are given for each, the first is the default
	// Licence, when not empty, says the scheme must hold a licence to use
	// this dialogue (e.g. SWEMWBS).
	Licence  string
	Schedule Schedule // when it runs
	Reply    Reply    // how long a run waits for an answer and what expiry does
	Steps    []*Step  // in file order; the first is where a run starts

	byID map[string]int
}

// Schedule says when a dialogue runs. Which fields are set depends on Kind;
// time zone arithmetic belongs to the caller (the scheme's time zone).
type Schedule struct {
	// BeforeContact lists offsets before a contact, e.g. 72h and 2h.
	BeforeContact []time.Duration
	// Every is a recurrence for check-ins; nil when there is none.
	Every *Recurrence
	// AtStart and AtEnd run the dialogue at the start and end of support.
	AtStart, AtEnd bool
	// After runs the dialogue a delay after an event; nil when there is none.
	After *AfterEvent
}

// Recurrence is "every N weeks on a weekday at a time of day", in the
// scheme's time zone.
type Recurrence struct {
	Weeks   int          // 1 = every week, 2 = every other week …
	Weekday time.Weekday // the day it falls on
	Hour    int          // 0–23, local time
	Minute  int          // 0–59
}

// AfterEvent is "a delay after an event happened".
type AfterEvent struct {
	Event string        // one of Events
	Delay time.Duration // how long after it
}

// Events are the event names a schedule may follow.
var Events = []string{
	"contact",             // a contact with the link worker took place
	"suggestion",          // an activity suggestion was sent
	"suggestion_accepted", // the person said yes to a suggestion
	"support_start",       // support began
	"support_end",         // support ended
}

// Reply says how a run waits for answers.
type Reply struct {
	Wait      time.Duration // how long each wait for a reply lasts
	Reminders int           // gentle reminders before the run expires
	// Reminder is the text of a gentle reminder; when empty, the pending
	// question is sent again.
	Reminder *Message
	OnExpiry Expiry  // what happens when the last wait runs out
	Urgency  Urgency // urgency of the no_response escalation
}

// Expiry is what happens when a run gets no answer in time.
type Expiry string

// The expiry behaviours.
const (
	ExpireQuietly  Expiry = "nothing"  // the run ends, nothing else happens
	ExpireEscalate Expiry = "escalate" // escalate no_response to the link worker
)

// StepKind names what a step does.
type StepKind string

// The kinds of step.
const (
	StepSay      StepKind = "say"
	StepAsk      StepKind = "ask"
	StepRecord   StepKind = "record"
	StepEscalate StepKind = "escalate"
	StepEnd      StepKind = "end"
)

// Step is one step of a dialogue. Which fields matter depends on Kind.
type Step struct {
	ID   string   // from the file, or "step-N" (1-based) when not given
	Kind StepKind // what the step does
	Pos  Pos      // where the step starts in the file

	// Text is what say, ask and (optionally) end send.
	Text *Message
	// Expect is what an ask expects.
	Expect *Expect
	// Hint replaces the default re-ask hint of an ask.
	Hint *Message
	// Measure is the key an ask's answer, or a record step's value, is
	// kept under, e.g. "ons4.anxiety".
	Measure string
	// Branches of an ask, tried in order; Else is taken when none matches
	// or the reply was not understood. Both are step IDs or "end".
	Branches []Branch
	Else     string
	// Next is where say, record and escalate go on to; "" means the
	// following step, "end" ends the run.
	Next string

	// Record steps: a fixed Value, or the Total of earlier measures
	// (optionally converted with a published table, see Conversions).
	// With neither, the last answer is recorded.
	Value   *Value
	Total   []string
	Convert string

	// Escalate steps.
	Reason  Reason
	Urgency Urgency

	nextPos, elsePos Pos
	index            int // position in Dialogue.Steps
}

// Pos is a position in a dialogue file, 1-based.
type Pos struct {
	Line, Col int
}

// Message is a text template in one or more languages, with an optional
// discreet variant for people on a shared phone. Templates use {variable}
// (see Variables); "{{" and "}}" stand for literal braces.
type Message struct {
	Text     map[string]string // by language tag
	Discreet map[string]string // by language tag; may be empty
	Pos      Pos

	defaultLang string
	discreetPos Pos
}

// Branch sends the run to Goto when the answer matches When.
type Branch struct {
	When Match
	Goto string
	Pos  Pos
}

// Match is the condition of a branch: a yes/no, a choice code, or a
// numeric range (Min ≤ answer ≤ Max).
type Match struct {
	Yes    *bool   // yes/no answers
	Choice string  // choice answers: the option code
	Min    float64 // numeric answers: inclusive bounds
	Max    float64
	Range  bool // true when Min/Max apply
}

// Matches reports whether an understood answer satisfies m.
func (m Match) Matches(v Value) bool {
	switch {
	case m.Yes != nil:
		return v.Kind == AnswerYesNo && v.Yes == *m.Yes
	case m.Choice != "":
		return v.Kind == AnswerChoice && v.Choice == m.Choice
	case m.Range:
		return (v.Kind == AnswerScale || v.Kind == AnswerNumber) && v.Number >= m.Min && v.Number <= m.Max
	}
	return false
}

// Reason is why a dialogue escalates to the link worker.
type Reason string

// Reasons shared with the rest of Linkbot.
const (
	ReasonRisk           Reason = "risk"
	ReasonWantsContact   Reason = "wants_contact"
	ReasonRearrange      Reason = "rearrange"
	ReasonLowScore       Reason = "low_score"
	ReasonNoResponse     Reason = "no_response"
	ReasonDeliveryFailed Reason = "delivery_failed"
	ReasonOptedOut       Reason = "opted_out"
)

// Reasons lists every reason a dialogue may use.
var Reasons = []Reason{ReasonRisk, ReasonWantsContact, ReasonRearrange, ReasonLowScore,
	ReasonNoResponse, ReasonDeliveryFailed, ReasonOptedOut}

// Urgency says how soon the link worker should act on an escalation.
type Urgency string

// The urgencies, least urgent first.
const (
	UrgencyRoutine Urgency = "routine" // in the normal course of work
	UrgencySoon    Urgency = "soon"    // today
	UrgencyUrgent  Urgency = "urgent"  // now, at any hour
)

// Urgencies lists every urgency.
var Urgencies = []Urgency{UrgencyRoutine, UrgencySoon, UrgencyUrgent}

// step returns the step with the given ID.
func (d *Dialogue) step(id string) (*Step, bool) {
	i, ok := d.byID[id]
	if !ok {
		return nil, false
	}
	return d.Steps[i], true
}

// following returns the ID of the step after s in file order, or "end".
func (d *Dialogue) following(s *Step) string {
	i := s.index
	if i+1 < len(d.Steps) {
		return d.Steps[i+1].ID
	}
	return EndID
}

// EndID is the step ID that ends a run when used as a goto target.
const EndID = "end"
