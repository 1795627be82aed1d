package sms

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/linkbot/linkbot/bot"
	twilio "github.com/twilio/twilio-go/client"
)

// MaxBodyBytes is the largest webhook body accepted; larger ones get 413.
const MaxBodyBytes = 64 << 10

// emptyTwiML answers an inbound message without replying: replies go out
// through the outbox.
const emptyTwiML = `<?xml version="1.0" encoding="UTF-8"?><Response></Response>`

// InboundHandler serves POST /webhooks/twilio/sms. It checks Twilio's
// signature, hands the message to h as a bot.Inbound, and answers empty
// TwiML once h returned nil. A missing or wrong signature gets 403 and h is
// not called; a body over MaxBodyBytes gets 413; an error from h gets 500.
//
// Twilio retries a failed messaging webhook only as far as the number is
// configured to: give the webhook URL connection overrides whose retry
// policy covers 5xx answers, and/or a fallback URL at the same path (see
// Twilio's "Webhook connection overrides"). Without that, a 500 here is
// logged by Twilio and the message is not sent again.
func InboundHandler(cfg Config, h bot.InboundHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form, ok := readSigned(cfg, w, r)
		if !ok {
			return
		}
		in, err := inboundFromForm(form)
		if err != nil {
			slog.WarnContext(r.Context(), "sms: inbound webhook not understood", "err", err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		in.ReceivedAt = cfg.now()
		if err := h.HandleInbound(r.Context(), in); err != nil {
			slog.ErrorContext(r.Context(), "sms: inbound message not handled; Twilio will retry",
				"sid", in.ProviderID, "err", err)
			http.Error(w, "not handled", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		io.WriteString(w, emptyTwiML)
	})
}

// StatusHandler serves POST /webhooks/twilio/status, Twilio's delivery
// status callbacks, with the same checks and answers as InboundHandler.
// Statuses Linkbot does not track (sending, receiving…) are acknowledged
// and not handed on.
func StatusHandler(cfg Config, h bot.StatusHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form, ok := readSigned(cfg, w, r)
		if !ok {
			return
		}
		st, known, err := statusFromForm(form)
		if err != nil {
			slog.WarnContext(r.Context(), "sms: status callback not understood", "err", err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if !known {
			w.WriteHeader(http.StatusOK)
			return
		}
		st.At = cfg.now()
		if err := h.HandleStatus(r.Context(), st); err != nil {
			slog.ErrorContext(r.Context(), "sms: status callback not handled; Twilio will retry",
				"sid", st.ProviderID, "state", st.State, "err", err)
			http.Error(w, "not handled", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// readSigned reads a form-encoded webhook body and checks its
// X-Twilio-Signature against cfg.PublicURL + the request path and query.
// On failure it has answered the request and returns false.
func readSigned(cfg Config, w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return nil, false
	}
	if r.ContentLength > MaxBodyBytes {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "cannot read body", http.StatusBadRequest)
		}
		return nil, false
	}
	signature := r.Header.Get("X-Twilio-Signature")
	validator := twilio.NewRequestValidator(cfg.AuthToken)
	// Without a token anyone could sign; refuse everything instead.
	if cfg.AuthToken == "" || signature == "" || !validator.ValidateBody(cfg.publicURL()+requestURI(r), body, signature) {
		slog.WarnContext(r.Context(), "sms: webhook refused: missing or wrong Twilio signature",
			"path", r.URL.Path, "signed", signature != "")
		http.Error(w, "invalid signature", http.StatusForbidden)
		return nil, false
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "malformed form body", http.StatusBadRequest)
		return nil, false
	}
	return form, true
}

// requestURI is the path and query exactly as Twilio sent them: Twilio
// signs the bytes it requested, and re-encoding them (as url.URL does) can
// change them.
func requestURI(r *http.Request) string {
	if strings.HasPrefix(r.RequestURI, "/") {
		return r.RequestURI
	}
	return r.URL.RequestURI()
}

// inboundFromForm normalises Twilio's inbound message parameters.
func inboundFromForm(form url.Values) (bot.Inbound, error) {
	in := bot.Inbound{
		Kind:       bot.KindMessage,
		Channel:    bot.SMS,
		ProviderID: form.Get("MessageSid"),
		From:       form.Get("From"),
		To:         form.Get("To"),
		Text:       form.Get("Body"),
	}
	if in.ProviderID == "" {
		in.ProviderID = form.Get("SmsSid")
	}
	if in.ProviderID == "" || in.From == "" {
		return bot.Inbound{}, errors.New("MessageSid and From are required")
	}
	if err := in.Check(); err != nil {
		return bot.Inbound{}, err
	}
	n, _ := strconv.Atoi(form.Get("NumMedia"))
	for i := range min(n, 10) {
		ref := form.Get("MediaUrl" + strconv.Itoa(i))
		if ref == "" {
			continue
		}
		in.Attachments = append(in.Attachments, bot.Attachment{
			Type: form.Get("MediaContentType" + strconv.Itoa(i)),
			Ref:  ref,
		})
	}
	return in, nil
}

// twilioStates maps Twilio's MessageStatus values to ours. Statuses not
// listed (sending, receiving, received) are not tracked.
var twilioStates = map[string]bot.State{
	"accepted":    bot.StateQueued,
	"scheduled":   bot.StateQueued,
	"queued":      bot.StateQueued,
	"sent":        bot.StateSent,
	"delivered":   bot.StateDelivered,
	"read":        bot.StateDelivered,
	"undelivered": bot.StateUndelivered,
	"failed":      bot.StateFailed,
	"canceled":    bot.StateFailed,
}

// statusFromForm normalises a status callback. known is false for statuses
// Linkbot does not track.
func statusFromForm(form url.Values) (st bot.Status, known bool, err error) {
	sid := form.Get("MessageSid")
	if sid == "" {
		sid = form.Get("SmsSid")
	}
	raw := form.Get("MessageStatus")
	if raw == "" {
		raw = form.Get("SmsStatus")
	}
	if sid == "" || raw == "" {
		return bot.Status{}, false, errors.New("MessageSid and MessageStatus are required")
	}
	state, known := twilioStates[raw]
	if !known {
		return bot.Status{}, false, nil
	}
	code := form.Get("ErrorCode")
	return bot.Status{
		Channel:    bot.SMS,
		ProviderID: sid,
		State:      state,
		ErrorCode:  code,
		OptedOut:   code == strconv.Itoa(CodeOptedOut),
		To:         form.Get("To"),
	}, true, nil
}
