package inbox_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// apiToken creates a token through the admin page and returns it.
func (w *world) apiToken(t *testing.T) string {
	t.Helper()
	b := w.signIn(t, w.admin)
	_, body := b.post("/admin/tokens", url.Values{"name": {"GP referrals"}})
	m := regexp.MustCompile(`id="new-token">(lbk_[^<]+)<`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no token shown:\n%s", body)
	}
	return m[1]
}

// call makes an API request and decodes the JSON answer.
func (w *world) call(t *testing.T, token, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, w.srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: answer is not JSON: %v", method, path, err)
	}
	return resp.StatusCode, out
}

func problemOf(out map[string]any) (field, problem string) {
	e, _ := out["error"].(map[string]any)
	field, _ = e["field"].(string)
	problem, _ = e["problem"].(string)
	return field, problem
}

func TestAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		token := w.apiToken(t)
		ctx := context.Background()

		t.Run("CreatePersonFromReferral", func(t *testing.T) {
			status, out := w.call(t, token, "POST", "/api/v1/people",
				`{"name":"Joan Smith","phone":"07700 900555","referred_by":"Dr Ahmed","referral_source":"gp","link_worker_email":"`+*w.tom.Email+`"}`)
			if status != http.StatusCreated || out["phone"] != "+447700900555" {
				t.Fatalf("got %d %v", status, out)
			}
			p, err := db.GetPerson(ctx, int64(out["id"].(float64)))
			if err != nil || p.SchemeID != w.scheme.ID || p.LinkWorkerID == nil || *p.LinkWorkerID != w.tom.ID || p.ReferralSource != store.SourceGP {
				t.Fatalf("stored person %+v, %v", p, err)
			}
		})
		bad := []struct {
			name, body, field string
		}{
			{"MissingName", `{"phone":"+447700900556"}`, "name"},
			{"BadPhone", `{"name":"A B","phone":"12"}`, "phone"},
			{"WrongType", `{"name":"A B","phone":12}`, "phone"},
			{"UnknownField", `{"name":"A B","phone":"+447700900557","nhs":"x"}`, "nhs"},
			{"UnknownSource", `{"name":"A B","phone":"+447700900558","referral_source":"pharmacy"}`, "referral_source"},
			{"LinkWorkerOfAnotherScheme", `{"name":"A B","phone":"+447700900559","link_worker_email":"nobody@example.org"}`, "link_worker_email"},
			{"SamePhoneTwice", `{"name":"Joan Again","phone":"+447700900555"}`, "phone"},
		}
		for _, c := range bad {
			t.Run("Refuses"+c.name, func(t *testing.T) {
				status, out := w.call(t, token, "POST", "/api/v1/people", c.body)
				field, problem := problemOf(out)
				if status != http.StatusBadRequest || field != c.field || problem == "" {
					t.Fatalf("got %d field %q problem %q, want 400 naming %q", status, field, problem, c.field)
				}
			})
		}
		t.Run("RefusesABodyThatIsNotJSON", func(t *testing.T) {
			status, out := w.call(t, token, "POST", "/api/v1/people", `name=Joan`)
			if _, problem := problemOf(out); status != 400 || problem == "" {
				t.Fatalf("got %d %v", status, out)
			}
		})

		t.Run("BookContact", func(t *testing.T) {
			at := w.now.Add(72 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
			status, out := w.call(t, token, "POST", "/api/v1/contacts",
				`{"person_id":`+itoa(w.tomsPerson.ID)+`,"starts_at":"`+at+`","kind":"phone"}`)
			if status != http.StatusCreated || out["status"] != "booked" {
				t.Fatalf("got %d %v", status, out)
			}
			list, _ := db.ListContacts(ctx, w.tomsPerson.ID)
			if len(list) != 1 || list[0].LinkWorkerID != w.tom.ID || list[0].StartsAt.Format(time.RFC3339) != at {
				t.Fatalf("stored contacts %+v", list)
			}
		})
		t.Run("BookContactRefusesThePast", func(t *testing.T) {
			status, out := w.call(t, token, "POST", "/api/v1/contacts",
				`{"person_id":`+itoa(w.tomsPerson.ID)+`,"starts_at":"2020-01-01T10:00:00Z","kind":"phone"}`)
			if field, _ := problemOf(out); status != 400 || field != "starts_at" {
				t.Fatalf("got %d %v", status, out)
			}
		})
		t.Run("BookContactRefusesAnotherSchemesPerson", func(t *testing.T) {
			other := storetest.Person(t, db)
			status, out := w.call(t, token, "POST", "/api/v1/contacts",
				`{"person_id":`+itoa(other.ID)+`,"starts_at":"2030-01-01T10:00:00Z","kind":"phone"}`)
			if field, _ := problemOf(out); status != 400 || field != "person_id" {
				t.Fatalf("got %d %v", status, out)
			}
		})

		t.Run("ListOpenEscalations", func(t *testing.T) {
			m := storetest.Inbound(t, db, w.sarasPerson, func(m *store.Message) { m.Body = "private words" })
			e := store.Escalation{SchemeID: w.scheme.ID, PersonID: w.sarasPerson.ID, MessageID: &m.ID, Reason: store.ReasonRisk, Urgency: store.Urgent}
			if err := db.CreateEscalation(ctx, &e); err != nil {
				t.Fatal(err)
			}
			storetest.Person(t, db, func(p *store.Person) {}) // another scheme's person, with nothing open
			status, out := w.call(t, token, "GET", "/api/v1/escalations", "")
			list, _ := out["escalations"].([]any)
			if status != 200 || len(list) != 1 {
				t.Fatalf("got %d %v", status, out)
			}
			raw, _ := json.Marshal(out)
			if strings.Contains(string(raw), "private words") || !strings.Contains(string(raw), `"urgency":"urgent"`) {
				t.Fatalf("escalations: %s", raw)
			}
		})

		t.Run("RefusesMissingAndRevokedTokens", func(t *testing.T) {
			if status, _ := w.call(t, "", "GET", "/api/v1/escalations", ""); status != http.StatusUnauthorized {
				t.Fatalf("no token: %d", status)
			}
			if status, _ := w.call(t, "lbk_madeup", "GET", "/api/v1/escalations", ""); status != http.StatusUnauthorized {
				t.Fatalf("made-up token: %d", status)
			}
		})
	})
}
