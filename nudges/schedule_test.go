package nudges

import (
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/dialogues"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestAWeeklyTenOClockCheckinFiresAtTenLocalOnTheMondaysAroundBothClockChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Time{})
		src := strings.Replace(builtinSource(t, "ons4"), `every: {weeks: 2, on: monday, at: "10:00"}`, `every: {weeks: 1, on: monday, at: "10:00"}`, 1)
		src = strings.Replace(src, "at_start: true", "at_start: false", 1)
		storetest.Dialogue(t, db, f.scheme.ID, func(d *store.Dialogue) { d.Key, d.Source = "ons4", src })
		windows := []struct{ from, to time.Time }{
			{f.local(2026, 3, 16, 0, 0), f.local(2026, 4, 7, 0, 0)},   // clocks go forward 29 March
			{f.local(2026, 10, 12, 0, 0), f.local(2026, 11, 3, 0, 0)}, // clocks go back 25 October
		}
		for _, w := range windows {
			f.now = w.from
			p := f.person(func(p *store.Person) { p.ReferredAt = w.from.AddDate(0, -1, 0) })
			// Support started a month ago; only the recurring check-in is due.
			f.inTx(func(tx *store.Tx) error {
				return f.planner.planCheckins(f.ctx, tx, p, tx.Now())
			})
			for ; f.now.Before(w.to); f.now = f.now.Add(time.Hour) {
				f.drain()
			}
			var fired []string
			for _, m := range f.sent(p.ID) {
				if strings.Contains(m.Body, "would like to know how you're doing") {
					fired = append(fired, m.CreatedAt.In(f.loc).Format("Mon 2 Jan 15:04 MST"))
				}
			}
			want := []string{"Mon 16 Mar 10:00 GMT", "Mon 23 Mar 10:00 GMT", "Mon 30 Mar 10:00 BST", "Mon 6 Apr 10:00 BST"}
			if w.from.Month() == time.October {
				want = []string{"Mon 12 Oct 10:00 BST", "Mon 19 Oct 10:00 BST", "Mon 26 Oct 10:00 GMT", "Mon 2 Nov 10:00 GMT"}
			}
			if got := strings.Join(fired, ", "); got != strings.Join(want, ", ") {
				t.Errorf("weekly check-ins at %s,\nwant %s", got, strings.Join(want, ", "))
			}
		}
	})
}

func TestChangingTheCheckinScheduleReplansEveryonesNextCheckin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Time{})
		f.now = f.local(2026, 6, 1, 12, 0) // a Monday
		var people []store.Person
		for i := 0; i < 30; i++ {
			p := f.person(func(p *store.Person) { p.ReferredAt = f.now.AddDate(0, -1, 0) })
			f.inTx(func(tx *store.Tx) error { return f.planner.planCheckins(f.ctx, tx, p, tx.Now()) })
			people = append(people, p)
		}
		stopped := people[0]
		if err := db.SetOptedOut(f.ctx, stopped.ID, &f.now); err != nil {
			t.Fatal(err)
		}
		src := strings.Replace(builtinSource(t, "ons4"), `every: {weeks: 2, on: monday, at: "10:00"}`, `every: {weeks: 1, on: wednesday, at: "14:30"}`, 1)
		storetest.Dialogue(t, db, f.scheme.ID, func(d *store.Dialogue) { d.Key, d.Source = "ons4", src })
		planned, err := f.planner.ReplanScheme(f.ctx, db, f.scheme.ID)
		if err != nil {
			t.Fatal(err)
		}
		if planned != 29 {
			t.Errorf("planned %d check-ins, want 29 (one opted out)", planned)
		}
		want := f.local(2026, 6, 3, 14, 30)
		for _, p := range people {
			var next []store.Nudge
			for _, n := range f.nudges(p.ID) {
				if n.Kind == store.NudgeCheckin && n.Status == store.NudgePlanned && strings.HasPrefix(n.Key, "checkin:every:") {
					next = append(next, n)
				}
			}
			if p.ID == stopped.ID {
				if len(next) != 0 {
					t.Errorf("the person who opted out has %d recurring check-ins planned", len(next))
				}
				continue
			}
			if len(next) != 1 || !next[0].DueAt.Equal(want) {
				t.Fatalf("person %d: planned %+v, want one recurring check-in at %s", p.ID, next, want)
			}
		}
		// And back again: the old schedule's keys do not get in the way.
		storetest.Dialogue(t, db, f.scheme.ID, func(d *store.Dialogue) { d.Key, d.Source = "ons4", builtinSource(t, "ons4") })
		if _, err := f.planner.ReplanScheme(f.ctx, db, f.scheme.ID); err != nil {
			t.Fatal(err)
		}
		back := NextRecurrence(f.now, f.loc, dialogues.Recurrence{Weeks: 4, Weekday: time.Monday, Hour: 10})
		for _, p := range people[1:] {
			var next []store.Nudge
			for _, n := range f.nudges(p.ID) {
				if n.Kind == store.NudgeCheckin && n.Status == store.NudgePlanned && strings.HasPrefix(n.Key, "checkin:every:") {
					next = append(next, n)
				}
			}
			if len(next) != 1 || !next[0].DueAt.Equal(back) {
				t.Fatalf("person %d after changing back: planned %+v, want one check-in at %s", p.ID, next, back)
			}
		}
	})
}
