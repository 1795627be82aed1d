package store

import (
	"context"
	"time"
)

// SignInLink is a one-time link that lets a link worker set their
// password: the first for a new account, or a new one when theirs is
// lost. The link carries a random token; the store keeps only its SHA-256.
type SignInLink struct {
	ID           int64      `db:"id"`
	SchemeID     int64      `db:"scheme_id"`
	LinkWorkerID int64      `db:"link_worker_id"`
	TokenHash    string     `db:"token_hash"`
	CreatedAt    time.Time  `db:"created_at"`
	ExpiresAt    time.Time  `db:"expires_at"`
	UsedAt       *time.Time `db:"used_at"`
}

const signInLinkColumns = `id, scheme_id, link_worker_id, token_hash, created_at, expires_at, used_at`

// CreateSignInLink inserts l, created now, filling in ID.
func (tx *Tx) CreateSignInLink(ctx context.Context, l *SignInLink) error {
	l.CreatedAt = tx.now
	l.ExpiresAt = utc(l.ExpiresAt)
	l.UsedAt = nil
	id, err := tx.insertNamed(ctx, "create sign-in link", `INSERT INTO sign_in_links
		(scheme_id, link_worker_id, token_hash, created_at, expires_at)
		VALUES (:scheme_id, :link_worker_id, :token_hash, :created_at, :expires_at)`, l)
	l.ID = id
	return err
}

// GetSignInLink returns the unused, unexpired link whose token hashes to
// tokenHash, with its link worker; any other link is NotFound.
func (tx *Tx) GetSignInLink(ctx context.Context, tokenHash string) (SignInLink, LinkWorker, error) {
	var l SignInLink
	if err := tx.get(ctx, "get sign-in link", &l, `SELECT `+signInLinkColumns+` FROM sign_in_links
		WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`, tokenHash, tx.now); err != nil {
		return l, LinkWorker{}, err
	}
	lw, err := tx.GetLinkWorker(ctx, l.LinkWorkerID)
	return l, lw, err
}

// UseSignInLink marks the link with id used now. A link already used, or
// expired, is NotFound: of two uses at once, one wins.
func (tx *Tx) UseSignInLink(ctx context.Context, id int64) error {
	return tx.execOne(ctx, "use sign-in link", `UPDATE sign_in_links SET used_at = ?
		WHERE id = ? AND used_at IS NULL AND expires_at > ?`, tx.now, id, tx.now)
}
