package store

import (
	"context"
	"time"
)

// Note is something a link worker wrote down about a person.
type Note struct {
	ID        int64     `db:"id"`
	SchemeID  int64     `db:"scheme_id"`
	PersonID  int64     `db:"person_id"`
	AuthorID  int64     `db:"author_id"` // a link worker of the same scheme
	Body      string    `db:"body"`
	CreatedAt time.Time `db:"created_at"`
}

// CreateNote inserts n, written now, filling in ID.
func (tx *Tx) CreateNote(ctx context.Context, n *Note) error {
	n.CreatedAt = tx.now
	id, err := tx.insertNamed(ctx, "create note", `INSERT INTO notes (scheme_id, person_id, author_id, body, created_at)
		VALUES (:scheme_id, :person_id, :author_id, :body, :created_at)`, n)
	n.ID = id
	return err
}

// ListNotes returns the notes about a person, newest first.
func (tx *Tx) ListNotes(ctx context.Context, personID int64) ([]Note, error) {
	var list []Note
	err := tx.selectAll(ctx, "list notes", &list, `SELECT id, scheme_id, person_id, author_id, body, created_at
		FROM notes WHERE person_id = ? ORDER BY created_at DESC, id DESC`, personID)
	return list, err
}
