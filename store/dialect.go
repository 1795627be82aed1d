package store

import "github.com/jmoiron/sqlx"

// The SQL the two databases disagree on lives here; every query elsewhere is
// written once. (Schema differences live in the two migration directories,
// and error codes in errors.go.)

// rebind turns the "?" placeholders of q into the database's own.
func (tx *Tx) rebind(q string) string {
	if tx.postgres {
		return sqlx.Rebind(sqlx.DOLLAR, q)
	}
	return q
}

// forUpdate is the clause that locks the selected rows until the
// transaction ends. SQLite needs none: a write transaction there holds the
// whole database.
func (tx *Tx) forUpdate() string {
	if tx.postgres {
		return " FOR UPDATE"
	}
	return ""
}

// skipLocked is forUpdate for claiming work: rows another transaction has
// locked are passed over instead of waited for.
func (tx *Tx) skipLocked() string {
	if tx.postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}
