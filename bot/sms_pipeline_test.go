package bot_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/sms"
	"github.com/linkbot/linkbot/bot/sms/smstest"
	"github.com/linkbot/linkbot/dialogues"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestSignedInboundSMSIsStoredAndAnswered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		run := r.startRun("ons4")
		r.dispatch()
		if got := r.sentTo(*r.person.Phone); len(got) != 2 || !strings.Contains(got[1], "how satisfied") {
			t.Fatalf("the check-in's first messages were not sent: %q", got)
		}

		if code := r.text("about 7 I'd say"); code != http.StatusOK {
			t.Fatalf("webhook answered %d, want 200", code)
		}
		in := r.inbound()
		if len(in) != 1 || in[0].Body != "about 7 I'd say" || in[0].Status != store.StatusReceived {
			t.Fatalf("stored inbound messages = %+v, want the reply", in)
		}
		r.dispatch()
		if got := r.sentTo(*r.person.Phone); len(got) != 3 || !strings.Contains(got[2], "worthwhile") {
			t.Fatalf("the next question was not sent: %q", got)
		}
		answers, err := db.ListAnswers(r.ctx, r.person.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(answers) != 1 || *answers[0].MeasureKey != "ons4.life_satisfaction" || *answers[0].Value != 7 ||
			answers[0].RunID != run.ID || *answers[0].MessageID != in[0].ID {
			t.Fatalf("answers = %+v, want life satisfaction 7 from the message", answers)
		}
	})
}

func TestBadSignatureIsRefusedAndNothingStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		params := smstest.InboundParams(*r.person.Phone, r.cfg.From, "hello")
		req, err := smstest.SignedRequest(r.ctx, "ffffffffffffffffffffffffffffffff", r.web.URL+sms.InboundPath, params)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d, want 403", resp.StatusCode)
		}
		if got := r.thread(); len(got) != 0 {
			t.Fatalf("stored %d messages, want none", len(got))
		}
	})
}

func TestSameMessageSidThreeTimesIsStoredOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		params := smstest.InboundParams(*r.person.Phone, r.cfg.From, "HELP")
		for range 3 {
			if code := r.post(sms.InboundPath, params); code != http.StatusOK {
				t.Fatalf("status %d, want 200", code)
			}
		}
		if got := r.inbound(); len(got) != 1 {
			t.Fatalf("stored %d inbound messages, want 1", len(got))
		}
		r.dispatch()
		if got := r.sentTo(*r.person.Phone); len(got) != 1 {
			t.Fatalf("sent %q, want one HELP answer", got)
		}
	})
}

func TestStopThenADueNudgeSendsNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		planned := storetest.Nudge(t, db, r.person)
		r.text("STOP")
		r.dispatch()
		got := r.sentTo(*r.person.Phone)
		if len(got) != 1 || !strings.Contains(got[0], "won't get any more messages") {
			t.Fatalf("sent %q, want one STOP confirmation", got)
		}
		if p := r.reload(); p.OptedOutAt == nil {
			t.Fatal("the person is not opted out")
		}
		if n, _ := db.GetNudge(r.ctx, planned.ID); n.Status != store.NudgeCancelled {
			t.Fatalf("planned nudge is %s, want cancelled", n.Status)
		}
		if !slices.ContainsFunc(r.escalations(), func(e store.Escalation) bool { return e.Reason == store.ReasonOptedOut }) {
			t.Fatal("the link worker was not told of the opt-out")
		}
		if got := r.sentTo(*r.worker.Phone); len(got) != 1 || !strings.Contains(got[0], "opted out") {
			t.Fatalf("link worker got %q, want one opt-out notification", got)
		}

		nudge := storetest.Outbound(t, db, r.person, func(m *store.Message) { m.Body = "Your check-in is due" })
		r.text("stop") // a second STOP is not confirmed again
		r.dispatch()
		if got := r.sentTo(*r.person.Phone); len(got) != 1 {
			t.Fatalf("after STOP the person got %q, want nothing more", got)
		}
		if m, _ := db.GetMessage(r.ctx, nudge.ID); m.Status != store.StatusHeld {
			t.Fatalf("the nudge is %s, want held", m.Status)
		}
	})
}

func TestStartResumesNudges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		tomorrow := storetest.Nudge(t, db, r.person, func(n *store.Nudge) { n.DueAt = r.clock.Now().Add(24 * time.Hour) })
		r.text("Stop.")
		if n, _ := db.GetNudge(r.ctx, tomorrow.ID); n.Status != store.NudgeCancelled {
			t.Fatalf("after STOP tomorrow's nudge is %s, want cancelled", n.Status)
		}
		r.text("START")
		r.dispatch()
		if p := r.reload(); p.OptedOutAt != nil {
			t.Fatal("START did not opt the person back in")
		}
		if n, _ := db.GetNudge(r.ctx, tomorrow.ID); n.Status != store.NudgePlanned {
			t.Fatalf("after START tomorrow's nudge is %s, want planned again", n.Status)
		}
		storetest.Outbound(t, db, r.person, func(m *store.Message) { m.Body = "Your check-in is due" })
		r.dispatch()
		got := r.sentTo(*r.person.Phone)
		if len(got) != 3 || !strings.Contains(got[1], "Welcome back") || got[2] != "Your check-in is due" {
			t.Fatalf("sent %q, want STOP and START confirmations then the nudge", got)
		}
	})
}

func TestHelpIsAnsweredWithTheLinkWorkerAndHowToStop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		r.text("help")
		r.dispatch()
		got := r.sentTo(*r.person.Phone)
		if len(got) != 1 || !strings.Contains(got[0], "Calder Connect") || !strings.Contains(got[0], "Priya Shah") ||
			!strings.Contains(got[0], *r.worker.Phone) || !strings.Contains(got[0], "STOP") {
			t.Fatalf("HELP answer %q must name the scheme, the link worker, their number and STOP", got)
		}
		if n, enc := dialogues.Segments(got[0]); n != 1 {
			t.Fatalf("HELP answer %q costs %d %s segments, want one", got[0], n, enc)
		}
	})
}

func TestDiscreetHelpAndStopNameNoService(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db, func(p *store.Person) { p.Discreet = true })
		r.text("INFO")
		r.text("stop texting me please")
		r.dispatch()
		got := r.sentTo(*r.person.Phone)
		if len(got) != 2 {
			t.Fatalf("sent %q, want HELP and STOP answers", got)
		}
		for _, text := range got {
			for _, word := range []string{"Calder", "Connect", "link worker", "wellbeing", "support", "Priya Shah"} {
				if strings.Contains(text, word) {
					t.Errorf("discreet text %q names %q", text, word)
				}
			}
		}
	})
}

func TestARiskMessageWithStopInItIsNotAnOptOutButUrgent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		r.clock.Advance(13 * time.Hour) // 03:00: the safety net goes at any hour
		r.text("I can't stop crying, I just want it all to stop")
		r.dispatch()
		if p := r.reload(); p.OptedOutAt != nil {
			t.Fatal("a sentence with stop in it opted the person out")
		}
		got := r.sentTo(*r.person.Phone)
		if len(got) != 1 || !strings.Contains(got[0], "999") || !strings.Contains(got[0], "116 123") ||
			!strings.Contains(got[0], "SHOUT to 85258") || !strings.Contains(got[0], "111") {
			t.Fatalf("sent %q, want the safety net", got)
		}
		esc := r.escalations()
		if len(esc) != 1 || esc[0].Reason != store.ReasonRisk || esc[0].Urgency != store.Urgent || esc[0].NotifiedAt == nil {
			t.Fatalf("escalations = %+v, want one urgent risk escalation, notified", esc)
		}
		note := r.sentTo(*r.worker.Phone)
		want := fmt.Sprintf("https://linkbot.example/people/%d", r.person.ID)
		if len(note) != 1 || !strings.Contains(note[0], "URGENT") || !strings.Contains(note[0], want) ||
			strings.Contains(note[0], "crying") || strings.Contains(note[0], "Margaret") {
			t.Fatalf("link worker got %q, want an urgent note with the link and no words of the person", note)
		}
	})
}

func TestALaterStepFailingKeepsTheMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		// A run on a dialogue version that cannot be parsed: feeding it fails.
		storetest.Run(t, db, r.person, func(run *store.Run) { run.State = store.JSON(`{"d":"checkin","v":1,"s":"q"}`) })
		if code := r.text("Feeling rubbish, can't go on like this"); code != http.StatusOK {
			t.Fatalf("status %d, want 200", code)
		}
		if in := r.inbound(); len(in) != 1 || in[0].Body != "Feeling rubbish, can't go on like this" {
			t.Fatalf("stored %+v, want the message kept", in)
		}
		r.dispatch()
		if got := r.sentTo(*r.person.Phone); len(got) != 1 || !strings.Contains(got[0], "999") {
			t.Fatalf("sent %q, want the safety net despite the failing run", got)
		}
		r.text("just a normal reply")
		if in := r.inbound(); len(in) != 2 {
			t.Fatalf("stored %d messages, want 2", len(in))
		}
	})
}

func TestUnknownNumberGetsOnePoliteReplyADayAndNothingElse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		stranger := "+447700900777"
		for range 3 {
			r.post(sms.InboundPath, smstest.InboundParams(stranger, r.cfg.From, "who is this? my number is private"))
		}
		r.dispatch()
		if got := r.sentTo(stranger); len(got) != 1 || !strings.Contains(got[0], "doesn't recognise") {
			t.Fatalf("stranger got %q, want one polite reply", got)
		}
		r.clock.Advance(25 * time.Hour)
		r.post(sms.InboundPath, smstest.InboundParams(stranger, r.cfg.From, "hello?"))
		r.dispatch()
		if got := r.sentTo(stranger); len(got) != 2 {
			t.Fatalf("a day later the stranger got %d replies in all, want 2", len(got))
		}
		if got := r.escalations(); len(got) != 0 {
			t.Fatalf("escalations = %+v, want none", got)
		}
	})
}

func TestStatusCallbacksUpdateDelivery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		m := storetest.Outbound(t, db, r.person)
		r.dispatch()
		sent := r.twilio.Messages()[0]
		for _, status := range []string{"sent", "delivered", "sent"} { // the late "sent" changes nothing
			r.post(sms.StatusPath, smstest.StatusParams(sent.Sid, status, sent.To, ""))
		}
		got, _ := db.GetMessage(r.ctx, m.ID)
		if got.Status != store.StatusDelivered || got.DeliveredAt == nil {
			t.Fatalf("message is %s, want delivered", got.Status)
		}

		m2 := storetest.Outbound(t, db, r.person, func(m *store.Message) { m.Body = "second" })
		r.dispatch()
		sent = r.twilio.Messages()[1]
		r.post(sms.StatusPath, smstest.StatusParams(sent.Sid, "undelivered", sent.To, "30003"))
		if got, _ := db.GetMessage(r.ctx, m2.ID); got.Status != store.StatusUndelivered {
			t.Fatalf("message is %s, want undelivered", got.Status)
		}
		if esc := r.escalations(); len(esc) != 1 || esc[0].Reason != store.ReasonDeliveryFailed {
			t.Fatalf("escalations = %+v, want one delivery failure", esc)
		}
	})
}

func TestStatus21610OptsThePersonOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		storetest.Outbound(t, db, r.person)
		r.dispatch()
		sent := r.twilio.Messages()[0]
		r.post(sms.StatusPath, smstest.StatusParams(sent.Sid, "undelivered", sent.To, "21610"))
		if p := r.reload(); p.OptedOutAt == nil {
			t.Fatal("21610 did not opt the person out")
		}
		if esc := r.escalations(); len(esc) != 1 || esc[0].Reason != store.ReasonOptedOut {
			t.Fatalf("escalations = %+v, want one opt-out", esc)
		}
		storetest.Outbound(t, db, r.person, func(m *store.Message) { m.Body = "a later nudge" })
		r.dispatch()
		if got := r.sentTo(*r.person.Phone); len(got) != 1 {
			t.Fatalf("person got %q after opting out at the carrier", got)
		}
	})
}

func TestPlainWordStopOptsOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		r.text("Please leave me off your texts, thanks")
		if p := r.reload(); p.OptedOutAt == nil {
			t.Fatal("a plain request to stop did not opt out")
		}
	})
}

func TestStormOf429And500IsRetriedAndEveryMessageArrivesOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		const n = 40
		for i := range n {
			storetest.Outbound(t, db, r.person, func(m *store.Message) {
				m.Address, m.Body = fmt.Sprintf("+4477009%05d", i), fmt.Sprintf("message %d", i)
			})
		}
		r.twilio.FailNext(25, smstest.TooManyRequests)
		r.twilio.FailNext(25, smstest.ServerError)
		r.twilio.FailNext(3, smstest.Timeout)
		for range 20 {
			r.dispatch()
			r.clock.Advance(time.Hour)
		}
		count := map[string]int{}
		for _, m := range r.twilio.Messages() {
			count[m.Body]++
		}
		for i := range n {
			if c := count[fmt.Sprintf("message %d", i)]; c != 1 {
				t.Errorf("message %d arrived %d times, want once", i, c)
			}
		}
		if total, failed := r.twilio.Requests(); failed != 53 || total != n+53 {
			t.Errorf("requests = %d (%d failed), want %d (53 failed)", total, failed, n+53)
		}
	})
}

func TestPermanentFailureIsNotRetriedAndTheLinkWorkerIsTold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		m := storetest.Outbound(t, db, r.person)
		r.twilio.FailNext(1, smstest.InvalidNumber)
		r.dispatch()
		r.clock.Advance(time.Hour)
		r.dispatch()
		if total, _ := r.twilio.Requests(); total != 2 { // the message, then the notification
			t.Fatalf("%d requests, want the message once and the notification", total)
		}
		if got, _ := db.GetMessage(r.ctx, m.ID); got.Status != store.StatusFailed || got.ErrorCode != "21211" {
			t.Fatalf("message is %s (%q), want failed with 21211", got.Status, got.ErrorCode)
		}
		if got := r.sentTo(*r.worker.Phone); len(got) != 1 || !strings.Contains(got[0], "could not be delivered") {
			t.Fatalf("link worker got %q", got)
		}
	})
}

func TestRetriesGiveUpAfterTheLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		m := storetest.Outbound(t, db, r.person)
		r.twilio.Decide(func(msg smstest.Message) *smstest.Reply {
			if msg.To == *r.person.Phone {
				return &smstest.ServerError
			}
			return nil
		})
		for range 10 {
			r.dispatch()
			r.clock.Advance(time.Hour)
		}
		got, _ := db.GetMessage(r.ctx, m.ID)
		if got.Status != store.StatusFailed || got.Attempts != 5 {
			t.Fatalf("message is %s after %d attempts, want failed after 5", got.Status, got.Attempts)
		}
		if note := r.sentTo(*r.worker.Phone); len(note) != 1 {
			t.Fatalf("link worker got %q, want one notification", note)
		}
	})
}

func TestLoopGuardHoldsTheFourthIdenticalText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		for range 5 {
			storetest.Outbound(t, db, r.person, func(m *store.Message) { m.Body = "Same text" })
		}
		r.dispatch()
		if got := r.sentTo(*r.person.Phone); len(got) != 3 {
			t.Fatalf("sent %d identical texts, want 3", len(got))
		}
	})
}

func TestACrashedDispatchersClaimIsTakenUpAfterTheLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		storetest.Outbound(t, db, r.person)
		if _, err := db.ClaimOutbox(context.Background(), r.clock.Now(), "crashed", time.Minute, 10); err != nil {
			t.Fatal(err)
		}
		r.dispatch()
		if got := r.sentTo(*r.person.Phone); len(got) != 0 {
			t.Fatalf("sent %q while another dispatcher held the lease", got)
		}
		r.clock.Advance(2 * time.Minute)
		r.dispatch()
		if got := r.sentTo(*r.person.Phone); len(got) != 1 {
			t.Fatalf("sent %d after the lease ran out, want 1", len(got))
		}
	})
}

func TestTwoRepliesAtTheSameMomentAreHandledOneAfterTheOther(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		r.startRun("ons4")
		done := make(chan int, 2)
		for _, reply := range []string{"7", "8"} {
			go func() { done <- r.text(reply) }()
		}
		for range 2 {
			if code := <-done; code != http.StatusOK {
				t.Fatalf("status %d, want 200", code)
			}
		}
		answers, err := db.ListAnswers(r.ctx, r.person.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(answers) != 2 || *answers[0].MeasureKey != "ons4.life_satisfaction" || *answers[1].MeasureKey != "ons4.worthwhile" {
			t.Fatalf("answers = %+v, want the two replies as two answers in turn", answers)
		}
	})
}

func TestAPersonWhoseSupportEndedStillReachesSomeone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		p := r.reload()
		p.Status, p.EndedAt = store.PersonEnded, storetest.Ptr(r.clock.Now())
		if err := db.UpdatePerson(r.ctx, p); err != nil {
			t.Fatal(err)
		}
		r.text("I want to end it all")
		if in := r.inbound(); len(in) != 1 {
			t.Fatalf("stored %d messages, want the message kept", len(in))
		}
		r.dispatch()
		if got := r.sentTo(*r.person.Phone); len(got) != 1 || !strings.Contains(got[0], "999") {
			t.Fatalf("sent %q, want the safety net", got)
		}
	})
}

func TestARoutineNotificationWaitsForWorkingHoursAndAnUrgentOneDoesNot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		r.clock.Advance(9 * time.Hour) // 23:00 in London
		r.text("STOP")
		r.dispatch()
		if got := r.sentTo(*r.person.Phone); len(got) != 1 {
			t.Fatalf("person got %q, want the STOP confirmation at once", got)
		}
		if got := r.sentTo(*r.worker.Phone); len(got) != 0 {
			t.Fatalf("link worker got %q at 23:00, want nothing until morning", got)
		}
		r.text("START")
		r.text("I want to end it all")
		r.dispatch()
		if got := r.sentTo(*r.worker.Phone); len(got) != 1 || !strings.Contains(got[0], "URGENT") {
			t.Fatalf("link worker got %q, want the urgent note at once", got)
		}
		r.clock.Advance(10 * time.Hour) // 09:00
		r.dispatch()
		if got := r.sentTo(*r.worker.Phone); len(got) != 2 || !strings.Contains(got[1], "opted out") {
			t.Fatalf("link worker got %q, want the opt-out note in the morning", got)
		}
	})
}

func TestAClassifierThatPanicsLosesNoMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		engine, err := bot.NewEngine(db, bot.Options{Logger: quiet, Runs: newPlanner(""), Triage: bot.TriageFunc(func(string) bot.TriageResult {
			panic("model file missing")
		})})
		if err != nil {
			t.Fatal(err)
		}
		r.useEngine(engine)
		if code := r.text("hello"); code != http.StatusOK {
			t.Fatalf("status %d, want 200", code)
		}
		if in := r.inbound(); len(in) != 1 {
			t.Fatalf("stored %d messages, want 1", len(in))
		}
	})
}

func TestMessagesToOnePersonArriveInOrderEvenWhenOneIsRetried(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		for _, body := range []string{"first", "second", "third"} {
			storetest.Outbound(t, db, r.person, func(m *store.Message) { m.Body = body })
		}
		r.twilio.FailNext(1, smstest.ServerError)
		r.dispatch()
		storetest.Outbound(t, db, r.person, func(m *store.Message) { m.Body = "fourth" })
		r.dispatch()
		if got := r.sentTo(*r.person.Phone); len(got) != 0 {
			t.Fatalf("sent %q while the first message waits for its retry", got)
		}
		r.clock.Advance(time.Hour)
		r.dispatch()
		if got := r.sentTo(*r.person.Phone); !slices.Equal(got, []string{"first", "second", "third", "fourth"}) {
			t.Fatalf("sent %q, want them in order", got)
		}
	})
}

func TestTheSafetyNetDoesNotWaitBehindARetry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		storetest.Outbound(t, db, r.person, func(m *store.Message) { m.Body = "a nudge" })
		r.twilio.FailNext(1, smstest.ServerError)
		r.dispatch()
		r.text("I want to end it all")
		r.dispatch()
		if got := r.sentTo(*r.person.Phone); len(got) != 1 || !strings.Contains(got[0], "999") {
			t.Fatalf("sent %q, want the safety net at once", got)
		}
	})
}

func TestDiscreetSafetyNetGivesTheNumbersWithoutNamingServices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db, func(p *store.Person) { p.Discreet = true })
		r.text("I want to end it all")
		r.dispatch()
		got := r.sentTo(*r.person.Phone)
		if len(got) != 1 {
			t.Fatalf("sent %q, want the safety net", got)
		}
		for _, want := range []string{"999", "111", "option 2", "116 123", "85258"} {
			if !strings.Contains(got[0], want) {
				t.Errorf("discreet safety net %q lacks %q", got[0], want)
			}
		}
		for _, word := range []string{"Samaritans", "NHS", "mental health", "Calder", "link worker", "wellbeing"} {
			if strings.Contains(got[0], word) {
				t.Errorf("discreet safety net %q names %q", got[0], word)
			}
		}
	})
}

// A classifier that calls every message risk, as a model may on a short
// reply, without a rule behind it.
var alarmedModel = bot.TriageFunc(func(string) bot.TriageResult {
	return bot.TriageResult{Urgent: true, Label: "risk", Reason: "model"}
})

func TestAValidAnswerToTheWaitingQuestionIsNotRaisedByTheModelAlone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		engine, err := bot.NewEngine(db, bot.Options{Logger: quiet, PublicURL: "https://linkbot.example", Runs: newPlanner("https://linkbot.example"), Triage: alarmedModel})
		if err != nil {
			t.Fatal(err)
		}
		r.useEngine(engine)
		r.startRun("contact-reminder")
		r.text("C")
		if esc := r.escalations(); len(esc) != 0 {
			t.Fatalf("confirming a contact raised %+v", esc)
		}
		r.text("I'm not sure about anything any more")
		esc := r.escalations()
		if len(esc) != 1 || esc[0].Reason != store.ReasonRisk || esc[0].Urgency != store.Urgent {
			t.Fatalf("free words the model flags: escalations %+v, want one urgent risk", esc)
		}
	})
}

func TestARuleMatchIsUrgentEvenAsAnAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		r.startRun("ons4")
		r.text("0, I want to end it all") // parses as 0, and says far more
		esc := r.escalations()
		if !slices.ContainsFunc(esc, func(e store.Escalation) bool { return e.Reason == store.ReasonRisk && e.Urgency == store.Urgent }) {
			t.Fatalf("escalations %+v, want an urgent risk one", esc)
		}
	})
}

func TestARiskMessageFromAnUnknownNumberGetsTheSafetyNetAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		stranger := "+447700900778" // someone who changed phone
		r.post(sms.InboundPath, smstest.InboundParams(stranger, r.cfg.From, "hello is that the surgery"))
		r.dispatch()
		r.post(sms.InboundPath, smstest.InboundParams(stranger, r.cfg.From, "I can't go on any more"))
		r.post(sms.InboundPath, smstest.InboundParams(stranger, r.cfg.From, "I can't go on any more"))
		r.dispatch()
		got := r.sentTo(stranger)
		if len(got) != 2 || !strings.Contains(got[0], "doesn't recognise") {
			t.Fatalf("stranger got %q, want the polite reply then one safety net", got)
		}
		for _, want := range []string{"999", "111", "116 123", "SHOUT to 85258", "link worker"} {
			if !strings.Contains(got[1], want) {
				t.Errorf("the safety net to a stranger %q lacks %q", got[1], want)
			}
		}
	})
}
