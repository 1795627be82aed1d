package inbox_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func goodReferral(w *world) url.Values {
	return url.Values{"name": {"Joan Smith"}, "preferred_name": {"Jo"}, "phone": {"07700 900123"}, "telegram_wanted": {"on"},
		"nhs_number": {"943 476 5919"}, "date_of_birth": {"14/03/1950"}, "gp_practice": {"a81001"}, "referred_by": {"Dr Ahmed"},
		"referral_source": {"gp"}, "reason": {"Lonely since her husband died"}, "needs": {"loneliness", "physical_activity"},
		"consent_at": {"2026-11-20T14:30"}, "consent_how": {"phone"}, "language": {"en"}, "link_worker_email": {*w.tom.Email}}
}

func TestReferralForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		tom := w.signIn(t, w.tom)
		if status, body := tom.get("/people/new"); status != http.StatusOK || !strings.Contains(body, `id="refer"`) {
			t.Fatalf("the form: %d", status)
		}

		status, body := tom.post("/people/new", goodReferral(w))
		if status != http.StatusOK || !strings.Contains(body, "Joan Smith") {
			t.Fatalf("refer: %d\n%s", status, body)
		}
		people, _ := db.ListPeople(ctx, w.scheme.ID, w.tom.ID)
		var p store.Person
		for _, x := range people {
			if x.Name == "Joan Smith" {
				p = x
			}
		}
		if p.ID == 0 || deref(p.Phone) != "+447700900123" || deref(p.NHSNumber) != "9434765919" || deref(p.DateOfBirth) != "1950-03-14" ||
			p.GPPractice != "A81001" || p.PreferredName != "Jo" || !p.TelegramWanted || p.ReferralSource != store.SourceGP ||
			len(p.Needs) != 2 || p.ConsentHow != "phone" || p.ConsentBy == nil || *p.ConsentBy != w.tom.ID ||
			!p.ConsentAt.Equal(testNow.AddDate(0, 0, -3).Add(4*60*60*1e9+30*60*1e9)) {
			t.Fatalf("stored %+v", p)
		}
		// The person's page shows what the referral said.
		facts := body[strings.Index(body, `id="referral-details"`):]
		facts = facts[:strings.Index(facts, "</dl>")]
		for _, want := range []string{"943 476 5919", "14 Mar 1950", "A81001", "GP · Dr Ahmed", "Loneliness or isolation, Physical activity",
			"Lonely since her husband died", "By phone · recorded by " + w.tom.Name, "<dt>Telegram</dt><dd>Wanted</dd>"} {
			if !strings.Contains(facts, want) {
				t.Errorf("the person's referral details lack %q:\n%s", want, facts)
			}
		}
		if _, ok := openNudges(t, db, p.ID)["welcome:"+itoa(p.ID)]; !ok {
			t.Errorf("support not started: %v", openNudges(t, db, p.ID))
		}

		// Bad input: each problem by its field, everything typed kept.
		bad := goodReferral(w)
		bad.Set("name", "")
		bad.Set("phone", "12345")
		bad.Set("nhs_number", "9434765918")
		bad.Set("date_of_birth", "31/02/1950")
		bad.Set("consent_at", "2030-01-01T10:00")
		bad["needs"] = []string{"loneliness", "astrology"}
		status, body = tom.post("/people/new", bad)
		if status != http.StatusBadRequest {
			t.Fatalf("bad referral: %d", status)
		}
		for _, want := range []string{`id="name-error"`, `id="phone-error"`, `id="nhs_number-error"`, `id="date_of_birth-error"`,
			`id="consent_at-error"`, `id="needs-error"`, "6 things need changing", `value="12345"`, `value="9434765918"`,
			"Lonely since her husband died", `value="loneliness" checked`, `value="phone" selected`} {
			if !strings.Contains(body, want) {
				t.Errorf("the refused form lacks %s", want)
			}
		}

		// The same phone or NHS number is not referred twice.
		again := goodReferral(w)
		again.Set("nhs_number", "")
		if status, body := tom.post("/people/new", again); status != http.StatusBadRequest || !strings.Contains(body, `id="phone-error"`) || !strings.Contains(body, "not referred twice") {
			t.Fatalf("same phone: %d", status)
		}
		again = goodReferral(w)
		again.Set("phone", "07700 900999")
		if status, body := tom.post("/people/new", again); status != http.StatusBadRequest || !strings.Contains(body, `id="nhs_number-error"`) {
			t.Fatalf("same NHS number: %d", status)
		}

		// Another scheme: its link workers cannot be chosen, and its
		// staff cannot see the person (404).
		other := storetest.Scheme(t, db)
		hash := *w.admin.PasswordHash
		otherAdmin := storetest.LinkWorker(t, db, other.ID, func(lw *store.LinkWorker) { lw.PasswordHash, lw.Role = &hash, store.RoleSchemeAdmin })
		cross := goodReferral(w)
		cross.Set("phone", "07700 900321")
		cross.Set("nhs_number", "")
		cross.Set("link_worker_email", *otherAdmin.Email)
		if status, body := tom.post("/people/new", cross); status != http.StatusBadRequest || !strings.Contains(body, `id="link_worker_email-error"`) {
			t.Fatalf("another scheme's link worker: %d", status)
		}
		if status, _ := w.signIn(t, otherAdmin).get("/people/" + itoa(p.ID)); status != http.StatusNotFound {
			t.Fatalf("another scheme's admin opening the person: %d, want 404", status)
		}
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
