package store

import (
	"context"
	"time"
)

// DutyCover is a link worker covering their scheme's duty from StartsAt
// until EndsAt: they see the whole scheme's caseload and are the duty
// contact for urgent escalations.
type DutyCover struct {
	ID           int64     `db:"id"`
	SchemeID     int64     `db:"scheme_id"`
	LinkWorkerID int64     `db:"link_worker_id"`
	StartsAt     time.Time `db:"starts_at"`
	EndsAt       time.Time `db:"ends_at"`
	CreatedAt    time.Time `db:"created_at"`
}

const dutyCoverColumns = `id, scheme_id, link_worker_id, starts_at, ends_at, created_at`

// CreateDutyCover inserts c, filling in ID and CreatedAt.
func (tx *Tx) CreateDutyCover(ctx context.Context, c *DutyCover) error {
	c.StartsAt, c.EndsAt, c.CreatedAt = utc(c.StartsAt), utc(c.EndsAt), tx.now
	if !c.EndsAt.After(c.StartsAt) {
		return invalid("create duty cover", "the cover must end after it starts")
	}
	id, err := tx.insertNamed(ctx, "create duty cover", `INSERT INTO duty_cover
		(scheme_id, link_worker_id, starts_at, ends_at, created_at)
		VALUES (:scheme_id, :link_worker_id, :starts_at, :ends_at, :created_at)`, c)
	c.ID = id
	return err
}

// DeleteDutyCover removes the scheme's cover with id.
func (tx *Tx) DeleteDutyCover(ctx context.Context, schemeID, id int64) error {
	return tx.execOne(ctx, "delete duty cover", `DELETE FROM duty_cover WHERE id = ? AND scheme_id = ?`, id, schemeID)
}

// ListDutyCover returns the scheme's cover that has not ended by since,
// in time order.
func (tx *Tx) ListDutyCover(ctx context.Context, schemeID int64, since time.Time) ([]DutyCover, error) {
	var list []DutyCover
	err := tx.selectAll(ctx, "list duty cover", &list, `SELECT `+dutyCoverColumns+` FROM duty_cover
		WHERE scheme_id = ? AND ends_at > ? ORDER BY starts_at, id`, schemeID, utc(since))
	return list, err
}

// DutyCoverAt returns the active link workers covering the scheme's duty at
// t, the earliest cover first; none is an empty list.
func (tx *Tx) DutyCoverAt(ctx context.Context, schemeID int64, t time.Time) ([]LinkWorker, error) {
	var list []LinkWorker
	err := tx.selectAll(ctx, "duty cover at", &list, `SELECT w.id, w.scheme_id, w.name, w.phone, w.telegram_chat_id,
		w.working_hours, w.role, w.email, w.password_hash, w.active, w.created_at
		FROM duty_cover c JOIN link_workers w ON w.id = c.link_worker_id
		WHERE c.scheme_id = ? AND c.starts_at <= ? AND c.ends_at > ? AND w.active
		ORDER BY c.starts_at, c.id`, schemeID, utc(t), utc(t))
	return list, err
}

// CoversDuty reports whether the link worker covers their scheme's duty at t.
func (tx *Tx) CoversDuty(ctx context.Context, linkWorkerID int64, t time.Time) (bool, error) {
	var n int
	err := tx.get(ctx, "covers duty", &n, `SELECT count(*) FROM duty_cover
		WHERE link_worker_id = ? AND starts_at <= ? AND ends_at > ?`, linkWorkerID, utc(t), utc(t))
	return n > 0, err
}
