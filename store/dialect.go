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

// jsonElements is a FROM item, named alias, with one row (column value)
// per element of the JSON array of words in column.
func (tx *Tx) jsonElements(column, alias string) string {
	if tx.postgres {
		return "jsonb_array_elements_text(" + column + ") AS " + alias + "(value)"
	}
	return "json_each(" + column + ") AS " + alias
}

// seconds is the expression for the seconds from earlier to later, two
// time expressions.
func (tx *Tx) seconds(later, earlier string) string {
	if tx.postgres {
		return "extract(epoch FROM (" + later + " - " + earlier + "))"
	}
	return "((julianday(" + later + ") - julianday(" + earlier + ")) * 86400.0)"
}

// stringAgg is the aggregate joining the non-NULL values of expr with sep
// (a constant without quotes).
func (tx *Tx) stringAgg(expr, sep string) string {
	if tx.postgres {
		return "string_agg(" + expr + ", '" + sep + "')"
	}
	return "group_concat(" + expr + ", '" + sep + "')"
}
