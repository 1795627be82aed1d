package inbox_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestASchemesNumbersAreItsOwn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		b := w.signIn(t, w.admin)
		form := url.Values{"sms_numbers": {"+447700900999\n+447700900998"}, "telegram_bots": {"123456789"}}
		if status, _ := b.post("/admin/senders", form); status != http.StatusOK {
			t.Fatalf("save numbers: %d", status)
		}
		var numbers []string
		db.View(context.Background(), func(tx *store.Tx) (err error) {
			numbers, err = tx.ListSchemeSenders(context.Background(), w.scheme.ID, store.ChannelSMS)
			return err
		})
		if !slices.Equal(numbers, []string{"+447700900999", "+447700900998"}) {
			t.Fatalf("numbers %q", numbers)
		}
		if status, _ := b.post("/admin/senders", url.Values{"sms_numbers": {"07700 900999"}}); status != http.StatusBadRequest {
			t.Fatalf("a number not in international form: %d, want 400", status)
		}

		other := storetest.Scheme(t, db)
		err := db.InTx(context.Background(), func(tx *store.Tx) error {
			return tx.SetSchemeSenders(context.Background(), other.ID, store.ChannelSMS, []string{"+447700900999"})
		})
		if store.ErrorCode(err) != store.Conflict {
			t.Fatalf("another scheme took this scheme's number: %v", err)
		}
	})
}

func TestAReferralDatedInTheFutureIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		token := w.apiToken(t)
		status, out := w.call(t, token, http.MethodPost, "/api/v1/people",
			`{"name":"Shadow","phone":"+447700900555","referred_at":"2099-01-01T00:00:00Z"}`)
		if field, _ := problemOf(out); status != http.StatusBadRequest || field != "referred_at" {
			t.Fatalf("a referral in 2099: %d %v, want 400 on referred_at", status, out)
		}
	})
}
