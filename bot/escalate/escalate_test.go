package escalate_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot/escalate"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// clock is a fake clock the test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var london, _ = time.LoadLocation("Europe/London")

// scene is a scheme with a duty line, a link worker and a person who
// writes something urgent.
type scene struct {
	db     *store.DB
	clock  *clock
	loop   *escalate.Loop
	scheme store.Scheme
	worker store.LinkWorker
	person store.Person
	words  string
}

const dutyPhone = "+447700900100"

func newScene(t *testing.T, db *store.DB, at time.Time, hours map[string]string) *scene {
	t.Helper()
	c := &clock{t: at}
	db.SetClock(c.Now)
	s := &scene{db: db, clock: c, words: "I can't go on any more"}
	s.scheme = storetest.Scheme(t, db, func(sc *store.Scheme) { sc.DutyName, sc.DutyPhone = "Duty line", storetest.Ptr(dutyPhone) })
	storetest.LinkWorker(t, db, s.scheme.ID, func(w *store.LinkWorker) { w.Role = store.RoleSchemeAdmin; w.Name = "Priya Shah" })
	s.worker = storetest.LinkWorker(t, db, s.scheme.ID, func(w *store.LinkWorker) {
		w.Name = "Tom Okafor"
		if hours != nil {
			w.WorkingHours, _ = json.Marshal(hours)
		}
	})
	s.person = storetest.Person(t, db, func(p *store.Person) {
		p.SchemeID, p.LinkWorkerID, p.Name = s.scheme.ID, &s.worker.ID, "Margaret Ellis"
	})
	s.loop = &escalate.Loop{DB: db, InboxURL: "https://linkbot.example", Now: c.Now}
	return s
}

// raiseUrgent does what the inbound pipeline does: stores the message, raises
// an urgent escalation and notifies the link worker, in one transaction.
func (s *scene) raiseUrgent(t *testing.T, notify bool) store.Escalation {
	t.Helper()
	ctx := context.Background()
	m := storetest.Inbound(t, s.db, s.person, func(m *store.Message) { m.Body = s.words })
	e := store.Escalation{SchemeID: s.scheme.ID, PersonID: s.person.ID, LinkWorkerID: &s.worker.ID, MessageID: &m.ID,
		Reason: store.ReasonRisk, Urgency: store.Urgent}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateEscalation(ctx, &e); err != nil {
			return err
		}
		if notify {
			_, err := escalate.NotifyLinkWorker(ctx, tx, s.loop.InboxURL, e, s.worker)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// sent claims every notice due now and marks it sent, as the dispatcher
// would when the provider accepts it.
func (s *scene) sent(t *testing.T) []store.Message {
	t.Helper()
	list := s.claim(t)
	for i, m := range list {
		if err := s.db.MarkSent(context.Background(), m.ID, "test-dispatcher", "SM"+strings.Repeat("0", 30)+itoa(i)+itoa(int(m.ID))); err != nil {
			t.Fatal(err)
		}
	}
	return list
}

// claim claims every notice due now, as the dispatcher does before sending.
func (s *scene) claim(t *testing.T) []store.Message {
	t.Helper()
	list, err := s.db.ClaimOutbox(context.Background(), s.clock.Now(), "test-dispatcher", time.Minute, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list {
		if m.Kind != store.MessageNotification {
			t.Errorf("unexpected %s message in the outbox", m.Kind)
		}
		if strings.Contains(m.Body, s.words) || strings.Contains(m.Body, "Margaret") || strings.Contains(m.Body, "risk") {
			t.Errorf("a notice carries the person's words, name or clinical detail: %q", m.Body)
		}
	}
	return list
}

func (s *scene) tick(t *testing.T) escalate.Report {
	t.Helper()
	rep, err := s.loop.Tick(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// A Tuesday at 02:00 in London.
var twoAM = time.Date(2026, 11, 24, 2, 0, 0, 0, london)

func TestUrgentAtTwoInTheMorningReachesTheDutyContactAfterFifteenMinutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newScene(t, db, twoAM, nil) // no working hours set: always on call
		e := s.raiseUrgent(t, true)
		first := s.sent(t)
		if len(first) != 1 || first[0].Address != *s.worker.Phone || !strings.Contains(first[0].Body, "URGENT") ||
			!strings.Contains(first[0].Body, "https://linkbot.example/people/") {
			t.Fatalf("at 02:00 the link worker gets one urgent notice with a link; got %+v", first)
		}
		s.clock.Advance(14*time.Minute + 59*time.Second)
		if rep := s.tick(t); rep.DutyNotices != 0 {
			t.Fatalf("the duty contact was told before 15 minutes")
		}
		if got := s.sent(t); len(got) != 0 {
			t.Fatalf("sent before 15 minutes: %+v", got)
		}
		s.clock.Advance(time.Second)
		if rep := s.tick(t); rep.DutyNotices != 1 {
			t.Fatalf("report %+v, want one duty notice", rep)
		}
		duty := s.sent(t)
		if len(duty) != 1 || duty[0].Address != dutyPhone || !strings.Contains(duty[0].Body, "not been acknowledged in 15 minutes") {
			t.Fatalf("at 02:15 the duty line gets one notice; got %+v", duty)
		}
		got, _ := db.GetEscalation(context.Background(), e.ID)
		if got.DutyNotifiedAt == nil || !got.DutyNotifiedAt.Equal(twoAM.Add(15*time.Minute)) || got.NotifiedAt == nil || !got.NotifiedAt.Equal(twoAM) {
			t.Fatalf("steps not recorded with their times: notified %v, duty %v", got.NotifiedAt, got.DutyNotifiedAt)
		}
		s.clock.Advance(time.Hour)
		s.tick(t)
		if again := s.sent(t); len(again) != 0 {
			t.Fatalf("the duty contact was told twice: %+v", again)
		}
		audit, _ := db.ListAudit(context.Background(), s.person.ID)
		if len(audit) < 2 || audit[len(audit)-1].Action != "escalation.duty_notified" {
			t.Fatalf("the duty notice is not in the audit trail: %+v", audit)
		}
	})
}

func TestOffDutyLinkWorkerIsCoveredAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newScene(t, db, twoAM, map[string]string{"mon": "09:00-17:00", "tue": "09:00-17:00"})
		cover := storetest.LinkWorker(t, db, s.scheme.ID, func(w *store.LinkWorker) { w.Name = "Ann Night" })
		err := db.InTx(context.Background(), func(tx *store.Tx) error {
			return tx.CreateDutyCover(context.Background(), &store.DutyCover{SchemeID: s.scheme.ID, LinkWorkerID: cover.ID,
				StartsAt: twoAM.Add(-4 * time.Hour), EndsAt: twoAM.Add(6 * time.Hour)})
		})
		if err != nil {
			t.Fatal(err)
		}
		s.raiseUrgent(t, true)
		s.sent(t)
		if rep := s.tick(t); rep.DutyNotices != 1 {
			t.Fatalf("report %+v: an off-duty link worker's urgent escalation goes to duty at once", rep)
		}
		duty := s.sent(t)
		if len(duty) != 1 || duty[0].LinkWorkerID == nil || *duty[0].LinkWorkerID != cover.ID || !strings.Contains(duty[0].Body, "off duty") {
			t.Fatalf("the link worker covering duty should be told; got %+v", duty)
		}
	})
}

func TestAcknowledgedInTimeStaysWithTheLinkWorker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newScene(t, db, twoAM, nil)
		e := s.raiseUrgent(t, true)
		s.sent(t)
		s.clock.Advance(10 * time.Minute)
		if err := db.AcknowledgeEscalation(context.Background(), e.ID, s.worker.ID); err != nil {
			t.Fatal(err)
		}
		s.clock.Advance(time.Hour)
		if rep := s.tick(t); rep.DutyNotices != 0 {
			t.Fatalf("an acknowledged escalation went to duty")
		}
	})
}

func TestBackstopNotifiesTheLinkWorkerWhenNobodyDid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newScene(t, db, twoAM, nil)
		s.raiseUrgent(t, false)
		if rep := s.tick(t); rep.LinkWorkerNotices != 0 {
			t.Fatalf("the backstop did not leave the pipeline its grace")
		}
		s.clock.Advance(escalate.FirstNoticeGrace)
		if rep := s.tick(t); rep.LinkWorkerNotices != 1 {
			t.Fatalf("report %+v, want a backstop notice", rep)
		}
		if got := s.sent(t); len(got) != 1 || got[0].Address != *s.worker.Phone {
			t.Fatalf("got %+v", got)
		}
	})
}

func TestBackstopLeavesALinkWorkerWhoHasLeftAlone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newScene(t, db, twoAM, nil)
		s.worker.Active = false
		if err := db.UpdateLinkWorker(context.Background(), s.worker); err != nil {
			t.Fatal(err)
		}
		s.raiseUrgent(t, false)
		s.clock.Advance(escalate.FirstNoticeGrace)
		if rep := s.tick(t); rep.LinkWorkerNotices != 0 || rep.DutyNotices != 1 {
			t.Fatalf("report %+v: want the duty contact told, not the link worker who has left", rep)
		}
		if got := s.sent(t); len(got) != 1 || got[0].Address != dutyPhone {
			t.Fatalf("got %+v, want one notice to the duty phone", got)
		}
	})
}

func TestTwoLoopsTellTheDutyContactOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newScene(t, db, twoAM, nil)
		s.raiseUrgent(t, true)
		s.sent(t)
		s.clock.Advance(20 * time.Minute)
		other := *s.loop
		var wg sync.WaitGroup
		for _, l := range []*escalate.Loop{s.loop, &other} {
			wg.Go(func() {
				if _, err := l.Tick(context.Background()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if got := s.sent(t); len(got) != 1 {
			t.Fatalf("the duty contact got %d notices, want 1", len(got))
		}
	})
}

func TestFailedNoticeIsRetriedAndTheEscalationStaysInTheInbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newScene(t, db, twoAM, nil)
		s.raiseUrgent(t, true)
		first := s.claim(t)
		if len(first) != 1 {
			t.Fatalf("want one notice, got %d", len(first))
		}
		retry := twoAM.Add(30 * time.Second)
		if err := db.MarkSendFailed(ctx, first[0].ID, "test-dispatcher", "503", "provider unavailable", &retry); err != nil {
			t.Fatal(err)
		}
		s.clock.Advance(30 * time.Second)
		again := s.sent(t)
		if len(again) != 1 || again[0].ID != first[0].ID || again[0].Attempts != 2 {
			t.Fatalf("the failed notice should be sent again; got %+v", again)
		}
		var entries []store.CaseloadEntry
		err := db.View(ctx, func(tx *store.Tx) error {
			var err error
			entries, err = tx.Caseload(ctx, s.scheme.ID, s.worker.ID, store.CaseloadFilter{})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) == 0 || entries[0].Person.ID != s.person.ID || entries[0].Urgent != 1 {
			t.Fatalf("the urgent escalation should top the caseload: %+v", entries)
		}
	})
}

func TestNoticeThatFailsForGoodGoesToDutyAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newScene(t, db, twoAM, nil)
		s.raiseUrgent(t, true)
		first := s.claim(t)
		if err := db.MarkSendFailed(ctx, first[0].ID, "test-dispatcher", "21610", "unsubscribed recipient", nil); err != nil {
			t.Fatal(err)
		}
		s.clock.Advance(time.Minute)
		if rep := s.tick(t); rep.DutyNotices != 1 {
			t.Fatalf("report %+v: a failed notice should go to duty without waiting 15 minutes", rep)
		}
		duty := s.sent(t)
		if len(duty) != 1 || duty[0].Address != dutyPhone || !strings.Contains(duty[0].Body, "could not be delivered") {
			t.Fatalf("got %+v", duty)
		}
	})
}

func TestDigestOnceADayOfWhatWaits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		morning := time.Date(2026, 11, 24, 8, 29, 0, 0, london)
		s := newScene(t, db, morning, map[string]string{"tue": "09:00-17:00", "wed": "09:00-17:00"})
		for _, u := range []store.Urgency{store.Soon, store.Routine} {
			e := store.Escalation{SchemeID: s.scheme.ID, PersonID: s.person.ID, LinkWorkerID: &s.worker.ID, Reason: store.ReasonLowScore, Urgency: u}
			if err := db.CreateEscalation(ctx, &e); err != nil {
				t.Fatal(err)
			}
		}
		if rep := s.tick(t); rep.Digests != 0 {
			t.Fatalf("a digest before 08:30")
		}
		s.clock.Advance(time.Minute)
		s.tick(t)
		got := s.sent(t)
		if len(got) != 1 || got[0].Body != "Linkbot: 2 things wait for you in the inbox (1 to see today): https://linkbot.example/" {
			t.Fatalf("at 08:30 one digest; got %+v", got)
		}
		s.clock.Advance(3 * time.Hour)
		s.tick(t)
		if again := s.sent(t); len(again) != 0 {
			t.Fatalf("a second digest the same day")
		}
		s.clock.Advance(24 * time.Hour) // Wednesday, still waiting
		s.tick(t)
		if next := s.sent(t); len(next) != 1 {
			t.Fatalf("the next working day's digest: got %d", len(next))
		}
		s.clock.Advance(24 * time.Hour) // Thursday: not a working day
		s.tick(t)
		if off := s.sent(t); len(off) != 0 {
			t.Fatalf("a digest on a day off")
		}
	})
}

func TestOnDuty(t *testing.T) {
	w := store.LinkWorker{Active: true, WorkingHours: store.JSON(`{"mon":"09:00-17:00"}`)}
	cases := []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2026, 11, 23, 9, 0, 0, 0, london), true},
		{time.Date(2026, 11, 23, 16, 59, 0, 0, london), true},
		{time.Date(2026, 11, 23, 17, 0, 0, 0, london), false},
		{time.Date(2026, 11, 23, 8, 59, 0, 0, london), false},
		{time.Date(2026, 11, 24, 10, 0, 0, 0, london), false}, // Tuesday
	}
	for _, c := range cases {
		if got := escalate.OnDuty(w, c.at, london); got != c.want {
			t.Errorf("OnDuty at %s = %v, want %v", c.at, got, c.want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestTheLoopPurgesExpiredRecordsOnceADay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newScene(t, db, twoAM, nil)
		storetest.Inbound(t, db, s.person, func(m *store.Message) { m.Body = s.words })
		ended := twoAM.AddDate(-store.DefaultRetentionYears, 0, 1) // expires in a day
		p := s.person
		p.Status, p.EndedAt = store.PersonEnded, &ended
		if err := db.UpdatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		if rep := s.tick(t); rep.Purged.People != 0 {
			t.Fatalf("purged %+v while the record is within its retention", rep.Purged)
		}
		s.clock.Advance(21 * time.Hour) // 23:00 the same UTC day (London is on UTC in November): no second purge
		if rep := s.tick(t); rep.Purged.People != 0 {
			t.Fatalf("a second purge on the same day: %+v", rep.Purged)
		}
		s.clock.Advance(4 * time.Hour) // 03:00 the next day: the retention ran out at 02:00
		rep := s.tick(t)
		if rep.Purged.People != 1 || rep.Purged.Messages != 1 {
			t.Fatalf("the next day's tick purged %+v, want the one message of the one person", rep.Purged)
		}
		thread, err := db.ListThread(ctx, p.ID, 10)
		if err != nil || len(thread) != 1 || thread[0].Body != "" {
			t.Fatalf("thread after the purge: %+v, %v; want the message kept without its words", thread, err)
		}
	})
}
