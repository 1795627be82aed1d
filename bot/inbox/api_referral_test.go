package inbox_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestAPIReferralFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		token := w.apiToken(t)
		status, out := w.call(t, token, "POST", "/api/v1/people", `{"name":"Joan Smith","preferred_name":"Jo","phone":"+1 415 555 2671",
			"telegram_wanted":true,"nhs_number":"9434765919","date_of_birth":"1950-03-14","gp_practice":"A81001","referred_by":"Dr Ahmed",
			"referral_source":"social_care","reason":"isolated","needs":["loneliness","money"],"link_worker_email":"`+*w.tom.Email+`",
			"consent_at":"2026-11-20T15:00:00Z","consent_how":"in_person"}`)
		if status != http.StatusCreated || out["phone"] != "+14155552671" || out["nhs_number"] != "9434765919" || out["consent_how"] != "in_person" {
			t.Fatalf("got %d %v", status, out)
		}
		p, err := db.GetPerson(context.Background(), int64(out["id"].(float64)))
		if err != nil || deref(p.DateOfBirth) != "1950-03-14" || p.GPPractice != "A81001" || p.Reason != "isolated" || len(p.Needs) != 2 ||
			!p.TelegramWanted || p.PreferredName != "Jo" || p.ConsentHow != "in_person" {
			t.Fatalf("stored %+v %v", p, err)
		}
		for _, c := range []struct{ body, field string }{
			{`{"name":"A B","phone":"07700 900601","nhs_number":"9434765918"}`, "nhs_number"},
			{`{"name":"A B","phone":"07700 900602","date_of_birth":"next week"}`, "date_of_birth"},
			{`{"name":"A B","phone":"07700 900603","gp_practice":"not a code"}`, "gp_practice"},
			{`{"name":"A B","phone":"07700 900604","needs":["astrology"]}`, "needs"},
			{`{"name":"A B","phone":"07700 900605","consent_at":"2026-11-20T15:00:00Z","consent_how":"telepathy","link_worker_email":"` + *w.tom.Email + `"}`, "consent_how"},
			{`{"name":"A B","phone":"07700 900606","nhs_number":"9434765919"}`, "nhs_number"},
			{`{"name":"A B","phone":"12345"}`, "phone"},
		} {
			status, out := w.call(t, token, "POST", "/api/v1/people", c.body)
			if field, problem := problemOf(out); status != http.StatusBadRequest || field != c.field || problem == "" {
				t.Errorf("%s: %d field %q, want 400 naming %s", c.body, status, field, c.field)
			}
		}
	})
}
