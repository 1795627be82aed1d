package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
)

// Direction says whether a message came in or goes out.
type Direction string

// The directions.
const (
	Inbound  Direction = "in"
	Outbound Direction = "out"
)

// MessageKind says why a message exists.
type MessageKind string

// The message kinds. Every inbound message is MessageInbound.
const (
	MessageInbound        MessageKind = "inbound"
	MessageReply          MessageKind = "reply"            // the bot's answer within a dialogue
	MessageNudge          MessageKind = "nudge"            // a reminder, check-in or suggestion
	MessageSafetyNet      MessageKind = "safety_net"       // crisis numbers, sent at any hour
	MessageNotification   MessageKind = "notification"     // to a link worker or duty contact
	MessageKeyword        MessageKind = "keyword"          // the answer to STOP, START or HELP
	MessageFromLinkWorker MessageKind = "from_link_worker" // written by a link worker in the inbox; AuthorID is set
)

// MessageStatus is where a message stands. Outbound messages that are
// queued or sending are the outbox.
type MessageStatus string

// The message statuses.
const (
	StatusReceived    MessageStatus = "received" // every inbound message
	StatusQueued      MessageStatus = "queued"   // waiting to be sent from NextAttemptAt
	StatusSending     MessageStatus = "sending"  // a dispatcher holds it until LeaseUntil
	StatusSent        MessageStatus = "sent"     // the provider accepted it
	StatusDelivered   MessageStatus = "delivered"
	StatusUndelivered MessageStatus = "undelivered"
	StatusFailed      MessageStatus = "failed"
	StatusHeld        MessageStatus = "held" // kept back on purpose, e.g. the person opted out
)

// Message is one message in or out. An outbound message goes to a person
// or, for notifications, to a link worker; an inbound one may come from an
// address no person has (PersonID nil).
type Message struct {
	ID            int64         `db:"id"`
	SchemeID      int64         `db:"scheme_id"`
	PersonID      *int64        `db:"person_id"`
	LinkWorkerID  *int64        `db:"link_worker_id"` // the recipient of a notification
	AuthorID      *int64        `db:"author_id"`      // the link worker who wrote it, for MessageFromLinkWorker
	NudgeID       *int64        `db:"nudge_id"`       // the nudge that sent it
	Direction     Direction     `db:"direction"`
	Channel       Channel       `db:"channel"`
	Address       string        `db:"address"` // the phone number or chat id used
	Kind          MessageKind   `db:"kind"`
	Body          string        `db:"body"`
	ProviderID    *string       `db:"provider_id"` // Twilio SID or Telegram message id; unique per channel
	Status        MessageStatus `db:"status"`
	Attempts      int           `db:"attempts"` // times claimed for sending
	NextAttemptAt *time.Time    `db:"next_attempt_at"`
	LeaseOwner    *string       `db:"lease_owner"`
	LeaseUntil    *time.Time    `db:"lease_until"`
	ErrorCode     string        `db:"error_code"`
	ErrorText     string        `db:"error_text"`
	CreatedAt     time.Time     `db:"created_at"`
	SentAt        *time.Time    `db:"sent_at"`
	DeliveredAt   *time.Time    `db:"delivered_at"`
	ReadAt        *time.Time    `db:"read_at"` // when a link worker read an inbound message
	// SendBy is the latest time an outbound message may still be sent; past
	// it the dispatcher drops it as stale. Nil takes the default of its kind.
	SendBy *time.Time `db:"send_by"`
}

const messageColumns = `id, scheme_id, person_id, link_worker_id, author_id, nudge_id, direction, channel, address, kind,
	body, provider_id, status, attempts, next_attempt_at, lease_owner, lease_until, error_code, error_text,
	created_at, sent_at, delivered_at, read_at, send_by`

const insertMessage = `INSERT INTO messages
	(scheme_id, person_id, link_worker_id, author_id, nudge_id, direction, channel, address, kind, body, provider_id,
	 status, next_attempt_at, created_at, send_by)
	VALUES (:scheme_id, :person_id, :link_worker_id, :author_id, :nudge_id, :direction, :channel, :address, :kind, :body,
	 :provider_id, :status, :next_attempt_at, :created_at, :send_by)`

// InsertInbound stores an inbound message received now, unless the channel
// already has a message with its ProviderID (a provider retrying its
// webhook). It reports whether m is new; if not, m is filled from the
// stored message.
func (tx *Tx) InsertInbound(ctx context.Context, m *Message) (bool, error) {
	const op = "insert inbound message"
	m.Direction, m.Kind, m.Status = Inbound, MessageInbound, StatusReceived
	m.NextAttemptAt = nil
	m.CreatedAt = tx.now
	q, args, err := sqlx.Named(insertMessage+` ON CONFLICT (channel, provider_id) DO NOTHING`, m)
	if err != nil {
		return false, fmt.Errorf("store: %s: %w", op, err)
	}
	id, err := tx.insertPrepared(ctx, op, q, args...)
	if ErrorCode(err) == NotFound {
		err = tx.get(ctx, op, m, `SELECT `+messageColumns+` FROM messages WHERE channel = ? AND provider_id = ?`, m.Channel, m.ProviderID)
		return false, err
	}
	if err != nil {
		return false, err
	}
	m.ID = id
	return true, nil
}

// QueueMessage puts an outbound message in the outbox, to be sent from
// m.NextAttemptAt (nil is now). It fills in ID, Direction and Status.
func (tx *Tx) QueueMessage(ctx context.Context, m *Message) error {
	m.Direction, m.Status = Outbound, StatusQueued
	m.CreatedAt = tx.now
	if m.NextAttemptAt == nil {
		m.NextAttemptAt = &m.CreatedAt
	}
	m.NextAttemptAt = utcp(m.NextAttemptAt)
	m.SendBy = utcp(m.SendBy)
	id, err := tx.insertNamed(ctx, "queue message", insertMessage, m)
	m.ID = id
	return err
}

// GetMessage returns the message with id.
func (tx *Tx) GetMessage(ctx context.Context, id int64) (Message, error) {
	var m Message
	err := tx.get(ctx, "get message", &m, `SELECT `+messageColumns+` FROM messages WHERE id = ?`, id)
	return m, err
}

// ListThread returns the last limit messages to and from a person, oldest first.
func (tx *Tx) ListThread(ctx context.Context, personID int64, limit int) ([]Message, error) {
	var list []Message
	err := tx.selectAll(ctx, "list thread", &list, `SELECT `+messageColumns+` FROM messages
		WHERE person_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`, personID, limit)
	slices.Reverse(list)
	return list, err
}

// ClaimOutbox claims up to limit outbound messages due to be sent at now,
// oldest first, for owner until now+lease, and returns them in that order.
// A message whose lease ran out (its sender died) is due again. Claimers
// running at the same time never get the same message.
func (tx *Tx) ClaimOutbox(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]Message, error) {
	now = utc(now)
	var list []Message
	// The WHERE and ORDER BY match the index messages_outbox.
	err := tx.selectAll(ctx, "claim outbox", &list, `WITH due AS (
			SELECT id FROM messages
			WHERE status IN ('queued', 'sending') AND coalesce(lease_until, next_attempt_at) <= ?
			ORDER BY coalesce(lease_until, next_attempt_at), id
			LIMIT ?`+tx.skipLocked()+`
		)
		UPDATE messages SET status = 'sending', lease_owner = ?, lease_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM due)
		RETURNING `+messageColumns, now, limit, owner, now.Add(lease))
	slices.SortFunc(list, func(a, b Message) int {
		if c := timeOf(a.NextAttemptAt).Compare(timeOf(b.NextAttemptAt)); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID) // in the order written
	})
	return list, err
}

// MarkSent records that the provider accepted a message owner was sending,
// with its id for the message.
func (tx *Tx) MarkSent(ctx context.Context, id int64, owner, providerID string) error {
	const op = "mark message sent"
	return leasedMessage(op, tx.execOne(ctx, op, `UPDATE messages SET status = 'sent', provider_id = ?, sent_at = ?,
		lease_owner = NULL, lease_until = NULL, error_code = '', error_text = ''
		WHERE id = ? AND status = 'sending' AND lease_owner = ?`, providerID, tx.now, id, owner))
}

// MarkSendFailed records that sending a message owner held failed with the
// provider's code and text. With a retryAt the message goes back to the
// outbox until then; without, it has failed for good.
func (tx *Tx) MarkSendFailed(ctx context.Context, id int64, owner, code, text string, retryAt *time.Time) error {
	const op = "mark message failed"
	status := StatusFailed
	if retryAt != nil {
		status = StatusQueued
	}
	return leasedMessage(op, tx.execOne(ctx, op, `UPDATE messages SET status = ?, next_attempt_at = coalesce(?, next_attempt_at),
		lease_owner = NULL, lease_until = NULL, error_code = ?, error_text = ?
		WHERE id = ? AND status = 'sending' AND lease_owner = ?`, status, utcp(retryAt), code, text, id, owner))
}

// HoldMessage keeps back a message owner held without sending it (the
// person opted out, say), with the reason in its error text.
func (tx *Tx) HoldMessage(ctx context.Context, id int64, owner, reason string) error {
	const op = "hold message"
	return leasedMessage(op, tx.execOne(ctx, op, `UPDATE messages SET status = 'held', lease_owner = NULL, lease_until = NULL,
		error_text = ? WHERE id = ? AND status = 'sending' AND lease_owner = ?`, reason, id, owner))
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func leasedMessage(op string, err error) error {
	if ErrorCode(err) == NotFound {
		return &Error{Code: Conflict, Op: op, Message: "the message is not being sent by this owner (lease lost or never held)"}
	}
	return err
}

// UpdateDelivery applies a provider's status report (sent, delivered,
// undelivered or failed) for the message it knows as providerID, and
// returns the message. A report for a message that already has a final
// status (delivered, undelivered, failed) changes nothing, so reports that
// arrive out of order do no harm; changed says whether it applied.
func (tx *Tx) UpdateDelivery(ctx context.Context, channel Channel, providerID string, status MessageStatus) (m Message, changed bool, err error) {
	const op = "update delivery"
	switch status {
	case StatusSent, StatusDelivered, StatusUndelivered, StatusFailed:
	default:
		return m, false, invalid(op, "%q is not a delivery status", status)
	}
	n, err := tx.exec(ctx, op, `UPDATE messages SET status = ?,
		delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END
		WHERE channel = ? AND provider_id = ? AND direction = 'out' AND status IN ('sending', 'sent')
		AND NOT (status = 'sent' AND ? = 'sent')`, status, status, tx.now, channel, providerID, status)
	if err != nil {
		return m, false, err
	}
	err = tx.get(ctx, op, &m, `SELECT `+messageColumns+` FROM messages WHERE channel = ? AND provider_id = ?`, channel, providerID)
	return m, n > 0, err
}

// MarkRead records that a link worker has read the person's inbound
// messages up to now.
func (tx *Tx) MarkRead(ctx context.Context, personID int64) error {
	_, err := tx.exec(ctx, "mark read", `UPDATE messages SET read_at = ?
		WHERE person_id = ? AND direction = 'in' AND read_at IS NULL`, tx.now, personID)
	return err
}

// InsertInbound stores an inbound message unless its provider id is known.
func (db *DB) InsertInbound(ctx context.Context, m *Message) (bool, error) {
	return write(ctx, db, func(tx *Tx) (bool, error) { return tx.InsertInbound(ctx, m) })
}

// QueueMessage puts an outbound message in the outbox.
func (db *DB) QueueMessage(ctx context.Context, m *Message) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.QueueMessage(ctx, m) })
}

// GetMessage returns the message with id.
func (db *DB) GetMessage(ctx context.Context, id int64) (Message, error) {
	return read(ctx, db, func(tx *Tx) (Message, error) { return tx.GetMessage(ctx, id) })
}

// ListThread returns the last limit messages to and from a person, oldest first.
func (db *DB) ListThread(ctx context.Context, personID int64, limit int) ([]Message, error) {
	return read(ctx, db, func(tx *Tx) ([]Message, error) { return tx.ListThread(ctx, personID, limit) })
}

// ClaimOutbox claims up to limit outbound messages due at now for owner
// until now+lease, in one statement; see Tx.ClaimOutbox.
func (db *DB) ClaimOutbox(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]Message, error) {
	return write(ctx, db, func(tx *Tx) ([]Message, error) { return tx.ClaimOutbox(ctx, now, owner, lease, limit) })
}

// MarkSent records that the provider accepted a message owner was sending.
func (db *DB) MarkSent(ctx context.Context, id int64, owner, providerID string) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.MarkSent(ctx, id, owner, providerID) })
}

// MarkSendFailed records a failed send, to retry at retryAt or, if nil, never.
func (db *DB) MarkSendFailed(ctx context.Context, id int64, owner, code, text string, retryAt *time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.MarkSendFailed(ctx, id, owner, code, text, retryAt) })
}

// HoldMessage keeps back a message owner held without sending it.
func (db *DB) HoldMessage(ctx context.Context, id int64, owner, reason string) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.HoldMessage(ctx, id, owner, reason) })
}

// UpdateDelivery applies a provider's status report.
func (db *DB) UpdateDelivery(ctx context.Context, channel Channel, providerID string, status MessageStatus) (Message, bool, error) {
	var m Message
	var changed bool
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		m, changed, err = tx.UpdateDelivery(ctx, channel, providerID, status)
		return err
	})
	return m, changed, err
}

// MarkRead records that a link worker has read the person's inbound messages.
func (db *DB) MarkRead(ctx context.Context, personID int64) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.MarkRead(ctx, personID) })
}
