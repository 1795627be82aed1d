package bot_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/dispatch"
	"github.com/linkbot/linkbot/bot/sms"
	"github.com/linkbot/linkbot/bot/sms/smstest"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// BenchmarkUrgentNotification measures how long a link worker waits for
// their phone to hear of an urgent reply while the server is busy: b.N
// signed inbound SMS webhooks arrive at a steady 200 a second (an open
// loop over loopback, as Twilio sends), every 97th of them (from the first) urgent ("I
// can't go on any more"), from different people. The real dispatcher runs
// as in production (its default tick and the default 10 SMS a second per
// Twilio number) and sends with twilio-go to the fake Twilio. For each
// urgent message it reports the time from the start of the webhook's POST
// to the fake Twilio receiving the link worker's notification: p50, p99 and
// the worst. Run with -benchtime=4000x for 20 seconds of load and 42 urgent
// messages. PostgreSQL needs LINKBOT_TEST_DATABASE_URL; SQLite always runs.
func BenchmarkUrgentNotification(b *testing.B) {
	b.Run("postgres", func(b *testing.B) { benchUrgentNotification(b, storetest.Postgres(b)) })
	b.Run("sqlite", func(b *testing.B) { benchUrgentNotification(b, storetest.SQLite(b)) })
}

const (
	inboundPerSecond = 200
	// One urgent message in this many: every 485 ms at 200 a second, so
	// that their arrival sweeps across the dispatcher's 500 ms idle tick
	// instead of always landing at the same point of it.
	urgentEvery = 97
)

// notificationLink finds the person in a link worker's notification.
var notificationLink = regexp.MustCompile(`/people/(\d+)`)

func benchUrgentNotification(b *testing.B, db *store.DB) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	scheme := storetest.Scheme(b, db)
	worker := storetest.LinkWorker(b, db, scheme.ID, func(w *store.LinkWorker) { w.Phone = storetest.Ptr("+447700800001") })
	newPerson := func(phone string) store.Person {
		return storetest.Person(b, db, func(p *store.Person) { p.SchemeID, p.LinkWorkerID, p.Phone = scheme.ID, &worker.ID, &phone })
	}
	var ordinary []string
	for i := range 500 {
		ordinary = append(ordinary, *newPerson(fmt.Sprintf("+4477009%05d", i)).Phone)
	}
	urgent := make([]store.Person, (b.N+urgentEvery-1)/urgentEvery) // the 1st, 98th, 195th…
	for i := range urgent {
		urgent[i] = newPerson(fmt.Sprintf("+4477008%05d", 100+i))
	}

	// The fake Twilio notes when each urgent notification reaches it.
	var mu sync.Mutex
	posted := map[int64]time.Time{}
	waited := map[int64]time.Duration{}
	all := make(chan struct{})
	twilio := smstest.NewServer()
	defer twilio.Close()
	twilio.Decide(func(m smstest.Message) *smstest.Reply {
		if m.To != *worker.Phone {
			return nil
		}
		match := notificationLink.FindStringSubmatch(m.Body)
		if match == nil {
			return nil
		}
		id, _ := strconv.ParseInt(match[1], 10, 64)
		mu.Lock()
		defer mu.Unlock()
		if at, ok := posted[id]; ok {
			if _, seen := waited[id]; !seen {
				waited[id] = time.Since(at)
				if len(waited) == len(urgent) {
					close(all)
				}
			}
		}
		return nil
	})

	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	cfg := sms.Config{AccountSID: smstest.AccountSID, AuthToken: smstest.AuthToken, From: "+447700900999",
		PublicURL: srv.URL, APIURL: twilio.URL}
	engine, err := bot.NewEngine(db, bot.Options{PublicURL: srv.URL, Logger: quiet, Runs: newPlanner(srv.URL)})
	if err != nil {
		b.Fatal(err)
	}
	mux.Handle("POST "+sms.InboundPath, sms.InboundHandler(cfg, engine))
	mux.Handle("POST "+sms.StatusPath, sms.StatusHandler(cfg, engine))
	disp := dispatch.New(db, dispatch.Config{
		Senders:   map[store.Channel]bot.Sender{store.ChannelSMS: sms.NewSender(cfg)},
		Limits:    dispatch.NewLimits(dispatch.DefaultSMSPerSecond, dispatch.DefaultTelegramPerSecond, dispatch.DefaultTelegramChatPerSecond),
		PublicURL: srv.URL,
		Logger:    quiet,
	})
	var running sync.WaitGroup
	running.Go(func() { disp.Run(ctx) })
	defer running.Wait()
	defer cancel()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}
	post := func(from, body string) error {
		req, err := smstest.SignedRequest(ctx, smstest.AuthToken, srv.URL+sms.InboundPath, smstest.InboundParams(from, cfg.From, body))
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("webhook answered %d", resp.StatusCode)
		}
		return nil
	}

	var sending sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		// Each webhook at its own time, whether or not earlier ones are
		// answered; a late start never skips one.
		if wait := time.Until(start.Add(time.Duration(i) * time.Second / inboundPerSecond)); wait > 0 {
			time.Sleep(wait)
		}
		sending.Go(func() {
			var err error
			if i%urgentEvery == 0 {
				p := urgent[i/urgentEvery]
				mu.Lock()
				posted[p.ID] = time.Now()
				mu.Unlock()
				err = post(*p.Phone, "I can't go on any more")
			} else {
				err = post(ordinary[i%len(ordinary)], "Thanks, see you on Tuesday")
			}
			if err != nil {
				b.Error(err)
			}
		})
	}
	offered := float64(b.N) / time.Since(start).Seconds()
	sending.Wait()
	answered := float64(b.N) / time.Since(start).Seconds()
	select {
	case <-all:
	case <-time.After(30 * time.Second):
		b.Fatalf("only %d of %d urgent notifications reached the fake Twilio 30 s after the last webhook", len(waited), len(urgent))
	}
	b.StopTimer()

	var list []time.Duration
	for _, d := range waited {
		list = append(list, d)
	}
	slices.Sort(list)
	ms := func(p float64) float64 {
		return float64(list[min(len(list)-1, int(p*float64(len(list))))].Microseconds()) / 1000
	}
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
	b.ReportMetric(ms(1), "max-ms")
	b.ReportMetric(float64(len(list)), "urgent")
	b.ReportMetric(offered, "sent/s")
	sent, _ := twilio.Requests()
	b.ReportMetric(float64(sent), "sms")
	b.ReportMetric(answered, "answered/s")
}
