package nudges

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/linkbot/linkbot/store"
)

// This file is the casework that keeps a person's plan of nudges whole:
// support starting, a pause, a resumption or an opt-in, and support ending.
// Each method takes the transaction of the change, so the plan commits
// with it.

// StartSupport plans the start of a person's support: the scheme's welcome
// dialogue due now, then the check-in that runs at the start of support a
// minute later (so the welcome goes first), then the next recurring
// check-in. Nothing is planned until consent is recorded (or for a person
// who opted out, or whose support ended). Planning is by unique keys, so
// calling it again (when consent is recorded later, say) plans nothing
// twice. Call it when a person is referred and when consent is recorded.
func (p *Planner) StartSupport(ctx context.Context, tx *store.Tx, person store.Person) error {
	if person.ConsentAt == nil || !reachable(person) {
		return nil
	}
	v, err := p.Versions.Published(ctx, tx, person.SchemeID, KeyWelcome)
	if err != nil {
		return fmt.Errorf("start support: %w", err)
	}
	if v.Dialogue.Schedule.AtStart { // a scheme turns the welcome off by publishing one without at_start
		key := KeyWelcome
		welcome := &store.Nudge{SchemeID: person.SchemeID, PersonID: person.ID, Kind: store.NudgeCheckin,
			Key: "welcome:" + strconv.FormatInt(person.ID, 10), DueAt: tx.Now(), DialogueKey: &key}
		if _, err := tx.PlanNudges(ctx, []*store.Nudge{welcome}); err != nil {
			return fmt.Errorf("start support: %w", err)
		}
	}
	if err := p.planCheckins(ctx, tx, person, tx.Now().Add(time.Minute)); err != nil {
		return fmt.Errorf("start support: %w", err)
	}
	if err := tx.NotifyNudges(ctx); err != nil {
		return fmt.Errorf("start support: %w", err)
	}
	return nil
}

// Pause holds the person's nudges until until (other than contact
// reminders: see store.Tx.PauseNudges), and plans the next recurring
// check-in at or after until, so the plan resumes by itself when the
// pause ends. by is the link worker who paused them.
func (p *Planner) Pause(ctx context.Context, tx *store.Tx, person store.Person, by int64, until time.Time) error {
	if _, err := tx.PauseNudges(ctx, person.SchemeID, person.ID, by, until); err != nil {
		return fmt.Errorf("pause nudges: %w", err)
	}
	if person.ConsentAt == nil || !reachable(person) {
		return nil
	}
	n, err := p.nextRecurring(ctx, tx, person, until.Add(-time.Nanosecond))
	if err != nil || n == nil {
		return err
	}
	if _, err := tx.PlanNudgesAgain(ctx, []*store.Nudge{n}); err != nil {
		return fmt.Errorf("pause nudges: %w", err)
	}
	return nil
}

// Resume ends a pause of the person's nudges early and plans them again
// from now, and is also what opting back in (START, or the link worker
// turning messages back on) calls, after recording it: it reads the person
// as tx sees them. It restores the nudges an opt-out cancelled that are
// still to come, cancels a recurring check-in planned later than the next
// occurrence (the one a pause planned for its end), and plans the next
// recurring check-in from now. A person still opted out, or whose support
// ended, gets nothing planned.
func (p *Planner) Resume(ctx context.Context, tx *store.Tx, person store.Person) error {
	person, err := tx.LockPerson(ctx, person.ID)
	if err != nil {
		return fmt.Errorf("resume nudges: %w", err)
	}
	if err := tx.ResumeNudges(ctx, person.ID); err != nil {
		return fmt.Errorf("resume nudges: %w", err)
	}
	if !reachable(person) {
		return nil
	}
	if _, err := tx.RestoreOptedOutNudges(ctx, person.ID); err != nil {
		return fmt.Errorf("resume nudges: %w", err)
	}
	if person.ConsentAt != nil {
		next, err := p.nextRecurring(ctx, tx, person, tx.Now())
		if err != nil {
			return fmt.Errorf("resume nudges: %w", err)
		}
		if next != nil {
			if _, err := tx.CancelPlannedCheckins(ctx, person.ID, recurringPrefix(*next.DialogueKey), next.DueAt, next.Key,
				"nudges resumed: the next check-in comes sooner"); err != nil {
				return fmt.Errorf("resume nudges: %w", err)
			}
			if _, err := tx.PlanNudgesAgain(ctx, []*store.Nudge{next}); err != nil {
				return fmt.Errorf("resume nudges: %w", err)
			}
		}
	}
	if err := tx.NotifyNudges(ctx); err != nil { // restored nudges may be due soon
		return fmt.Errorf("resume nudges: %w", err)
	}
	return nil
}

// EndSupport ends the person's support now for reason (in the link
// worker's words): the check-in at the end of support is planned due now,
// if the scheme's check-in dialogue runs at the end (and the person can be
// messaged); every other open nudge of the person is cancelled; their open
// run, if any, ends as cancelled with its reply timers; and the person's
// status becomes ended, with the time and the reason. The end check-in's
// key starts "checkin:end:", which the claim loop lets through for a person
// whose support has ended. Ending support that has already ended does
// nothing.
func (p *Planner) EndSupport(ctx context.Context, tx *store.Tx, person store.Person, reason string) error {
	person, err := tx.LockPerson(ctx, person.ID)
	if err != nil {
		return fmt.Errorf("end support: %w", err)
	}
	if person.Status != store.PersonActive {
		return nil
	}
	keep := ""
	if person.ConsentAt != nil && reachable(person) {
		n, err := p.endCheckin(ctx, tx, person, tx.Now())
		if err != nil {
			return fmt.Errorf("end support: %w", err)
		}
		if n != nil {
			keep = n.Key
			// Again: one planned ahead (PlanEndOfSupport) goes now instead.
			if _, err := tx.PlanNudgesAgain(ctx, []*store.Nudge{n}); err != nil {
				return fmt.Errorf("end support: %w", err)
			}
		}
	}
	// Every other open nudge, the open run's reply timers among them.
	if _, err := tx.CancelNudgesExcept(ctx, person.ID, keep, "support ended"); err != nil {
		return fmt.Errorf("end support: %w", err)
	}
	run, err := tx.GetOpenRun(ctx, person.ID)
	switch {
	case err == nil:
		if err := tx.EndRun(ctx, run.ID, store.OutcomeCancelled); err != nil {
			return fmt.Errorf("end support: %w", err)
		}
	case store.ErrorCode(err) != store.NotFound:
		return fmt.Errorf("end support: %w", err)
	}
	if err := tx.EndSupport(ctx, person.ID, reason); err != nil {
		return fmt.Errorf("end support: %w", err)
	}
	if err := tx.NotifyNudges(ctx); err != nil {
		return fmt.Errorf("end support: %w", err)
	}
	return nil
}
