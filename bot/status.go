package bot

import (
	"context"
	"fmt"

	"github.com/linkbot/linkbot/store"
)

// HandleStatus applies a delivery update to the message it is about. A
// message that could not be delivered is escalated to the person's link
// worker; Twilio 21610 (the person opted out at the carrier) opts the
// person out and tells the link worker. Repeated or late updates change
// nothing. An update for a provider id no message has yet is kept and
// applied by the dispatcher once the id is recorded: the provider can
// report on a message before the send's outcome is committed, and Twilio
// does not call a status callback again after a 2xx (nor reliably after an
// error), so it must not be dropped.
func (e *Engine) HandleStatus(ctx context.Context, st Status) error {
	err := e.db.InTx(ctx, func(tx *store.Tx) error {
		applied, err := ApplyStatus(ctx, tx, st, e.publicURL)
		if err != nil || applied {
			return err
		}
		status, ok := deliveryStatus(st.State)
		if !ok {
			return nil
		}
		return tx.KeepEarlyStatus(ctx, &store.EarlyStatus{Channel: store.Channel(st.Channel), ProviderID: st.ProviderID,
			Status: status, ErrorCode: st.ErrorCode, OptedOut: st.OptedOut})
	})
	if err != nil {
		return fmt.Errorf("handle status: %w", err)
	}
	return nil
}

// deliveryStatus is the message status a provider's state reports.
func deliveryStatus(s State) (store.MessageStatus, bool) {
	switch s {
	case StateSent:
		return store.StatusSent, true
	case StateDelivered:
		return store.StatusDelivered, true
	case StateUndelivered:
		return store.StatusUndelivered, true
	case StateFailed:
		return store.StatusFailed, true
	}
	return "", false
}

// ApplyStatus applies a delivery update inside tx, escalating as
// HandleStatus says. It reports false when no message has the update's
// provider id (yet); states that are no delivery status count as applied.
func ApplyStatus(ctx context.Context, tx *store.Tx, st Status, publicURL string) (bool, error) {
	status, ok := deliveryStatus(st.State)
	if !ok || st.ProviderID == "" {
		return true, nil
	}
	m, changed, err := tx.UpdateDelivery(ctx, store.Channel(st.Channel), st.ProviderID, status)
	if store.ErrorCode(err) == store.NotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if m.PersonID == nil {
		// A notice to a link worker or the duty contact: the escalation
		// loop sees it failed and tells the duty contact.
		return true, nil
	}
	if st.OptedOut {
		return true, CarrierOptOut(ctx, tx, *m.PersonID, publicURL)
	}
	if changed && (status == store.StatusUndelivered || status == store.StatusFailed) {
		return true, DeliveryFailed(ctx, tx, m, "the provider reported "+string(status)+codeSuffix(st.ErrorCode), publicURL)
	}
	return true, nil
}

// EarlyStatus is the delivery update a kept early report holds.
func EarlyStatus(e store.EarlyStatus) Status {
	st := Status{Channel: Channel(e.Channel), ProviderID: e.ProviderID, ErrorCode: e.ErrorCode, OptedOut: e.OptedOut, At: e.ReceivedAt}
	switch e.Status {
	case store.StatusSent:
		st.State = StateSent
	case store.StatusDelivered:
		st.State = StateDelivered
	case store.StatusUndelivered:
		st.State = StateUndelivered
	case store.StatusFailed:
		st.State = StateFailed
	}
	return st
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
