package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// MigrateDownAll undoes every migration, for tests of the Down sections.
func (db *DB) MigrateDownAll(ctx context.Context) error {
	p, err := db.migrations(ctx, db.write)
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, 0)
	return err
}

// MigrateDownTo undoes the migrations after version, for tests of one
// migration's Down and Up on a database that holds rows.
func (db *DB) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := db.migrations(ctx, db.write)
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}

// ExecRaw runs one statement with "?" placeholders in a transaction of its
// own, as the application would, for tests of what the schema refuses.
func (db *DB) ExecRaw(ctx context.Context, q string, args ...any) error {
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "raw statement", q, args...)
		return err
	})
}

// ExecAsRole runs stmts, one after another, in one transaction as the
// PostgreSQL role role (SET LOCAL ROLE), and returns the first error.
func (db *DB) ExecAsRole(ctx context.Context, role string, stmts ...string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "set role", `SET LOCAL ROLE "`+role+`"`); err != nil {
			return err
		}
		for _, q := range stmts {
			if _, err := tx.exec(ctx, "as role", q); err != nil {
				return err
			}
		}
		return nil
	})
}

// ColumnsHolding returns "table.column" for every column of every table
// in the database (each value read as text) that holds any of needles,
// ignoring case: the whole-database scan of the erasure tests.
func (db *DB) ColumnsHolding(ctx context.Context, needles ...string) ([]string, error) {
	var cols []struct {
		Table  string `db:"table_name"`
		Column string `db:"column_name"`
	}
	var err error
	if db.postgres {
		err = db.read.SelectContext(ctx, &cols, `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
	} else {
		err = db.read.SelectContext(ctx, &cols, `SELECT m.name AS table_name, c.name AS column_name
			FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table' ORDER BY m.name, c.cid`)
	}
	if err != nil {
		return nil, err
	}
	var found []string
	for _, c := range cols {
		var values []sql.NullString
		if err := db.read.SelectContext(ctx, &values, `SELECT CAST("`+c.Column+`" AS TEXT) FROM "`+c.Table+`"`); err != nil {
			return nil, fmt.Errorf("scan %s.%s: %w", c.Table, c.Column, err)
		}
		for _, n := range needles {
			for _, v := range values {
				if strings.Contains(strings.ToLower(v.String), strings.ToLower(n)) {
					found = append(found, c.Table+"."+c.Column+" holds "+n)
					break
				}
			}
		}
	}
	return found, nil
}

// QueryRowForTest scans the one row of q into dest.
func (tx *Tx) QueryRowForTest(ctx context.Context, q string, dest any) error {
	return tx.get(ctx, "test query", dest, q)
}
