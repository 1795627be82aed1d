package inbox

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/linkbot/linkbot/store"
)

// maxReply is the longest reply a link worker may send: ten SMS segments.
const maxReply = 1530

// personAction runs fn in one transaction for a person of the viewer's
// scope (404 for anyone else), then goes back to the person's page, to the
// form it was done with and its confirmation (fn may choose it with
// confirm). Nothing is done to an erased record. A refusal shows the page again with the reason next to the
// form and what was typed kept.
func (a *app) personAction(w http.ResponseWriter, r *http.Request, what string, fn func(ctx context.Context, tx *store.Tx, v *viewer, p store.Person) error) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	v := viewerOf(r)
	done := &confirmation{}
	ctx := context.WithValue(r.Context(), confirmKey{}, done)
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.GetPersonInScope(ctx, id, v.Worker.SchemeID, v.Scope())
		if err != nil {
			return err
		}
		if p.ErasedAt != nil {
			return formRefusal("This record was erased: nothing more can be done with it.")
		}
		return fn(ctx, tx, v, p)
	})
	var refusal formRefusal
	switch {
	case err == nil:
		http.Redirect(w, r, afterAction(id, sectionOf(what, r), done), http.StatusSeeOther)
	case asRefusal(err, &refusal):
		a.renderPersonProblem(w, r, id, what, string(refusal))
	default:
		a.storeError(w, r, what, err)
	}
}

// formRefusal is a reason, in words for the link worker, why an action
// was not done.
type formRefusal string

func (f formRefusal) Error() string { return string(f) }

func asRefusal(err error, out *formRefusal) bool {
	f, ok := err.(formRefusal)
	if ok {
		*out = f
	}
	return ok
}

// audit records what the viewer did to a person's record.
func audit(ctx context.Context, tx *store.Tx, v *viewer, personID int64, action string, detail map[string]any) error {
	var raw store.JSON
	if detail != nil {
		b, err := json.Marshal(detail)
		if err != nil {
			return err
		}
		raw = b
	}
	e := store.AuditEvent{SchemeID: v.Worker.SchemeID, ActorID: &v.Worker.ID, Actor: v.Worker.Name, Action: action, PersonID: &personID,
		Detail: raw, Address: v.Address}
	return tx.RecordAudit(ctx, &e)
}

// reply queues the link worker's message to the person, signed with their
// first name, for the dispatcher to send on the person's channel.
func (a *app) reply(w http.ResponseWriter, r *http.Request) {
	a.personAction(w, r, "reply", func(ctx context.Context, tx *store.Tx, v *viewer, p store.Person) error {
		body := strings.TrimSpace(r.PostFormValue("body"))
		if body == "" {
			return formRefusal("Write a message before sending.")
		}
		if utf8.RuneCountInString(body) > maxReply {
			return formRefusal(fmt.Sprintf("That message is %d characters: the limit is %d (ten texts). Shorten it, or split it in two.", utf8.RuneCountInString(body), maxReply))
		}
		if p.OptedOutAt != nil {
			return formRefusal(p.Name + " has asked for no more messages (STOP), so nothing was sent. Phone them instead, or ask them to text START.")
		}
		m, err := ReplyMessage(p, v.Worker, body)
		if err != nil {
			return formRefusal(err.Error())
		}
		if err := tx.QueueMessage(ctx, &m); err != nil {
			return err
		}
		confirm(ctx, "sent")
		return audit(ctx, tx, v, p.ID, "message.from_link_worker", map[string]any{"message_id": m.ID})
	})
}

// ReplyMessage is the outbox message that carries a link worker's reply to
// a person at their address (store.Person.Address), signed with the link
// worker's first name.
func ReplyMessage(p store.Person, from store.LinkWorker, body string) (store.Message, error) {
	channel, address, ok := p.Address()
	if !ok {
		return store.Message{}, fmt.Errorf("%s has no phone number or Telegram chat to write to", p.Name)
	}
	return store.Message{SchemeID: p.SchemeID, PersonID: &p.ID, AuthorID: &from.ID, Kind: store.MessageFromLinkWorker,
		Channel: channel, Address: address, Body: body + "\n– " + firstName(from.Name)}, nil
}

func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return name
}

func (a *app) addNote(w http.ResponseWriter, r *http.Request) {
	a.personAction(w, r, "note", func(ctx context.Context, tx *store.Tx, v *viewer, p store.Person) error {
		body := strings.TrimSpace(r.PostFormValue("body"))
		if body == "" {
			return formRefusal("Write the note before saving it.")
		}
		return tx.CreateNote(ctx, &store.Note{SchemeID: p.SchemeID, PersonID: p.ID, AuthorID: v.Worker.ID, Body: body})
	})
}

// recordConsent records that the person agreed, now, to messages from the
// scheme, with the viewer as the one who recorded it, and starts their
// support: the welcome and the first check-in are planned.
func (a *app) recordConsent(w http.ResponseWriter, r *http.Request) {
	a.personAction(w, r, "consent", func(ctx context.Context, tx *store.Tx, v *viewer, p store.Person) error {
		if p.ConsentAt != nil {
			return nil
		}
		now := tx.Now()
		p.ConsentAt, p.ConsentBy = &now, &v.Worker.ID
		if err := tx.UpdatePerson(ctx, p); err != nil {
			return err
		}
		if err := a.Nudges.StartSupport(ctx, tx, p); err != nil {
			return err
		}
		return audit(ctx, tx, v, p.ID, "person.consent_recorded", nil)
	})
}

// setOptOut records, for someone who told their link worker rather than
// texting STOP, that they want no more messages (their nudges are cancelled),
// or that they want them again.
func (a *app) setOptOut(w http.ResponseWriter, r *http.Request) {
	a.personAction(w, r, "opt-out", func(ctx context.Context, tx *store.Tx, v *viewer, p store.Person) error {
		if r.PostFormValue("opted_out") == "on" {
			if p.OptedOutAt != nil {
				return nil
			}
			now := tx.Now()
			p.OptedOutAt = &now
			if err := tx.UpdatePerson(ctx, p); err != nil {
				return err
			}
			if _, err := tx.CancelNudges(ctx, p.ID, "opted out through their link worker"); err != nil {
				return err
			}
			return audit(ctx, tx, v, p.ID, "person.opted_out", map[string]any{"by": "link_worker"})
		}
		if p.OptedOutAt == nil {
			return nil
		}
		p.OptedOutAt = nil
		if err := tx.UpdatePerson(ctx, p); err != nil {
			return err
		}
		if err := a.Nudges.Resume(ctx, tx, p); err != nil {
			return err
		}
		return audit(ctx, tx, v, p.ID, "person.opted_in", map[string]any{"by": "link_worker"})
	})
}

func (a *app) setDiscreet(w http.ResponseWriter, r *http.Request) {
	a.personAction(w, r, "discreet mode", func(ctx context.Context, tx *store.Tx, v *viewer, p store.Person) error {
		p.Discreet = r.PostFormValue("discreet") == "on"
		if err := tx.UpdatePerson(ctx, p); err != nil {
			return err
		}
		return audit(ctx, tx, v, p.ID, "person.discreet_changed", map[string]any{"discreet": p.Discreet})
	})
}

// pauseNudges holds the person's nudges for some days (the check-ins
// carry on after), or resumes them now.
func (a *app) pauseNudges(w http.ResponseWriter, r *http.Request) {
	a.personAction(w, r, "pause nudges", func(ctx context.Context, tx *store.Tx, v *viewer, p store.Person) error {
		if r.PostFormValue("resume") != "" {
			if err := a.Nudges.Resume(ctx, tx, p); err != nil {
				return err
			}
			return audit(ctx, tx, v, p.ID, "nudges.resumed", nil)
		}
		days, err := strconv.Atoi(r.PostFormValue("days"))
		if err != nil || days < 1 || days > 90 {
			return formRefusal("Pause for between 1 and 90 days.")
		}
		until := tx.Now().AddDate(0, 0, days)
		if err := a.Nudges.Pause(ctx, tx, p, v.Worker.ID, until); err != nil {
			return err
		}
		return audit(ctx, tx, v, p.ID, "nudges.paused", map[string]any{"days": days})
	})
}

// maxEndReason is the longest reason for ending support the inbox keeps.
const maxEndReason = 500

// endSupport ends the person's support, for the reason the link worker
// gives: every planned nudge is cancelled but the check-in at the end.
func (a *app) endSupport(w http.ResponseWriter, r *http.Request) {
	a.personAction(w, r, "end support", func(ctx context.Context, tx *store.Tx, v *viewer, p store.Person) error {
		reason := strings.TrimSpace(r.PostFormValue("reason"))
		if why := endRefusal(p, reason); why != "" {
			return formRefusal(why)
		}
		if err := a.Nudges.EndSupport(ctx, tx, p, reason); err != nil {
			return err
		}
		confirm(ctx, "ended")
		// The reason stays on the person, where erasure and retention reach it.
		return audit(ctx, tx, v, p.ID, "person.support_ended", nil)
	})
}

// endRefusal says why support cannot end for reason, or "".
func endRefusal(p store.Person, reason string) string {
	switch {
	case p.Status != store.PersonActive:
		return p.Name + "'s support has already ended."
	case reason == "":
		return "Say why support is ending."
	case utf8.RuneCountInString(reason) > maxEndReason:
		return fmt.Sprintf("Keep the reason under %d characters.", maxEndReason)
	}
	return ""
}

// startDialogue plans a published dialogue for the person now; the nudge
// loop starts it at once (quiet hours still apply).
func (a *app) startDialogue(w http.ResponseWriter, r *http.Request) {
	a.personAction(w, r, "start dialogue", func(ctx context.Context, tx *store.Tx, v *viewer, p store.Person) error {
		if p.OptedOutAt != nil {
			return formRefusal(p.Name + " has asked for no more messages (STOP), so no dialogue can start.")
		}
		key := r.PostFormValue("dialogue")
		if _, err := tx.GetPublishedDialogue(ctx, p.SchemeID, key); err != nil {
			if store.ErrorCode(err) == store.NotFound {
				return formRefusal("There is no published dialogue " + strconv.Quote(key) + ".")
			}
			return err
		}
		kind := store.NudgeCheckin
		switch {
		case strings.Contains(key, "suggestion"):
			kind = store.NudgeSuggestion
		case strings.Contains(key, "followup"):
			kind = store.NudgeFollowup
		}
		n := store.Nudge{SchemeID: p.SchemeID, PersonID: p.ID, Kind: kind, DueAt: tx.Now(), DialogueKey: &key,
			Key: fmt.Sprintf("manual:%d:%s:%d", p.ID, key, tx.Now().UnixNano())}
		if err := tx.CreateNudge(ctx, &n); err != nil {
			return err
		}
		confirm(ctx, "started")
		if at, err := a.Nudges.NextSendTime(v.Scheme, tx.Now()); err == nil && at.After(tx.Now()) {
			c := confirmationOf(ctx)
			c.key, c.at = "quiet", at.In(v.Loc).Format("15:04")
		}
		return audit(ctx, tx, v, p.ID, "dialogue.started", map[string]any{"dialogue": key, "nudge_id": n.ID})
	})
}

// acknowledge records that the viewer has seen an escalation of the person.
func (a *app) acknowledge(w http.ResponseWriter, r *http.Request) {
	a.escalationAction(w, r, "escalation.acknowledged", func(ctx context.Context, tx *store.Tx, v *viewer, e store.Escalation) error {
		return tx.AcknowledgeEscalation(ctx, e.ID, v.Worker.ID)
	})
}

// resolve records that an escalation has been dealt with (and, if nobody
// had, acknowledges it).
func (a *app) resolve(w http.ResponseWriter, r *http.Request) {
	a.escalationAction(w, r, "escalation.resolved", func(ctx context.Context, tx *store.Tx, v *viewer, e store.Escalation) error {
		if err := tx.AcknowledgeEscalation(ctx, e.ID, v.Worker.ID); err != nil {
			return err
		}
		return tx.ResolveEscalation(ctx, e.ID)
	})
}

func (a *app) escalationAction(w http.ResponseWriter, r *http.Request, action string, fn func(ctx context.Context, tx *store.Tx, v *viewer, e store.Escalation) error) {
	eid, ok := pathID(w, r, "escalation")
	if !ok {
		return
	}
	a.personAction(w, r, action, func(ctx context.Context, tx *store.Tx, v *viewer, p store.Person) error {
		e, err := tx.GetEscalation(ctx, eid)
		if err != nil {
			return err
		}
		if e.PersonID != p.ID {
			return &store.Error{Code: store.NotFound, Op: action, Message: "not this person's escalation"}
		}
		targets := []store.Escalation{e}
		if e.Reason == store.ReasonOptedOut {
			// The page shows one card for all open opt-outs: it acts on all.
			all, err := tx.ListPersonEscalations(ctx, p.ID)
			if err != nil {
				return err
			}
			for _, o := range all {
				if o.ID != e.ID && o.Reason == store.ReasonOptedOut && o.ResolvedAt == nil {
					targets = append(targets, o)
				}
			}
		}
		for _, t := range targets {
			if err := fn(ctx, tx, v, t); err != nil {
				return err
			}
			if err := audit(ctx, tx, v, p.ID, action, map[string]any{"escalation_id": t.ID}); err != nil {
				return err
			}
		}
		confirm(ctx, "saved")
		return nil
	})
}

// parseLocal reads a datetime-local form value in the scheme's zone.
func parseLocal(s string, loc *time.Location) (time.Time, error) {
	return time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(s), loc)
}
