package store

import (
	"context"
	"time"
)

// AuditEvent records who did what to whose record, and when. Events are
// only ever added.
type AuditEvent struct {
	ID       int64     `db:"id"`
	SchemeID int64     `db:"scheme_id"`
	ActorID  *int64    `db:"actor_id"` // the link worker, if a person did it
	Actor    string    `db:"actor"`    // who, in words: a link worker's name, "system", "person"
	Action   string    `db:"action"`   // e.g. "person.opted_out", "escalation.acknowledged"
	PersonID *int64    `db:"person_id"`
	Detail   JSON      `db:"detail"` // never message text or phone numbers
	At       time.Time `db:"at"`
}

const auditColumns = `id, scheme_id, actor_id, actor, action, person_id, detail, at`

// RecordAudit adds e, at now, filling in ID.
func (tx *Tx) RecordAudit(ctx context.Context, e *AuditEvent) error {
	e.At = tx.now
	id, err := tx.insertNamed(ctx, "record audit event", `INSERT INTO audit_events
		(scheme_id, actor_id, actor, action, person_id, detail, at)
		VALUES (:scheme_id, :actor_id, :actor, :action, :person_id, :detail, :at)`, e)
	e.ID = id
	return err
}

// ListAudit returns the audit events about a person, oldest first.
func (tx *Tx) ListAudit(ctx context.Context, personID int64) ([]AuditEvent, error) {
	var list []AuditEvent
	err := tx.selectAll(ctx, "list audit events", &list,
		`SELECT `+auditColumns+` FROM audit_events WHERE person_id = ? ORDER BY at, id`, personID)
	return list, err
}

// RecordAudit adds e, at now.
func (db *DB) RecordAudit(ctx context.Context, e *AuditEvent) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.RecordAudit(ctx, e) })
}

// ListAudit returns the audit events about a person, oldest first.
func (db *DB) ListAudit(ctx context.Context, personID int64) ([]AuditEvent, error) {
	return read(ctx, db, func(tx *Tx) ([]AuditEvent, error) { return tx.ListAudit(ctx, personID) })
}

// ListSchemeAudit returns the scheme's latest audit events of action, at
// most limit, newest first.
func (tx *Tx) ListSchemeAudit(ctx context.Context, schemeID int64, action string, limit int) ([]AuditEvent, error) {
	var list []AuditEvent
	err := tx.selectAll(ctx, "list scheme audit events", &list,
		`SELECT `+auditColumns+` FROM audit_events WHERE scheme_id = ? AND action = ? ORDER BY at DESC, id DESC LIMIT ?`,
		schemeID, action, limit)
	return list, err
}
