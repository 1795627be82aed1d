package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// CaseloadEntry is one person in a link worker's caseload, with what waits
// for the link worker about them.
type CaseloadEntry struct {
	Person         Person
	Urgent         int        // open urgent escalations
	Soon           int        // open escalations to see today
	Routine        int        // other open escalations
	Unacknowledged int        // open escalations nobody has acknowledged
	Unread         int        // inbound messages nobody has read
	LatestUnread   string     // the words of the latest of them, for the inbox only
	WaitingSince   *time.Time // the oldest open escalation or unread message
	LastContact    *time.Time // the latest contact that has started and was not cancelled
	NextContact    *time.Time // the next booked or confirmed contact
}

// Waiting reports whether anything waits for the link worker.
func (e CaseloadEntry) Waiting() bool { return e.Urgent+e.Soon+e.Routine+e.Unread > 0 }

// rank orders entries: urgent, then soon, then other waiting, then the rest.
func (e CaseloadEntry) rank() int {
	switch {
	case e.Urgent > 0:
		return 0
	case e.Soon > 0:
		return 1
	case e.Waiting():
		return 2
	}
	return 3
}

// Caseload returns the scheme's active people, and anyone with something
// still open, with what waits about them: urgent first, then soon, then
// other waiting, each oldest first; then everyone else by name.
// linkWorkerID, if not zero, keeps only that link worker's people.
func (tx *Tx) Caseload(ctx context.Context, schemeID, linkWorkerID int64) ([]CaseloadEntry, error) {
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
	list := entries[:0]
	for _, e := range entries {
		if e.Person.Status == PersonActive || e.Waiting() {
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
		PersonID       int64    `db:"person_id"`
		Urgency        Urgency  `db:"urgency"`
		N              int      `db:"n"`
		Unacknowledged int      `db:"unacknowledged"`
		Oldest         nullTime `db:"oldest"`
	}
	if err := tx.selectAll(ctx, "caseload escalations", &rows, `SELECT person_id, urgency, count(*) AS n,
		sum(CASE WHEN acknowledged_at IS NULL THEN 1 ELSE 0 END) AS unacknowledged, min(created_at) AS oldest
		FROM escalations WHERE scheme_id = ? AND resolved_at IS NULL GROUP BY person_id, urgency`, schemeID); err != nil {
		return err
	}
	for _, r := range rows {
		e, ok := byID[r.PersonID]
		if !ok {
			continue
		}
		switch r.Urgency {
		case Urgent:
			e.Urgent += r.N
		case Soon:
			e.Soon += r.N
		default:
			e.Routine += r.N
		}
		e.Unacknowledged += r.Unacknowledged
		e.WaitingSince = earliest(e.WaitingSince, r.Oldest.Time)
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
