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

// PlanNudgesAgain plans list as PlanNudges does, and also sets each to
// planned, due at its DueAt, where a nudge with its key is already planned
// or was cancelled (by a pause or an opt-out, say): planning a nudge again
// after it was cancelled brings it back. It returns how many it inserted
// or changed.
func (tx *Tx) PlanNudgesAgain(ctx context.Context, list []*Nudge) (int64, error) {
	total, err := tx.PlanNudges(ctx, list)
	if err != nil {
		return total, err
	}
	for _, n := range list {
		k, err := tx.exec(ctx, "plan nudge again", `UPDATE nudges SET status = 'planned', due_at = ?, note = '', finished_at = NULL
			WHERE key = ? AND (status = 'cancelled' OR (status = 'planned' AND due_at <> ?))`, utc(n.DueAt), n.Key, utc(n.DueAt))
		if err != nil {
			return total, err
		}
		total += k
	}
	return total, nil
}

// EndSupport records that the person's support ended now, for reason. A
// person whose support has already ended is NotFound.
func (tx *Tx) EndSupport(ctx context.Context, personID int64, reason string) error {
	return tx.execOne(ctx, "end support", `UPDATE people SET status = 'ended', ended_at = ?, ended_reason = ?
		WHERE id = ? AND status = 'active'`, tx.now, reason, personID)
}

// ReassignPerson makes linkWorkerID the person's link worker and moves
// their open escalations to them, returning how many escalations moved.
// The thread needs no move: it belongs to the person, and whoever looks
// after them sees it.
func (tx *Tx) ReassignPerson(ctx context.Context, personID, linkWorkerID int64) (int64, error) {
	if err := tx.execOne(ctx, "reassign person", `UPDATE people SET link_worker_id = ? WHERE id = ?`, linkWorkerID, personID); err != nil {
		return 0, err
	}
	return tx.exec(ctx, "reassign escalations", `UPDATE escalations SET link_worker_id = ?
		WHERE person_id = ? AND resolved_at IS NULL`, linkWorkerID, personID)
}
