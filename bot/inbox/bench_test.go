package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot/inbox"
	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// caseloadHistory fills db with a link worker's caseload of people, each
// with two years of weekly check-ins (five messages each way, four ONS4
// answers), a contact every fortnight, escalations (most resolved) and a
// few unread replies. It returns the link worker's session cookie.
func caseloadHistory(b *testing.B, db *store.DB, people int) (http.Handler, *http.Cookie, []store.Person) {
	b.Helper()
	ctx := context.Background()
	now := time.Now()
	start := now.AddDate(-2, 0, 0)
	scheme := storetest.Scheme(b, db)
	hash, _ := inbox.HashPassword(password)
	worker := storetest.LinkWorker(b, db, scheme.ID, func(w *store.LinkWorker) { w.PasswordHash = &hash })
	dialogue := storetest.Dialogue(b, db, scheme.ID)
	var list []store.Person
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i := range people {
			p := store.Person{SchemeID: scheme.ID, LinkWorkerID: &worker.ID, Name: fmt.Sprintf("Person %03d", i),
				Phone: storetest.Ptr(fmt.Sprintf("+4477009%05d", i)), ReferredAt: start}
			if err := tx.At(start).CreatePerson(ctx, &p); err != nil {
				return err
			}
			list = append(list, p)
			if err := twoYears(ctx, tx, p, dialogue, start, now, i); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	h := inbox.New(inbox.Config{DB: db, Nudges: nudges.NewPlanner(), InsecureCookies: true})
	rec := httptest.NewRecorder()
	form := strings.NewReader("email=" + *worker.Email + "&password=" + password)
	req := httptest.NewRequest("POST", "/login", form)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	h.ServeHTTP(rec, req)
	cookies := rec.Result().Cookies()
	if len(cookies) == 0 {
		b.Fatalf("sign-in failed: %d", rec.Code)
	}
	return h, cookies[0], list
}

func twoYears(ctx context.Context, tx *store.Tx, p store.Person, d store.Dialogue, start, now time.Time, i int) error {
	week := 7 * 24 * time.Hour
	for w, at := 0, start.Add(24*time.Hour); at.Before(now.Add(-week)); w, at = w+1, at.Add(week) {
		run := store.Run{SchemeID: p.SchemeID, PersonID: p.ID, DialogueID: d.ID}
		if err := tx.At(at).StartRun(ctx, &run); err != nil {
			return err
		}
		for q, key := range []string{"life_satisfaction", "worthwhile", "happiness", "anxiety", "done"} {
			t := at.Add(time.Duration(q) * 10 * time.Minute)
			out := store.Message{SchemeID: p.SchemeID, PersonID: &p.ID, Direction: store.Outbound, Channel: store.ChannelSMS,
				Address: *p.Phone, Kind: store.MessageNudge, Body: "How satisfied are you with your life nowadays? Reply 0 to 10.",
				Status: store.StatusDelivered, SentAt: &t, DeliveredAt: &t}
			if err := tx.At(t).ImportMessage(ctx, &out); err != nil {
				return err
			}
			in := store.Message{SchemeID: p.SchemeID, PersonID: &p.ID, Direction: store.Inbound, Channel: store.ChannelSMS,
				Address: *p.Phone, Kind: store.MessageInbound, Body: fmt.Sprint((w + q) % 11), Status: store.StatusReceived,
				ReadAt: &t, ProviderID: storetest.Ptr(fmt.Sprintf("SM%d-%d-%d", p.ID, w, q))}
			if err := tx.At(t.Add(time.Minute)).ImportMessage(ctx, &in); err != nil {
				return err
			}
			if key == "done" {
				continue
			}
			v := float64((w + q + i) % 11)
			a := store.Answer{PersonID: p.ID, RunID: run.ID, MessageID: &in.ID, QuestionKey: key, MeasureKey: storetest.Ptr("ons4." + key), Value: &v}
			if err := tx.At(t.Add(time.Minute)).CreateAnswer(ctx, &a); err != nil {
				return err
			}
		}
		if err := tx.At(at.Add(time.Hour)).EndRun(ctx, run.ID, store.OutcomeCompleted); err != nil {
			return err
		}
		if w%2 == 0 {
			c := store.Contact{SchemeID: p.SchemeID, PersonID: p.ID, LinkWorkerID: *p.LinkWorkerID, StartsAt: at.Add(3 * 24 * time.Hour),
				Kind: store.ContactPhone, Status: store.ContactDone}
			if err := tx.At(at).CreateContact(ctx, &c); err != nil {
				return err
			}
		}
		if w%10 == 0 {
			e := store.Escalation{SchemeID: p.SchemeID, PersonID: p.ID, LinkWorkerID: p.LinkWorkerID, Reason: store.ReasonLowScore, Urgency: store.Soon}
			if err := tx.At(at).CreateEscalation(ctx, &e); err != nil {
				return err
			}
			if err := tx.At(at.Add(time.Hour)).ResolveEscalation(ctx, e.ID); err != nil {
				return err
			}
		}
	}
	next := store.Contact{SchemeID: p.SchemeID, PersonID: p.ID, LinkWorkerID: *p.LinkWorkerID, StartsAt: now.Add(time.Duration(i+1) * 24 * time.Hour), Kind: store.ContactInPerson}
	if err := tx.CreateContact(ctx, &next); err != nil {
		return err
	}
	if i%5 == 0 { // a few people have something waiting now
		in := store.Message{SchemeID: p.SchemeID, PersonID: &p.ID, Channel: store.ChannelSMS, Address: *p.Phone, Body: "Can you call me?",
			ProviderID: storetest.Ptr(fmt.Sprintf("SM%d-now", p.ID))}
		if _, err := tx.InsertInbound(ctx, &in); err != nil {
			return err
		}
		e := store.Escalation{SchemeID: p.SchemeID, PersonID: p.ID, LinkWorkerID: p.LinkWorkerID, MessageID: &in.ID, Reason: store.ReasonWantsContact, Urgency: store.Urgency([]string{"urgent", "soon", "routine"}[i%3])}
		return tx.CreateEscalation(ctx, &e)
	}
	return nil
}

// BenchmarkCaseload renders a link worker's caseload page of 60 people with
// two years of history each. Target: at most 50 ms.
func BenchmarkCaseload(b *testing.B) {
	benchEach(b, func(b *testing.B, db *store.DB) {
		h, cookie, _ := caseloadHistory(b, db, 60)
		benchGet(b, h, cookie, "/")
	})
}

// BenchmarkPersonPage renders one person's page: thread, chart, contacts.
func BenchmarkPersonPage(b *testing.B) {
	benchEach(b, func(b *testing.B, db *store.DB) {
		h, cookie, people := caseloadHistory(b, db, 60)
		benchGet(b, h, cookie, "/people/"+itoa(people[7].ID))
	})
}

func benchGet(b *testing.B, h http.Handler, cookie *http.Cookie, path string) {
	b.Helper()
	b.ReportAllocs()
	var worst time.Duration
	for b.Loop() {
		start := time.Now()
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(cookie)
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", path, rec.Code)
		}
		worst = max(worst, time.Since(start))
	}
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
}

func benchEach(b *testing.B, fn func(b *testing.B, db *store.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, storetest.SQLite(b)) })
	if storetestEnabled() {
		b.Run("postgres", func(b *testing.B) { fn(b, storetest.Postgres(b)) })
	}
}
