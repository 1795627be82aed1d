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
