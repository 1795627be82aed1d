package main

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// The journeys below follow a person and their link worker through Linkbot
// as serve wires it (see journey_test.go), on SQLite and PostgreSQL.

// monday is Monday 23 November 2026, 10:00 in London: inside send hours.
var monday = londonTime(2026, 11, 23, 10, 0)

func TestACheckinAnsweredBySMSAcrossTwoDaysRemindsAboutTheUnansweredQuestion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		j := newJourney(t, db, monday.Add(-time.Hour))
		storetest.Nudge(t, db, j.person, func(n *store.Nudge) { n.DialogueKey, n.DueAt = storetest.Ptr("ons4"), monday })
		j.until(monday)
		j.expectText("Monday's check-in", "how satisfied are you with your life")
		j.text("7")
		j.expectText("the next question follows the answer", "worthwhile")

		j.until(monday.Add(47 * time.Hour))
		j.expectText("nothing more before two days have passed", "worthwhile")
		j.until(monday.Add(49 * time.Hour))
		j.expectText("Wednesday's gentle reminder", "gentle nudge about the question above")
		if !slices.ContainsFunc(j.nudges(), func(n store.Nudge) bool {
			return n.Kind == store.NudgeReplyReminder && strings.Contains(n.Key, ":worthwhile:") && n.Status == store.NudgeDone
		}) {
			t.Fatalf("nudges %+v, want the second question's reply reminder done", j.nudges())
		}

		j.text("8")
		j.expectText("the third question", "how happy did you feel yesterday")
		j.text("6")
		j.expectText("the last question", "anxious")
		j.text("3")
		got := map[string]float64{}
		for _, a := range j.answers() {
			if a.MeasureKey != nil && a.Value != nil {
				got[*a.MeasureKey] = *a.Value
			}
		}
		want := map[string]float64{"ons4.life_satisfaction": 7, "ons4.worthwhile": 8, "ons4.happiness": 6, "ons4.anxiety": 3}
		for k, v := range want {
			if got[k] != v {
				t.Fatalf("answers %v, want %v", got, want)
			}
		}
	})
}

func TestASuggestionAcceptedBySMSNamesTheActivityAndIsFollowedUpAWeekLater(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		j := newJourney(t, db, monday)
		storetest.Group(t, db, j.scheme.ID, func(g *store.Group) {
			g.Name, g.Tags, g.Schedule, g.Place, g.WeeklyCapacity = "Walking football", store.Strings{"walking"},
				"Thursdays 10:30", "Brighouse Park", storetest.Ptr(5)
		})
		j.plan(func(tx *store.Tx) error { return j.planner.PlanSuggestion(j.ctx, tx, j.person, monday) })
		j.after(24 * time.Hour)
		j.expectText("Tuesday's suggestion", "Walking football", "Thursdays", "Brighouse Park", "YES or NO")

		j.text("yes please")
		j.expectText("the thanks names the activity", "Priya will be in touch about Walking football.")
		refs := j.referrals()
		if len(refs) != 1 || refs[0].AcceptedAt == nil {
			t.Fatalf("referrals %+v, want one accepted", refs)
		}
		if !slices.ContainsFunc(j.escalations(), func(e store.Escalation) bool { return e.Reason == store.ReasonWantsContact }) {
			t.Fatalf("escalations %+v, want Priya asked to put Margaret in touch", j.escalations())
		}

		j.after(6 * 24 * time.Hour)
		j.expectText("no follow-up before a week has passed", "Priya will be in touch")
		j.after(25 * time.Hour)
		j.expectText("the follow-up a week later", "did you go to Walking football")
		j.text("YES")
		j.expectText("the follow-up's thanks", "Brilliant")
		if refs := j.referrals(); refs[0].AttendedAt == nil {
			t.Fatalf("referral %+v, want it marked attended", refs[0])
		}
	})
}

func TestAGroupDeclinedBySMSIsNotOfferedAgainForEightWeeks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		j := newJourney(t, db, monday)
		storetest.Group(t, db, j.scheme.ID, func(g *store.Group) { g.Name, g.Tags = "Walking football", store.Strings{"walking"} })
		suggest := func() {
			t.Helper()
			j.plan(func(tx *store.Tx) error { return j.planner.PlanSuggestion(j.ctx, tx, j.person, j.clock.Now()) })
			j.after(25 * time.Hour)
		}
		suggest()
		j.expectText("the suggestion", "Walking football")
		j.text("no thanks")
		j.expectText("the reply to no", "No problem")
		if refs := j.referrals(); len(refs) != 1 || refs[0].DeclinedAt == nil {
			t.Fatalf("referrals %+v, want the no recorded", refs)
		}

		texts := len(j.phone())
		j.after(7 * 24 * time.Hour)
		suggest()
		if got := len(j.phone()); got != texts {
			t.Fatalf("a week after no, the same group was offered again: %q", j.last())
		}
		if !slices.ContainsFunc(j.escalations(), func(e store.Escalation) bool { return e.Reason == store.ReasonProvisionGap }) {
			t.Fatalf("escalations %+v, want the provision gap raised", j.escalations())
		}

		j.after(8 * 7 * 24 * time.Hour)
		suggest()
		j.expectText("eight weeks later the group may be offered again", "Walking football")
	})
}

func TestCToAContactReminderConfirmsTheContact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		j := newJourney(t, db, monday)
		c := storetest.Contact(t, db, j.person, func(c *store.Contact) {
			c.StartsAt, c.Kind, c.Place = londonTime(2026, 11, 26, 14, 0), store.ContactInPerson, "the library"
		})
		j.plan(func(tx *store.Tx) error { return j.planner.PlanContact(j.ctx, tx, c) })
		j.until(londonTime(2026, 11, 23, 14, 0))
		j.expectText("the reminder three days before", "Priya on Thursday 26 November at 2:00pm, the library", "Reply C to confirm or R")
		j.text("C")
		j.expectText("the thanks", "See you then")
		if got := j.contact(c.ID).Status; got != store.ContactConfirmed {
			t.Fatalf("the contact is %s, want confirmed", got)
		}
		j.until(londonTime(2026, 11, 26, 12, 1))
		j.expectText("the reminder two hours before still goes", "Thursday 26 November at 2:00pm")
	})
}

func TestRToAContactReminderAsksToMoveItAndStopsItsReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		j := newJourney(t, db, monday)
		c := storetest.Contact(t, db, j.person, func(c *store.Contact) { c.StartsAt = londonTime(2026, 11, 26, 14, 0) })
		j.plan(func(tx *store.Tx) error { return j.planner.PlanContact(j.ctx, tx, c) })
		j.until(londonTime(2026, 11, 23, 14, 0))
		j.expectText("the reminder three days before", "Reply C to confirm or R")
		j.text("R")
		j.expectText("the reply to R", "Priya will be in touch to find a better time")
		if got := j.contact(c.ID).Status; got != store.ContactRearrangeRequested {
			t.Fatalf("the contact is %s, want rearrange_requested", got)
		}
		if !slices.ContainsFunc(j.escalations(), func(e store.Escalation) bool { return e.Reason == store.ReasonRearrange }) {
			t.Fatalf("escalations %+v, want Priya asked to move the contact", j.escalations())
		}
		if !slices.ContainsFunc(j.sentTo(*j.worker.Phone), func(s string) bool { return strings.Contains(s, "asked to move a contact") }) {
			t.Fatalf("Priya's phone got %q, want a notice that a contact needs moving", j.sentTo(*j.worker.Phone))
		}
		texts := len(j.phone())
		j.until(londonTime(2026, 11, 26, 15, 0))
		if got := len(j.phone()); got != texts {
			t.Fatalf("after R the person still got %q", j.last())
		}
	})
}

func TestStopWithRiskAtThreeInTheMorningGetsTheSafetyNetAndAnUrgentNoticeAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		j := newJourney(t, db, londonTime(2026, 11, 24, 3, 0))
		j.text("Stop texting me. I am going to kill myself tonight")
		got := j.phone()
		if len(got) != 2 || !strings.Contains(got[0], "116 123") || !strings.Contains(got[1], "won't get any more messages") {
			t.Fatalf("at 03:00 the phone got %q, want the safety net and then the STOP confirmation", got)
		}
		if j.reload().OptedOutAt == nil {
			t.Fatal("the person asked to stop and is still opted in")
		}
		notices := j.sentTo(*j.worker.Phone)
		if len(notices) != 1 || !strings.Contains(notices[0], "URGENT") || !strings.Contains(notices[0], "also asked for no more messages") {
			t.Fatalf("Priya's phone got %q at 03:00, want one urgent notice that says both", notices)
		}
		esc := j.escalations()
		if len(esc) != 1 || esc[0].Reason != store.ReasonRisk || esc[0].Urgency != store.Urgent {
			t.Fatalf("escalations %+v, want one urgent risk escalation", esc)
		}
	})
}

func TestATextWithBrokenBytesIsStoredAndTriagedAndAnswered200(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		j := newJourney(t, db, monday)
		j.text("\xff\xfe I want to die\x00")
		in := slices.DeleteFunc(j.thread(), func(m store.Message) bool { return m.Direction != store.Inbound })
		if len(in) != 1 || !strings.Contains(in[0].Body, "I want to die") {
			t.Fatalf("inbound messages %+v, want the text stored with its broken bytes replaced", in)
		}
		j.expectText("the safety net", "116 123")
	})
}

// firstQuestion is how every ONS4 check-in begins.
const firstQuestion = "how satisfied are you with your life"

func TestCheckinsCarryOnOverNinetyDaysAcrossAPauseAndASTOP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		j := newJourney(t, db, monday)
		j.plan(func(tx *store.Tx) error { return j.planner.StartSupport(j.ctx, tx, j.person) })
		j.after(5 * time.Minute)
		j.expectText("the first check-in follows the welcome", firstQuestion)

		pauseAt := monday.Add(30 * 24 * time.Hour)
		j.until(pauseAt)
		j.press(j.signIn(), "pause", url.Values{"days": {"21"}})
		pauseEnd := pauseAt.Add(21 * 24 * time.Hour)
		j.until(pauseEnd.Add(-time.Hour))
		for _, at := range j.sentAt(firstQuestion) {
			if at.After(pauseAt) {
				t.Fatalf("a check-in went at %s, during the pause", at.In(london))
			}
		}

		stopAt := monday.Add(65 * 24 * time.Hour)
		j.until(stopAt)
		j.text("STOP")
		j.until(stopAt.Add(5 * 24 * time.Hour))
		j.text("START")
		end := monday.Add(90 * 24 * time.Hour)
		j.until(end)

		sent := j.sentAt(firstQuestion)
		var afterPause, afterStart []time.Time
		for _, at := range sent {
			switch {
			case at.After(stopAt) && at.Before(stopAt.Add(5*24*time.Hour)):
				t.Fatalf("a check-in went at %s, after STOP", at.In(london))
			case at.After(stopAt):
				afterStart = append(afterStart, at)
			case at.After(pauseEnd):
				afterPause = append(afterPause, at)
			}
		}
		if len(afterPause) == 0 || afterPause[0].Sub(pauseEnd) > 14*24*time.Hour {
			t.Fatalf("check-ins at %v: none within two weeks of the pause ending on %s", sent, pauseEnd.In(london))
		}
		if len(afterStart) == 0 {
			t.Fatalf("check-ins at %v: none after START on %s", sent, stopAt.Add(5*24*time.Hour).In(london))
		}
		if last := sent[len(sent)-1]; end.Sub(last) > 14*24*time.Hour {
			t.Fatalf("check-ins at %v: the fortnightly check-ins stopped before day 90", sent)
		}
		planned := slices.ContainsFunc(j.nudges(), func(n store.Nudge) bool {
			return n.Kind == store.NudgeCheckin && n.Status == store.NudgePlanned && n.DueAt.After(end)
		})
		if !planned {
			t.Fatal("on day 90 no next check-in is planned")
		}
		if len(sent) < 5 {
			t.Fatalf("only %d check-ins in 90 days: %v", len(sent), sent)
		}
	})
}

func TestAReferralWithConsentIsWelcomedCheckedInAndEndedWithStartAndEndScores(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		j := newJourney(t, db, monday)
		code, answer := j.api("/api/v1/people", map[string]any{"name": "Joan Smith", "phone": "07700 900555",
			"referred_by": "Dr Ahmed", "referral_source": "gp", "link_worker_email": *j.worker.Email,
			"consent_at": monday.Add(-time.Hour).UTC().Format(time.RFC3339)})
		if code != http.StatusCreated {
			t.Fatalf("refer: %d %v", code, answer)
		}
		id, _ := answer["id"].(float64)
		j.person = must(j.db.GetPerson(j.ctx, int64(id)))(t)
		j.after(5 * time.Minute)
		got := j.phone()
		if len(got) < 2 || !strings.Contains(got[0], "Hi Joan, this is Calder Connect. Priya is your link worker") ||
			!strings.Contains(got[len(got)-1], firstQuestion) {
			t.Fatalf("the phone got %q, want the welcome first, then the check-in", got)
		}
		for _, score := range []string{"7", "8", "6", "3"} {
			j.text(score)
		}

		j.after(28 * 24 * time.Hour) // two fortnightly check-ins, unanswered
		code, answer = j.api(fmt.Sprintf("/api/v1/people/%d/end", j.person.ID), map[string]any{"reason": "goals met"})
		if code != http.StatusOK {
			t.Fatalf("end support: %d %v", code, answer)
		}
		j.expectText("the check-in at the end of support", firstQuestion)
		for _, score := range []string{"9", "8", "8", "2"} {
			j.text(score)
		}
		j.expectText("the check-in's last question", "Would you like Priya to give you a call?")
		j.text("no thanks")

		runs := map[int64]map[string]float64{}
		for _, a := range j.answers() {
			if a.MeasureKey != nil && a.Value != nil {
				if runs[a.RunID] == nil {
					runs[a.RunID] = map[string]float64{}
				}
				runs[a.RunID][*a.MeasureKey] = *a.Value
			}
		}
		ids := slices.Sorted(maps.Keys(runs))
		if len(ids) != 2 {
			t.Fatalf("scores by run %v, want a start and an end", runs)
		}
		start, end := runs[ids[0]], runs[ids[1]]
		if start["ons4.life_satisfaction"] != 7 || start["ons4.anxiety"] != 3 || end["ons4.life_satisfaction"] != 9 || end["ons4.anxiety"] != 2 {
			t.Fatalf("start scores %v and end scores %v, want 7…3 and 9…2", start, end)
		}
		if p := j.reload(); p.Status != store.PersonEnded {
			t.Fatalf("the person's support is %s, want ended", p.Status)
		}
		texts := len(j.phone())
		j.after(60 * 24 * time.Hour)
		if len(j.phone()) != texts {
			for _, m := range j.thread() {
				t.Logf("%s %s %s %q", m.CreatedAt.In(london), m.Direction, m.Kind, m.Body)
			}
			t.Fatalf("after support ended the phone still got %q", j.last())
		}
	})
}

func TestCancelInAnswerToAContactReminderCancelsThatContactNotEveryMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		j := newJourney(t, db, monday)
		c := storetest.Contact(t, db, j.person, func(c *store.Contact) { c.StartsAt = londonTime(2026, 11, 26, 14, 0) })
		j.plan(func(tx *store.Tx) error { return j.planner.PlanContact(j.ctx, tx, c) })
		j.until(londonTime(2026, 11, 23, 14, 0))
		j.expectText("the reminder", "Reply C to confirm or R")
		j.text("Cancel")
		j.expectText("the reply to CANCEL", "cancelled: Thursday 26 November at 2:00pm", "Priya will be in touch", "reply STOP")
		if got := j.contact(c.ID).Status; got != store.ContactCancelled {
			t.Fatalf("the contact is %s, want cancelled", got)
		}
		if j.reload().OptedOutAt != nil {
			t.Fatal("CANCEL to a reminder opted the person out of every message")
		}
		if !slices.ContainsFunc(j.escalations(), func(e store.Escalation) bool { return e.Reason == store.ReasonRearrange }) {
			t.Fatalf("escalations %+v, want Priya told the contact was cancelled", j.escalations())
		}
		texts := len(j.phone())
		j.until(londonTime(2026, 11, 26, 15, 0))
		if len(j.phone()) != texts {
			t.Fatalf("after CANCEL the person still got %q", j.last())
		}
		j.text("CANCEL")
		if j.reload().OptedOutAt == nil {
			t.Fatal("CANCEL with no reminder waiting must stop every message")
		}
	})
}

func TestTwoSchemesSharingAPhoneEachSeeOnlyWhatWasSentToTheirOwnNumber(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		j := newJourney(t, db, monday)
		other := storetest.Scheme(t, db, func(s *store.Scheme) { s.Name = "Shadow Scheme" })
		otherWorker := storetest.LinkWorker(t, db, other.ID)
		shadow := storetest.Person(t, db, func(p *store.Person) {
			p.SchemeID, p.LinkWorkerID, p.Name, p.Phone = other.ID, &otherWorker.ID, "Shadow", j.person.Phone
			p.ReferredAt = monday // referred after Margaret: the old lookup picked the latest
		})
		const otherNumber = "+447700900888"
		j.plan(func(tx *store.Tx) error {
			if err := tx.SetSchemeSenders(j.ctx, j.scheme.ID, store.ChannelSMS, []string{j.from}); err != nil {
				return err
			}
			return tx.SetSchemeSenders(j.ctx, other.ID, store.ChannelSMS, []string{otherNumber})
		})

		j.text("I have taken all my tablets and want to die")
		j.expectText("the safety net", "116 123")
		if esc := j.escalations(); len(esc) != 1 || esc[0].PersonID != j.person.ID {
			t.Fatalf("scheme A's escalations %+v, want Margaret's", esc)
		}
		if esc := must(j.db.ListOpenEscalations(j.ctx, other.ID))(t); len(esc) != 0 {
			t.Fatalf("scheme B saw %+v of a message sent to scheme A's number", esc)
		}
		if thread := must(j.db.ListThread(j.ctx, shadow.ID, 10))(t); len(thread) != 0 {
			t.Fatalf("scheme B's person got %+v", thread)
		}

		j.text("STOP")
		if j.reload().OptedOutAt == nil {
			t.Fatal("STOP to scheme A's number did not opt Margaret out of scheme A")
		}
		if p := must(j.db.GetPerson(j.ctx, shadow.ID))(t); p.OptedOutAt != nil {
			t.Fatal("STOP to scheme A's number opted the person out of scheme B")
		}

		otherInbox := &journey{t: t, ctx: j.ctx, db: db, clock: j.clock, web: j.web, worker: otherWorker, person: j.person}
		resp, err := otherInbox.signIn().Get(j.web.URL + "/people/" + strconv.FormatInt(j.person.ID, 10))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("scheme B's link worker opening scheme A's person: %d, want 404", resp.StatusCode)
		}

		j.textTo(otherNumber, "hello, is this the walking group?")
		in := slices.DeleteFunc(must(j.db.ListThread(j.ctx, shadow.ID, 10))(t), func(m store.Message) bool { return m.Direction != store.Inbound })
		if len(in) != 1 || !strings.Contains(in[0].Body, "walking group") {
			t.Fatalf("scheme B's thread %+v, want the text sent to its number", in)
		}
		j.textTo(otherNumber, "HELP")
		sent := j.twilio.Messages()
		if last := sent[len(sent)-1]; last.To != *j.person.Phone || last.From != otherNumber || !strings.Contains(last.Body, "Shadow Scheme") {
			t.Fatalf("HELP to scheme B's number was answered %+v, want scheme B's answer from scheme B's number", last)
		}
	})
}

func TestWithNoNumbersRegisteredASenderKnownToTwoSchemesIsGivenToNeither(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		j := newJourney(t, db, monday)
		other := storetest.Scheme(t, db)
		shadow := storetest.Person(t, db, func(p *store.Person) { p.SchemeID, p.Phone = other.ID, j.person.Phone })
		j.text("is anyone there")
		for _, id := range []int64{j.person.ID, shadow.ID} {
			if thread := must(j.db.ListThread(j.ctx, id, 10))(t); len(thread) != 0 {
				t.Fatalf("person %d got %+v: a sender two schemes know went to one of them unasked", id, thread)
			}
		}
	})
}
