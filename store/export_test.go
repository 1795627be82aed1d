package store

import "context"

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
