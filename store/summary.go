package store

import (
	"context"
	"time"
)

// SupportSummary is the message back sent to a person's GP or referrer
// when their support ended: to whom, when, by whom, and what was sent.
type SupportSummary struct {
	ID          int64     `db:"id"`
	SchemeID    int64     `db:"scheme_id"`
	PersonID    int64     `db:"person_id"`
	SentBy      int64     `db:"sent_by"` // the link worker who sent it
	SentTo      string    `db:"sent_to"` // e.g. "Dr Hussain, Calder Valley Surgery (B86001)"
	SentAt      time.Time `db:"sent_at"`
	WhatMatters string    `db:"what_matters"` // what mattered to the person, in the link worker's words
	Summary     JSON      `db:"summary"`      // the structured message as sent
}

const summaryColumns = `id, scheme_id, person_id, sent_by, sent_to, sent_at, what_matters, summary`

// RecordSupportSummary records s as sent now, filling in ID and SentAt.
func (tx *Tx) RecordSupportSummary(ctx context.Context, s *SupportSummary) error {
	s.SentAt = tx.now
	id, err := tx.insertNamed(ctx, "record support summary", `INSERT INTO support_summaries
		(scheme_id, person_id, sent_by, sent_to, sent_at, what_matters, summary)
		VALUES (:scheme_id, :person_id, :sent_by, :sent_to, :sent_at, :what_matters, :summary)`, s)
	s.ID = id
	return err
}

// ListSupportSummaries returns the summaries sent about a person, newest
// first.
func (tx *Tx) ListSupportSummaries(ctx context.Context, personID int64) ([]SupportSummary, error) {
	var list []SupportSummary
	err := tx.selectAll(ctx, "list support summaries", &list,
		`SELECT `+summaryColumns+` FROM support_summaries WHERE person_id = ? ORDER BY sent_at DESC, id DESC`, personID)
	return list, err
}
