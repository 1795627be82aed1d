package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// Migration 00041 rebuilds contacts on SQLite: the contacts, the nudges
// that name them and the run of contact ids come through it both ways.
func TestCaseworkMigrationKeepsContacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		p := storetest.Person(t, db)
		at := func(c *store.Contact) { c.StartsAt = now.Add(48 * time.Hour) }
		first := storetest.Contact(t, db, p, at)
		last := storetest.Contact(t, db, p, at)
		n := storetest.Nudge(t, db, p, func(n *store.Nudge) {
			n.Kind, n.ContactID, n.DueAt, n.DialogueKey = store.NudgeContactReminder, &last.ID, now.Add(time.Hour), nil
		})
		mustOK(t, db.MigrateDownTo(ctx, 40))
		mustOK(t, db.Migrate(ctx))
		mustOK(t, db.Ready(ctx))
		for _, c := range []store.Contact{first, last} {
			if got, err := db.GetContact(ctx, c.ID); err != nil || got.PersonID != p.ID || !got.StartsAt.Equal(c.StartsAt) {
				t.Fatalf("contact %d after the migration: %+v %v", c.ID, got, err)
			}
		}
		if got, err := db.GetNudge(ctx, n.ID); err != nil || got.ContactID == nil || *got.ContactID != last.ID {
			t.Fatalf("the reminder after the migration: %+v %v", got, err)
		}
		next := storetest.Contact(t, db, p, at)
		if next.ID <= last.ID {
			t.Fatalf("a new contact got id %d, not after %d", next.ID, last.ID)
		}
		next.Status = store.ContactDidNotAttend
		mustOK(t, db.UpdateContact(ctx, next))
		// Undone, the missed contact is one that did not take place.
		mustOK(t, db.MigrateDownTo(ctx, 40))
		mustOK(t, db.Migrate(ctx))
		if got, _ := db.GetContact(ctx, next.ID); got.Status != store.ContactCancelled {
			t.Fatalf("a missed contact after undoing and redoing the migration is %s, want cancelled", got.Status)
		}
	})
}

func TestEndSupportRecordsWhy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		p := storetest.Person(t, db)
		mustOK(t, db.InTx(ctx, func(tx *store.Tx) error { return tx.EndSupport(ctx, p.ID, "moved away") }))
		got, _ := db.GetPerson(ctx, p.ID)
		if got.Status != store.PersonEnded || got.EndedAt == nil || !got.EndedAt.Equal(now) || got.EndedReason != "moved away" {
			t.Fatalf("after ending support: %+v", got)
		}
		err := db.InTx(ctx, func(tx *store.Tx) error { return tx.EndSupport(ctx, p.ID, "again") })
		if store.ErrorCode(err) != store.NotFound {
			t.Fatalf("ending support twice: %v, want NotFound", err)
		}
	})
}
