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

// outbound returns the person's queued and sent messages, oldest first.
func outbound(t *testing.T, db *store.DB, p store.Person) []store.Message {
	t.Helper()
	thread, err := db.ListThread(context.Background(), p.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Message
	for _, m := range thread {
		if m.Direction == store.Outbound {
			out = append(out, m)
		}
	}
	return out
}

func TestReassignMovesThePersonTheirEscalationsAndTellsThem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		p := w.tomsPerson
		w.consented(t, &p)
		m := storetest.Inbound(t, db, p, func(m *store.Message) { m.Body = "Can someone ring me?" })
		open := store.Escalation{SchemeID: w.scheme.ID, PersonID: p.ID, LinkWorkerID: &w.tom.ID, MessageID: &m.ID,
			Reason: store.ReasonWantsContact, Urgency: store.Soon}
		if err := db.CreateEscalation(ctx, &open); err != nil {
			t.Fatal(err)
		}
		done := store.Escalation{SchemeID: w.scheme.ID, PersonID: p.ID, LinkWorkerID: &w.tom.ID, Reason: store.ReasonLowScore, Urgency: store.Routine}
		if err := db.CreateEscalation(ctx, &done); err != nil {
			t.Fatal(err)
		}
		if err := db.ResolveEscalation(ctx, done.ID); err != nil {
			t.Fatal(err)
		}

		tom := w.signIn(t, w.tom)
		resp, err := tom.c.PostForm(w.srv.URL+personPath(p, "/reassign"), url.Values{"csrf": {tom.csrf}, "link_worker": {itoa(w.sara.ID)}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/" {
			t.Fatalf("Tom, no longer seeing Margaret, should land on his caseload: %d at %s", resp.StatusCode, resp.Request.URL)
		}
		if status, _ := tom.get(personPath(p, "")); status != http.StatusNotFound {
			t.Fatalf("Tom opening Margaret after the handover: %d, want 404", status)
		}

		got, err := db.GetPerson(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.LinkWorkerID == nil || *got.LinkWorkerID != w.sara.ID {
			t.Fatalf("link worker %v, want Sara (%d)", got.LinkWorkerID, w.sara.ID)
		}
		for _, e := range []store.Escalation{open, done} {
			e2, err := db.GetEscalation(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := w.sara.ID
			if e2.ResolvedAt != nil {
				want = w.tom.ID // a resolved escalation stays where it was
			}
			if e2.LinkWorkerID == nil || *e2.LinkWorkerID != want {
				t.Fatalf("escalation %d (resolved %v) is with %v, want %d", e.ID, e2.ResolvedAt != nil, e2.LinkWorkerID, want)
			}
		}
		sent := outbound(t, db, p)
		if len(sent) != 1 || sent[0].Status != store.StatusQueued || !strings.Contains(sent[0].Body, w.sara.Name) ||
			!strings.Contains(sent[0].Body, w.scheme.Name) || sent[0].Address != *p.Phone {
			t.Fatalf("Margaret should be told Sara's name by SMS; queued %+v", sent)
		}
		if !audited(t, db, p.ID, "person.reassigned") {
			t.Fatal("the handover is not audited")
		}

		sara := w.signIn(t, w.sara)
		_, rows := sara.get("/caseload/rows")
		if !strings.Contains(rows, p.Name) || !strings.Contains(rows, "1 today") {
			t.Fatalf("Sara's caseload should hold Margaret and her open escalation:\n%s", rows)
		}
		_, page := sara.get(personPath(p, ""))
		if !strings.Contains(page, "Can someone ring me?") {
			t.Fatal("Sara should see Margaret's thread")
		}
	})
}

func TestReassignInDiscreetModeNamesNoService(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		p := w.tomsPerson
		p.Discreet = true
		w.consented(t, &p)
		admin := w.signIn(t, w.admin)
		status, _ := admin.post(personPath(p, "/reassign"), url.Values{"link_worker": {itoa(w.sara.ID)}})
		if status != http.StatusOK {
			t.Fatalf("reassign: %d", status)
		}
		sent := outbound(t, db, p)
		first := strings.Fields(w.sara.Name)[0]
		if len(sent) != 1 || !strings.Contains(sent[0].Body, first) || strings.Contains(sent[0].Body, w.scheme.Name) ||
			strings.Contains(strings.ToLower(sent[0].Body), "link worker") {
			t.Fatalf("a discreet message names Sara and no service; got %+v", sent)
		}
		_, page := admin.get(personPath(p, "?done=reassigned&in=reassign"))
		if !strings.Contains(page, "Reassigned") {
			t.Fatal("the page should confirm the handover")
		}
	})
}

func TestReassignRefusesAnotherSchemesWorker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		other := storetest.Scheme(t, db)
		stranger := storetest.LinkWorker(t, db, other.ID)
		b := w.signIn(t, w.tom)
		status, page := b.post(personPath(w.tomsPerson, "/reassign"), url.Values{"link_worker": {itoa(stranger.ID)}})
		if status != http.StatusBadRequest || !strings.Contains(page, `class="field-error"`) || !strings.Contains(page, "link worker of this scheme") {
			t.Fatalf("handing over to another scheme's worker: %d", status)
		}
		if got, _ := db.GetPerson(context.Background(), w.tomsPerson.ID); *got.LinkWorkerID != w.tom.ID {
			t.Fatal("the person moved")
		}
	})
}

func TestEditPerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		p := w.tomsPerson
		b := w.signIn(t, w.tom)
		form := url.Values{"name": {"  Maggie   Ellis "}, "phone": {"07700 900777"}, "language": {"cy"},
			"area": {"Riverside"}, "interests": {"gardening, choir,"}, "referred_by": {"Dr Shah"}}
		status, page := b.post(personPath(p, "/edit"), form)
		if status != http.StatusOK || !strings.Contains(page, "Saved") {
			t.Fatalf("edit: %d", status)
		}
		got, err := db.GetPerson(context.Background(), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Maggie Ellis" || got.Phone == nil || *got.Phone != "+447700900777" || got.Language != "cy" ||
			got.Area != "Riverside" || strings.Join(got.Interests, "|") != "gardening|choir" || got.ReferredBy != "Dr Shah" {
			t.Fatalf("saved %+v", got)
		}
		if !strings.Contains(page, `href="tel:&#43;447700900777"`) || !strings.Contains(page, "07700 900777") {
			t.Fatal("the phone number should be a tap-to-call link, written the UK way")
		}
		if !audited(t, db, p.ID, "person.edited") {
			t.Fatal("the edit is not audited")
		}

		form.Set("phone", "12")
		form.Set("name", "Typed Name")
		status, page = b.post(personPath(p, "/edit"), form)
		if status != http.StatusBadRequest || !strings.Contains(page, "not a phone number") || !strings.Contains(page, `value="Typed Name"`) {
			t.Fatalf("a bad phone number should be refused on the page, keeping what was typed: %d", status)
		}
		if got, _ := db.GetPerson(context.Background(), p.ID); got.Name != "Maggie Ellis" {
			t.Fatal("a refused edit was saved")
		}

		// The referral's details, by the referral form's rules.
		form.Set("phone", "07700 900777")
		form.Set("name", "Maggie Ellis")
		form.Set("nhs_number", "943 476 5910")
		form.Set("date_of_birth", "31/02/1950")
		form.Set("gp_practice", "a81001")
		form.Set("referral_source", "self")
		form.Set("reason", "Wants company")
		form["needs"] = []string{"loneliness", "astrology"}
		status, page = b.post(personPath(p, "/edit"), form)
		if status != http.StatusBadRequest || !strings.Contains(page, "The NHS number is not a valid NHS number") ||
			!strings.Contains(page, "The date of birth must be a date") || !strings.Contains(page, `&#34;astrology&#34; is not a needs category`) ||
			!strings.Contains(page, `value="943 476 5910"`) || !strings.Contains(page, `value="loneliness" checked`) {
			t.Fatalf("bad referral details should be refused on the page, keeping what was typed: %d", status)
		}
		form.Set("nhs_number", "943 476 5919")
		form.Set("date_of_birth", "14/03/1950")
		form["needs"] = []string{"loneliness"}
		form.Set("telegram_wanted", "on")
		form.Set("preferred_name", "Mags")
		if status, _ = b.post(personPath(p, "/edit"), form); status != http.StatusOK {
			t.Fatalf("edit the referral's details: %d", status)
		}
		got, err = db.GetPerson(context.Background(), p.ID)
		if err != nil || deref(got.NHSNumber) != "9434765919" || deref(got.DateOfBirth) != "1950-03-14" || got.GPPractice != "A81001" ||
			got.ReferralSource != store.SourceSelf || got.Reason != "Wants company" || strings.Join(got.Needs, ",") != "loneliness" ||
			!got.TelegramWanted || got.PreferredName != "Mags" {
			t.Fatalf("saved %+v %v", got, err)
		}
		if _, page = b.get(personPath(p, "")); !strings.Contains(page, `id="person-nhs-number" name="nhs_number" inputmode="numeric" autocomplete="off" value="943 476 5919"`) {
			t.Fatal("the edit form should show the NHS number saved")
		}
	})
}

func TestProblemsShowNextToTheFormKeepingWhatWasTyped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		p := w.tomsPerson
		w.consented(t, &p)
		b := w.signIn(t, w.tom)
		long := strings.Repeat("word ", 400)
		status, page := b.post(personPath(p, "/reply"), url.Values{"body": {long}})
		if status != http.StatusBadRequest || !strings.Contains(page, `id="reply-error"`) || !strings.Contains(page, "the limit is 1530") ||
			!strings.Contains(page, strings.TrimSpace(long)) {
			t.Fatalf("an over-long reply: %d", status)
		}
		past := w.now.Add(-time.Hour).In(london).Format("2006-01-02T15:04")
		status, page = b.post(personPath(p, "/contacts"), url.Values{"starts_at": {past}, "kind": {"phone"}, "place": {"Library"}})
		if status != http.StatusBadRequest || !strings.Contains(page, `id="contact-error"`) || !strings.Contains(page, "must be in the future") ||
			!strings.Contains(page, `value="`+past+`"`) || !strings.Contains(page, `value="Library"`) {
			t.Fatalf("a contact in the past: %d", status)
		}
		status, page = b.post(personPath(p, "/reply"), url.Values{"body": {"See you Tuesday"}})
		if status != http.StatusOK || !strings.Contains(page, `id="reply-done">Sent<`) {
			t.Fatalf("a reply should confirm Sent: %d", status)
		}
	})
}

func TestStartingADialogueInQuietHoursSaysWhenItGoes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.now = time.Date(2026, 11, 23, 21, 30, 0, 0, time.UTC) // 21:30 in London: quiet
		p := w.tomsPerson
		w.consented(t, &p)
		storetest.Dialogue(t, db, w.scheme.ID, func(d *store.Dialogue) { d.Key, d.Source = "ons4", ons4Source(t) })
		b := w.signIn(t, w.tom)
		status, page := b.post(personPath(p, "/dialogue"), url.Values{"dialogue": {"ons4"}})
		if status != http.StatusOK || !strings.Contains(page, "Planned for 09:00 — quiet hours") {
			t.Fatalf("start a dialogue at 21:30: %d", status)
		}
	})
}

func TestCaseloadFilterAndSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		at := w.now
		mk := func(name, phone string, f func(*store.Person)) store.Person {
			return storetest.Person(t, db, func(p *store.Person) {
				p.SchemeID, p.LinkWorkerID, p.Name, p.Phone = w.scheme.ID, &w.tom.ID, name, &phone
				if f != nil {
					f(p)
				}
			})
		}
		mk("Olive Opted", "+447700900501", func(p *store.Person) { p.OptedOutAt = &at; nhs := "9434765919"; p.NHSNumber = &nhs })
		mk("Edna Ended", "+447700900502", func(p *store.Person) { p.Status, p.EndedAt = store.PersonEnded, &at })
		paused := mk("Paul Paused", "+447700900503", nil)
		if err := db.InTx(ctx, func(tx *store.Tx) error { return w.planner.Pause(ctx, tx, paused, w.tom.ID, at.Add(72*time.Hour)) }); err != nil {
			t.Fatal(err)
		}
		b := w.signIn(t, w.tom)
		cases := []struct {
			query     string
			want, not []string
		}{
			{"", []string{"Margaret Ellis", "Olive Opted", "Paul Paused"}, []string{"Edna Ended"}},
			{"?show=active", []string{"Margaret Ellis"}, []string{"Olive Opted", "Paul Paused", "Edna Ended"}},
			{"?show=paused", []string{"Paul Paused"}, []string{"Margaret Ellis", "Olive Opted"}},
			{"?show=ended", []string{"Edna Ended"}, []string{"Margaret Ellis", "Paul Paused"}},
			{"?show=opted-out", []string{"Olive Opted"}, []string{"Margaret Ellis", "Edna Ended"}},
			{"?q=edna", []string{"Edna Ended"}, []string{"Margaret Ellis"}}, // a search looks at everyone
			{"?q=07700+900503", []string{"Paul Paused"}, []string{"Olive Opted"}},
			{"?q=%2B44+7700+900501", []string{"Olive Opted"}, []string{"Paul Paused"}},
			{"?q=943+476+5919", []string{"Olive Opted"}, []string{"Paul Paused", "Margaret Ellis"}}, // an NHS number, with spaces
			{"?q=9434765919", []string{"Olive Opted"}, []string{"Paul Paused"}},                     // or without
			{"?q=943", nil, []string{"Olive Opted"}},                                                // too few digits to be an NHS number
			{"?q=Dev", nil, []string{"Dev Patel"}},                                                  // Sara's person stays out of Tom's search
		}
		for _, c := range cases {
			_, page := b.get("/" + c.query)
			_, rows := b.get("/caseload/rows" + c.query)
			for _, name := range c.want {
				if !strings.Contains(page, name) || !strings.Contains(rows, name) {
					t.Errorf("%q should show %s", c.query, name)
				}
			}
			for _, name := range c.not {
				if strings.Contains(rows, name) {
					t.Errorf("%q should not show %s", c.query, name)
				}
			}
		}
	})
}

func TestUrgentRowsUnacknowledgedFirstWithTheNewestAge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		acked := storetest.Person(t, db, func(p *store.Person) { p.SchemeID, p.LinkWorkerID, p.Name = w.scheme.ID, &w.tom.ID, "Abel Acked" })
		escalate := func(p store.Person) store.Escalation {
			e := store.Escalation{SchemeID: w.scheme.ID, PersonID: p.ID, LinkWorkerID: p.LinkWorkerID, Reason: store.ReasonRisk, Urgency: store.Urgent}
			if err := db.CreateEscalation(ctx, &e); err != nil {
				t.Fatal(err)
			}
			return e
		}
		w.now = testNow.Add(-3 * time.Hour)
		first := escalate(acked)
		escalate(w.tomsPerson)
		w.now = testNow.Add(-2 * time.Hour)
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.AcknowledgeEscalation(ctx, first.ID, w.tom.ID) }); err != nil {
			t.Fatal(err)
		}
		w.now = testNow.Add(-10 * time.Minute)
		escalate(w.tomsPerson) // Margaret's newest: 10 minutes old
		w.now = testNow
		b := w.signIn(t, w.tom)
		_, rows := b.get("/caseload/rows")
		m, a := strings.Index(rows, "Margaret Ellis"), strings.Index(rows, "Abel Acked")
		if m < 0 || a < 0 || m > a {
			t.Fatalf("unacknowledged Margaret should come before acknowledged Abel:\n%s", rows)
		}
		if !strings.Contains(rows, "2 urgent</span> <span class=\"age\">10 min ago") {
			t.Fatalf("Margaret's row should show her newest urgent item's age:\n%s", rows)
		}
		if !strings.Contains(rows, "acknowledged by "+strings.Fields(w.tom.Name)[0]+" 08:00") {
			t.Fatalf("Abel's row should say who acknowledged, when:\n%s", rows)
		}
		admin := w.signIn(t, w.admin)
		if _, page := admin.get("/"); !strings.Contains(page, ">Link worker</th>") {
			t.Fatal("the scheme caseload should have a link-worker column")
		}
	})
}

func TestOneCardPerOptOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		p := w.tomsPerson
		var ids []int64
		for range 3 {
			e := store.Escalation{SchemeID: w.scheme.ID, PersonID: p.ID, LinkWorkerID: &w.tom.ID, Reason: store.ReasonOptedOut, Urgency: store.Routine}
			if err := db.CreateEscalation(ctx, &e); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, e.ID)
		}
		b := w.signIn(t, w.tom)
		_, page := b.get(personPath(p, ""))
		if n := strings.Count(page, `class="card escalation"`); n != 1 || !strings.Contains(page, "(3 times)") {
			t.Fatalf("three STOPs should show one card saying 3 times; %d cards", n)
		}
		if status, _ := b.post(personPath(p, "/escalations/"+itoa(ids[2])+"/resolve"), url.Values{}); status != http.StatusOK {
			t.Fatalf("resolve: %d", status)
		}
		for _, id := range ids {
			if e, _ := db.GetEscalation(ctx, id); e.ResolvedAt == nil {
				t.Fatalf("escalation %d is still open after resolving the card", id)
			}
		}
	})
}
