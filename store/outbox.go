package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// SendState is what the dispatcher must know of a person before sending
// to them.
type SendState struct {
	OptedOut        bool // no nudges or replies: only keyword answers and the safety net
	TelegramBlocked bool // the person blocked the bot on Telegram
	Restricted      bool // processing restricted: nothing but the safety net
	Erased          bool // the record was erased: nothing at all
}

// SendStates returns the send state of each of the people, by id.
func (tx *Tx) SendStates(ctx context.Context, personIDs []int64) (map[int64]SendState, error) {
	const op = "read send states"
	states := map[int64]SendState{}
	if len(personIDs) == 0 {
		return states, nil
	}
	q, args, err := sqlx.In(`SELECT id, opted_out_at IS NOT NULL AS opted_out, telegram_blocked_at IS NOT NULL AS blocked,
		restricted_at IS NOT NULL AS restricted, erased_at IS NOT NULL AS erased
		FROM people WHERE id IN (?)`, personIDs)
	if err != nil {
		return nil, invalid(op, "%v", err)
	}
	var rows []struct {
		ID         int64 `db:"id"`
		OptedOut   bool  `db:"opted_out"`
		Blocked    bool  `db:"blocked"`
		Restricted bool  `db:"restricted"`
		Erased     bool  `db:"erased"`
	}
	if err := tx.selectAll(ctx, op, &rows, q, args...); err != nil {
		return nil, err
	}
	for _, r := range rows {
		states[r.ID] = SendState{OptedOut: r.OptedOut, TelegramBlocked: r.Blocked, Restricted: r.Restricted, Erased: r.Erased}
	}
	return states, nil
}

// SendKey is one text to one address.
type SendKey struct {
	Channel Channel
	Address string
	Body    string
}

// RecentSends counts, for each text to each of the addresses, the
// outbound messages sent since since (sent, delivered or undelivered).
func (tx *Tx) RecentSends(ctx context.Context, addresses []string, since time.Time) (map[SendKey]int, error) {
	const op = "count recent sends"
	counts := map[SendKey]int{}
	if len(addresses) == 0 {
		return counts, nil
	}
	q, args, err := sqlx.In(`SELECT channel, address, body, count(*) AS n FROM messages
		WHERE direction = 'out' AND address IN (?) AND sent_at >= ? AND status IN ('sent', 'delivered', 'undelivered')
		GROUP BY channel, address, body`, addresses, utc(since))
	if err != nil {
		return nil, invalid(op, "%v", err)
	}
	var rows []struct {
		SendKey
		N int `db:"n"`
	}
	if err := tx.selectAll(ctx, op, &rows, q, args...); err != nil {
		return nil, err
	}
	for _, r := range rows {
		counts[r.SendKey] = r.N
	}
	return counts, nil
}

// Sent is a message the provider accepted, with its id there.
type Sent struct {
	ID         int64
	ProviderID string
}

// MarkSentBatch records that the provider accepted each of the messages,
// in one statement. A send the provider accepted is a fact whoever holds
// the message now: it is marked sent even if owner's lease ran out meanwhile
// (a database outage longer than the lease), so it is never sent a third
// time. It returns the ids it marked; the others were already recorded.
func (tx *Tx) MarkSentBatch(ctx context.Context, owner string, sent []Sent) ([]int64, error) {
	if len(sent) == 0 {
		return nil, nil
	}
	values := make([]string, len(sent))
	args := make([]any, 0, 2*len(sent)+3)
	for i, s := range sent {
		values[i] = "(CAST(? AS bigint), ?)"
		args = append(args, s.ID, s.ProviderID)
	}
	args = append(args, tx.now)
	var ids []int64
	err := tx.selectAll(ctx, "mark messages sent", &ids, `WITH v (id, pid) AS (VALUES `+strings.Join(values, ", ")+`)
		UPDATE messages SET status = 'sent', provider_id = (SELECT pid FROM v WHERE v.id = messages.id), sent_at = ?,
		lease_owner = NULL, lease_until = NULL, error_code = '', error_text = ''
		WHERE id IN (SELECT id FROM v) AND status IN ('sending', 'queued')
		RETURNING id`, args...)
	return ids, err
}

// AsyncCommit lets the transaction's commit return before PostgreSQL has
// flushed it to disk (synchronous_commit off, for this transaction only).
// The dispatcher records send outcomes so: a crash of the PostgreSQL server
// itself may lose the last fraction of a second of them (those messages are
// sent again), while a crash of the dispatcher or a lost connection loses
// nothing committed. No-op on SQLite.
func (tx *Tx) AsyncCommit(ctx context.Context) error {
	if !tx.postgres {
		return nil
	}
	_, err := tx.exec(ctx, "async commit", `SET LOCAL synchronous_commit = off`)
	return err
}

// RenewLeases extends to until the lease of every message owner is
// sending, and returns how many it extended. A live dispatcher renews its
// short leases often, so the claims of one that died return in seconds.
func (tx *Tx) RenewLeases(ctx context.Context, owner string, until time.Time) (int64, error) {
	return tx.exec(ctx, "renew leases", `UPDATE messages SET lease_until = ?
		WHERE status = 'sending' AND lease_owner = ?`, utc(until), owner)
}

// DropStale keeps back, for good, a message owner held that can no longer
// go before its deadline: held with error code "stale" and why.
func (tx *Tx) DropStale(ctx context.Context, id int64, owner, why string) error {
	const op = "drop stale message"
	return leasedMessage(op, tx.execOne(ctx, op, `UPDATE messages SET status = 'held', lease_owner = NULL, lease_until = NULL,
		error_code = 'stale', error_text = ? WHERE id = ? AND status = 'sending' AND lease_owner = ?`, why, id, owner))
}

// ErrorStale is the error code of a message dropped because it could no
// longer go before its deadline.
const ErrorStale = "stale"

// ContactTimes returns, for each of the messages sent by a nudge about a
// contact (a reminder), when that contact starts, by message id.
func (tx *Tx) ContactTimes(ctx context.Context, ids []int64) (map[int64]time.Time, error) {
	const op = "read contact times"
	out := map[int64]time.Time{}
	if len(ids) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In(`SELECT m.id, c.starts_at FROM messages m
		JOIN nudges n ON n.id = m.nudge_id JOIN contacts c ON c.id = n.contact_id
		WHERE m.id IN (?) AND m.nudge_id IS NOT NULL`, ids)
	if err != nil {
		return nil, invalid(op, "%v", err)
	}
	var rows []struct {
		ID       int64     `db:"id"`
		StartsAt time.Time `db:"starts_at"`
	}
	if err := tx.selectAll(ctx, op, &rows, q, args...); err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r.StartsAt
	}
	return out, nil
}

// EarlyStatus is a provider's delivery report kept because no message had
// its provider id yet when it came.
type EarlyStatus struct {
	ID         int64         `db:"id"`
	Channel    Channel       `db:"channel"`
	ProviderID string        `db:"provider_id"`
	Status     MessageStatus `db:"status"`
	ErrorCode  string        `db:"error_code"`
	OptedOut   bool          `db:"opted_out"`
	ReceivedAt time.Time     `db:"received_at"`
}

// KeepEarlyStatus keeps a delivery report for a provider id no message has
// yet, to be applied when one has.
func (tx *Tx) KeepEarlyStatus(ctx context.Context, st *EarlyStatus) error {
	st.ReceivedAt = tx.now
	id, err := tx.insert(ctx, "keep early status", `INSERT INTO early_statuses
		(channel, provider_id, status, error_code, opted_out, received_at) VALUES (?, ?, ?, ?, ?, ?)`,
		st.Channel, st.ProviderID, st.Status, st.ErrorCode, st.OptedOut, st.ReceivedAt)
	st.ID = id
	return err
}

// EarlyStatusesReady returns up to limit kept delivery reports whose
// provider id a message now has, oldest first, locked for the transaction
// (others skip them).
func (tx *Tx) EarlyStatusesReady(ctx context.Context, limit int) ([]EarlyStatus, error) {
	var list []EarlyStatus
	err := tx.selectAll(ctx, "list early statuses", &list, `SELECT id, channel, provider_id, status, error_code, opted_out, received_at
		FROM early_statuses e WHERE EXISTS (SELECT 1 FROM messages m WHERE m.channel = e.channel AND m.provider_id = e.provider_id)
		ORDER BY id LIMIT ?`+tx.skipLocked(), limit)
	return list, err
}

// DeleteEarlyStatus removes a kept delivery report once applied.
func (tx *Tx) DeleteEarlyStatus(ctx context.Context, id int64) error {
	_, err := tx.exec(ctx, "delete early status", `DELETE FROM early_statuses WHERE id = ?`, id)
	return err
}

// PurgeEarlyStatuses removes the kept delivery reports received before
// before, whose message never came (not ours, or sent again after a crash
// under another id), and returns how many it removed.
func (tx *Tx) PurgeEarlyStatuses(ctx context.Context, before time.Time) (int64, error) {
	return tx.exec(ctx, "purge early statuses", `DELETE FROM early_statuses WHERE received_at < ?`, utc(before))
}

// ReserveSendSlot reserves the next send of the rate-limited sender key,
// one every interval across every process that shares the database (the
// generic cell rate algorithm, burst 1), and returns when it may go: now,
// or later if others have sent recently. Clocks of the processes are
// assumed to agree (NTP).
func (tx *Tx) ReserveSendSlot(ctx context.Context, key string, now time.Time, interval time.Duration) (time.Time, error) {
	step := interval.Microseconds()
	next := utc(now).UnixMicro() + step
	greatest := "max"
	if tx.postgres {
		greatest = "greatest"
	}
	var tat int64
	err := tx.get(ctx, "reserve send slot", &tat, `INSERT INTO send_rates (key, tat) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET tat = `+greatest+`(send_rates.tat + ?, excluded.tat)
		RETURNING tat`, key, next, step)
	if err != nil {
		return time.Time{}, err
	}
	return time.UnixMicro(tat - step).UTC(), nil
}

// Retrying is a message to an address that failed and waits to be tried
// again.
type Retrying struct {
	Channel Channel   `db:"channel"`
	Address string    `db:"address"`
	ID      int64     `db:"id"`
	At      time.Time `db:"at"` // when it is tried again
}

// RetryingTo returns the outbound messages to the addresses that failed and
// are due again after now, oldest first.
func (tx *Tx) RetryingTo(ctx context.Context, addresses []string, now time.Time) ([]Retrying, error) {
	const op = "list retrying messages"
	if len(addresses) == 0 {
		return nil, nil
	}
	q, args, err := sqlx.In(`SELECT channel, address, id, next_attempt_at AS at FROM messages
		WHERE direction = 'out' AND address IN (?) AND status = 'queued' AND attempts > 0 AND next_attempt_at > ?
		ORDER BY id`, addresses, utc(now))
	if err != nil {
		return nil, invalid(op, "%v", err)
	}
	var list []Retrying
	err = tx.selectAll(ctx, op, &list, q, args...)
	return list, err
}

// PutBack returns a message owner claimed but did not try to send to the
// outbox, due at at, without counting the claim as an attempt.
func (tx *Tx) PutBack(ctx context.Context, id int64, owner string, at time.Time) error {
	const op = "put message back"
	return leasedMessage(op, tx.execOne(ctx, op, `UPDATE messages SET status = 'queued', next_attempt_at = ?,
		attempts = attempts - 1, lease_owner = NULL, lease_until = NULL
		WHERE id = ? AND status = 'sending' AND lease_owner = ?`, utc(at), id, owner))
}

// Button is an answer offered with a message on Telegram.
type Button struct {
	Text string `json:"text"` // what the person sees
	Data string `json:"data"` // what comes back when they press it
}

// SetButtons offers buttons with the queued message id.
func (tx *Tx) SetButtons(ctx context.Context, id int64, buttons []Button) error {
	raw, err := json.Marshal(buttons)
	if err != nil {
		return invalid("set buttons", "%v", err)
	}
	return tx.execOne(ctx, "set buttons", `UPDATE messages SET buttons = ? WHERE id = ?`, string(raw), id)
}

// ButtonsOf returns the buttons offered with each of the messages that
// have any, by message id.
func (tx *Tx) ButtonsOf(ctx context.Context, ids []int64) (map[int64][]Button, error) {
	const op = "read buttons"
	out := map[int64][]Button{}
	if len(ids) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In(`SELECT id, buttons FROM messages WHERE id IN (?) AND buttons <> '[]'`, ids)
	if err != nil {
		return nil, invalid(op, "%v", err)
	}
	var rows []struct {
		ID      int64 `db:"id"`
		Buttons JSON  `db:"buttons"`
	}
	if err := tx.selectAll(ctx, op, &rows, q, args...); err != nil {
		return nil, err
	}
	for _, r := range rows {
		var list []Button
		if err := json.Unmarshal(r.Buttons, &list); err != nil {
			return nil, &Error{Code: Invalid, Op: op, Message: err.Error()}
		}
		out[r.ID] = list
	}
	return out, nil
}
