package inbox

import (
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/linkbot/linkbot/bot/outcomes"
	"github.com/linkbot/linkbot/bot/referral"
	"github.com/linkbot/linkbot/store"
)

// personPage is everything the person page shows.
type personPage struct {
	Person      store.Person
	Worker      *store.LinkWorker // their link worker
	Thread      []threadMessage
	More        bool // older messages are not shown
	All         bool // the whole history is shown
	Escalations []store.Escalation
	OptOuts     int // open opt-out escalations, shown as one card
	Contacts    []store.Contact
	Referrals   []referralRow
	Notes       []noteRow
	Charts      []chart
	Latest      []latestAnswer
	Changes     []outcomes.Change // first and last score of each measure in this episode
	PausedUntil *time.Time
	Dialogues   []string // published dialogue keys that can be started now
	Workers     []store.LinkWorker
	Now         time.Time // contacts begun by now can be marked done or missed
	Facts       referralFacts
}

// referralFacts are what the person's referral told the link worker, in
// words; "" is not known.
type referralFacts struct {
	NHSNumber      string // 943 476 5919
	DateOfBirth    string // 14 Mar 1950
	GPPractice     string
	Source         string // GP, Self-referral, …
	Needs          string // the needs categories' labels
	Reason         string
	ConsentHow     string // In person, …
	ConsentBy      string // who recorded consent
	TelegramWanted bool
}

// factsOf puts p's referral in words; names are the link workers' names.
func factsOf(p store.Person, names map[int64]string) referralFacts {
	f := referralFacts{GPPractice: p.GPPractice, Reason: p.Reason, TelegramWanted: p.TelegramWanted,
		Source: referral.Label(referral.Sources, string(p.ReferralSource))}
	if n := p.NHSNumber; n != nil && len(*n) == 10 {
		f.NHSNumber = (*n)[:3] + " " + (*n)[3:6] + " " + (*n)[6:]
	}
	if d := p.DateOfBirth; d != nil {
		f.DateOfBirth = *d
		if t, err := time.Parse(time.DateOnly, *d); err == nil {
			f.DateOfBirth = t.Format("2 Jan 2006")
		}
	}
	var needs []string
	for _, n := range p.Needs {
		needs = append(needs, referral.Label(referral.Needs, n))
	}
	f.Needs = strings.Join(needs, ", ")
	if p.ConsentHow != "" {
		f.ConsentHow = referral.Label(referral.ConsentWays, p.ConsentHow)
	}
	if p.ConsentBy != nil {
		f.ConsentBy = names[*p.ConsentBy]
	}
	return f
}

// threadMessage is one message of the thread with who wrote it.
type threadMessage struct {
	store.Message
	Author string
	Raised bool // it raised an escalation still open
}

// In reports whether the person sent it.
func (m threadMessage) In() bool { return m.Direction == store.Inbound }

type referralRow struct {
	store.Referral
	Group string
}

type noteRow struct {
	store.Note
	Author string
}

// person shows one person of the viewer's caseload and records the view
// in the audit trail; their link worker opening it marks their messages
// read. Anyone outside the viewer's scope is 404.
func (a *app) person(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	a.showPerson(w, r, id, http.StatusOK, true, map[string]any{"Done": feedbackOf(r)})
}

// showPerson renders the person page with status and the extra data (a
// confirmation, or a problem and the form as typed), and records the view
// ("person.viewed") in the audit trail. With markRead, the person's
// messages are marked read if the viewer is their link worker (or they
// have none): an admin's or a colleague's glance leaves them unread for
// the link worker who must answer them.
func (a *app) showPerson(w http.ResponseWriter, r *http.Request, id int64, status int, markRead bool, extra map[string]any) {
	v := viewerOf(r)
	ctx := r.Context()
	var pg personPage
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if pg.Person, err = tx.GetPersonInScope(ctx, id, v.Worker.SchemeID, v.Scope()); err != nil {
			return err
		}
		if err := a.loadPerson(r, tx, &pg); err != nil {
			return err
		}
		var detail map[string]any
		if pg.All {
			detail = map[string]any{"thread": "all"}
		}
		if err := audit(ctx, tx, v, id, "person.viewed", detail); err != nil {
			return err
		}
		if !markRead || !answersFor(v, pg.Person) {
			return nil
		}
		return tx.MarkRead(ctx, id)
	})
	if err != nil {
		a.storeError(w, r, "person", err)
		return
	}
	data := map[string]any{"P": pg, "Kinds": contactKinds, "Languages": languages, "Telegram": a.TelegramLink != nil,
		"ONS4Meaningful": outcomes.ONS4Threshold, "SWEMWBSMeaningful": outcomes.SWEMWBSThreshold,
		"In": url.Values(nil), "Problem": map[string]string(nil), "Done": map[string]string(nil)}
	for k, v := range extra {
		data[k] = v
	}
	if data["In"] == nil {
		data["In"] = url.Values(nil)
	}
	needs := []string(pg.Person.Needs)
	if in := data["In"].(url.Values); in.Has("name") {
		needs = in["needs"] // the details form as typed
	}
	chosen := map[string]bool{}
	for _, n := range needs {
		chosen[n] = true
	}
	data["Needs"], data["Chosen"], data["Sources"] = referral.Needs, chosen, referral.Sources
	a.render(w, r, status, "person", data)
}

// answersFor reports whether v is the one who answers p's messages: their
// link worker, or anyone who can see them when they have none.
func answersFor(v *viewer, p store.Person) bool {
	return p.LinkWorkerID == nil || *p.LinkWorkerID == v.Worker.ID
}

// threadViewGap is how long after one recorded view of a person the live
// update of the thread on the same page is not recorded again.
const threadViewGap = 10 * time.Minute

// personThread is the thread alone, for the live update. It is recorded
// in the audit trail ("person.thread_viewed") unless the viewer's last
// view of the person was recorded within threadViewGap: the page polls.
func (a *app) personThread(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	v := viewerOf(r)
	ctx := r.Context()
	var pg personPage
	var recorded bool // a view of the person by v is recorded within threadViewGap
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if pg.Person, err = tx.GetPersonInScope(ctx, id, v.Worker.SchemeID, v.Scope()); err != nil {
			return err
		}
		workers, err := tx.ListLinkWorkers(ctx, v.Worker.SchemeID)
		if err != nil {
			return err
		}
		if pg.Thread, err = thread(r, tx, id, workers); err != nil {
			return err
		}
		escalations, err := tx.ListPersonEscalations(ctx, id)
		markRaised(pg.Thread, escalations)
		if err != nil {
			return err
		}
		// Read here, so the poll takes the write lock only when it records.
		recent, err := tx.SearchAudit(ctx, store.AuditQuery{SchemeID: v.Worker.SchemeID, PersonID: id, ActorID: v.Worker.ID,
			Action: "person.", From: tx.Now().Add(-threadViewGap), Limit: 1})
		recorded = len(recent) > 0
		return err
	})
	if err == nil && !recorded {
		err = a.DB.InTx(ctx, func(tx *store.Tx) error { return audit(ctx, tx, v, id, "person.thread_viewed", nil) })
	}
	if err != nil {
		a.storeError(w, r, "thread", err)
		return
	}
	a.renderBlock(w, r, http.StatusOK, "person", "thread", map[string]any{"P": pg})
}

func (a *app) loadPerson(r *http.Request, tx *store.Tx, pg *personPage) error {
	ctx := r.Context()
	p := pg.Person
	workers, err := tx.ListLinkWorkers(ctx, p.SchemeID)
	if err != nil {
		return err
	}
	pg.Workers = workers
	pg.Now = tx.Now()
	names := map[int64]string{}
	for i, w := range workers {
		names[w.ID] = w.Name
		if p.LinkWorkerID != nil && w.ID == *p.LinkWorkerID {
			pg.Worker = &workers[i]
		}
	}
	pg.Facts = factsOf(p, names)
	if pg.Thread, err = thread(r, tx, p.ID, workers); err != nil {
		return err
	}
	if pg.Escalations, err = tx.ListPersonEscalations(ctx, p.ID); err != nil {
		return err
	}
	markRaised(pg.Thread, pg.Escalations)
	pg.Escalations, pg.OptOuts = oneOptOutCard(pg.Escalations)
	pg.All = r.URL.Query().Get("thread") == "all"
	pg.More = len(pg.Thread) == threadLimit && !pg.All
	if pg.Contacts, err = tx.ListContacts(ctx, p.ID); err != nil {
		return err
	}
	answers, err := tx.ListAnswers(ctx, p.ID)
	if err != nil {
		return err
	}
	pg.Charts, pg.Latest = measureCharts(answers, viewerOf(r).Loc)
	pg.Changes = outcomes.PersonChanges(answers)
	if err := loadReferrals(r, tx, pg); err != nil {
		return err
	}
	notes, err := tx.ListNotes(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, n := range notes {
		pg.Notes = append(pg.Notes, noteRow{Note: n, Author: names[n.AuthorID]})
	}
	if pg.PausedUntil, err = tx.NudgesPausedUntil(ctx, p.ID); err != nil {
		return err
	}
	dialogues, err := tx.ListDialogues(ctx, p.SchemeID)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, d := range dialogues {
		if d.PublishedAt != nil && !seen[d.Key] && !strings.HasPrefix(d.Key, "contact-reminder") {
			seen[d.Key] = true
			pg.Dialogues = append(pg.Dialogues, d.Key)
		}
	}
	return nil
}

// oneOptOutCard keeps, of the open opt-out escalations (one per STOP),
// only the newest, and counts them: a person who texts STOP, START, STOP
// has opted out, once.
func oneOptOutCard(list []store.Escalation) ([]store.Escalation, int) {
	out := list[:0:0]
	n := 0
	for _, e := range list {
		if e.Reason == store.ReasonOptedOut && e.ResolvedAt == nil {
			n++
			if n > 1 {
				continue // newest first: the first is the one shown
			}
		}
		out = append(out, e)
	}
	return out, n
}

// markRaised flags the messages that raised escalations still open.
func markRaised(thread []threadMessage, escalations []store.Escalation) {
	open := map[int64]bool{}
	for _, e := range escalations {
		if e.ResolvedAt == nil && e.MessageID != nil {
			open[*e.MessageID] = true
		}
	}
	for i := range thread {
		thread[i].Raised = open[thread[i].ID]
	}
}

// thread returns the person's latest messages, or all of them when the
// page asks for ?thread=all.
func thread(r *http.Request, tx *store.Tx, personID int64, workers []store.LinkWorker) ([]threadMessage, error) {
	limit := threadLimit
	if r.URL.Query().Get("thread") == "all" {
		limit = math.MaxInt32
	}
	msgs, err := tx.ListThread(r.Context(), personID, limit)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, w := range workers {
		names[w.ID] = w.Name
	}
	out := make([]threadMessage, len(msgs))
	for i, m := range msgs {
		out[i] = threadMessage{Message: m}
		switch {
		case m.AuthorID != nil:
			out[i].Author = names[*m.AuthorID]
		case m.Direction == store.Outbound:
			out[i].Author = "Linkbot"
		}
	}
	return out, nil
}

func loadReferrals(r *http.Request, tx *store.Tx, pg *personPage) error {
	refs, err := tx.ListReferrals(r.Context(), pg.Person.ID)
	if err != nil || len(refs) == 0 {
		return err
	}
	groups, err := tx.ListGroups(r.Context(), pg.Person.SchemeID, false)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, g := range groups {
		names[g.ID] = g.Name
	}
	for _, ref := range refs {
		pg.Referrals = append(pg.Referrals, referralRow{Referral: ref, Group: names[ref.GroupID]})
	}
	return nil
}
