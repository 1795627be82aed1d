package outcomes_test

import (
	"context"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// day is a day of 2026 at noon UTC: the small scheme's calendar.
func day(month time.Month, d int) time.Time { return time.Date(2026, month, d, 12, 0, 0, 0, time.UTC) }

// smallScheme is a scheme seeded with figures worked out by hand in
// report_test.go.
type smallScheme struct {
	scheme     store.Scheme
	a, b       store.LinkWorker
	people     []store.Person // p1…p7 referred in the first quarter of 2026
	walking    store.Group
	choir      store.Group
	dialogueID int64
}

// checkIn records one check-in's answers for p at at, in a run of its own.
func (s *smallScheme) checkIn(t *testing.T, db *store.DB, p store.Person, at time.Time, scores map[string]float64) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		tx = tx.At(at)
		run := store.Run{SchemeID: p.SchemeID, PersonID: p.ID, DialogueID: s.dialogueID}
		if err := tx.StartRun(ctx, &run); err != nil {
			return err
		}
		for key, v := range scores {
			a := store.Answer{PersonID: p.ID, RunID: run.ID, QuestionKey: key, MeasureKey: storetest.Ptr(key), Value: storetest.Ptr(v)}
			if err := tx.CreateAnswer(ctx, &a); err != nil {
				return err
			}
		}
		return tx.EndRun(ctx, run.ID, store.OutcomeCompleted)
	})
	if err != nil {
		t.Fatalf("check-in: %v", err)
	}
}

func (s *smallScheme) contact(t *testing.T, db *store.DB, p store.Person, at time.Time, status store.ContactStatus) {
	t.Helper()
	storetest.Contact(t, db, p, func(c *store.Contact) { c.StartsAt = at; c.Status = status })
}

func (s *smallScheme) suggest(t *testing.T, db *store.DB, p store.Person, g store.Group, outcome string) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		r := store.Referral{SchemeID: p.SchemeID, PersonID: p.ID, GroupID: g.ID}
		if err := tx.At(day(2, 1)).CreateReferral(ctx, &r); err != nil {
			return err
		}
		switch outcome {
		case "accepted", "attended":
			r.AcceptedAt = storetest.Ptr(day(2, 2))
			if outcome == "attended" {
				r.AttendedAt = storetest.Ptr(day(2, 9))
			}
		case "declined":
			r.DeclinedAt = storetest.Ptr(day(2, 2))
		}
		return tx.UpdateReferral(ctx, r)
	})
	if err != nil {
		t.Fatalf("suggest: %v", err)
	}
}

func (s *smallScheme) escalate(t *testing.T, db *store.DB, p store.Person, reason store.Reason, at time.Time, ackAfter time.Duration) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		e := store.Escalation{SchemeID: p.SchemeID, PersonID: p.ID, LinkWorkerID: p.LinkWorkerID, Reason: reason, Urgency: store.Routine}
		if err := tx.At(at).CreateEscalation(ctx, &e); err != nil {
			return err
		}
		if ackAfter > 0 {
			return tx.At(at.Add(ackAfter)).AcknowledgeEscalation(ctx, e.ID, *p.LinkWorkerID)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("escalate: %v", err)
	}
}

// seedSmallScheme makes the scheme of the hand-worked report:
//
//	person  worker  source   needs                      ended  life satisfaction   anxiety  SWEMWBS metric
//	p1      A       gp       loneliness, money          yes    3, 5, 7 (+4)        8, 3     18.59, 22.35
//	p2      A       gp       loneliness                 yes    5, 6 (+1)           2, 5
//	p3      A       gp       loneliness                 yes    4, 4 (0)
//	p4      A       self     loneliness, physical       yes    6, 9 (+3)
//	p5      B       self     loneliness                 yes    7, 4 (−3)
//	p6      B       housing  money                      yes    2, 6 (+4)  opted out, no contact: declined
//	p7      A       gp       —                          no     2, 9 (not ended: not paired)
//
// plus p0, referred in December 2025, and a person of another scheme,
// both outside the report.
func seedSmallScheme(t *testing.T, db *store.DB) *smallScheme {
	t.Helper()
	ctx := context.Background()
	s := &smallScheme{}
	s.scheme = storetest.Scheme(t, db)
	s.a = storetest.LinkWorker(t, db, s.scheme.ID)
	s.b = storetest.LinkWorker(t, db, s.scheme.ID)
	s.dialogueID = storetest.Dialogue(t, db, s.scheme.ID).ID
	s.walking = storetest.Group(t, db, s.scheme.ID, func(g *store.Group) { g.Name = "Walking football"; g.WeeklyCapacity = storetest.Ptr(2) })
	s.choir = storetest.Group(t, db, s.scheme.ID, func(g *store.Group) { g.Name = "Choir" })
	storetest.Group(t, db, s.scheme.ID, func(g *store.Group) { g.Name = "Unused"; g.WeeklyCapacity = storetest.Ptr(5) })

	type row struct {
		worker  store.LinkWorker
		source  store.ReferralSource
		needs   []string
		ended   bool
		nhs     string
		life    []float64
		anxiety []float64
	}
	rows := []row{
		{s.a, store.SourceGP, []string{"loneliness", "money"}, true, "9434765919", []float64{3, 5, 7}, []float64{8, 3}},
		{s.a, store.SourceGP, []string{"loneliness"}, true, "", []float64{5, 6}, []float64{2, 5}},
		{s.a, store.SourceGP, []string{"loneliness"}, true, "", []float64{4, 4}, nil},
		{s.a, store.SourceSelf, []string{"loneliness", "physical_activity"}, true, "", []float64{6, 9}, nil},
		{s.b, store.SourceSelf, []string{"loneliness"}, true, "", []float64{7, 4}, nil},
		{s.b, store.SourceHousing, []string{"money"}, true, "", []float64{2, 6}, nil},
		{s.a, store.SourceGP, nil, false, "", []float64{2, 9}, nil},
	}
	for i, r := range rows {
		referred := day(1, 5+i)
		p := storetest.Person(t, db, func(p *store.Person) {
			p.SchemeID, p.LinkWorkerID, p.ReferralSource, p.Needs = s.scheme.ID, storetest.Ptr(r.worker.ID), r.source, r.needs
			p.ReferredAt = referred
			p.ConsentAt, p.ConsentBy = storetest.Ptr(referred), storetest.Ptr(r.worker.ID)
			p.GPPractice = "B86001"
			p.DateOfBirth = storetest.Ptr("1950-03-14")
			if r.nhs != "" {
				p.NHSNumber = storetest.Ptr(r.nhs)
			}
		})
		for j, v := range r.life {
			scores := map[string]float64{"ons4.life_satisfaction": v}
			if j < len(r.anxiety) {
				scores["ons4.anxiety"] = r.anxiety[j]
			}
			if i == 0 && j == 0 {
				scores["swemwbs.raw"], scores["swemwbs.metric"] = 20, 18.59
			}
			if i == 0 && j == len(r.life)-1 {
				scores["swemwbs.raw"], scores["swemwbs.metric"] = 25, 22.35
			}
			s.checkIn(t, db, p, referred.AddDate(0, 0, 1+30*j), scores)
		}
		if r.ended {
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				return tx.At(referred.AddDate(0, 0, 70)).EndSupport(ctx, p.ID, "goals met")
			}); err != nil {
				t.Fatal(err)
			}
		}
		s.people = append(s.people, p)
	}
	p := s.people
	// p6 opted out.
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.SetOptedOut(ctx, p[5].ID, storetest.Ptr(day(2, 1))) }); err != nil {
		t.Fatal(err)
	}
	// Contacts: p1 at 3 and 40 days, p2 at 10 days, p3 missed at 5 and
	// seen at 20, p4 cancelled.
	s.contact(t, db, p[0], p[0].ReferredAt.AddDate(0, 0, 3), store.ContactDone)
	s.contact(t, db, p[0], p[0].ReferredAt.AddDate(0, 0, 40), store.ContactDone)
	s.contact(t, db, p[1], p[1].ReferredAt.AddDate(0, 0, 10), store.ContactDone)
	s.contact(t, db, p[2], p[2].ReferredAt.AddDate(0, 0, 5), store.ContactDidNotAttend)
	s.contact(t, db, p[2], p[2].ReferredAt.AddDate(0, 0, 20), store.ContactDone)
	s.contact(t, db, p[3], p[3].ReferredAt.AddDate(0, 0, 8), store.ContactCancelled)
	// Suggestions.
	s.suggest(t, db, p[0], s.walking, "attended")
	s.suggest(t, db, p[1], s.walking, "accepted")
	s.suggest(t, db, p[2], s.walking, "declined")
	s.suggest(t, db, p[3], s.choir, "accepted")
	s.suggest(t, db, p[4], s.choir, "")
	// Escalations: a provision gap for p5, two risks for p6 acknowledged
	// after 10 and 20 minutes, no response from p7.
	s.escalate(t, db, p[4], store.ReasonProvisionGap, day(2, 3), 0)
	s.escalate(t, db, p[5], store.ReasonRisk, day(2, 4), 10*time.Minute)
	s.escalate(t, db, p[5], store.ReasonRisk, day(2, 5), 20*time.Minute)
	s.escalate(t, db, p[6], store.ReasonNoResponse, day(2, 6), 0)

	// Outside the report: referred before it, and another scheme.
	before := storetest.Person(t, db, func(p *store.Person) {
		p.SchemeID, p.LinkWorkerID, p.ReferredAt = s.scheme.ID, storetest.Ptr(s.a.ID), day(12, 20).AddDate(-1, 0, 0)
	})
	s.checkIn(t, db, before, day(1, 2), map[string]float64{"ons4.life_satisfaction": 1})
	s.checkIn(t, db, before, day(3, 2), map[string]float64{"ons4.life_satisfaction": 10})
	other := storetest.Person(t, db, func(p *store.Person) { p.ReferredAt = day(2, 1) })
	storetest.Contact(t, db, other, func(c *store.Contact) { c.StartsAt = day(2, 2); c.Status = store.ContactDone })
	return s
}
