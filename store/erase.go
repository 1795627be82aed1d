package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErasedName is the name an erased person's row keeps: the column may not
// be blank, and it must say nothing about them.
const ErasedName = "Erased person"

// Erasure is who erases a person's record, from where, and why.
type Erasure struct {
	ActorID *int64 // the scheme admin, if one did it
	Actor   string // who, in words, for the audit trail
	Address string // the admin's client address, for the audit trail
	Reason  string // why; any part of the person's name, phone, NHS number or date of birth in it is replaced by "[erased]"
}

// ErasureReport counts what an erasure removed.
type ErasureReport struct {
	Messages      int64 // messages whose text and address were removed
	OutboxCleared int64 // messages not yet sent that will now never be
	Answers       int64 // answers whose words were removed (their scores stay)
	Notes         int64 // notes deleted
	Nudges        int64 // planned nudges cancelled
}

// ErasePerson erases the personal data of a person (UK GDPR article 17):
// their name, addresses, NHS number, date of birth and every word they or
// anyone wrote about them, in their messages (in and out), answers, notes,
// escalations, contacts, runs, nudges and summaries to their GP. What other records and the
// scheme's anonymous figures need stays, as a tombstone with no personal
// data: the person's row (ids, scheme, link worker, dates, referral
// source, needs categories, consent and end dates), their answers' measure
// keys and scores, contacts, referrals and escalations with their dates
// and reasons. Messages not yet sent to them are never sent (failed,
// error code "erased"); their nudges are cancelled and their open run
// ended; support ends now if it had not. Their phone number and Telegram
// chat are added, as hashes, to the scheme's erased addresses: a message
// from one is treated as from an unknown sender and a referral with one is
// refused (see AddressErased). The erasure is audited as "person.erased"
// with the reason (scrubbed of the person's details) and these counts.
// Erasing a person already erased is Conflict.
func (tx *Tx) ErasePerson(ctx context.Context, personID int64, e Erasure) (ErasureReport, error) {
	const op = "erase person"
	var rep ErasureReport
	p, err := tx.LockPerson(ctx, personID)
	if err != nil {
		return rep, err
	}
	if p.ErasedAt != nil {
		return rep, &Error{Code: Conflict, Op: op, Message: "this person's record is already erased"}
	}
	if strings.TrimSpace(e.Reason) == "" {
		return rep, invalid(op, "give the reason for the erasure")
	}
	for _, h := range personAddressHashes(p) {
		if _, err := tx.exec(ctx, op, `INSERT INTO erased_addresses (scheme_id, address_hash, erased_at) VALUES (?, ?, ?)
			ON CONFLICT (scheme_id, address_hash) DO NOTHING`, p.SchemeID, h, tx.now); err != nil {
			return rep, err
		}
	}
	now, id := tx.now, personID
	steps := []struct {
		n    *int64
		q    string
		args []any
	}{
		{&rep.OutboxCleared, `UPDATE messages SET status = 'failed', error_code = 'erased', next_attempt_at = NULL,
			lease_owner = NULL, lease_until = NULL WHERE person_id = ? AND status IN ('queued', 'sending', 'held')`, []any{id}},
		{&rep.Messages, `UPDATE messages SET body = '', address = 'erased', provider_id = NULL, error_text = '', buttons = '[]'
			WHERE person_id = ?`, []any{id}},
		{&rep.Answers, `UPDATE answers SET words = '' WHERE person_id = ? AND words <> ''`, []any{id}},
		{&rep.Notes, `DELETE FROM notes WHERE person_id = ?`, []any{id}},
		{&rep.Nudges, `UPDATE nudges SET status = 'cancelled', finished_at = ?, lease_owner = NULL, lease_until = NULL
			WHERE person_id = ? AND status IN ('planned', 'claimed')`, []any{now, id}},
		{nil, `UPDATE nudges SET note = '' WHERE person_id = ?`, []any{id}},
		{nil, `UPDATE escalations SET note = '', resolved_at = coalesce(resolved_at, ?) WHERE person_id = ?`, []any{now, id}},
		{nil, `UPDATE contacts SET place = '' WHERE person_id = ?`, []any{id}},
		{nil, `UPDATE dialogue_runs SET ended_at = coalesce(ended_at, ?), outcome = coalesce(outcome, 'cancelled'),
			waiting_since = NULL, state = '{}', subject = '{}' WHERE person_id = ?`, []any{now, id}},
		{nil, `DELETE FROM link_codes WHERE person_id = ?`, []any{id}},
		{nil, `UPDATE support_summaries SET what_matters = '', summary = '{}', sent_to = 'erased' WHERE person_id = ?`, []any{id}},
	}
	for _, s := range steps {
		n, err := tx.exec(ctx, op, s.q, s.args...)
		if err != nil {
			return rep, err
		}
		if s.n != nil {
			*s.n = n
		}
	}
	if err := tx.execOne(ctx, op, `UPDATE people SET name = ?, phone = NULL, telegram_chat_id = NULL, interests = '[]', area = '',
		referred_by = '', preferred_name = '', nhs_number = NULL, date_of_birth = NULL, gp_practice = '', referral_reason = '',
		ended_reason = '', status = 'ended', ended_at = coalesce(ended_at, ?), erased_at = ? WHERE id = ?`,
		ErasedName, tx.now, tx.now, personID); err != nil {
		return rep, err
	}
	detail, err := json.Marshal(map[string]any{"reason": scrub(e.Reason, p), "messages": rep.Messages,
		"outbox_cleared": rep.OutboxCleared, "answers": rep.Answers, "notes": rep.Notes, "nudges": rep.Nudges})
	if err != nil {
		return rep, invalid(op, "%v", err)
	}
	return rep, tx.RecordAudit(ctx, &AuditEvent{SchemeID: p.SchemeID, ActorID: e.ActorID, Actor: e.Actor,
		Action: "person.erased", PersonID: &p.ID, Detail: detail, Address: e.Address})
}

// ErasePerson erases the personal data of a person in one transaction
// (see Tx.ErasePerson).
func (db *DB) ErasePerson(ctx context.Context, personID int64, e Erasure) (ErasureReport, error) {
	return write(ctx, db, func(tx *Tx) (ErasureReport, error) { return tx.ErasePerson(ctx, personID, e) })
}

// erasedHash is how an erased person's address is kept: "phone:+44…" or
// "telegram:123…", hashed.
func erasedHash(kind, address string) string {
	sum := sha256.Sum256([]byte(kind + ":" + address))
	return hex.EncodeToString(sum[:])
}

func personAddressHashes(p Person) []string {
	var out []string
	if p.Phone != nil {
		out = append(out, erasedHash("phone", *p.Phone))
	}
	if p.TelegramChatID != nil {
		out = append(out, erasedHash("telegram", strconv.FormatInt(*p.TelegramChatID, 10)))
	}
	return out
}

// senderHash is the erased-address hash of a sender on channel: SMS and
// the simulated channel write from phones, Telegram from chats.
func senderHash(channel Channel, address string) string {
	if channel == ChannelTelegram {
		return erasedHash("telegram", address)
	}
	return erasedHash("phone", address)
}

// AddressErased reports whether the phone number or Telegram chat of p
// belonged to someone whose record the scheme erased. Referrals with such
// an address are refused: the person asked to be forgotten, and must not
// be contacted again because someone still had their number.
func (tx *Tx) AddressErased(ctx context.Context, p Person) (bool, error) {
	for _, h := range personAddressHashes(p) {
		var n int
		if err := tx.get(ctx, "check erased addresses", &n, `SELECT count(*) FROM erased_addresses
			WHERE scheme_id = ? AND address_hash = ?`, p.SchemeID, h); err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// errErasedAddress refuses a person whose address was erased.
func errErasedAddress(op string) error {
	return &Error{Code: Invalid, Op: op, Constraint: "erased_address",
		Message: "this phone number or Telegram chat belonged to someone whose record was erased; it cannot be given to anyone in this scheme"}
}

// scrub replaces, in text an admin wrote, the person's name (each word of
// it and of their preferred name), phone (also as typed with spaces or a
// leading 0), Telegram chat id, NHS number and date of birth with
// "[erased]", so the audit trail of an erasure does not keep what it erased.
func scrub(text string, p Person) string {
	var words []string
	for _, w := range strings.Fields(p.Name + " " + p.PreferredName) {
		if w = strings.Trim(w, ".,'\"()"); len(w) >= 2 {
			words = append(words, regexp.QuoteMeta(w))
		}
	}
	var digits []string
	if p.Phone != nil {
		d := strings.TrimPrefix(*p.Phone, "+")
		digits = append(digits, d)
		if strings.HasPrefix(d, "44") {
			digits = append(digits, "0"+d[2:])
		}
	}
	if p.TelegramChatID != nil {
		digits = append(digits, strconv.FormatInt(*p.TelegramChatID, 10))
	}
	if p.NHSNumber != nil {
		digits = append(digits, *p.NHSNumber)
	}
	if p.DateOfBirth != nil {
		words = append(words, regexp.QuoteMeta(*p.DateOfBirth))
	}
	for _, d := range digits {
		// The digits in order, with spaces or dashes between any of them.
		var parts []string
		for _, c := range d {
			parts = append(parts, string(c))
		}
		words = append(words, `\+?`+strings.Join(parts, `[\s-]*`))
	}
	if len(words) == 0 {
		return text
	}
	re := regexp.MustCompile(`(?i)` + strings.Join(words, "|"))
	return re.ReplaceAllString(text, "[erased]")
}

// SetRestricted restricts processing of a person's record (UK GDPR article
// 18) from at, or, with a nil at, lifts the restriction. While restricted
// the record is kept but nothing is sent to them: their planned nudges are
// cancelled and their open run stopped here, the nudge loop skips them,
// and the dispatcher holds every message to them but the safety-net reply
// to a message that may show risk (which an unknown sender gets too).
func (tx *Tx) SetRestricted(ctx context.Context, personID int64, at *time.Time) error {
	const op = "restrict processing"
	if err := tx.execOne(ctx, op, `UPDATE people SET restricted_at = ? WHERE id = ? AND erased_at IS NULL`, utcp(at), personID); err != nil {
		return err
	}
	if at == nil {
		return nil
	}
	if _, err := tx.CancelNudges(ctx, personID, "processing restricted"); err != nil {
		return err
	}
	_, err := tx.exec(ctx, op, `UPDATE dialogue_runs SET ended_at = ?, outcome = 'stopped', waiting_since = NULL
		WHERE person_id = ? AND ended_at IS NULL`, tx.now, personID)
	return err
}
