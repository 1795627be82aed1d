package store

import (
	"context"
	"time"
)

// ContactKind is how a link worker meets a person.
type ContactKind string

// The contact kinds.
const (
	ContactHomeVisit ContactKind = "home_visit"
	ContactPhone     ContactKind = "phone"
	ContactVideo     ContactKind = "video"
	ContactInPerson  ContactKind = "in_person" // at a place: a surgery, a library, a café
)

// ContactStatus is where an appointment stands.
type ContactStatus string

// The contact statuses.
const (
	ContactBooked             ContactStatus = "booked"
	ContactConfirmed          ContactStatus = "confirmed"
	ContactRearrangeRequested ContactStatus = "rearrange_requested"
	ContactCancelled          ContactStatus = "cancelled"
	ContactDone               ContactStatus = "done"
	ContactDidNotAttend       ContactStatus = "did_not_attend" // the person did not come and did not say
)

// Contact is an appointment between a link worker and a person of the same scheme.
type Contact struct {
	ID           int64         `db:"id"`
	SchemeID     int64         `db:"scheme_id"`
	PersonID     int64         `db:"person_id"`
	LinkWorkerID int64         `db:"link_worker_id"`
	StartsAt     time.Time     `db:"starts_at"`
	Kind         ContactKind   `db:"kind"`
	Place        string        `db:"place"`
	Status       ContactStatus `db:"status"`
	CreatedAt    time.Time     `db:"created_at"`
	UpdatedAt    time.Time     `db:"updated_at"`
}

const contactColumns = `id, scheme_id, person_id, link_worker_id, starts_at, kind, place, status, created_at, updated_at`

// CreateContact inserts c, filling in ID and times; an empty Status is booked.
func (tx *Tx) CreateContact(ctx context.Context, c *Contact) error {
	if c.Status == "" {
		c.Status = ContactBooked
	}
	c.StartsAt = utc(c.StartsAt)
	c.CreatedAt, c.UpdatedAt = tx.now, tx.now
	id, err := tx.insertNamed(ctx, "create contact", `INSERT INTO contacts
		(scheme_id, person_id, link_worker_id, starts_at, kind, place, status, created_at, updated_at)
		VALUES (:scheme_id, :person_id, :link_worker_id, :starts_at, :kind, :place, :status, :created_at, :updated_at)`, c)
	c.ID = id
	return err
}

// GetContact returns the contact with id.
func (tx *Tx) GetContact(ctx context.Context, id int64) (Contact, error) {
	var c Contact
	err := tx.get(ctx, "get contact", &c, `SELECT `+contactColumns+` FROM contacts WHERE id = ?`, id)
	return c, err
}

// ListContacts returns a person's contacts in time order.
func (tx *Tx) ListContacts(ctx context.Context, personID int64) ([]Contact, error) {
	var list []Contact
	err := tx.selectAll(ctx, "list contacts", &list,
		`SELECT `+contactColumns+` FROM contacts WHERE person_id = ? ORDER BY starts_at, id`, personID)
	return list, err
}

// UpdateContact saves c's time, kind, place, status and link worker.
func (tx *Tx) UpdateContact(ctx context.Context, c Contact) error {
	c.StartsAt = utc(c.StartsAt)
	c.UpdatedAt = tx.now
	return tx.execNamedOne(ctx, "update contact", `UPDATE contacts SET link_worker_id = :link_worker_id,
		starts_at = :starts_at, kind = :kind, place = :place, status = :status, updated_at = :updated_at WHERE id = :id`, c)
}

// CreateContact inserts c, filling in ID and times.
func (db *DB) CreateContact(ctx context.Context, c *Contact) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateContact(ctx, c) })
}

// GetContact returns the contact with id.
func (db *DB) GetContact(ctx context.Context, id int64) (Contact, error) {
	return read(ctx, db, func(tx *Tx) (Contact, error) { return tx.GetContact(ctx, id) })
}

// ListContacts returns a person's contacts in time order.
func (db *DB) ListContacts(ctx context.Context, personID int64) ([]Contact, error) {
	return read(ctx, db, func(tx *Tx) ([]Contact, error) { return tx.ListContacts(ctx, personID) })
}

// UpdateContact saves c's time, kind, place, status and link worker.
func (db *DB) UpdateContact(ctx context.Context, c Contact) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.UpdateContact(ctx, c) })
}
