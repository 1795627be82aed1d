package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// This file holds the set-based queries the nudge planner and claim loop
// use: a whole claimed batch is locked, read and written in a handful of
// statements instead of a round trip per nudge.

// in expands a query with one "(?)" list of values and rebinds it.
func (tx *Tx) in(q string, args ...any) (string, []any, error) {
	q, args, err := sqlx.In(q, args...)
	if err != nil {
		return "", nil, err
	}
	return tx.rebind(q), args, nil
}

// selectIn is selectAll for a query with an IN (?) list.
func (tx *Tx) selectIn(ctx context.Context, op string, dest any, q string, args ...any) error {
	q, args, err := tx.in(q, args...)
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	if err := tx.tx.SelectContext(ctx, dest, q, args...); err != nil {
		return classify(op, err)
	}
	return nil
}

// execIn is exec for a statement with an IN (?) list.
func (tx *Tx) execIn(ctx context.Context, op string, q string, args ...any) (int64, error) {
	q, args, err := tx.in(q, args...)
	if err != nil {
		return 0, fmt.Errorf("store: %s: %w", op, err)
	}
	res, err := tx.tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, classify(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, classify(op, err)
	}
	return n, nil
}

// LockPeople returns the people with the given ids and keeps other
// transactions from changing them or locking them (LockPerson) until tx
// ends; rows of other tables may still refer to them meanwhile (FOR NO KEY
// UPDATE). Rows are locked in id order, so two batches never deadlock.
func (tx *Tx) LockPeople(ctx context.Context, ids []int64) ([]Person, error) {
	var list []Person
	if len(ids) == 0 {
		return list, nil
	}
	lock := ""
	if tx.postgres {
		lock = " FOR NO KEY UPDATE"
	}
	err := tx.selectIn(ctx, "lock people", &list, `SELECT `+personColumns+` FROM people
		WHERE id IN (?) ORDER BY id`+lock, ids)
	return list, err
}

// OpenRun is a run that has not ended, with its dialogue's key.
type OpenRun struct {
	Run
	DialogueKey string `db:"dialogue_key"`
}

// ListOpenRuns returns the open runs of the given people.
func (tx *Tx) ListOpenRuns(ctx context.Context, personIDs []int64) ([]OpenRun, error) {
	var list []OpenRun
	if len(personIDs) == 0 {
		return list, nil
	}
	err := tx.selectIn(ctx, "list open runs", &list, `SELECT r.id, r.scheme_id, r.person_id, r.dialogue_id, r.state, r.subject,
		r.started_at, r.waiting_since, r.expires_at, r.ended_at, r.outcome, d.key AS dialogue_key
		FROM dialogue_runs r JOIN dialogues d ON d.id = r.dialogue_id
		WHERE r.person_id IN (?) AND r.ended_at IS NULL`, personIDs)
	return list, err
}

// ListLinkWorkersByID returns the link workers with the given ids.
func (tx *Tx) ListLinkWorkersByID(ctx context.Context, ids []int64) ([]LinkWorker, error) {
	var list []LinkWorker
	if len(ids) == 0 {
		return list, nil
	}
	err := tx.selectIn(ctx, "list link workers by id", &list,
		`SELECT `+linkWorkerColumns+` FROM link_workers WHERE id IN (?)`, ids)
	return list, err
}

// ListContactsByID returns the contacts with the given ids.
func (tx *Tx) ListContactsByID(ctx context.Context, ids []int64) ([]Contact, error) {
	var list []Contact
	if len(ids) == 0 {
		return list, nil
	}
	err := tx.selectIn(ctx, "list contacts by id", &list,
		`SELECT `+contactColumns+` FROM contacts WHERE id IN (?)`, ids)
	return list, err
}

// values builds "(?, ?, …), (…)" for rows of n columns.
func values(rows, n int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}

// insertRowsChunk is how many rows one multi-row INSERT carries; it keeps
// every statement well under both databases' limits on parameters.
const insertRowsChunk = 500

// InsertRuns inserts runs as they stand after their first step — possibly
// already waiting, or already ended — started now, and fills in their IDs
// and StartedAt. Each person may appear once; one of them already having an
// open run is a Conflict.
func (tx *Tx) InsertRuns(ctx context.Context, runs []*Run) error {
	const op = "insert runs"
	for len(runs) > 0 {
		chunk := runs[:min(len(runs), insertRowsChunk)]
		runs = runs[len(chunk):]
		args := make([]any, 0, len(chunk)*10)
		byPerson := make(map[int64]*Run, len(chunk))
		for _, r := range chunk {
			r.StartedAt = tx.now
			r.WaitingSince, r.ExpiresAt, r.EndedAt = utcp(r.WaitingSince), utcp(r.ExpiresAt), utcp(r.EndedAt)
			if (r.EndedAt == nil) != (r.Outcome == nil) {
				return invalid(op, "a run has an end time without an outcome or the other way round")
			}
			if _, dup := byPerson[r.PersonID]; dup {
				return invalid(op, "two runs for person %d", r.PersonID)
			}
			byPerson[r.PersonID] = r
			r.Subject = objectOrEmpty(r.Subject)
			args = append(args, r.SchemeID, r.PersonID, r.DialogueID, r.State, r.Subject, r.StartedAt, r.WaitingSince, r.ExpiresAt, r.EndedAt, r.Outcome)
		}
		q := `INSERT INTO dialogue_runs (scheme_id, person_id, dialogue_id, state, subject, started_at, waiting_since, expires_at, ended_at, outcome)
			VALUES ` + values(len(chunk), 10) + ` RETURNING id, person_id`
		if tx.postgres {
			q, args = runsUnnest(chunk, tx.now)
		}
		rows, err := tx.tx.QueryxContext(ctx, tx.rebind(q), args...)
		if err != nil {
			return classify(op, err)
		}
		for rows.Next() {
			var id, person int64
			if err := rows.Scan(&id, &person); err != nil {
				rows.Close()
				return classify(op, err)
			}
			byPerson[person].ID = id
		}
		if err := rows.Close(); err != nil {
			return classify(op, err)
		}
		if err := rows.Err(); err != nil {
			return classify(op, err)
		}
	}
	return nil
}

// QueueMessages puts outbound messages in the outbox, as QueueMessage
// does, in a few statements. IDs are not filled in.
func (tx *Tx) QueueMessages(ctx context.Context, list []*Message) error {
	const op = "queue messages"
	if tx.postgres {
		return tx.queueMessagesPG(ctx, list)
	}
	for len(list) > 0 {
		chunk := list[:min(len(list), insertRowsChunk)]
		list = list[len(chunk):]
		args := make([]any, 0, len(chunk)*12)
		for _, m := range chunk {
			m.Direction, m.Status = Outbound, StatusQueued
			m.CreatedAt = tx.now
			if m.NextAttemptAt == nil {
				m.NextAttemptAt = &m.CreatedAt
			}
			m.NextAttemptAt = utcp(m.NextAttemptAt)
			args = append(args, m.SchemeID, m.PersonID, m.LinkWorkerID, m.NudgeID, m.Direction, m.Channel, m.Address,
				m.Kind, m.Body, m.Status, m.NextAttemptAt, m.CreatedAt)
		}
		if _, err := tx.exec(ctx, op, `INSERT INTO messages (scheme_id, person_id, link_worker_id, nudge_id, direction,
			channel, address, kind, body, status, next_attempt_at, created_at) VALUES `+values(len(chunk), 12), args...); err != nil {
			return err
		}
	}
	return nil
}

// PlanNudges inserts nudges as planned, leaving out any whose Key exists
// already, and returns how many it inserted. IDs are not filled in.
func (tx *Tx) PlanNudges(ctx context.Context, list []*Nudge) (int64, error) {
	const op = "plan nudges"
	if tx.postgres {
		return tx.planNudgesPG(ctx, list)
	}
	var total int64
	for len(list) > 0 {
		chunk := list[:min(len(list), insertRowsChunk)]
		list = list[len(chunk):]
		args := make([]any, 0, len(chunk)*11)
		for _, n := range chunk {
			n.prepare(tx.now)
			args = append(args, n.SchemeID, n.PersonID, n.Kind, n.Key, n.DueAt, n.DialogueKey, n.ContactID, n.GroupID,
				n.RunID, n.Status, n.CreatedAt)
		}
		k, err := tx.exec(ctx, op, `INSERT INTO nudges (scheme_id, person_id, kind, key, due_at, dialogue_key, contact_id,
			group_id, run_id, status, created_at) VALUES `+values(len(chunk), 11)+` ON CONFLICT (key) DO NOTHING`, args...)
		if err != nil {
			return total, err
		}
		total += k
	}
	return total, nil
}

// FinishNudges finishes the nudges with ids that owner holds, as
// FinishNudge does, and returns how many it finished.
func (tx *Tx) FinishNudges(ctx context.Context, ids []int64, owner string, status NudgeStatus, note string) (int64, error) {
	const op = "finish nudges"
	if status != NudgeDone && status != NudgeSkipped && status != NudgeCancelled {
		return 0, invalid(op, "%q is not a finished status", status)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return tx.execIn(ctx, op, `UPDATE nudges SET status = ?, note = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL
		WHERE id IN (?) AND status = 'claimed' AND lease_owner = ?`, status, note, tx.now, ids, owner)
}

// CancelContactReminders cancels the contact's open reminders except those
// whose key is in keep (a moved contact's old reminders never go), with
// note, and returns how many it cancelled.
func (tx *Tx) CancelContactReminders(ctx context.Context, contactID int64, keep []string, note string) (int64, error) {
	const op = "cancel contact reminders"
	if len(keep) == 0 {
		keep = []string{""}
	}
	return tx.execIn(ctx, op, `UPDATE nudges SET status = 'cancelled', note = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL
		WHERE contact_id = ? AND kind = 'contact_reminder' AND status IN ('planned', 'claimed') AND key NOT IN (?)`,
		note, tx.now, contactID, keep)
}

// CancelRunTimers cancels the run's planned reply timers other than the
// one with key keep: a reply or a timeout has moved the run on.
func (tx *Tx) CancelRunTimers(ctx context.Context, runID int64, keep, note string) (int64, error) {
	return tx.exec(ctx, "cancel run timers", `UPDATE nudges SET status = 'cancelled', note = ?, finished_at = ?
		WHERE run_id = ? AND status = 'planned' AND kind IN ('reply_reminder', 'reply_expiry') AND key <> ?`,
		note, tx.now, runID, keep)
}

// GroupPlaces counts, for each group of the scheme, the places taken in a
// week: referrals accepted since weekStart, plus suggestions made since
// pendingSince that have been neither accepted nor declined (a place is
// held while a person thinks about it).
func (tx *Tx) GroupPlaces(ctx context.Context, schemeID int64, weekStart, pendingSince time.Time) (map[int64]int, error) {
	var rows []struct {
		GroupID int64 `db:"group_id"`
		N       int   `db:"n"`
	}
	err := tx.selectAll(ctx, "count group places", &rows, `SELECT group_id, count(*) AS n FROM activity_referrals
		WHERE scheme_id = ? AND ((accepted_at IS NOT NULL AND accepted_at >= ?)
			OR (accepted_at IS NULL AND declined_at IS NULL AND suggested_at >= ?))
		GROUP BY group_id`, schemeID, utc(weekStart), utc(pendingSince))
	places := make(map[int64]int, len(rows))
	for _, r := range rows {
		places[r.GroupID] = r.N
	}
	return places, err
}

// LatestReferral returns the person's most recent referral that is still
// open for an answer: with accepted true, the last accepted one not yet
// marked attended; otherwise the last one neither accepted nor declined.
func (tx *Tx) LatestReferral(ctx context.Context, personID int64, accepted bool) (Referral, error) {
	var r Referral
	cond := `accepted_at IS NULL AND declined_at IS NULL`
	if accepted {
		cond = `accepted_at IS NOT NULL AND attended_at IS NULL`
	}
	err := tx.get(ctx, "latest referral", &r, `SELECT `+referralColumns+` FROM activity_referrals
		WHERE person_id = ? AND `+cond+` ORDER BY suggested_at DESC, id DESC LIMIT 1`, personID)
	return r, err
}

// PreviousRunOutcomes returns how the person's last ended runs of the
// dialogue key before run beforeID ended, latest first, up to limit.
func (tx *Tx) PreviousRunOutcomes(ctx context.Context, personID int64, dialogueKey string, beforeID int64, limit int) ([]Outcome, error) {
	var list []Outcome
	err := tx.selectAll(ctx, "previous run outcomes", &list, `SELECT r.outcome FROM dialogue_runs r JOIN dialogues d ON d.id = r.dialogue_id
		WHERE r.person_id = ? AND d.key = ? AND r.id <> ? AND r.ended_at IS NOT NULL
		ORDER BY r.ended_at DESC, r.id DESC LIMIT ?`, personID, dialogueKey, beforeID, limit)
	return list, err
}

// Recurring describes the next recurring check-in of every active person
// of a scheme, for ReplanRecurring. A person's key is NewPrefix + person id
// + ":" + the due time in Unix seconds.
type Recurring struct {
	SchemeID    int64
	DialogueKey string
	Prefix      string    // what the keys of all recurring check-ins of the dialogue start with
	NewPrefix   string    // what the keys planned now start with (Prefix and the version)
	First       time.Time // the next occurrence
	Second      time.Time // the one after, for people referred within Gap of First
	Gap         time.Duration
}

// ReplanRecurring moves the planned recurring check-ins (keys starting with
// r.Prefix) of the scheme's people whose id is in (afterID, upToID] to the
// next occurrence, and returns how many people it planned. It updates each
// person's planned check-in in place (no new row to check against people),
// cancels any other (a second one, or one of a person who opted out or
// whose support ended), and plans one for people who had none: three
// set-based statements. With plan false it only cancels (the schedule no
// longer recurs).
func (tx *Tx) ReplanRecurring(ctx context.Context, r Recurring, afterID, upToID int64, plan bool) (int64, error) {
	const op = "replan recurring nudges"
	var moved int64
	first, second, cut := utc(r.First), utc(r.Second), utc(r.First.Add(-r.Gap))
	due := `CASE WHEN p.referred_at > ? THEN ` + tx.typed("?", "timestamptz") + ` ELSE ` + tx.typed("?", "timestamptz") + ` END`
	unix := `CASE WHEN p.referred_at > ? THEN ` + fmt.Sprint(second.Unix()) + ` ELSE ` + fmt.Sprint(first.Unix()) + ` END`
	planned := `status = 'planned' AND kind = 'checkin' AND substr(key, 1, ?) = ?`
	if plan {
		var err error
		moved, err = tx.exec(ctx, op, `UPDATE nudges SET due_at = `+due+`, key = `+tx.typed("?", "text")+` || nudges.person_id || ':' || `+unix+`
			FROM people p
			WHERE p.id = nudges.person_id AND nudges.person_id > ? AND nudges.person_id <= ? AND nudges.scheme_id = ?
			AND nudges.status = 'planned' AND nudges.kind = 'checkin' AND substr(nudges.key, 1, ?) = ?
			AND p.status = 'active' AND p.opted_out_at IS NULL AND p.restricted_at IS NULL
			AND NOT EXISTS (SELECT 1 FROM nudges older WHERE older.person_id = nudges.person_id AND older.id < nudges.id
				AND older.status = 'planned' AND older.kind = 'checkin' AND substr(older.key, 1, ?) = ?)`,
			cut, second, first, r.NewPrefix, cut, afterID, upToID, r.SchemeID, len(r.Prefix), r.Prefix, len(r.Prefix), r.Prefix)
		if err != nil {
			return 0, err
		}
	}
	keep := r.NewPrefix
	if !plan {
		keep = "" // cancel them all
	}
	if _, err := tx.exec(ctx, op, `UPDATE nudges SET status = 'cancelled', note = 'the schedule changed', finished_at = ?
		WHERE person_id > ? AND person_id <= ? AND scheme_id = ? AND `+planned+` AND (? = '' OR substr(key, 1, ?) <> ?)`,
		tx.now, afterID, upToID, r.SchemeID, len(r.Prefix), r.Prefix, keep, len(keep), keep); err != nil {
		return 0, err
	}
	if !plan {
		return 0, nil
	}
	added, err := tx.exec(ctx, op, `INSERT INTO nudges (scheme_id, person_id, kind, key, due_at, dialogue_key, status, created_at)
		SELECT p.scheme_id, p.id, 'checkin', `+tx.typed("?", "text")+` || p.id || ':' || `+unix+`, `+due+`, `+tx.typed("?", "text")+`, 'planned', `+tx.typed("?", "timestamptz")+`
		FROM people p WHERE p.id > ? AND p.id <= ? AND p.scheme_id = ? AND p.status = 'active' AND p.opted_out_at IS NULL AND p.restricted_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM nudges n WHERE n.person_id = p.id AND n.person_id > ? AND n.person_id <= ?
			AND n.status = 'planned' AND n.kind = 'checkin' AND substr(n.key, 1, ?) = ?)
		ON CONFLICT (key) DO NOTHING`,
		r.NewPrefix, cut, cut, second, first, r.DialogueKey, tx.now, afterID, upToID, r.SchemeID, afterID, upToID, len(r.NewPrefix), r.NewPrefix)
	return moved + added, err
}

// typed gives a parameter a type on PostgreSQL, where a bare parameter in
// a SELECT list would otherwise be text; SQLite needs none.
func (tx *Tx) typed(param, pgType string) string {
	if tx.postgres {
		return param + "::" + pgType
	}
	return param
}

// PeopleRange returns the id of the last of the next limit people of the
// scheme after afterID, by id, and whether there were any.
func (tx *Tx) PeopleRange(ctx context.Context, schemeID, afterID int64, limit int) (int64, bool, error) {
	var last *int64
	err := tx.get(ctx, "people range", &last, `SELECT max(id) FROM (SELECT id FROM people
		WHERE scheme_id = ? AND id > ? ORDER BY id LIMIT ?) AS batch`, schemeID, afterID, limit)
	if err != nil || last == nil {
		return 0, false, err
	}
	return *last, true, nil
}

// RescheduleNudges puts nudges owner holds back to planned, due at dueAt,
// as RescheduleNudge does, and returns how many it changed.
func (tx *Tx) RescheduleNudges(ctx context.Context, ids []int64, owner string, dueAt time.Time) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	return tx.execIn(ctx, "reschedule nudges", `UPDATE nudges SET status = 'planned', due_at = ?, lease_owner = NULL, lease_until = NULL
		WHERE id IN (?) AND status = 'claimed' AND lease_owner = ?`, utc(dueAt), ids, owner)
}

// NotifyNudges wakes the claim loops listening on PostgreSQL (channel
// NudgesChannel) when tx commits; on SQLite it does nothing.
func (tx *Tx) NotifyNudges(ctx context.Context) error {
	if !tx.postgres {
		return nil
	}
	_, err := tx.exec(ctx, "notify nudges", `SELECT pg_notify('`+NudgesChannel+`', '')`)
	return err
}

// NudgesChannel is the PostgreSQL LISTEN channel that says nudges are due.
const NudgesChannel = "linkbot_nudges"

// On PostgreSQL many rows go in one statement as arrays, one per column:
// a handful of parameters to parse whatever the number of rows.

func (tx *Tx) queueMessagesPG(ctx context.Context, list []*Message) error {
	if len(list) == 0 {
		return nil
	}
	var (
		schemes, nudges       []int64
		people, workers       []sql.NullInt64
		channels, addresses   []string
		kinds, bodies, nextAt []string
	)
	for _, m := range list {
		m.Direction, m.Status = Outbound, StatusQueued
		m.CreatedAt = tx.now
		if m.NextAttemptAt == nil {
			m.NextAttemptAt = &m.CreatedAt
		}
		m.NextAttemptAt = utcp(m.NextAttemptAt)
		schemes = append(schemes, m.SchemeID)
		people = append(people, nullInt(m.PersonID))
		workers = append(workers, nullInt(m.LinkWorkerID))
		nudges = append(nudges, deref64(m.NudgeID))
		channels = append(channels, string(m.Channel))
		addresses = append(addresses, m.Address)
		kinds = append(kinds, string(m.Kind))
		bodies = append(bodies, m.Body)
		nextAt = append(nextAt, m.NextAttemptAt.Format(time.RFC3339Nano))
	}
	_, err := tx.exec(ctx, "queue messages", `INSERT INTO messages (scheme_id, person_id, link_worker_id, nudge_id, direction,
		channel, address, kind, body, status, next_attempt_at, created_at)
		SELECT s, p, w, nullif(n, 0), 'out', c, a, k, b, 'queued', t, ?
		FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])
		AS u(s, p, w, n, c, a, k, b, t)`, tx.now, pq.Array(schemes), pq.GenericArray{A: people}, pq.GenericArray{A: workers},
		pq.Array(nudges), pq.Array(channels), pq.Array(addresses), pq.Array(kinds), pq.Array(bodies), pq.Array(nextAt))
	return err
}

func (tx *Tx) planNudgesPG(ctx context.Context, list []*Nudge) (int64, error) {
	if len(list) == 0 {
		return 0, nil
	}
	var (
		schemes, people         []int64
		contacts, groups, runs  []sql.NullInt64
		kinds, keys, due, dkeys []string
	)
	for _, n := range list {
		n.prepare(tx.now)
		schemes = append(schemes, n.SchemeID)
		people = append(people, n.PersonID)
		contacts = append(contacts, nullInt(n.ContactID))
		groups = append(groups, nullInt(n.GroupID))
		runs = append(runs, nullInt(n.RunID))
		kinds = append(kinds, string(n.Kind))
		keys = append(keys, n.Key)
		due = append(due, n.DueAt.Format(time.RFC3339Nano))
		dk := ""
		if n.DialogueKey != nil {
			dk = *n.DialogueKey
		}
		dkeys = append(dkeys, dk)
	}
	return tx.exec(ctx, "plan nudges", `INSERT INTO nudges (scheme_id, person_id, kind, key, due_at, dialogue_key, contact_id,
		group_id, run_id, status, created_at)
		SELECT s, p, k, key, d, nullif(dk, ''), c, g, r, 'planned', ?
		FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[])
		AS u(s, p, k, key, d, dk, c, g, r)
		ON CONFLICT (key) DO NOTHING`, tx.now, pq.Array(schemes), pq.Array(people), pq.Array(kinds), pq.Array(keys),
		pq.Array(due), pq.Array(dkeys), pq.GenericArray{A: contacts}, pq.GenericArray{A: groups}, pq.GenericArray{A: runs})
}

func nullInt(p *int64) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *p, Valid: true}
}

func deref64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// runsUnnest is the PostgreSQL form of InsertRuns' statement.
func runsUnnest(runs []*Run, now time.Time) (string, []any) {
	var (
		schemes, people, dialogues []int64
		states, subjects, outcomes []string
		waiting, expires, ended    []sql.NullString
	)
	stamp := func(t *time.Time) sql.NullString {
		if t == nil {
			return sql.NullString{}
		}
		return sql.NullString{String: t.Format(time.RFC3339Nano), Valid: true}
	}
	for _, r := range runs {
		schemes = append(schemes, r.SchemeID)
		people = append(people, r.PersonID)
		dialogues = append(dialogues, r.DialogueID)
		state := string(r.State)
		if state == "" {
			state = "{}"
		}
		states = append(states, state)
		subjects = append(subjects, string(objectOrEmpty(r.Subject)))
		waiting = append(waiting, stamp(r.WaitingSince))
		expires = append(expires, stamp(r.ExpiresAt))
		ended = append(ended, stamp(r.EndedAt))
		o := ""
		if r.Outcome != nil {
			o = string(*r.Outcome)
		}
		outcomes = append(outcomes, o)
	}
	return `INSERT INTO dialogue_runs (scheme_id, person_id, dialogue_id, state, subject, started_at, waiting_since, expires_at, ended_at, outcome)
		SELECT s, p, d, st::jsonb, su::jsonb, ?, w, x, e, nullif(o, '')
		FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::text[])
		AS u(s, p, d, st, su, w, x, e, o)
		RETURNING id, person_id`, []any{now, pq.Array(schemes), pq.Array(people), pq.Array(dialogues), pq.Array(states), pq.Array(subjects),
			pq.GenericArray{A: waiting}, pq.GenericArray{A: expires}, pq.GenericArray{A: ended}, pq.Array(outcomes)}
}
