package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestTransactions(t *testing.T) {
	ctx := context.Background()

	t.Run("steps inside one transaction are undone together when one fails", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			p := storetest.Person(t, db)
			boom := errors.New("triage failed")
			err := db.InTx(ctx, func(tx *store.Tx) error {
				if _, err := tx.LockPerson(ctx, p.ID); err != nil {
					return err
				}
				in := store.Message{SchemeID: p.SchemeID, PersonID: &p.ID, Channel: store.ChannelSMS,
					Address: *p.Phone, Body: "hello", ProviderID: storetest.Ptr("SM-rollback")}
				if _, err := tx.InsertInbound(ctx, &in); err != nil {
					return err
				}
				out := store.Message{SchemeID: p.SchemeID, PersonID: &p.ID, Channel: store.ChannelSMS,
					Address: *p.Phone, Kind: store.MessageReply, Body: "thanks"}
				if err := tx.QueueMessage(ctx, &out); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("InTx returned %v, want the callback's error", err)
			}
			thread, err := db.ListThread(ctx, p.ID, 10)
			mustOK(t, err)
			if len(thread) != 0 {
				t.Errorf("rolled-back messages were stored: %+v", thread)
			}
		})
	})

	t.Run("a person is found by phone or Telegram chat and locked in a transaction", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			p := storetest.Person(t, db, func(p *store.Person) { p.TelegramChatID = storetest.Ptr[int64](777) })
			bySMS, err := db.FindPersonByAddress(ctx, p.SchemeID, store.ChannelSMS, *p.Phone)
			mustOK(t, err)
			byChat, err := db.FindPersonByAddress(ctx, p.SchemeID, store.ChannelTelegram, "777")
			mustOK(t, err)
			if bySMS.ID != p.ID || byChat.ID != p.ID {
				t.Errorf("found %d and %d, want %d", bySMS.ID, byChat.ID, p.ID)
			}
			_, err = db.FindPersonByAddress(ctx, p.SchemeID, store.ChannelSMS, "+447700900999")
			wantCode(t, err, store.NotFound)
			mustOK(t, db.InTx(ctx, func(tx *store.Tx) error {
				locked, err := tx.LockPerson(ctx, p.ID)
				if err == nil && locked.ID != p.ID {
					err = fmt.Errorf("locked person %d", locked.ID)
				}
				return err
			}))
			err = db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.LockPerson(ctx, 999999); return err })
			wantCode(t, err, store.NotFound)
		})
	})

	t.Run("a person locked by one transaction is not handed to another until it ends", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			p := storetest.Person(t, db)
			locked, release, done := make(chan struct{}), make(chan struct{}), make(chan error)
			go func() {
				done <- db.InTx(ctx, func(tx *store.Tx) error {
					if _, err := tx.LockPerson(ctx, p.ID); err != nil {
						close(locked)
						return err
					}
					close(locked)
					<-release
					return nil
				})
			}()
			<-locked
			// While the first transaction holds the person, a second one
			// waits; it gives up when its context ends.
			short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			err := db.InTx(short, func(tx *store.Tx) error { _, err := tx.LockPerson(short, p.ID); return err })
			cancel()
			if err == nil {
				t.Error("a second transaction locked the person while the first held them")
			}
			close(release)
			mustOK(t, <-done)
			mustOK(t, db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.LockPerson(ctx, p.ID); return err }))
		})
	})

	t.Run("times come back as the same instant in UTC", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			london, err := time.LoadLocation("Europe/London")
			mustOK(t, err)
			clock := time.Date(2026, 7, 1, 9, 30, 15, 123456789, london) // summer time, +01:00
			db.SetClock(func() time.Time { return clock })
			p := storetest.Person(t, db)
			starts := time.Date(2026, 7, 3, 14, 0, 0, 0, london)
			c := storetest.Contact(t, db, p, func(c *store.Contact) { c.StartsAt = starts })
			got, err := db.GetContact(ctx, c.ID)
			mustOK(t, err)
			for name, pair := range map[string][2]time.Time{
				"starts at":  {got.StartsAt, starts},
				"created at": {got.CreatedAt, clock.Truncate(time.Microsecond)},
			} {
				if !pair[0].Equal(pair[1]) {
					t.Errorf("%s = %v, want %v", name, pair[0], pair[1])
				}
				if _, offset := pair[0].Zone(); offset != 0 {
					t.Errorf("%s came back in zone %v, want UTC", name, pair[0].Location())
				}
			}
		})
	})

	t.Run("PostgreSQL times come back in UTC whatever zone the URL asks for", func(t *testing.T) {
		url := storetest.PostgresURL(t) + "&timezone=America/New_York"
		db := storetest.Open(t, url)
		mustOK(t, db.Migrate(ctx))
		s := storetest.Scheme(t, db)
		got, err := db.GetScheme(ctx, s.ID)
		mustOK(t, err)
		if _, offset := got.CreatedAt.Zone(); offset != 0 || !got.CreatedAt.Equal(s.CreatedAt) {
			t.Errorf("created at %v, want %v in UTC", got.CreatedAt, s.CreatedAt)
		}
	})

	t.Run("many writers at once all succeed", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			const writers, each = 8, 25
			s := storetest.Scheme(t, db)
			var wg sync.WaitGroup
			errs := make(chan error, writers*each)
			for w := range writers {
				wg.Go(func() {
					for i := range each {
						err := db.InTx(ctx, func(tx *store.Tx) error {
							p := store.Person{SchemeID: s.ID, Name: "Writer", Phone: storetest.Ptr(fmt.Sprintf("+4477009%02d%03d", w, i))}
							if err := tx.CreatePerson(ctx, &p); err != nil {
								return err
							}
							// A read from outside the transaction must not wait for it.
							if _, err := db.ListSchemes(ctx); err != nil {
								return err
							}
							_, err := tx.LockPerson(ctx, p.ID)
							return err
						})
						errs <- err
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			people, err := db.ListPeople(ctx, s.ID, 0)
			mustOK(t, err)
			if len(people) != writers*each {
				t.Errorf("stored %d people, want %d", len(people), writers*each)
			}
		})
	})
}
