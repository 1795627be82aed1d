package store

import (
	"context"
	"time"
)

// This file holds the writes of casework: a link worker pausing, resuming
// or ending a person's support.

// CancelNudgesExcept cancels every open nudge of the person but the one
// with key keep, with note, and returns how many it cancelled.
func (tx *Tx) CancelNudgesExcept(ctx context.Context, personID int64, keep, note string) (int64, error) {
	return tx.exec(ctx, "cancel nudges", `UPDATE nudges SET status = 'cancelled', note = ?, finished_at = ?,
		lease_owner = NULL, lease_until = NULL WHERE person_id = ? AND status IN ('planned', 'claimed') AND key <> ?`,
		note, tx.now, personID, keep)
}

// CancelPlannedCheckins cancels the person's planned check-ins whose key
// starts with prefix and that are due at or after from, other than the one
// with key keep, with note, and returns how many it cancelled.
func (tx *Tx) CancelPlannedCheckins(ctx context.Context, personID int64, prefix string, from time.Time, keep, note string) (int64, error) {
	return tx.exec(ctx, "cancel planned check-ins", `UPDATE nudges SET status = 'cancelled', note = ?, finished_at = ?
		WHERE person_id = ? AND status = 'planned' AND kind = 'checkin' AND substr(key, 1, ?) = ? AND due_at >= ? AND key <> ?`,
		note, tx.now, personID, len(prefix), prefix, utc(from), keep)
}

// BringForwardNudge makes the planned nudge with key due at due if it was
// due later, and reports whether it did.
func (tx *Tx) BringForwardNudge(ctx context.Context, key string, due time.Time) (bool, error) {
	n, err := tx.exec(ctx, "bring nudge forward", `UPDATE nudges SET due_at = ? WHERE key = ? AND status = 'planned' AND due_at > ?`,
		utc(due), key, utc(due))
	return n > 0, err
}

// EndSupport records that the person's support ended now, for reason. A
// person whose support has already ended is NotFound.
func (tx *Tx) EndSupport(ctx context.Context, personID int64, reason string) error {
	return tx.execOne(ctx, "end support", `UPDATE people SET status = 'ended', ended_at = ?, ended_reason = ?
		WHERE id = ? AND status = 'active'`, tx.now, reason, personID)
}
