package store

import (
	"context"
	"strconv"
	"time"
)

// Channel is how a message travels.
type Channel string

// The channels. A person prefers SMS or Telegram; "simulated" is for the
// demo and for dialogue simulation.
const (
	ChannelSMS       Channel = "sms"
	ChannelTelegram  Channel = "telegram"
	ChannelSimulated Channel = "simulated"
)

// PersonStatus says whether a person is still being supported.
type PersonStatus string

// The person statuses.
const (
	PersonActive PersonStatus = "active"
	PersonEnded  PersonStatus = "ended"
)

// ReferralSource says where a referral came from.
type ReferralSource string

// The referral sources.
const (
	SourceGP              ReferralSource = "gp"
	SourcePracticeStaff   ReferralSource = "practice_staff"
	SourceSelf            ReferralSource = "self"
	SourceSocialCare      ReferralSource = "social_care"
	SourceVoluntarySector ReferralSource = "voluntary_sector"
	SourceHousing         ReferralSource = "housing"
	SourceOther           ReferralSource = "other"
)

// Person is someone receiving support from a scheme. Their link worker, and
// the link worker who recorded their consent, belong to the same scheme.
type Person struct {
	ID               int64          `db:"id"`
	SchemeID         int64          `db:"scheme_id"`
	LinkWorkerID     *int64         `db:"link_worker_id"`
	Name             string         `db:"name"`
	Phone            *string        `db:"phone"` // E.164, e.g. +447700900123
	TelegramChatID   *int64         `db:"telegram_chat_id"`
	PreferredChannel Channel        `db:"preferred_channel"` // sms or telegram; the address for it must be set
	Language         string         `db:"language"`          // BCP 47, default "en"
	Discreet         bool           `db:"discreet"`          // shared phone or abuse risk: messages name no service
	ConsentAt        *time.Time     `db:"consent_at"`
	ConsentBy        *int64         `db:"consent_by"` // the link worker who recorded consent
	OptedOutAt       *time.Time     `db:"opted_out_at"`
	Interests        Strings        `db:"interests"`
	Area             string         `db:"area"`
	Status           PersonStatus   `db:"status"`
	EndedAt          *time.Time     `db:"ended_at"`
	EndedReason      string         `db:"ended_reason"` // why support ended, in the link worker's words
	ReferredAt       time.Time      `db:"referred_at"`
	ReferredBy       string         `db:"referred_by"`
	ReferralSource   ReferralSource `db:"referral_source"`
	CreatedAt        time.Time      `db:"created_at"`

	// What a referral tells the link worker.
	PreferredName  string  `db:"preferred_name"`  // what they like to be called
	TelegramWanted bool    `db:"telegram_wanted"` // they asked to be reached on Telegram
	NHSNumber      *string `db:"nhs_number"`      // ten digits, check digit valid
	DateOfBirth    *string `db:"date_of_birth"`   // YYYY-MM-DD
	GPPractice     string  `db:"gp_practice"`     // the practice's ODS code, e.g. A81001
	Reason         string  `db:"referral_reason"` // why they were referred, in the referrer's words
	Needs          Strings `db:"needs"`           // needs categories, e.g. loneliness, money
	ConsentHow     string  `db:"consent_how"`     // how consent was given, e.g. in_person

	// Data protection (see erase.go).
	ErasedAt     *time.Time `db:"erased_at"`     // the record was erased: a tombstone with no personal data
	RestrictedAt *time.Time `db:"restricted_at"` // processing is restricted: nothing is sent to them
}

const personColumns = `id, scheme_id, link_worker_id, name, phone, telegram_chat_id, preferred_channel, language, discreet,
	consent_at, consent_by, opted_out_at, interests, area, status, ended_at, ended_reason, referred_at, referred_by, referral_source, created_at,
	preferred_name, telegram_wanted, nhs_number, date_of_birth, gp_practice, referral_reason, needs, consent_how,
	erased_at, restricted_at`

// CreatePerson inserts p, filling in defaults, ID and CreatedAt. A zero
// ReferredAt is now. A phone or Telegram chat the scheme erased (see
// ErasePerson) is refused: Invalid, constraint "erased_address".
func (tx *Tx) CreatePerson(ctx context.Context, p *Person) error {
	if p.PreferredChannel == "" {
		p.PreferredChannel = ChannelSMS
	}
	if p.Language == "" {
		p.Language = "en"
	}
	if p.Status == "" {
		p.Status = PersonActive
	}
	if p.ReferralSource == "" {
		p.ReferralSource = SourceOther
	}
	if p.ReferredAt.IsZero() {
		p.ReferredAt = tx.now
	}
	p.normalise()
	p.CreatedAt = tx.now
	if erased, err := tx.AddressErased(ctx, *p); err != nil || erased {
		if err == nil {
			err = errErasedAddress("create person")
		}
		return err
	}
	id, err := tx.insertNamed(ctx, "create person", `INSERT INTO people
		(scheme_id, link_worker_id, name, phone, telegram_chat_id, preferred_channel, language, discreet,
		 consent_at, consent_by, opted_out_at, interests, area, status, ended_at, ended_reason, referred_at, referred_by, referral_source, created_at,
		 preferred_name, telegram_wanted, nhs_number, date_of_birth, gp_practice, referral_reason, needs, consent_how)
		VALUES (:scheme_id, :link_worker_id, :name, :phone, :telegram_chat_id, :preferred_channel, :language, :discreet,
		 :consent_at, :consent_by, :opted_out_at, :interests, :area, :status, :ended_at, :ended_reason, :referred_at, :referred_by, :referral_source, :created_at,
		 :preferred_name, :telegram_wanted, :nhs_number, :date_of_birth, :gp_practice, :referral_reason, :needs, :consent_how)`, p)
	p.ID = id
	return err
}

func (p *Person) normalise() {
	p.ConsentAt = utcp(p.ConsentAt)
	p.OptedOutAt = utcp(p.OptedOutAt)
	p.EndedAt = utcp(p.EndedAt)
	p.ReferredAt = utc(p.ReferredAt)
}

// GetPerson returns the person with id.
func (tx *Tx) GetPerson(ctx context.Context, id int64) (Person, error) {
	var p Person
	err := tx.get(ctx, "get person", &p, `SELECT `+personColumns+` FROM people WHERE id = ?`, id)
	return p, err
}

// LockPerson returns the person with id and keeps other transactions from
// changing them (or locking them) until tx ends, so the handling of one
// person's messages and nudges never interleaves.
func (tx *Tx) LockPerson(ctx context.Context, id int64) (Person, error) {
	var p Person
	err := tx.get(ctx, "lock person", &p, `SELECT `+personColumns+` FROM people WHERE id = ?`+tx.forUpdate(), id)
	return p, err
}

// FindPersonByAddress returns the active person of the scheme who writes
// from address on channel: a phone number for SMS, a chat id for Telegram.
func (tx *Tx) FindPersonByAddress(ctx context.Context, schemeID int64, channel Channel, address string) (Person, error) {
	const op = "find person by address"
	var p Person
	if channel != ChannelTelegram {
		err := tx.get(ctx, op, &p, `SELECT `+personColumns+` FROM people
			WHERE scheme_id = ? AND status = 'active' AND phone = ?`, schemeID, address)
		return p, err
	}
	chat, err := strconv.ParseInt(address, 10, 64)
	if err != nil {
		return p, &Error{Code: NotFound, Op: op, Message: "not a Telegram chat id"}
	}
	err = tx.get(ctx, op, &p, `SELECT `+personColumns+` FROM people
		WHERE scheme_id = ? AND status = 'active' AND telegram_chat_id = ?`, schemeID, chat)
	return p, err
}

// ListPeople returns the scheme's people by name; linkWorkerID, if not
// zero, keeps only that link worker's caseload.
func (tx *Tx) ListPeople(ctx context.Context, schemeID, linkWorkerID int64) ([]Person, error) {
	var list []Person
	err := tx.selectAll(ctx, "list people", &list, `SELECT `+personColumns+` FROM people
		WHERE scheme_id = ? AND (? = 0 OR link_worker_id = ?) ORDER BY name, id`, schemeID, linkWorkerID, linkWorkerID)
	return list, err
}

// UpdatePerson saves p (everything but ID, SchemeID, CreatedAt and the
// data protection dates); an address the scheme erased is refused, as by
// CreatePerson.
func (tx *Tx) UpdatePerson(ctx context.Context, p Person) error {
	p.normalise()
	if erased, err := tx.AddressErased(ctx, p); err != nil || (erased && p.ErasedAt == nil) {
		if err == nil {
			err = errErasedAddress("update person")
		}
		return err
	}
	return tx.execNamedOne(ctx, "update person", `UPDATE people SET link_worker_id = :link_worker_id, name = :name,
		phone = :phone, telegram_chat_id = :telegram_chat_id, preferred_channel = :preferred_channel, language = :language,
		discreet = :discreet, consent_at = :consent_at, consent_by = :consent_by, opted_out_at = :opted_out_at,
		interests = :interests, area = :area, status = :status, ended_at = :ended_at, ended_reason = :ended_reason, referred_at = :referred_at,
		referred_by = :referred_by, referral_source = :referral_source, preferred_name = :preferred_name,
		telegram_wanted = :telegram_wanted, nhs_number = :nhs_number, date_of_birth = :date_of_birth, gp_practice = :gp_practice,
		referral_reason = :referral_reason, needs = :needs, consent_how = :consent_how WHERE id = :id`, p)
}

// SetOptedOut records that the person opted out at at (STOP), or, with a
// nil at, that they opted back in (START).
func (tx *Tx) SetOptedOut(ctx context.Context, personID int64, at *time.Time) error {
	return tx.execOne(ctx, "set opted out", `UPDATE people SET opted_out_at = ? WHERE id = ?`, utcp(at), personID)
}

// CreatePerson inserts p, filling in defaults, ID and CreatedAt.
func (db *DB) CreatePerson(ctx context.Context, p *Person) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreatePerson(ctx, p) })
}

// GetPerson returns the person with id.
func (db *DB) GetPerson(ctx context.Context, id int64) (Person, error) {
	return read(ctx, db, func(tx *Tx) (Person, error) { return tx.GetPerson(ctx, id) })
}

// FindPersonByAddress returns the active person of the scheme who writes
// from address on channel.
func (db *DB) FindPersonByAddress(ctx context.Context, schemeID int64, channel Channel, address string) (Person, error) {
	return read(ctx, db, func(tx *Tx) (Person, error) { return tx.FindPersonByAddress(ctx, schemeID, channel, address) })
}

// ListPeople returns the scheme's people by name; linkWorkerID, if not
// zero, keeps only that link worker's caseload.
func (db *DB) ListPeople(ctx context.Context, schemeID, linkWorkerID int64) ([]Person, error) {
	return read(ctx, db, func(tx *Tx) ([]Person, error) { return tx.ListPeople(ctx, schemeID, linkWorkerID) })
}

// UpdatePerson saves p (everything but ID, SchemeID and CreatedAt).
func (db *DB) UpdatePerson(ctx context.Context, p Person) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.UpdatePerson(ctx, p) })
}

// SetOptedOut records an opt-out at at, or an opt-in with a nil at.
func (db *DB) SetOptedOut(ctx context.Context, personID int64, at *time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.SetOptedOut(ctx, personID, at) })
}

// Address is where messages to p go: their Telegram chat when they prefer
// Telegram and have linked one, else their phone. ok is false when they
// can be reached on neither.
func (p Person) Address() (channel Channel, address string, ok bool) {
	if p.PreferredChannel == ChannelTelegram && p.TelegramChatID != nil {
		return ChannelTelegram, strconv.FormatInt(*p.TelegramChatID, 10), true
	}
	if p.Phone != nil {
		return ChannelSMS, *p.Phone, true
	}
	return "", "", false
}
