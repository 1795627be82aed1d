package store

import (
	"context"
	"time"
)

// Outcome is how a dialogue run ended.
type Outcome string

// The run outcomes.
const (
	OutcomeCompleted Outcome = "completed"
	OutcomeExpired   Outcome = "expired"
	OutcomeStopped   Outcome = "stopped" // the person opted out
	OutcomeCancelled Outcome = "cancelled"
	OutcomeEscalated Outcome = "escalated"
)

// Run is one person going through one dialogue version. A person has at
// most one run that has not ended.
type Run struct {
	ID           int64      `db:"id"`
	SchemeID     int64      `db:"scheme_id"`
	PersonID     int64      `db:"person_id"`
	DialogueID   int64      `db:"dialogue_id"` // the version the run keeps to the end
	State        JSON       `db:"state"`       // the step machine's state, as the dialogues package writes it
	Subject      JSON       `db:"subject"`     // what the run is about, kept from its start, as package nudges writes it
	StartedAt    time.Time  `db:"started_at"`
	WaitingSince *time.Time `db:"waiting_since"` // waiting for a reply since
	ExpiresAt    *time.Time `db:"expires_at"`
	EndedAt      *time.Time `db:"ended_at"`
	Outcome      *Outcome   `db:"outcome"`
}

const runColumns = `id, scheme_id, person_id, dialogue_id, state, subject, started_at, waiting_since, expires_at, ended_at, outcome`

// StartRun inserts r as a new run started now, filling in ID and StartedAt.
// A person who already has an open run gets a Conflict.
func (tx *Tx) StartRun(ctx context.Context, r *Run) error {
	r.StartedAt = tx.now
	r.WaitingSince, r.ExpiresAt = utcp(r.WaitingSince), utcp(r.ExpiresAt)
	r.EndedAt, r.Outcome = nil, nil
	r.Subject = objectOrEmpty(r.Subject)
	id, err := tx.insertNamed(ctx, "start run", `INSERT INTO dialogue_runs
		(scheme_id, person_id, dialogue_id, state, subject, started_at, waiting_since, expires_at)
		VALUES (:scheme_id, :person_id, :dialogue_id, :state, :subject, :started_at, :waiting_since, :expires_at)`, r)
	r.ID = id
	return err
}

// GetRun returns the run with id.
func (tx *Tx) GetRun(ctx context.Context, id int64) (Run, error) {
	var r Run
	err := tx.get(ctx, "get run", &r, `SELECT `+runColumns+` FROM dialogue_runs WHERE id = ?`, id)
	return r, err
}

// GetOpenRun returns the person's run that has not ended; NotFound if none.
func (tx *Tx) GetOpenRun(ctx context.Context, personID int64) (Run, error) {
	var r Run
	err := tx.get(ctx, "get open run", &r,
		`SELECT `+runColumns+` FROM dialogue_runs WHERE person_id = ? AND ended_at IS NULL`, personID)
	return r, err
}

// UpdateRun saves an open run's state, waiting time and expiry.
func (tx *Tx) UpdateRun(ctx context.Context, r Run) error {
	r.WaitingSince, r.ExpiresAt = utcp(r.WaitingSince), utcp(r.ExpiresAt)
	return tx.execNamedOne(ctx, "update run", `UPDATE dialogue_runs SET state = :state, waiting_since = :waiting_since,
		expires_at = :expires_at WHERE id = :id AND ended_at IS NULL`, r)
}

// EndRun ends the open run with id now with outcome.
func (tx *Tx) EndRun(ctx context.Context, id int64, outcome Outcome) error {
	return tx.execOne(ctx, "end run", `UPDATE dialogue_runs SET ended_at = ?, outcome = ?, waiting_since = NULL
		WHERE id = ? AND ended_at IS NULL`, tx.now, outcome, id)
}

// GetRun returns the run with id.
func (db *DB) GetRun(ctx context.Context, id int64) (Run, error) {
	return read(ctx, db, func(tx *Tx) (Run, error) { return tx.GetRun(ctx, id) })
}

// GetOpenRun returns the person's run that has not ended.
func (db *DB) GetOpenRun(ctx context.Context, personID int64) (Run, error) {
	return read(ctx, db, func(tx *Tx) (Run, error) { return tx.GetOpenRun(ctx, personID) })
}

// StartRun inserts r as a new run started now.
func (db *DB) StartRun(ctx context.Context, r *Run) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.StartRun(ctx, r) })
}

// UpdateRun saves an open run's state, waiting time and expiry.
func (db *DB) UpdateRun(ctx context.Context, r Run) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.UpdateRun(ctx, r) })
}

// EndRun ends the open run with id now with outcome.
func (db *DB) EndRun(ctx context.Context, id int64, outcome Outcome) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.EndRun(ctx, id, outcome) })
}

// objectOrEmpty is j, or an empty JSON object when j is empty.
func objectOrEmpty(j JSON) JSON {
	if len(j) == 0 {
		return JSON("{}")
	}
	return j
}
