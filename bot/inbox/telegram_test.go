package inbox_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/linkbot/linkbot/bot/inbox"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestALinkWorkerMovesSomeoneOntoTelegramAndBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		cfg := w.config()
		cfg.TelegramLink = func(code string) string { return "https://t.me/calder_bot?start=" + code }
		w.srv.Config.Handler = inbox.New(cfg)
		b := w.signIn(t, w.tom)
		page := "/people/" + itoa(w.tomsPerson.ID)

		if _, body := b.get(page); !strings.Contains(body, "Invite to Telegram") {
			t.Fatal("the person page offers no Telegram invitation")
		}
		if status, _ := b.post(page+"/telegram/invite", url.Values{}); status != http.StatusOK {
			t.Fatalf("invite: %d", status)
		}
		thread, _ := db.ListThread(ctx, w.tomsPerson.ID, 10)
		if len(thread) != 1 || thread[0].Channel != store.ChannelSMS || !strings.Contains(thread[0].Body, "https://t.me/calder_bot?start=") {
			t.Fatalf("thread %+v, want an SMS with the t.me link", thread)
		}
		if status, body := b.get(page + "/telegram/qr"); status != http.StatusOK || !strings.Contains(body, `src="data:image/png;base64,`) {
			t.Fatalf("QR page: %d", status)
		}

		chat := int64(555123)
		p, _ := db.GetPerson(ctx, w.tomsPerson.ID)
		p.TelegramChatID, p.PreferredChannel = &chat, store.ChannelTelegram
		if err := db.UpdatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		if _, body := b.get(page); !strings.Contains(body, "Messages go by Telegram") {
			t.Fatal("a linked person's page does not say their messages go by Telegram")
		}
		if status, _ := b.post(page+"/telegram/leave", url.Values{}); status != http.StatusOK {
			t.Fatalf("move back to SMS: %d", status)
		}
		if p, _ := db.GetPerson(ctx, w.tomsPerson.ID); p.PreferredChannel != store.ChannelSMS {
			t.Fatalf("preferred channel %s, want sms", p.PreferredChannel)
		}
		if status, _ := b.post("/people/"+itoa(w.sarasPerson.ID)+"/telegram/invite", url.Values{}); status != http.StatusNotFound {
			t.Fatalf("inviting another caseload's person: %d, want 404", status)
		}
	})
}
