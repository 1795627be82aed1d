package inbox

import (
	"context"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"

	"github.com/skip2/go-qrcode"

	"github.com/linkbot/linkbot/store"
)

// Moving a person onto Telegram: a one-time code (store.IssueLinkCode, a
// week, single use) in a t.me link that opens the scheme's bot and binds
// the chat to them. The link goes by SMS, or is shown as a QR code to scan
// in person. Config.TelegramLink makes the link; nil when Telegram is off.

// telegramInviteText is the SMS that carries the link. It names no service.
func telegramInviteText(link string) string {
	return "To get these messages on Telegram instead, open " + link + " (the link works once, for a week)."
}

// issueTelegramLink issues a code for p and returns its link.
func (a *app) issueTelegramLink(ctx context.Context, tx *store.Tx, p store.Person) (string, error) {
	if a.TelegramLink == nil {
		return "", formRefusal("Telegram is not set up for this scheme (TELEGRAM_BOT_TOKEN).")
	}
	code, err := tx.IssueLinkCode(ctx, p.SchemeID, p.ID, 0)
	if err != nil {
		return "", err
	}
	return a.TelegramLink(code), nil
}

// inviteToTelegram texts the person a link that moves their messages to
// Telegram.
func (a *app) inviteToTelegram(w http.ResponseWriter, r *http.Request) {
	a.personAction(w, r, "invite to telegram", func(ctx context.Context, tx *store.Tx, v *viewer, p store.Person) error {
		if p.Phone == nil {
			return formRefusal(p.Name + " has no phone number to text the invitation to: show them the QR code instead.")
		}
		if p.OptedOutAt != nil {
			return formRefusal(p.Name + " has asked for no more messages (STOP), so nothing was sent.")
		}
		link, err := a.issueTelegramLink(ctx, tx, p)
		if err != nil {
			return err
		}
		m := store.Message{SchemeID: p.SchemeID, PersonID: &p.ID, Channel: store.ChannelSMS, Address: *p.Phone,
			Kind: store.MessageKeyword, Body: telegramInviteText(link)}
		if err := tx.QueueMessage(ctx, &m); err != nil {
			return err
		}
		confirm(ctx, "invited")
		return audit(ctx, tx, v, p.ID, "person.telegram_invited", map[string]any{"message_id": m.ID})
	})
}

// telegramQR shows a QR code of a fresh link, for the person to scan with
// their phone's camera while with their link worker.
func (a *app) telegramQR(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	v := viewerOf(r)
	var p store.Person
	var link string
	err := a.DB.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		if p, err = tx.GetPersonInScope(r.Context(), id, v.Worker.SchemeID, v.Scope()); err != nil {
			return err
		}
		if link, err = a.issueTelegramLink(r.Context(), tx, p); err != nil {
			return err
		}
		return audit(r.Context(), tx, v, p.ID, "person.telegram_qr_shown", nil)
	})
	var refusal formRefusal
	switch {
	case asRefusal(err, &refusal):
		http.Error(w, string(refusal), http.StatusBadRequest)
		return
	case err != nil:
		a.storeError(w, r, "telegram qr", err)
		return
	}
	png, err := qrcode.Encode(link, qrcode.Medium, 320)
	if err != nil {
		a.serverError(w, r, "telegram qr", fmt.Errorf("encode qr code: %w", err))
		return
	}
	a.render(w, r, http.StatusOK, "telegramqr", map[string]any{"Person": p, "Link": link,
		"QR": template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))})
}

// moveToSMS sends the person's messages by SMS again.
func (a *app) moveToSMS(w http.ResponseWriter, r *http.Request) {
	a.personAction(w, r, "move to sms", func(ctx context.Context, tx *store.Tx, v *viewer, p store.Person) error {
		if p.Phone == nil {
			return formRefusal(p.Name + " has no phone number: add one before moving them to SMS.")
		}
		p.PreferredChannel = store.ChannelSMS
		if err := tx.UpdatePerson(ctx, p); err != nil {
			return err
		}
		return audit(ctx, tx, v, p.ID, "person.moved_to_sms", nil)
	})
}
