package store

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/jmoiron/sqlx"
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
	p, err := db.migrations(ctx, db.write)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate %s: %w", db.where, err)
	}
	return nil
}

// migrations returns a goose provider for db's dialect and migrations,
// working through pool.
func (db *DB) migrations(ctx context.Context, pool *sqlx.DB) (*goose.Provider, error) {
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
	p, err := goose.NewProvider(dialect, pool.DB, fsys, opts...)
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
	if err := db.write.GetContext(ctx, &schema, "SELECT coalesce(current_schema(), '')"); err != nil {
		return 0, fmt.Errorf("store: read current schema of %s: %w", db.where, err)
	}
	h := fnv.New64a()
	h.Write([]byte("linkbot migrate " + schema))
	return int64(h.Sum64() >> 1), nil
}

// schemaCurrent returns nil when every migration built into this binary has
// been applied to db. It only reads, through the read pool.
func (db *DB) schemaCurrent(ctx context.Context) error {
	p, err := db.migrations(ctx, db.read)
	if err != nil {
		return err
	}
	var rows []struct {
		Version int64 `db:"version_id"`
		Applied bool  `db:"is_applied"`
	}
	err = db.read.SelectContext(ctx, &rows, `SELECT version_id, is_applied FROM goose_db_version ORDER BY id`)
	if err != nil {
		return fmt.Errorf("store: %s has no readable schema version (%v); run \"linkbot migrate\"", db.where, err)
	}
	applied := map[int64]bool{}
	for _, r := range rows {
		applied[r.Version] = r.Applied // the last row for a version says where it stands
	}
	var missing []int64
	for _, src := range p.ListSources() {
		if !applied[src.Version] {
			missing = append(missing, src.Version)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("store: schema of %s lacks migrations %v; run \"linkbot migrate\"", db.where, missing)
	}
	return nil
}
