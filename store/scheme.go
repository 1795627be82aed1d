package store

import (
	"context"
	"fmt"
	"time"
)

// Scheme is a tenant: one social prescribing scheme with its own link
// workers, people, groups and dialogues.
type Scheme struct {
	ID       int64  `db:"id"`
	Name     string `db:"name"`
	TimeZone string `db:"time_zone"` // IANA name; default Europe/London
	// Nudges go out only between SendFrom and SendUntil ("HH:MM", local
	// time); the rest of the day is quiet hours. Default 09:00–20:00.
	SendFrom           string    `db:"send_from"`
	SendUntil          string    `db:"send_until"`
	DutyName           string    `db:"duty_name"`             // who covers when a link worker cannot
	DutyPhone          *string   `db:"duty_phone"`            // E.164
	DutyTelegramChatID *int64    `db:"duty_telegram_chat_id"` // Telegram chat of the duty contact
	Settings           JSON      `db:"settings"`
	CreatedAt          time.Time `db:"created_at"`
}

// Location returns the scheme's time zone.
func (s Scheme) Location() (*time.Location, error) {
	if s.TimeZone == "" || s.TimeZone == "Local" {
		return nil, fmt.Errorf("store: scheme time zone %q is not an IANA zone name", s.TimeZone)
	}
	return time.LoadLocation(s.TimeZone)
}

const schemeColumns = `id, name, time_zone, send_from, send_until, duty_name, duty_phone, duty_telegram_chat_id, settings, created_at`

// CreateScheme inserts s, filling in defaults, ID and CreatedAt.
func (tx *Tx) CreateScheme(ctx context.Context, s *Scheme) error {
	const op = "create scheme"
	if s.TimeZone == "" {
		s.TimeZone = "Europe/London"
	}
	if s.SendFrom == "" {
		s.SendFrom = "09:00"
	}
	if s.SendUntil == "" {
		s.SendUntil = "20:00"
	}
	if _, err := s.Location(); err != nil {
		return invalid(op, "unknown time zone %q", s.TimeZone)
	}
	s.CreatedAt = tx.now
	id, err := tx.insertNamed(ctx, op, `INSERT INTO schemes
		(name, time_zone, send_from, send_until, duty_name, duty_phone, duty_telegram_chat_id, settings, created_at)
		VALUES (:name, :time_zone, :send_from, :send_until, :duty_name, :duty_phone, :duty_telegram_chat_id, :settings, :created_at)`, s)
	s.ID = id
	return err
}

// GetScheme returns the scheme with id.
func (tx *Tx) GetScheme(ctx context.Context, id int64) (Scheme, error) {
	var s Scheme
	err := tx.get(ctx, "get scheme", &s, `SELECT `+schemeColumns+` FROM schemes WHERE id = ?`, id)
	return s, err
}

// ListSchemes returns every scheme by name.
func (tx *Tx) ListSchemes(ctx context.Context) ([]Scheme, error) {
	var list []Scheme
	err := tx.selectAll(ctx, "list schemes", &list, `SELECT `+schemeColumns+` FROM schemes ORDER BY name, id`)
	return list, err
}

// UpdateScheme saves s's settings (everything but ID and CreatedAt).
func (tx *Tx) UpdateScheme(ctx context.Context, s Scheme) error {
	const op = "update scheme"
	if _, err := s.Location(); err != nil {
		return invalid(op, "unknown time zone %q", s.TimeZone)
	}
	return tx.execNamedOne(ctx, op, `UPDATE schemes SET name = :name, time_zone = :time_zone,
		send_from = :send_from, send_until = :send_until, duty_name = :duty_name, duty_phone = :duty_phone,
		duty_telegram_chat_id = :duty_telegram_chat_id, settings = :settings WHERE id = :id`, s)
}

// CreateScheme inserts s, filling in defaults, ID and CreatedAt.
func (db *DB) CreateScheme(ctx context.Context, s *Scheme) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateScheme(ctx, s) })
}

// GetScheme returns the scheme with id.
func (db *DB) GetScheme(ctx context.Context, id int64) (Scheme, error) {
	return read(ctx, db, func(tx *Tx) (Scheme, error) { return tx.GetScheme(ctx, id) })
}

// ListSchemes returns every scheme by name.
func (db *DB) ListSchemes(ctx context.Context) ([]Scheme, error) {
	return read(ctx, db, func(tx *Tx) ([]Scheme, error) { return tx.ListSchemes(ctx) })
}

// UpdateScheme saves s's settings (everything but ID and CreatedAt).
func (db *DB) UpdateScheme(ctx context.Context, s Scheme) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.UpdateScheme(ctx, s) })
}
