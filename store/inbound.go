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
// recently.
func (tx *Tx) LockInboundPerson(ctx context.Context, channel Channel, address, to string) (Person, *int64, error) {
	return tx.inboundPerson(ctx, channel, address, to, true)
}

func (tx *Tx) inboundPerson(ctx context.Context, channel Channel, address, to string, lock bool) (Person, *int64, error) {
	const op = "find inbound person"
	where, arg, ok := senderWhere(channel, address)
	if !ok {
		return Person{}, nil, &Error{Code: NotFound, Op: op, Message: "not an address of this channel"}
	}
	schemeID, owned, err := tx.inboundScope(ctx, channel, to)
	if err != nil {
		return Person{}, nil, err
	}
	args := []any{arg}
	if owned {
		where += ` AND scheme_id = ?`
		args = append(args, schemeID)
	} else {
		id, ok, err := tx.onlyScheme(ctx, where, arg)
		if err != nil {
			return Person{}, nil, err
		}
		if !ok {
			return Person{}, nil, ErrSenderInSeveralSchemes
		}
		where += ` AND scheme_id = ?`
		args = append(args, id)
	}
	var row struct {
		Person
		OpenRunID *int64 `db:"open_run_id"`
	}
	suffix := ""
	if lock {
		suffix = tx.forUpdate()
	}
	err = tx.get(ctx, op, &row, `SELECT `+personColumns+`,
		(SELECT r.id FROM dialogue_runs r WHERE r.person_id = people.id AND r.ended_at IS NULL) AS open_run_id
		FROM people WHERE `+where+` ORDER BY status = 'active' DESC, referred_at DESC, id DESC LIMIT 1`+suffix, args...)
	return row.Person, row.OpenRunID, err
}

// ErrSenderInSeveralSchemes is the NotFound of an inbound lookup whose
// sender several schemes know while the address they wrote to belongs to
// none of them: each scheme's numbers must be registered (SetSchemeSenders).
var ErrSenderInSeveralSchemes = &Error{Code: NotFound, Op: "find inbound person",
	Message: "the sender is known to several schemes and the address they wrote to belongs to none"}

// onlyScheme is the one scheme whose people match where: the one scheme
// with an active match, else the one scheme with any. It reports false
// when several schemes match alike (and 0, true when none does).
func (tx *Tx) onlyScheme(ctx context.Context, where string, arg any) (int64, bool, error) {
	var rows []struct {
		SchemeID int64        `db:"scheme_id"`
		Status   PersonStatus `db:"status"`
	}
	if err := tx.selectAll(ctx, "find inbound scheme", &rows, `SELECT DISTINCT scheme_id, status FROM people WHERE `+where, arg); err != nil {
		return 0, false, err
	}
	active, any := map[int64]bool{}, map[int64]bool{}
	for _, r := range rows {
		any[r.SchemeID] = true
		if r.Status == PersonActive {
			active[r.SchemeID] = true
		}
	}
	for _, set := range []map[int64]bool{active, any} {
		switch len(set) {
		case 0:
			continue
		case 1:
			for id := range set {
				return id, true, nil
			}
		}
		return 0, false, nil
	}
	return 0, true, nil
}

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
