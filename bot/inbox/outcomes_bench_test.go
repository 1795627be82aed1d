package inbox_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot/inbox"
	"github.com/linkbot/linkbot/bot/outcomes/outcomestest"
	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

var benchNational = flag.String("outcomes.national", "", "a database left by BenchmarkSchemeReport (bot/outcomes): the dashboard of its 5,000-person scheme beside 900,000 people")

// BenchmarkOutcomesDashboard: the outcomes dashboard (GET /admin/outcomes,
// the whole year, every chart) for a scheme of 5,000 people on PostgreSQL,
// loaded with the outcome benchmarks' bulk SQL (bot/outcomes/testdata).
// Reports milliseconds a page. With -outcomes.national URL, the 5,000
// people are those BenchmarkSchemeReport left beside its 900,000.
//
//	LINKBOT_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test ./bot/inbox -run '^$' -bench OutcomesDashboard -benchtime 20x
func BenchmarkOutcomesDashboard(b *testing.B) {
	var db *store.DB
	var scheme store.Scheme
	if *benchNational != "" {
		// The 5,000-person scheme BenchmarkSchemeReport (bot/outcomes)
		// left beside its 900,000 people.
		db = storetest.Open(b, *benchNational)
		schemes, err := db.ListSchemes(context.Background())
		if err != nil || len(schemes) != 2 {
			b.Fatalf("%s has %d schemes (%v)", *benchNational, len(schemes), err)
		}
		scheme = schemes[1]
	} else {
		u := storetest.PostgresURL(b)
		db = storetest.Open(b, u)
		if err := db.Migrate(context.Background()); err != nil {
			b.Fatal(err)
		}
		scheme = outcomestest.BulkScheme(b, db, u, 5000, 0)
	}
	hash, _ := inbox.HashPassword(password)
	admin := storetest.LinkWorker(b, db, scheme.ID, func(w *store.LinkWorker) {
		w.PasswordHash, w.Role, w.Email = &hash, store.RoleSchemeAdmin, storetest.Ptr(fmt.Sprintf("admin-%d@bench.example", rand.Int64()))
	})
	now := time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	h := inbox.New(inbox.Config{DB: db, Nudges: nudges.NewPlanner(), InsecureCookies: true})
	cookie := signInHandler(b, h, *admin.Email)
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		req := httptest.NewRequest("GET", "/admin/outcomes", nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("dashboard: %d", rec.Code)
		}
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/page")
}

// signInHandler signs in to h with email and the test password and
// returns the session cookie.
func signInHandler(b *testing.B, h http.Handler, email string) *http.Cookie {
	b.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/login", strings.NewReader("email="+email+"&password="+password))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	h.ServeHTTP(rec, req)
	cookies := rec.Result().Cookies()
	if len(cookies) == 0 {
		b.Fatalf("sign-in failed: %d", rec.Code)
	}
	return cookies[0]
}
