package store

import (
	"context"
	"time"
)

// Dialogue is one version of a scheme's nudge dialogue, as YAML source.
// Versions are never changed once written: a new edit is a new version, and
// a run keeps the version it started with.
type Dialogue struct {
	ID          int64      `db:"id"`
	SchemeID    int64      `db:"scheme_id"`
	Key         string     `db:"key"` // e.g. "ons4-checkin"; lower case, digits, _ . -
	Version     int        `db:"version"`
	Source      string     `db:"source"` // YAML
	PublishedAt *time.Time `db:"published_at"`
	CreatedAt   time.Time  `db:"created_at"`
}

const dialogueColumns = `id, scheme_id, key, version, source, published_at, created_at`

// CreateDialogue inserts d as the next version of its key (d.Version is set
// to it), unpublished. Two writers adding a version at once: one gets a
// Conflict.
func (tx *Tx) CreateDialogue(ctx context.Context, d *Dialogue) error {
	const op = "create dialogue"
	if err := tx.get(ctx, op, &d.Version,
		`SELECT coalesce(max(version), 0) + 1 FROM dialogues WHERE scheme_id = ? AND key = ?`, d.SchemeID, d.Key); err != nil {
		return err
	}
	d.CreatedAt = tx.now
	d.PublishedAt = nil
	id, err := tx.insertNamed(ctx, op, `INSERT INTO dialogues (scheme_id, key, version, source, published_at, created_at)
		VALUES (:scheme_id, :key, :version, :source, :published_at, :created_at)`, d)
	d.ID = id
	return err
}

// PublishFirstDialogue publishes source as the scheme's dialogue key
// unless a version of the key is already published, and returns the
// latest published version: d's, or the one another transaction published
// first. It is safe when many transactions do it at once for the same key
// (the first use of a built-in dialogue by parallel referrals): the insert
// yields to a concurrent one of the same version instead of failing, and
// the winner's row is returned.
func (tx *Tx) PublishFirstDialogue(ctx context.Context, schemeID int64, key, source string) (Dialogue, error) {
	const op = "publish first dialogue"
	for range 5 {
		d, err := tx.GetPublishedDialogue(ctx, schemeID, key)
		if ErrorCode(err) != NotFound {
			return d, err
		}
		// Not if another transaction has published one since this one
		// looked (PostgreSQL's statement snapshot sees it committed), else
		// as the next version, yielding to a concurrent insert of it.
		_, err = tx.exec(ctx, op, `INSERT INTO dialogues (scheme_id, key, version, source, published_at, created_at)
			SELECT ?, ?, (SELECT coalesce(max(version), 0) + 1 FROM dialogues WHERE scheme_id = ? AND key = ?), ?, ?, ?
			WHERE NOT EXISTS (SELECT 1 FROM dialogues WHERE scheme_id = ? AND key = ? AND published_at IS NOT NULL)
			ON CONFLICT (scheme_id, key, version) DO NOTHING`, schemeID, key, schemeID, key, source, tx.now, tx.now, schemeID, key)
		if err != nil {
			return Dialogue{}, err
		}
		// Whether this insert or a concurrent one won, the published
		// version is read next; a concurrent unpublished draft that took
		// the version number means one more round.
	}
	return Dialogue{}, &Error{Code: Conflict, Op: op, Message: "the dialogue's versions kept changing while it was published"}
}

// PublishDialogue marks the dialogue version with id published now (if it
// was not already); new runs of its key start on the latest published version.
func (tx *Tx) PublishDialogue(ctx context.Context, id int64) error {
	return tx.execOne(ctx, "publish dialogue", `UPDATE dialogues SET published_at = coalesce(published_at, ?) WHERE id = ?`, tx.now, id)
}

// GetDialogue returns the dialogue version with id.
func (tx *Tx) GetDialogue(ctx context.Context, id int64) (Dialogue, error) {
	var d Dialogue
	err := tx.get(ctx, "get dialogue", &d, `SELECT `+dialogueColumns+` FROM dialogues WHERE id = ?`, id)
	return d, err
}

// GetPublishedDialogue returns the latest published version of the scheme's
// dialogue key.
func (tx *Tx) GetPublishedDialogue(ctx context.Context, schemeID int64, key string) (Dialogue, error) {
	var d Dialogue
	err := tx.get(ctx, "get published dialogue", &d, `SELECT `+dialogueColumns+` FROM dialogues
		WHERE scheme_id = ? AND key = ? AND published_at IS NOT NULL ORDER BY version DESC LIMIT 1`, schemeID, key)
	return d, err
}

// ListDialogues returns every version of the scheme's dialogues, by key
// and version.
func (tx *Tx) ListDialogues(ctx context.Context, schemeID int64) ([]Dialogue, error) {
	var list []Dialogue
	err := tx.selectAll(ctx, "list dialogues", &list,
		`SELECT `+dialogueColumns+` FROM dialogues WHERE scheme_id = ? ORDER BY key, version`, schemeID)
	return list, err
}

// CreateDialogue inserts d as the next version of its key.
func (db *DB) CreateDialogue(ctx context.Context, d *Dialogue) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateDialogue(ctx, d) })
}

// PublishDialogue marks the dialogue version with id published now.
func (db *DB) PublishDialogue(ctx context.Context, id int64) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.PublishDialogue(ctx, id) })
}

// GetDialogue returns the dialogue version with id.
func (db *DB) GetDialogue(ctx context.Context, id int64) (Dialogue, error) {
	return read(ctx, db, func(tx *Tx) (Dialogue, error) { return tx.GetDialogue(ctx, id) })
}

// GetPublishedDialogue returns the latest published version of a dialogue key.
func (db *DB) GetPublishedDialogue(ctx context.Context, schemeID int64, key string) (Dialogue, error) {
	return read(ctx, db, func(tx *Tx) (Dialogue, error) { return tx.GetPublishedDialogue(ctx, schemeID, key) })
}

// ListDialogues returns every version of the scheme's dialogues.
func (db *DB) ListDialogues(ctx context.Context, schemeID int64) ([]Dialogue, error) {
	return read(ctx, db, func(tx *Tx) ([]Dialogue, error) { return tx.ListDialogues(ctx, schemeID) })
}
