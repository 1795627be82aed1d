package telegram_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/telegram"
	"github.com/linkbot/linkbot/bot/telegram/telegramtest"
)

const (
	secret = "webhook-s3cret_value"
	chat   = 4242
)

var fixedNow = time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC)

// recorder is the pipeline's side: it keeps what it was handed, announces
// it on got, and fails while fail is set.
type recorder struct {
	mu      sync.Mutex
	inbound []bot.Inbound
	fail    error
	// failTimes makes the next calls fail, then succeed.
	failTimes int
	got       chan bot.Inbound
}

func newRecorder() *recorder { return &recorder{got: make(chan bot.Inbound, 16)} }

func (r *recorder) HandleInbound(_ context.Context, in bot.Inbound) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	if r.failTimes > 0 {
		r.failTimes--
		return errors.New("database is busy")
	}
	r.inbound = append(r.inbound, in)
	r.got <- in
	return nil
}

func (r *recorder) handed() []bot.Inbound {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Inbound(nil), r.inbound...)
}

// webhookBot serves the webhook of a bot talking to a fake Bot API.
func webhookBot(t *testing.T, rec *recorder) (*telegramtest.Server, *telegram.Bot, string) {
	t.Helper()
	fake := telegramtest.NewServer()
	t.Cleanup(fake.Close)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	cfg := telegram.Config{Token: fake.Token, WebhookSecret: secret, APIURL: fake.URL,
		PublicURL: srv.URL, Timeout: 2 * time.Second, Now: func() time.Time { return fixedNow }}
	b, err := telegram.New(context.Background(), cfg, rec)
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("POST "+telegram.WebhookPath, b.WebhookHandler())
	return fake, b, srv.URL + telegram.WebhookPath
}

func TestWebhook(t *testing.T) {
	group := telegramtest.TextMessage(-100, 3, "hello group")
	group.Message.Chat.Type = models.ChatTypeGroup
	edited := telegramtest.TextMessage(chat, 17, "actually I'm not ok")
	edited.EditedMessage, edited.Message = edited.Message, nil
	edited.EditedMessage.EditDate = 1700000000

	base := bot.Inbound{Channel: bot.Telegram, From: "4242", To: "123456789", ReceivedAt: fixedNow}
	with := func(change func(*bot.Inbound)) *bot.Inbound {
		in := base
		change(&in)
		return &in
	}
	tests := []struct {
		name         string
		update       *models.Update
		secret       string
		handlerErr   error
		wantStatus   int
		want         *bot.Inbound
		wantAnswered []string
	}{
		{name: "a text message", update: telegramtest.TextMessage(chat, 17, "Not great today 😔"), secret: secret,
			wantStatus: 200, want: with(func(in *bot.Inbound) {
				in.Kind, in.ProviderID, in.Text = bot.KindMessage, "4242:17", "Not great today 😔"
			})},
		{name: "/start with a one-time code links the chat", update: telegramtest.Start(chat, 1, "Xy7-k_Q2"), secret: secret,
			wantStatus: 200, want: with(func(in *bot.Inbound) {
				in.Kind, in.ProviderID, in.LinkCode = bot.KindLink, "4242:1", "Xy7-k_Q2"
			})},
		{name: "/start without a code is just a message", update: telegramtest.TextMessage(chat, 2, "/start"), secret: secret,
			wantStatus: 200, want: with(func(in *bot.Inbound) {
				in.Kind, in.ProviderID, in.Text = bot.KindMessage, "4242:2", "/start"
			})},
		{name: "a pressed button is the chosen option, and the press is answered",
			update: telegramtest.ButtonPress(chat, 9, "cq-77", "mood:4"), secret: secret,
			wantStatus: 200, wantAnswered: []string{"cq-77"}, want: with(func(in *bot.Inbound) {
				in.Kind, in.ProviderID, in.Choice = bot.KindChoice, "callback:cq-77", "mood:4"
			})},
		{name: "blocking the bot", update: telegramtest.Kicked(chat), secret: secret,
			wantStatus: 200, want: with(func(in *bot.Inbound) {
				in.Kind, in.ProviderID = bot.KindBlocked, "member:4242:1795428000:blocked"
			})},
		{name: "unblocking the bot", update: telegramtest.Restarted(chat), secret: secret,
			wantStatus: 200, want: with(func(in *bot.Inbound) {
				in.Kind, in.ProviderID = bot.KindUnblocked, "member:4242:1795428000:unblocked"
			})},
		{name: "an edited message is handed on as a new message", update: edited, secret: secret,
			wantStatus: 200, want: with(func(in *bot.Inbound) {
				in.Kind, in.ProviderID, in.Text = bot.KindMessage, "4242:17:edited:1700000000", "actually I'm not ok"
			})},
		{name: "a body over 256 KiB is refused", update: telegramtest.TextMessage(chat, 6, strings.Repeat("x", 300<<10)),
			secret: secret, wantStatus: 413},
		{name: "group chats are ignored", update: group, secret: secret, wantStatus: 200},
		{name: "a wrong secret is refused", update: telegramtest.TextMessage(chat, 5, "hi"), secret: "guess",
			wantStatus: 401},
		{name: "no secret is refused", update: telegramtest.TextMessage(chat, 5, "hi"), secret: "",
			wantStatus: 401},
		{name: "when the pipeline fails Telegram is told to retry, and the button is not answered",
			update: telegramtest.ButtonPress(chat, 9, "cq-78", "yes"), secret: secret,
			handlerErr: errors.New("database is down"), wantStatus: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder()
			rec.fail = tt.handlerErr
			fake, _, url := webhookBot(t, rec)

			status, err := fake.PostUpdate(context.Background(), url, tt.secret, tt.update)
			if err != nil {
				t.Fatal(err)
			}

			if status != tt.wantStatus {
				t.Fatalf("status = %d, want %d", status, tt.wantStatus)
			}
			got := rec.handed()
			switch {
			case tt.want == nil && len(got) != 0:
				t.Fatalf("handed on %+v, want nothing", got)
			case tt.want != nil && len(got) != 1:
				t.Fatalf("handed on %d events, want 1", len(got))
			case tt.want != nil:
				assertInbound(t, got[0], *tt.want)
			}
			if answered := fake.Answered(); !slices.Equal(answered, tt.wantAnswered) {
				t.Fatalf("answered callback queries %q, want %q", answered, tt.wantAnswered)
			}
		})
	}
}

func assertInbound(t *testing.T, got, want bot.Inbound) {
	t.Helper()
	if got.Kind != want.Kind || got.Channel != want.Channel || got.ProviderID != want.ProviderID ||
		got.From != want.From || got.To != want.To || got.Text != want.Text ||
		got.LinkCode != want.LinkCode || got.Choice != want.Choice || !got.ReceivedAt.Equal(want.ReceivedAt) ||
		!slices.Equal(got.Attachments, want.Attachments) {
		t.Fatalf("handed on\n %+v\nwant\n %+v", got, want)
	}
}

func TestWebhookHandsOnPhotosWithTheirCaption(t *testing.T) {
	rec := newRecorder()
	fake, _, url := webhookBot(t, rec)
	u := telegramtest.TextMessage(chat, 8, "")
	u.Message.Caption = "my garden"
	u.Message.Photo = []models.PhotoSize{{FileID: "small"}, {FileID: "large"}}

	if status, err := fake.PostUpdate(context.Background(), url, secret, u); err != nil || status != 200 {
		t.Fatalf("status %d, %v", status, err)
	}

	got := rec.handed()
	if len(got) != 1 || got[0].Text != "my garden" ||
		!slices.Equal(got[0].Attachments, []bot.Attachment{{Type: "photo", Ref: "large"}}) {
		t.Fatalf("handed on %+v", got)
	}
}

func TestNewChecksTheToken(t *testing.T) {
	fake := telegramtest.NewServer()
	defer fake.Close()
	cfg := telegram.Config{Token: "987654321:AAwrongwrongwrongwrongwrong", APIURL: fake.URL}

	if _, err := telegram.New(context.Background(), cfg, newRecorder()); err == nil {
		t.Fatal("New with a wrong token succeeded")
	}

	cfg.Token = fake.Token
	b, err := telegram.New(context.Background(), cfg, newRecorder())
	if err != nil {
		t.Fatal(err)
	}
	if link := b.StartLink("Xy7"); link != "https://t.me/linkbot_test_bot?start=Xy7" {
		t.Fatalf("StartLink = %q", link)
	}
}

func TestSetWebhookRegistersThePublicURLAndSecret(t *testing.T) {
	fake, b, url := webhookBot(t, newRecorder())

	if err := b.SetWebhook(context.Background()); err != nil {
		t.Fatal(err)
	}

	hook := fake.Webhook()
	if hook == nil || hook.URL != url || hook.SecretToken != secret || !slices.Contains(hook.AllowedUpdates, "my_chat_member") ||
		!slices.Contains(hook.AllowedUpdates, "callback_query") {
		t.Fatalf("webhook registered as %+v", hook)
	}
}

func TestSendWithButtons(t *testing.T) {
	fake, b, _ := webhookBot(t, newRecorder())

	id, err := b.Send(context.Background(), bot.Outbound{To: "4242", Text: "How are you today?",
		Buttons: []bot.Button{{Text: "Good", Data: "mood:good"}, {Text: "Not great", Data: "mood:low"}}})
	if err != nil {
		t.Fatal(err)
	}

	sent := fake.Sent()
	if len(sent) != 1 {
		t.Fatalf("fake received %d messages, want 1", len(sent))
	}
	want := telegramtest.Sent{ChatID: 4242, MessageID: sent[0].MessageID, Text: "How are you today?",
		Buttons: []telegramtest.Button{{Text: "Good", Data: "mood:good"}, {Text: "Not great", Data: "mood:low"}}}
	if sent[0].ChatID != want.ChatID || sent[0].Text != want.Text || !slices.Equal(sent[0].Buttons, want.Buttons) {
		t.Fatalf("fake received\n %+v\nwant\n %+v", sent[0], want)
	}
	if id != "4242:1" {
		t.Fatalf("Send returned %q, want 4242:1", id)
	}
}

func TestSendFailuresAreClassified(t *testing.T) {
	tests := []struct {
		name           string
		to             string
		block          *telegramtest.Reply
		reply          *telegramtest.Reply
		wantFailure    bot.Failure
		wantCode       string
		wantRetryAfter time.Duration
	}{
		{name: "a bot blocked by the person is permanent", to: "4242", block: &telegramtest.Blocked,
			wantFailure: bot.FailBlocked, wantCode: "403"},
		{name: "a deleted account is permanent", to: "4242", block: &telegramtest.Deactivated,
			wantFailure: bot.FailBlocked, wantCode: "403"},
		{name: "an unknown chat is permanent", to: "4242", reply: &telegramtest.ChatNotFound,
			wantFailure: bot.FailInvalidAddress, wantCode: "400"},
		{name: "429 is retried after Telegram's retry_after", to: "4242", reply: &telegramtest.TooManyRequests,
			wantFailure: bot.FailTemporary, wantCode: "429", wantRetryAfter: 7 * time.Second},
		{name: "500 is retried", to: "4242", reply: &telegramtest.ServerError,
			wantFailure: bot.FailTemporary, wantCode: "500"},
		{name: "a proxy's 502 page is retried", to: "4242", reply: &telegramtest.BadGateway,
			wantFailure: bot.FailTemporary, wantCode: "502"},
		{name: "an address that is not a chat id is permanent", to: "+447700900123",
			wantFailure: bot.FailInvalidAddress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, b, _ := webhookBot(t, newRecorder())
			if tt.block != nil {
				fake.Block(4242, *tt.block)
			}
			if tt.reply != nil {
				fake.FailNext(1, *tt.reply)
			}

			_, err := b.Send(context.Background(), bot.Outbound{To: tt.to, Text: "hello"})

			var se *bot.SendError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *bot.SendError", err)
			}
			if se.Failure != tt.wantFailure || se.Code != tt.wantCode || se.RetryAfter != tt.wantRetryAfter {
				t.Fatalf("got failure %q code %q retry after %v, want %q %q %v",
					se.Failure, se.Code, se.RetryAfter, tt.wantFailure, tt.wantCode, tt.wantRetryAfter)
			}
			if retry, _ := bot.Retryable(err); retry != (tt.wantFailure == bot.FailTemporary) {
				t.Fatalf("bot.Retryable = %v for %q", retry, tt.wantFailure)
			}
			if n := len(fake.Sent()); n != 0 {
				t.Fatalf("fake accepted %d messages, want none", n)
			}
		})
	}
}

// With no public URL the bot polls: it removes a webhook left from before,
// hands on updates in order, and answers button presses.
func TestLongPollingDeliversUpdates(t *testing.T) {
	rec := newRecorder()
	fake, webhookMode, _ := webhookBot(t, rec)
	if err := webhookMode.SetWebhook(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg := telegram.Config{Token: fake.Token, APIURL: fake.URL, Timeout: 2 * time.Second,
		Now: func() time.Time { return fixedNow }}
	b, err := telegram.New(context.Background(), cfg, rec)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	polled := make(chan error)
	go func() { polled <- b.Poll(ctx) }()
	defer func() {
		cancel()
		if err := <-polled; err != nil {
			t.Errorf("Poll: %v", err)
		}
	}()

	fake.Queue(telegramtest.Start(chat, 1, "code123"))
	fake.Queue(telegramtest.ButtonPress(chat, 2, "cq-9", "yes"))
	fake.Queue(telegramtest.TextMessage(chat, 3, "thanks"))

	var kinds []bot.InboundKind
	for range 3 {
		select {
		case in := <-rec.got:
			kinds = append(kinds, in.Kind)
		case <-time.After(10 * time.Second):
			t.Fatalf("polling handed on only %v", kinds)
		}
	}
	if !slices.Equal(kinds, []bot.InboundKind{bot.KindLink, bot.KindChoice, bot.KindMessage}) {
		t.Fatalf("handed on %v", kinds)
	}
	if fake.Webhook() != nil {
		t.Error("the old webhook is still set")
	}
	if answered := fake.Answered(); !slices.Equal(answered, []string{"cq-9"}) {
		t.Errorf("answered %q, want the button press", answered)
	}
	got := rec.handed()
	if got[0].LinkCode != "code123" || got[1].Choice != "yes" || got[2].Text != "thanks" {
		t.Errorf("handed on %+v", got)
	}
}

// Polling has no redelivery: an update the pipeline failed to take is
// handed on again until it is taken.
func TestLongPollingRetriesAFailedUpdate(t *testing.T) {
	rec := newRecorder()
	rec.failTimes = 1
	fake := telegramtest.NewServer()
	defer fake.Close()
	b, err := telegram.New(context.Background(), telegram.Config{Token: fake.Token, APIURL: fake.URL}, rec)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	polled := make(chan error)
	go func() { polled <- b.Poll(ctx) }()
	defer func() { cancel(); <-polled }()

	fake.Queue(telegramtest.TextMessage(chat, 1, "are you there?"))

	select {
	case in := <-rec.got:
		if in.Text != "are you there?" {
			t.Fatalf("handed on %+v", in)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the update was never handed on")
	}
}

// Logs never carry chat ids or message text, whatever goes wrong.
func TestLogsCarryNoChatIDsOrText(t *testing.T) {
	var logs strings.Builder
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))

	rec := newRecorder()
	rec.fail = errors.New("database is down")
	fake, b, url := webhookBot(t, rec)
	fake.PostUpdate(context.Background(), url, secret, telegramtest.TextMessage(987654, 1, "private words"))
	fake.PostUpdate(context.Background(), url, "wrong", telegramtest.TextMessage(987654, 2, "private words"))
	fake.Block(987654, telegramtest.Blocked)
	_, sendErr := b.Send(context.Background(), bot.Outbound{To: "987654", Text: "private words"})
	slog.Error("dispatcher would log", "err", sendErr)

	if logs.Len() == 0 {
		t.Fatal("nothing was logged; the test proves nothing")
	}
	for _, secret := range []string{"987654", "private words"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("logs carry %q:\n%s", secret, logs.String())
		}
	}
}
