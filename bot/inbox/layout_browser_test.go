package inbox_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/linkbot/linkbot/bot/inbox/inboxtest"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// TestBrowserPhoneLayoutAndContrast opens the caseload, a person and the
// admin pages at 390×844 (a phone) and at desktop width: nothing scrolls
// sideways on the phone, no text fails WCAG AA contrast, every control
// has a label. With LINKBOT_SCREENSHOTS=DIR it also saves screenshots.
func TestBrowserPhoneLayoutAndContrast(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		p := busyCaseload(t, w)
		onTheRealClock(t, w)
		ctx := inboxtest.NewChromium(t)
		signInWithBrowser(t, ctx, w.srv.URL, w.admin)
		shots := os.Getenv("LINKBOT_SCREENSHOTS")
		pages := []struct{ name, path string }{
			{"caseload", "/"},
			{"person", personPath(p, "")},
			{"person-problem", ""}, // the person page after a refused contact, filled in below
			{"admin", "/admin"},
			{"workers", "/admin/workers"},
			{"audit", "/admin/audit"},
		}
		for _, size := range []struct {
			name string
			w, h int64
		}{{"390", 390, 844}, {"desktop", 1280, 900}} {
			for _, pg := range pages {
				t.Run(size.name+"/"+pg.name, func(t *testing.T) {
					actions := []chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(size.w, size.h)}
					if pg.path == "" {
						actions = append(actions,
							chromedp.Navigate(w.srv.URL+personPath(p, "")),
							chromedp.WaitVisible(chromedp.CSS(`#contact-at`)),
							chromedp.SetValue(chromedp.CSS(`#contact-at`), time.Now().Add(-48*time.Hour).Format("2006-01-02T15:04")),
							chromedp.Submit(chromedp.CSS(`#contact-at`)),
							chromedp.WaitVisible(chromedp.CSS(`#contact-error`)))
					} else {
						actions = append(actions, chromedp.Navigate(w.srv.URL+pg.path), chromedp.WaitReady(chromedp.CSS(`main`)))
					}
					if err := chromedp.Do(ctx, actions...); err != nil {
						t.Fatal(err)
					}
					inboxtest.CheckNoSidewaysScroll(t, ctx, pg.name)
					inboxtest.CheckContrastAndLabels(t, ctx, pg.name)
					if shots != "" && !db.Postgres() {
						png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
						if err != nil {
							t.Fatal(err)
						}
						if err := os.WriteFile(filepath.Join(shots, fmt.Sprintf("%s-%s.png", pg.name, size.name)), png, 0o644); err != nil {
							t.Fatal(err)
						}
					}
				})
			}
		}
	})
}

// busyCaseload gives Tom's Margaret what a real caseload has: an urgent
// message nobody has acknowledged with a long preview, months of check-in
// answers, contacts and notes; and Sara's Dev an urgent escalation Sara
// acknowledged. It returns Margaret.
func busyCaseload(t *testing.T, w *world) store.Person {
	t.Helper()
	ctx := context.Background()
	db := w.db
	now := time.Now().Truncate(time.Minute)
	at := func(d time.Duration) { w.now = now.Add(d) }
	p := w.tomsPerson
	w.consented(t, &p)
	run := storetest.Run(t, db, p)
	for i := range 12 {
		at(-time.Duration(90-7*i) * 24 * time.Hour)
		for j, key := range []string{"ons4.life_satisfaction", "ons4.worthwhile", "ons4.happiness", "ons4.anxiety"} {
			v := float64(3 + i/2 + j%2)
			if key == "ons4.anxiety" {
				v = float64(8 - i/2)
			}
			a := store.Answer{PersonID: p.ID, RunID: run.ID, QuestionKey: fmt.Sprintf("%s.%d", key, i), MeasureKey: &key, Value: &v}
			if err := db.CreateAnswer(ctx, &a); err != nil {
				t.Fatal(err)
			}
		}
		if i%4 == 0 {
			key, v := "swemwbs.metric", 17.0+float64(i)
			a := store.Answer{PersonID: p.ID, RunID: run.ID, QuestionKey: fmt.Sprintf("%s.%d", key, i), MeasureKey: &key, Value: &v}
			if err := db.CreateAnswer(ctx, &a); err != nil {
				t.Fatal(err)
			}
		}
	}
	at(-3 * 24 * time.Hour)
	storetest.Contact(t, db, p, func(c *store.Contact) { c.StartsAt = now.Add(-26 * time.Hour) })
	storetest.Contact(t, db, p, func(c *store.Contact) {
		c.StartsAt = now.Add(50 * time.Hour)
		c.Place = "Riverside Community Centre, Room 2"
	})
	storetest.Outbound(t, db, p, func(m *store.Message) { m.Body = "Hello Margaret, how has your week been?" })
	at(-20 * time.Minute)
	m := storetest.Inbound(t, db, p, func(m *store.Message) {
		m.Body = "I haven't been sleeping and honestly some days I don't see the point of any of it anymore, I keep thinking everyone would be better off without me around and I don't know who else to tell"
	})
	urgent := func(person store.Person, msg *int64) store.Escalation {
		e := store.Escalation{SchemeID: w.scheme.ID, PersonID: person.ID, LinkWorkerID: person.LinkWorkerID, MessageID: msg,
			Reason: store.ReasonRisk, Urgency: store.Urgent}
		if err := db.CreateEscalation(ctx, &e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	urgent(p, &m.ID)
	at(-2 * time.Hour)
	e := urgent(w.sarasPerson, nil)
	at(-90 * time.Minute)
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.AcknowledgeEscalation(ctx, e.ID, w.sara.ID) }); err != nil {
		t.Fatal(err)
	}
	soon := storetest.Person(t, db, func(q *store.Person) {
		q.SchemeID, q.LinkWorkerID, q.Name = w.scheme.ID, &w.tom.ID, "Bartholomew Featherstonehaugh-Wolstenholme"
	})
	es := store.Escalation{SchemeID: w.scheme.ID, PersonID: soon.ID, LinkWorkerID: &w.tom.ID, Reason: store.ReasonWantsContact, Urgency: store.Soon}
	if err := db.CreateEscalation(ctx, &es); err != nil {
		t.Fatal(err)
	}
	note := store.Note{SchemeID: w.scheme.ID, PersonID: p.ID, AuthorID: w.tom.ID, Body: strings.Repeat("Prefers calls after 2pm. ", 4)}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateNote(ctx, &note) }); err != nil {
		t.Fatal(err)
	}
	w.now = now
	return p
}
