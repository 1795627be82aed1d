package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/linkbot/linkbot/bot"
)

// allowedUpdates are the update types Linkbot asks Telegram for.
var allowedUpdates = []string{
	models.AllowedUpdateMessage,
	models.AllowedUpdateEditedMessage,
	models.AllowedUpdateCallbackQuery,
	models.AllowedUpdateMyChatMember,
}

// Bot is one Telegram bot: it serves the webhook or polls for updates, and
// sends messages. It is safe for concurrent use.
type Bot struct {
	cfg      Config
	api      *tgbot.Bot
	handler  bot.InboundHandler
	id       string // the bot's user id, our address
	username string
}

// New checks the token with Telegram (getMe) and returns the bot. Updates
// go to h; see WebhookHandler and Poll.
func New(ctx context.Context, cfg Config, h bot.InboundHandler) (*Bot, error) {
	b := &Bot{cfg: cfg, handler: h}
	opts := []tgbot.Option{
		tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(cfg.pollTimeout(), statusRecorder{&http.Client{
			Transport: newTransport(),
			Timeout:   cfg.pollTimeout() + cfg.timeout(),
		}}),
		tgbot.WithDefaultHandler(b.handlePolled),
		tgbot.WithNotAsyncHandlers(),
		tgbot.WithAllowedUpdates(allowedUpdates),
		tgbot.WithErrorsHandler(logLibraryError),
	}
	if cfg.APIURL != "" {
		opts = append(opts, tgbot.WithServerURL(strings.TrimRight(cfg.APIURL, "/")))
	}
	api, err := tgbot.New(cfg.Token, opts...)
	if err != nil {
		return nil, fmt.Errorf("telegram: %w", err)
	}
	b.api = api

	ctx, cancel := context.WithTimeout(ctx, cfg.timeout())
	defer cancel()
	me, err := api.GetMe(ctx)
	if err != nil {
		return nil, fmt.Errorf("telegram: check the bot token with getMe: %w", err)
	}
	b.id = strconv.FormatInt(me.ID, 10)
	b.username = me.Username
	return b, nil
}

// Username is the bot's @username, without the @.
func (b *Bot) Username() string { return b.username }

// StartLink is the t.me link that opens the bot and sends "/start code",
// which binds the chat to whoever the one-time code was issued for.
func (b *Bot) StartLink(code string) string {
	return "https://t.me/" + b.username + "?start=" + code
}

// SetWebhook asks Telegram to post updates to PublicURL + WebhookPath with
// the webhook secret.
func (b *Bot) SetWebhook(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.timeout())
	defer cancel()
	_, err := b.api.SetWebhook(ctx, &tgbot.SetWebhookParams{
		URL:            strings.TrimRight(b.cfg.PublicURL, "/") + WebhookPath,
		SecretToken:    b.cfg.WebhookSecret,
		AllowedUpdates: allowedUpdates,
	})
	if err != nil {
		return fmt.Errorf("telegram: set webhook: %w", err)
	}
	return nil
}

// Send sends out to the chat in out.To, with out.Buttons as an inline
// keyboard (one button a row), and returns an id of the form
// "<chat id>:<message id>". Failures are *bot.SendError: blocked bots and
// unknown chats are permanent; 429 (with Telegram's retry_after), 5xx,
// timeouts and network errors are temporary.
func (b *Bot) Send(ctx context.Context, out bot.Outbound) (string, error) {
	chat, err := chatID(out.To)
	if err != nil {
		return "", &bot.SendError{Channel: bot.Telegram, Failure: bot.FailInvalidAddress,
			Err: errors.New("the address is not a Telegram chat id")}
	}
	params := &tgbot.SendMessageParams{ChatID: chat, Text: out.Text}
	if len(out.Buttons) > 0 {
		rows := make([][]models.InlineKeyboardButton, 0, len(out.Buttons))
		for _, button := range out.Buttons {
			rows = append(rows, []models.InlineKeyboardButton{{Text: button.Text, CallbackData: button.Data}})
		}
		params.ReplyMarkup = &models.InlineKeyboardMarkup{InlineKeyboard: rows}
	}

	ctx, cancel := context.WithTimeout(ctx, b.cfg.timeout())
	defer cancel()
	call := &httpCall{}
	msg, err := b.api.SendMessage(context.WithValue(ctx, httpCallKey{}, call), params)
	if err != nil {
		return "", classify(err, call.status)
	}
	return out.To + ":" + strconv.Itoa(msg.ID), nil
}

// classify turns a go-telegram/bot error into a *bot.SendError. status is
// the HTTP status seen, 0 if none.
func classify(err error, status int) error {
	se := &bot.SendError{Channel: bot.Telegram, Failure: bot.FailTemporary, Err: err}
	if status != 0 {
		se.Code = strconv.Itoa(status)
	}
	var tooMany *tgbot.TooManyRequestsError
	switch {
	case errors.As(err, &tooMany):
		se.Code = "429"
		se.RetryAfter = secondsToDuration(tooMany.RetryAfter)
	case errors.Is(err, tgbot.ErrorForbidden):
		// "bot was blocked by the user", "user is deactivated", "bot was
		// kicked": nothing reaches this chat until the person acts.
		se.Code, se.Failure = "403", bot.FailBlocked
	case errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(err.Error(), "chat not found"):
		se.Code, se.Failure = "400", bot.FailInvalidAddress
	case errors.Is(err, tgbot.ErrorBadRequest), errors.Is(err, tgbot.ErrorUnauthorized),
		errors.Is(err, tgbot.ErrorNotFound), errors.Is(err, tgbot.ErrorConflict),
		tgbot.IsMigrateError(err):
		se.Failure = bot.FailRejected
	case status >= 400 && status < 500 && status != http.StatusTooManyRequests:
		se.Failure = bot.FailRejected
	}
	return se
}

// logLibraryError logs what go-telegram/bot reports in the background
// (mostly failed long polls). Its messages can quote API response bodies,
// which may hold message text, so only the kind of failure is logged.
func logLibraryError(err error) {
	kind := "other"
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		kind = "timeout"
	case errors.Is(err, tgbot.ErrorConflict):
		kind = "conflict: another process is polling or a webhook is set"
	case errors.Is(err, tgbot.ErrorUnauthorized), errors.Is(err, tgbot.ErrorNotFound):
		kind = "unauthorized: check the bot token"
	case tgbot.IsTooManyRequestsError(err):
		kind = "rate limited"
	case strings.Contains(err.Error(), "error do request"):
		kind = "network"
	}
	slog.Warn("telegram: API call failed", "kind", kind)
}

// chatID parses a private chat id: decimal digits only, so that a phone
// number such as +447700900123 is never taken for one.
func chatID(s string) (int64, error) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, errors.New("not a chat id")
	}
	return strconv.ParseInt(s, 10, 64)
}
