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
}

// SendStates returns the send state of each of the people, by id.
func (tx *Tx) SendStates(ctx context.Context, personIDs []int64) (map[int64]SendState, error) {
	const op = "read send states"
	states := map[int64]SendState{}
	if len(personIDs) == 0 {
		return states, nil
	}
	q, args, err := sqlx.In(`SELECT id, opted_out_at IS NOT NULL AS opted_out, telegram_blocked_at IS NOT NULL AS blocked
		FROM people WHERE id IN (?)`, personIDs)
	if err != nil {
		return nil, invalid(op, "%v", err)
	}
	var rows []struct {
		ID       int64 `db:"id"`
		OptedOut bool  `db:"opted_out"`
		Blocked  bool  `db:"blocked"`
	}
	if err := tx.selectAll(ctx, op, &rows, q, args...); err != nil {
		return nil, err
	}
	for _, r := range rows {
		states[r.ID] = SendState{OptedOut: r.OptedOut, TelegramBlocked: r.Blocked}
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

// MarkSentBatch is MarkSent for many messages in one statement. It returns
// the ids of the messages it marked; the others were no longer owner's.
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
	args = append(args, tx.now, owner)
	var ids []int64
	err := tx.selectAll(ctx, "mark messages sent", &ids, `WITH v (id, pid) AS (VALUES `+strings.Join(values, ", ")+`)
		UPDATE messages SET status = 'sent', provider_id = (SELECT pid FROM v WHERE v.id = messages.id), sent_at = ?,
		lease_owner = NULL, lease_until = NULL, error_code = '', error_text = ''
		WHERE id IN (SELECT id FROM v) AND status = 'sending' AND lease_owner = ?
		RETURNING id`, args...)
	return ids, err
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
