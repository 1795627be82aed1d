package nudges

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/linkbot/linkbot/dialogues"
	"github.com/linkbot/linkbot/store"
)

// This file is the one run-advancer: the only code that turns the step
// machine's actions into rows. The claim loop calls it for a start or a
// reply timer (batch.go), the inbound pipeline for a reply (Reply).

// Escalator raises an escalation about person p and tells their link
// worker; package bot provides it (the notice's wording, channel and
// working hours are its business). It is called inside the transaction of
// the step that escalates.
type Escalator func(ctx context.Context, tx *store.Tx, p store.Person, reason store.Reason, urgency store.Urgency,
	note string, messageID *int64) error

// Subject is what a run is about, kept on the run when it starts so that
// every later step renders and records the same whichever path carries it:
// the template values of its contact or activity, and the contact or
// referral its answers change.
type Subject struct {
	Vars       dialogues.Vars `json:"vars,omitempty"`
	ContactID  int64          `json:"contact_id,omitempty"`
	ReferralID int64          `json:"referral_id,omitempty"`
}

// subjectOf reads the subject kept on run r.
func subjectOf(r store.Run) (Subject, error) {
	var s Subject
	if len(r.Subject) > 0 {
		if err := json.Unmarshal(r.Subject, &s); err != nil {
			return s, fmt.Errorf("read run %d subject: %w", r.ID, err)
		}
	}
	return s, nil
}

// Turn is one step of a dialogue run, ready to be carried out: the run, the
// dialogue version it keeps, its state before and after the step, and the
// actions the step returned.
type Turn struct {
	Person   Person
	Run      store.Run // the run; ID set
	Subject  Subject   // what the run is about
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

// Reply feeds a person's reply (the inbound message with messageID) to
// their open run and carries out the step inside tx.
func (p *Planner) Reply(ctx context.Context, tx *store.Tx, person store.Person, run store.Run, text string, messageID int64) error {
	t, err := p.turn(ctx, tx, person, run)
	if err != nil {
		return fmt.Errorf("reply to run %d: %w", run.ID, err)
	}
	t.After, t.Actions, err = t.Dialogue.Step(t.Before, dialogues.ReplyWith(text), t.Person.Params(t.Subject))
	if err != nil {
		return fmt.Errorf("reply to run %d: %w", run.ID, err)
	}
	t.Kind, t.MessageID = store.MessageReply, &messageID
	var w writes
	if err := p.apply(ctx, tx, t, &w); err != nil {
		return fmt.Errorf("reply to run %d: %w", run.ID, err)
	}
	return w.flush(ctx, tx)
}

// Understands reports whether text is a valid answer to the question run
// waits at ("8" to a 0–10 question, "C" to a reminder). Anything that
// cannot be checked counts as no.
func (p *Planner) Understands(ctx context.Context, tx *store.Tx, run store.Run, text string) bool {
	var s dialogues.State
	if json.Unmarshal(run.State, &s) != nil {
		return false
	}
	d, err := p.Versions.ByID(ctx, tx, run.DialogueID)
	return err == nil && d.Understands(s, text)
}

// turn reads what a step of an open run needs: the person as the texts
// name them, the dialogue version, the state and the subject.
func (p *Planner) turn(ctx context.Context, tx *store.Tx, person store.Person, run store.Run) (Turn, error) {
	t := Turn{Run: run}
	var err error
	if t.Person, err = personOf(ctx, tx, person); err != nil {
		return t, err
	}
	if t.Dialogue, err = p.Versions.ByID(ctx, tx, run.DialogueID); err != nil {
		return t, err
	}
	if err := json.Unmarshal(run.State, &t.Before); err != nil {
		return t, fmt.Errorf("read run %d state: %w", run.ID, err)
	}
	t.Subject, err = subjectOf(run)
	return t, err
}

// personOf adds to p the names its texts use: their scheme's and their link
// worker's.
func personOf(ctx context.Context, tx *store.Tx, p store.Person) (Person, error) {
	out := Person{Person: p}
	s, err := tx.GetScheme(ctx, p.SchemeID)
	if err != nil {
		return out, err
	}
	out.SchemeName = s.Name
	if p.LinkWorkerID != nil {
		w, err := tx.GetLinkWorker(ctx, *p.LinkWorkerID)
		if err != nil {
			return out, err
		}
		out.LinkWorkerName = w.Name
	}
	return out, nil
}

// writes are the rows a batch of turns adds that can be written together.
type writes struct {
	messages []*store.Message
	buttons  map[*store.Message][]store.Button // Telegram answer buttons of some messages
	nudges   []*store.Nudge
}

func (w *writes) flush(ctx context.Context, tx *store.Tx) error {
	plain := w.messages[:0:0]
	for _, m := range w.messages {
		b, ok := w.buttons[m]
		if !ok {
			plain = append(plain, m)
			continue
		}
		if err := tx.QueueMessage(ctx, m); err != nil {
			return err
		}
		if err := tx.SetButtons(ctx, m.ID, b); err != nil {
			return err
		}
	}
	if err := tx.QueueMessages(ctx, plain); err != nil {
		return err
	}
	if _, err := tx.PlanNudges(ctx, w.nudges); err != nil {
		return err
	}
	w.messages, w.nudges, w.buttons = w.messages[:0], w.nudges[:0], nil
	return nil
}

// send adds a message of the turn to w, with the step's answer buttons on
// Telegram.
func (w *writes) send(t Turn, a dialogues.Send) error {
	channel, address, ok := t.Person.Address()
	if !ok {
		return fmt.Errorf("person %d has no phone number or Telegram chat", t.Person.ID)
	}
	m := &store.Message{SchemeID: t.Person.SchemeID, PersonID: &t.Person.ID, NudgeID: t.NudgeID,
		Channel: channel, Address: address, Kind: t.Kind, Body: a.Text}
	w.messages = append(w.messages, m)
	if b := answerButtons(t.Dialogue, a.Step); channel == store.ChannelTelegram && len(b) > 0 {
		if w.buttons == nil {
			w.buttons = map[*store.Message][]store.Button{}
		}
		w.buttons[m] = b
	}
	return nil
}

// apply does the turn's immediate writes and adds its messages and nudges
// to w: Send puts a message in the outbox at the person's address; Record
// keeps an answer and changes what it answers (the contact, the referral);
// Escalate raises an escalation and tells the link worker; ScheduleTimeout
// plans the reply reminder or expiry of the wait; End ends the run. It
// saves the run's new state.
func (p *Planner) apply(ctx context.Context, tx *store.Tx, t Turn, w *writes) error {
	now := tx.Now()
	escalated := false
	var ended *dialogues.End
	for _, a := range t.Actions {
		switch a := a.(type) {
		case dialogues.Send:
			if err := w.send(t, a); err != nil {
				return err
			}
		case dialogues.Record:
			if err := p.record(ctx, tx, t, a); err != nil {
				return err
			}
		case dialogues.Escalate:
			escalated = true
			if err := p.escalate(ctx, tx, t, store.Reason(a.Reason), store.Urgency(a.Urgency),
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

// answerButtons are the buttons offered on Telegram with the question of
// the ask step: its options, or yes and no. Scales and free answers get
// none: the person types them.
func answerButtons(d *dialogues.Dialogue, stepID string) []store.Button {
	for _, st := range d.Steps {
		if st.ID != stepID || st.Kind != dialogues.StepAsk || st.Expect == nil {
			continue
		}
		switch st.Expect.Kind {
		case dialogues.AnswerYesNo:
			return []store.Button{{Text: "Yes", Data: "yes"}, {Text: "No", Data: "no"}}
		case dialogues.AnswerChoice:
			var list []store.Button
			for _, o := range st.Expect.Options {
				text := o.Code
				if len(o.Words) > 0 {
					text += " (" + o.Words[0] + ")"
				}
				list = append(list, store.Button{Text: text, Data: o.Code})
			}
			return list
		}
	}
	return nil
}

// What the answers of the built-in dialogues change, by the key they
// record under.
const (
	recordContactReply       = "contact.reply"       // C confirms the contact, R asks to move it
	recordSuggestionAccepted = "suggestion.accepted" // yes or no to a suggested group
	recordFollowupAttended   = "followup.attended"   // yes: they went
)

// record keeps an answer (a second answer to the same question of a run
// keeps the first) and changes what it answers: the contact of a reminder,
// the referral of a suggestion or follow-up.
func (p *Planner) record(ctx context.Context, tx *store.Tx, t Turn, a dialogues.Record) error {
	ans := store.Answer{PersonID: t.Person.ID, RunID: t.Run.ID, MessageID: t.MessageID, QuestionKey: a.Step, Words: a.Words}
	if ans.QuestionKey == "" {
		ans.QuestionKey = a.Measure
	}
	if v, ok := number(a.Value); ok {
		ans.Value = &v
		if a.Measure != "" {
			ans.MeasureKey = &a.Measure
		}
	}
	if ans.Words == "" {
		ans.Words = a.Value.Choice
	}
	if ans.Words == "" && a.Value.Kind == dialogues.AnswerText {
		ans.Words = a.Value.Text
	}
	err := tx.Savepoint(ctx, func() error { return tx.CreateAnswer(ctx, &ans) })
	if store.ErrorCode(err) == store.Conflict {
		return nil // answered before: the first answer stands
	} else if err != nil {
		return err
	}
	switch a.Measure {
	case recordContactReply:
		return p.contactReply(ctx, tx, t, a.Value.Choice)
	case recordSuggestionAccepted:
		if a.Value.Kind == dialogues.AnswerYesNo {
			return p.suggestionAnswered(ctx, tx, t, a.Value.Yes)
		}
	case recordFollowupAttended:
		if a.Value.Kind == dialogues.AnswerYesNo && a.Value.Yes {
			return p.attended(ctx, tx, t)
		}
	}
	return nil
}

// contactReply marks the reminder's contact confirmed (C), or as a request
// to rearrange (R), whose remaining reminders are cancelled: the person
// cannot make it, and the link worker is told by the dialogue's escalation.
func (p *Planner) contactReply(ctx context.Context, tx *store.Tx, t Turn, choice string) error {
	if t.Subject.ContactID == 0 {
		return nil
	}
	c, err := tx.GetContact(ctx, t.Subject.ContactID)
	if err != nil {
		return err
	}
	switch {
	case choice == "C" && c.Status == store.ContactBooked:
		c.Status = store.ContactConfirmed
	case choice == "R" && (c.Status == store.ContactBooked || c.Status == store.ContactConfirmed):
		c.Status = store.ContactRearrangeRequested
		if _, err := tx.CancelContactReminders(ctx, c.ID, nil, "the person asked to rearrange"); err != nil {
			return err
		}
	default:
		return nil
	}
	return tx.UpdateContact(ctx, c)
}

// CancelContact cancels the contact that run, a waiting contact reminder,
// is about (the person answered CANCEL), with its remaining reminders,
// and ends the run. It reports false, changing nothing, when the run is
// about no contact still to come.
func (p *Planner) CancelContact(ctx context.Context, tx *store.Tx, run store.Run) (store.Contact, bool, error) {
	subject, err := subjectOf(run)
	if err != nil || subject.ContactID == 0 {
		return store.Contact{}, false, err
	}
	c, err := tx.GetContact(ctx, subject.ContactID)
	if err != nil {
		return c, false, fmt.Errorf("cancel contact: %w", err)
	}
	if (c.Status != store.ContactBooked && c.Status != store.ContactConfirmed) || !c.StartsAt.After(tx.Now()) {
		return c, false, nil
	}
	c.Status = store.ContactCancelled
	if err := tx.UpdateContact(ctx, c); err != nil {
		return c, false, fmt.Errorf("cancel contact: %w", err)
	}
	if _, err := tx.CancelContactReminders(ctx, c.ID, nil, "the person cancelled the contact"); err != nil {
		return c, false, fmt.Errorf("cancel contact: %w", err)
	}
	if _, err := tx.CancelRunTimers(ctx, run.ID, "", "the person cancelled the contact"); err != nil {
		return c, false, fmt.Errorf("cancel contact: %w", err)
	}
	return c, true, tx.EndRun(ctx, run.ID, store.OutcomeCancelled)
}

// suggestionAnswered records yes (a place is taken, and the follow-up is
// planned) or no (the group is not offered again for a while) to the
// run's referral.
func (p *Planner) suggestionAnswered(ctx context.Context, tx *store.Tx, t Turn, yes bool) error {
	r, ok, err := referralOf(ctx, tx, t, false)
	if err != nil || !ok || r.AcceptedAt != nil || r.DeclinedAt != nil {
		return err
	}
	now := tx.Now()
	if !yes {
		r.DeclinedAt = &now
		return tx.UpdateReferral(ctx, r)
	}
	r.AcceptedAt = &now
	if err := tx.UpdateReferral(ctx, r); err != nil {
		return err
	}
	return p.PlanFollowUp(ctx, tx, r)
}

// attended records that the person went to the group of the run's referral.
func (p *Planner) attended(ctx context.Context, tx *store.Tx, t Turn) error {
	r, ok, err := referralOf(ctx, tx, t, true)
	if err != nil || !ok || r.AttendedAt != nil {
		return err
	}
	now := tx.Now()
	r.AttendedAt = &now
	return tx.UpdateReferral(ctx, r)
}

// referralOf is the referral a suggestion or follow-up run is about. A run
// that keeps none (started before runs kept their subject) answers the
// person's latest open one.
func referralOf(ctx context.Context, tx *store.Tx, t Turn, accepted bool) (store.Referral, bool, error) {
	if t.Subject.ReferralID == 0 {
		r, err := tx.LatestReferral(ctx, t.Person.ID, accepted)
		if store.ErrorCode(err) == store.NotFound {
			return r, false, nil
		}
		return r, err == nil, err
	}
	list, err := tx.ListReferrals(ctx, t.Person.ID)
	if err != nil {
		return store.Referral{}, false, err
	}
	for _, r := range list {
		if r.ID == t.Subject.ReferralID {
			return r, true, nil
		}
	}
	return store.Referral{}, false, nil
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

// escalate raises an escalation about the turn's person through the
// Planner's Escalator, or, with none set, only records it.
func (p *Planner) escalate(ctx context.Context, tx *store.Tx, t Turn, reason store.Reason, urgency store.Urgency, note string) error {
	if urgency == "" {
		urgency = store.Routine
	}
	if p.Escalate != nil {
		return p.Escalate(ctx, tx, t.Person.Person, reason, urgency, note, t.MessageID)
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
	return p.escalate(ctx, tx, t, store.ReasonNoResponse, store.Urgency(t.Dialogue.Reply.Urgency),
		"two check-ins in a row went unanswered")
}
