package outcomes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/linkbot/linkbot/bot/referral"
	"github.com/linkbot/linkbot/store"
)

// Query chooses a scheme report: the scheme's episodes of support referred
// at or after From and before To, of one link worker when WorkerID is not 0.
type Query struct {
	SchemeID int64
	From, To time.Time
	WorkerID int64
}

// Check refuses a query no report can be made of, saying what to change.
func (q Query) Check() error {
	if q.SchemeID <= 0 {
		return errors.New("choose a scheme")
	}
	if !q.To.After(q.From) {
		return errors.New("the end of the period must be after its start")
	}
	return nil
}

func (q Query) scope() store.OutcomeScope {
	return store.OutcomeScope{SchemeID: q.SchemeID, From: q.From, To: q.To, WorkerID: q.WorkerID}
}

// Report is a scheme's outcomes for a period. Counts are exact in Go and
// suppressed when shown or marshalled (see Count); figures derived from
// fewer than SmallNumber people are left out when marshalled.
type Report struct {
	SchemeID int64     `json:"scheme_id"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"` // exclusive
	WorkerID int64     `json:"link_worker_id,omitempty"`
	Weeks    float64   `json:"weeks"`

	Referred  Count       `json:"referred"`
	Started   Count       `json:"support_started"` // consent recorded
	Ended     Count       `json:"support_ended"`
	Declined  Count       `json:"declined"`
	OptedOut  Count       `json:"opted_out"`
	NoReply   Count       `json:"no_response"` // people with two unanswered check-ins in a row
	Sources   []Breakdown `json:"by_source"`
	Needs     []Breakdown `json:"by_need"`
	Contacts  Contacts    `json:"contacts"`
	Outcomes  []Outcome   `json:"outcomes"`
	Groups    []Group     `json:"groups"`
	Suggested Count       `json:"suggestions_made"`
	Accepted  Count       `json:"suggestions_accepted"`
	Refused   Count       `json:"suggestions_declined"`
	Attended  Count       `json:"suggestions_attended"`
	// Gaps are the people for whom no community group could be found,
	// and GapNeeds their needs.
	Gaps        Count        `json:"provision_gaps"`
	GapNeeds    []Breakdown  `json:"provision_gap_needs"`
	Escalations []Escalation `json:"escalations"`
}

// Breakdown is one line of a count by category.
type Breakdown struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	N     Count  `json:"n"`
}

// Contacts are the contacts held with the people referred, and how soon
// after referral the first took place.
type Contacts struct {
	Held      Count `json:"held"`
	Missed    Count `json:"did_not_attend"`
	Cancelled Count `json:"cancelled"`
	Seen      Count `json:"people_seen"`
	Within7   Count `json:"first_within_7_days"`
	Within14  Count `json:"first_within_14_days"`
	Within28  Count `json:"first_within_28_days"`
	// MeanDays from referral to the first contact held; nil when nobody
	// was seen (or fewer than SmallNumber, when marshalled).
	MeanDays *float64 `json:"mean_days_to_first_contact"`
}

// MarshalJSON leaves out the mean time to first contact of a small number.
func (c Contacts) MarshalJSON() ([]byte, error) {
	type plain Contacts
	if c.Seen.Small() {
		c.MeanDays = nil
	}
	return json.Marshal(plain(c))
}

// Outcome is one measure's start and end scores of the people whose
// support ended with at least two answers to it.
type Outcome struct {
	Key        string  `json:"measure"`
	Label      string  `json:"label"`
	SNOMED     string  `json:"snomed_ct,omitempty"`
	Threshold  float64 `json:"meaningful_change"`
	Paired     Count   `json:"people_paired"`
	MeanStart  float64 `json:"mean_start"`
	MeanEnd    float64 `json:"mean_end"`
	MeanChange float64 `json:"mean_change"` // end minus start
	// CILow and CIHigh bound the 95% confidence interval of the mean
	// change: paired t (see pairedCI).
	CILow    float64 `json:"ci95_low"`
	CIHigh   float64 `json:"ci95_high"`
	Improved Count   `json:"improved"`
	Same     Count   `json:"same"`
	Worse    Count   `json:"worse"`
}

// Shown reports whether the outcome's means may be shown: at least
// SmallNumber people paired.
func (o Outcome) Shown() bool { return o.Paired >= SmallNumber }

// MarshalJSON leaves the means and interval out (null) below SmallNumber
// people.
func (o Outcome) MarshalJSON() ([]byte, error) {
	type plain Outcome
	if o.Shown() {
		return json.Marshal(plain(o))
	}
	return json.Marshal(struct {
		plain
		MeanStart  *float64 `json:"mean_start"`
		MeanEnd    *float64 `json:"mean_end"`
		MeanChange *float64 `json:"mean_change"`
		CILow      *float64 `json:"ci95_low"`
		CIHigh     *float64 `json:"ci95_high"`
	}{plain: plain(o)})
}

// Group is one community group's suggestions to the people referred.
type Group struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	WeeklyCapacity *int   `json:"weekly_capacity"` // nil: unlimited
	Suggested      Count  `json:"suggested"`
	Accepted       Count  `json:"accepted"`
	Declined       Count  `json:"declined"`
	Attended       Count  `json:"attended"`
	// CapacityUsed is the places accepted as a share of the group's weekly
	// capacity over the weeks of the period (0.25 is a quarter); nil for
	// a group without a capacity.
	CapacityUsed *float64 `json:"capacity_used"`
}

// MarshalJSON leaves out the capacity used by a small number of places.
func (g Group) MarshalJSON() ([]byte, error) {
	type plain Group
	if g.Accepted.Small() {
		g.CapacityUsed = nil
	}
	return json.Marshal(plain(g))
}

// Escalation is the escalations of one reason about the people referred.
type Escalation struct {
	Reason       string   `json:"reason"`
	Label        string   `json:"label"`
	N            Count    `json:"n"`
	People       Count    `json:"people"`
	Acknowledged Count    `json:"acknowledged"`
	MeanMinutes  *float64 `json:"mean_minutes_to_acknowledge"`
}

// MarshalJSON leaves out the mean time of a small number.
func (e Escalation) MarshalJSON() ([]byte, error) {
	type plain Escalation
	if e.Acknowledged.Small() {
		e.MeanMinutes = nil
	}
	return json.Marshal(plain(e))
}

// reasonLabels name the escalation reasons for a commissioner.
var reasonLabels = map[store.Reason]string{
	store.ReasonRisk:           "May show risk",
	store.ReasonWantsContact:   "Asked to talk to their link worker",
	store.ReasonRearrange:      "Asked to move a contact",
	store.ReasonLowScore:       "Low check-in answers",
	store.ReasonNoResponse:     "Check-ins unanswered",
	store.ReasonDeliveryFailed: "A message could not be delivered",
	store.ReasonOptedOut:       "Asked for no more messages",
	store.ReasonProvisionGap:   "No community group could meet their needs",
}

// SchemeReport computes the scheme's report for q in one consistent read of
// db. Every figure is aggregated in the database (GROUP BY), so its memory
// does not grow with the number of people. It reads only scores, dates,
// counts, needs categories and groups: the same report comes out before
// and after names and message text are erased.
func SchemeReport(ctx context.Context, db *store.DB, q Query) (*Report, error) {
	if err := q.Check(); err != nil {
		return nil, fmt.Errorf("scheme report: %w", err)
	}
	s := q.scope()
	r := &Report{SchemeID: q.SchemeID, From: q.From, To: q.To, WorkerID: q.WorkerID, Weeks: q.To.Sub(q.From).Hours() / (24 * 7)}
	err := db.View(ctx, func(tx *store.Tx) error {
		if err := tx.OutcomeWorkMemory(ctx); err != nil {
			return err
		}
		people, err := tx.OutcomePeopleCounts(ctx, s)
		if err != nil {
			return err
		}
		r.Referred, r.Started, r.Ended, r.OptedOut, r.Declined = Count(people.Referred), Count(people.Consented),
			Count(people.Ended), Count(people.OptedOut), Count(people.Declined)
		sources, err := tx.OutcomeSources(ctx, s)
		if err != nil {
			return err
		}
		r.Sources = breakdown(sources, referral.Sources)
		needs, err := tx.OutcomeNeeds(ctx, s, false)
		if err != nil {
			return err
		}
		r.Needs = breakdown(needs, referral.Needs)
		gapNeeds, err := tx.OutcomeNeeds(ctx, s, true)
		if err != nil {
			return err
		}
		r.GapNeeds = breakdown(gapNeeds, referral.Needs)
		c, err := tx.OutcomeContactCounts(ctx, s)
		if err != nil {
			return err
		}
		r.Contacts = Contacts{Held: Count(c.Held), Missed: Count(c.Missed), Cancelled: Count(c.Cancelled), Seen: Count(c.Seen),
			Within7: Count(c.Within7), Within14: Count(c.Within14), Within28: Count(c.Within28), MeanDays: c.MeanDays}
		if r.Outcomes, err = outcomesOf(ctx, tx, s); err != nil {
			return err
		}
		if err := r.loadGroups(ctx, tx, s); err != nil {
			return err
		}
		return r.loadEscalations(ctx, tx, s)
	})
	if err != nil {
		return nil, fmt.Errorf("scheme report: %w", err)
	}
	return r, nil
}

func breakdown(counts []store.OutcomeCount, labels []referral.Option) []Breakdown {
	out := make([]Breakdown, 0, len(counts))
	for _, c := range counts {
		out = append(out, Breakdown{Key: c.Key, Label: referral.Label(labels, c.Key), N: Count(c.N)})
	}
	return out
}

// outcomesOf pairs every measure's scores, in the order of Measures; a
// measure nobody has a pair of is left out.
func outcomesOf(ctx context.Context, tx *store.Tx, s store.OutcomeScope) ([]Outcome, error) {
	rules := make([]store.ScoreRule, len(Measures))
	for i, m := range Measures {
		rules[i] = m.rule()
	}
	sums, err := tx.OutcomeScoreSums(ctx, s, rules)
	if err != nil {
		return nil, err
	}
	byKey := map[string]store.OutcomeScores{}
	for _, x := range sums {
		byKey[x.Key] = x
	}
	var out []Outcome
	for _, m := range Measures {
		x, ok := byKey[m.Key]
		if !ok || x.Paired == 0 {
			continue
		}
		o := Outcome{Key: m.Key, Label: m.Label, SNOMED: m.SNOMED, Threshold: m.Meaningful, Paired: Count(x.Paired),
			Improved: Count(x.Improved), Worse: Count(x.Worse), Same: Count(x.Paired - x.Improved - x.Worse)}
		n := float64(x.Paired)
		o.MeanStart, o.MeanEnd = x.SumStart/n, x.SumEnd/n
		o.MeanChange = x.SumChange / n
		if _, lo, hi, ok := pairedCI(x.Paired, x.SumChange, x.SumSquare); ok {
			o.CILow, o.CIHigh = lo, hi
		} else {
			o.CILow, o.CIHigh = o.MeanChange, o.MeanChange
		}
		out = append(out, o)
	}
	return out, nil
}

func (r *Report) loadGroups(ctx context.Context, tx *store.Tx, s store.OutcomeScope) error {
	groups, err := tx.OutcomeGroups(ctx, s)
	if err != nil {
		return err
	}
	for _, g := range groups {
		row := Group{ID: g.GroupID, Name: g.Name, WeeklyCapacity: g.WeeklyCapacity, Suggested: Count(g.Suggested),
			Accepted: Count(g.Accepted), Declined: Count(g.Declined), Attended: Count(g.Attended)}
		if g.WeeklyCapacity != nil && *g.WeeklyCapacity > 0 && r.Weeks > 0 {
			used := float64(g.Accepted) / (float64(*g.WeeklyCapacity) * r.Weeks)
			row.CapacityUsed = &used
		}
		r.Suggested += row.Suggested
		r.Accepted += row.Accepted
		r.Refused += row.Declined
		r.Attended += row.Attended
		r.Groups = append(r.Groups, row)
	}
	return nil
}

func (r *Report) loadEscalations(ctx context.Context, tx *store.Tx, s store.OutcomeScope) error {
	list, err := tx.OutcomeEscalationCounts(ctx, s)
	if err != nil {
		return err
	}
	for _, e := range list {
		label := reasonLabels[e.Reason]
		if label == "" {
			label = string(e.Reason)
		}
		r.Escalations = append(r.Escalations, Escalation{Reason: string(e.Reason), Label: label, N: Count(e.N),
			People: Count(e.People), Acknowledged: Count(e.Acknowledged), MeanMinutes: e.MeanMinutes})
		switch e.Reason {
		case store.ReasonProvisionGap:
			r.Gaps = Count(e.People)
		case store.ReasonNoResponse:
			r.NoReply = Count(e.People)
		}
	}
	return nil
}

// Period reads a report's first and last day, "YYYY-MM-DD" each and both
// included, as the times a Query takes: from midnight at the start of from
// to midnight at the end of to, in loc.
func Period(from, to string, loc *time.Location) (time.Time, time.Time, error) {
	f, err := time.ParseInLocation(time.DateOnly, from, loc)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("the first day %q: write it as YYYY-MM-DD, e.g. 2026-04-01", from)
	}
	t, err := time.ParseInLocation(time.DateOnly, to, loc)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("the last day %q: write it as YYYY-MM-DD, e.g. 2027-03-31", to)
	}
	if t.Before(f) {
		return time.Time{}, time.Time{}, fmt.Errorf("the last day (%s) is before the first (%s)", to, from)
	}
	return f, t.AddDate(0, 0, 1), nil
}
