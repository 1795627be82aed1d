package store

import (
	"context"
	"time"
)

// LinkCode is a one-time code in a t.me/<bot>?start=<code> link. "/start
// <code>" binds the Telegram chat to the person or the link worker it was
// issued for (exactly one is set), once, before ExpiresAt.
type LinkCode struct {
	Code         string     `db:"code"`
	SchemeID     int64      `db:"scheme_id"`
	PersonID     *int64     `db:"person_id"`
	LinkWorkerID *int64     `db:"link_worker_id"`
	CreatedAt    time.Time  `db:"created_at"`
	ExpiresAt    time.Time  `db:"expires_at"`
	UsedAt       *time.Time `db:"used_at"`
}

// CreateLinkCode inserts c, created now.
func (tx *Tx) CreateLinkCode(ctx context.Context, c *LinkCode) error {
	c.CreatedAt = tx.now
	c.ExpiresAt = utc(c.ExpiresAt)
	c.UsedAt = nil
	q := `INSERT INTO link_codes (code, scheme_id, person_id, link_worker_id, created_at, expires_at)
		VALUES (:code, :scheme_id, :person_id, :link_worker_id, :created_at, :expires_at)`
	return tx.execNamedOne(ctx, "create link code", q, c)
}

// UseLinkCode marks the code used now and returns it, if it exists, is
// unused and has not expired; otherwise NotFound.
func (tx *Tx) UseLinkCode(ctx context.Context, code string) (LinkCode, error) {
	const op = "use link code"
	var c LinkCode
	if err := tx.execOne(ctx, op, `UPDATE link_codes SET used_at = ? WHERE code = ? AND used_at IS NULL AND expires_at > ?`,
		tx.now, code, tx.now); err != nil {
		return c, err
	}
	err := tx.get(ctx, op, &c, `SELECT code, scheme_id, person_id, link_worker_id, created_at, expires_at, used_at
		FROM link_codes WHERE code = ?`, code)
	return c, err
}

// CreateLinkCode inserts c, created now.
func (db *DB) CreateLinkCode(ctx context.Context, c *LinkCode) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateLinkCode(ctx, c) })
}
