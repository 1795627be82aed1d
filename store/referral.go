package store

import (
	"context"
	"time"
)

// Referral is a community group suggested to a person, and how it went.
type Referral struct {
	ID          int64      `db:"id"`
	SchemeID    int64      `db:"scheme_id"`
	PersonID    int64      `db:"person_id"`
	GroupID     int64      `db:"group_id"` // a group of the same scheme
	SuggestedAt time.Time  `db:"suggested_at"`
	AcceptedAt  *time.Time `db:"accepted_at"`
	DeclinedAt  *time.Time `db:"declined_at"` // never together with AcceptedAt
	AttendedAt  *time.Time `db:"attended_at"` // only after AcceptedAt
}

const referralColumns = `id, scheme_id, person_id, group_id, suggested_at, accepted_at, declined_at, attended_at`

// CreateReferral records that a group was suggested to a person now.
func (tx *Tx) CreateReferral(ctx context.Context, r *Referral) error {
	r.SuggestedAt = tx.now
	r.AcceptedAt, r.DeclinedAt, r.AttendedAt = nil, nil, nil
	id, err := tx.insertNamed(ctx, "create referral", `INSERT INTO activity_referrals
		(scheme_id, person_id, group_id, suggested_at) VALUES (:scheme_id, :person_id, :group_id, :suggested_at)`, r)
	r.ID = id
	return err
}

// UpdateReferral saves when a referral was accepted, declined and attended.
func (tx *Tx) UpdateReferral(ctx context.Context, r Referral) error {
	r.AcceptedAt, r.DeclinedAt, r.AttendedAt = utcp(r.AcceptedAt), utcp(r.DeclinedAt), utcp(r.AttendedAt)
	return tx.execNamedOne(ctx, "update referral", `UPDATE activity_referrals SET accepted_at = :accepted_at,
		declined_at = :declined_at, attended_at = :attended_at WHERE id = :id`, r)
}

// ListReferrals returns a person's referrals, oldest first.
func (tx *Tx) ListReferrals(ctx context.Context, personID int64) ([]Referral, error) {
	var list []Referral
	err := tx.selectAll(ctx, "list referrals", &list,
		`SELECT `+referralColumns+` FROM activity_referrals WHERE person_id = ? ORDER BY suggested_at, id`, personID)
	return list, err
}

// CreateReferral records that a group was suggested to a person now.
func (db *DB) CreateReferral(ctx context.Context, r *Referral) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateReferral(ctx, r) })
}

// UpdateReferral saves when a referral was accepted, declined and attended.
func (db *DB) UpdateReferral(ctx context.Context, r Referral) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.UpdateReferral(ctx, r) })
}

// ListReferrals returns a person's referrals, oldest first.
func (db *DB) ListReferrals(ctx context.Context, personID int64) ([]Referral, error) {
	return read(ctx, db, func(tx *Tx) ([]Referral, error) { return tx.ListReferrals(ctx, personID) })
}
