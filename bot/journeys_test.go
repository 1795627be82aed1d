package bot_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot/escalate"
	"github.com/linkbot/linkbot/bot/inbox"
	"github.com/linkbot/linkbot/bot/inbox/inboxtest"
	"github.com/linkbot/linkbot/bot/sms"
	"github.com/linkbot/linkbot/bot/sms/smstest"
	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// These journeys run the whole urgent path end to end with a fake clock:
// the signed webhook, the pipeline, the real dispatcher sending with
// twilio-go to the fake Twilio, and the escalation follow-up loop.

var london, _ = time.LoadLocation("Europe/London")

// twoAM is a Tuesday at 02:00 in London, well inside quiet hours.
var twoAM = time.Date(2026, 11, 24, 2, 0, 0, 0, london)

const dutyPhone = "+447700900100"

// nightRig is the rig at 02:00 with a scheme that has a duty phone and the
// escalation follow-up loop on the same fake clock.
func nightRig(t *testing.T, db *store.DB) (*rig, *escalate.Loop) {
	t.Helper()
	r := newRig(t, db)
	r.clock.mu.Lock()
	r.clock.now = twoAM
	r.clock.mu.Unlock()
	scheme, err := db.GetScheme(r.ctx, r.person.SchemeID)
	if err != nil {
		t.Fatal(err)
	}
	scheme.DutyName, scheme.DutyPhone = "Duty line", storetest.Ptr(dutyPhone)
	if err := db.UpdateScheme(r.ctx, scheme); err != nil {
		t.Fatal(err)
	}
	return r, &escalate.Loop{DB: db, InboxURL: "https://linkbot.example", Now: r.clock.Now, Logger: quiet}
}

// runOnce runs one dispatcher round and returns how many messages it took.
func (r *rig) runOnce() int {
	r.t.Helper()
	n, err := r.disp.RunOnce(r.ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

func (r *rig) urgentEscalation() store.Escalation {
	r.t.Helper()
	open := r.escalations()
	if len(open) != 1 || open[0].Urgency != store.Urgent || open[0].Reason != store.ReasonRisk {
		r.t.Fatalf("want one open urgent risk escalation, got %+v", open)
	}
	return open[0]
}

// tellsNothingAboutThePerson fails the test if a notice carries the
// person's words or name.
func (r *rig) tellsNothingAboutThePerson(notice, words string) {
	r.t.Helper()
	lower := strings.ToLower(notice)
	for _, part := range append(strings.Fields(r.person.Name), "can't go on", words) {
		if strings.Contains(lower, strings.ToLower(part)) {
			r.t.Errorf("a notice carries %q about the person: %q", part, notice)
		}
	}
}

func TestUrgentSMSAtTwoAMReachesEveryoneInTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r, loop := nightRig(t, db)
		const words = "I can't go on any more"
		if status := r.text(words); status != http.StatusOK {
			t.Fatalf("webhook answered %d", status)
		}
		r.runOnce()

		net := r.sentTo(*r.person.Phone)
		if len(net) != 1 {
			t.Fatalf("at 02:00 the person gets one safety-net reply at once; got %q", net)
		}
		for _, number := range []string{"999", "111", "option 2", "116 123", "SHOUT", "85258"} {
			if !strings.Contains(net[0], number) {
				t.Errorf("the safety net lacks %q: %q", number, net[0])
			}
		}
		notices := r.sentTo(*r.worker.Phone)
		if len(notices) != 1 || !strings.Contains(notices[0], "URGENT") ||
			!strings.Contains(notices[0], "https://linkbot.example/people/") {
			t.Fatalf("the link worker gets one urgent notice with a link; got %q", notices)
		}
		r.tellsNothingAboutThePerson(notices[0], words)
		e := r.urgentEscalation()
		if e.NotifiedAt == nil || !e.NotifiedAt.Equal(twoAM) {
			t.Fatalf("the link worker's notice is not recorded at 02:00: %v", e.NotifiedAt)
		}

		r.clock.Advance(14*time.Minute + 59*time.Second)
		if rep, err := loop.Tick(r.ctx); err != nil || rep.DutyNotices != 0 {
			t.Fatalf("at 02:14:59 the duty contact is told too early: %+v %v", rep, err)
		}
		r.dispatch()
		if got := r.sentTo(dutyPhone); len(got) != 0 {
			t.Fatalf("the duty phone got %q before 15 minutes", got)
		}

		r.clock.Advance(time.Second)
		if rep, err := loop.Tick(r.ctx); err != nil || rep.DutyNotices != 1 {
			t.Fatalf("at 02:15 the duty contact must be told: %+v %v", rep, err)
		}
		r.runOnce()
		duty := r.sentTo(dutyPhone)
		if len(duty) != 1 || !strings.Contains(duty[0], "URGENT") || !strings.Contains(duty[0], "https://linkbot.example/people/") {
			t.Fatalf("the duty phone gets one urgent notice with a link; got %q", duty)
		}
		r.tellsNothingAboutThePerson(duty[0], words)
		e = r.urgentEscalation()
		if e.DutyNotifiedAt == nil || !e.DutyNotifiedAt.Equal(twoAM.Add(15*time.Minute)) || !e.CreatedAt.Equal(twoAM) {
			t.Fatalf("steps not recorded with their times: raised %v, duty %v", e.CreatedAt, e.DutyNotifiedAt)
		}
		if total := len(r.twilio.Messages()); total != 3 {
			t.Fatalf("the fake Twilio got %d messages, want the safety net and two notices", total)
		}
	})
}

func TestAFailingUrgentNoticeIsRetriedAndTheEscalationStaysInTheCaseload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r, _ := nightRig(t, db)
		inboxPage := r.inboxSession()
		var mu sync.Mutex
		failures := 0
		r.twilio.Decide(func(m smstest.Message) *smstest.Reply {
			mu.Lock()
			defer mu.Unlock()
			if m.To == *r.worker.Phone && failures < 3 {
				failures++
				return &smstest.ServerError
			}
			return nil
		})
		if status := r.text("I can't go on any more"); status != http.StatusOK {
			t.Fatalf("webhook answered %d", status)
		}
		r.runOnce()
		if net := r.sentTo(*r.person.Phone); len(net) != 1 {
			t.Fatalf("the safety net must not wait for the failing notice; got %q", net)
		}
		rounds := 0
		for len(r.sentTo(*r.worker.Phone)) == 0 {
			if rounds++; rounds > 10 {
				t.Fatalf("the notice was never delivered after %d failures", failures)
			}
			r.caseloadTopsWithTheUrgentPerson(inboxPage)
			if n := r.runOnce(); n != 0 {
				t.Fatalf("the failed notice was tried again before its backoff (%d messages)", n)
			}
			r.clock.Advance(time.Minute) // past the backoff (2 s doubling, with jitter)
			r.runOnce()
		}
		if failures != 3 {
			t.Fatalf("the fake Twilio failed the notice %d times, want 3", failures)
		}
		if got := r.sentTo(*r.worker.Phone); len(got) != 1 || !strings.Contains(got[0], "URGENT") {
			t.Fatalf("the link worker should get the notice exactly once; got %q", got)
		}
		if total, failed := r.twilio.Requests(); total != 5 || failed != 3 {
			t.Fatalf("the fake Twilio saw %d requests, %d failed; want the safety net and four tries of the notice", total, failed)
		}
		r.caseloadTopsWithTheUrgentPerson(inboxPage)
	})
}

// inboxSession mounts the inbox on the rig's server, on the fake clock,
// and signs the link worker in with a cookie jar, as their browser would.
func (r *rig) inboxSession() *http.Client {
	r.t.Helper()
	const password = "correct horse battery"
	hash, err := inbox.HashPassword(password)
	if err != nil {
		r.t.Fatal(err)
	}
	r.worker.PasswordHash = &hash
	if err := r.db.UpdateLinkWorker(r.ctx, r.worker); err != nil {
		r.t.Fatal(err)
	}
	r.web.Config.Handler.(*http.ServeMux).Handle("/", inbox.New(inbox.Config{DB: r.db, Nudges: nudges.NewPlanner(), InsecureCookies: true, Now: r.clock.Now, Logger: quiet}))
	c := &http.Client{Jar: inboxtest.NewJar(r.clock.Now)}
	resp, err := c.PostForm(r.web.URL+"/login", url.Values{"email": {*r.worker.Email}, "password": {password}})
	if err != nil {
		r.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		r.t.Fatalf("sign in: %d", resp.StatusCode)
	}
	return c
}

var firstCaseloadRow = regexp.MustCompile(`<tr class="([a-z]*)" data-person="(\d+)"`)

// caseloadTopsWithTheUrgentPerson checks the link worker's caseload page
// has the person first, marked urgent.
func (r *rig) caseloadTopsWithTheUrgentPerson(c *http.Client) {
	r.t.Helper()
	resp, err := c.Get(r.web.URL + "/")
	if err != nil {
		r.t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := firstCaseloadRow.FindStringSubmatch(string(page))
	if resp.StatusCode != http.StatusOK || m == nil || m[1] != "urgent" || m[2] != strconv.FormatInt(r.person.ID, 10) {
		r.t.Fatalf("the urgent escalation should top the caseload page (status %d, first row %q)", resp.StatusCode, m)
	}
}

func TestANoticeThatNeverGetsThroughGoesToTheDutyContactBeforeFifteenMinutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r, loop := nightRig(t, db)
		r.twilio.Decide(func(m smstest.Message) *smstest.Reply {
			if m.To == *r.worker.Phone {
				return &smstest.ServerError
			}
			return nil
		})
		r.text("I can't go on any more")
		for range 5 { // the rig's dispatcher tries 5 times
			r.runOnce()
			r.clock.Advance(time.Minute)
		}
		if _, failed := r.twilio.Requests(); failed != 5 {
			t.Fatalf("the notice was tried %d times, want 5", failed)
		}
		if rep, err := loop.Tick(r.ctx); err != nil || rep.DutyNotices != 1 {
			t.Fatalf("at 02:05 a notice that failed for good must go to the duty contact: %+v %v", rep, err)
		}
		r.runOnce()
		duty := r.sentTo(dutyPhone)
		if len(duty) != 1 || !strings.Contains(duty[0], "could not be delivered") {
			t.Fatalf("the duty phone should hear the link worker could not be reached; got %q", duty)
		}
		r.tellsNothingAboutThePerson(duty[0], "I can't go on any more")
	})
}

func TestANoticeTheCarrierCouldNotDeliverGoesToTheDutyContact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r, loop := nightRig(t, db)
		r.text("I can't go on any more")
		r.runOnce()
		notices := 0
		for _, m := range r.twilio.Messages() {
			if m.To == *r.worker.Phone {
				notices++
				// Twilio reports later that the phone could not be reached.
				if status := r.post(sms.StatusPath, smstest.StatusParams(m.Sid, "undelivered", m.To, "30003")); status != http.StatusOK {
					t.Fatalf("status callback answered %d", status)
				}
			}
		}
		if notices != 1 {
			t.Fatalf("want one notice to the link worker, got %d", notices)
		}
		r.clock.Advance(time.Minute)
		if rep, err := loop.Tick(r.ctx); err != nil || rep.DutyNotices != 1 {
			t.Fatalf("an undelivered notice must go to the duty contact at once: %+v %v", rep, err)
		}
		r.runOnce()
		if duty := r.sentTo(dutyPhone); len(duty) != 1 || !strings.Contains(duty[0], "could not be delivered") {
			t.Fatalf("the duty phone should hear the link worker could not be reached; got %q", duty)
		}
	})
}

func TestAnUrgentSMSThatTwilioRetriesIsAnsweredOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r, _ := nightRig(t, db)
		params := smstest.InboundParams(*r.person.Phone, r.cfg.From, "I can't go on any more")
		for range 3 {
			if status := r.post(sms.InboundPath, params); status != http.StatusOK {
				t.Fatalf("webhook answered %d", status)
			}
		}
		r.dispatch()
		if got := r.sentTo(*r.person.Phone); len(got) != 1 {
			t.Fatalf("the person should get one safety net, got %d", len(got))
		}
		if got := r.sentTo(*r.worker.Phone); len(got) != 1 {
			t.Fatalf("the link worker should get one notice, got %d", len(got))
		}
		r.urgentEscalation()
	})
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func TestAcknowledgedInTheInboxAtTenPastTheDutyContactIsNotWoken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r, loop := nightRig(t, db)
		inboxPage := r.inboxSession()
		r.text("I can't go on any more")
		r.dispatch()
		e := r.urgentEscalation()

		r.clock.Advance(10 * time.Minute)
		personPage := r.web.URL + "/people/" + strconv.FormatInt(r.person.ID, 10)
		resp, err := inboxPage.Get(personPage)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		csrf := csrfField.FindStringSubmatch(string(page))
		if resp.StatusCode != http.StatusOK || csrf == nil {
			t.Fatalf("person page: %d, no CSRF token", resp.StatusCode)
		}
		resp, err = inboxPage.PostForm(personPage+"/escalations/"+strconv.FormatInt(e.ID, 10)+"/acknowledge", url.Values{"csrf": {csrf[1]}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("acknowledge answered %d", resp.StatusCode)
		}
		e = r.urgentEscalation()
		if e.AcknowledgedAt == nil || !e.AcknowledgedAt.Equal(twoAM.Add(10*time.Minute)) {
			t.Fatalf("the acknowledgement is not recorded at 02:10: %v", e.AcknowledgedAt)
		}

		r.clock.Advance(10 * time.Minute)
		if rep, err := loop.Tick(r.ctx); err != nil || rep.DutyNotices != 0 {
			t.Fatalf("an escalation acknowledged in time went to the duty contact: %+v %v", rep, err)
		}
		r.dispatch()
		if got := r.sentTo(dutyPhone); len(got) != 0 {
			t.Fatalf("the duty phone got %q", got)
		}
	})
}

func TestAnUrgentSMSToALinkWorkerWhoHasLeftGoesToTheDutyContactOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r, loop := nightRig(t, db)
		r.worker.Active = false // left the scheme; their people not yet reassigned
		if err := db.UpdateLinkWorker(r.ctx, r.worker); err != nil {
			t.Fatal(err)
		}
		r.text("I can't go on any more")
		r.dispatch()
		if got := r.sentTo(*r.person.Phone); len(got) != 1 || !strings.Contains(got[0], "116 123") {
			t.Fatalf("the person should get the safety net; got %q", got)
		}
		// The follow-up loop first runs after the pipeline's grace for the
		// link worker's notice (say the server was restarting), then every
		// minute.
		r.clock.Advance(escalate.FirstNoticeGrace)
		for range 4 {
			if _, err := loop.Tick(r.ctx); err != nil {
				t.Fatal(err)
			}
			r.dispatch()
			r.clock.Advance(time.Minute)
		}
		if got := r.sentTo(dutyPhone); len(got) != 1 {
			t.Fatalf("the duty phone should be told at once, once; got %q", got)
		}
		if got := r.sentTo(*r.worker.Phone); len(got) != 0 {
			t.Fatalf("a link worker who has left was sent %q", got)
		}
	})
}
