package store

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrationFiles holds the schema of both databases, one directory each.
//
//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrationFiles embed.FS

// Migrate brings the schema up to date with the migrations built into this
// binary. On PostgreSQL it holds a session advisory lock while it works, so
// several processes may call it at the same moment: one applies the
// migrations, the others wait and then find nothing left to do.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.migrations(ctx)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate %s: %w", db.where, err)
	}
	return nil
}

// migrations returns a goose provider for db's dialect and migrations.
func (db *DB) migrations(ctx context.Context) (*goose.Provider, error) {
	dir, dialect := "migrations/sqlite", goose.DialectSQLite3
	var opts []goose.ProviderOption
	if db.postgres {
		dir, dialect = "migrations/postgres", goose.DialectPostgres
		id, err := db.migrationLockID(ctx)
		if err != nil {
			return nil, err
		}
		locker, err := lock.NewPostgresSessionLocker(
			lock.WithLockID(id),
			lock.WithLockTimeout(1, 600), // try each second, for up to ten minutes
		)
		if err != nil {
			return nil, fmt.Errorf("store: migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	fsys, err := fs.Sub(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	p, err := goose.NewProvider(dialect, db.write.DB, fsys, opts...)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

// migrationLockID is the advisory lock that serialises migrations. It is
// derived from the schema the connection works in, so Linkbots sharing one
// schema take turns while separate schemas (as in tests) do not wait for
// each other.
func (db *DB) migrationLockID(ctx context.Context) (int64, error) {
	var schema string
	if err := db.write.GetContext(ctx, &schema, "SELECT current_schema()"); err != nil {
		return 0, fmt.Errorf("store: read current schema of %s: %w", db.where, err)
	}
	h := fnv.New64a()
	h.Write([]byte("linkbot migrate " + schema))
	return int64(h.Sum64() >> 1), nil
}
