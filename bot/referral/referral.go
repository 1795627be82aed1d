// Package referral reads and checks referrals as schemes receive them
// (from the inbox's "Refer a person" form, the API, a CSV file) and
// creates the people they refer, starting their support.
//
// One set of rules serves every route in: a phone number is parsed with
// github.com/nyaruka/phonenumbers as a UK or international number and
// kept in E.164; an NHS number must pass its modulus-11 check; a needs
// category, a referral source and the way consent was given come from
// short fixed lists. Check reports every problem with the field it is in,
// so a form can show each next to its field and an import can list them
// all.
package referral

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/linkbot/linkbot/store"
)

// Option is one choice of a fixed list: its value and its words.
type Option struct{ Value, Label string }

// Sources are where referrals come from.
var Sources = []Option{
	{"gp", "GP"}, {"practice_staff", "Other practice staff"}, {"self", "Self-referral"},
	{"social_care", "Social care"}, {"voluntary_sector", "Voluntary sector"}, {"housing", "Housing"}, {"other", "Other"},
}

// Needs are the needs categories a referral can name.
var Needs = []Option{
	{"loneliness", "Loneliness or isolation"}, {"money", "Money or debt"}, {"housing", "Housing"},
	{"mental_wellbeing", "Mental wellbeing"}, {"physical_activity", "Physical activity"}, {"carer_support", "Carer support"},
	{"employment", "Employment or education"}, {"other", "Other"},
}

// ConsentWays are the ways a person can give consent to messages.
var ConsentWays = []Option{
	{"in_person", "In person"}, {"phone", "By phone"}, {"video", "By video call"},
	{"written", "In writing or on a form"}, {"referrer", "To the referrer, who passed it on"},
}

// Input is a referral as it was typed: every field a string, as in a form
// or a CSV line. Names match the API's JSON and the CSV header.
type Input struct {
	Name           string // name
	PreferredName  string // preferred_name
	Phone          string // phone
	TelegramWanted bool   // telegram_wanted
	NHSNumber      string // nhs_number
	DateOfBirth    string // date_of_birth: 1950-03-14 or 14/03/1950
	GPPractice     string // gp_practice: an ODS code
	ReferredBy     string // referred_by
	ReferralSource string // referral_source
	ReferredAt     string // referred_at: a date or time (see ParseTime)
	Reason         string // reason
	Needs          []string
	ConsentAt      string // consent_at
	ConsentBy      string // consent_by: the email of whoever recorded consent
	ConsentHow     string // consent_how
	Discreet       bool   // discreet
	Language       string // language: BCP 47, default en
	LinkWorker     string // link_worker_email
	// TelegramChatID (telegram_chat_id, the API only) is a Telegram chat
	// already linked; with it a phone is not required.
	TelegramChatID int64
}

// Problem is one thing wrong with one field of a referral.
type Problem struct {
	Field   string
	Message string
}

// Problems are what is wrong with a referral, in field order.
type Problems []Problem

// ParsePhone reads a phone number written as people write them in the UK
// ("07700 900123", "+44 7700 900123") or in international form ("+1 415
// 555 2671") and returns it in E.164, or a problem in words.
func ParsePhone(s string) (string, string) {
	num, err := phonenumbers.Parse(s, "GB")
	if err != nil {
		return "", phoneProblem
	}
	e164 := phonenumbers.Format(num, phonenumbers.E164)
	// A valid number is in a range allocated today. Ofcom's ranges for
	// drama and training (07700 900000–900999, 01632 960000–960999) are
	// not, but demos and training use them, so they are taken too.
	if !phonenumbers.IsValidNumber(num) && !ofcomDrama.MatchString(e164) {
		return "", phoneProblem
	}
	return e164, ""
}

// phoneProblem is ParsePhone's problem.
const phoneProblem = "is not a phone number we can text; write a UK number as 07700 900123 or another country's with its code, as +1 415 555 2671"

// ofcomDrama matches the UK numbers Ofcom keeps for drama and training.
var ofcomDrama = regexp.MustCompile(`^\+44(7700900|1632960)[0-9]{3}$`)

// ValidNHSNumber reports whether s (spaces and dashes allowed) is a
// ten-digit NHS number whose last digit is its modulus-11 check digit, and
// returns it as ten digits.
func ValidNHSNumber(s string) (string, bool) {
	digits := strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s))
	if len(digits) != 10 {
		return "", false
	}
	sum := 0
	for i := 0; i < 10; i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return "", false
		}
		if i < 9 {
			sum += int(c-'0') * (10 - i)
		}
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	if check == 10 || check != int(digits[9]-'0') {
		return "", false
	}
	return digits, true
}

// odsCode is the shape of an organisation code: a GP practice's is a
// letter and five digits (A81001).
var odsCode = regexp.MustCompile(`^[A-Z0-9]{3,8}$`)

var languageTag = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// timeLayouts are the ways a date or time may be written, in the
// scheme's time zone unless it says its own.
var timeLayouts = []string{"2006-01-02T15:04", "2006-01-02 15:04", "02/01/2006 15:04", "2006-01-02", "02/01/2006"}

// ParseTime reads a time as RFC 3339 (2026-11-20T14:30:00Z), as a form's
// date and time (2026-11-20T14:30), or as a spreadsheet writes it
// (2026-11-20 14:30, 20/11/2026 14:30, 2026-11-20, 20/11/2026) in loc.
func ParseTime(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// Label is the label of v in list, or v itself when list has no such
// value (a value written before the list changed).
func Label(list []Option, v string) string {
	for _, o := range list {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

func known(list []Option, v string) bool {
	for _, o := range list {
		if o.Value == v {
			return true
		}
	}
	return false
}

func values(list []Option) string {
	var vs []string
	for _, o := range list {
		vs = append(vs, o.Value)
	}
	return strings.Join(vs, ", ")
}

// Check reads in as a referral to the scheme and returns the person to
// create, or every problem found. Link workers named must be active link
// workers of the scheme. Times without a zone are in the scheme's.
func Check(ctx context.Context, tx *store.Tx, scheme store.Scheme, in Input) (store.Person, Problems, error) {
	loc, err := scheme.Location()
	if err != nil {
		loc = time.UTC
	}
	now := tx.Now()
	var ps Problems
	bad := func(field, msg string) { ps = append(ps, Problem{field, msg}) }
	p := store.Person{SchemeID: scheme.ID, Name: strings.TrimSpace(in.Name), PreferredName: strings.TrimSpace(in.PreferredName),
		TelegramWanted: in.TelegramWanted, Discreet: in.Discreet, ReferredBy: strings.TrimSpace(in.ReferredBy),
		Reason: strings.TrimSpace(in.Reason), PreferredChannel: store.ChannelSMS}
	if p.Name == "" {
		bad("name", "is required")
	}
	if in.TelegramChatID != 0 {
		p.TelegramChatID = &in.TelegramChatID
	}
	if strings.TrimSpace(in.Phone) == "" {
		if p.TelegramChatID == nil {
			bad("phone", "is required: messages go to it")
		}
	} else if e164, problem := ParsePhone(in.Phone); problem != "" {
		bad("phone", problem)
	} else {
		p.Phone = &e164
	}
	if erased, err := tx.AddressErased(ctx, p); err != nil {
		return p, nil, fmt.Errorf("check erased addresses: %w", err)
	} else if erased {
		bad("phone", "belonged to someone whose record this scheme erased at their request: they must not be contacted with it again")
	}
	checkDetails(in, now, &p, bad)
	if s := strings.TrimSpace(in.ReferredAt); s != "" {
		if t, ok := ParseTime(s, loc); !ok {
			bad("referred_at", "must be a date or time such as 2026-11-20 or 2026-11-20T10:30:00Z")
		} else if t.After(now) {
			bad("referred_at", "must not be in the future")
		} else {
			p.ReferredAt = t
		}
	}
	p.Language = strings.TrimSpace(in.Language)
	if p.Language == "" {
		p.Language = "en"
	} else if !languageTag.MatchString(p.Language) {
		bad("language", "must be a language code such as en, cy or pa")
	}
	if s := strings.TrimSpace(in.LinkWorker); s != "" {
		lw, err := tx.GetLinkWorkerByEmail(ctx, s)
		if err != nil && store.ErrorCode(err) != store.NotFound {
			return p, nil, fmt.Errorf("check referral: find link worker: %w", err)
		}
		if err != nil || lw.SchemeID != scheme.ID || !lw.Active {
			bad("link_worker_email", "is not an active link worker of this scheme")
		} else {
			p.LinkWorkerID = &lw.ID
		}
	}
	if err := checkConsent(ctx, tx, scheme, loc, in, &p, bad); err != nil {
		return p, nil, err
	}
	return p, ps, nil
}

// CheckDetails reads what a referral says about the person (NHS number,
// date of birth, GP practice, referral source, reason, needs, preferred
// name, Telegram wanted) from in into p, by the rules Check uses, and
// returns every problem found. The edit form of a person uses it.
func CheckDetails(in Input, now time.Time, p *store.Person) Problems {
	var ps Problems
	p.PreferredName, p.TelegramWanted, p.Reason = strings.TrimSpace(in.PreferredName), in.TelegramWanted, strings.TrimSpace(in.Reason)
	p.NHSNumber, p.DateOfBirth, p.GPPractice = nil, nil, ""
	checkDetails(in, now, p, func(field, msg string) { ps = append(ps, Problem{field, msg}) })
	return ps
}

// checkDetails reads the referral's NHS number, date of birth, GP
// practice, source and needs into p.
func checkDetails(in Input, now time.Time, p *store.Person, bad func(field, msg string)) {
	if s := strings.TrimSpace(in.NHSNumber); s != "" {
		if n, ok := ValidNHSNumber(s); ok {
			p.NHSNumber = &n
		} else {
			bad("nhs_number", "is not a valid NHS number: ten digits, the last a check digit; check it was copied right, or leave it empty")
		}
	}
	if s := strings.TrimSpace(in.DateOfBirth); s != "" {
		t, ok := ParseTime(s, time.UTC)
		switch {
		case !ok:
			bad("date_of_birth", "must be a date such as 1950-03-14 or 14/03/1950")
		case t.After(now) || t.Before(now.AddDate(-120, 0, 0)):
			bad("date_of_birth", "must be a date in the past 120 years")
		default:
			d := t.Format("2006-01-02")
			p.DateOfBirth = &d
		}
	}
	if s := strings.ToUpper(strings.TrimSpace(in.GPPractice)); s != "" {
		if !odsCode.MatchString(s) {
			bad("gp_practice", "must be the practice's ODS code, such as A81001")
		}
		p.GPPractice = s
	}
	if s := strings.TrimSpace(in.ReferralSource); s != "" {
		if !known(Sources, s) {
			bad("referral_source", "must be one of "+values(Sources))
		}
		p.ReferralSource = store.ReferralSource(s)
	}
	p.Needs = store.Strings{}
	for _, n := range in.Needs {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		if !known(Needs, n) {
			bad("needs", fmt.Sprintf("%q is not a needs category; use %s", n, values(Needs)))
			continue
		}
		p.Needs = append(p.Needs, n)
	}
}

// checkConsent reads consent_at, consent_by and consent_how into p.
func checkConsent(ctx context.Context, tx *store.Tx, scheme store.Scheme, loc *time.Location, in Input, p *store.Person, bad func(field, msg string)) error {
	how := strings.TrimSpace(in.ConsentHow)
	if how != "" && !known(ConsentWays, how) {
		bad("consent_how", "must be one of "+values(ConsentWays))
	}
	if strings.TrimSpace(in.ConsentAt) == "" {
		if in.ConsentBy != "" || how != "" {
			bad("consent_at", "is required with how or by whom consent was recorded: when did the person agree to messages?")
		}
		return nil
	}
	at, ok := ParseTime(in.ConsentAt, loc)
	if !ok {
		bad("consent_at", "must be a time such as 2026-11-23T10:30:00Z or 23/11/2026 10:30")
		return nil
	}
	if at.After(tx.Now()) {
		bad("consent_at", "must not be in the future")
		return nil
	}
	switch {
	case strings.TrimSpace(in.ConsentBy) != "":
		lw, err := tx.GetLinkWorkerByEmail(ctx, in.ConsentBy)
		if err != nil && store.ErrorCode(err) != store.NotFound {
			return fmt.Errorf("check referral: find who recorded consent: %w", err)
		}
		if err != nil || lw.SchemeID != scheme.ID {
			bad("consent_by", "is not a link worker of this scheme")
			return nil
		}
		p.ConsentBy = &lw.ID
	case p.LinkWorkerID != nil:
		p.ConsentBy = p.LinkWorkerID
	default:
		bad("consent_by", "is required: give the email of the link worker who recorded consent")
		return nil
	}
	p.ConsentAt, p.ConsentHow = &at, how
	return nil
}

// Duplicate returns the active person of the scheme p would repeat: the
// same phone or the same NHS number. ok is false when there is none.
func Duplicate(ctx context.Context, tx *store.Tx, p store.Person) (store.Person, bool, error) {
	phone, nhs := "", ""
	if p.Phone != nil {
		phone = *p.Phone
	}
	if p.NHSNumber != nil {
		nhs = *p.NHSNumber
	}
	if phone == "" && nhs == "" {
		return store.Person{}, false, nil
	}
	d, err := tx.FindDuplicatePerson(ctx, p.SchemeID, phone, nhs)
	if store.ErrorCode(err) == store.NotFound {
		return store.Person{}, false, nil
	}
	if err != nil {
		return store.Person{}, false, fmt.Errorf("find a duplicate referral: %w", err)
	}
	return d, true, nil
}

// Why says what a duplicate shares with p.
func Why(p, dup store.Person) string {
	if p.NHSNumber != nil && dup.NHSNumber != nil && *p.NHSNumber == *dup.NHSNumber {
		return "the same NHS number"
	}
	return "the same phone number"
}

// Starter starts the support of a person just referred (the inbox's
// Planner; *nudges.Planner).
type Starter interface {
	StartSupport(ctx context.Context, tx *store.Tx, p store.Person) error
}

// Create creates the person p refers to, starts their support (the welcome
// and first check-in are planned when consent is recorded) and records the
// referral in the audit trail as done by actor (actorID, if a link worker).
func Create(ctx context.Context, tx *store.Tx, start Starter, p *store.Person, actor string, actorID *int64) error {
	if err := tx.CreatePerson(ctx, p); err != nil {
		return fmt.Errorf("create referred person: %w", err)
	}
	if err := start.StartSupport(ctx, tx, *p); err != nil {
		return fmt.Errorf("start support of person %d: %w", p.ID, err)
	}
	detail, err := json.Marshal(map[string]any{"source": p.ReferralSource})
	if err != nil {
		return fmt.Errorf("audit referral: %w", err)
	}
	e := store.AuditEvent{SchemeID: p.SchemeID, ActorID: actorID, Actor: actor, Action: "person.referred", PersonID: &p.ID, Detail: detail}
	if err := tx.RecordAudit(ctx, &e); err != nil {
		return fmt.Errorf("audit referral: %w", err)
	}
	return nil
}
