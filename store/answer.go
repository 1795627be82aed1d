package store

import (
	"context"
	"time"
)

// Answer is what a person answered to one question of a run. A scored
// answer carries its measure's key (e.g. "ons4.life_satisfaction") and a
// value; Words keeps what they wrote.
type Answer struct {
	ID          int64     `db:"id"`
	PersonID    int64     `db:"person_id"`
	RunID       int64     `db:"run_id"`     // a run of the same person
	MessageID   *int64    `db:"message_id"` // the message that carried the answer
	QuestionKey string    `db:"question_key"`
	MeasureKey  *string   `db:"measure_key"`
	Value       *float64  `db:"value"` // required when MeasureKey is set
	Words       string    `db:"words"`
	AnsweredAt  time.Time `db:"answered_at"`
}

const answerColumns = `id, person_id, run_id, message_id, question_key, measure_key, value, words, answered_at`

// CreateAnswer inserts a, answered now, filling in ID. One question is
// answered once per run; a second answer is a Conflict.
func (tx *Tx) CreateAnswer(ctx context.Context, a *Answer) error {
	a.AnsweredAt = tx.now
	id, err := tx.insertNamed(ctx, "create answer", `INSERT INTO answers
		(person_id, run_id, message_id, question_key, measure_key, value, words, answered_at)
		VALUES (:person_id, :run_id, :message_id, :question_key, :measure_key, :value, :words, :answered_at)`, a)
	a.ID = id
	return err
}

// ListAnswers returns a person's answers in the order given.
func (tx *Tx) ListAnswers(ctx context.Context, personID int64) ([]Answer, error) {
	var list []Answer
	err := tx.selectAll(ctx, "list answers", &list,
		`SELECT `+answerColumns+` FROM answers WHERE person_id = ? ORDER BY answered_at, id`, personID)
	return list, err
}

// ListRunAnswers returns the answers given in one run, in the order given.
func (tx *Tx) ListRunAnswers(ctx context.Context, runID int64) ([]Answer, error) {
	var list []Answer
	err := tx.selectAll(ctx, "list run answers", &list,
		`SELECT `+answerColumns+` FROM answers WHERE run_id = ? ORDER BY answered_at, id`, runID)
	return list, err
}

// CreateAnswer inserts a, answered now.
func (db *DB) CreateAnswer(ctx context.Context, a *Answer) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateAnswer(ctx, a) })
}

// ListAnswers returns a person's answers in the order given.
func (db *DB) ListAnswers(ctx context.Context, personID int64) ([]Answer, error) {
	return read(ctx, db, func(tx *Tx) ([]Answer, error) { return tx.ListAnswers(ctx, personID) })
}
