package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestUnknownSenderGetsOneReplyAGap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		note := func() bool {
			var queued bool
			err := db.InTx(ctx, func(tx *store.Tx) error {
				var err error
				queued, err = tx.NoteUnknownSender(ctx, store.ChannelSMS, "+447700900888", 24*time.Hour, false)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return queued
		}
		if !note() || note() {
			t.Fatal("want a reply the first time and none the second")
		}
		var replies []store.UnknownReply
		db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			replies, err = tx.ClaimUnknownReplies(ctx, now, "me", time.Minute, 10)
			if err != nil {
				return err
			}
			for _, r := range replies {
				if err := tx.FinishUnknownReply(ctx, r, "me", true); err != nil {
					return err
				}
			}
			return nil
		})
		if len(replies) != 1 || replies[0].Address != "+447700900888" {
			t.Fatalf("claimed %+v, want the one reply", replies)
		}
		now = now.Add(25 * time.Hour)
		if !note() {
			t.Fatal("no reply a day later")
		}
	})
}

func TestLinkCodeWorksOnceBeforeItExpires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := storetest.Person(t, db)
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		for _, c := range []store.LinkCode{
			{Code: "fresh-code-0123456789", SchemeID: p.SchemeID, PersonID: &p.ID, ExpiresAt: now.Add(time.Hour)},
			{Code: "stale-code-0123456789", SchemeID: p.SchemeID, PersonID: &p.ID, ExpiresAt: now.Add(-time.Hour)},
		} {
			if err := db.CreateLinkCode(ctx, &c); err != nil {
				t.Fatal(err)
			}
		}
		use := func(code string) error {
			return db.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.UseLinkCode(ctx, code)
				return err
			})
		}
		if err := use("fresh-code-0123456789"); err != nil {
			t.Fatal(err)
		}
		for _, code := range []string{"fresh-code-0123456789", "stale-code-0123456789", "never-issued-01234567"} {
			if err := use(code); store.ErrorCode(err) != store.NotFound {
				t.Errorf("use %s: %v, want NotFound", code, err)
			}
		}
		err := db.CreateLinkCode(ctx, &store.LinkCode{Code: "short", SchemeID: p.SchemeID, PersonID: &p.ID, ExpiresAt: now})
		if store.ErrorCode(err) != store.Invalid {
			t.Errorf("a short code: %v, want Invalid", err)
		}
	})
}

func TestSavepointUndoesOnlyWhatFailed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := storetest.Person(t, db)
		storetest.Inbound(t, db, p)
		var undone store.Message
		err := db.InTx(ctx, func(tx *store.Tx) error {
			m := store.Message{SchemeID: p.SchemeID, PersonID: &p.ID, Channel: store.ChannelSMS, Address: *p.Phone,
				Kind: store.MessageReply, Body: "kept"}
			if err := tx.QueueMessage(ctx, &m); err != nil {
				return err
			}
			failed := tx.Savepoint(ctx, func() error {
				undone = store.Message{SchemeID: p.SchemeID, PersonID: &p.ID, Channel: store.ChannelSMS, Address: *p.Phone,
					Kind: store.MessageReply, Body: "undone"}
				if err := tx.QueueMessage(ctx, &undone); err != nil {
					return err
				}
				// A statement the database refuses, as a broken step would.
				dup := store.Message{SchemeID: p.SchemeID, PersonID: &p.ID, Channel: store.ChannelSMS,
					Address: *p.Phone, Body: "refused"}
				if err := tx.ImportMessage(ctx, &dup); err != nil {
					return err
				}
				return errors.New("not reached")
			})
			if store.ErrorCode(failed) != store.Invalid {
				t.Errorf("savepoint returned %v, want the refused insert", failed)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		thread, _ := db.ListThread(ctx, p.ID, 10)
		if len(thread) != 2 || thread[1].Body != "kept" {
			t.Fatalf("thread = %+v, want the inbound and the kept reply only", thread)
		}
	})
}

func TestMarkSentBatchRecordsASendWhoeverHoldsTheMessageButOnlyOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		p := storetest.Person(t, db)
		a := storetest.Outbound(t, db, p)
		b := storetest.Outbound(t, db, p, func(m *store.Message) { m.Body = "other" })
		if _, err := db.ClaimOutbox(ctx, now, "me", time.Minute, 10); err != nil {
			t.Fatal(err)
		}
		// The leases run out (the database was unreachable) and another
		// dispatcher claims the messages before "me" can record its sends.
		if _, err := db.ClaimOutbox(ctx, now.Add(2*time.Minute), "them", time.Minute, 10); err != nil {
			t.Fatal(err)
		}
		mark := func(owner string) []int64 {
			var marked []int64
			err := db.InTx(ctx, func(tx *store.Tx) error {
				var err error
				marked, err = tx.MarkSentBatch(ctx, owner, []store.Sent{{ID: a.ID, ProviderID: "SM1-" + owner}, {ID: b.ID, ProviderID: "SM2-" + owner}})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return marked
		}
		if marked := mark("me"); len(marked) != 2 {
			t.Fatalf("marked %v, want both: the provider accepted them, so they must not go a third time", marked)
		}
		if marked := mark("them"); len(marked) != 0 {
			t.Fatalf("marked %v again, want none", marked)
		}
		got, _ := db.GetMessage(ctx, b.ID)
		if got.Status != store.StatusSent || *got.ProviderID != "SM2-me" || got.LeaseOwner != nil {
			t.Fatalf("b is %s with %v, lease %v", got.Status, got.ProviderID, got.LeaseOwner)
		}
	})
}

// The inbound lookup and insert run on statements kept prepared once the
// first use has prepared them; every use, before and after, must give the
// same answers: the sender, and one stored message per provider id.
func TestInboundLookupAndInsertAnswerAlikeEveryTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		phone := "+447700900123"
		p := storetest.Person(t, db, func(p *store.Person) { p.Phone = &phone })
		stored := map[string]int64{}
		for i := range 200 {
			sid := fmt.Sprintf("SM%032d", i%20)
			err := db.InTx(ctx, func(tx *store.Tx) error {
				got, _, err := tx.LockInboundPerson(ctx, store.ChannelSMS, phone, "+447700900999")
				if err != nil {
					return err
				}
				if got.ID != p.ID {
					t.Fatalf("use %d: found person %d, want %d", i, got.ID, p.ID)
				}
				m := store.Message{SchemeID: got.SchemeID, PersonID: &got.ID, Channel: store.ChannelSMS,
					Address: phone, Body: "see you Tuesday", ProviderID: &sid}
				created, err := tx.InsertInbound(ctx, &m)
				if err != nil {
					return err
				}
				if first, seen := stored[sid]; created == seen || (seen && m.ID != first) {
					t.Fatalf("use %d: created=%v id=%d for %s, stored before: %v (id %d)", i, created, m.ID, sid, seen, first)
				}
				stored[sid] = m.ID
				return nil
			})
			if err != nil {
				t.Fatalf("use %d: %v", i, err)
			}
		}
	})
}
