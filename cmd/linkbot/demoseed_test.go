package main

import (
	"context"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestDemoSeedsOnceAndIsReusedWithoutDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		seeded, err := seedDemo(ctx, db, now)
		if err != nil || !seeded {
			t.Fatalf("first seed: seeded=%v err=%v", seeded, err)
		}
		before := demoCounts(t, db)
		seeded, err = seedDemo(ctx, db, now.Add(time.Hour))
		if err != nil || seeded {
			t.Fatalf("second seed: seeded=%v err=%v", seeded, err)
		}
		if after := demoCounts(t, db); after != before {
			t.Fatalf("the second start changed the demo: before %+v, after %+v", before, after)
		}
		if before.people != len(demoPeople)+demoHistoryEpisodes || before.workers != len(demoWorkers) || before.groups != len(demoGroups) {
			t.Fatalf("demo scheme has %+v", before)
		}
		if before.answers == 0 || before.contacts < len(demoPeople) {
			t.Errorf("demo people have no history: %+v", before)
		}
	})
}

func TestDemoPeopleHaveAnUpcomingContactAndCheckInAnswers(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	now := time.Date(2026, 3, 27, 16, 0, 0, 0, time.UTC) // the Friday before the clocks change
	if _, err := seedDemo(ctx, db, now); err != nil {
		t.Fatal(err)
	}
	scheme := demoScheme(t, db)
	people, err := db.ListPeople(ctx, scheme.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		contacts, err := db.ListContacts(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		upcoming := 0
		for _, c := range contacts {
			if c.StartsAt.After(now) {
				upcoming++
				if wd := c.StartsAt.Weekday(); wd == time.Saturday || wd == time.Sunday {
					t.Errorf("%s has a contact on a %s", p.Name, wd)
				}
			}
		}
		if want := p.Status == store.PersonActive; (upcoming == 1) != want {
			t.Errorf("%s (%s) has %d upcoming contacts", p.Name, p.Status, upcoming)
		}
		if p.ConsentAt != nil && p.ReferredAt.Before(now.AddDate(0, 0, -7)) { // those who declined have no check-ins
			answers, err := db.ListAnswers(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(answers) < 4 {
				t.Errorf("%s, referred %s, has %d check-in answers", p.Name, p.ReferredAt.Format(time.DateOnly), len(answers))
			}
		}
	}
}

type counts struct{ workers, people, groups, contacts, answers, dialogues int }

func demoScheme(t *testing.T, db *store.DB) store.Scheme {
	t.Helper()
	var found []store.Scheme
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		list, err := tx.ListSchemes(context.Background())
		for _, s := range list {
			if s.Name == demoSchemeName {
				found = append(found, s)
			}
		}
		return err
	})
	if err != nil || len(found) != 1 {
		t.Fatalf("want one demo scheme, found %d (err %v)", len(found), err)
	}
	return found[0]
}

func demoCounts(t *testing.T, db *store.DB) counts {
	t.Helper()
	ctx := context.Background()
	scheme := demoScheme(t, db)
	var c counts
	workers, err1 := db.ListLinkWorkers(ctx, scheme.ID)
	people, err2 := db.ListPeople(ctx, scheme.ID, 0)
	groups, err3 := db.ListGroups(ctx, scheme.ID, false)
	ds, err4 := db.ListDialogues(ctx, scheme.ID)
	for _, err := range []error{err1, err2, err3, err4} {
		if err != nil {
			t.Fatal(err)
		}
	}
	c.workers, c.people, c.groups, c.dialogues = len(workers), len(people), len(groups), len(ds)
	for _, p := range people {
		contacts, _ := db.ListContacts(ctx, p.ID)
		answers, _ := db.ListAnswers(ctx, p.ID)
		c.contacts += len(contacts)
		c.answers += len(answers)
	}
	return c
}

func TestDemoHasAnUnacknowledgedUrgentMessageAndMonthsOfCheckIns(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	now := time.Date(2026, 3, 27, 16, 0, 0, 0, time.UTC)
	if _, err := seedDemo(ctx, db, now); err != nil {
		t.Fatal(err)
	}
	scheme := demoScheme(t, db)
	open, err := db.ListOpenEscalations(ctx, scheme.ID)
	if err != nil {
		t.Fatal(err)
	}
	urgent := 0
	for _, e := range open {
		if e.Urgency == store.Urgent && e.AcknowledgedAt == nil && e.MessageID != nil {
			urgent++
		}
	}
	if urgent != 1 {
		t.Fatalf("the demo should have one unacknowledged urgent message; open escalations %+v", open)
	}
	people, err := db.ListPeople(ctx, scheme.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		if p.Name != "Ken Holroyd" { // referred 75 days ago
			continue
		}
		answers, err := db.ListAnswers(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		days := map[string]bool{}
		for _, a := range answers {
			days[a.AnsweredAt.Format("2006-01-02")] = true
		}
		if len(days) < 5 {
			t.Fatalf("Ken should have a check-in a fortnight for 75 days; answered on %d days", len(days))
		}
	}
}
