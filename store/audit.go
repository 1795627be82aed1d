package store

import (
	"context"
	"strings"
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
	Detail   JSON      `db:"detail"`  // never message text, phone numbers or anything else a person or link worker wrote
	Address  string    `db:"address"` // the client address of whoever did it in the inbox; "" otherwise
	At       time.Time `db:"at"`
}

const auditColumns = `id, scheme_id, actor_id, actor, action, person_id, detail, address, at`

// RecordAudit adds e, at now, filling in ID. The audit trail is
// append-only: the database refuses to change or delete its rows.
func (tx *Tx) RecordAudit(ctx context.Context, e *AuditEvent) error {
	e.At = tx.now
	id, err := tx.insertNamed(ctx, "record audit event", `INSERT INTO audit_events
		(scheme_id, actor_id, actor, action, person_id, detail, address, at)
		VALUES (:scheme_id, :actor_id, :actor, :action, :person_id, :detail, :address, :at)`, e)
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

// AuditQuery picks audit events of one scheme. Zero fields pick everything.
type AuditQuery struct {
	SchemeID int64
	PersonID int64     // about this person
	ActorID  int64     // done by this link worker
	Action   string    // this action, or with a trailing "." every action that starts so ("person.")
	From, To time.Time // at or after From, before To
	Limit    int       // at most this many, newest first; 0 is 1000
}

// SearchAudit returns the audit events q picks, newest first.
func (tx *Tx) SearchAudit(ctx context.Context, q AuditQuery) ([]AuditEvent, error) {
	where, args := "scheme_id = ?", []any{q.SchemeID}
	if q.PersonID != 0 {
		where, args = where+" AND person_id = ?", append(args, q.PersonID)
	}
	if q.ActorID != 0 {
		where, args = where+" AND actor_id = ?", append(args, q.ActorID)
	}
	switch {
	case strings.HasSuffix(q.Action, "."):
		where, args = where+" AND substr(action, 1, ?) = ?", append(args, len(q.Action), q.Action)
	case q.Action != "":
		where, args = where+" AND action = ?", append(args, q.Action)
	}
	if !q.From.IsZero() {
		where, args = where+" AND at >= ?", append(args, utc(q.From))
	}
	if !q.To.IsZero() {
		where, args = where+" AND at < ?", append(args, utc(q.To))
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 1000
	}
	var list []AuditEvent
	err := tx.selectAll(ctx, "search audit events", &list,
		`SELECT `+auditColumns+` FROM audit_events WHERE `+where+` ORDER BY at DESC, id DESC LIMIT ?`, append(args, limit)...)
	return list, err
}
