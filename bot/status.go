package bot

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/linkbot/linkbot/store"
)

// LinkCodeLifetime is how long a Telegram link code stays usable.
const LinkCodeLifetime = 7 * 24 * time.Hour

// HandleStatus applies a delivery update to the message it is about. A
// message that could not be delivered is escalated to the person's link
// worker; Twilio 21610 (the person opted out at the carrier) opts the
// person out and tells the link worker. Updates about messages Linkbot
// does not know, and repeated or late updates, change nothing.
func (e *Engine) HandleStatus(ctx context.Context, st Status) error {
	var status store.MessageStatus
	switch st.State {
	case StateSent:
		status = store.StatusSent
	case StateDelivered:
		status = store.StatusDelivered
	case StateUndelivered:
		status = store.StatusUndelivered
	case StateFailed:
		status = store.StatusFailed
	default:
		return nil
	}
	err := e.db.InTx(ctx, func(tx *store.Tx) error {
		m, changed, err := tx.UpdateDelivery(ctx, store.Channel(st.Channel), st.ProviderID, status)
		if store.ErrorCode(err) == store.NotFound {
			return nil
		}
		if err != nil {
			return err
		}
		if m.PersonID == nil {
			return nil // a notification to a link worker
		}
		if st.OptedOut {
			return CarrierOptOut(ctx, tx, *m.PersonID, e.publicURL)
		}
		if changed && (status == store.StatusUndelivered || status == store.StatusFailed) {
			return DeliveryFailed(ctx, tx, m, "the provider reported "+string(status)+codeSuffix(st.ErrorCode), e.publicURL)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("handle status: %w", err)
	}
	return nil
}

func codeSuffix(code string) string {
	if code == "" {
		return ""
	}
	return " (error " + code + ")"
}

// CarrierOptOut records that the person opted out at their carrier
// (Twilio 21610): no more messages, planned nudges cancelled, open run
// stopped, and the link worker told, once.
func CarrierOptOut(ctx context.Context, tx *store.Tx, personID int64, publicURL string) error {
	p, err := tx.LockPerson(ctx, personID)
	if err != nil {
		return err
	}
	_, err = optOut(ctx, tx, p, "opted out at the phone carrier", nil, publicURL)
	return err
}

// DeliveryFailed escalates a message to a person that could not be
// delivered, so the link worker knows to reach them another way.
func DeliveryFailed(ctx context.Context, tx *store.Tx, m store.Message, why string, publicURL string) error {
	if m.PersonID == nil {
		return nil
	}
	p, err := tx.GetPerson(ctx, *m.PersonID)
	if err != nil {
		return err
	}
	urgency := store.Routine
	if m.Kind == store.MessageSafetyNet {
		urgency = store.Urgent
	}
	return Escalate(ctx, tx, p, store.ReasonDeliveryFailed, urgency, fmt.Sprintf("%s message %d: %s", m.Kind, m.ID, why), nil, publicURL)
}

// IssueLinkCode makes a one-time code that binds a Telegram chat to the
// person (personID) or link worker (linkWorkerID, when personID is 0) of
// the scheme, usable until LinkCodeLifetime from now. Put it in a link
// with telegram.Bot.StartLink.
func IssueLinkCode(ctx context.Context, tx *store.Tx, schemeID, personID, linkWorkerID int64) (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("issue link code: %w", err)
	}
	c := store.LinkCode{Code: base64.RawURLEncoding.EncodeToString(b), SchemeID: schemeID,
		ExpiresAt: tx.Now().Add(LinkCodeLifetime)}
	if personID != 0 {
		c.PersonID = &personID
	} else {
		c.LinkWorkerID = &linkWorkerID
	}
	if err := tx.CreateLinkCode(ctx, &c); err != nil {
		return "", fmt.Errorf("issue link code: %w", err)
	}
	return c.Code, nil
}

// QueueTelegramInvite queues an SMS to the person with link, a
// t.me/<bot>?start=<code> link from telegram.Bot.StartLink and
// IssueLinkCode: opening it moves their messages to Telegram.
func QueueTelegramInvite(ctx context.Context, tx *store.Tx, p store.Person, link string) error {
	if p.Phone == nil {
		return fmt.Errorf("telegram invite: person %d has no phone number", p.ID)
	}
	text := "To get these messages on Telegram instead, open " + link + " (the link works once)."
	m := store.Message{SchemeID: p.SchemeID, PersonID: &p.ID, Channel: store.ChannelSMS, Address: *p.Phone,
		Kind: store.MessageKeyword, Body: text}
	return tx.QueueMessage(ctx, &m)
}
