package store

import (
	"context"
	"time"
)

// Session is a link worker signed in to the inbox. The cookie carries a
// random token; the store keeps only its SHA-256 (TokenHash).
type Session struct {
	ID           int64     `db:"id"`
	SchemeID     int64     `db:"scheme_id"`
	LinkWorkerID int64     `db:"link_worker_id"`
	TokenHash    string    `db:"token_hash"`
	CSRFToken    string    `db:"csrf_token"` // the token forms of this session must carry
	CreatedAt    time.Time `db:"created_at"`
	ExpiresAt    time.Time `db:"expires_at"`
}

const sessionColumns = `id, scheme_id, link_worker_id, token_hash, csrf_token, created_at, expires_at`

// CreateSession inserts s, created now, filling in ID.
func (tx *Tx) CreateSession(ctx context.Context, s *Session) error {
	s.CreatedAt = tx.now
	s.ExpiresAt = utc(s.ExpiresAt)
	id, err := tx.insertNamed(ctx, "create session", `INSERT INTO inbox_sessions
		(scheme_id, link_worker_id, token_hash, csrf_token, created_at, expires_at)
		VALUES (:scheme_id, :link_worker_id, :token_hash, :csrf_token, :created_at, :expires_at)`, s)
	s.ID = id
	return err
}

// GetSession returns the unexpired session whose token hashes to
// tokenHash, with its link worker, who must still be active.
func (tx *Tx) GetSession(ctx context.Context, tokenHash string) (Session, LinkWorker, error) {
	const op = "get session"
	var s Session
	if err := tx.get(ctx, op, &s, `SELECT `+sessionColumns+` FROM inbox_sessions
		WHERE token_hash = ? AND expires_at > ?`, tokenHash, tx.now); err != nil {
		return s, LinkWorker{}, err
	}
	var w LinkWorker
	err := tx.get(ctx, op, &w, `SELECT `+linkWorkerColumns+` FROM link_workers WHERE id = ? AND active`, s.LinkWorkerID)
	return s, w, err
}

// DeleteSession ends the session whose token hashes to tokenHash, and
// removes every expired session.
func (tx *Tx) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := tx.exec(ctx, "delete session", `DELETE FROM inbox_sessions WHERE token_hash = ? OR expires_at <= ?`, tokenHash, tx.now)
	return err
}

// EndSessions ends every session of the link worker but the one whose
// token hashes to keep ("" keeps none), and returns how many it ended.
func (tx *Tx) EndSessions(ctx context.Context, linkWorkerID int64, keep string) (int64, error) {
	return tx.exec(ctx, "end sessions", `DELETE FROM inbox_sessions WHERE link_worker_id = ? AND token_hash <> ?`, linkWorkerID, keep)
}
