package inbox_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// openNudges returns the person's planned nudges by key.
func openNudges(t *testing.T, db *store.DB, personID int64) map[string]store.Nudge {
	t.Helper()
	list, err := db.ListNudges(context.Background(), personID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.Nudge{}
	for _, n := range list {
		if n.Status == store.NudgePlanned {
			out[n.Key] = n
		}
	}
	return out
}

// consented records that the person's consent was given to their link worker.
func (w *world) consented(t *testing.T, p *store.Person) {
	t.Helper()
	at := w.now
	p.ConsentAt, p.ConsentBy = &at, p.LinkWorkerID
	if err := w.db.UpdatePerson(context.Background(), *p); err != nil {
		t.Fatal(err)
	}
}

func audited(t *testing.T, db *store.DB, personID int64, action string) bool {
	t.Helper()
	list, err := db.ListAudit(context.Background(), personID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range list {
		if e.Action == action {
			return true
		}
	}
	return false
}

func TestRecordingConsentStartsSupportWithTheWelcome(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		p := w.tomsPerson
		b := w.signIn(t, w.tom)
		if _, page := b.get(personPath(p, "")); !strings.Contains(page, "No messages are sent to "+p.Name+" until their consent is recorded") {
			t.Fatalf("the page of a person without consent does not say that nothing is sent:\n%s", page)
		}
		if planned := openNudges(t, db, p.ID); len(planned) != 0 {
			t.Fatalf("without consent planned %v", planned)
		}
		if status, _ := b.post(personPath(p, "/consent"), url.Values{}); status != http.StatusOK {
			t.Fatalf("record consent: %d", status)
		}
		planned := openNudges(t, db, p.ID)
		welcome, ok := planned["welcome:"+itoa(p.ID)]
		start, ok2 := planned["checkin:start:ons4:"+itoa(p.ID)]
		if !ok || !ok2 || !welcome.DueAt.Equal(w.now) || !start.DueAt.After(welcome.DueAt) {
			t.Fatalf("after consent planned %v, want the welcome now and the check-in after it", planned)
		}
		if _, page := b.get(personPath(p, "")); strings.Contains(page, "until their consent is recorded") {
			t.Errorf("the page still says consent is missing")
		}
		if status, _ := b.post(personPath(w.sarasPerson, "/consent"), url.Values{}); status != http.StatusNotFound {
			t.Errorf("consent for another caseload's person: %d, want 404", status)
		}
	})
}

func TestPauseAndResumeKeepTheCheckinsGoing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		p := w.tomsPerson
		w.consented(t, &p)
		b := w.signIn(t, w.tom)
		if status, _ := b.post(personPath(p, "/pause"), url.Values{"days": {"21"}}); status != http.StatusOK {
			t.Fatalf("pause: %d", status)
		}
		until := w.now.AddDate(0, 0, 21)
		var after []store.Nudge
		for _, n := range openNudges(t, db, p.ID) {
			if n.DueAt.Before(until) {
				t.Errorf("%s is planned during the pause, at %s", n.Key, n.DueAt)
			} else if strings.HasPrefix(n.Key, "checkin:every:") {
				after = append(after, n)
			}
		}
		if len(after) != 1 || after[0].DueAt.Sub(until) > 14*24*time.Hour {
			t.Fatalf("after a 21-day pause the recurring check-ins planned are %+v, want the next after it", after)
		}
		if status, _ := b.post(personPath(p, "/pause"), url.Values{"resume": {"1"}}); status != http.StatusOK {
			t.Fatalf("resume: %d", status)
		}
		var next []store.Nudge
		for _, n := range openNudges(t, db, p.ID) {
			if strings.HasPrefix(n.Key, "checkin:every:") {
				next = append(next, n)
			}
		}
		if len(next) != 1 || !next[0].DueAt.Before(until) {
			t.Fatalf("after resuming the recurring check-ins planned are %+v, want only the next from now", next)
		}
		if !audited(t, db, p.ID, "nudges.paused") || !audited(t, db, p.ID, "nudges.resumed") {
			t.Errorf("pause and resume are not audited")
		}
		if status, _ := b.post(personPath(w.sarasPerson, "/pause"), url.Values{"days": {"7"}}); status != http.StatusNotFound {
			t.Errorf("pausing another caseload's person: %d, want 404", status)
		}
	})
}

func TestTurningMessagesBackOnPlansTheNextCheckin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		p := w.tomsPerson
		w.consented(t, &p)
		b := w.signIn(t, w.tom)
		b.post(personPath(p, "/opt-out"), url.Values{"opted_out": {"on"}})
		if planned := openNudges(t, db, p.ID); len(planned) != 0 {
			t.Fatalf("opted out, yet planned %v", planned)
		}
		if status, _ := b.post(personPath(p, "/opt-out"), url.Values{}); status != http.StatusOK {
			t.Fatalf("opt back in: %d", status)
		}
		found := false
		for key := range openNudges(t, db, p.ID) {
			found = found || strings.HasPrefix(key, "checkin:every:")
		}
		if !found {
			t.Fatalf("after opting back in no check-in is planned")
		}
	})
}

func TestEndSupportFromThePersonPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		p := w.tomsPerson
		b := w.signIn(t, w.tom)
		b.post(personPath(p, "/consent"), url.Values{})
		if status, _ := b.post(personPath(p, "/end"), url.Values{"reason": {"  "}}); status != http.StatusBadRequest {
			t.Fatalf("ending support without a reason: %d, want 400", status)
		}
		if status, _ := b.post(personPath(w.sarasPerson, "/end"), url.Values{"reason": {"goals met"}}); status != http.StatusNotFound {
			t.Fatalf("ending another caseload's person's support: %d, want 404", status)
		}
		status, page := b.post(personPath(p, "/end"), url.Values{"reason": {"goals met"}})
		if status != http.StatusOK || !strings.Contains(page, "Support ended") || !strings.Contains(page, "goals met") {
			t.Fatalf("end support: %d\n%s", status, page)
		}
		got, _ := db.GetPerson(ctx, p.ID)
		if got.Status != store.PersonEnded || got.EndedReason != "goals met" || got.EndedAt == nil {
			t.Fatalf("after ending support: %+v", got)
		}
		planned := openNudges(t, db, p.ID)
		if _, ok := planned["checkin:end:ons4:"+itoa(p.ID)]; !ok || len(planned) != 1 {
			t.Fatalf("after ending support planned %v, want only the end check-in", planned)
		}
		if !audited(t, db, p.ID, "person.support_ended") {
			t.Errorf("ending support is not audited")
		}
		if status, _ := b.post(personPath(p, "/end"), url.Values{"reason": {"again"}}); status != http.StatusBadRequest {
			t.Errorf("ending support twice: %d, want 400", status)
		}
	})
}

func TestMarkAContactDoneOrMissed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		p := w.tomsPerson
		w.consented(t, &p)
		past := func(c *store.Contact) { c.StartsAt = w.now.Add(-2 * time.Hour) }
		done := storetest.Contact(t, db, p, past)
		missed := storetest.Contact(t, db, p, past)
		future := storetest.Contact(t, db, p, func(c *store.Contact) { c.StartsAt = w.now.Add(72 * time.Hour) })
		b := w.signIn(t, w.tom)
		if _, page := b.get(personPath(p, "")); !strings.Contains(page, "/contacts/"+itoa(done.ID)+"/done") ||
			strings.Contains(page, "/contacts/"+itoa(future.ID)+"/done") {
			t.Fatalf("the person page should offer Done beside a past contact and not beside a future one")
		}
		if status, _ := b.post(personPath(p, "/contacts/"+itoa(done.ID)+"/done"), url.Values{}); status != http.StatusOK {
			t.Fatalf("done: %d", status)
		}
		if status, _ := b.post(personPath(p, "/contacts/"+itoa(missed.ID)+"/dna"), url.Values{}); status != http.StatusOK {
			t.Fatalf("did not attend: %d", status)
		}
		if c, _ := db.GetContact(ctx, done.ID); c.Status != store.ContactDone {
			t.Errorf("the done contact is %s", c.Status)
		}
		if c, _ := db.GetContact(ctx, missed.ID); c.Status != store.ContactDidNotAttend {
			t.Errorf("the missed contact is %s", c.Status)
		}
		var suggestions int
		for _, n := range openNudges(t, db, p.ID) {
			if n.Kind == store.NudgeSuggestion {
				suggestions++
			}
		}
		if suggestions != 1 {
			t.Errorf("%d suggestions planned, want 1, after the contact that took place", suggestions)
		}
		if !audited(t, db, p.ID, "contact.done") || !audited(t, db, p.ID, "contact.did_not_attend") {
			t.Errorf("the outcomes are not audited")
		}
		if status, _ := b.post(personPath(p, "/contacts/"+itoa(future.ID)+"/done"), url.Values{}); status != http.StatusBadRequest {
			t.Errorf("a contact not yet begun marked done: %d, want 400", status)
		}
		if status, _ := b.post(personPath(p, "/contacts/"+itoa(done.ID)+"/dna"), url.Values{}); status != http.StatusBadRequest {
			t.Errorf("a done contact marked missed: %d, want 400", status)
		}
		if status, _ := b.post(personPath(w.sarasPerson, "/contacts/"+itoa(missed.ID)+"/done"), url.Values{}); status != http.StatusNotFound {
			t.Errorf("a contact through another caseload's person: %d, want 404", status)
		}
	})
}

func TestAPICasework(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		token := w.apiToken(t)

		t.Run("AReferralWithConsentStartsWithTheWelcome", func(t *testing.T) {
			status, out := w.call(t, token, "POST", "/api/v1/people", `{"name":"Joan Smith","phone":"07700 900601",
				"link_worker_email":"`+*w.tom.Email+`","consent_at":"2026-11-20T15:00:00Z"}`)
			if status != http.StatusCreated || out["consent_at"] != "2026-11-20T15:00:00Z" {
				t.Fatalf("got %d %v", status, out)
			}
			id := int64(out["id"].(float64))
			p, _ := db.GetPerson(ctx, id)
			if p.ConsentBy == nil || *p.ConsentBy != w.tom.ID {
				t.Errorf("consent recorded by %v, want the link worker", p.ConsentBy)
			}
			if _, ok := openNudges(t, db, id)["welcome:"+itoa(id)]; !ok {
				t.Errorf("no welcome planned: %v", openNudges(t, db, id))
			}
		})
		t.Run("AReferralWithoutConsentPlansNothing", func(t *testing.T) {
			status, out := w.call(t, token, "POST", "/api/v1/people", `{"name":"Ann Other","phone":"07700 900602"}`)
			if status != http.StatusCreated {
				t.Fatalf("got %d %v", status, out)
			}
			if planned := openNudges(t, db, int64(out["id"].(float64))); len(planned) != 0 {
				t.Errorf("without consent planned %v", planned)
			}
		})
		t.Run("RefusesConsentInTheFuture", func(t *testing.T) {
			status, out := w.call(t, token, "POST", "/api/v1/people", `{"name":"Ann Later","phone":"07700 900603",
				"link_worker_email":"`+*w.tom.Email+`","consent_at":"2030-01-01T10:00:00Z"}`)
			if field, _ := problemOf(out); status != 400 || field != "consent_at" {
				t.Fatalf("got %d %v", status, out)
			}
		})
		t.Run("ContactOutcome", func(t *testing.T) {
			c := storetest.Contact(t, db, w.tomsPerson, func(c *store.Contact) { c.StartsAt = w.now.Add(-time.Hour) })
			if status, out := w.call(t, token, "POST", "/api/v1/contacts/"+itoa(c.ID)+"/outcome", `{"outcome":"maybe"}`); status != 400 {
				t.Fatalf("an unknown outcome: %d %v", status, out)
			}
			status, out := w.call(t, token, "POST", "/api/v1/contacts/"+itoa(c.ID)+"/outcome", `{"outcome":"did_not_attend"}`)
			if status != http.StatusOK || out["status"] != "did_not_attend" {
				t.Fatalf("got %d %v", status, out)
			}
			if status, _ := w.call(t, token, "POST", "/api/v1/contacts/"+itoa(c.ID)+"/outcome", `{"outcome":"done"}`); status != http.StatusConflict {
				t.Errorf("a settled contact's outcome changed: %d, want 409", status)
			}
			other := storetest.Contact(t, db, storetest.Person(t, db), func(c *store.Contact) { c.StartsAt = w.now.Add(-time.Hour) })
			if status, _ := w.call(t, token, "POST", "/api/v1/contacts/"+itoa(other.ID)+"/outcome", `{"outcome":"done"}`); status != http.StatusNotFound {
				t.Errorf("another scheme's contact: %d, want 404", status)
			}
		})
		t.Run("EndSupport", func(t *testing.T) {
			p := w.sarasPerson
			if status, out := w.call(t, token, "POST", "/api/v1/people/"+itoa(p.ID)+"/end", `{}`); status != 400 {
				t.Fatalf("no reason: %d %v", status, out)
			}
			status, out := w.call(t, token, "POST", "/api/v1/people/"+itoa(p.ID)+"/end", `{"reason":"moved away"}`)
			if status != http.StatusOK || out["status"] != "ended" || out["reason"] != "moved away" {
				t.Fatalf("got %d %v", status, out)
			}
			if got, _ := db.GetPerson(ctx, p.ID); got.Status != store.PersonEnded {
				t.Fatalf("stored %+v", got)
			}
			if status, _ := w.call(t, token, "POST", "/api/v1/people/"+itoa(p.ID)+"/end", `{"reason":"again"}`); status != http.StatusConflict {
				t.Errorf("ending support twice: %d, want 409", status)
			}
			other := storetest.Person(t, db)
			if status, _ := w.call(t, token, "POST", "/api/v1/people/"+itoa(other.ID)+"/end", `{"reason":"x"}`); status != http.StatusNotFound {
				t.Errorf("another scheme's person: %d, want 404", status)
			}
		})
	})
}

func TestPublishingACheckinReplansEveryonesNextCheckin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		p := w.tomsPerson
		w.consented(t, &p)
		b := w.signIn(t, w.tom)
		b.post(personPath(p, "/pause"), url.Values{"days": {"1"}}) // plans the next check-in
		weekly := strings.Replace(ons4Source(t), "every: {weeks: 2, on: monday", "every: {weeks: 1, on: tuesday", 1)
		admin := w.signIn(t, w.admin)
		if status, body := admin.post("/admin/dialogues/publish", url.Values{"filename": {"ons4.yaml"}, "source": {weekly}}); status != http.StatusOK {
			t.Fatalf("publish: %d\n%s", status, body)
		}
		var next []store.Nudge
		for _, n := range openNudges(t, db, p.ID) {
			if strings.HasPrefix(n.Key, "checkin:every:") {
				next = append(next, n)
			}
		}
		if len(next) != 1 || next[0].DueAt.In(london).Weekday() != time.Tuesday {
			t.Fatalf("after publishing a Tuesday check-in the next ones are %+v, want one on a Tuesday", next)
		}
	})
}
