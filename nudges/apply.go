package nudges

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/linkbot/linkbot/dialogues"
	"github.com/linkbot/linkbot/store"
)

// Turn is one step of a dialogue run, ready to be carried out: the run, the
// dialogue version it keeps, its state before and after the step, and the
// actions the step returned.
type Turn struct {
	Person   Person
	Run      store.Run // the run; ID set
	Dialogue *dialogues.Dialogue
	Before   dialogues.State // the state before the step (zero for a start)
	After    dialogues.State // the state Step returned
	Actions  []dialogues.Action
	// Kind is the kind of the messages the turn sends: MessageNudge when a
	// nudge caused it, MessageReply when a person's reply did.
	Kind      store.MessageKind
	NudgeID   *int64 // the nudge that caused the turn, if any
	MessageID *int64 // the inbound message that caused the turn, if any
	// Inserted says the run row was written with the After state already
	// (a run started in a batch): only the other actions are left to do.
	Inserted bool
}

// Apply carries out a turn inside tx: Send puts a message in the outbox on
// the person's preferred channel; Record keeps an answer (and, for an
// activity suggestion or follow-up, updates the referral); Escalate raises
// an escalation to the person's link worker; ScheduleTimeout plans a reply
// reminder or expiry nudge keyed by the run and its wait; End ends the run.
// It saves the run's new state. The inbound pipeline calls it for replies,
// the claim loop for nudges.
func (p *Planner) Apply(ctx context.Context, tx *store.Tx, t Turn) error {
	var w writes
	if err := p.apply(ctx, tx, t, &w); err != nil {
		return err
	}
	return w.flush(ctx, tx)
}

// writes are the rows a batch of turns adds that can be written together.
type writes struct {
	messages []*store.Message
	nudges   []*store.Nudge
}

func (w *writes) flush(ctx context.Context, tx *store.Tx) error {
	if err := tx.QueueMessages(ctx, w.messages); err != nil {
		return err
	}
	if _, err := tx.PlanNudges(ctx, w.nudges); err != nil {
		return err
	}
	w.messages, w.nudges = w.messages[:0], w.nudges[:0]
	return nil
}

// apply does the turn's immediate writes and adds its messages and nudges to w.
func (p *Planner) apply(ctx context.Context, tx *store.Tx, t Turn, w *writes) error {
	now := tx.Now()
	channel, address, ok := t.Person.Address()
	escalated := false
	var ended *dialogues.End
	for _, a := range t.Actions {
		switch a := a.(type) {
		case dialogues.Send:
			if !ok {
				return fmt.Errorf("apply turn: person %d has no address for %s", t.Person.ID, channel)
			}
			w.messages = append(w.messages, &store.Message{SchemeID: t.Person.SchemeID, PersonID: &t.Person.ID,
				NudgeID: t.NudgeID, Channel: channel, Address: address, Kind: t.Kind, Body: a.Text})
		case dialogues.Record:
			if err := p.record(ctx, tx, t, a); err != nil {
				return err
			}
		case dialogues.Escalate:
			escalated = true
			if err := escalate(ctx, tx, t, store.Reason(a.Reason), store.Urgency(a.Urgency),
				fmt.Sprintf("dialogue %s, step %s", t.Dialogue.Key, stepName(a.Step))); err != nil {
				return err
			}
		case dialogues.ScheduleTimeout:
			w.nudges = append(w.nudges, timerNudge(t, now.Add(a.After)))
		case dialogues.End:
			ended = &a
		}
	}
	if ended != nil && ended.Outcome == dialogues.OutcomeExpired && !escalated && t.Dialogue.Kind == dialogues.KindCheckin {
		if err := p.unansweredTwice(ctx, tx, t); err != nil {
			return err
		}
	}
	if t.Inserted {
		return nil
	}
	if _, err := tx.CancelRunTimers(ctx, t.Run.ID, TimerKey(t.Run.ID, t.After), "the run moved on"); err != nil {
		return err
	}
	run := t.Run
	if err := settle(&run, t.Before, t.After, t.Actions, t.Dialogue, now); err != nil {
		return err
	}
	if run.EndedAt != nil {
		if err := tx.UpdateRun(ctx, run); err != nil {
			return err
		}
		return tx.EndRun(ctx, run.ID, *run.Outcome)
	}
	return tx.UpdateRun(ctx, run)
}

func stepName(s string) string {
	if s == "" {
		return "expiry"
	}
	return s
}

// settle writes a run's state after a step into r: the state, when it
// started waiting, when it expires if nobody answers, and how it ended.
func settle(r *store.Run, before, after dialogues.State, actions []dialogues.Action, d *dialogues.Dialogue, now time.Time) error {
	state, err := json.Marshal(after)
	if err != nil {
		return fmt.Errorf("save run state: %w", err)
	}
	r.State = state
	if after.Done {
		outcome := store.OutcomeCompleted
		for _, a := range actions {
			if e, ok := a.(dialogues.End); ok && e.Outcome == dialogues.OutcomeExpired {
				outcome = store.OutcomeExpired
			}
		}
		r.WaitingSince, r.ExpiresAt = nil, nil
		r.EndedAt, r.Outcome = &now, &outcome
		return nil
	}
	if r.WaitingSince == nil || before.Step != after.Step || before.Tries != after.Tries {
		r.WaitingSince = &now
	}
	left := max(d.Reply.Reminders-after.Nudged, 0) + 1
	expires := now.Add(time.Duration(left) * d.Reply.Wait)
	r.ExpiresAt = &expires
	return nil
}

// TimerKey is the key of the reply timer of a run waiting in state s: one
// per run, ask, retry and reminder, so a timer of a wait the run has left
// behind is recognised and never fires.
func TimerKey(runID int64, s dialogues.State) string {
	return fmt.Sprintf("reply:%d:%s:%d:%d", runID, s.Step, s.Tries, s.Nudged)
}

// timerNudge is the reply reminder or expiry of a run waiting in t.After.
func timerNudge(t Turn, due time.Time) *store.Nudge {
	kind := store.NudgeReplyExpiry
	if t.After.Nudged < t.Dialogue.Reply.Reminders {
		kind = store.NudgeReplyReminder
	}
	key := t.Dialogue.Key
	return &store.Nudge{SchemeID: t.Person.SchemeID, PersonID: t.Person.ID, Kind: kind, Key: TimerKey(t.Run.ID, t.After),
		DueAt: due, DialogueKey: &key, RunID: &t.Run.ID}
}

// record keeps an answer and, for a suggestion or a follow-up, the referral.
func (p *Planner) record(ctx context.Context, tx *store.Tx, t Turn, a dialogues.Record) error {
	ans := store.Answer{PersonID: t.Person.ID, RunID: t.Run.ID, MessageID: t.MessageID, QuestionKey: a.Step, Words: a.Words}
	if a.Measure != "" && !a.Value.None() {
		if v, ok := number(a.Value); ok {
			ans.MeasureKey, ans.Value = &a.Measure, &v
		}
	}
	if ans.Words == "" && a.Value.Kind == dialogues.AnswerChoice {
		ans.Words = a.Value.Choice
	}
	if err := tx.CreateAnswer(ctx, &ans); err != nil {
		return err
	}
	if a.Value.Kind != dialogues.AnswerYesNo {
		return nil
	}
	now := tx.Now()
	switch a.Measure {
	case "suggestion.accepted":
		r, err := tx.LatestReferral(ctx, t.Person.ID, false)
		if store.ErrorCode(err) == store.NotFound {
			return nil
		} else if err != nil {
			return err
		}
		if !a.Value.Yes {
			r.DeclinedAt = &now
			return tx.UpdateReferral(ctx, r)
		}
		r.AcceptedAt = &now
		if err := tx.UpdateReferral(ctx, r); err != nil {
			return err
		}
		return p.PlanFollowUp(ctx, tx, r)
	case "followup.attended":
		if !a.Value.Yes {
			return nil // the answer itself records that they did not go
		}
		r, err := tx.LatestReferral(ctx, t.Person.ID, true)
		if store.ErrorCode(err) == store.NotFound {
			return nil
		} else if err != nil {
			return err
		}
		r.AttendedAt = &now
		return tx.UpdateReferral(ctx, r)
	}
	return nil
}

// number is an answer's value as a score: yes is 1 and no is 0.
func number(v dialogues.Value) (float64, bool) {
	switch v.Kind {
	case dialogues.AnswerScale, dialogues.AnswerNumber:
		return v.Number, true
	case dialogues.AnswerYesNo:
		if v.Yes {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

func escalate(ctx context.Context, tx *store.Tx, t Turn, reason store.Reason, urgency store.Urgency, note string) error {
	if urgency == "" {
		urgency = store.Routine
	}
	e := store.Escalation{SchemeID: t.Person.SchemeID, PersonID: t.Person.ID, LinkWorkerID: t.Person.LinkWorkerID,
		MessageID: t.MessageID, Reason: reason, Urgency: urgency, Note: note}
	return tx.CreateEscalation(ctx, &e)
}

// unansweredTwice escalates no_response when this check-in expired
// unanswered and so did the person's previous run of the same dialogue,
// but not the one before that: a long silence is escalated once.
func (p *Planner) unansweredTwice(ctx context.Context, tx *store.Tx, t Turn) error {
	prev, err := tx.PreviousRunOutcomes(ctx, t.Person.ID, t.Dialogue.Key, t.Run.ID, 2)
	if err != nil {
		return err
	}
	if len(prev) == 0 || prev[0] != store.OutcomeExpired || (len(prev) == 2 && prev[1] == store.OutcomeExpired) {
		return nil
	}
	return escalate(ctx, tx, t, store.ReasonNoResponse, store.Urgency(t.Dialogue.Reply.Urgency),
		"two check-ins in a row went unanswered")
}
