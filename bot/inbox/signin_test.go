package inbox_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot/inbox"
	"github.com/linkbot/linkbot/bot/inbox/inboxtest"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// serve starts another inbox on the world, its configuration changed by
// change, and returns its URL.
func (w *world) serve(t *testing.T, change func(*inbox.Config)) string {
	t.Helper()
	cfg := w.config()
	change(&cfg)
	srv := httptest.NewServer(inbox.New(cfg))
	t.Cleanup(srv.Close)
	return srv.URL
}

// forwardedFor sends every request as a proxy would that received it
// from client.
type forwardedFor string

func (f forwardedFor) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", string(f))
	return http.DefaultTransport.RoundTrip(r)
}

// newBrowser is a browser with no session, at base, on the world's clock;
// from, if given, is the client address a trusted proxy reports.
func (w *world) newBrowser(t *testing.T, base string, from string) *browser {
	c := &http.Client{Jar: inboxtest.NewJar(w.clock)}
	if from != "" {
		c.Transport = forwardedFor(from)
	}
	return &browser{t: t, base: base, c: c}
}

// login posts the sign-in form and returns the status, the page and the
// Retry-After header.
func (b *browser) login(email, pw string) (int, string, string) {
	b.t.Helper()
	resp, err := b.c.PostForm(b.base+"/login", url.Values{"email": {email}, "password": {pw}})
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK {
		b.csrf = csrfIn(string(body))
	}
	return resp.StatusCode, string(body), resp.Header.Get("Retry-After")
}

// signedOut reports whether the browser's session has ended.
func (b *browser) signedOut() bool {
	b.t.Helper()
	_, body := b.get("/")
	return strings.Contains(body, "Sign in to Linkbot")
}

func TestParallelGuessesAreCountedBeforeThePasswordIsChecked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		checks := inbox.CountPasswordChecks(t)
		var wg sync.WaitGroup
		statuses := make(chan int, 60)
		for i := range 60 {
			wg.Go(func() {
				resp, err := http.PostForm(w.srv.URL+"/login", url.Values{"email": {*w.admin.Email}, "password": {fmt.Sprintf("guess number %d", i)}})
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				statuses <- resp.StatusCode
			})
		}
		wg.Wait()
		close(statuses)
		got := map[int]int{}
		for s := range statuses {
			got[s]++
		}
		if got[http.StatusUnauthorized] != 5 || got[http.StatusTooManyRequests] != 55 {
			t.Fatalf("60 guesses at once: %v, want 5 checked (401) and 55 refused (429)", got)
		}
		if n := checks.Load(); n != 5 {
			t.Fatalf("%d passwords were checked, want 5", n)
		}

		b := w.newBrowser(t, w.srv.URL, "")
		status, body, retry := b.login(*w.admin.Email, password)
		if status != http.StatusTooManyRequests || retry != "1" || !strings.Contains(body, "Try again in 1 second") {
			t.Fatalf("the right password straight after: %d, Retry-After %q; want 429 after 1 s", status, retry)
		}
		if n := checks.Load(); n != 5 {
			t.Fatalf("a refused attempt checked the password (%d checks)", n)
		}
		w.now = w.now.Add(999 * time.Millisecond)
		if status, _, _ := b.login(*w.admin.Email, password); status != http.StatusTooManyRequests {
			t.Fatalf("before the delay has passed: %d, want 429", status)
		}
		w.now = w.now.Add(time.Millisecond)
		if status, body, _ := b.login(*w.admin.Email, password); status != http.StatusOK || !strings.Contains(body, w.admin.Name) {
			t.Fatalf("once the delay has passed: %d, want signed in", status)
		}
	})
}

func TestTheDelayGrowsWithEachWrongPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		b := w.newBrowser(t, w.srv.URL, "")
		for range 5 {
			b.login(*w.sara.Email, "not her password")
		}
		for _, wait := range []int{1, 2, 4, 8} {
			if _, _, retry := b.login(*w.sara.Email, "not her password"); retry != fmt.Sprint(wait) {
				t.Fatalf("Retry-After %q, want %d", retry, wait)
			}
			w.now = w.now.Add(time.Duration(wait) * time.Second)
			if status, _, _ := b.login(*w.sara.Email, "not her password"); status != http.StatusUnauthorized {
				t.Fatalf("after waiting %d s: %d, want the password checked (401)", wait, status)
			}
		}
	})
}

func TestOneAddressBehindTheProxyDoesNotKeepOthersOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		var logs bytes.Buffer
		proxied := w.serve(t, func(c *inbox.Config) {
			c.TrustedProxies, _ = inbox.ParseTrustedProxies("127.0.0.0/8, ::1")
			c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		})
		attacker := w.newBrowser(t, proxied, "198.51.100.7")
		for i := range 20 {
			if status, _, _ := attacker.login(fmt.Sprintf("guess%d@example.org", i), "wrong guess "+itoa(int64(i))); status != http.StatusUnauthorized {
				t.Fatalf("guess %d: %d, want 401", i, status)
			}
		}
		if status, _, _ := attacker.login(*w.tom.Email, password); status != http.StatusTooManyRequests {
			t.Fatalf("the guessing address after 20 failures: %d, want 429", status)
		}
		colleague := w.newBrowser(t, proxied, "198.51.100.8")
		if status, body, _ := colleague.login(*w.tom.Email, password); status != http.StatusOK || !strings.Contains(body, w.tom.Name) {
			t.Fatalf("a colleague at another address behind the same proxy: %d, want signed in", status)
		}

		log := logs.String()
		if !strings.Contains(log, "sign-in failed") || !strings.Contains(log, "email_domain=example.org") || !strings.Contains(log, "address=198.51.100.7") {
			t.Errorf("failed sign-ins are not logged with the domain and address:\n%s", log)
		}
		if strings.Contains(log, "guess3@example.org") || strings.Contains(log, "wrong guess") || strings.Contains(log, *w.tom.Email) {
			t.Errorf("the log holds an email or a password:\n%s", log)
		}
	})
}

func TestForwardedForIsIgnoredWithoutTrustedProxies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		for i := range 20 {
			b := w.newBrowser(t, w.srv.URL, fmt.Sprintf("198.51.100.%d", i))
			b.login(fmt.Sprintf("guess%d@example.org", i), "wrong guess")
		}
		b := w.newBrowser(t, w.srv.URL, "203.0.113.99")
		if status, _, _ := b.login(*w.tom.Email, password); status != http.StatusTooManyRequests {
			t.Fatalf("a made-up X-Forwarded-For escaped the address limit: %d, want 429", status)
		}
	})
}

func TestAKnownDeviceSignsInWhileTheAccountIsGuessedAt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		tom := w.newBrowser(t, w.srv.URL, "")
		if status, _, _ := tom.login(*w.tom.Email, password); status != http.StatusOK {
			t.Fatalf("first sign-in: %d", status)
		}
		if status, _ := tom.post("/logout", url.Values{}); status != http.StatusOK || !tom.signedOut() {
			t.Fatalf("sign out: %d", status)
		}
		tom.csrf = ""

		attacker := w.newBrowser(t, w.srv.URL, "")
		for i := range 30 {
			attacker.login(*w.tom.Email, "guess "+itoa(int64(i)))
		}
		if status, _, _ := attacker.login(*w.tom.Email, password); status != http.StatusTooManyRequests {
			t.Fatalf("the right password from another browser while guessed at: %d, want 429", status)
		}
		if status, _, _ := tom.login(*w.tom.Email, "a typo in it"); status != http.StatusUnauthorized {
			t.Fatalf("a wrong password on the known browser: %d, want 401 (checked, not slowed)", status)
		}
		if status, body, _ := tom.login(*w.tom.Email, password); status != http.StatusOK || !strings.Contains(body, w.tom.Name) {
			t.Fatalf("the known browser with the right password: %d, want signed in", status)
		}

		// The browser is known for Tom only.
		for range 5 {
			attacker.login(*w.sara.Email, "guess")
		}
		if status, _, _ := tom.login(*w.sara.Email, password); status != http.StatusTooManyRequests {
			t.Fatalf("Sara on Tom's browser while she is guessed at: %d, want 429", status)
		}
	})
}
