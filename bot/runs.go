package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/linkbot/linkbot/dialogues"
	"github.com/linkbot/linkbot/store"
)

// LoadVersion returns the stored dialogue version with id, parsed, from
// cache (or reading it through tx the first time).
func LoadVersion(ctx context.Context, tx *store.Tx, cache *dialogues.Cache, id int64) (*dialogues.Dialogue, error) {
	return cache.Load(id, func() (dialogues.Source, error) {
		row, err := tx.GetDialogue(ctx, id)
		if err != nil {
			return dialogues.Source{}, fmt.Errorf("load dialogue %d: %w", id, err)
		}
		return dialogues.Source{File: row.Key + ".yaml", Version: row.Version, Text: []byte(row.Source)}, nil
	})
}

// RunTurn is what Advance needs to know besides the run and the event.
type RunTurn struct {
	Person store.Person
	// Channel and Address are where the run's messages go.
	Channel store.Channel
	Address string
	// MessageID is the inbound message that carried a reply, nil for
	// other events; answers and escalations point at it.
	MessageID *int64
	// Kind is the kind of the messages the step sends: MessageReply for a
	// reply, MessageNudge for a start or a timeout.
	Kind store.MessageKind
	// PublicURL is the base of links in link-worker notifications.
	PublicURL string
}

// Advance feeds event to run (the person's open run, on its own dialogue
// version d) and carries out the step's actions inside tx: Send queues a
// message to the person, Record stores an answer, Escalate records an
// escalation and notifies the link worker, ScheduleTimeout plans a
// reply_reminder or reply_expiry nudge (cancelling the run's earlier
// ones), End ends the run. The run's new state is saved. Template values
// come from the person, their link worker, scheme and next contact.
func Advance(ctx context.Context, tx *store.Tx, d *dialogues.Dialogue, run store.Run, event dialogues.Event, turn RunTurn) error {
	var state dialogues.State
	if len(run.State) > 0 {
		if err := json.Unmarshal(run.State, &state); err != nil {
			return fmt.Errorf("advance run %d: read state: %w", run.ID, err)
		}
	}
	params, err := runParams(ctx, tx, turn.Person)
	if err != nil {
		return fmt.Errorf("advance run %d: %w", run.ID, err)
	}
	next, actions, err := d.Step(state, event, params)
	if err != nil {
		return fmt.Errorf("advance run %d: %w", run.ID, err)
	}
	if event.Kind == dialogues.EventReply {
		if _, err := tx.CancelRunTimeouts(ctx, run.ID); err != nil {
			return fmt.Errorf("advance run %d: %w", run.ID, err)
		}
		run.WaitingSince = nil
	}
	ended := false
	for _, a := range actions {
		if err := apply(ctx, tx, d, &run, next, a, turn); err != nil {
			return fmt.Errorf("advance run %d: %w", run.ID, err)
		}
		if _, ok := a.(dialogues.End); ok {
			ended = true
		}
	}
	if ended {
		return nil
	}
	raw, err := json.Marshal(next)
	if err != nil {
		return fmt.Errorf("advance run %d: write state: %w", run.ID, err)
	}
	run.State = raw
	return tx.UpdateRun(ctx, run)
}

// apply carries out one action of a step.
func apply(ctx context.Context, tx *store.Tx, d *dialogues.Dialogue, run *store.Run, next dialogues.State, a dialogues.Action, turn RunTurn) error {
	p := turn.Person
	switch a := a.(type) {
	case dialogues.Send:
		if turn.Address == "" {
			return nil
		}
		m := store.Message{SchemeID: p.SchemeID, PersonID: &p.ID, Channel: turn.Channel, Address: turn.Address,
			Kind: turn.Kind, Body: a.Text}
		if err := tx.QueueMessage(ctx, &m); err != nil {
			return err
		}
		if buttons := answerButtons(d, a.Step); turn.Channel == store.ChannelTelegram && len(buttons) > 0 {
			return tx.SetButtons(ctx, m.ID, buttons)
		}
		return nil
	case dialogues.Record:
		return record(ctx, tx, run, a, turn.MessageID)
	case dialogues.Escalate:
		note := fmt.Sprintf("from dialogue %s, step %s", d.Key, a.Step)
		if a.Step == "" {
			note = fmt.Sprintf("dialogue %s got no reply in time", d.Key)
		}
		return Escalate(ctx, tx, p, store.Reason(a.Reason), store.Urgency(a.Urgency), note, turn.MessageID, turn.PublicURL)
	case dialogues.ScheduleTimeout:
		now := tx.Now()
		run.WaitingSince = &now
		due := now.Add(a.After)
		run.ExpiresAt = &due
		kind := store.NudgeReplyReminder
		if next.Nudged >= d.Reply.Reminders {
			kind = store.NudgeReplyExpiry
		}
		n := store.Nudge{SchemeID: p.SchemeID, PersonID: p.ID, Kind: kind, RunID: &run.ID, DueAt: due,
			DialogueKey: &d.Key, Key: fmt.Sprintf("run:%d:%s:%s:%d", run.ID, kind, next.Step, now.UnixMicro())}
		_, err := tx.PlanNudge(ctx, &n)
		return err
	case dialogues.End:
		if _, err := tx.CancelRunTimeouts(ctx, run.ID); err != nil {
			return err
		}
		return tx.EndRun(ctx, run.ID, store.Outcome(a.Outcome))
	}
	return fmt.Errorf("unknown action %T", a)
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

// record stores an answer; a second answer to the same question of a run
// (a dialogue that asks again) keeps the first.
func record(ctx context.Context, tx *store.Tx, run *store.Run, a dialogues.Record, messageID *int64) error {
	ans := store.Answer{PersonID: run.PersonID, RunID: run.ID, MessageID: messageID, QuestionKey: a.Step, Words: a.Words}
	if ans.QuestionKey == "" {
		ans.QuestionKey = a.Measure
	}
	switch a.Value.Kind {
	case dialogues.AnswerScale, dialogues.AnswerNumber:
		ans.Value = &a.Value.Number
	case dialogues.AnswerYesNo:
		v := 0.0
		if a.Value.Yes {
			v = 1
		}
		ans.Value = &v
	case dialogues.AnswerChoice:
		if ans.Words == "" {
			ans.Words = a.Value.Choice
		}
	case dialogues.AnswerText:
		if ans.Words == "" {
			ans.Words = a.Value.Text
		}
	}
	if a.Measure != "" && ans.Value != nil {
		ans.MeasureKey = &a.Measure
	}
	err := tx.CreateAnswer(ctx, &ans)
	if store.ErrorCode(err) == store.Conflict {
		return nil
	}
	return err
}

// runParams are the template values for the person's messages.
func runParams(ctx context.Context, tx *store.Tx, p store.Person) (dialogues.Params, error) {
	vars := dialogues.Vars{"first_name": firstName(p.Name), "stop_hint": dialogues.StopHint}
	scheme, err := tx.GetScheme(ctx, p.SchemeID)
	if err != nil {
		return dialogues.Params{}, err
	}
	vars["scheme"] = scheme.Name
	if p.LinkWorkerID != nil {
		w, err := tx.GetLinkWorker(ctx, *p.LinkWorkerID)
		if err != nil {
			return dialogues.Params{}, err
		}
		vars["link_worker"] = firstName(w.Name)
	}
	c, err := tx.NextContact(ctx, p.ID)
	switch {
	case err == nil:
		loc, lerr := scheme.Location()
		if lerr != nil {
			loc = time.UTC
		}
		at := c.StartsAt.In(loc)
		vars["contact_day"] = at.Format("Monday 2 January")
		vars["contact_time"] = strings.ToLower(at.Format("3:04PM"))
		vars["contact_place"] = c.Place
	case store.ErrorCode(err) != store.NotFound:
		return dialogues.Params{}, err
	}
	return dialogues.Params{Vars: vars, Discreet: p.Discreet, Language: p.Language}, nil
}
