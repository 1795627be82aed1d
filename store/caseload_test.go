package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestCaseload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := noon
		db.SetClock(func() time.Time { return clock })
		scheme := storetest.Scheme(t, db)
		tom := storetest.LinkWorker(t, db, scheme.ID)
		sara := storetest.LinkWorker(t, db, scheme.ID)
		person := func(name string, worker store.LinkWorker) store.Person {
			return storetest.Person(t, db, func(p *store.Person) { p.SchemeID, p.LinkWorkerID, p.Name = scheme.ID, &worker.ID, name })
		}
		escalate := func(p store.Person, u store.Urgency) store.Escalation {
			e := store.Escalation{SchemeID: scheme.ID, PersonID: p.ID, LinkWorkerID: p.LinkWorkerID, Reason: store.ReasonRisk, Urgency: u}
			if err := db.CreateEscalation(ctx, &e); err != nil {
				t.Fatal(err)
			}
			return e
		}
		quiet := person("Aaron Quiet", tom)
		unread := person("Beth Unread", tom)
		soon := person("Cara Soon", tom)
		urgentLater := person("Dan Urgent Later", tom)
		urgentFirst := person("Eve Urgent First", tom)
		resolved := person("Fay Resolved", tom)
		saras := person("Gus Saras", sara)

		storetest.Inbound(t, db, unread)
		clock = clock.Add(time.Minute)
		escalate(soon, store.Soon)
		clock = clock.Add(time.Minute)
		escalate(urgentFirst, store.Urgent)
		clock = clock.Add(time.Minute)
		escalate(urgentLater, store.Urgent)
		done := escalate(resolved, store.Urgent)
		if err := db.ResolveEscalation(ctx, done.ID); err != nil {
			t.Fatal(err)
		}
		storetest.Contact(t, db, quiet, func(c *store.Contact) { c.StartsAt = noon.Add(-72 * time.Hour); c.Status = store.ContactDone })
		storetest.Contact(t, db, quiet, func(c *store.Contact) { c.StartsAt = noon.Add(48 * time.Hour) })
		storetest.Contact(t, db, quiet, func(c *store.Contact) { c.StartsAt = noon.Add(24 * time.Hour); c.Status = store.ContactCancelled })
		escalate(saras, store.Urgent)

		var list []store.CaseloadEntry
		err := db.View(ctx, func(tx *store.Tx) error {
			var err error
			list, err = tx.Caseload(ctx, scheme.ID, tom.ID, store.CaseloadFilter{})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range list {
			names = append(names, e.Person.Name)
		}
		want := []string{"Eve Urgent First", "Dan Urgent Later", "Cara Soon", "Beth Unread", "Aaron Quiet", "Fay Resolved"}
		if len(names) != len(want) {
			t.Fatalf("caseload %v, want %v", names, want)
		}
		for i := range want {
			if names[i] != want[i] {
				t.Fatalf("caseload %v, want %v", names, want)
			}
		}
		first := list[0]
		if first.Urgent != 1 || first.Unacknowledged != 1 || first.WaitingSince == nil || !first.WaitingSince.Equal(noon.Add(2*time.Minute)) {
			t.Fatalf("urgent entry %+v", first)
		}
		if list[3].Unread != 1 || !list[3].WaitingSince.Equal(noon) {
			t.Fatalf("unread entry %+v", list[3])
		}
		q := list[4]
		if q.LastContact == nil || !q.LastContact.Equal(noon.Add(-72*time.Hour)) || q.NextContact == nil || !q.NextContact.Equal(noon.Add(48*time.Hour)) {
			t.Fatalf("contacts of the quiet person: last %v next %v (a cancelled contact is not next)", q.LastContact, q.NextContact)
		}
		if list[5].Waiting() {
			t.Fatalf("a resolved escalation still waits: %+v", list[5])
		}

		t.Run("PersonInScope", func(t *testing.T) {
			err := db.View(ctx, func(tx *store.Tx) error {
				if _, err := tx.GetPersonInScope(ctx, saras.ID, scheme.ID, tom.ID); store.ErrorCode(err) != store.NotFound {
					t.Errorf("Tom reaches Sara's person: %v", err)
				}
				if _, err := tx.GetPersonInScope(ctx, saras.ID, scheme.ID, 0); err != nil {
					t.Errorf("the scheme does not reach its person: %v", err)
				}
				if _, err := tx.GetPersonInScope(ctx, saras.ID, scheme.ID+1000, 0); store.ErrorCode(err) != store.NotFound {
					t.Errorf("another scheme reaches the person: %v", err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	})
}

func TestSessionsExpire(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := noon
		db.SetClock(func() time.Time { return clock })
		w := storetest.LinkWorker(t, db, storetest.Scheme(t, db).ID)
		s := store.Session{SchemeID: w.SchemeID, LinkWorkerID: w.ID, TokenHash: "hash-1", CSRFToken: "0123456789abcdef0123456789abcdef", ExpiresAt: noon.Add(time.Hour)}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateSession(ctx, &s) }); err != nil {
			t.Fatal(err)
		}
		get := func() error {
			return db.View(ctx, func(tx *store.Tx) error { _, _, err := tx.GetSession(ctx, "hash-1"); return err })
		}
		if err := get(); err != nil {
			t.Fatalf("a fresh session: %v", err)
		}
		clock = noon.Add(time.Hour)
		if err := get(); store.ErrorCode(err) != store.NotFound {
			t.Fatalf("an expired session: %v, want NotFound", err)
		}
	})
}
