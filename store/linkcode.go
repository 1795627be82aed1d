package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"
)

// LinkCodeLifetime is how long a Telegram link code stays usable.
const LinkCodeLifetime = 7 * 24 * time.Hour

// IssueLinkCode makes a one-time code that binds a Telegram chat to the
// person (personID) or link worker (linkWorkerID, when personID is 0) of
// the scheme, usable once until LinkCodeLifetime from now.
func (tx *Tx) IssueLinkCode(ctx context.Context, schemeID, personID, linkWorkerID int64) (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("issue link code: %w", err)
	}
	c := LinkCode{Code: base64.RawURLEncoding.EncodeToString(b), SchemeID: schemeID, ExpiresAt: tx.now.Add(LinkCodeLifetime)}
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
