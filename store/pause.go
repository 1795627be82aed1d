package store

import (
	"context"
	"time"
)

// PauseNudges holds nudges to the person until until: the pause is kept
// for planners to read (NudgesPausedUntil), and planned nudges due before
// then are cancelled now. It returns how many it cancelled.
func (tx *Tx) PauseNudges(ctx context.Context, schemeID, personID, by int64, until time.Time) (int64, error) {
	const op = "pause nudges"
	until = utc(until)
	if _, err := tx.exec(ctx, op, `DELETE FROM nudge_pauses WHERE person_id = ?`, personID); err != nil {
		return 0, err
	}
	if _, err := tx.exec(ctx, op, `INSERT INTO nudge_pauses (person_id, scheme_id, paused_until, paused_by, created_at)
		VALUES (?, ?, ?, ?, ?)`, personID, schemeID, until, by, tx.now); err != nil {
		return 0, err
	}
	return tx.exec(ctx, op, `UPDATE nudges SET status = 'cancelled', note = 'paused by the link worker', finished_at = ?
		WHERE person_id = ? AND status = 'planned' AND due_at < ? AND kind <> 'contact_reminder'`, tx.now, personID, until)
}

// ResumeNudges ends a pause of the person's nudges.
func (tx *Tx) ResumeNudges(ctx context.Context, personID int64) error {
	_, err := tx.exec(ctx, "resume nudges", `DELETE FROM nudge_pauses WHERE person_id = ?`, personID)
	return err
}

// NudgesPausedUntil returns when the person's paused nudges may start
// again, or nil when they are not paused at now.
func (tx *Tx) NudgesPausedUntil(ctx context.Context, personID int64) (*time.Time, error) {
	var until []time.Time
	if err := tx.selectAll(ctx, "nudges paused until", &until, `SELECT paused_until FROM nudge_pauses
		WHERE person_id = ? AND paused_until > ?`, personID, tx.now); err != nil {
		return nil, err
	}
	if len(until) == 0 {
		return nil, nil
	}
	t := utc(until[0])
	return &t, nil
}

// PausedUntil returns, for those of the people whose nudges are paused at
// now, when the pause ends.
func (tx *Tx) PausedUntil(ctx context.Context, personIDs []int64) (map[int64]time.Time, error) {
	var rows []struct {
		PersonID int64     `db:"person_id"`
		Until    time.Time `db:"paused_until"`
	}
	out := map[int64]time.Time{}
	if len(personIDs) == 0 {
		return out, nil
	}
	err := tx.selectIn(ctx, "paused until", &rows, `SELECT person_id, paused_until FROM nudge_pauses
		WHERE person_id IN (?) AND paused_until > ?`, personIDs, tx.now)
	for _, r := range rows {
		out[r.PersonID] = utc(r.Until)
	}
	return out, err
}
