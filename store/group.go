package store

import (
	"context"
	"time"
)

// Group is a community group or activity a scheme can suggest.
type Group struct {
	ID             int64     `db:"id"`
	SchemeID       int64     `db:"scheme_id"`
	Name           string    `db:"name"`        // unique in the scheme
	Description    string    `db:"description"` // what happens
	Tags           Strings   `db:"tags"`
	Place          string    `db:"place"`
	Schedule       string    `db:"schedule"`        // when, in words: "Tuesdays 10:00–12:00"
	WeeklyCapacity *int      `db:"weekly_capacity"` // places a week; nil is unlimited
	Contact        string    `db:"contact"`
	Active         bool      `db:"active"`
	CreatedAt      time.Time `db:"created_at"`
}

const groupColumns = `id, scheme_id, name, description, tags, place, schedule, weekly_capacity, contact, active, created_at`

// CreateGroup inserts g, filling in ID and CreatedAt. Set Active for a group
// that may be suggested.
func (tx *Tx) CreateGroup(ctx context.Context, g *Group) error {
	g.CreatedAt = tx.now
	id, err := tx.insertNamed(ctx, "create group", `INSERT INTO community_groups
		(scheme_id, name, description, tags, place, schedule, weekly_capacity, contact, active, created_at)
		VALUES (:scheme_id, :name, :description, :tags, :place, :schedule, :weekly_capacity, :contact, :active, :created_at)`, g)
	g.ID = id
	return err
}

// GetGroup returns the group with id.
func (tx *Tx) GetGroup(ctx context.Context, id int64) (Group, error) {
	var g Group
	err := tx.get(ctx, "get group", &g, `SELECT `+groupColumns+` FROM community_groups WHERE id = ?`, id)
	return g, err
}

// ListGroups returns the scheme's groups by name; activeOnly leaves out
// groups that are no longer running.
func (tx *Tx) ListGroups(ctx context.Context, schemeID int64, activeOnly bool) ([]Group, error) {
	var list []Group
	err := tx.selectAll(ctx, "list groups", &list, `SELECT `+groupColumns+` FROM community_groups
		WHERE scheme_id = ? AND (active OR NOT ?) ORDER BY name, id`, schemeID, activeOnly)
	return list, err
}

// UpdateGroup saves g (everything but ID, SchemeID and CreatedAt).
func (tx *Tx) UpdateGroup(ctx context.Context, g Group) error {
	return tx.execNamedOne(ctx, "update group", `UPDATE community_groups SET name = :name, description = :description,
		tags = :tags, place = :place, schedule = :schedule, weekly_capacity = :weekly_capacity, contact = :contact,
		active = :active WHERE id = :id`, g)
}

// CreateGroup inserts g, filling in ID and CreatedAt.
func (db *DB) CreateGroup(ctx context.Context, g *Group) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateGroup(ctx, g) })
}

// GetGroup returns the group with id.
func (db *DB) GetGroup(ctx context.Context, id int64) (Group, error) {
	return read(ctx, db, func(tx *Tx) (Group, error) { return tx.GetGroup(ctx, id) })
}

// ListGroups returns the scheme's groups by name.
func (db *DB) ListGroups(ctx context.Context, schemeID int64, activeOnly bool) ([]Group, error) {
	return read(ctx, db, func(tx *Tx) ([]Group, error) { return tx.ListGroups(ctx, schemeID, activeOnly) })
}

// UpdateGroup saves g (everything but ID, SchemeID and CreatedAt).
func (db *DB) UpdateGroup(ctx context.Context, g Group) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.UpdateGroup(ctx, g) })
}

// GroupLoad returns, per group of the scheme, how many people accepted a
// suggestion of it since since: the group's current load.
func (tx *Tx) GroupLoad(ctx context.Context, schemeID int64, since time.Time) (map[int64]int, error) {
	var rows []struct {
		GroupID int64 `db:"group_id"`
		N       int   `db:"n"`
	}
	err := tx.selectAll(ctx, "group load", &rows, `SELECT group_id, count(*) AS n FROM activity_referrals
		WHERE scheme_id = ? AND accepted_at IS NOT NULL AND accepted_at > ? GROUP BY group_id`, schemeID, utc(since))
	load := make(map[int64]int, len(rows))
	for _, r := range rows {
		load[r.GroupID] = r.N
	}
	return load, err
}
