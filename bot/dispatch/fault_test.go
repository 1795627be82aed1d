package dispatch_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/dispatch"
	"github.com/linkbot/linkbot/bot/sms"
	"github.com/linkbot/linkbot/bot/sms/smstest"
	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// The fault suite: go test -run Fault ./... with LINKBOT_TEST_DATABASE_URL
// set. The tests here run in one process on a fake clock; the ones that
// kill a process or cut the database are in cmd/linkbot/fault_test.go.

// fakeClock is a clock tests move by hand. WaitUntil moves it on instead of
// waiting.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) WaitUntil(ctx context.Context, t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
	return ctx.Err()
}

// london is a time on 23 November 2026 in Europe/London (UTC then).
func london(hour, minute int) time.Time { return time.Date(2026, 11, 23, hour, minute, 0, 0, time.UTC) }

// Twilio answers 500 for 12 minutes from 19:50 with 5 messages queued: 2
// safety-net replies and 3 check-in nudges. The safety net is sent once
// Twilio recovers and the link worker is told within a minute that it is
// failing; the nudges, which would now land in quiet hours (from 20:00),
// are dropped as stale and recorded, not sent late.
func TestFaultProviderOutageOfTwelveMinutes(t *testing.T) {
	for name, storm := range map[string]smstest.Reply{"500": smstest.ServerError, "429": smstest.TooManyRequests} {
		t.Run(name, func(t *testing.T) { providerOutage(t, storm) })
	}
}

func providerOutage(t *testing.T, storm smstest.Reply) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := &fakeClock{now: london(19, 50)}
		db.SetClock(clock.Now)
		scheme := storetest.Scheme(t, db)
		worker := storetest.LinkWorker(t, db, scheme.ID, func(w *store.LinkWorker) { w.Phone = storetest.Ptr("+447700900501") })
		p := storetest.Person(t, db, func(p *store.Person) { p.SchemeID, p.LinkWorkerID = scheme.ID, &worker.ID })
		var safety, nudge []store.Message
		for i := range 2 {
			safety = append(safety, storetest.Outbound(t, db, p, func(m *store.Message) {
				m.Kind, m.Body = store.MessageSafetyNet, fmt.Sprintf("If you are in danger call 999 (%d)", i)
			}))
		}
		for i := range 3 {
			nudge = append(nudge, storetest.Outbound(t, db, p, func(m *store.Message) { m.Body = fmt.Sprintf("How are you today? (%d)", i) }))
		}
		fake := smstest.NewServer()
		defer fake.Close()
		recover := london(20, 2)
		firstFailure, toldAt := time.Time{}, time.Time{}
		fake.Decide(func(smstest.Message) *smstest.Reply {
			if clock.Now().Before(recover) {
				if firstFailure.IsZero() {
					firstFailure = clock.Now()
				}
				return &storm
			}
			return nil
		})
		d := dispatch.New(db, dispatch.Config{
			Senders: map[store.Channel]bot.Sender{store.ChannelSMS: sms.NewSender(smsConfig(fake))},
			Now:     clock.Now, Logger: quiet,
		})
		for clock.Now().Before(london(21, 0)) {
			if _, err := d.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			if toldAt.IsZero() {
				if esc, _ := escalationsOf(ctx, db, p.ID); esc > 0 {
					toldAt = clock.Now()
				}
			}
			clock.Advance(5 * time.Second)
		}
		sentSafety, staleNudges := 0, 0
		for _, m := range safety {
			got, _ := db.GetMessage(ctx, m.ID)
			if got.Status == store.StatusSent {
				sentSafety++
			}
		}
		for _, m := range nudge {
			got, _ := db.GetMessage(ctx, m.ID)
			if got.Status == store.StatusHeld && got.ErrorCode == store.ErrorStale {
				staleNudges++
			}
		}
		total, failed := fake.Requests()
		t.Logf("provider %d for 12 min, 5 queued: safety net sent after recovery %d/2, nudges dropped as stale %d/3, link worker told %s after the first failure; %d requests (%d failed)",
			storm.Status, sentSafety, staleNudges, toldAt.Sub(firstFailure), total, failed)
		if sentSafety != 2 || staleNudges != 3 {
			t.Fatalf("safety net sent %d/2, stale nudges %d/3", sentSafety, staleNudges)
		}
		if toldAt.IsZero() || toldAt.Sub(firstFailure) > time.Minute {
			t.Fatalf("the link worker was told %s after the first failure, want within a minute", toldAt.Sub(firstFailure))
		}
	})
}

func escalationsOf(ctx context.Context, db *store.DB, personID int64) (int, error) {
	var n int
	err := db.View(ctx, func(tx *store.Tx) error {
		list, err := tx.ListPersonEscalations(ctx, personID)
		n = len(list)
		return err
	})
	return n, err
}

// earlyReporter is a Sender whose provider reports the message undelivered
// before Send has even returned, so before the dispatcher can record its id.
type earlyReporter struct {
	engine *bot.Engine
	n      int
}

func (s *earlyReporter) Send(ctx context.Context, out bot.Outbound) (string, error) {
	s.n++
	sid := fmt.Sprintf("SMearly%d", s.n)
	err := s.engine.HandleStatus(ctx, bot.Status{Channel: bot.SMS, ProviderID: sid, State: bot.StateUndelivered, ErrorCode: "30003"})
	return sid, err
}

// A status callback "undelivered" that comes before the send's outcome is
// committed is kept, applied once the provider id is recorded, and an
// undelivered safety-net reply raises its urgent escalation.
func TestFaultEarlyCallbackIsAppliedAndEscalates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := &fakeClock{now: london(14, 0)}
		db.SetClock(clock.Now)
		p := storetest.Person(t, db)
		m := storetest.Outbound(t, db, p, func(m *store.Message) { m.Kind, m.Body = store.MessageSafetyNet, "Call 999 in an emergency" })
		engine, err := bot.NewEngine(db, bot.Options{Runs: nudges.NewPlanner(), Logger: quiet, PublicURL: "https://linkbot.example"})
		if err != nil {
			t.Fatal(err)
		}
		d := dispatch.New(db, dispatch.Config{Senders: map[store.Channel]bot.Sender{store.ChannelSMS: &earlyReporter{engine: engine}},
			Now: clock.Now, Logger: quiet})
		if _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Second)
		if _, err := d.RunOnce(ctx); err != nil { // the next round applies it
			t.Fatal(err)
		}
		got, _ := db.GetMessage(ctx, m.ID)
		var urgent int
		db.View(ctx, func(tx *store.Tx) error {
			list, err := tx.ListPersonEscalations(ctx, p.ID)
			for _, e := range list {
				if e.Reason == store.ReasonDeliveryFailed && e.Urgency == store.Urgent {
					urgent++
				}
			}
			return err
		})
		t.Logf("early callback: message %s, urgent delivery escalations %d", got.Status, urgent)
		if got.Status != store.StatusUndelivered || urgent != 1 {
			t.Fatalf("message is %s with %d urgent escalations; want undelivered and 1", got.Status, urgent)
		}
	})
}

// rateRecorder accepts every message and notes the (fake) time of each.
type rateRecorder struct {
	now func() time.Time
	mu  sync.Mutex
	at  []time.Time
}

func (r *rateRecorder) Send(ctx context.Context, out bot.Outbound) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.at = append(r.at, r.now())
	return fmt.Sprintf("SMrate%d", len(r.at)), nil
}

// Two dispatchers, each with its own connections and each limited to 100
// SMS a second, share one sender: between them they send at most 100 a
// second (+5%), because the limit is kept in PostgreSQL.
func TestFaultTwoDispatchersHoldOneSendersRate(t *testing.T) {
	url := storetest.PostgresURL(t)
	first := storetest.Open(t, url)
	if err := first.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	second := storetest.Open(t, url)
	clock := &fakeClock{now: london(14, 0)}
	first.SetClock(clock.Now)
	second.SetClock(clock.Now)
	const n, limit = 600, 100.0
	queue(t, first, n)
	rec := &rateRecorder{now: clock.Now}
	var wg sync.WaitGroup
	for i, db := range []*store.DB{first, second} {
		d := dispatch.New(db, dispatch.Config{
			Senders: map[store.Channel]bot.Sender{store.ChannelSMS: rec},
			Limits:  dispatch.NewLimits(limit, 0, 0), Owner: fmt.Sprintf("process-%d", i),
			Now: clock.Now, WaitUntil: clock.WaitUntil, Batch: 50, Workers: 8, Logger: quiet,
		})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				got, err := d.RunOnce(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				if got == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	if len(rec.at) != n {
		t.Fatalf("sent %d, want %d", len(rec.at), n)
	}
	firstAt, lastAt := rec.at[0], rec.at[0]
	for _, at := range rec.at {
		if at.Before(firstAt) {
			firstAt = at
		}
		if at.After(lastAt) {
			lastAt = at
		}
	}
	rate := float64(n-1) / lastAt.Sub(firstAt).Seconds()
	t.Logf("two dispatchers each limited to %.0f SMS/s sent %d at %.1f SMS/s between them", limit, n, rate)
	if rate > limit*1.05 {
		t.Fatalf("%.1f SMS/s, want at most %.0f", rate, limit*1.05)
	}
}
