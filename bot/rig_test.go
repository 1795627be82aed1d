package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/dispatch"
	"github.com/linkbot/linkbot/bot/sms"
	"github.com/linkbot/linkbot/bot/sms/smstest"
	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// quiet drops logs: tests check what people and link workers see.
var quiet = slog.New(slog.DiscardHandler)

// clock is a fake clock shared by the store and the dispatcher.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock {
	return &clock{now: time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// rig is Linkbot's SMS path end to end: the real webhook handlers on a
// loopback server, the pipeline, a dispatcher sending with the real
// twilio-go client to the fake Twilio, and a person with a link worker.
type rig struct {
	t      *testing.T
	ctx    context.Context
	db     *store.DB
	clock  *clock
	twilio *smstest.Server
	web    *httptest.Server
	cfg    sms.Config
	engine *bot.Engine
	disp   *dispatch.Dispatcher
	worker store.LinkWorker
	person store.Person
}

func newRig(t *testing.T, db *store.DB, opts ...func(*store.Person)) *rig {
	t.Helper()
	r := &rig{t: t, ctx: context.Background(), db: db, clock: newClock()}
	db.SetClock(r.clock.Now)
	r.twilio = smstest.NewServer()
	t.Cleanup(r.twilio.Close)
	mux := http.NewServeMux()
	r.web = httptest.NewServer(mux)
	t.Cleanup(r.web.Close)
	r.cfg = sms.Config{AccountSID: smstest.AccountSID, AuthToken: smstest.AuthToken, From: "+447700900999",
		PublicURL: r.web.URL, APIURL: r.twilio.URL, Timeout: 300 * time.Millisecond, Now: r.clock.Now}
	engine, err := bot.NewEngine(db, bot.Options{PublicURL: "https://linkbot.example", Logger: quiet, Runs: newPlanner("https://linkbot.example")})
	if err != nil {
		t.Fatal(err)
	}
	r.engine = engine
	mux.Handle("POST "+sms.InboundPath, sms.InboundHandler(r.cfg, r.engine))
	mux.Handle("POST "+sms.StatusPath, sms.StatusHandler(r.cfg, r.engine))
	r.disp = dispatch.New(db, dispatch.Config{
		Senders:     map[store.Channel]bot.Sender{store.ChannelSMS: sms.NewSender(r.cfg)},
		Now:         r.clock.Now,
		PublicURL:   "https://linkbot.example",
		MaxAttempts: 5,
		Logger:      quiet,
	})
	scheme := storetest.Scheme(t, db, func(s *store.Scheme) { s.Name = "Calder Connect" })
	r.worker = storetest.LinkWorker(t, db, scheme.ID, func(w *store.LinkWorker) {
		w.Name = "Priya Shah"
		w.Phone = storetest.Ptr("+447700900501")
	})
	person := func(p *store.Person) {
		p.SchemeID, p.LinkWorkerID, p.Name = scheme.ID, &r.worker.ID, "Margaret Ellis"
		for _, o := range opts {
			o(p)
		}
	}
	r.person = storetest.Person(t, db, person)
	return r
}

// text posts a signed inbound SMS from the person and returns the status.
func (r *rig) text(body string) int {
	r.t.Helper()
	return r.post(sms.InboundPath, smstest.InboundParams(*r.person.Phone, r.cfg.From, body))
}

func (r *rig) post(path string, params url.Values) int {
	r.t.Helper()
	resp, err := r.twilio.PostWebhook(r.ctx, r.web.URL+path, params)
	if err != nil {
		r.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// dispatch runs the dispatcher until the outbox has nothing due now.
func (r *rig) dispatch() {
	r.t.Helper()
	for range 100 {
		n, err := r.disp.RunOnce(r.ctx)
		if err != nil {
			r.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	r.t.Fatal("the dispatcher never ran out of work")
}

// sentTo returns the bodies the fake Twilio accepted for address.
func (r *rig) sentTo(address string) []string {
	var list []string
	for _, m := range r.twilio.Messages() {
		if m.To == address {
			list = append(list, m.Body)
		}
	}
	return list
}

func (r *rig) thread() []store.Message {
	r.t.Helper()
	list, err := r.db.ListThread(r.ctx, r.person.ID, 1000)
	if err != nil {
		r.t.Fatal(err)
	}
	return list
}

func (r *rig) inbound() []store.Message {
	var list []store.Message
	for _, m := range r.thread() {
		if m.Direction == store.Inbound {
			list = append(list, m)
		}
	}
	return list
}

func (r *rig) reload() store.Person {
	r.t.Helper()
	p, err := r.db.GetPerson(r.ctx, r.person.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	return p
}

func (r *rig) escalations() []store.Escalation {
	r.t.Helper()
	list, err := r.db.ListOpenEscalations(r.ctx, r.person.SchemeID)
	if err != nil {
		r.t.Fatal(err)
	}
	return list
}

// startRun starts a run of the built-in dialogue key for the person the
// way production does: a nudge due now, carried out by the real nudge loop
// on the rig's clock. A contact reminder gets a contact three days ahead.
func (r *rig) startRun(key string) store.Run {
	r.t.Helper()
	now := r.clock.Now()
	n := store.Nudge{SchemeID: r.person.SchemeID, PersonID: r.person.ID, Kind: store.NudgeCheckin, DialogueKey: &key,
		DueAt: now, Key: "rig:" + key}
	if key == nudges.KeyContactReminder {
		c := storetest.Contact(r.t, r.db, r.person, func(c *store.Contact) { c.StartsAt = now.Add(72 * time.Hour) })
		n.Kind, n.ContactID = store.NudgeContactReminder, &c.ID
		n.Key = fmt.Sprintf("rig:%d:%d", c.ID, c.StartsAt.Unix())
	}
	if err := r.db.CreateNudge(r.ctx, &n); err != nil {
		r.t.Fatal(err)
	}
	loop := &nudges.Loop{DB: r.db, Planner: newPlanner("https://linkbot.example"), Clock: r.clock.Now, Owner: "rig", Logger: quiet}
	if _, err := loop.RunOnce(r.ctx); err != nil {
		r.t.Fatal(err)
	}
	run, err := r.db.GetOpenRun(r.ctx, r.person.ID)
	if err != nil {
		r.t.Fatalf("the nudge loop started no run of %s: %v", key, err)
	}
	return run
}

func contains(list []string, part string) bool {
	for _, s := range list {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}

type telegramtestUpdate = models.Update

func httptestServer(t *testing.T, h http.Handler) string {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.URL
}

func smsSender(r *rig) bot.Sender { return sms.NewSender(r.cfg) }

// useEngine makes the rig's webhooks feed engine.
func (r *rig) useEngine(engine *bot.Engine) {
	r.engine = engine
	mux := http.NewServeMux()
	mux.Handle("POST "+sms.InboundPath, sms.InboundHandler(r.cfg, engine))
	mux.Handle("POST "+sms.StatusPath, sms.StatusHandler(r.cfg, engine))
	r.web.Config.Handler = mux
}

// newPlanner is the run-advancer as serve wires it: escalations of dialogue
// steps notify the link worker with links to publicURL.
func newPlanner(publicURL string) *nudges.Planner {
	p := nudges.NewPlanner()
	p.Escalate = bot.Escalator(publicURL)
	return p
}
