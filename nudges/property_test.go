package nudges

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

var zones = []string{"Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Auckland", "Europe/Berlin"}

// history of one person in a property run.
type subject struct {
	person    store.Person
	optedOut  time.Time // zero: never
	ended     time.Time
	contacts  []store.Contact
	startsLog map[int64][]startsAt // contact id → when it was set to which time
}

type startsAt struct {
	from, starts time.Time
	live         bool
}

// TestNudgesKeepTheirPromisesOverRandomSchedules drives random schemes
// (time zones, send hours, check-in schedules, reply waits) through random
// clock jumps, opt-outs, ends of support, moved and cancelled contacts and
// replies, and checks after every step: no nudge is sent inside quiet
// hours; none to a person who opted out or whose support ended; nobody has
// two runs open; a moved contact's old reminders never go.
func TestNudgesKeepTheirPromisesOverRandomSchedules(t *testing.T) {
	seed := uint64(20261123)
	if s := testingSeed(); s != 0 {
		seed = s
	}
	trials := 4
	if testing.Short() {
		trials = 1
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		for trial := 0; trial < trials; trial++ {
			if !propertyTrial(t, db, rng, trial) {
				t.Fatalf("failed with seed %d, trial %d (rerun with LINKBOT_NUDGES_SEED=%d)", seed, trial, seed)
			}
		}
	})
}

func propertyTrial(t *testing.T, db *store.DB, rng *rand.Rand, trial int) bool {
	t.Helper()
	zone := zones[rng.IntN(len(zones))]
	fromH := 6 + rng.IntN(7)
	untilH := min(fromH+3+rng.IntN(10), 23)
	start := time.Date(2026+rng.IntN(2), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), 0, 0, time.UTC)
	f := newFixture(t, db, start, func(s *store.Scheme) {
		s.TimeZone = zone
		s.SendFrom = fmt.Sprintf("%02d:%02d", fromH, rng.IntN(60))
		s.SendUntil = fmt.Sprintf("%02d:00", untilH)
	})
	hours, err := SendHoursOf(f.scheme)
	if err != nil {
		t.Fatal(err)
	}
	// A check-in schedule of the scheme's own.
	days := []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
	src := builtinSource(t, "ons4")
	src = strings.Replace(src, `every: {weeks: 2, on: monday, at: "10:00"}`,
		fmt.Sprintf(`every: {weeks: %d, on: %s, at: "%02d:%02d"}`, 1+rng.IntN(3), days[rng.IntN(7)], rng.IntN(24), rng.IntN(60)), 1)
	src = strings.Replace(src, "wait: 2d", fmt.Sprintf("wait: %dh", 1+rng.IntN(72)), 1)
	storetest.Dialogue(t, db, f.scheme.ID, func(d *store.Dialogue) { d.Key, d.Source = "ons4", src })
	desc := fmt.Sprintf("trial %d: %s, send %s–%s, from %s", trial, zone, f.scheme.SendFrom, f.scheme.SendUntil, start)

	var subjects []*subject
	for i := 0; i < 6; i++ {
		s := &subject{person: f.person(), startsLog: map[int64][]startsAt{}}
		f.inTx(func(tx *store.Tx) error { return f.planner.planCheckins(f.ctx, tx, s.person, tx.Now()) })
		for k := 0; k < 2; k++ {
			c := storetest.Contact(t, db, s.person, func(c *store.Contact) {
				c.StartsAt = f.now.Add(time.Duration(1+rng.IntN(14*24)) * time.Hour)
			})
			f.inTx(func(tx *store.Tx) error { return f.planner.PlanContact(f.ctx, tx, c) })
			s.contacts = append(s.contacts, c)
			s.startsLog[c.ID] = []startsAt{{f.now, c.StartsAt, true}}
		}
		subjects = append(subjects, s)
	}
	for step := 0; step < 120; step++ {
		// Jump the clock: minutes, hours or days.
		switch rng.IntN(3) {
		case 0:
			f.now = f.now.Add(time.Duration(1+rng.IntN(59)) * time.Minute)
		case 1:
			f.now = f.now.Add(time.Duration(1+rng.IntN(12)) * time.Hour)
		default:
			f.now = f.now.Add(time.Duration(1+rng.IntN(3)) * 24 * time.Hour)
		}
		s := subjects[rng.IntN(len(subjects))]
		switch rng.IntN(10) {
		case 0: // STOP; the pipeline may or may not have cancelled the nudges yet
			if s.optedOut.IsZero() && s.ended.IsZero() {
				s.optedOut = f.now
				now := f.now
				f.inTx(func(tx *store.Tx) error {
					if err := tx.SetOptedOut(f.ctx, s.person.ID, &now); err != nil {
						return err
					}
					if rng.IntN(2) == 0 {
						_, err := tx.CancelNudges(f.ctx, s.person.ID, "opted out")
						return err
					}
					return nil
				})
			}
		case 1: // support ends
			if s.ended.IsZero() && s.optedOut.IsZero() {
				s.ended = f.now
				p, err := db.GetPerson(f.ctx, s.person.ID)
				if err != nil {
					t.Fatal(err)
				}
				p.Status, p.EndedAt = store.PersonEnded, &s.ended
				if err := db.UpdatePerson(f.ctx, p); err != nil {
					t.Fatal(err)
				}
			}
		case 2, 3: // a contact moves or is cancelled
			c := &s.contacts[rng.IntN(len(s.contacts))]
			if rng.IntN(4) == 0 {
				c.Status = store.ContactCancelled
			} else {
				c.StartsAt = f.now.Add(time.Duration(1+rng.IntN(10*24)) * time.Hour)
			}
			cc := *c
			f.inTx(func(tx *store.Tx) error {
				if err := tx.UpdateContact(f.ctx, cc); err != nil {
					return err
				}
				return f.planner.PlanContact(f.ctx, tx, cc)
			})
			s.startsLog[c.ID] = append(s.startsLog[c.ID], startsAt{f.now, c.StartsAt, c.Status != store.ContactCancelled})
		case 4, 5: // a reply to whatever the run waits for
			if _, err := db.GetOpenRun(f.ctx, s.person.ID); err == nil && s.optedOut.IsZero() && s.ended.IsZero() {
				f.reply(s.person, strconv.Itoa(rng.IntN(11)))
			}
		}
		f.drain()
		if msg := checkPromises(f, hours, subjects); msg != "" {
			t.Errorf("%s, step %d at %s: %s", desc, step, f.now, msg)
			return false
		}
	}
	// The run must have done something for its checks to mean anything.
	sent, reminders := 0, 0
	for _, s := range subjects {
		sent += len(f.sent(s.person.ID))
		for _, n := range f.nudges(s.person.ID) {
			if n.Kind == store.NudgeContactReminder && n.Status == store.NudgeDone {
				reminders++
			}
		}
	}
	if sent < 10 || reminders == 0 {
		for _, s := range subjects {
			for _, n := range f.nudges(s.person.ID) {
				if n.Kind == store.NudgeContactReminder {
					t.Log(n.Key, n.Status, n.Note)
				}
			}
		}
		t.Errorf("%s: only %d messages and %d contact reminders sent", desc, sent, reminders)
		return false
	}
	return true
}

// checkPromises returns what broke, or "".
func checkPromises(f *fixture, hours SendHours, subjects []*subject) string {
	for _, s := range subjects {
		open := 0
		for _, m := range f.sent(s.person.ID) {
			if m.Kind != store.MessageNudge {
				continue
			}
			if !hours.Allows(m.CreatedAt) {
				return fmt.Sprintf("nudge %q to person %d at %s local, inside quiet hours", m.Body, s.person.ID, m.CreatedAt.In(hours.Loc))
			}
			if !s.optedOut.IsZero() && !m.CreatedAt.Before(s.optedOut) {
				return fmt.Sprintf("nudge to person %d at %s after STOP at %s", s.person.ID, m.CreatedAt, s.optedOut)
			}
			if !s.ended.IsZero() && !m.CreatedAt.Before(s.ended) {
				return fmt.Sprintf("nudge to person %d at %s after support ended at %s", s.person.ID, m.CreatedAt, s.ended)
			}
		}
		for _, n := range f.nudges(s.person.ID) {
			if n.Kind != store.NudgeContactReminder || n.Status != store.NudgeDone {
				continue
			}
			// The contact as it stood when the reminder went.
			var cur startsAt
			for _, h := range s.startsLog[*n.ContactID] {
				if !h.from.After(*n.FinishedAt) {
					cur = h
				}
			}
			if !cur.live || !strings.HasSuffix(n.Key, ":"+strconv.FormatInt(cur.starts.Unix(), 10)) {
				return fmt.Sprintf("reminder %s went at %s for a contact then at %s (live %v)", n.Key, n.FinishedAt, cur.starts, cur.live)
			}
		}
		f.inTx(func(tx *store.Tx) error {
			list, err := tx.ListOpenRuns(f.ctx, []int64{s.person.ID})
			open = len(list)
			return err
		})
		if open > 1 {
			return fmt.Sprintf("person %d has %d open runs", s.person.ID, open)
		}
	}
	return ""
}
