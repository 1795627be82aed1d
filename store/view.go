package store

import "context"

// View runs fn in a read-only transaction: it sees one consistent state
// and never waits for writers (on SQLite it uses the read-only pool). Write
// methods of tx fail inside it.
func (db *DB) View(ctx context.Context, fn func(tx *Tx) error) error {
	return db.inRead(ctx, fn)
}
