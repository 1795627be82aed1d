package store

import (
	"context"
	"time"
)

// APIToken lets another system use a scheme's JSON API. The store keeps
// only the SHA-256 of the token (TokenHash).
type APIToken struct {
	ID        int64      `db:"id"`
	SchemeID  int64      `db:"scheme_id"`
	Name      string     `db:"name"` // what uses it, e.g. "GP referral system"
	TokenHash string     `db:"token_hash"`
	CreatedAt time.Time  `db:"created_at"`
	RevokedAt *time.Time `db:"revoked_at"`
}

const apiTokenColumns = `id, scheme_id, name, token_hash, created_at, revoked_at`

// CreateAPIToken inserts t, created now, filling in ID.
func (tx *Tx) CreateAPIToken(ctx context.Context, t *APIToken) error {
	t.CreatedAt = tx.now
	t.RevokedAt = nil
	id, err := tx.insertNamed(ctx, "create API token", `INSERT INTO api_tokens (scheme_id, name, token_hash, created_at)
		VALUES (:scheme_id, :name, :token_hash, :created_at)`, t)
	t.ID = id
	return err
}

// GetAPIToken returns the unrevoked token whose hash is tokenHash.
func (tx *Tx) GetAPIToken(ctx context.Context, tokenHash string) (APIToken, error) {
	var t APIToken
	err := tx.get(ctx, "get API token", &t, `SELECT `+apiTokenColumns+` FROM api_tokens
		WHERE token_hash = ? AND revoked_at IS NULL`, tokenHash)
	return t, err
}

// ListAPITokens returns the scheme's tokens, newest first.
func (tx *Tx) ListAPITokens(ctx context.Context, schemeID int64) ([]APIToken, error) {
	var list []APIToken
	err := tx.selectAll(ctx, "list API tokens", &list, `SELECT `+apiTokenColumns+` FROM api_tokens
		WHERE scheme_id = ? ORDER BY created_at DESC, id DESC`, schemeID)
	return list, err
}

// RevokeAPIToken stops the scheme's token with id from working, from now.
func (tx *Tx) RevokeAPIToken(ctx context.Context, schemeID, id int64) error {
	return tx.execOne(ctx, "revoke API token", `UPDATE api_tokens SET revoked_at = ?
		WHERE id = ? AND scheme_id = ? AND revoked_at IS NULL`, tx.now, id, schemeID)
}
