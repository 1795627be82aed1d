package telegram

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// pollRetries are the waits before handing a polled update on again after
// the handler failed. Long polling has no redelivery of its own: once
// fetched, Telegram will not send the update again.
var pollRetries = []time.Duration{200 * time.Millisecond, time.Second, 5 * time.Second, 30 * time.Second}

// Poll fetches updates by long polling until ctx is done, handing each on
// in order. It is for development, when Telegram cannot reach a webhook:
// it first removes any webhook (Telegram refuses getUpdates while one is
// set). Only one process may poll a bot at a time.
func (b *Bot) Poll(ctx context.Context) error {
	callCtx, cancel := context.WithTimeout(ctx, b.cfg.timeout())
	_, err := b.api.DeleteWebhook(callCtx, &tgbot.DeleteWebhookParams{})
	cancel()
	if err != nil {
		return fmt.Errorf("telegram: delete webhook before polling: %w", err)
	}
	b.api.Start(ctx)
	return nil
}

// handlePolled hands one polled update on, retrying for a while when the
// handler fails, and answers a button press once handled.
func (b *Bot) handlePolled(ctx context.Context, api *tgbot.Bot, update *models.Update) {
	in, callbackID, ok := inbound(update, b.id, b.cfg.now())
	if !ok {
		return
	}
	for attempt := 0; ; attempt++ {
		err := b.handler.HandleInbound(ctx, in)
		if err == nil {
			break
		}
		if attempt == len(pollRetries) || ctx.Err() != nil {
			slog.ErrorContext(ctx, "telegram: polled update dropped after repeated failures",
				"update", update.ID, "kind", in.Kind, "err", err)
			return
		}
		slog.WarnContext(ctx, "telegram: polled update not handled; retrying",
			"update", update.ID, "kind", in.Kind, "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(pollRetries[attempt]):
		}
	}
	if callbackID != "" {
		callCtx, cancel := context.WithTimeout(ctx, b.cfg.timeout())
		defer cancel()
		if _, err := api.AnswerCallbackQuery(callCtx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: callbackID}); err != nil {
			slog.WarnContext(ctx, "telegram: could not answer a button press", "update", update.ID)
		}
	}
}
