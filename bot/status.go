package bot

import (
	"context"
	"fmt"

	"github.com/linkbot/linkbot/store"
)

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
	_, err = optOut(ctx, tx, p, "opted out at the phone carrier", nil, publicURL, true)
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
