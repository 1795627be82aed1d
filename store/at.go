package store

import (
	"context"
	"time"
)

// At returns a view of the same transaction that writes t as the time of
// whatever it records, for importing history (the demo's past weeks, a
// scheme's earlier records). Everything still commits or rolls back as one.
func (tx *Tx) At(t time.Time) *Tx {
	view := *tx
	view.now = utc(t)
	return &view
}

// ImportMessage inserts m exactly as given — direction, kind, status and
// times — for importing history. It never puts a message in the outbox:
// an outbound message must already be sent, delivered or failed.
func (tx *Tx) ImportMessage(ctx context.Context, m *Message) error {
	const op = "import message"
	if m.Direction == Outbound && (m.Status == StatusQueued || m.Status == StatusSending) {
		return invalid(op, "an imported outbound message must not be waiting to be sent")
	}
	m.CreatedAt = tx.now
	m.SentAt, m.DeliveredAt, m.ReadAt = utcp(m.SentAt), utcp(m.DeliveredAt), utcp(m.ReadAt)
	id, err := tx.insertNamed(ctx, op, `INSERT INTO messages
		(scheme_id, person_id, link_worker_id, author_id, nudge_id, direction, channel, address, kind, body, provider_id,
		 status, created_at, sent_at, delivered_at, read_at)
		VALUES (:scheme_id, :person_id, :link_worker_id, :author_id, :nudge_id, :direction, :channel, :address, :kind, :body,
		 :provider_id, :status, :created_at, :sent_at, :delivered_at, :read_at)`, m)
	m.ID = id
	return err
}
