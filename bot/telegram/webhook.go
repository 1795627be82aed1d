package telegram

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/go-telegram/bot/models"
)

// MaxBodyBytes is the largest webhook body accepted; larger ones get 413.
const MaxBodyBytes = 256 << 10

// WebhookHandler serves POST /webhooks/telegram. A request without the
// configured X-Telegram-Bot-Api-Secret-Token gets 401 and nothing is handed
// on. Each update is normalised and handed to the InboundHandler; the answer
// is 200 only once that returned nil, and 500 otherwise, so Telegram
// delivers the update again. A button press is acknowledged in the webhook
// answer itself (answerCallbackQuery), which stops the button spinning
// without a call of our own.
func (b *Bot) WebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		if !b.secretMatches(r.Header.Get("X-Telegram-Bot-Api-Secret-Token")) {
			slog.WarnContext(r.Context(), "telegram: webhook refused: wrong secret token")
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			} else {
				http.Error(w, "cannot read body", http.StatusBadRequest)
			}
			return
		}
		var update models.Update
		if err := json.Unmarshal(body, &update); err != nil {
			slog.WarnContext(r.Context(), "telegram: webhook body is not an update")
			http.Error(w, "not an update", http.StatusBadRequest)
			return
		}
		in, callbackID, ok := inbound(&update, b.id, b.cfg.now())
		if !ok {
			w.WriteHeader(http.StatusOK)
			return
		}
		if err := in.Check(); err != nil {
			slog.WarnContext(r.Context(), "telegram: update refused", "update", update.ID, "err", err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := b.handler.HandleInbound(r.Context(), in); err != nil {
			slog.ErrorContext(r.Context(), "telegram: update not handled; Telegram will retry",
				"update", update.ID, "kind", in.Kind, "err", err)
			http.Error(w, "not handled", http.StatusInternalServerError)
			return
		}
		if callbackID != "" {
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]string{
				"method":            "answerCallbackQuery",
				"callback_query_id": callbackID,
			})
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// secretMatches compares the webhook secret in constant time. With no
// secret configured every request is refused.
func (b *Bot) secretMatches(got string) bool {
	want := b.cfg.WebhookSecret
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
