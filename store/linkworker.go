package store

import (
	"context"
	"strings"
	"time"
)

// Role is what a link worker may do in the inbox.
type Role string

// The roles.
const (
	RoleLinkWorker  Role = "link_worker"
	RoleSchemeAdmin Role = "scheme_admin" // also manages the scheme's settings, staff, groups and dialogues
)

// LinkWorker is a member of a scheme's staff.
type LinkWorker struct {
	ID             int64   `db:"id"`
	SchemeID       int64   `db:"scheme_id"`
	Name           string  `db:"name"`
	Phone          *string `db:"phone"`            // E.164, for urgent escalations by SMS
	TelegramChatID *int64  `db:"telegram_chat_id"` // for urgent escalations by Telegram
	// WorkingHours is a JSON object of weekday to "HH:MM-HH:MM" in the
	// scheme's time zone, e.g. {"mon":"09:00-17:00"}; a missing day is off.
	WorkingHours JSON      `db:"working_hours"`
	Role         Role      `db:"role"`
	Email        *string   `db:"email"`         // sign-in name, lower case, unique
	PasswordHash *string   `db:"password_hash"` // bcrypt hash; never a password
	Active       bool      `db:"active"`
	CreatedAt    time.Time `db:"created_at"`
}

const linkWorkerColumns = `id, scheme_id, name, phone, telegram_chat_id, working_hours, role, email, password_hash, active, created_at`

// CreateLinkWorker inserts w, filling in ID and CreatedAt. An empty Role is
// RoleLinkWorker; the email is stored in lower case.
func (tx *Tx) CreateLinkWorker(ctx context.Context, w *LinkWorker) error {
	if w.Role == "" {
		w.Role = RoleLinkWorker
	}
	w.Email = lowerEmail(w.Email)
	w.CreatedAt = tx.now
	id, err := tx.insertNamed(ctx, "create link worker", `INSERT INTO link_workers
		(scheme_id, name, phone, telegram_chat_id, working_hours, role, email, password_hash, active, created_at)
		VALUES (:scheme_id, :name, :phone, :telegram_chat_id, :working_hours, :role, :email, :password_hash, :active, :created_at)`, w)
	w.ID = id
	return err
}

func lowerEmail(email *string) *string {
	if email == nil {
		return nil
	}
	e := strings.ToLower(strings.TrimSpace(*email))
	return &e
}

// GetLinkWorker returns the link worker with id.
func (tx *Tx) GetLinkWorker(ctx context.Context, id int64) (LinkWorker, error) {
	var w LinkWorker
	err := tx.get(ctx, "get link worker", &w, `SELECT `+linkWorkerColumns+` FROM link_workers WHERE id = ?`, id)
	return w, err
}

// GetLinkWorkerByEmail returns the link worker who signs in as email.
func (tx *Tx) GetLinkWorkerByEmail(ctx context.Context, email string) (LinkWorker, error) {
	var w LinkWorker
	err := tx.get(ctx, "get link worker by email", &w, `SELECT `+linkWorkerColumns+` FROM link_workers WHERE email = ?`,
		strings.ToLower(strings.TrimSpace(email)))
	return w, err
}

// ListLinkWorkers returns the scheme's link workers by name.
func (tx *Tx) ListLinkWorkers(ctx context.Context, schemeID int64) ([]LinkWorker, error) {
	var list []LinkWorker
	err := tx.selectAll(ctx, "list link workers", &list,
		`SELECT `+linkWorkerColumns+` FROM link_workers WHERE scheme_id = ? ORDER BY name, id`, schemeID)
	return list, err
}

// UpdateLinkWorker saves w (everything but ID, SchemeID and CreatedAt).
func (tx *Tx) UpdateLinkWorker(ctx context.Context, w LinkWorker) error {
	w.Email = lowerEmail(w.Email)
	return tx.execNamedOne(ctx, "update link worker", `UPDATE link_workers SET name = :name, phone = :phone,
		telegram_chat_id = :telegram_chat_id, working_hours = :working_hours, role = :role, email = :email,
		password_hash = :password_hash, active = :active WHERE id = :id`, w)
}

// CreateLinkWorker inserts w, filling in ID and CreatedAt.
func (db *DB) CreateLinkWorker(ctx context.Context, w *LinkWorker) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateLinkWorker(ctx, w) })
}

// GetLinkWorker returns the link worker with id.
func (db *DB) GetLinkWorker(ctx context.Context, id int64) (LinkWorker, error) {
	return read(ctx, db, func(tx *Tx) (LinkWorker, error) { return tx.GetLinkWorker(ctx, id) })
}

// GetLinkWorkerByEmail returns the link worker who signs in as email.
func (db *DB) GetLinkWorkerByEmail(ctx context.Context, email string) (LinkWorker, error) {
	return read(ctx, db, func(tx *Tx) (LinkWorker, error) { return tx.GetLinkWorkerByEmail(ctx, email) })
}

// ListLinkWorkers returns the scheme's link workers by name.
func (db *DB) ListLinkWorkers(ctx context.Context, schemeID int64) ([]LinkWorker, error) {
	return read(ctx, db, func(tx *Tx) ([]LinkWorker, error) { return tx.ListLinkWorkers(ctx, schemeID) })
}

// UpdateLinkWorker saves w (everything but ID, SchemeID and CreatedAt).
func (db *DB) UpdateLinkWorker(ctx context.Context, w LinkWorker) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.UpdateLinkWorker(ctx, w) })
}
