package nudges

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/linkbot/linkbot/dialogues"
	"github.com/linkbot/linkbot/store"
)

// batch carries out claimed nudges in one transaction: it locks and reads
// what they need in a few queries, decides each nudge in due order, and
// writes the new runs, messages and nudges together.
type batch struct {
	*Planner
	tx    *store.Tx
	now   time.Time
	owner string

	nudges   []store.Nudge // still held by owner, in due order
	people   map[int64]Person
	schemes  map[int64]*schemeInfo
	open     map[int64]store.OpenRun // by person
	contacts map[int64]store.Contact
	busy     map[int64]bool      // people a run was started or advanced for in this batch
	paused   map[int64]time.Time // people whose nudges are paused, until when

	starts      []*start
	finished    map[finish][]int64
	rescheduled map[time.Time][]int64
	w           writes
}

type schemeInfo struct {
	scheme   store.Scheme
	hours    SendHours
	versions map[string]Version
	places   *Places
}

type finish struct {
	status store.NudgeStatus
	note   string
}

// start is a run to insert, with the turn its first step made.
type start struct {
	run  *store.Run
	turn Turn
}

func (b *batch) load(ctx context.Context, claimed []store.Nudge) error {
	tx := b.tx
	people, err := tx.LockPeople(ctx, sortedIDs(claimed, func(n store.Nudge) (int64, bool) { return n.PersonID, true }))
	if err != nil {
		return err
	}
	held := slices.Clone(claimed)
	slices.SortFunc(held, func(a, b store.Nudge) int {
		if c := a.DueAt.Compare(b.DueAt); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	b.nudges = held
	b.schemes = map[int64]*schemeInfo{}
	for _, id := range sortedIDs(people, func(p store.Person) (int64, bool) { return p.SchemeID, true }) {
		s, err := tx.GetScheme(ctx, id)
		if err != nil {
			return err
		}
		hours, err := SendHoursOf(s)
		if err != nil {
			return err
		}
		b.schemes[id] = &schemeInfo{scheme: s, hours: hours, versions: map[string]Version{}}
	}
	workers, err := tx.ListLinkWorkersByID(ctx, sortedIDs(people, func(p store.Person) (int64, bool) {
		return deref(p.LinkWorkerID), p.LinkWorkerID != nil
	}))
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, w := range workers {
		names[w.ID] = w.Name
	}
	b.people = make(map[int64]Person, len(people))
	for _, p := range people {
		b.people[p.ID] = Person{Person: p, LinkWorkerName: names[deref(p.LinkWorkerID)], SchemeName: b.schemes[p.SchemeID].scheme.Name}
	}
	open, err := tx.ListOpenRuns(ctx, sortedIDs(people, func(p store.Person) (int64, bool) { return p.ID, true }))
	if err != nil {
		return err
	}
	b.open = make(map[int64]store.OpenRun, len(open))
	for _, r := range open {
		b.open[r.PersonID] = r
	}
	contacts, err := tx.ListContactsByID(ctx, sortedIDs(held, func(n store.Nudge) (int64, bool) {
		return deref(n.ContactID), n.ContactID != nil
	}))
	if err != nil {
		return err
	}
	b.contacts = make(map[int64]store.Contact, len(contacts))
	for _, c := range contacts {
		b.contacts[c.ID] = c
	}
	if b.paused, err = tx.PausedUntil(ctx, sortedIDs(people, func(p store.Person) (int64, bool) { return p.ID, true })); err != nil {
		return err
	}
	b.busy = map[int64]bool{}
	b.finished = map[finish][]int64{}
	b.rescheduled = map[time.Time][]int64{}
	return nil
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func (b *batch) finish(n store.Nudge, status store.NudgeStatus, note string) {
	k := finish{status, note}
	b.finished[k] = append(b.finished[k], n.ID)
}

func (b *batch) skip(n store.Nudge, note string) { b.finish(n, store.NudgeSkipped, note) }

// reschedule puts n back to planned, due at due; a contact reminder that
// would then go after its contact began is skipped instead.
func (b *batch) reschedule(n store.Nudge, due time.Time) {
	if c, ok := b.contacts[deref(n.ContactID)]; ok && n.Kind == store.NudgeContactReminder && !due.Before(c.StartsAt) {
		b.skip(n, "the contact begins before the reminder could go")
		return
	}
	b.rescheduled[due] = append(b.rescheduled[due], n.ID)
}

func (b *batch) version(ctx context.Context, s *schemeInfo, key string) (Version, error) {
	if v, ok := s.versions[key]; ok {
		return v, nil
	}
	v, err := b.Versions.Published(ctx, b.tx, s.scheme.ID, key)
	if err == nil {
		s.versions[key] = v
	}
	return v, err
}

// dialogueKey is the dialogue a nudge runs: the one it names, or the
// built-in one for its kind.
func dialogueKey(n store.Nudge, s store.Scheme) string {
	if n.DialogueKey != nil && *n.DialogueKey != "" {
		return *n.DialogueKey
	}
	switch n.Kind {
	case store.NudgeContactReminder:
		return KeyContactReminder
	case store.NudgeSuggestion:
		return KeySuggestion
	case store.NudgeFollowup:
		return KeyFollowup
	}
	return CheckinKey(s)
}

// decide handles one nudge: skip it, move it out of quiet hours, or start
// or advance its dialogue run.
func (b *batch) decide(ctx context.Context, n store.Nudge) error {
	p, ok := b.people[n.PersonID]
	timer := n.Kind == store.NudgeReplyReminder || n.Kind == store.NudgeReplyExpiry
	switch {
	case !ok:
		b.skip(n, "the person was not found")
		return nil
	case p.OptedOutAt != nil:
		b.skip(n, "the person opted out")
		return nil
	case p.RestrictedAt != nil || p.ErasedAt != nil:
		b.skip(n, "processing of the person's record is restricted")
		return nil
	case p.Status != store.PersonActive && !timer && !isEndOfSupport(n):
		// Only the check-in at the end of support, and the reply timers of
		// its run, go once support has ended.
		b.skip(n, "support has ended")
		return nil
	}
	s := b.schemes[p.SchemeID]
	if until, ok := b.paused[p.ID]; ok && !timer && n.Kind != store.NudgeContactReminder {
		b.reschedule(n, s.hours.NextOpen(until))
		return nil
	}
	if !s.hours.Allows(b.now) {
		b.reschedule(n, s.hours.NextOpen(b.now))
		return nil
	}
	if b.busy[p.ID] {
		// One turn per person per batch: this one waits for the next claim,
		// when the run just started is seen as open.
		b.reschedule(n, b.now)
		return nil
	}
	if timer {
		return b.timeout(ctx, n, p)
	}
	key := dialogueKey(n, s.scheme)
	v, err := b.version(ctx, s, key)
	if err != nil {
		return err
	}
	if isRecurring(n) && v.Dialogue.Schedule.Every != nil {
		// Whatever happens to this one, the next check-in is planned.
		b.w.nudges = append(b.w.nudges, plannedNext(n, p.Person, s.hours.Loc, v, b.now))
	}
	if open, ok := b.open[p.ID]; ok && open.ExpiresAt != nil && open.ExpiresAt.Before(b.now.Add(-staleAfter)) {
		// Its timers were lost (cancelled by a STOP before a START, say):
		// end it rather than let it hold back every nudge.
		if err := b.endStale(ctx, open); err != nil {
			return err
		}
		delete(b.open, p.ID)
	}
	if open, ok := b.open[p.ID]; ok {
		if open.DialogueKey == key {
			b.skip(n, "a run of this dialogue is still open")
			return nil
		}
		if n.Kind == store.NudgeContactReminder {
			// A reminder cannot wait: it interrupts the other dialogue,
			// whose answers so far are kept.
			if err := b.interrupt(ctx, open); err != nil {
				return err
			}
			delete(b.open, p.ID)
			return b.decide(ctx, n)
		}
		// Another dialogue is waiting for an answer: go after it ends.
		due := b.now.Add(time.Hour)
		if open.ExpiresAt != nil && open.ExpiresAt.After(due) {
			due = open.ExpiresAt.Add(time.Minute)
		}
		b.reschedule(n, s.hours.NextOpen(due))
		return nil
	}
	subject := Subject{Vars: dialogues.Vars{}}
	switch n.Kind {
	case store.NudgeContactReminder:
		c, ok := b.contacts[deref(n.ContactID)]
		switch {
		case !ok:
			b.skip(n, "the contact was not found")
			return nil
		case c.Status != store.ContactBooked && c.Status != store.ContactConfirmed:
			b.skip(n, "the contact is "+string(c.Status))
			return nil
		case !strings.HasSuffix(n.Key, ":"+strconv.FormatInt(c.StartsAt.Unix(), 10)):
			b.skip(n, "the contact moved")
			return nil
		case !c.StartsAt.After(b.now):
			b.skip(n, "the contact has begun")
			return nil
		}
		contactVars(subject.Vars, c, s.hours.Loc)
		subject.ContactID = c.ID
	case store.NudgeSuggestion:
		g, r, ok, err := b.chooseGroup(ctx, s, p)
		if err != nil {
			return err
		}
		if !ok {
			t := Turn{Person: p, Dialogue: v.Dialogue}
			if err := b.escalate(ctx, b.tx, t, store.ReasonProvisionGap, store.Routine,
				"no community group fits this person's interests and area with a place this week"); err != nil {
				return err
			}
			b.skip(n, "no community group fits; the link worker was told")
			return nil
		}
		groupVars(subject.Vars, g)
		subject.ReferralID = r.ID
	case store.NudgeFollowup:
		if n.GroupID == nil {
			b.skip(n, "the follow-up names no group")
			return nil
		}
		g, err := b.tx.GetGroup(ctx, *n.GroupID)
		if err != nil {
			return err
		}
		groupVars(subject.Vars, g)
		r, err := b.tx.LatestReferral(ctx, p.ID, true)
		if err == nil && r.GroupID == g.ID {
			subject.ReferralID = r.ID
		} else if err != nil && store.ErrorCode(err) != store.NotFound {
			return err
		}
	}
	after, actions, err := v.Dialogue.Step(dialogues.State{}, dialogues.Start(), p.Params(subject))
	if err != nil {
		return err
	}
	kept, err := json.Marshal(subject)
	if err != nil {
		return err
	}
	run := &store.Run{SchemeID: p.SchemeID, PersonID: p.ID, DialogueID: v.Row.ID, Subject: kept}
	if err := settle(run, dialogues.State{}, after, actions, v.Dialogue, b.now); err != nil {
		return err
	}
	b.starts = append(b.starts, &start{run: run, turn: Turn{Person: p, Subject: subject, Dialogue: v.Dialogue, After: after,
		Actions: actions, Kind: store.MessageNudge, NudgeID: &n.ID, Inserted: true}})
	b.busy[p.ID] = true
	b.finish(n, store.NudgeDone, "")
	return nil
}

// staleAfter is how long past its expiry an open run is taken as stale:
// longer than any quiet hours can delay its expiry timer.
const staleAfter = 24 * time.Hour

// endStale ends a run whose expiry passed long ago.
func (b *batch) endStale(ctx context.Context, open store.OpenRun) error {
	if _, err := b.tx.CancelRunTimers(ctx, open.ID, "", "the run expired long ago"); err != nil {
		return err
	}
	return b.tx.EndRun(ctx, open.ID, store.OutcomeExpired)
}

// interrupt ends an open run as cancelled, with its reply timers.
func (b *batch) interrupt(ctx context.Context, open store.OpenRun) error {
	if _, err := b.tx.CancelRunTimers(ctx, open.ID, "", "the run was interrupted by a contact reminder"); err != nil {
		return err
	}
	return b.tx.EndRun(ctx, open.ID, store.OutcomeCancelled)
}

// chooseGroup picks a group for a suggestion and records the referral.
func (b *batch) chooseGroup(ctx context.Context, s *schemeInfo, p Person) (store.Group, store.Referral, bool, error) {
	var r store.Referral
	if s.places == nil {
		pl, err := LoadPlaces(ctx, b.tx, s.scheme.ID, s.hours.Loc, b.now)
		if err != nil {
			return store.Group{}, r, false, err
		}
		s.places = pl
	}
	past, err := b.tx.ListReferrals(ctx, p.ID)
	if err != nil {
		return store.Group{}, r, false, err
	}
	g, ok := s.places.Choose(p.Person, past, b.now.Add(-DeclineRest(s.scheme)))
	if !ok {
		return g, r, false, nil
	}
	s.places.Hold(g)
	r = store.Referral{SchemeID: p.SchemeID, PersonID: p.ID, GroupID: g.ID}
	return g, r, true, b.tx.CreateReferral(ctx, &r)
}

// timeout feeds a reply timer to its run, unless the run has moved on.
func (b *batch) timeout(ctx context.Context, n store.Nudge, p Person) error {
	if n.RunID == nil {
		b.skip(n, "the timer names no run")
		return nil
	}
	run, err := b.tx.GetRun(ctx, *n.RunID)
	if err != nil {
		return err
	}
	if run.EndedAt != nil {
		b.skip(n, "the run has ended")
		return nil
	}
	if p.Status != store.PersonActive && (p.EndedAt == nil || run.StartedAt.Before(*p.EndedAt)) {
		b.skip(n, "support has ended") // only the end-of-support check-in's run goes on
		return nil
	}
	var before dialogues.State
	if err := json.Unmarshal(run.State, &before); err != nil {
		return fmt.Errorf("read run %d state: %w", run.ID, err)
	}
	if TimerKey(run.ID, before) != n.Key || before.Done {
		b.skip(n, "the run has moved on")
		return nil
	}
	d, err := b.Versions.ByID(ctx, b.tx, run.DialogueID)
	if err != nil {
		return err
	}
	subject, err := subjectOf(run)
	if err != nil {
		return err
	}
	after, actions, err := d.Step(before, dialogues.Timeout(), p.Params(subject))
	if err != nil {
		return err
	}
	t := Turn{Person: p, Run: run, Subject: subject, Dialogue: d, Before: before, After: after, Actions: actions,
		Kind: store.MessageNudge, NudgeID: &n.ID}
	if err := b.apply(ctx, b.tx, t, &b.w); err != nil {
		return err
	}
	b.busy[p.ID] = true
	b.finish(n, store.NudgeDone, "")
	return nil
}

// write inserts the started runs, carries out their turns and writes the
// batch's messages, nudges and outcomes.
func (b *batch) write(ctx context.Context) error {
	runs := make([]*store.Run, len(b.starts))
	for i, s := range b.starts {
		runs[i] = s.run
	}
	if err := b.tx.InsertRuns(ctx, runs); err != nil {
		return err
	}
	for _, s := range b.starts {
		s.turn.Run = *s.run
		if err := b.apply(ctx, b.tx, s.turn, &b.w); err != nil {
			return err
		}
	}
	if err := b.w.flush(ctx, b.tx); err != nil {
		return err
	}
	// Finishing checks the claims: a nudge cancelled since it was claimed
	// (its contact moved, say), or whose lease another loop took over, is
	// not changed, and then nothing of this transaction may stand.
	var changed int64
	for k, ids := range b.finished {
		n, err := b.tx.FinishNudges(ctx, ids, b.owner, k.status, k.note)
		if err != nil {
			return err
		}
		changed += n
	}
	for due, ids := range b.rescheduled {
		n, err := b.tx.RescheduleNudges(ctx, ids, b.owner, due)
		if err != nil {
			return err
		}
		changed += n
	}
	if changed != int64(len(b.nudges)) {
		return errNotHeld
	}
	return nil
}

// errNotHeld says a claimed nudge was cancelled or taken over while it was
// being carried out: the transaction is rolled back.
var errNotHeld = errors.New("a claimed nudge is no longer held")

// endOfSupportPrefix starts the key of the check-in at the end of a
// person's support: the one nudge that still goes once support has ended.
const endOfSupportPrefix = "checkin:end:"

func isEndOfSupport(n store.Nudge) bool {
	return n.Kind == store.NudgeCheckin && strings.HasPrefix(n.Key, endOfSupportPrefix)
}
