package store

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// JSON is a JSON object kept in a jsonb column on PostgreSQL and a TEXT
// column on SQLite. Empty means {}.
type JSON []byte

// Value writes j as text, which both databases parse.
func (j JSON) Value() (driver.Value, error) {
	if len(j) == 0 {
		return "{}", nil
	}
	return string(j), nil
}

// Scan reads a JSON column.
func (j *JSON) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*j = nil
	case string:
		*j = JSON(v)
	case []byte:
		*j = append(JSON(nil), v...)
	default:
		return fmt.Errorf("store: cannot read %T as JSON", src)
	}
	return nil
}

// MarshalJSON writes j as it is, so a struct holding JSON marshals cleanly.
func (j JSON) MarshalJSON() ([]byte, error) {
	if len(j) == 0 {
		return []byte("{}"), nil
	}
	return j, nil
}

// Strings is a list of words (interests, tags) kept as a JSON array.
type Strings []string

// Value writes s as a JSON array; nil is [].
func (s Strings) Value() (driver.Value, error) {
	if s == nil {
		return "[]", nil
	}
	b, err := json.Marshal([]string(s))
	return string(b), err
}

// Scan reads a JSON array column.
func (s *Strings) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*s = nil
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("store: cannot read %T as a list of words", src)
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return fmt.Errorf("store: read list of words: %w", err)
	}
	*s = list
	return nil
}

// insertNamed runs an INSERT whose values are :name parameters taken from
// arg's db tags, and returns the new row's id.
func (tx *Tx) insertNamed(ctx context.Context, op, q string, arg any) (int64, error) {
	q, args, err := sqlx.Named(q, arg)
	if err != nil {
		return 0, fmt.Errorf("store: %s: %w", op, err)
	}
	return tx.insert(ctx, op, q, args...)
}

// execNamed runs a statement with :name parameters taken from arg and
// requires it to change exactly one row.
func (tx *Tx) execNamedOne(ctx context.Context, op, q string, arg any) error {
	q, args, err := sqlx.Named(q, arg)
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	return tx.execOne(ctx, op, q, args...)
}
