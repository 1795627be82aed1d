package store

import (
	"context"
	"time"
)

// ListUrgentUnacknowledged returns, across all schemes, the open urgent
// escalations nobody has acknowledged and whose duty contact has not been
// told, oldest first: the ones the follow-up loop watches.
func (tx *Tx) ListUrgentUnacknowledged(ctx context.Context) ([]Escalation, error) {
	var list []Escalation
	err := tx.selectAll(ctx, "list urgent unacknowledged", &list, `SELECT `+escalationColumns+` FROM escalations
		WHERE urgency = 'urgent' AND resolved_at IS NULL AND acknowledged_at IS NULL AND duty_notified_at IS NULL
		ORDER BY created_at, id`)
	return list, err
}

// ClaimNotice marks the escalation's link worker (duty false) or duty
// contact (duty true) as told now, if nobody has marked it yet and it is
// still unacknowledged and open. It reports whether this transaction won
// the claim, so two processes never both send the notice.
func (tx *Tx) ClaimNotice(ctx context.Context, id int64, duty bool) (bool, error) {
	column := "notified_at"
	if duty {
		column = "duty_notified_at"
	}
	n, err := tx.exec(ctx, "claim escalation notice", `UPDATE escalations SET `+column+` = ?
		WHERE id = ? AND `+column+` IS NULL AND acknowledged_at IS NULL AND resolved_at IS NULL`, tx.now, id)
	return n == 1, err
}

// DigestCount is how many non-urgent escalations wait for one link worker.
type DigestCount struct {
	LinkWorkerID int64 `db:"link_worker_id"`
	Soon         int   `db:"soon"`
	Routine      int   `db:"routine"`
}

// ListDigestCounts returns, per link worker of the scheme, their open
// escalations that are not urgent: the escalation's own link worker, or
// else the person's.
func (tx *Tx) ListDigestCounts(ctx context.Context, schemeID int64) ([]DigestCount, error) {
	var list []DigestCount
	err := tx.selectAll(ctx, "list digest counts", &list, `SELECT coalesce(e.link_worker_id, p.link_worker_id) AS link_worker_id,
		sum(CASE WHEN e.urgency = 'soon' THEN 1 ELSE 0 END) AS soon,
		sum(CASE WHEN e.urgency = 'routine' THEN 1 ELSE 0 END) AS routine
		FROM escalations e JOIN people p ON p.id = e.person_id
		WHERE e.scheme_id = ? AND e.resolved_at IS NULL AND e.urgency <> 'urgent'
		AND coalesce(e.link_worker_id, p.link_worker_id) IS NOT NULL
		GROUP BY coalesce(e.link_worker_id, p.link_worker_id) ORDER BY 1`, schemeID)
	return list, err
}

// ClaimDigest records that the link worker's digest for day ("2006-01-02",
// local) is being sent now; false means it was sent already.
func (tx *Tx) ClaimDigest(ctx context.Context, linkWorkerID int64, day string) (bool, error) {
	n, err := tx.exec(ctx, "claim digest", `INSERT INTO digests (link_worker_id, day, created_at) VALUES (?, ?, ?)
		ON CONFLICT (link_worker_id, day) DO NOTHING`, linkWorkerID, day, tx.now)
	return n == 1, err
}

// SetDigestMessage links a claimed digest to the message that carries it.
func (tx *Tx) SetDigestMessage(ctx context.Context, linkWorkerID int64, day string, messageID int64) error {
	return tx.execOne(ctx, "set digest message", `UPDATE digests SET message_id = ? WHERE link_worker_id = ? AND day = ?`,
		messageID, linkWorkerID, day)
}

// FirstSchemeAdmin returns the scheme's longest-serving active admin.
func (tx *Tx) FirstSchemeAdmin(ctx context.Context, schemeID int64) (LinkWorker, error) {
	var w LinkWorker
	err := tx.get(ctx, "first scheme admin", &w, `SELECT `+linkWorkerColumns+` FROM link_workers
		WHERE scheme_id = ? AND role = 'scheme_admin' AND active ORDER BY id LIMIT 1`, schemeID)
	return w, err
}

// NoticeFailedSince reports whether a notification to the link worker
// created at or after since has failed for good (failed or undelivered) or
// is failing now (waiting for another try after a failed send).
func (tx *Tx) NoticeFailedSince(ctx context.Context, linkWorkerID int64, since time.Time) (bool, error) {
	var n int
	// A notice waiting for another try after a failed send is failing
	// now: the dispatcher keeps trying it for hours, but the duty contact
	// must not wait for that.
	err := tx.get(ctx, "notice failed since", &n, `SELECT count(*) FROM messages
		WHERE link_worker_id = ? AND created_at >= ? AND kind = 'notification'
		AND (status IN ('failed', 'undelivered') OR (status = 'queued' AND attempts > 0 AND error_text <> ''))`,
		linkWorkerID, utc(since))
	return n > 0, err
}
