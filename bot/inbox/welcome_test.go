package inbox_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot/inbox"
	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

var welcomeLink = regexp.MustCompile(`/welcome/[A-Za-z0-9_-]+`)

// invite has the admin add a link worker and returns the path of their
// one-time link.
func (w *world) invite(t *testing.T, admin *browser, name, email string) string {
	t.Helper()
	status, body := admin.post("/admin/workers", url.Values{"name": {name}, "email": {email}})
	link := welcomeLink.FindString(body)
	if status != http.StatusOK || link == "" || !strings.Contains(body, "http://"+strings.TrimPrefix(w.srv.URL, "http://")+link) {
		t.Fatalf("invite %s: %d, want the page with a whole one-time link\n%s", name, status, body)
	}
	return link
}

func TestOneTimeSignInLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		admin := w.signIn(t, w.admin)
		link := w.invite(t, admin, "Nia Jones", "nia@example.org")

		nia := w.newBrowser(t, w.srv.URL, "")
		if status, body := nia.get(link); status != http.StatusOK || !strings.Contains(body, "nia@example.org") || !strings.Contains(body, `value="Nia Jones"`) {
			t.Fatalf("open the link: %d\n%s", status, body)
		}
		// A refused password keeps what was typed and says why, next to
		// the field, and leaves the link usable.
		status, body := nia.post(link, url.Values{"name": {"Nia B. Jones"}, "password": {"password1234"}, "password_again": {"password1234"}})
		if status != http.StatusBadRequest || !strings.Contains(body, `id="password-error"`) || !strings.Contains(body, `value="Nia B. Jones"`) {
			t.Fatalf("a common password: %d, want 400 with the problem by the field\n%s", status, body)
		}
		if status, body := nia.post(link, url.Values{"name": {"Nia Jones"}, "password": {"tin kettle marmalade"}, "password_again": {"tin kettle marmalad"}}); status != http.StatusBadRequest || !strings.Contains(body, "not the same") {
			t.Fatalf("passwords that differ: %d", status)
		}
		if status, body := nia.post(link, url.Values{"name": {"Nia Jones"}, "password": {strings.Repeat("p", 73)}, "password_again": {strings.Repeat("p", 73)}}); status != http.StatusBadRequest || !strings.Contains(body, "at most 72 bytes") {
			t.Fatalf("73 bytes: %d, want 400 saying why", status)
		}
		const pw = "tin kettle marmalade"
		status, body = nia.post(link, url.Values{"name": {"Nia Jones"}, "password": {pw}, "password_again": {pw}})
		if status != http.StatusOK || !strings.Contains(body, "Your password is set") {
			t.Fatalf("set the password: %d\n%s", status, body)
		}
		if status, body, _ := nia.login("nia@example.org", pw); status != http.StatusOK || !strings.Contains(body, "Nia Jones") {
			t.Fatalf("sign in with the new password: %d", status)
		}
		// Used once: neither opening nor posting works again.
		other := w.newBrowser(t, w.srv.URL, "")
		if status, body := other.get(link); status != http.StatusNotFound || !strings.Contains(body, "used or has expired") {
			t.Fatalf("open a used link: %d, want 404", status)
		}
		if status, _ := other.post(link, url.Values{"name": {"Mallory"}, "password": {"another fine password"}, "password_again": {"another fine password"}}); status != http.StatusNotFound {
			t.Fatalf("use a link twice: %d, want 404", status)
		}
		if status, _, _ := other.login("nia@example.org", "another fine password"); status != http.StatusUnauthorized {
			t.Fatalf("a second use changed the password: %d", status)
		}

		// A link not used within 24 hours no longer works; the admin can
		// give a new one.
		late := w.invite(t, admin, "Ola Smith", "ola@example.org")
		w.now = w.now.Add(inbox.SignInLinkLifetime)
		admin = w.signIn(t, w.admin)
		ola := w.newBrowser(t, w.srv.URL, "")
		if status, _ := ola.get(late); status != http.StatusNotFound {
			t.Fatalf("open a link after 24 h: %d, want 404", status)
		}
		if status, _ := ola.post(late, url.Values{"name": {"Ola Smith"}, "password": {pw}, "password_again": {pw}}); status != http.StatusNotFound {
			t.Fatalf("use a link after 24 h: %d, want 404", status)
		}
		olaWorker, err := db.GetLinkWorkerByEmail(context.Background(), "ola@example.org")
		if err != nil || olaWorker.PasswordHash != nil {
			t.Fatalf("Ola after an expired link: %+v %v", olaWorker, err)
		}
		status, body = admin.post("/admin/workers/"+itoa(olaWorker.ID)+"/link", url.Values{})
		fresh := welcomeLink.FindString(body)
		if status != http.StatusOK || fresh == "" || fresh == late {
			t.Fatalf("a new link: %d %q", status, fresh)
		}
		if status, _ := ola.post(fresh, url.Values{"name": {"Ola Smith"}, "password": {pw}, "password_again": {pw}}); status != http.StatusOK {
			t.Fatalf("use the new link: %d", status)
		}
		otherScheme := storetest.LinkWorker(t, db, storetest.Scheme(t, db).ID)
		if status, _ := admin.post("/admin/workers/"+itoa(otherScheme.ID)+"/link", url.Values{}); status != http.StatusNotFound {
			t.Fatalf("a link for another scheme's link worker: %d, want 404", status)
		}
	})
}

func TestSetPasswordRefusesCrossSitePosts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		link := w.invite(t, w.signIn(t, w.admin), "Nia Jones", "nia@example.org")
		form := url.Values{"name": {"Nia"}, "password": {"tin kettle marmalade"}, "password_again": {"tin kettle marmalade"}}
		req, _ := http.NewRequest(http.MethodPost, w.srv.URL+link, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a cross-site post: %d, want 403", resp.StatusCode)
		}
		if status, _ := w.newBrowser(t, w.srv.URL, "").get(link); status != http.StatusOK {
			t.Fatalf("the link after a refused cross-site post: %d, want it still usable", status)
		}
	})
}

func TestWithNoSchemeTheFrontPageSaysHowToStart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := testNow
		db.SetClock(func() time.Time { return now })
		srv := httptest.NewServer(inbox.New(inbox.Config{DB: db, Nudges: nudges.NewPlanner(), InsecureCookies: true}))
		defer srv.Close()
		b := &browser{t: t, base: srv.URL, c: http.DefaultClient}
		if status, body := b.get("/"); status != http.StatusOK || !strings.Contains(body, "linkbot scheme create") || !strings.Contains(body, "linkbot user add") {
			t.Fatalf("/ with no scheme: %d\n%s", status, body)
		}
		storetest.Scheme(t, db)
		if _, body := b.get("/"); strings.Contains(body, "scheme create") {
			t.Fatal("/ still says how to create a scheme after one exists")
		}
	})
}
