package store

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/lib/pq"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Code says what kind of failure an Error is, so callers can answer it
// (an HTTP status, a retry, a message to a person) without reading SQL errors.
type Code string

// The codes an Error can carry.
const (
	Invalid  Code = "invalid"   // the data breaks a rule of the schema: a check, a missing value, a row of another scheme
	NotFound Code = "not_found" // the row does not exist
	Conflict Code = "conflict"  // the row already exists (a unique key)
)

// Error is a failure the caller can act on. Use errors.Is(err, ErrConflict)
// or ErrorCode(err) to test it.
type Error struct {
	Code       Code
	Op         string // what failed, e.g. "create nudge"
	Constraint string // the schema constraint that refused the data, when known
	Message    string
	Err        error // the database's error, if any
}

// Sentinel errors for errors.Is: an *Error matches the one with its Code.
var (
	ErrInvalid  = &Error{Code: Invalid}
	ErrNotFound = &Error{Code: NotFound}
	ErrConflict = &Error{Code: Conflict}
)

func (e *Error) Error() string {
	msg := "store: " + e.Op + ": " + string(e.Code)
	if e.Constraint != "" {
		msg += " (" + e.Constraint + ")"
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// Unwrap returns the database's own error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches another *Error with the same Code, so errors.Is(err, ErrConflict) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Op == "" && t.Code == e.Code
}

// ErrorCode returns the Code of the *Error in err's chain, or "" if there is none.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// invalid returns an Invalid error for a value the store refuses before
// asking the database.
func invalid(op, format string, args ...any) error {
	return &Error{Code: Invalid, Op: op, Message: fmt.Sprintf(format, args...)}
}

// classify wraps a database error with op and, when it is one the caller can
// act on, a Code. This is the one place that reads PostgreSQL and SQLite
// error codes.
func classify(op string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return &Error{Code: NotFound, Op: op, Message: "no such row", Err: err}
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		code := pqCodes[string(pqErr.Code)]
		if code == "" {
			return fmt.Errorf("store: %s: %w", op, err)
		}
		return &Error{Code: code, Op: op, Constraint: pqErr.Constraint, Message: pqErr.Message, Err: err}
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		code := sqliteCodes[sqliteErr.Code()]
		if code == "" {
			return fmt.Errorf("store: %s: %w", op, err)
		}
		return &Error{Code: code, Op: op, Message: sqliteErr.Error(), Err: err}
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

// pqCodes maps PostgreSQL SQLSTATE codes to Codes.
var pqCodes = map[string]Code{
	"23505": Conflict, // unique_violation
	"23503": Invalid,  // foreign_key_violation
	"23514": Invalid,  // check_violation
	"23502": Invalid,  // not_null_violation
	"22P02": Invalid,  // invalid_text_representation (e.g. bad JSON)
	"22007": Invalid,  // invalid_datetime_format
}

// sqliteCodes maps SQLite extended result codes to Codes.
var sqliteCodes = map[int]Code{
	sqlite3.SQLITE_CONSTRAINT_UNIQUE:     Conflict,
	sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY: Conflict,
	sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY: Invalid,
	sqlite3.SQLITE_CONSTRAINT_CHECK:      Invalid,
	sqlite3.SQLITE_CONSTRAINT_NOTNULL:    Invalid,
	sqlite3.SQLITE_CONSTRAINT_TRIGGER:    Invalid, // RAISE(ABORT, …) in the schema's triggers
}
