package nudges

import (
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestADueCheckinStartsARunAndQueuesItsFirstMessages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Date(2026, 6, 1, 9, 30, 0, 0, time.UTC))
		p := f.person()
		f.inTx(func(tx *store.Tx) error { return f.planner.planCheckins(f.ctx, tx, p, tx.Now()) })
		if n := f.drain(); n != 1 {
			t.Fatalf("claimed %d nudges, want the start-of-support check-in", n)
		}
		sent := f.sent(p.ID)
		if len(sent) != 2 {
			t.Fatalf("queued %d messages, want the introduction and the first question", len(sent))
		}
		if !strings.Contains(sent[0].Body, "Hi Margaret, Priya would like to know") || !strings.Contains(sent[1].Body, "satisfied") {
			t.Errorf("messages = %q, %q", sent[0].Body, sent[1].Body)
		}
		for _, m := range sent {
			if m.Kind != store.MessageNudge || m.Status != store.StatusQueued || m.Channel != store.ChannelSMS || m.Address != *p.Phone || m.NudgeID == nil {
				t.Errorf("message %+v is not a queued SMS nudge to the person", m)
			}
		}
		run, err := db.GetOpenRun(f.ctx, p.ID)
		if err != nil {
			t.Fatalf("no open run: %v", err)
		}
		var timer, next *store.Nudge
		for _, n := range f.nudges(p.ID) {
			switch {
			case n.Kind == store.NudgeReplyReminder && n.Status == store.NudgePlanned:
				timer = &n
			case n.Kind == store.NudgeCheckin && n.Status == store.NudgePlanned:
				next = &n
			}
		}
		if timer == nil || timer.RunID == nil || *timer.RunID != run.ID || !timer.DueAt.Equal(f.now.Add(48*time.Hour)) {
			t.Errorf("reply reminder = %+v, want one for run %d due in 2 days", timer, run.ID)
		}
		if next == nil || next.DueAt.In(f.loc).Weekday() != time.Monday || next.DueAt.In(f.loc).Hour() != 10 {
			t.Errorf("next check-in = %+v, want a Monday 10:00", next)
		}
	})
}

func TestStopThenADueNudgeSendsNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC))
		p := f.person()
		f.inTx(func(tx *store.Tx) error { return f.planner.planCheckins(f.ctx, tx, p, tx.Now()) })
		// STOP arrives, but the pipeline has not cancelled the nudges (yet).
		if err := db.SetOptedOut(f.ctx, p.ID, &f.now); err != nil {
			t.Fatal(err)
		}
		f.drain()
		if sent := f.sent(p.ID); len(sent) != 0 {
			t.Fatalf("sent %d messages after STOP", len(sent))
		}
		for _, n := range f.nudges(p.ID) {
			if n.Status == store.NudgeSkipped && n.Note != "the person opted out" {
				t.Errorf("skipped with note %q", n.Note)
			}
		}
	})
}

func TestANudgeDueInQuietHoursMovesToSendFromLocal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Time{})
		f.now = f.local(2026, 3, 29, 3, 0) // the night the clocks go forward
		p := f.person()
		storetest.Nudge(t, db, p, func(n *store.Nudge) { n.DueAt = f.now; n.DialogueKey = storetest.Ptr("ons4") })
		f.drain()
		if sent := f.sent(p.ID); len(sent) != 0 {
			t.Fatalf("sent %d messages at 3 a.m.", len(sent))
		}
		n := f.nudges(p.ID)[0]
		if want := f.local(2026, 3, 29, 9, 0); n.Status != store.NudgePlanned || !n.DueAt.Equal(want) {
			t.Fatalf("nudge is %s due %s, want planned for 09:00 BST (%s)", n.Status, n.DueAt, want)
		}
		f.now = f.local(2026, 3, 29, 9, 0)
		f.drain()
		if sent := f.sent(p.ID); len(sent) == 0 {
			t.Fatal("nothing sent at 09:00")
		}
	})
}

func TestAMovedContactsOldRemindersNeverGo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Time{})
		f.now = f.local(2026, 6, 1, 12, 0)
		p := f.person()
		c := storetest.Contact(t, db, p, func(c *store.Contact) { c.StartsAt = f.local(2026, 6, 10, 14, 0); c.Place = "Todmorden library" })
		f.inTx(func(tx *store.Tx) error { return f.planner.PlanContact(f.ctx, tx, c) })
		var planned []store.Nudge
		for _, n := range f.nudges(p.ID) {
			planned = append(planned, n)
		}
		if len(planned) != 2 || !planned[0].DueAt.Equal(f.local(2026, 6, 7, 14, 0)) || !planned[1].DueAt.Equal(f.local(2026, 6, 10, 12, 0)) {
			t.Fatalf("planned %+v, want reminders 3 days and 2 hours before", planned)
		}
		// Moved two days earlier: the 3-day reminder is now in the past.
		c.StartsAt = f.local(2026, 6, 3, 11, 0)
		f.inTx(func(tx *store.Tx) error {
			if err := tx.UpdateContact(f.ctx, c); err != nil {
				return err
			}
			return f.planner.PlanContact(f.ctx, tx, c)
		})
		for day := 1; day <= 11; day++ {
			for hour := 0; hour < 24; hour++ {
				f.now = f.local(2026, 6, day, hour, 0)
				f.drain()
			}
		}
		sent := f.sent(p.ID)
		if len(sent) != 1 {
			t.Fatalf("sent %d messages, want only the 2-hour reminder of the new time", len(sent))
		}
		if !strings.Contains(sent[0].Body, "Wednesday 3 June at 11:00am, Todmorden library") {
			t.Errorf("reminder = %q, want the new time", sent[0].Body)
		}
		if !sent[0].CreatedAt.Equal(f.local(2026, 6, 3, 9, 0)) {
			t.Errorf("reminder queued at %s, want 09:00 on the day", sent[0].CreatedAt.In(f.loc))
		}
	})
}

func TestACancelledContactGetsNoReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
		p := f.person()
		c := storetest.Contact(t, db, p, func(c *store.Contact) { c.StartsAt = f.now.Add(5 * 24 * time.Hour) })
		f.inTx(func(tx *store.Tx) error { return f.planner.PlanContact(f.ctx, tx, c) })
		c.Status = store.ContactCancelled
		f.inTx(func(tx *store.Tx) error { return f.planner.PlanContact(f.ctx, tx, c) })
		for i := 0; i < 6*24; i++ {
			f.now = f.now.Add(time.Hour)
			f.drain()
		}
		if sent := f.sent(p.ID); len(sent) != 0 {
			t.Fatalf("sent %q for a cancelled contact", sent[0].Body)
		}
	})
}

func TestAContactBookedTomorrowStillGetsTheTwoHourReminder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Time{})
		f.now = f.local(2026, 6, 1, 12, 0)
		p := f.person()
		c := storetest.Contact(t, db, p, func(c *store.Contact) { c.StartsAt = f.local(2026, 6, 2, 15, 0) })
		f.inTx(func(tx *store.Tx) error { return f.planner.PlanContact(f.ctx, tx, c) })
		list := f.nudges(p.ID)
		if len(list) != 1 || !list[0].DueAt.Equal(f.local(2026, 6, 2, 13, 0)) {
			t.Fatalf("planned %+v, want one reminder at 13:00 tomorrow", list)
		}
	})
}

func TestUnansweredCheckinGetsAGentleReminderThenExpires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Time{})
		f.now = f.local(2026, 6, 1, 10, 0)
		p := f.person()
		f.inTx(func(tx *store.Tx) error { return f.planner.planCheckins(f.ctx, tx, p, tx.Now()) })
		f.drain()
		f.now = f.now.Add(48 * time.Hour)
		f.drain()
		sent := f.sent(p.ID)
		if len(sent) != 3 || !strings.Contains(sent[2].Body, "gentle nudge") {
			t.Fatalf("after 2 days sent %d messages, want a gentle reminder third", len(sent))
		}
		f.now = f.now.Add(48 * time.Hour)
		f.drain()
		if _, err := db.GetOpenRun(f.ctx, p.ID); store.ErrorCode(err) != store.NotFound {
			t.Fatalf("the run is still open after its expiry: %v", err)
		}
		if len(f.sent(p.ID)) != 3 {
			t.Error("expiry sent a message")
		}
		if len(f.escalations()) != 0 {
			t.Error("one unanswered check-in escalated")
		}
	})
}

func TestTwoUnansweredCheckinsInARowReachTheLinkWorker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Time{})
		f.now = f.local(2026, 6, 1, 10, 0)
		p := f.person()
		f.inTx(func(tx *store.Tx) error { return f.planner.planCheckins(f.ctx, tx, p, tx.Now()) })
		var expiries []time.Time
		for i := 0; i < 12*7*24; i++ { // twelve weeks, hour by hour: three check-ins, none answered
			f.drain()
			if es := f.escalations(); len(es) > 0 && len(expiries) == 0 {
				expiries = append(expiries, f.now)
			}
			f.now = f.now.Add(time.Hour)
		}
		var started int
		for _, n := range f.nudges(p.ID) {
			if n.Kind == store.NudgeCheckin && n.Status == store.NudgeDone {
				started++
			}
		}
		if started < 3 {
			t.Fatalf("%d check-ins in twelve weeks, want at least 3", started)
		}
		es := f.escalations()
		if len(es) != 1 || es[0].Reason != store.ReasonNoResponse || es[0].LinkWorkerID == nil || *es[0].LinkWorkerID != f.worker.ID {
			t.Fatalf("escalations = %+v, want one no_response to the link worker", es)
		}
		if second := f.local(2026, 6, 8, 10, 0).Add(4 * 24 * time.Hour); !es[0].CreatedAt.Equal(second) {
			t.Errorf("escalated at %s, want when the second check-in expired, %s", es[0].CreatedAt.In(f.loc), second.In(f.loc))
		}
	})
}

func TestARepliedTimerNeverFires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Time{})
		f.now = f.local(2026, 6, 1, 10, 0)
		p := f.person()
		f.inTx(func(tx *store.Tx) error { return f.planner.planCheckins(f.ctx, tx, p, tx.Now()) })
		f.drain()
		f.now = f.now.Add(time.Hour)
		f.reply(p, "7")
		before := len(f.sent(p.ID))
		f.now = f.now.Add(47 * time.Hour) // the first question's timer is due now
		f.drain()
		if sent := f.sent(p.ID); len(sent) != before {
			t.Fatalf("after the reply the first question's timer fired: %q", sent[len(sent)-1].Body)
		}
		f.now = f.now.Add(time.Hour) // the second question's timer is due now
		f.drain()
		sent := f.sent(p.ID)
		if len(sent) != before+1 || !strings.Contains(sent[len(sent)-1].Body, "gentle nudge") {
			t.Fatalf("two days after the reply sent %d new messages, want the gentle reminder", len(sent)-before)
		}
	})
}

func TestARunWhoseTimersWereLostDoesNotHoldBackCheckinsForever(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Time{})
		f.now = f.local(2026, 6, 1, 10, 0)
		p := f.person()
		f.inTx(func(tx *store.Tx) error { return f.planner.planCheckins(f.ctx, tx, p, tx.Now()) })
		f.drain()
		// STOP then START: the pipeline cancelled every open nudge, timers too.
		f.inTx(func(tx *store.Tx) error {
			_, err := tx.CancelNudges(f.ctx, p.ID, "opted out")
			return err
		})
		f.now = f.local(2026, 6, 20, 10, 0)
		f.inTx(func(tx *store.Tx) error { return f.planner.PlanNextCheckin(f.ctx, tx, p) })
		for i := 0; i < 30*24; i++ {
			f.drain()
			f.now = f.now.Add(time.Hour)
		}
		starts := 0
		for _, m := range f.sent(p.ID) {
			if strings.Contains(m.Body, "would like to know how you're doing") {
				starts++
			}
		}
		if starts < 2 {
			t.Errorf("%d check-ins started in all; the first run, never expired, held back the rest", starts)
		}
	})
}

func TestAReminderCancelledAfterItWasClaimedNeverGoesAndTheRestOfItsBatchDoes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Time{})
		f.now = f.local(2026, 6, 1, 11, 0)
		a, b := f.person(), f.person()
		c := storetest.Contact(t, db, b, func(c *store.Contact) { c.StartsAt = f.local(2026, 6, 1, 14, 0) })
		f.inTx(func(tx *store.Tx) error {
			if err := f.planner.planCheckins(f.ctx, tx, a, tx.Now()); err != nil {
				return err
			}
			return f.planner.PlanContact(f.ctx, tx, c)
		})
		f.now = f.local(2026, 6, 1, 12, 0)
		claimed, err := db.ClaimDueNudges(f.ctx, f.now, f.loop.Owner, time.Minute, 10)
		if err != nil || len(claimed) != 2 {
			t.Fatalf("claimed %d nudges (%v), want the check-in and the reminder", len(claimed), err)
		}
		// The contact is cancelled while the loop holds the reminder.
		c.Status = store.ContactCancelled
		f.inTx(func(tx *store.Tx) error { return f.planner.PlanContact(f.ctx, tx, c) })
		f.loop.defaults()
		if err := f.loop.carryOutClaimed(f.ctx, f.now, claimed); err != nil {
			t.Fatal(err)
		}
		if sent := f.sent(b.ID); len(sent) != 0 {
			t.Errorf("the cancelled contact's reminder went: %q", sent[0].Body)
		}
		if sent := f.sent(a.ID); len(sent) != 2 {
			t.Errorf("the other person's check-in sent %d messages, want 2", len(sent))
		}
	})
}
