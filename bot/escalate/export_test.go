package escalate

// Test-only entry points for the package's external tests
// (escalate_test.go). Nothing in production calls these.

import (
	"context"

	"github.com/linkbot/linkbot/store"
)

// NotifyLinkWorker queues the urgent notice of e to its link worker and
// marks e notified, unless it was already; it reports whether it did. The
// inbound pipeline may call it inside the transaction that raises e.
func NotifyLinkWorker(ctx context.Context, tx *store.Tx, inboxURL string, e store.Escalation, worker store.LinkWorker) (bool, error) {
	l := Loop{InboxURL: inboxURL}
	return l.notifyLinkWorker(ctx, tx, e, worker)
}
