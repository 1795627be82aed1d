package store

import "time"

// At returns a view of the same transaction that writes t as the time of
// whatever it records, for importing history (the demo's past weeks, a
// scheme's earlier records). Everything still commits or rolls back as one.
func (tx *Tx) At(t time.Time) *Tx {
	view := *tx
	view.now = utc(t)
	return &view
}
