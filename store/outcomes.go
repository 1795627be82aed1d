package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// This file holds the reads behind outcome reports: set-based aggregates
// over a scheme's episodes of support (one person row is one episode, from
// referral to the end of support), computed in the database so that a
// national-scale scheme never passes through Go one person at a time.
// They read only what stays meaningful once names and message text are
// gone: scores, dates, counts, needs categories, group ids and names.

// OutcomeScope selects the episodes a report covers: the scheme's people
// referred at or after From and before To, of one link worker when
// WorkerID is not 0.
type OutcomeScope struct {
	SchemeID int64
	From, To time.Time
	WorkerID int64
}

// episodes is the WITH clause naming the episodes in scope "ep", and its
// arguments. ended keeps only episodes whose support has ended.
func (s OutcomeScope) episodes(ended bool) (string, []any) {
	q := `WITH ep AS (SELECT id, referred_at, consent_at, opted_out_at, ended_at, status, needs, referral_source FROM people
		WHERE scheme_id = ? AND referred_at >= ? AND referred_at < ? AND (? = 0 OR link_worker_id = ?)`
	if ended {
		q += ` AND status = 'ended'`
	}
	return q + `)`, []any{s.SchemeID, utc(s.From), utc(s.To), s.WorkerID, s.WorkerID}
}

// OutcomeWorkMemory lets the rest of the transaction sort and hash in up
// to 256 MB of the database server's memory per operation (PostgreSQL's
// work_mem, for this transaction only), so a national-scale report sorts
// its scores (5.4 million answers at 900,000 people) in memory rather than
// on disk: 22 s instead of 29 s. It changes nothing on SQLite.
func (tx *Tx) OutcomeWorkMemory(ctx context.Context) error {
	if !tx.postgres {
		return nil
	}
	_, err := tx.exec(ctx, "set work memory", `SET LOCAL work_mem = '256MB'`)
	return err
}

// OutcomeCount is one count of a breakdown: how many have Key.
type OutcomeCount struct {
	Key string `db:"key"`
	N   int    `db:"n"`
}

// declinedSQL is true of an episode in ep that declined social prescribing:
// support ended with no contact held, and either no consent recorded or an
// opt-out.
const declinedSQL = `(ep.status = 'ended' AND (ep.consent_at IS NULL OR ep.opted_out_at IS NOT NULL)
	AND NOT EXISTS (SELECT 1 FROM contacts dc WHERE dc.person_id = ep.id AND dc.status = 'done'))`

// OutcomePeople are the counts of the episodes in scope.
type OutcomePeople struct {
	Referred  int `db:"referred"`
	Consented int `db:"consented"` // support started: consent recorded
	Ended     int `db:"ended"`
	OptedOut  int `db:"opted_out"`
	// Declined: support ended with no contact held and either no consent
	// or an opt-out (SNOMED CT "social prescribing declined").
	Declined int `db:"declined"`
}

// OutcomePeopleCounts counts the episodes in scope.
func (tx *Tx) OutcomePeopleCounts(ctx context.Context, s OutcomeScope) (OutcomePeople, error) {
	with, args := s.episodes(false)
	var out OutcomePeople
	err := tx.get(ctx, "count outcome people", &out, with+`
		SELECT count(*) AS referred, count(consent_at) AS consented, count(ended_at) AS ended, count(opted_out_at) AS opted_out,
			coalesce(sum(CASE WHEN `+declinedSQL+` THEN 1 ELSE 0 END), 0) AS declined
		FROM ep`, args...)
	return out, err
}

// OutcomeSources counts the episodes in scope by referral source.
func (tx *Tx) OutcomeSources(ctx context.Context, s OutcomeScope) ([]OutcomeCount, error) {
	with, args := s.episodes(false)
	var out []OutcomeCount
	err := tx.selectAll(ctx, "count referral sources", &out, with+`
		SELECT referral_source AS key, count(*) AS n FROM ep GROUP BY referral_source ORDER BY count(*) DESC, referral_source`, args...)
	return out, err
}

// OutcomeNeeds counts the episodes in scope by needs category (a person
// with two needs counts under both); with gapsOnly, only people for whom a
// provision gap was raised (no community group could meet their needs).
func (tx *Tx) OutcomeNeeds(ctx context.Context, s OutcomeScope, gapsOnly bool) ([]OutcomeCount, error) {
	with, args := s.episodes(false)
	where := ""
	if gapsOnly {
		where = ` WHERE EXISTS (SELECT 1 FROM escalations e WHERE e.person_id = ep.id AND e.reason = 'provision_gap')`
	}
	var out []OutcomeCount
	err := tx.selectAll(ctx, "count needs", &out, with+`
		SELECT n.value AS key, count(*) AS n FROM ep, `+tx.jsonElements("ep.needs", "n")+where+`
		GROUP BY n.value ORDER BY count(*) DESC, n.value`, args...)
	return out, err
}

// OutcomeContacts are the contacts of the episodes in scope and how soon
// after referral each person's first contact took place.
type OutcomeContacts struct {
	Held      int `db:"held"`   // contacts done
	Missed    int `db:"missed"` // did not attend
	Cancelled int `db:"cancelled"`
	// Seen is how many people had at least one contact held; Within7,
	// Within14 and Within28 how many of them had the first within 7, 14
	// and 28 days of referral.
	Seen     int `db:"seen"`
	Within7  int `db:"within7"`
	Within14 int `db:"within14"`
	Within28 int `db:"within28"`
	// MeanDays is the mean time from referral to first contact, in days;
	// nil when nobody was seen.
	MeanDays *float64 `db:"mean_days"`
}

// OutcomeContactCounts counts the contacts of the episodes in scope.
func (tx *Tx) OutcomeContactCounts(ctx context.Context, s OutcomeScope) (OutcomeContacts, error) {
	with, args := s.episodes(false)
	var out OutcomeContacts
	err := tx.get(ctx, "count outcome contacts", &out, with+`,
		d AS (SELECT sum(CASE WHEN c.status = 'done' THEN 1 ELSE 0 END) AS held,
				sum(CASE WHEN c.status = 'did_not_attend' THEN 1 ELSE 0 END) AS missed,
				sum(CASE WHEN c.status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled,
				min(CASE WHEN c.status = 'done' THEN c.starts_at END) AS first_at, ep.referred_at
			FROM contacts c JOIN ep ON ep.id = c.person_id GROUP BY c.person_id, ep.referred_at),
		w AS (SELECT d.*, `+tx.seconds("first_at", "referred_at")+` AS wait FROM d)
		SELECT coalesce(sum(held), 0) AS held, coalesce(sum(missed), 0) AS missed, coalesce(sum(cancelled), 0) AS cancelled,
			count(first_at) AS seen,
			coalesce(sum(CASE WHEN wait <= 7 * 86400 THEN 1 ELSE 0 END), 0) AS within7,
			coalesce(sum(CASE WHEN wait <= 14 * 86400 THEN 1 ELSE 0 END), 0) AS within14,
			coalesce(sum(CASE WHEN wait <= 28 * 86400 THEN 1 ELSE 0 END), 0) AS within28,
			avg(wait) / 86400.0 AS mean_days
		FROM w`, args...)
	return out, err
}

// ScoreRule says how a measure's change is judged: Threshold is the
// smallest change that counts as meaningful, LowerIsBetter turns the
// direction round (ONS4 anxiety).
type ScoreRule struct {
	Key           string
	Threshold     float64
	LowerIsBetter bool
}

// OutcomeScores sums one measure's paired start and end scores: of the
// people whose support ended with at least two answers to the measure,
// the first and the last.
type OutcomeScores struct {
	Key       string  `db:"measure_key"`
	Paired    int     `db:"paired"`
	SumStart  float64 `db:"sum_start"`
	SumEnd    float64 `db:"sum_end"`
	SumChange float64 `db:"sum_change"` // end minus start
	SumSquare float64 `db:"sum_square"` // of the changes
	Improved  int     `db:"improved"`   // changed by the threshold or more, the better way
	Worse     int     `db:"worse"`      // changed by the threshold or more, the worse way
}

// OutcomeScoreSums pairs first and last scores per person and measure of
// rules, and sums them per measure, in one pass over the answers.
func (tx *Tx) OutcomeScoreSums(ctx context.Context, s OutcomeScope, rules []ScoreRule) ([]OutcomeScores, error) {
	if len(rules) == 0 {
		return nil, nil
	}
	with, args := s.episodes(true)
	var keys, lower, thresholds []string
	var keyArgs, lowerArgs, thrArgs []any
	for _, r := range rules {
		keys = append(keys, "?")
		keyArgs = append(keyArgs, r.Key)
		if r.LowerIsBetter {
			lower = append(lower, "?")
			lowerArgs = append(lowerArgs, r.Key)
		}
		thresholds = append(thresholds, "WHEN ? THEN CAST(? AS double precision)")
		// A hair under the threshold, so a change of exactly the threshold
		// counts whatever the floating-point subtraction gave.
		thrArgs = append(thrArgs, r.Key, r.Threshold-1e-9)
	}
	gain := "last - first"
	if len(lower) > 0 {
		gain = "CASE WHEN measure_key IN (" + strings.Join(lower, ", ") + ") THEN first - last ELSE last - first END"
	}
	args = append(args, keyArgs...)
	args = append(args, lowerArgs...)
	args = append(args, thrArgs...)
	var out []OutcomeScores
	// One window over each person's answers to a measure, in the order
	// given, yields the first, the last and how many at once; the row
	// numbered 1 of each stands for the pair.
	err := tx.selectAll(ctx, "sum outcome scores", &out, with+`,
		p AS (SELECT a.measure_key, first_value(a.value) OVER w AS first, last_value(a.value) OVER w AS last,
				count(*) OVER w AS n, row_number() OVER w AS k
			FROM answers a JOIN ep ON ep.id = a.person_id WHERE a.measure_key IN (`+strings.Join(keys, ", ")+`)
			WINDOW w AS (PARTITION BY a.person_id, a.measure_key ORDER BY a.answered_at, a.id
				ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)),
		d AS (SELECT measure_key, first, last, `+gain+` AS gain,
				CASE measure_key `+strings.Join(thresholds, " ")+` END AS threshold FROM p WHERE k = 1 AND n >= 2)
		SELECT measure_key, count(*) AS paired, sum(first) AS sum_start, sum(last) AS sum_end,
			sum(last - first) AS sum_change, sum((last - first) * (last - first)) AS sum_square,
			sum(CASE WHEN gain >= threshold THEN 1 ELSE 0 END) AS improved,
			sum(CASE WHEN -gain >= threshold THEN 1 ELSE 0 END) AS worse
		FROM d GROUP BY measure_key ORDER BY measure_key`, args...)
	return out, err
}

// OutcomeGroup is what happened to one community group's suggestions to
// the episodes in scope.
type OutcomeGroup struct {
	GroupID        int64  `db:"id"`
	Name           string `db:"name"`
	WeeklyCapacity *int   `db:"weekly_capacity"` // nil: unlimited
	Suggested      int    `db:"suggested"`
	Accepted       int    `db:"accepted"`
	Declined       int    `db:"declined"`
	Attended       int    `db:"attended"`
}

// OutcomeGroups lists every group of the scheme with its suggestions to
// the episodes in scope, most suggested first.
func (tx *Tx) OutcomeGroups(ctx context.Context, s OutcomeScope) ([]OutcomeGroup, error) {
	with, args := s.episodes(false)
	var out []OutcomeGroup
	err := tx.selectAll(ctx, "count group suggestions", &out, with+`,
		r AS (SELECT ar.group_id, count(*) AS suggested, count(ar.accepted_at) AS accepted,
				count(ar.declined_at) AS declined, count(ar.attended_at) AS attended
			FROM activity_referrals ar JOIN ep ON ep.id = ar.person_id GROUP BY ar.group_id)
		SELECT g.id, g.name, g.weekly_capacity, coalesce(r.suggested, 0) AS suggested, coalesce(r.accepted, 0) AS accepted,
			coalesce(r.declined, 0) AS declined, coalesce(r.attended, 0) AS attended
		FROM community_groups g LEFT JOIN r ON r.group_id = g.id
		WHERE g.scheme_id = ? ORDER BY coalesce(r.suggested, 0) DESC, g.name`, append(args, s.SchemeID)...)
	return out, err
}

// OutcomeEscalations are the escalations of one reason raised about the
// episodes in scope.
type OutcomeEscalations struct {
	Reason       Reason `db:"reason"`
	N            int    `db:"n"`
	People       int    `db:"people"`
	Acknowledged int    `db:"acknowledged"`
	// MeanMinutes is the mean time from raising to acknowledgement, in
	// minutes, of those acknowledged; nil when none was.
	MeanMinutes *float64 `db:"mean_minutes"`
}

// OutcomeEscalationCounts counts the escalations about the episodes in
// scope by reason.
func (tx *Tx) OutcomeEscalationCounts(ctx context.Context, s OutcomeScope) ([]OutcomeEscalations, error) {
	with, args := s.episodes(false)
	var out []OutcomeEscalations
	err := tx.selectAll(ctx, "count outcome escalations", &out, with+`
		SELECT e.reason, count(*) AS n, count(DISTINCT e.person_id) AS people, count(e.acknowledged_at) AS acknowledged,
			avg(CASE WHEN e.acknowledged_at IS NOT NULL THEN `+tx.seconds("e.acknowledged_at", "e.created_at")+` END) / 60.0 AS mean_minutes
		FROM escalations e JOIN ep ON ep.id = e.person_id GROUP BY e.reason ORDER BY count(*) DESC, e.reason`, args...)
	return out, err
}

// Episode is one episode of support as the outcomes export gives it:
// the referral's coded facts, counts and dates, never names or text.
type Episode struct {
	ID             int64          `db:"id"` // the person's id
	NHSNumber      *string        `db:"nhs_number"`
	DateOfBirth    *string        `db:"date_of_birth"`
	GPPractice     string         `db:"gp_practice"`
	ReferredAt     time.Time      `db:"referred_at"`
	ReferralSource ReferralSource `db:"referral_source"`
	ConsentAt      *time.Time     `db:"consent_at"`
	EndedAt        *time.Time     `db:"ended_at"`
	OptedOutAt     *time.Time     `db:"opted_out_at"`
	LinkWorkerID   *int64         `db:"link_worker_id"`
	Needs          Strings        `db:"needs"`
	ContactsHeld   int            `db:"contacts_held"`
	ContactsMissed int            `db:"contacts_missed"`
	FirstContactAt *time.Time     `db:"-"`
	Suggested      int            `db:"suggested"`
	Accepted       int            `db:"accepted"`
	Declined       int            `db:"declined"`
	Attended       int            `db:"attended"`
	Groups         string         `db:"groups"` // the groups accepted, names joined by "; "
	// DeclinedService: support ended with no contact held, and no consent
	// or an opt-out (SNOMED CT "social prescribing declined").
	DeclinedService bool `db:"-"`
	// Scores has, per measure key asked for, the first and last answer
	// and how many answers there were.
	Scores map[string]EpisodeScore `db:"-"`
}

// EpisodeScore is a measure's first and last answer in an episode.
type EpisodeScore struct {
	First, Last float64
	N           int
}

// EachEpisode calls fn with each episode in scope, oldest referral first,
// streaming rows so that any number of episodes uses little memory.
// measures are the measure keys whose first and last scores to give.
func (tx *Tx) EachEpisode(ctx context.Context, s OutcomeScope, measures []string, fn func(*Episode) error) error {
	with, args := s.episodes(false)
	var cols []string
	var colArgs, keyArgs []any
	var keys []string
	for i, m := range measures {
		cols = append(cols, fmt.Sprintf(`, max(CASE WHEN measure_key = ? AND k = 1 THEN value END) AS f%[1]d,
			max(CASE WHEN measure_key = ? AND k = n THEN value END) AS l%[1]d, max(CASE WHEN measure_key = ? THEN n END) AS n%[1]d`, i))
		colArgs = append(colArgs, m, m, m)
		keys = append(keys, "?")
		keyArgs = append(keyArgs, m)
	}
	scores := "SELECT NULL AS person_id WHERE 1 = 0"
	if len(measures) > 0 {
		scores = `SELECT person_id` + strings.Join(cols, "") + ` FROM (SELECT a.person_id, a.measure_key, a.value,
				row_number() OVER (PARTITION BY a.person_id, a.measure_key ORDER BY a.answered_at, a.id) AS k,
				count(*) OVER (PARTITION BY a.person_id, a.measure_key) AS n
			FROM answers a JOIN ep ON ep.id = a.person_id WHERE a.measure_key IN (` + strings.Join(keys, ", ") + `)) x GROUP BY person_id`
	}
	args = append(args, colArgs...)
	args = append(args, keyArgs...)
	q := with + `,
		c AS (SELECT c.person_id, sum(CASE WHEN c.status = 'done' THEN 1 ELSE 0 END) AS held,
				sum(CASE WHEN c.status = 'did_not_attend' THEN 1 ELSE 0 END) AS missed,
				min(CASE WHEN c.status = 'done' THEN c.starts_at END) AS first_at
			FROM contacts c JOIN ep ON ep.id = c.person_id GROUP BY c.person_id),
		r AS (SELECT ar.person_id, count(*) AS suggested, count(ar.accepted_at) AS accepted, count(ar.declined_at) AS declined,
				count(ar.attended_at) AS attended,
				` + tx.stringAgg("CASE WHEN ar.accepted_at IS NOT NULL THEN g.name END", "; ") + ` AS groups
			FROM activity_referrals ar JOIN ep ON ep.id = ar.person_id JOIN community_groups g ON g.id = ar.group_id
			GROUP BY ar.person_id),
		s AS (` + scores + `)
		SELECT p.id, p.nhs_number, p.date_of_birth, p.gp_practice, p.referred_at, p.referral_source, p.consent_at, p.ended_at,
			p.opted_out_at, p.link_worker_id, p.needs, coalesce(c.held, 0), coalesce(c.missed, 0), c.first_at,
			coalesce(r.suggested, 0), coalesce(r.accepted, 0), coalesce(r.declined, 0), coalesce(r.attended, 0), coalesce(r.groups, ''),
			CASE WHEN ` + declinedSQL + ` THEN 1 ELSE 0 END, s.*
		FROM ep JOIN people p ON p.id = ep.id LEFT JOIN c ON c.person_id = p.id LEFT JOIN r ON r.person_id = p.id
		LEFT JOIN s ON s.person_id = p.id
		ORDER BY p.referred_at, p.id`
	rows, err := tx.tx.QueryContext(ctx, tx.rebind(q), args...)
	if err != nil {
		return classify("list episodes", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e Episode
		var referred, consent, ended, optedOut, first nullTime
		var personID sql.NullInt64
		vals := make([]sql.NullFloat64, 3*len(measures))
		dest := []any{&e.ID, &e.NHSNumber, &e.DateOfBirth, &e.GPPractice, &referred, &e.ReferralSource, &consent, &ended,
			&optedOut, &e.LinkWorkerID, &e.Needs, &e.ContactsHeld, &e.ContactsMissed, &first,
			&e.Suggested, &e.Accepted, &e.Declined, &e.Attended, &e.Groups, &e.DeclinedService, &personID}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return classify("read episode", err)
		}
		if referred.Time != nil {
			e.ReferredAt = *referred.Time
		}
		e.ConsentAt, e.EndedAt, e.OptedOutAt, e.FirstContactAt = consent.Time, ended.Time, optedOut.Time, first.Time
		e.Scores = map[string]EpisodeScore{}
		for i, m := range measures {
			f, l, n := vals[3*i], vals[3*i+1], vals[3*i+2]
			if f.Valid && l.Valid {
				e.Scores[m] = EpisodeScore{First: f.Float64, Last: l.Float64, N: int(n.Float64)}
			}
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return classify("list episodes", err)
	}
	return nil
}
