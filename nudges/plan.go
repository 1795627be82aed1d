package nudges

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/linkbot/linkbot/dialogues"
	"github.com/linkbot/linkbot/store"
)

// Planner plans nudges from what the database says and carries out dialogue
// turns (Apply). Its methods take the transaction of the change that calls
// for planning, so the plan commits with the change. It is safe for
// concurrent use.
type Planner struct {
	Versions *Versions
	// Escalate raises the escalations dialogue steps call for and tells the
	// link worker; nil only records them.
	Escalate Escalator
}

// NewPlanner returns a Planner with an empty cache of dialogue versions.
func NewPlanner() *Planner { return &Planner{Versions: NewVersions()} }

// CheckinKey returns the key of the scheme's check-in dialogue: the
// scheme setting "checkin_dialogue", or "ons4".
func CheckinKey(s store.Scheme) string {
	var settings struct {
		Checkin string `json:"checkin_dialogue"`
	}
	if json.Unmarshal(s.Settings, &settings) == nil && settings.Checkin != "" {
		return settings.Checkin
	}
	return KeyCheckin
}

// Keys of planned nudges. Each is unique, so planning twice leaves one row.
func reminderKey(contactID int64, before time.Duration, startsAt time.Time) string {
	return fmt.Sprintf("contact_reminder:%d:%dm:%d", contactID, int(before.Minutes()), startsAt.Unix())
}

// Recurring check-ins are keyed by dialogue key, the dialogue version
// planned from, the person and the occurrence: a schedule changed and later
// changed back plans afresh instead of running into its old keys.
func recurringPrefix(dialogueKey string) string { return "checkin:every:" + dialogueKey + ":" }

func versionPrefix(dialogueKey string, versionID int64) string {
	return recurringPrefix(dialogueKey) + "v" + strconv.FormatInt(versionID, 10) + ":"
}

func recurringKey(dialogueKey string, versionID, personID int64, due time.Time) string {
	return versionPrefix(dialogueKey, versionID) + strconv.FormatInt(personID, 10) + ":" + strconv.FormatInt(due.Unix(), 10)
}

func isRecurring(n store.Nudge) bool {
	return n.Kind == store.NudgeCheckin && n.DialogueKey != nil && len(n.Key) > len(recurringPrefix(*n.DialogueKey)) &&
		n.Key[:len(recurringPrefix(*n.DialogueKey))] == recurringPrefix(*n.DialogueKey)
}

// PlanContact plans, re-plans or drops the reminders of a contact, and
// plans an activity suggestion after a contact that took place. Call it in
// the transaction that books, moves, cancels or completes the contact, or
// records that the person did not attend it.
//
// Reminders follow the scheme's reminder dialogue (by default 3 days and 2
// hours before). A reminder whose time has passed is left out, so a contact
// booked less than 3 days ahead still gets the 2-hour one. A reminder that
// would fall in quiet hours goes at the end of the send hours before them
// (a 2-hour reminder for an 08:30 visit goes the evening before). A moved
// contact's old reminders are cancelled; a cancelled, done or missed
// (did-not-attend) contact, or a person who opted out or whose support
// ended, has none. A missed contact plans nothing new: the link worker
// decides what comes next.
func (p *Planner) PlanContact(ctx context.Context, tx *store.Tx, c store.Contact) error {
	person, err := tx.GetPerson(ctx, c.PersonID)
	if err != nil {
		return fmt.Errorf("plan contact %d: %w", c.ID, err)
	}
	var want []*store.Nudge
	live := (c.Status == store.ContactBooked || c.Status == store.ContactConfirmed) && reachable(person)
	if live {
		if want, err = p.reminders(ctx, tx, person, c); err != nil {
			return fmt.Errorf("plan contact %d: %w", c.ID, err)
		}
	}
	keep := make([]string, len(want))
	for i, n := range want {
		keep[i] = n.Key
	}
	note := "the contact moved"
	if !live {
		note = "the contact is " + string(c.Status)
	}
	if _, err := tx.CancelContactReminders(ctx, c.ID, keep, note); err != nil {
		return fmt.Errorf("plan contact %d: %w", c.ID, err)
	}
	if _, err := tx.PlanNudges(ctx, want); err != nil {
		return fmt.Errorf("plan contact %d: %w", c.ID, err)
	}
	if c.Status == store.ContactDone && reachable(person) {
		return p.PlanSuggestion(ctx, tx, person, c.StartsAt)
	}
	return nil
}

func reachable(p store.Person) bool { return p.OptedOutAt == nil && p.Status == store.PersonActive }

func (p *Planner) reminders(ctx context.Context, tx *store.Tx, person store.Person, c store.Contact) ([]*store.Nudge, error) {
	scheme, err := tx.GetScheme(ctx, c.SchemeID)
	if err != nil {
		return nil, err
	}
	hours, err := SendHoursOf(scheme)
	if err != nil {
		return nil, err
	}
	v, err := p.Versions.Published(ctx, tx, c.SchemeID, KeyContactReminder)
	if err != nil {
		return nil, err
	}
	var list []*store.Nudge
	key := KeyContactReminder
	for _, before := range v.Dialogue.Schedule.BeforeContact {
		due := hours.LastOpen(c.StartsAt.Add(-before))
		if !due.After(tx.Now()) || !due.Before(c.StartsAt) {
			continue
		}
		list = append(list, &store.Nudge{SchemeID: c.SchemeID, PersonID: c.PersonID, Kind: store.NudgeContactReminder,
			Key: reminderKey(c.ID, before, c.StartsAt), DueAt: due, DialogueKey: &key, ContactID: &c.ID})
	}
	return list, nil
}

// planCheckins plans a person's check-ins from the scheme's check-in
// dialogue: one at startAt if it runs at the start of support, and the
// next occurrence of its recurrence (only the next: each check-in plans the
// one after it when it fires). A recurring check-in less than a week after
// the person was referred is left for the one after. StartSupport calls it.
func (p *Planner) planCheckins(ctx context.Context, tx *store.Tx, person store.Person, startAt time.Time) error {
	if !reachable(person) {
		return nil
	}
	scheme, err := tx.GetScheme(ctx, person.SchemeID)
	if err != nil {
		return fmt.Errorf("plan check-ins: %w", err)
	}
	key := CheckinKey(scheme)
	v, err := p.Versions.Published(ctx, tx, scheme.ID, key)
	if err != nil {
		return fmt.Errorf("plan check-ins: %w", err)
	}
	if v.Dialogue.Schedule.AtStart {
		list := []*store.Nudge{{SchemeID: scheme.ID, PersonID: person.ID, Kind: store.NudgeCheckin,
			Key: "checkin:start:" + key + ":" + strconv.FormatInt(person.ID, 10), DueAt: startAt, DialogueKey: &key}}
		if _, err := tx.PlanNudges(ctx, list); err != nil {
			return fmt.Errorf("plan check-ins: %w", err)
		}
		if err := tx.NotifyNudges(ctx); err != nil { // due now: wake the claim loops
			return fmt.Errorf("plan check-ins: %w", err)
		}
	}
	return p.PlanNextCheckin(ctx, tx, person)
}

// PlanNextCheckin plans only the next recurring check-in of a person whose
// support is under way (when importing people, say), if the scheme's
// check-in dialogue recurs.
func (p *Planner) PlanNextCheckin(ctx context.Context, tx *store.Tx, person store.Person) error {
	if !reachable(person) {
		return nil
	}
	n, err := p.nextRecurring(ctx, tx, person, tx.Now())
	if err != nil || n == nil {
		return err
	}
	if _, err := tx.PlanNudges(ctx, []*store.Nudge{n}); err != nil {
		return fmt.Errorf("plan next check-in: %w", err)
	}
	return nil
}

// nextRecurring is the person's first recurring check-in after t (see
// nextCheckin), unplanned, or nil if the scheme's check-in dialogue does
// not recur.
func (p *Planner) nextRecurring(ctx context.Context, tx *store.Tx, person store.Person, t time.Time) (*store.Nudge, error) {
	scheme, err := tx.GetScheme(ctx, person.SchemeID)
	if err != nil {
		return nil, fmt.Errorf("plan next check-in: %w", err)
	}
	key := CheckinKey(scheme)
	v, err := p.Versions.Published(ctx, tx, scheme.ID, key)
	if err != nil {
		return nil, fmt.Errorf("plan next check-in: %w", err)
	}
	r := v.Dialogue.Schedule.Every
	if r == nil {
		return nil, nil
	}
	loc, err := scheme.Location()
	if err != nil {
		return nil, fmt.Errorf("plan next check-in: %w", err)
	}
	due := nextCheckin(t, person.ReferredAt, loc, *r)
	return &store.Nudge{SchemeID: scheme.ID, PersonID: person.ID, Kind: store.NudgeCheckin,
		Key: recurringKey(key, v.Row.ID, person.ID, due), DueAt: due, DialogueKey: &key}, nil
}

// firstCheckinGap is how long after referral the first recurring check-in
// comes at the earliest: the start-of-support one is enough before that.
const firstCheckinGap = 7 * 24 * time.Hour

// nextCheckin is the next occurrence of r after now, or the one after that
// if the person was referred less than firstCheckinGap before it.
func nextCheckin(now, referredAt time.Time, loc *time.Location, r dialogues.Recurrence) time.Time {
	due := NextRecurrence(now, loc, r)
	if referredAt.After(due.Add(-firstCheckinGap)) {
		due = NextRecurrence(due, loc, r)
	}
	return due
}

// PlanEndOfSupport plans the check-in at the end of support at the given
// time, if the scheme's check-in dialogue runs at the end. EndSupport plans
// it due at once; call this instead when the link worker sets an end date
// ahead, before the person's support is ended.
func (p *Planner) PlanEndOfSupport(ctx context.Context, tx *store.Tx, person store.Person, at time.Time) error {
	n, err := p.endCheckin(ctx, tx, person, at)
	if err != nil || n == nil {
		return err
	}
	if _, err := tx.PlanNudges(ctx, []*store.Nudge{n}); err != nil {
		return fmt.Errorf("plan end of support: %w", err)
	}
	return nil
}

// endCheckinPrefix starts the key of every check-in at the end of support.
const endCheckinPrefix = "checkin:end:"

// endCheckin is the person's check-in at the end of support due at at,
// unplanned, or nil if the scheme's check-in dialogue does not run at the end.
func (p *Planner) endCheckin(ctx context.Context, tx *store.Tx, person store.Person, at time.Time) (*store.Nudge, error) {
	scheme, err := tx.GetScheme(ctx, person.SchemeID)
	if err != nil {
		return nil, fmt.Errorf("plan end of support: %w", err)
	}
	key := CheckinKey(scheme)
	v, err := p.Versions.Published(ctx, tx, scheme.ID, key)
	if err != nil {
		return nil, fmt.Errorf("plan end of support: %w", err)
	}
	if !v.Dialogue.Schedule.AtEnd {
		return nil, nil
	}
	return &store.Nudge{SchemeID: scheme.ID, PersonID: person.ID, Kind: store.NudgeCheckin,
		Key: endCheckinPrefix + key + ":" + strconv.FormatInt(person.ID, 10), DueAt: at, DialogueKey: &key}, nil
}

// PlanSuggestion plans an activity suggestion after an event at the given
// time (a contact that took place), the delay the suggestion dialogue's
// schedule says (by default a day). The group is chosen when it is due, so
// places are counted then.
func (p *Planner) PlanSuggestion(ctx context.Context, tx *store.Tx, person store.Person, event time.Time) error {
	if !reachable(person) {
		return nil
	}
	v, err := p.Versions.Published(ctx, tx, person.SchemeID, KeySuggestion)
	if err != nil {
		return fmt.Errorf("plan suggestion: %w", err)
	}
	delay := 24 * time.Hour
	if a := v.Dialogue.Schedule.After; a != nil {
		delay = a.Delay
	}
	key := KeySuggestion
	_, err = tx.PlanNudges(ctx, []*store.Nudge{{SchemeID: person.SchemeID, PersonID: person.ID, Kind: store.NudgeSuggestion,
		Key: fmt.Sprintf("suggestion:%d:%d", person.ID, event.Unix()), DueAt: event.Add(delay), DialogueKey: &key}})
	return err
}

// PlanFollowUp plans the "did you go?" follow-up of an accepted referral,
// the delay the follow-up dialogue's schedule says (by default a week).
func (p *Planner) PlanFollowUp(ctx context.Context, tx *store.Tx, r store.Referral) error {
	if r.AcceptedAt == nil {
		return nil
	}
	v, err := p.Versions.Published(ctx, tx, r.SchemeID, KeyFollowup)
	if err != nil {
		return fmt.Errorf("plan follow-up: %w", err)
	}
	delay := 7 * 24 * time.Hour
	if a := v.Dialogue.Schedule.After; a != nil {
		delay = a.Delay
	}
	key := KeyFollowup
	_, err = tx.PlanNudges(ctx, []*store.Nudge{{SchemeID: r.SchemeID, PersonID: r.PersonID, Kind: store.NudgeFollowup,
		Key: fmt.Sprintf("followup:%d", r.ID), DueAt: r.AcceptedAt.Add(delay), DialogueKey: &key, GroupID: &r.GroupID}})
	return err
}

// ReplanBatch is how many people ReplanScheme handles per transaction.
const ReplanBatch = 20000

// ReplanScheme re-plans the next recurring check-in of every active person
// of the scheme after its check-in schedule changed: planned recurring
// check-ins are cancelled and the next occurrence of the published
// schedule planned instead, a batch of people per transaction, in a few
// set-based statements each. It returns how many check-ins it planned.
func (p *Planner) ReplanScheme(ctx context.Context, db *store.DB, schemeID int64) (int64, error) {
	var spec store.Recurring
	var every *dialogues.Recurrence
	err := db.InTx(ctx, func(tx *store.Tx) error {
		scheme, err := tx.GetScheme(ctx, schemeID)
		if err != nil {
			return err
		}
		loc, err := scheme.Location()
		if err != nil {
			return err
		}
		key := CheckinKey(scheme)
		v, err := p.Versions.Published(ctx, tx, schemeID, key)
		if err != nil {
			return err
		}
		every = v.Dialogue.Schedule.Every
		spec = store.Recurring{SchemeID: schemeID, DialogueKey: key, Prefix: recurringPrefix(key),
			NewPrefix: versionPrefix(key, v.Row.ID), Gap: firstCheckinGap}
		if every != nil {
			spec.First = NextRecurrence(tx.Now(), loc, *every)
			spec.Second = NextRecurrence(spec.First, loc, *every)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("replan scheme %d: %w", schemeID, err)
	}
	var total, after int64
	for {
		var n int64
		var more bool
		err := db.InTx(ctx, func(tx *store.Tx) error {
			last, ok, err := tx.PeopleRange(ctx, schemeID, after, ReplanBatch)
			if err != nil || !ok {
				return err
			}
			more = true
			n, err = tx.ReplanRecurring(ctx, spec, after, last, every != nil)
			after = last
			return err
		})
		if err != nil {
			return total, fmt.Errorf("replan scheme %d: %w", schemeID, err)
		}
		total += n
		if !more {
			return total, nil
		}
	}
}

// plannedNext is the recurring check-in after a recurring one fired at now.
func plannedNext(n store.Nudge, person store.Person, loc *time.Location, v Version, now time.Time) *store.Nudge {
	due := nextCheckin(now, person.ReferredAt, loc, *v.Dialogue.Schedule.Every)
	key := *n.DialogueKey
	return &store.Nudge{SchemeID: n.SchemeID, PersonID: n.PersonID, Kind: store.NudgeCheckin,
		Key: recurringKey(key, v.Row.ID, n.PersonID, due), DueAt: due, DialogueKey: &key}
}
