package store

import (
	"context"
	"slices"
	"time"
)

// Sign-in attempts are rows of login_attempts under a key such as
// "email:…", "ip:…" or "device:…". An attempt is recorded, as a failure,
// before its password is checked, in the transaction that decided it may
// go ahead; a good sign-in then forgets it. So attempts made at the same
// moment all count, and a password check never runs unrecorded.

// LockLoginKeys makes the transaction the only one deciding about keys
// until it ends. On PostgreSQL it takes a transaction advisory lock per
// key, in a fixed order so two transactions never wait for each other;
// on SQLite a write transaction already holds the whole database.
func (tx *Tx) LockLoginKeys(ctx context.Context, keys ...string) error {
	if !tx.postgres {
		return nil
	}
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	for _, k := range slices.Compact(sorted) {
		// The two-number form keeps these locks apart from the migration
		// lock, which uses the one-number form.
		if _, err := tx.exec(ctx, "lock login key", `SELECT pg_advisory_xact_lock(1819176803, hashtext(?::text))`, k); err != nil {
			return err
		}
	}
	return nil
}

// LoginFailures is what the store knows of one key's failed sign-ins.
type LoginFailures struct {
	Count int
	Last  time.Time // zero when Count is 0
}

// RecentLoginFailures returns the failed sign-ins of key since since, and
// when the last one was.
func (tx *Tx) RecentLoginFailures(ctx context.Context, key string, since time.Time) (LoginFailures, error) {
	var f LoginFailures
	if err := tx.get(ctx, "count login failures", &f.Count, `SELECT count(*) FROM login_attempts WHERE key = ? AND at > ?`, key, utc(since)); err != nil {
		return f, err
	}
	if f.Count == 0 {
		return f, nil
	}
	// The latest row is read on its own: SQLite answers max(at) as text.
	err := tx.get(ctx, "last login failure", &f.Last, `SELECT at FROM login_attempts WHERE key = ? ORDER BY at DESC LIMIT 1`, key)
	f.Last = utc(f.Last)
	return f, err
}

// RecordLoginAttempt records a failed sign-in, now, under each of keys and
// returns the rows' ids, for ForgetLoginAttempt should it succeed.
func (tx *Tx) RecordLoginAttempt(ctx context.Context, keys ...string) ([]int64, error) {
	ids := make([]int64, 0, len(keys))
	for _, k := range keys {
		id, err := tx.insert(ctx, "record login attempt", `INSERT INTO login_attempts (key, at) VALUES (?, ?)`, k, tx.now)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// ForgetLoginAttempt removes the rows of an attempt that turned out good.
func (tx *Tx) ForgetLoginAttempt(ctx context.Context, ids ...int64) error {
	for _, id := range ids {
		if _, err := tx.exec(ctx, "forget login attempt", `DELETE FROM login_attempts WHERE id = ?`, id); err != nil {
			return err
		}
	}
	return nil
}

// ClearLoginFailures forgets the failures of key (after a good sign-in, or
// when an admin unlocks an account) and every failure older than before.
func (tx *Tx) ClearLoginFailures(ctx context.Context, key string, before time.Time) error {
	_, err := tx.exec(ctx, "clear login failures", `DELETE FROM login_attempts WHERE key = ? OR at < ?`, key, utc(before))
	return err
}

// KnownDevice is a browser on which a link worker has signed in. Its
// cookie carries a random token; the store keeps only its SHA-256.
type KnownDevice struct {
	ID           int64     `db:"id"`
	SchemeID     int64     `db:"scheme_id"`
	LinkWorkerID int64     `db:"link_worker_id"`
	TokenHash    string    `db:"token_hash"`
	CreatedAt    time.Time `db:"created_at"`
	ExpiresAt    time.Time `db:"expires_at"`
}

// IsKnownDevice reports whether the browser whose device token hashes to
// tokenHash is known, unexpired, for the active link worker who signs in
// as email.
func (tx *Tx) IsKnownDevice(ctx context.Context, email, tokenHash string) (bool, error) {
	var n int
	err := tx.get(ctx, "find known device", &n, `SELECT count(*) FROM known_devices d
		JOIN link_workers w ON w.id = d.link_worker_id
		WHERE w.email = ? AND w.active AND d.token_hash = ? AND d.expires_at > ?`,
		*lowerEmail(&email), tokenHash, tx.now)
	return n > 0, err
}

// RememberDevice makes d known (again) until d.ExpiresAt, and forgets
// every expired device.
func (tx *Tx) RememberDevice(ctx context.Context, d *KnownDevice) error {
	d.CreatedAt, d.ExpiresAt = tx.now, utc(d.ExpiresAt)
	if _, err := tx.exec(ctx, "forget expired devices", `DELETE FROM known_devices WHERE expires_at <= ?
		OR (link_worker_id = ? AND token_hash = ?)`, tx.now, d.LinkWorkerID, d.TokenHash); err != nil {
		return err
	}
	id, err := tx.insertNamed(ctx, "remember device", `INSERT INTO known_devices
		(scheme_id, link_worker_id, token_hash, created_at, expires_at)
		VALUES (:scheme_id, :link_worker_id, :token_hash, :created_at, :expires_at)`, d)
	d.ID = id
	return err
}

// ForgetDevices forgets every browser known for the link worker, and
// returns how many there were.
func (tx *Tx) ForgetDevices(ctx context.Context, linkWorkerID int64) (int64, error) {
	return tx.exec(ctx, "forget devices", `DELETE FROM known_devices WHERE link_worker_id = ?`, linkWorkerID)
}

// ForgetDevice forgets one browser known for the link worker (when its
// token is replaced by a new one).
func (tx *Tx) ForgetDevice(ctx context.Context, linkWorkerID int64, tokenHash string) error {
	_, err := tx.exec(ctx, "forget device", `DELETE FROM known_devices WHERE link_worker_id = ? AND token_hash = ?`, linkWorkerID, tokenHash)
	return err
}
