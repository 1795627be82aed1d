package store

import (
	"context"
	"slices"
	"time"
)

// NudgeKind is what a nudge is for.
type NudgeKind string

// The nudge kinds.
const (
	NudgeContactReminder NudgeKind = "contact_reminder" // before a contact; ContactID is set
	NudgeCheckin         NudgeKind = "checkin"          // a wellbeing check-in dialogue
	NudgeSuggestion      NudgeKind = "suggestion"       // an activity suggestion; GroupID may be set
	NudgeFollowup        NudgeKind = "followup"         // after a suggestion or a contact
	NudgeReplyReminder   NudgeKind = "reply_reminder"   // a waiting run has had no reply; RunID is set
	NudgeReplyExpiry     NudgeKind = "reply_expiry"     // a waiting run gives up; RunID is set
)

// NudgeStatus is where a nudge stands.
type NudgeStatus string

// The nudge statuses. Planned and claimed nudges are open; the rest are finished.
const (
	NudgePlanned   NudgeStatus = "planned"
	NudgeClaimed   NudgeStatus = "claimed" // a worker holds it until LeaseUntil
	NudgeDone      NudgeStatus = "done"
	NudgeSkipped   NudgeStatus = "skipped" // e.g. the person opted out or the contact was cancelled
	NudgeCancelled NudgeStatus = "cancelled"
)

// Nudge is something due to be sent to a person at a time. Key is unique:
// planning the same nudge twice leaves one row.
type Nudge struct {
	ID          int64       `db:"id"`
	SchemeID    int64       `db:"scheme_id"`
	PersonID    int64       `db:"person_id"`
	Kind        NudgeKind   `db:"kind"`
	Key         string      `db:"key"` // e.g. "contact_reminder:42:3d"
	DueAt       time.Time   `db:"due_at"`
	DialogueKey *string     `db:"dialogue_key"`
	ContactID   *int64      `db:"contact_id"` // a contact of the same person
	GroupID     *int64      `db:"group_id"`   // a group of the same scheme
	RunID       *int64      `db:"run_id"`     // a run of the same person
	Status      NudgeStatus `db:"status"`
	Attempts    int         `db:"attempts"` // times claimed
	LeaseOwner  *string     `db:"lease_owner"`
	LeaseUntil  *time.Time  `db:"lease_until"`
	FinishedAt  *time.Time  `db:"finished_at"`
	Note        string      `db:"note"` // why it was skipped or cancelled
	CreatedAt   time.Time   `db:"created_at"`
}

const nudgeColumns = `id, scheme_id, person_id, kind, key, due_at, dialogue_key, contact_id, group_id, run_id,
	status, attempts, lease_owner, lease_until, finished_at, note, created_at`

const insertNudge = `INSERT INTO nudges
	(scheme_id, person_id, kind, key, due_at, dialogue_key, contact_id, group_id, run_id, status, created_at)
	VALUES (:scheme_id, :person_id, :kind, :key, :due_at, :dialogue_key, :contact_id, :group_id, :run_id, :status, :created_at)`

func (n *Nudge) prepare(now time.Time) {
	n.DueAt = utc(n.DueAt)
	n.Status = NudgePlanned
	n.Attempts = 0
	n.LeaseOwner, n.LeaseUntil, n.FinishedAt = nil, nil, nil
	n.CreatedAt = now
}

// CreateNudge inserts n as planned, filling in ID. A nudge with the same Key
// is refused with a Conflict.
func (tx *Tx) CreateNudge(ctx context.Context, n *Nudge) error {
	n.prepare(tx.now)
	id, err := tx.insertNamed(ctx, "create nudge", insertNudge, n)
	n.ID = id
	return err
}

// PlanNudge inserts n as planned unless a nudge with its Key exists already,
// and reports whether it did. Planners call it again and again safely.
func (tx *Tx) PlanNudge(ctx context.Context, n *Nudge) (bool, error) {
	const op = "plan nudge"
	n.prepare(tx.now)
	id, err := tx.insertNamed(ctx, op, insertNudge+` ON CONFLICT (key) DO NOTHING`, n)
	if ErrorCode(err) == NotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	n.ID = id
	return true, nil
}

// GetNudge returns the nudge with id.
func (tx *Tx) GetNudge(ctx context.Context, id int64) (Nudge, error) {
	var n Nudge
	err := tx.get(ctx, "get nudge", &n, `SELECT `+nudgeColumns+` FROM nudges WHERE id = ?`, id)
	return n, err
}

// ListNudges returns a person's nudges by due time.
func (tx *Tx) ListNudges(ctx context.Context, personID int64) ([]Nudge, error) {
	var list []Nudge
	err := tx.selectAll(ctx, "list nudges", &list,
		`SELECT `+nudgeColumns+` FROM nudges WHERE person_id = ? ORDER BY due_at, id`, personID)
	return list, err
}

// ClaimDueNudges claims up to limit nudges due at now, oldest first, for
// owner until now+lease, and returns them in due order. A claimed nudge
// whose lease has run out is due again. Claimers running at the same time
// never get the same nudge: on PostgreSQL rows another claimer holds are
// skipped, on SQLite claimers take turns.
func (tx *Tx) ClaimDueNudges(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]Nudge, error) {
	now = utc(now)
	var list []Nudge
	// The WHERE and ORDER BY match the index nudges_claimable.
	err := tx.selectAll(ctx, "claim due nudges", &list, `WITH due AS (
			SELECT id FROM nudges
			WHERE status IN ('planned', 'claimed') AND coalesce(lease_until, due_at) <= ?
			ORDER BY coalesce(lease_until, due_at), id
			LIMIT ?`+tx.skipLocked()+`
		)
		UPDATE nudges SET status = 'claimed', lease_owner = ?, lease_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM due)
		RETURNING `+nudgeColumns, now, limit, owner, now.Add(lease))
	slices.SortFunc(list, func(a, b Nudge) int { return a.DueAt.Compare(b.DueAt) })
	return list, err
}

// FinishNudge records the outcome of a nudge owner has claimed: done,
// skipped or cancelled, with a note saying why. If owner's lease was lost to
// another claimer it returns a Conflict and changes nothing.
func (tx *Tx) FinishNudge(ctx context.Context, id int64, owner string, status NudgeStatus, note string) error {
	const op = "finish nudge"
	if status != NudgeDone && status != NudgeSkipped && status != NudgeCancelled {
		return invalid(op, "%q is not a finished status", status)
	}
	return leased(op, tx.execOne(ctx, op, `UPDATE nudges SET status = ?, note = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL
		WHERE id = ? AND status = 'claimed' AND lease_owner = ?`, status, note, tx.now, id, owner))
}

// RescheduleNudge puts a nudge owner has claimed back to planned, due at
// dueAt (after quiet hours, say). A lost lease is a Conflict.
func (tx *Tx) RescheduleNudge(ctx context.Context, id int64, owner string, dueAt time.Time) error {
	const op = "reschedule nudge"
	return leased(op, tx.execOne(ctx, op, `UPDATE nudges SET status = 'planned', due_at = ?, lease_owner = NULL, lease_until = NULL
		WHERE id = ? AND status = 'claimed' AND lease_owner = ?`, utc(dueAt), id, owner))
}

// leased turns "no row changed" into a Conflict: the lease is not owner's.
func leased(op string, err error) error {
	if ErrorCode(err) == NotFound {
		return &Error{Code: Conflict, Op: op, Message: "the nudge is not claimed by this owner (lease lost or never held)"}
	}
	return err
}

// CancelNudges cancels every open nudge of the person (after STOP, or when
// support ends) with note, and returns how many it cancelled.
func (tx *Tx) CancelNudges(ctx context.Context, personID int64, note string) (int64, error) {
	return tx.exec(ctx, "cancel nudges", `UPDATE nudges SET status = 'cancelled', note = ?, finished_at = ?,
		lease_owner = NULL, lease_until = NULL WHERE person_id = ? AND status IN ('planned', 'claimed')`, note, tx.now, personID)
}

// RestoreOptedOutNudges plans again a person's nudges that opting out
// cancelled (their note starts "opted out") and that are still to come,
// for when the person opts back in. It returns how many it restored.
func (tx *Tx) RestoreOptedOutNudges(ctx context.Context, personID int64) (int64, error) {
	return tx.exec(ctx, "restore nudges", `UPDATE nudges SET status = 'planned', note = '', finished_at = NULL
		WHERE person_id = ? AND status = 'cancelled' AND note LIKE 'opted out%' AND due_at > ?`, personID, tx.now)
}

// CreateNudge inserts n as planned; the same Key twice is a Conflict.
func (db *DB) CreateNudge(ctx context.Context, n *Nudge) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateNudge(ctx, n) })
}

// PlanNudge inserts n unless a nudge with its Key exists, and reports whether it did.
func (db *DB) PlanNudge(ctx context.Context, n *Nudge) (bool, error) {
	return write(ctx, db, func(tx *Tx) (bool, error) { return tx.PlanNudge(ctx, n) })
}

// GetNudge returns the nudge with id.
func (db *DB) GetNudge(ctx context.Context, id int64) (Nudge, error) {
	return read(ctx, db, func(tx *Tx) (Nudge, error) { return tx.GetNudge(ctx, id) })
}

// ListNudges returns a person's nudges by due time.
func (db *DB) ListNudges(ctx context.Context, personID int64) ([]Nudge, error) {
	return read(ctx, db, func(tx *Tx) ([]Nudge, error) { return tx.ListNudges(ctx, personID) })
}

// ClaimDueNudges claims up to limit nudges due at now for owner until
// now+lease, in one statement; see Tx.ClaimDueNudges.
func (db *DB) ClaimDueNudges(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]Nudge, error) {
	return write(ctx, db, func(tx *Tx) ([]Nudge, error) { return tx.ClaimDueNudges(ctx, now, owner, lease, limit) })
}

// FinishNudge records the outcome of a nudge owner has claimed.
func (db *DB) FinishNudge(ctx context.Context, id int64, owner string, status NudgeStatus, note string) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.FinishNudge(ctx, id, owner, status, note) })
}

// RescheduleNudge puts a nudge owner has claimed back to planned, due at dueAt.
func (db *DB) RescheduleNudge(ctx context.Context, id int64, owner string, dueAt time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.RescheduleNudge(ctx, id, owner, dueAt) })
}

// CancelNudges cancels every open nudge of the person.
func (db *DB) CancelNudges(ctx context.Context, personID int64, note string) (int64, error) {
	return write(ctx, db, func(tx *Tx) (int64, error) { return tx.CancelNudges(ctx, personID, note) })
}
