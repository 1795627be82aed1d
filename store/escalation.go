package store

import (
	"context"
	"time"
)

// Reason is why something was escalated to a link worker.
type Reason string

// The escalation reasons, the same words the dialogues package uses.
const (
	ReasonRisk           Reason = "risk"            // triage says the message may show risk
	ReasonWantsContact   Reason = "wants_contact"   // the person asked to talk to their link worker
	ReasonRearrange      Reason = "rearrange"       // the person asked to move a contact
	ReasonLowScore       Reason = "low_score"       // a check-in answer passed the dialogue's threshold
	ReasonNoResponse     Reason = "no_response"     // check-ins went unanswered
	ReasonDeliveryFailed Reason = "delivery_failed" // a message could not be delivered
	ReasonOptedOut       Reason = "opted_out"       // the person asked for no more messages
	ReasonProvisionGap   Reason = "provision_gap"   // no community group fits the person: a gap in local provision
)

// Urgency says how soon an escalation must be seen.
type Urgency string

// The urgencies. Urgent escalations reach the link worker's phone at any
// hour, and the duty contact if not acknowledged in time.
const (
	Routine Urgency = "routine" // in the normal course of work
	Soon    Urgency = "soon"    // today
	Urgent  Urgency = "urgent"  // now, at any hour
)

// Escalation is something about a person that a link worker must see.
type Escalation struct {
	ID             int64      `db:"id"`
	SchemeID       int64      `db:"scheme_id"`
	PersonID       int64      `db:"person_id"`
	LinkWorkerID   *int64     `db:"link_worker_id"`
	MessageID      *int64     `db:"message_id"` // the message that raised it
	Reason         Reason     `db:"reason"`
	Urgency        Urgency    `db:"urgency"`
	Note           string     `db:"note"`
	CreatedAt      time.Time  `db:"created_at"`
	NotifiedAt     *time.Time `db:"notified_at"`      // the link worker was told
	DutyNotifiedAt *time.Time `db:"duty_notified_at"` // the duty contact was told
	AcknowledgedBy *int64     `db:"acknowledged_by"`
	AcknowledgedAt *time.Time `db:"acknowledged_at"`
	ResolvedAt     *time.Time `db:"resolved_at"`
}

const escalationColumns = `id, scheme_id, person_id, link_worker_id, message_id, reason, urgency, note, created_at,
	notified_at, duty_notified_at, acknowledged_by, acknowledged_at, resolved_at`

// CreateEscalation inserts e, created now, filling in ID.
func (tx *Tx) CreateEscalation(ctx context.Context, e *Escalation) error {
	e.CreatedAt = tx.now
	e.NotifiedAt, e.DutyNotifiedAt, e.AcknowledgedBy, e.AcknowledgedAt, e.ResolvedAt = nil, nil, nil, nil, nil
	id, err := tx.insertNamed(ctx, "create escalation", `INSERT INTO escalations
		(scheme_id, person_id, link_worker_id, message_id, reason, urgency, note, created_at)
		VALUES (:scheme_id, :person_id, :link_worker_id, :message_id, :reason, :urgency, :note, :created_at)`, e)
	e.ID = id
	return err
}

// GetEscalation returns the escalation with id.
func (tx *Tx) GetEscalation(ctx context.Context, id int64) (Escalation, error) {
	var e Escalation
	err := tx.get(ctx, "get escalation", &e, `SELECT `+escalationColumns+` FROM escalations WHERE id = ?`, id)
	return e, err
}

// ListOpenEscalations returns the scheme's unresolved escalations, most
// urgent first, then oldest first.
func (tx *Tx) ListOpenEscalations(ctx context.Context, schemeID int64) ([]Escalation, error) {
	var list []Escalation
	err := tx.selectAll(ctx, "list open escalations", &list, `SELECT `+escalationColumns+` FROM escalations
		WHERE scheme_id = ? AND resolved_at IS NULL
		ORDER BY CASE urgency WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END, created_at, id`, schemeID)
	return list, err
}

// MarkEscalationNotified records that the link worker (duty false) or the
// duty contact (duty true) has been sent the escalation now.
func (tx *Tx) MarkEscalationNotified(ctx context.Context, id int64, duty bool) error {
	column := "notified_at"
	if duty {
		column = "duty_notified_at"
	}
	return tx.execOne(ctx, "mark escalation notified", `UPDATE escalations SET `+column+` = ? WHERE id = ?`, tx.now, id)
}

// AcknowledgeEscalation records that a link worker of the same scheme has
// seen the escalation now. The first acknowledgement stands.
func (tx *Tx) AcknowledgeEscalation(ctx context.Context, id, linkWorkerID int64) error {
	return tx.execOne(ctx, "acknowledge escalation", `UPDATE escalations
		SET acknowledged_by = coalesce(acknowledged_by, ?), acknowledged_at = coalesce(acknowledged_at, ?)
		WHERE id = ?`, linkWorkerID, tx.now, id)
}

// ResolveEscalation records that the escalation has been dealt with now.
// The first resolution stands.
func (tx *Tx) ResolveEscalation(ctx context.Context, id int64) error {
	return tx.execOne(ctx, "resolve escalation", `UPDATE escalations SET resolved_at = coalesce(resolved_at, ?) WHERE id = ?`, tx.now, id)
}

// CreateEscalation inserts e, created now.
func (db *DB) CreateEscalation(ctx context.Context, e *Escalation) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateEscalation(ctx, e) })
}

// GetEscalation returns the escalation with id.
func (db *DB) GetEscalation(ctx context.Context, id int64) (Escalation, error) {
	return read(ctx, db, func(tx *Tx) (Escalation, error) { return tx.GetEscalation(ctx, id) })
}

// ListOpenEscalations returns the scheme's unresolved escalations, most urgent first.
func (db *DB) ListOpenEscalations(ctx context.Context, schemeID int64) ([]Escalation, error) {
	return read(ctx, db, func(tx *Tx) ([]Escalation, error) { return tx.ListOpenEscalations(ctx, schemeID) })
}

// MarkEscalationNotified records that the link worker or duty contact was sent it.
func (db *DB) MarkEscalationNotified(ctx context.Context, id int64, duty bool) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.MarkEscalationNotified(ctx, id, duty) })
}

// AcknowledgeEscalation records that a link worker has seen the escalation.
func (db *DB) AcknowledgeEscalation(ctx context.Context, id, linkWorkerID int64) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.AcknowledgeEscalation(ctx, id, linkWorkerID) })
}

// ResolveEscalation records that the escalation has been dealt with.
func (db *DB) ResolveEscalation(ctx context.Context, id int64) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.ResolveEscalation(ctx, id) })
}
