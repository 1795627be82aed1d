package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/dispatch"
	"github.com/linkbot/linkbot/bot/inbox"
	"github.com/linkbot/linkbot/bot/inbox/inboxtest"
	"github.com/linkbot/linkbot/bot/sms"
	"github.com/linkbot/linkbot/bot/sms/smstest"
	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// A journey is Linkbot as serve wires it, on a fake clock: the real
// webhook handlers on a loopback server, the real engine, the one
// run-advancer shared with the real nudge loop, and the real dispatcher
// sending with the real twilio-go client to a fake Twilio. Time moves only
// when the test moves it, from one due nudge or message to the next.
type journey struct {
	t       *testing.T
	ctx     context.Context
	db      *store.DB
	clock   *fakeClock
	planner *nudges.Planner
	engine  *bot.Engine
	twilio  *smstest.Server
	web     *httptest.Server
	mux     *http.ServeMux
	from    string // the scheme's Twilio number
	disp    *dispatch.Dispatcher
	loop    *nudges.Loop
	scheme  store.Scheme
	worker  store.LinkWorker
	person  store.Person
}

// fakeClock is the one clock of a journey: the store's, the loop's and the
// dispatcher's.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

var london, _ = time.LoadLocation("Europe/London")

// londonTime is a wall-clock time in London.
func londonTime(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, london)
}

// newJourney starts a journey at start with a scheme, its link worker
// Priya (who has a phone for notices) and a person, Margaret, who texts
// by SMS and likes walking, changed by opts.
func newJourney(t *testing.T, db *store.DB, start time.Time, opts ...func(*store.Person)) *journey {
	t.Helper()
	quiet := slog.New(slog.DiscardHandler)
	j := &journey{t: t, ctx: context.Background(), db: db, clock: &fakeClock{now: start}, from: "+447700900999"}
	db.SetClock(j.clock.Now)
	j.twilio = smstest.NewServer()
	t.Cleanup(j.twilio.Close)
	j.mux = http.NewServeMux()
	j.web = httptest.NewServer(j.mux)
	t.Cleanup(j.web.Close)

	j.planner = newPlanner(j.web.URL)
	engine, err := newEngine(db, quiet, j.planner, j.web.URL)
	if err != nil {
		t.Fatal(err)
	}
	j.engine = engine
	env := map[string]string{"TWILIO_ACCOUNT_SID": smstest.AccountSID, "TWILIO_AUTH_TOKEN": smstest.AuthToken,
		"TWILIO_FROM": j.from, "TWILIO_API_URL": j.twilio.URL, sms.EnvPublicURL: j.web.URL}
	ch := &channels{}
	senders := map[store.Channel]bot.Sender{}
	if err := ch.twilio(quiet, engine, senders, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	ch.register(j.mux)
	j.mux.Handle("/", inbox.New(inbox.Config{DB: db, Nudges: j.planner, Now: j.clock.Now, InsecureCookies: true, Logger: quiet}))
	j.disp = dispatch.New(db, dispatch.Config{Senders: senders, Now: j.clock.Now, PublicURL: j.web.URL, Logger: quiet})
	j.loop = &nudges.Loop{DB: db, Planner: j.planner, Clock: j.clock.Now, Owner: "journey", Logger: quiet}

	j.scheme = storetest.Scheme(t, db, func(s *store.Scheme) { s.Name = "Calder Connect" })
	j.worker = storetest.LinkWorker(t, db, j.scheme.ID, func(w *store.LinkWorker) { w.Name = "Priya Shah" })
	j.person = storetest.Person(t, db, append([]func(*store.Person){func(p *store.Person) {
		p.SchemeID, p.LinkWorkerID, p.Name = j.scheme.ID, &j.worker.ID, "Margaret Ellis"
		p.Interests = store.Strings{"walking"}
		p.ReferredAt = start
		p.ConsentAt, p.ConsentBy = &start, &j.worker.ID
	}}, opts...)...)
	return j
}

// plan runs fn in a transaction at the journey's time, as the inbox or the
// API would when a link worker changes something.
func (j *journey) plan(fn func(tx *store.Tx) error) {
	j.t.Helper()
	if err := j.db.InTx(j.ctx, fn); err != nil {
		j.t.Fatal(err)
	}
}

// settle lets the nudge loop and the dispatcher do everything due now.
func (j *journey) settle() {
	j.t.Helper()
	for range 100 {
		n, err := j.loop.RunOnce(j.ctx)
		if err != nil {
			j.t.Fatalf("nudge loop at %s: %v", j.clock.Now(), err)
		}
		m, err := j.disp.RunOnce(j.ctx)
		if err != nil {
			j.t.Fatalf("dispatcher at %s: %v", j.clock.Now(), err)
		}
		if n == 0 && m == 0 {
			return
		}
	}
	j.t.Fatal("the nudge loop and dispatcher never ran out of work")
}

// until moves the clock to t, stopping at each due nudge or message on the
// way and letting the loop and dispatcher carry it out.
func (j *journey) until(t time.Time) {
	j.t.Helper()
	for range 10000 {
		j.settle()
		next, ok := j.nextDue()
		if !ok || next.After(t) {
			j.clock.set(t)
			j.settle()
			return
		}
		j.clock.set(next)
	}
	j.t.Fatal("time never reached its end")
}

// after moves the clock on by d.
func (j *journey) after(d time.Duration) { j.until(j.clock.Now().Add(d)) }

// nextDue is the time of the person's next planned nudge or queued
// message after now.
func (j *journey) nextDue() (time.Time, bool) {
	j.t.Helper()
	now := j.clock.Now()
	var times []time.Time
	for _, n := range j.nudges() {
		if n.Status == store.NudgePlanned && n.DueAt.After(now) {
			times = append(times, n.DueAt)
		}
	}
	for _, m := range j.thread() {
		if m.Status == store.StatusQueued && m.NextAttemptAt != nil && m.NextAttemptAt.After(now) {
			times = append(times, *m.NextAttemptAt)
		}
	}
	if len(times) == 0 {
		return time.Time{}, false
	}
	return slices.MinFunc(times, time.Time.Compare), true
}

// text is the person texting body to the scheme's number, through the
// signed Twilio webhook; it must be answered 200.
func (j *journey) text(body string) {
	j.t.Helper()
	j.textTo(j.from, body)
}

// textTo is the person texting body to the number to.
func (j *journey) textTo(to, body string) {
	j.t.Helper()
	resp, err := j.twilio.PostWebhook(j.ctx, j.web.URL+sms.InboundPath, smstest.InboundParams(*j.person.Phone, to, body))
	if err != nil {
		j.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		j.t.Fatalf("the webhook answered %q with %d", body, resp.StatusCode)
	}
	j.settle()
}

// phone is every text the person's phone has received, oldest first.
func (j *journey) phone() []string { return j.sentTo(*j.person.Phone) }

// sentTo is every text the fake Twilio accepted for address.
func (j *journey) sentTo(address string) []string {
	var list []string
	for _, m := range j.twilio.Messages() {
		if m.To == address {
			list = append(list, m.Body)
		}
	}
	return list
}

// last is the newest text the person's phone received, or "".
func (j *journey) last() string {
	got := j.phone()
	if len(got) == 0 {
		return ""
	}
	return got[len(got)-1]
}

// expectText checks the newest text on the person's phone contains each of parts.
func (j *journey) expectText(what string, parts ...string) {
	j.t.Helper()
	last := j.last()
	for _, p := range parts {
		if !strings.Contains(last, p) {
			j.t.Fatalf("%s: the phone's last text is %q, want it to say %q (all texts: %q)", what, last, p, j.phone())
		}
	}
}

func (j *journey) nudges() []store.Nudge {
	j.t.Helper()
	list, err := j.db.ListNudges(j.ctx, j.person.ID)
	if err != nil {
		j.t.Fatal(err)
	}
	return list
}

func (j *journey) thread() []store.Message {
	j.t.Helper()
	list, err := j.db.ListThread(j.ctx, j.person.ID, 10000)
	if err != nil {
		j.t.Fatal(err)
	}
	return list
}

func (j *journey) answers() []store.Answer {
	j.t.Helper()
	list, err := j.db.ListAnswers(j.ctx, j.person.ID)
	if err != nil {
		j.t.Fatal(err)
	}
	return list
}

func (j *journey) escalations() []store.Escalation {
	j.t.Helper()
	list, err := j.db.ListOpenEscalations(j.ctx, j.scheme.ID)
	if err != nil {
		j.t.Fatal(err)
	}
	return list
}

func (j *journey) referrals() []store.Referral {
	j.t.Helper()
	list, err := j.db.ListReferrals(j.ctx, j.person.ID)
	if err != nil {
		j.t.Fatal(err)
	}
	return list
}

func (j *journey) contact(id int64) store.Contact {
	j.t.Helper()
	c, err := j.db.GetContact(j.ctx, id)
	if err != nil {
		j.t.Fatal(err)
	}
	return c
}

func (j *journey) reload() store.Person {
	j.t.Helper()
	p, err := j.db.GetPerson(j.ctx, j.person.ID)
	if err != nil {
		j.t.Fatal(err)
	}
	return p
}

// api calls the scheme's JSON API with a token of its own, as a referral
// system would, and returns the status and the decoded answer.
func (j *journey) api(path string, body any) (int, map[string]any) {
	j.t.Helper()
	const token = "lbk_journey-token"
	sum := sha256.Sum256([]byte(token))
	j.plan(func(tx *store.Tx) error {
		err := tx.Savepoint(j.ctx, func() error {
			return tx.CreateAPIToken(j.ctx, &store.APIToken{SchemeID: j.scheme.ID, Name: "journey", TokenHash: hex.EncodeToString(sum[:])})
		})
		if store.ErrorCode(err) == store.Conflict {
			return nil // made by an earlier call
		}
		return err
	})
	raw, err := json.Marshal(body)
	if err != nil {
		j.t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, j.web.URL+path, strings.NewReader(string(raw)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		j.t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer map[string]any
	json.NewDecoder(resp.Body).Decode(&answer)
	j.settle()
	return resp.StatusCode, answer
}

// signIn signs the link worker in to the inbox, as their browser would,
// with a cookie jar on the journey's clock.
func (j *journey) signIn() *http.Client {
	j.t.Helper()
	const password = "correct horse battery staple"
	hash, err := inbox.HashPassword(password)
	if err != nil {
		j.t.Fatal(err)
	}
	j.worker.PasswordHash = &hash
	if err := j.db.UpdateLinkWorker(j.ctx, j.worker); err != nil {
		j.t.Fatal(err)
	}
	c := &http.Client{Jar: inboxtest.NewJar(j.clock.Now)}
	resp, err := c.PostForm(j.web.URL+"/login", url.Values{"email": {*j.worker.Email}, "password": {password}})
	if err != nil {
		j.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		j.t.Fatalf("sign in: %d", resp.StatusCode)
	}
	return c
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// press submits a form of the person's page in the inbox, as the link
// worker's browser would, and lets the loop and dispatcher catch up.
func (j *journey) press(c *http.Client, action string, form url.Values) {
	j.t.Helper()
	personPage := fmt.Sprintf("%s/people/%d", j.web.URL, j.person.ID)
	resp, err := c.Get(personPage)
	if err != nil {
		j.t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csrf := csrfField.FindStringSubmatch(string(page))
	if resp.StatusCode != http.StatusOK || csrf == nil {
		j.t.Fatalf("person page: %d, no CSRF token", resp.StatusCode)
	}
	form.Set("csrf", csrf[1])
	resp, err = c.PostForm(personPage+"/"+action, form)
	if err != nil {
		j.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		j.t.Fatalf("%s: %d %s", action, resp.StatusCode, body)
	}
	j.settle()
}

// sentAt is when each text to the person containing part was queued.
func (j *journey) sentAt(part string) []time.Time {
	var at []time.Time
	for _, m := range j.thread() {
		if m.Direction == store.Outbound && strings.Contains(m.Body, part) {
			at = append(at, m.CreatedAt)
		}
	}
	slices.SortFunc(at, time.Time.Compare)
	return at
}

// must hands back v, failing the test on err: must(f())(t).
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
