package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestReadyzSaysNotReadyWithoutNamingTheDatabase(t *testing.T) {
	eachDatabaseURL(t, func(t *testing.T, dbURL string) {
		db := storetest.Open(t, dbURL) // opened, never migrated
		srv := httptest.NewServer(newHandler(db, newRegistry(), nudges.NewPlanner(), web{}))
		defer srv.Close()
		if code, _ := get(t, srv.URL+"/healthz"); code != http.StatusOK {
			t.Errorf("/healthz: %d, want 200 while the process is up", code)
		}
		code, body := get(t, srv.URL+"/readyz")
		if code != http.StatusServiceUnavailable || !strings.Contains(body, "not ready: database unreachable") {
			t.Errorf("/readyz on an unmigrated database: %d %q", code, body)
		}
		if where := db.String(); strings.Contains(body, where) || strings.Contains(body, filepath.Base(where)) {
			t.Errorf("/readyz names the database %s: %q", where, body)
		}
		if u, err := url.Parse(dbURL); err == nil && u.Host != "" && strings.Contains(body, u.Hostname()) {
			t.Errorf("/readyz names the database host: %q", body)
		}
	})
}

func TestMetricsCountRequestsByRouteNotByPathOnTheirOwnListener(t *testing.T) {
	db := storetest.SQLite(t)
	reg := newRegistry()
	srv := httptest.NewServer(newHandler(db, reg, nudges.NewPlanner(), web{}))
	defer srv.Close()
	metrics := httptest.NewServer(metricsHandler(reg))
	defer metrics.Close()
	get(t, srv.URL+"/healthz")
	get(t, srv.URL+"/no/such/page/+447700900123")
	if code, _ := get(t, srv.URL+"/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics on the public server: %d, want 404", code)
	}
	code, text := get(t, metrics.URL+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics on the metrics listener: %d", code)
	}
	for _, want := range []string{
		`linkbot_http_requests_total{code="200",route="GET /healthz"} 1`,
		`linkbot_http_requests_total{code="404",route="unmatched"} 1`,
		`linkbot_http_requests_total{code="404",route="/metrics"} 1`,
		"go_goroutines",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(text, "447700900123") {
		t.Error("/metrics carries a path with a phone number in it")
	}
	if code, _ := get(t, metrics.URL+"/"); code != http.StatusNotFound {
		t.Errorf("the metrics listener answers / with %d, want 404: it serves metrics only", code)
	}
}

// apiCall makes a JSON API request to srv with token and returns the status.
func apiCall(t *testing.T, srv *httptest.Server, token, path, body string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode
}

func TestAReferralThroughTheAPIGetsCheckInsAndABookedContactGetsReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) // Monday 10:00 GMT
		db.SetClock(func() time.Time { return now })
		worker := storetest.LinkWorker(t, db, storetest.Scheme(t, db).ID, func(w *store.LinkWorker) { w.Email = storetest.Ptr("lw@scheme.example") })
		const token = "lbk_test-token"
		sum := sha256.Sum256([]byte(token))
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateAPIToken(ctx, &store.APIToken{SchemeID: worker.SchemeID, Name: "test", TokenHash: hex.EncodeToString(sum[:])})
		})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(newHandler(db, newRegistry(), nudges.NewPlanner(), web{}))
		defer srv.Close()

		code := apiCall(t, srv, token, "/api/v1/people", `{"name":"Joan Smith","phone":"07700 900555","referred_by":"Dr Ahmed","referral_source":"gp","link_worker_email":"lw@scheme.example","consent_at":"2026-11-01T10:00:00Z"}`)
		if code != http.StatusCreated {
			t.Fatalf("create person: %d", code)
		}
		people, err := db.ListPeople(ctx, worker.SchemeID, 0)
		if err != nil || len(people) != 1 {
			t.Fatalf("people: %v %v", people, err)
		}
		joan := people[0]
		if kinds := nudgeKinds(t, db, joan.ID); kinds[store.NudgeCheckin] == 0 {
			t.Fatalf("a new referral has no check-in planned: %v", kinds)
		}

		when := now.AddDate(0, 0, 7).Format(time.RFC3339)
		code = apiCall(t, srv, token, "/api/v1/contacts", fmt.Sprintf(`{"person_id":%d,"starts_at":%q,"kind":"phone"}`, joan.ID, when))
		if code != http.StatusCreated {
			t.Fatalf("book contact: %d", code)
		}
		if kinds := nudgeKinds(t, db, joan.ID); kinds[store.NudgeContactReminder] != 2 {
			t.Fatalf("a contact a week ahead has %d reminders planned, want 2 (3 days and 2 hours before)", kinds[store.NudgeContactReminder])
		}
	})
}

func nudgeKinds(t *testing.T, db *store.DB, personID int64) map[store.NudgeKind]int {
	t.Helper()
	list, err := db.ListNudges(context.Background(), personID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[store.NudgeKind]int{}
	for _, n := range list {
		if n.Status == store.NudgePlanned {
			kinds[n.Kind]++
		}
	}
	return kinds
}
