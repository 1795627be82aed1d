package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// FindInboundPerson returns the person who writes from address on channel
// to `to`, our address they wrote to (see LockInboundPerson).
func (tx *Tx) FindInboundPerson(ctx context.Context, channel Channel, address, to string) (Person, error) {
	p, _, err := tx.inboundPerson(ctx, channel, address, to, false)
	return p, err
}

// LockInboundPerson returns the person who writes from address (a phone
// number for SMS and the simulated channel, a chat id for Telegram) on
// channel to `to`, our address they wrote to (a Twilio number, a bot id),
// locks their row until tx ends (see LockPerson), and returns the id of
// their open run, nil when they have none. The run id is as of the
// statement's start: if the statement waited for the lock, a run may have
// ended (check EndedAt) or, rarely, started since.
//
// Only the scheme that owns `to` (see SetSchemeSenders) is searched, so a
// phone known to two schemes reaches each through its own number. When no
// scheme owns `to`, the sender must be known to one scheme alone: a sender
// known to several is NotFound rather than given to the wrong one. Within
// a scheme an active person comes before one whose support has ended
// (whose messages must still reach someone), then the one referred most
// recently. An address the scheme erased (see ErasePerson) matches no one
// there: its sender is unknown.
func (tx *Tx) LockInboundPerson(ctx context.Context, channel Channel, address, to string) (Person, *int64, error) {
	return tx.inboundPerson(ctx, channel, address, to, true)
}

func (tx *Tx) inboundPerson(ctx context.Context, channel Channel, address, to string, lock bool) (Person, *int64, error) {
	const op = "find inbound person"
	where, arg, ok := senderWhere(channel, address)
	if !ok {
		return Person{}, nil, &Error{Code: NotFound, Op: op, Message: "not an address of this channel"}
	}
	var rows []struct {
		Person
		OpenRunID *int64 `db:"open_run_id"`
		Owned     bool   `db:"owned"`
	}
	suffix := ""
	if lock {
		suffix = tx.forUpdate()
	}
	// One statement: the people with the address, of the scheme that owns
	// `to` when one does, best first; the second tells whether an
	// unowned `to` leaves the sender ambiguous.
	const owner = `FROM scheme_senders s WHERE s.channel = ? AND s.address = ?`
	err := tx.selectPrepared(ctx, op, &rows, `SELECT `+personColumns+`,
		(SELECT r.id FROM dialogue_runs r WHERE r.person_id = people.id AND r.ended_at IS NULL) AS open_run_id,
		EXISTS (SELECT 1 `+owner+`) AS owned
		FROM people WHERE `+where+` AND (scheme_id = (SELECT s.scheme_id `+owner+`) OR NOT EXISTS (SELECT 1 `+owner+`))
		AND NOT EXISTS (SELECT 1 FROM erased_addresses e WHERE e.scheme_id = people.scheme_id AND e.address_hash = ?)
		ORDER BY status = 'active' DESC, referred_at DESC, id DESC LIMIT 2`+suffix,
		channel, to, arg, channel, to, channel, to, senderHash(channel, address))
	switch {
	case err != nil:
		return Person{}, nil, err
	case len(rows) == 0:
		return Person{}, nil, &Error{Code: NotFound, Op: op, Message: "no one has this address"}
	case len(rows) == 2 && !rows[0].Owned && rows[0].SchemeID != rows[1].SchemeID &&
		(rows[0].Status == PersonActive) == (rows[1].Status == PersonActive):
		// Known alike to two schemes, writing to a number neither owns.
		return Person{}, nil, ErrSenderInSeveralSchemes
	}
	return rows[0].Person, rows[0].OpenRunID, nil
}

// ErrSenderInSeveralSchemes is the NotFound of an inbound lookup whose
// sender several schemes know while the address they wrote to belongs to
// none of them: each scheme's numbers must be registered (SetSchemeSenders).
var ErrSenderInSeveralSchemes = &Error{Code: NotFound, Op: "find inbound person",
	Message: "the sender is known to several schemes and the address they wrote to belongs to none"}

// Savepoint runs fn inside a savepoint of tx. If fn fails, what it wrote is
// undone and the transaction carries on as before it; fn's error is
// returned. Earlier writes of the transaction are kept either way.
func (tx *Tx) Savepoint(ctx context.Context, fn func() error) error {
	const op = "savepoint"
	if _, err := tx.exec(ctx, op, `SAVEPOINT linkbot_step`); err != nil {
		return err
	}
	if err := fn(); err != nil {
		if _, rerr := tx.exec(ctx, op, `ROLLBACK TO SAVEPOINT linkbot_step`); rerr != nil {
			return rerr
		}
		tx.exec(ctx, op, `RELEASE SAVEPOINT linkbot_step`)
		return err
	}
	_, err := tx.exec(ctx, op, `RELEASE SAVEPOINT linkbot_step`)
	return err
}

// addressHash is how an unknown sender's address is kept: hashed, so the
// table does not list strangers' numbers.
func addressHash(channel Channel, address string) string {
	sum := sha256.Sum256([]byte(string(channel) + ":" + address))
	return hex.EncodeToString(sum[:])
}

// NoteUnknownSender records that address, which belongs to no one, wrote
// in on channel. If it has had no reply within the last gap, a polite reply
// is queued for it (see ClaimUnknownReplies) and queued is true. With risk
// set the message may show risk: the safety-net reply is queued at once,
// whatever the gap, unless one is already waiting to go.
func (tx *Tx) NoteUnknownSender(ctx context.Context, channel Channel, address string, gap time.Duration, risk bool) (queued bool, err error) {
	const op = "note unknown sender"
	hash := addressHash(channel, address)
	if risk {
		if _, err := tx.exec(ctx, op, `INSERT INTO unknown_senders (channel, address_hash, first_seen_at, last_seen_at, seen)
			VALUES (?, ?, ?, ?, 0) ON CONFLICT (channel, address_hash) DO NOTHING`, channel, hash, tx.now, tx.now); err != nil {
			return false, err
		}
		n, err := tx.exec(ctx, op, `UPDATE unknown_senders SET seen = seen + 1, last_seen_at = ?, last_replied_at = ?,
			reply_status = 'queued', address = ?, safety_net = TRUE
			WHERE channel = ? AND address_hash = ? AND NOT (safety_net AND reply_status IN ('queued', 'sending'))`,
			tx.now, tx.now, address, channel, hash)
		return n > 0, err
	}
	if _, err := tx.exec(ctx, op, `INSERT INTO unknown_senders (channel, address_hash, first_seen_at, last_seen_at, seen)
		VALUES (?, ?, ?, ?, 0) ON CONFLICT (channel, address_hash) DO NOTHING`, channel, hash, tx.now, tx.now); err != nil {
		return false, err
	}
	n, err := tx.exec(ctx, op, `UPDATE unknown_senders SET seen = seen + 1, last_seen_at = ?,
		last_replied_at = CASE WHEN last_replied_at IS NULL OR last_replied_at <= ? THEN ? ELSE last_replied_at END,
		reply_status = CASE WHEN last_replied_at IS NULL OR last_replied_at <= ? THEN 'queued' ELSE reply_status END,
		address = CASE WHEN last_replied_at IS NULL OR last_replied_at <= ? THEN ? ELSE address END
		WHERE channel = ? AND address_hash = ? AND (last_replied_at IS NULL OR last_replied_at <= ?)`,
		tx.now, tx.now.Add(-gap), tx.now, tx.now.Add(-gap), tx.now.Add(-gap), address, channel, hash, tx.now.Add(-gap))
	if err != nil {
		return false, err
	}
	if n == 0 {
		_, err = tx.exec(ctx, op, `UPDATE unknown_senders SET seen = seen + 1, last_seen_at = ?
			WHERE channel = ? AND address_hash = ?`, tx.now, channel, hash)
	}
	return n > 0, err
}

// UnknownReply is a polite reply due to an address that belongs to no one.
type UnknownReply struct {
	Channel     Channel `db:"channel"`
	AddressHash string  `db:"address_hash"`
	Address     string  `db:"address"`
	SafetyNet   bool    `db:"safety_net"` // the message may have shown risk: send the safety net
}

// ClaimUnknownReplies claims up to limit queued replies to unknown senders
// for owner until now+lease. A claim whose lease ran out is due again.
func (tx *Tx) ClaimUnknownReplies(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]UnknownReply, error) {
	now = utc(now)
	var list []UnknownReply
	err := tx.selectAll(ctx, "claim unknown replies", &list, `WITH due AS (
			SELECT channel, address_hash FROM unknown_senders
			WHERE reply_status IN ('queued', 'sending') AND coalesce(lease_until, last_replied_at) <= ?
			ORDER BY coalesce(lease_until, last_replied_at)
			LIMIT ?`+tx.skipLocked()+`
		)
		UPDATE unknown_senders SET reply_status = 'sending', lease_owner = ?, lease_until = ?
		WHERE (channel, address_hash) IN (SELECT channel, address_hash FROM due)
		RETURNING channel, address_hash, address, safety_net`, now, limit, owner, now.Add(lease))
	return list, err
}

// FinishUnknownReply records whether the reply owner claimed was sent, and
// forgets the address.
func (tx *Tx) FinishUnknownReply(ctx context.Context, r UnknownReply, owner string, sent bool) error {
	status := "failed"
	if sent {
		status = "sent"
	}
	_, err := tx.exec(ctx, "finish unknown reply", `UPDATE unknown_senders SET reply_status = ?, address = NULL,
		safety_net = FALSE, lease_owner = NULL, lease_until = NULL
		WHERE channel = ? AND address_hash = ? AND reply_status = 'sending' AND lease_owner = ?`,
		status, r.Channel, r.AddressHash, owner)
	return err
}

// SetTelegramBlocked records that the person blocked the bot on Telegram
// at at, or, with a nil at, that they unblocked it. It reports whether
// that changed anything.
func (tx *Tx) SetTelegramBlocked(ctx context.Context, personID int64, at *time.Time) (bool, error) {
	cond := `telegram_blocked_at IS NULL`
	if at == nil {
		cond = `telegram_blocked_at IS NOT NULL`
	}
	n, err := tx.exec(ctx, "set telegram blocked", `UPDATE people SET telegram_blocked_at = ? WHERE id = ? AND `+cond, utcp(at), personID)
	return n > 0, err
}

// FindOutbound returns the outbound message the channel knows as providerID.
func (tx *Tx) FindOutbound(ctx context.Context, channel Channel, providerID string) (Message, error) {
	var m Message
	err := tx.get(ctx, "find outbound message", &m, `SELECT `+messageColumns+` FROM messages
		WHERE channel = ? AND provider_id = ? AND direction = 'out'`, channel, providerID)
	return m, err
}

// NextContact returns the person's next booked or confirmed contact from now.
func (tx *Tx) NextContact(ctx context.Context, personID int64) (Contact, error) {
	var c Contact
	err := tx.get(ctx, "next contact", &c, `SELECT `+contactColumns+` FROM contacts
		WHERE person_id = ? AND status IN ('booked', 'confirmed') AND starts_at >= ? ORDER BY starts_at LIMIT 1`, personID, tx.now)
	return c, err
}

// CancelRunTimeouts cancels the run's planned reply reminders and expiries
// (a reply came, or the run ended), and returns how many it cancelled.
func (tx *Tx) CancelRunTimeouts(ctx context.Context, runID int64) (int64, error) {
	return tx.exec(ctx, "cancel run timeouts", `UPDATE nudges SET status = 'cancelled', note = 'answered', finished_at = ?
		WHERE run_id = ? AND kind IN ('reply_reminder', 'reply_expiry') AND status = 'planned'`, tx.now, runID)
}
