package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// CaseloadEntry is one person in a link worker's caseload, with what waits
// for the link worker about them.
type CaseloadEntry struct {
	Person         Person
	Urgent         int // open urgent escalations
	Soon           int // open escalations to see today
	Routine        int // other open escalations
	Unacknowledged int // open escalations nobody has acknowledged
	// UrgentUnacknowledged counts the open urgent escalations nobody has
	// acknowledged; NewestUrgent is when the newest open urgent one was
	// raised.
	UrgentUnacknowledged int
	NewestUrgent         *time.Time
	// AcknowledgedBy and AcknowledgedAt say who acknowledged the open
	// urgent escalations last, and when, once all are acknowledged.
	AcknowledgedBy *int64
	AcknowledgedAt *time.Time
	PausedUntil    *time.Time // the person's nudges are paused until then
	Unread         int        // inbound messages nobody has read
	LatestUnread   string     // the words of the latest of them, for the inbox only
	WaitingSince   *time.Time // the oldest open escalation or unread message
	LastContact    *time.Time // the latest contact that has started and was not cancelled
	NextContact    *time.Time // the next booked or confirmed contact
}

// Waiting reports whether anything waits for the link worker.
func (e CaseloadEntry) Waiting() bool { return e.Urgent+e.Soon+e.Routine+e.Unread > 0 }

// rank orders entries: urgent nobody has acknowledged, then urgent
// acknowledged, then soon, then other waiting, then the rest.
func (e CaseloadEntry) rank() int {
	switch {
	case e.UrgentUnacknowledged > 0:
		return 0
	case e.Urgent > 0:
		return 1
	case e.Soon > 0:
		return 2
	case e.Waiting():
		return 3
	}
	return 4
}

// CaseloadShow picks which people a caseload shows.
type CaseloadShow string

// The caseload filters.
const (
	ShowInCare   CaseloadShow = ""          // active people and anyone with something still open
	ShowActive   CaseloadShow = "active"    // supported now: not ended, opted out or paused
	ShowPaused   CaseloadShow = "paused"    // nudges paused
	ShowEnded    CaseloadShow = "ended"     // support ended
	ShowOptedOut CaseloadShow = "opted-out" // asked for no more messages
	ShowAll      CaseloadShow = "all"       // everyone
)

// CaseloadFilter narrows a caseload.
type CaseloadFilter struct {
	Show CaseloadShow
	// Search keeps the people whose name holds it (in any case), whose
	// phone number holds its digits (07700 900123 finds +447700900123), or
	// whose NHS number holds its digits when there are at least six of them
	// (943 476 5919 and 9434765919 alike). A search with Show ShowInCare
	// looks at everyone.
	Search string
}

// keeps reports whether the filter keeps e.
func (f CaseloadFilter) keeps(e CaseloadEntry) bool {
	p := e.Person
	show := f.Show
	if show == ShowInCare && strings.TrimSpace(f.Search) != "" {
		show = ShowAll
	}
	switch show {
	case ShowInCare:
		if p.Status != PersonActive && !e.Waiting() {
			return false
		}
	case ShowActive:
		if p.Status != PersonActive || p.OptedOutAt != nil || e.PausedUntil != nil {
			return false
		}
	case ShowPaused:
		if p.Status != PersonActive || e.PausedUntil == nil {
			return false
		}
	case ShowEnded:
		if p.Status != PersonEnded {
			return false
		}
	case ShowOptedOut:
		if p.OptedOutAt == nil {
			return false
		}
	}
	return matchesSearch(p, f.Search)
}

// minNHSDigits is the fewest digits a search matches NHS numbers with:
// fewer would find people by chance.
const minNHSDigits = 6

// matchesSearch reports whether p's name holds q, their phone q's digits
// (a leading 0 read as the UK's +44), or their NHS number q's digits.
func matchesSearch(p Person, q string) bool {
	q = strings.TrimSpace(q)
	if q == "" {
		return true
	}
	if strings.Contains(strings.ToLower(p.Name), strings.ToLower(q)) {
		return true
	}
	digits := strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, q)
	if len(digits) >= minNHSDigits && p.NHSNumber != nil && strings.Contains(*p.NHSNumber, digits) {
		return true
	}
	if len(digits) < 3 || p.Phone == nil {
		return false
	}
	if strings.HasPrefix(digits, "0") && !strings.HasPrefix(digits, "00") {
		digits = "44" + digits[1:]
	}
	return strings.Contains(*p.Phone, strings.TrimPrefix(digits, "00"))
}

// Caseload returns the people of the scheme that f keeps (by default its
// active people, and anyone with something still open), with what waits
// about them: urgent nobody has acknowledged first, then urgent
// acknowledged, then soon, then other waiting, each oldest first; then
// everyone else by name. linkWorkerID, if not zero, keeps only that link
// worker's people.
func (tx *Tx) Caseload(ctx context.Context, schemeID, linkWorkerID int64, f CaseloadFilter) ([]CaseloadEntry, error) {
	const op = "caseload"
	var people []Person
	if err := tx.selectAll(ctx, op, &people, `SELECT `+personColumns+` FROM people
		WHERE scheme_id = ? AND (? = 0 OR link_worker_id = ?) ORDER BY name, id`, schemeID, linkWorkerID, linkWorkerID); err != nil {
		return nil, err
	}
	byID := make(map[int64]*CaseloadEntry, len(people))
	entries := make([]CaseloadEntry, len(people))
	for i, p := range people {
		entries[i].Person = p
		byID[p.ID] = &entries[i]
	}
	if err := tx.addEscalations(ctx, schemeID, byID); err != nil {
		return nil, err
	}
	if err := tx.addUnread(ctx, schemeID, byID); err != nil {
		return nil, err
	}
	if err := tx.addContactTimes(ctx, schemeID, byID); err != nil {
		return nil, err
	}
	ids := make([]int64, len(people))
	for i, p := range people {
		ids[i] = p.ID
	}
	paused, err := tx.PausedUntil(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range entries {
		if until, ok := paused[entries[i].Person.ID]; ok {
			entries[i].PausedUntil = &until
		}
	}
	list := entries[:0]
	for _, e := range entries {
		if f.keeps(e) {
			list = append(list, e)
		}
	}
	slices.SortStableFunc(list, func(a, b CaseloadEntry) int {
		if c := a.rank() - b.rank(); c != 0 {
			return c
		}
		if a.WaitingSince != nil && b.WaitingSince != nil {
			return a.WaitingSince.Compare(*b.WaitingSince)
		}
		return 0
	})
	return list, nil
}

func (tx *Tx) addEscalations(ctx context.Context, schemeID int64, byID map[int64]*CaseloadEntry) error {
	var rows []struct {
		PersonID       int64      `db:"person_id"`
		Urgency        Urgency    `db:"urgency"`
		CreatedAt      time.Time  `db:"created_at"`
		AcknowledgedBy *int64     `db:"acknowledged_by"`
		AcknowledgedAt *time.Time `db:"acknowledged_at"`
	}
	// Open escalations are few: they are read whole and counted here.
	if err := tx.selectAll(ctx, "caseload escalations", &rows, `SELECT person_id, urgency, created_at, acknowledged_by, acknowledged_at
		FROM escalations WHERE scheme_id = ? AND resolved_at IS NULL ORDER BY created_at, id`, schemeID); err != nil {
		return err
	}
	for _, r := range rows {
		e, ok := byID[r.PersonID]
		if !ok {
			continue
		}
		switch r.Urgency {
		case Urgent:
			e.Urgent++
			at := utc(r.CreatedAt)
			e.NewestUrgent = &at
			if r.AcknowledgedAt == nil {
				e.UrgentUnacknowledged++
			} else if e.AcknowledgedAt == nil || r.AcknowledgedAt.After(*e.AcknowledgedAt) {
				ack := utc(*r.AcknowledgedAt)
				e.AcknowledgedBy, e.AcknowledgedAt = r.AcknowledgedBy, &ack
			}
		case Soon:
			e.Soon++
		default:
			e.Routine++
		}
		if r.AcknowledgedAt == nil {
			e.Unacknowledged++
		}
		at := utc(r.CreatedAt)
		e.WaitingSince = earliest(e.WaitingSince, &at)
	}
	for _, e := range byID {
		if e.UrgentUnacknowledged > 0 {
			e.AcknowledgedBy, e.AcknowledgedAt = nil, nil
		}
	}
	return nil
}

func (tx *Tx) addUnread(ctx context.Context, schemeID int64, byID map[int64]*CaseloadEntry) error {
	var rows []struct {
		PersonID  int64     `db:"person_id"`
		Body      string    `db:"body"`
		CreatedAt time.Time `db:"created_at"`
	}
	// The WHERE matches the partial index messages_unread; unread messages
	// are few, so they are read whole and counted here.
	if err := tx.selectAll(ctx, "caseload unread", &rows, `SELECT person_id, body, created_at
		FROM messages WHERE scheme_id = ? AND direction = 'in' AND read_at IS NULL AND person_id IS NOT NULL
		ORDER BY created_at, id`, schemeID); err != nil {
		return err
	}
	for _, r := range rows {
		if e, ok := byID[r.PersonID]; ok {
			e.Unread++
			e.LatestUnread = r.Body
			at := r.CreatedAt
			e.WaitingSince = earliest(e.WaitingSince, &at)
		}
	}
	return nil
}

func (tx *Tx) addContactTimes(ctx context.Context, schemeID int64, byID map[int64]*CaseloadEntry) error {
	var rows []struct {
		PersonID int64    `db:"person_id"`
		Last     nullTime `db:"last"`
		Next     nullTime `db:"next"`
	}
	if err := tx.selectAll(ctx, "caseload contacts", &rows, `SELECT person_id,
		max(CASE WHEN starts_at <= ? AND status <> 'cancelled' THEN starts_at END) AS last,
		min(CASE WHEN starts_at > ? AND status IN ('booked', 'confirmed', 'rearrange_requested') THEN starts_at END) AS next
		FROM contacts WHERE scheme_id = ? GROUP BY person_id`, tx.now, tx.now, schemeID); err != nil {
		return err
	}
	for _, r := range rows {
		if e, ok := byID[r.PersonID]; ok {
			e.LastContact, e.NextContact = r.Last.Time, r.Next.Time
		}
	}
	return nil
}

func earliest(a, b *time.Time) *time.Time {
	if a == nil || (b != nil && b.Before(*a)) {
		return b
	}
	return a
}

// GetPersonInScope returns the person with id if they belong to the scheme
// and, when linkWorkerID is not zero, to that link worker; anyone else is
// NotFound, exactly as if they did not exist.
func (tx *Tx) GetPersonInScope(ctx context.Context, id, schemeID, linkWorkerID int64) (Person, error) {
	var p Person
	err := tx.get(ctx, "get person in scope", &p, `SELECT `+personColumns+` FROM people
		WHERE id = ? AND scheme_id = ? AND (? = 0 OR link_worker_id = ?)`, id, schemeID, linkWorkerID, linkWorkerID)
	return p, err
}

// ListPersonEscalations returns a person's escalations, open ones first,
// then newest first.
func (tx *Tx) ListPersonEscalations(ctx context.Context, personID int64) ([]Escalation, error) {
	var list []Escalation
	err := tx.selectAll(ctx, "list person escalations", &list, `SELECT `+escalationColumns+` FROM escalations
		WHERE person_id = ? ORDER BY CASE WHEN resolved_at IS NULL THEN 0 ELSE 1 END, created_at DESC, id DESC`, personID)
	return list, err
}

// nullTime reads a time that may be NULL, including the result of an
// aggregate (min, max), which SQLite returns as text.
type nullTime struct{ Time *time.Time }

// sqliteTimeLayouts are the ways SQLite text may hold a time.
var sqliteTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	time.RFC3339Nano,
}

// Scan reads a time, text or NULL.
func (n *nullTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		n.Time = nil
		return nil
	case time.Time:
		t := utc(v)
		n.Time = &t
		return nil
	case []byte:
		return n.Scan(string(v))
	case string:
		s := strings.TrimSpace(v)
		for _, layout := range sqliteTimeLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				t = utc(t)
				n.Time = &t
				return nil
			}
		}
		return fmt.Errorf("store: cannot read %q as a time", v)
	}
	return fmt.Errorf("store: cannot read %T as a time", src)
}
