package inbox_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/linkbot/linkbot/bot/inbox"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestOverlongPasswordsAreRefusedClearly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		checks := inbox.CountPasswordChecks(t)
		long := strings.Repeat("p", 73)
		b := w.newBrowser(t, w.srv.URL, "")
		if status, body, _ := b.login(*w.tom.Email, long); status != http.StatusBadRequest || !strings.Contains(body, "longer than 72 bytes") {
			t.Fatalf("signing in with 73 bytes: %d, want 400 saying why\n%s", status, body)
		}
		if checks.Load() != 0 {
			t.Fatal("a password over 72 bytes was checked")
		}
		admin := w.signIn(t, w.admin)
		if status, body := admin.post("/admin/workers/"+itoa(w.tom.ID), url.Values{"name": {w.tom.Name}, "email": {*w.tom.Email}, "active": {"on"}, "password": {long}}); status != http.StatusBadRequest || !strings.Contains(body, "at most 72 bytes") {
			t.Fatalf("resetting to 73 bytes: %d, want 400 saying why", status)
		}
	})
}

func TestCommonPasswordsAreRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		admin := w.signIn(t, w.admin)
		for _, pw := range []string{"aaaaaaaaaaaa", "password1234", "aaaaaaaaaa", "P@ssw0rd2025!"} {
			if status, _ := admin.post("/admin/workers/"+itoa(w.tom.ID), url.Values{"name": {w.tom.Name}, "email": {*w.tom.Email}, "active": {"on"}, "password": {pw}}); status != http.StatusBadRequest {
				t.Errorf("resetting to %q: %d, want 400", pw, status)
			}
		}
		if b := w.newBrowser(t, w.srv.URL, ""); !b.signedOut() {
			t.Fatal("a new browser is signed in")
		}
		if status, _, _ := w.newBrowser(t, w.srv.URL, "").login(*w.tom.Email, password); status != http.StatusOK {
			t.Fatalf("Tom's password changed after refused resets: %d", status)
		}
	})
}

func TestAdminResetEndsTheUsersOtherSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		tomAtDesk, tomAtHome := w.signIn(t, w.tom), w.signIn(t, w.tom)
		admin, adminElsewhere := w.signIn(t, w.admin), w.signIn(t, w.admin)
		attacker := w.newBrowser(t, w.srv.URL, "")
		for range 6 {
			attacker.login(*w.tom.Email, "guess")
		}
		if _, body := admin.get("/admin/workers"); !strings.Contains(body, "5 failed sign-ins in the last day; signing in from a new browser is slowed") {
			t.Fatalf("the workers page does not show Tom's failed sign-ins:\n%s", body)
		}

		const fresh = "tin kettle marmalade"
		form := url.Values{"name": {w.tom.Name}, "email": {*w.tom.Email}, "active": {"on"}, "password": {fresh}}
		if status, _ := admin.post("/admin/workers/"+itoa(w.tom.ID), form); status != http.StatusOK {
			t.Fatalf("reset: %d", status)
		}
		if !tomAtDesk.signedOut() || !tomAtHome.signedOut() {
			t.Fatal("Tom's sessions outlived the reset of his password")
		}
		if status, _, _ := w.newBrowser(t, w.srv.URL, "").login(*w.tom.Email, password); status != http.StatusUnauthorized {
			t.Fatalf("the old password after the reset: %d, want 401", status)
		}
		if status, body, _ := w.newBrowser(t, w.srv.URL, "").login(*w.tom.Email, fresh); status != http.StatusOK || !strings.Contains(body, w.tom.Name) {
			t.Fatalf("the new password from a new browser straight after the reset: %d, want signed in", status)
		}

		// An admin resetting their own password stays signed in here only.
		form = url.Values{"name": {w.admin.Name}, "email": {*w.admin.Email}, "active": {"on"}, "role": {"scheme_admin"}, "password": {fresh}}
		if status, _ := admin.post("/admin/workers/"+itoa(w.admin.ID), form); status != http.StatusOK {
			t.Fatalf("own reset: %d", status)
		}
		if admin.signedOut() || !adminElsewhere.signedOut() {
			t.Fatal("an admin's own reset should end their other sessions and keep this one")
		}
	})
}

func TestAdminUnlocksSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		attacker := w.newBrowser(t, w.srv.URL, "")
		for range 5 {
			attacker.login(*w.sara.Email, "guess")
		}
		if status, _, _ := w.newBrowser(t, w.srv.URL, "").login(*w.sara.Email, password); status != http.StatusTooManyRequests {
			t.Fatalf("Sara after 5 guesses: %d, want 429", status)
		}
		admin := w.signIn(t, w.admin)
		if status, _ := admin.post("/admin/workers/"+itoa(w.sara.ID)+"/unlock", url.Values{}); status != http.StatusOK {
			t.Fatalf("unlock: %d", status)
		}
		if status, _, _ := w.newBrowser(t, w.srv.URL, "").login(*w.sara.Email, password); status != http.StatusOK {
			t.Fatalf("Sara after the unlock: %d, want signed in", status)
		}
		other := storetest.LinkWorker(t, db, storetest.Scheme(t, db).ID)
		if status, _ := admin.post("/admin/workers/"+itoa(other.ID)+"/unlock", url.Values{}); status != http.StatusNotFound {
			t.Fatalf("unlocking another scheme's link worker: %d, want 404", status)
		}
	})
}
