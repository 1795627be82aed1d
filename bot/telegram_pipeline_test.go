package bot_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/dispatch"
	"github.com/linkbot/linkbot/bot/telegram"
	"github.com/linkbot/linkbot/bot/telegram/telegramtest"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

const webhookSecret = "test-secret"

// telegramRig adds the real Telegram webhook and sender, against the fake
// Bot API, to an SMS rig.
type telegramRig struct {
	*rig
	api  *telegramtest.Server
	bot  *telegram.Bot
	hook string
}

func newTelegramRig(t *testing.T, db *store.DB) *telegramRig {
	t.Helper()
	r := &telegramRig{rig: newRig(t, db)}
	r.api = telegramtest.NewServer()
	t.Cleanup(r.api.Close)
	b, err := telegram.New(r.ctx, telegram.Config{Token: telegramtest.Token, WebhookSecret: webhookSecret,
		APIURL: r.api.URL, PublicURL: r.web.URL, Now: r.clock.Now}, r.engine)
	if err != nil {
		t.Fatal(err)
	}
	r.bot = b
	mux := http.NewServeMux()
	mux.Handle("POST "+telegram.WebhookPath, b.WebhookHandler())
	web := httptestServer(t, mux)
	r.hook = web + telegram.WebhookPath
	r.disp = dispatch.New(db, dispatch.Config{
		Senders:   map[store.Channel]bot.Sender{store.ChannelTelegram: b, store.ChannelSMS: smsSender(r.rig)},
		Now:       r.clock.Now,
		PublicURL: "https://linkbot.example",
		Logger:    quiet,
	})
	return r
}

func (r *telegramRig) update(u *telegramtestUpdate) {
	r.t.Helper()
	code, err := r.api.PostUpdate(r.ctx, r.hook, webhookSecret, u)
	if err != nil {
		r.t.Fatal(err)
	}
	if code != http.StatusOK {
		r.t.Fatalf("webhook answered %d, want 200", code)
	}
}

func (r *telegramRig) sentToChat(chat int64) []string {
	var list []string
	for _, s := range r.api.Sent() {
		if s.ChatID == chat {
			list = append(list, s.Text)
		}
	}
	return list
}

func (r *telegramRig) linkCode(personID, workerID int64) string {
	r.t.Helper()
	var code string
	err := r.db.InTx(r.ctx, func(tx *store.Tx) error {
		var err error
		code, err = tx.IssueLinkCode(r.ctx, r.person.SchemeID, personID, workerID)
		return err
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return code
}

func TestTelegramStartLinksTheChatAndAButtonAnswersTheRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newTelegramRig(t, db)
		const chat = 555001
		code := r.linkCode(r.person.ID, 0)
		err := db.InTx(r.ctx, func(tx *store.Tx) error {
			return bot.QueueTelegramInvite(r.ctx, tx, r.person, r.bot.StartLink(code))
		})
		if err != nil {
			t.Fatal(err)
		}
		r.dispatch()
		want := "https://t.me/" + telegramtest.Username + "?start=" + code
		if got := r.sentTo(*r.person.Phone); len(got) != 1 || !strings.Contains(got[0], want) {
			t.Fatalf("invite SMS %q, want the link %s", got, want)
		}
		r.update(telegramtest.Start(chat, 1, code))
		p := r.reload()
		if p.TelegramChatID == nil || *p.TelegramChatID != chat || p.PreferredChannel != store.ChannelTelegram {
			t.Fatalf("person = %+v, want linked to chat %d", p, chat)
		}
		r.dispatch()
		if got := r.sentToChat(chat); len(got) != 1 || !strings.Contains(got[0], "You're connected") {
			t.Fatalf("chat got %q, want a welcome", got)
		}

		r.person = p
		r.startRun("ons4")
		r.dispatch()
		r.update(telegramtest.ButtonPress(chat, 3, "query-1", "8"))
		answers, _ := db.ListAnswers(r.ctx, r.person.ID)
		if len(answers) != 1 || *answers[0].Value != 8 {
			t.Fatalf("answers = %+v, want 8 from the button", answers)
		}
		if got := r.api.Answered(); len(got) != 1 || got[0] != "query-1" {
			t.Fatalf("answered callback queries %q", got)
		}
		r.dispatch()
		if got := r.sentToChat(chat); !strings.Contains(got[len(got)-1], "worthwhile") {
			t.Fatalf("chat got %q, want the next question last", got)
		}

		// The code was for one use: a second chat gets the polite reply.
		r.update(telegramtest.Start(555002, 1, code))
		r.dispatch()
		if got := r.sentToChat(555002); len(got) != 1 || !strings.Contains(got[0], "ask your link worker for a link") {
			t.Fatalf("second chat got %q", got)
		}
	})
}

func TestTelegramLinkWorkerLinksTheirChat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newTelegramRig(t, db)
		code := r.linkCode(0, r.worker.ID)
		r.update(telegramtest.Start(777001, 1, code))
		w, _ := db.GetLinkWorker(r.ctx, r.worker.ID)
		if w.TelegramChatID == nil || *w.TelegramChatID != 777001 {
			t.Fatal("the link worker's chat is not linked")
		}
		r.text("I want to end it all")
		r.dispatch()
		if got := r.sentToChat(777001); len(got) != 2 || !strings.Contains(got[1], "URGENT") {
			t.Fatalf("link worker's chat got %q, want the urgent notification there", got)
		}
	})
}

func TestTelegramUnlinkedChatGetsOnePoliteReplyAndNothingElse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newTelegramRig(t, db)
		r.update(telegramtest.TextMessage(999001, 1, "hello?"))
		r.update(telegramtest.TextMessage(999001, 2, "is anyone there"))
		r.dispatch()
		if got := r.sentToChat(999001); len(got) != 1 || !strings.Contains(got[0], "please ask your link worker for a link") {
			t.Fatalf("unlinked chat got %q, want one polite reply", got)
		}
		if got := r.escalations(); len(got) != 0 {
			t.Fatalf("escalations %+v", got)
		}
	})
}

func TestTelegramBlockedBotMarksThePersonUnreachableAndTellsTheLinkWorker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newTelegramRig(t, db)
		const chat = 555009
		r.update(telegramtest.Start(chat, 1, r.linkCode(r.person.ID, 0)))
		r.dispatch()
		r.update(telegramtest.Kicked(chat))
		r.update(telegramtest.Kicked(chat)) // told once
		esc := r.escalations()
		if len(esc) != 1 || esc[0].Reason != store.ReasonDeliveryFailed {
			t.Fatalf("escalations = %+v, want one delivery failure", esc)
		}
		if got := r.sentTo(*r.worker.Phone); len(got) != 0 {
			t.Fatalf("link worker got %q before dispatch", got)
		}
		p := r.reload()
		nudge := storetest.Outbound(t, db, p, func(m *store.Message) { m.Channel, m.Address = store.ChannelTelegram, strconv.Itoa(chat) })
		r.dispatch()
		if got := r.sentToChat(chat); len(got) != 1 {
			t.Fatalf("blocked chat got %q after the welcome", got)
		}
		if m, _ := db.GetMessage(r.ctx, nudge.ID); m.Status != store.StatusHeld {
			t.Fatalf("nudge is %s, want held", m.Status)
		}
		if got := r.sentTo(*r.worker.Phone); len(got) != 1 || !strings.Contains(got[0], "could not be delivered") {
			t.Fatalf("link worker got %q", got)
		}

		r.update(telegramtest.Restarted(chat))
		storetest.Outbound(t, db, p, func(m *store.Message) {
			m.Channel, m.Address, m.Body = store.ChannelTelegram, strconv.Itoa(chat), "after unblocking"
		})
		r.dispatch()
		if got := r.sentToChat(chat); len(got) != 2 {
			t.Fatalf("chat got %q, want the message after unblocking", got)
		}
	})
}

func TestTelegramSendToABlockedChatFailsAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newTelegramRig(t, db)
		const chat = 555010
		r.update(telegramtest.Start(chat, 1, r.linkCode(r.person.ID, 0)))
		r.dispatch()
		r.api.Block(chat, telegramtest.Blocked)
		p := r.reload()
		m := storetest.Outbound(t, db, p, func(m *store.Message) { m.Channel, m.Address = store.ChannelTelegram, strconv.Itoa(chat) })
		r.dispatch()
		if got, _ := db.GetMessage(r.ctx, m.ID); got.Status != store.StatusFailed || got.Attempts != 1 {
			t.Fatalf("message is %s after %d attempts, want failed after 1", got.Status, got.Attempts)
		}
		if esc := r.escalations(); len(esc) != 1 || esc[0].Reason != store.ReasonDeliveryFailed {
			t.Fatalf("escalations = %+v", esc)
		}
	})
}

func TestTelegramQuestionsOfferTheirAnswersAsButtons(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newTelegramRig(t, db)
		const chat = 555020
		r.update(telegramtest.Start(chat, 1, r.linkCode(r.person.ID, 0)))
		r.person = r.reload()
		r.startRun("contact-reminder")
		r.dispatch()
		sent := r.api.Sent()
		last := sent[len(sent)-1]
		if len(last.Buttons) != 2 || last.Buttons[0].Data != "C" || last.Buttons[1].Data != "R" {
			t.Fatalf("the reminder offered buttons %+v, want C and R", last.Buttons)
		}
		r.update(telegramtest.ButtonPress(chat, last.MessageID, "query-c", "C"))
		answers, _ := db.ListAnswers(r.ctx, r.person.ID)
		if len(answers) != 1 || answers[0].Words != "C" {
			t.Fatalf("answers = %+v, want C from the button", answers)
		}
	})
}
