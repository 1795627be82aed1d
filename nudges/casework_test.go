package nudges

import (
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/dialogues"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// consented records the person's consent, given to the fixture's link
// worker when they were referred.
func (f *fixture) consented(p *store.Person) {
	at := f.now
	p.ConsentAt, p.ConsentBy = &at, &f.worker.ID
}

// checkinIntro is how every ONS4 check-in begins.
const checkinIntro = "would like to know how you're doing"

// plannedCheckins returns the person's planned recurring check-ins.
func (f *fixture) plannedCheckins(personID int64) []store.Nudge {
	f.t.Helper()
	var out []store.Nudge
	for _, n := range f.nudges(personID) {
		if n.Status == store.NudgePlanned && isRecurring(n) {
			out = append(out, n)
		}
	}
	return out
}

func TestAPausedPersonGetsTheirNextCheckinAfterThePause(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Time{})
		f.now = f.local(2026, 6, 1, 11, 0) // a Monday, after the check-in hour
		p := f.person(f.consented, func(p *store.Person) { p.ReferredAt = f.local(2026, 5, 1, 9, 0) })
		f.inTx(func(tx *store.Tx) error { return f.planner.PlanNextCheckin(f.ctx, tx, p) })
		if planned := f.plannedCheckins(p.ID); len(planned) != 1 || !planned[0].DueAt.Equal(f.local(2026, 6, 8, 10, 0)) &&
			!planned[0].DueAt.Equal(f.local(2026, 6, 15, 10, 0)) {
			t.Fatalf("before the pause planned %+v, want the next fortnightly Monday 10:00", planned)
		}
		until := f.now.AddDate(0, 0, 21)
		f.inTx(func(tx *store.Tx) error { return f.planner.Pause(f.ctx, tx, p, f.worker.ID, until) })
		want := NextRecurrence(until, f.loc, *mustEvery(f))
		planned := f.plannedCheckins(p.ID)
		if len(planned) != 1 || !planned[0].DueAt.Equal(want) {
			t.Fatalf("after pausing until %s planned %+v, want one check-in at %s", until.In(f.loc), planned, want.In(f.loc))
		}
		var starts []time.Time
		end := f.now.AddDate(0, 0, 60)
		for ; f.now.Before(end); f.now = f.now.Add(time.Hour) {
			f.drain()
		}
		for _, m := range f.sent(p.ID) { // queued at the loop's time
			if strings.Contains(m.Body, checkinIntro) {
				starts = append(starts, m.CreatedAt)
			}
		}
		if len(starts) < 2 {
			t.Fatalf("in the 60 days after a 21-day pause %d check-ins began, want the one after the pause and the next", len(starts))
		}
		if !starts[0].Equal(want) {
			t.Errorf("the first check-in began %s, want %s, the first after the pause", starts[0].In(f.loc), want.In(f.loc))
		}
		if gap := starts[1].Sub(starts[0]); gap != 14*24*time.Hour {
			t.Errorf("the second check-in came %s after the first, want a fortnight", gap)
		}
	})
}

func mustEvery(f *fixture) *dialogues.Recurrence {
	f.t.Helper()
	var every *dialogues.Recurrence
	f.inTx(func(tx *store.Tx) error {
		v, err := f.planner.Versions.Published(f.ctx, tx, f.scheme.ID, KeyCheckin)
		every = v.Dialogue.Schedule.Every
		return err
	})
	return every
}

func TestResumingEarlyPlansTheNextCheckinFromNow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Time{})
		f.now = f.local(2026, 6, 1, 11, 0)
		p := f.person(f.consented, func(p *store.Person) { p.ReferredAt = f.local(2026, 5, 1, 9, 0) })
		f.inTx(func(tx *store.Tx) error { return f.planner.PlanNextCheckin(f.ctx, tx, p) })
		until := f.now.AddDate(0, 0, 42)
		f.inTx(func(tx *store.Tx) error { return f.planner.Pause(f.ctx, tx, p, f.worker.ID, until) })
		f.now = f.now.AddDate(0, 0, 3)
		f.inTx(func(tx *store.Tx) error { return f.planner.Resume(f.ctx, tx, p) })
		want := NextRecurrence(f.now, f.loc, *mustEvery(f))
		if planned := f.plannedCheckins(p.ID); len(planned) != 1 || !planned[0].DueAt.Equal(want) {
			t.Fatalf("after resuming planned %+v, want only the next check-in from now, %s", planned, want.In(f.loc))
		}
		var paused *time.Time
		f.inTx(func(tx *store.Tx) (err error) { paused, err = tx.NudgesPausedUntil(f.ctx, p.ID); return err })
		if paused != nil {
			t.Errorf("still paused until %s after resuming", paused)
		}
		f.now = want
		f.drain()
		if sent := f.sent(p.ID); len(sent) == 0 || !strings.Contains(sent[0].Body, checkinIntro) {
			t.Errorf("at the next check-in after resuming sent %d messages", len(sent))
		}
	})
}

func TestOptingBackInRestoresRemindersAndPlansTheNextCheckin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Time{})
		f.now = f.local(2026, 6, 1, 11, 0)
		p := f.person(f.consented, func(p *store.Person) { p.ReferredAt = f.local(2026, 5, 1, 9, 0) })
		c := storetest.Contact(t, db, p, func(c *store.Contact) { c.StartsAt = f.local(2026, 6, 20, 14, 0) })
		f.inTx(func(tx *store.Tx) error {
			if err := f.planner.PlanContact(f.ctx, tx, c); err != nil {
				return err
			}
			return f.planner.PlanNextCheckin(f.ctx, tx, p)
		})
		// STOP, as the pipeline records it, then START three weeks on.
		f.inTx(func(tx *store.Tx) error {
			if err := tx.SetOptedOut(f.ctx, p.ID, &f.now); err != nil {
				return err
			}
			_, err := tx.CancelNudges(f.ctx, p.ID, "opted out by STOP")
			return err
		})
		f.now = f.local(2026, 6, 12, 9, 30)
		f.inTx(func(tx *store.Tx) error {
			if err := tx.SetOptedOut(f.ctx, p.ID, nil); err != nil {
				return err
			}
			return f.planner.Resume(f.ctx, tx, p) // p as the caller last read it: still opted out
		})
		var reminders int
		for _, n := range f.nudges(p.ID) {
			if n.Kind == store.NudgeContactReminder && n.Status == store.NudgePlanned {
				reminders++
			}
		}
		if reminders != 2 {
			t.Errorf("%d of the contact's reminders planned after opting back in, want both", reminders)
		}
		want := NextRecurrence(f.now, f.loc, *mustEvery(f))
		if planned := f.plannedCheckins(p.ID); len(planned) != 1 || !planned[0].DueAt.Equal(want) {
			t.Errorf("after opting back in planned %+v, want the next check-in, %s", planned, want.In(f.loc))
		}
	})
}

func TestStartSupportWaitsForConsentThenWelcomesFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Time{})
		f.now = f.local(2026, 6, 1, 11, 0)
		p := f.person()
		f.inTx(func(tx *store.Tx) error { return f.planner.StartSupport(f.ctx, tx, p) })
		if list := f.nudges(p.ID); len(list) != 0 {
			t.Fatalf("without consent planned %+v, want nothing", list)
		}
		f.drain()
		if sent := f.sent(p.ID); len(sent) != 0 {
			t.Fatalf("without consent sent %q", sent[0].Body)
		}
		f.now = f.now.Add(time.Hour)
		f.consented(&p)
		f.inTx(func(tx *store.Tx) error {
			if err := tx.UpdatePerson(f.ctx, p); err != nil {
				return err
			}
			return f.planner.StartSupport(f.ctx, tx, p)
		})
		f.inTx(func(tx *store.Tx) error { return f.planner.StartSupport(f.ctx, tx, p) }) // twice is once
		for i := 0; i < 3; i++ {
			f.drain()
			f.now = f.now.Add(time.Minute)
		}
		sent := f.sent(p.ID)
		if len(sent) != 3 {
			t.Fatalf("sent %d messages, want the welcome, then the check-in's introduction and first question", len(sent))
		}
		if !strings.Contains(sent[0].Body, "Hi Margaret, this is "+f.scheme.Name) || !strings.Contains(sent[1].Body, checkinIntro) ||
			!strings.Contains(sent[2].Body, "satisfied") {
			t.Errorf("messages = %q, %q, %q", sent[0].Body, sent[1].Body, sent[2].Body)
		}
		if planned := f.plannedCheckins(p.ID); len(planned) != 1 {
			t.Errorf("planned recurring check-ins %+v, want the next one", planned)
		}
	})
}

func TestEndSupportPlansOnlyTheEndCheckin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Time{})
		f.now = f.local(2026, 6, 1, 11, 0)
		p := f.person(f.consented)
		c := storetest.Contact(t, db, p, func(c *store.Contact) { c.StartsAt = f.local(2026, 6, 20, 14, 0) })
		f.inTx(func(tx *store.Tx) error {
			if err := f.planner.PlanContact(f.ctx, tx, c); err != nil {
				return err
			}
			return f.planner.StartSupport(f.ctx, tx, p)
		})
		for i := 0; i < 3; i++ { // the welcome, then the check-in, which waits for an answer
			f.drain()
			f.now = f.now.Add(time.Minute)
		}
		run, err := db.GetOpenRun(f.ctx, p.ID)
		if err != nil {
			t.Fatalf("no check-in waiting: %v", err)
		}
		f.now = f.local(2026, 6, 2, 10, 0)
		f.inTx(func(tx *store.Tx) error { return f.planner.EndSupport(f.ctx, tx, p, "moved out of the area") })

		got, _ := db.GetPerson(f.ctx, p.ID)
		if got.Status != store.PersonEnded || got.EndedAt == nil || !got.EndedAt.Equal(f.now) || got.EndedReason != "moved out of the area" {
			t.Errorf("person after ending support: %s %v %q", got.Status, got.EndedAt, got.EndedReason)
		}
		if r, _ := db.GetRun(f.ctx, run.ID); r.EndedAt == nil || r.Outcome == nil || *r.Outcome != store.OutcomeCancelled {
			t.Errorf("the waiting check-in run is not ended as cancelled: %+v", r)
		}
		var open []store.Nudge
		for _, n := range f.nudges(p.ID) {
			switch n.Status {
			case store.NudgePlanned, store.NudgeClaimed:
				open = append(open, n)
			case store.NudgeCancelled:
				if n.Note != "support ended" {
					t.Errorf("nudge %s cancelled with note %q", n.Key, n.Note)
				}
			}
		}
		if len(open) != 1 || !strings.HasPrefix(open[0].Key, "checkin:end:ons4:") || !open[0].DueAt.Equal(f.now) {
			t.Fatalf("open nudges after ending support %+v, want only the end check-in, due now", open)
		}
		// Again: nothing changes.
		f.inTx(func(tx *store.Tx) error { return f.planner.EndSupport(f.ctx, tx, got, "again") })
		if again, _ := db.GetPerson(f.ctx, p.ID); again.EndedReason != "moved out of the area" {
			t.Errorf("ending support twice changed the reason to %q", again.EndedReason)
		}
	})
}

func TestAMissedContactCancelsItsRemindersAndSuggestsNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Time{})
		f.now = f.local(2026, 6, 1, 11, 0)
		p := f.person(f.consented)
		c := storetest.Contact(t, db, p, func(c *store.Contact) { c.StartsAt = f.local(2026, 6, 3, 14, 0) })
		f.inTx(func(tx *store.Tx) error { return f.planner.PlanContact(f.ctx, tx, c) })
		c.Status = store.ContactDidNotAttend
		f.inTx(func(tx *store.Tx) error {
			if err := tx.UpdateContact(f.ctx, c); err != nil {
				return err
			}
			return f.planner.PlanContact(f.ctx, tx, c)
		})
		for _, n := range f.nudges(p.ID) {
			if n.Status == store.NudgePlanned {
				t.Errorf("after a missed contact %s is still planned", n.Key)
			}
		}
		done := storetest.Contact(t, db, p, func(c *store.Contact) { c.StartsAt = f.local(2026, 6, 1, 10, 0); c.Status = store.ContactDone })
		f.inTx(func(tx *store.Tx) error { return f.planner.PlanContact(f.ctx, tx, done) })
		var suggestions int
		for _, n := range f.nudges(p.ID) {
			if n.Kind == store.NudgeSuggestion && n.Status == store.NudgePlanned {
				suggestions++
			}
		}
		if suggestions != 1 {
			t.Errorf("%d suggestions planned after a contact that took place, want 1", suggestions)
		}
	})
}
