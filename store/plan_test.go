package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestBatchWrites(t *testing.T) {
	ctx := context.Background()

	t.Run("runs inserted together get their ids and a second open run is refused", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			a := storetest.Person(t, db)
			b := storetest.Person(t, db, func(p *store.Person) { p.SchemeID = a.SchemeID })
			d := storetest.Dialogue(t, db, a.SchemeID)
			ended := store.OutcomeCompleted
			at := noon
			runs := []*store.Run{
				{SchemeID: a.SchemeID, PersonID: a.ID, DialogueID: d.ID, State: store.JSON(`{"d":"checkin"}`), ExpiresAt: &at},
				{SchemeID: b.SchemeID, PersonID: b.ID, DialogueID: d.ID, EndedAt: &at, Outcome: &ended},
			}
			mustOK(t, db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertRuns(ctx, runs) }))
			for _, r := range runs {
				got, err := db.GetRun(ctx, r.ID)
				mustOK(t, err)
				if got.PersonID != r.PersonID {
					t.Errorf("run %d belongs to person %d, want %d", r.ID, got.PersonID, r.PersonID)
				}
			}
			if _, err := db.GetOpenRun(ctx, a.ID); err != nil {
				t.Errorf("person a has no open run: %v", err)
			}
			if _, err := db.GetOpenRun(ctx, b.ID); store.ErrorCode(err) != store.NotFound {
				t.Errorf("person b's run was inserted ended, yet: %v", err)
			}
			again := []*store.Run{{SchemeID: a.SchemeID, PersonID: a.ID, DialogueID: d.ID}}
			err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertRuns(ctx, again) })
			if store.ErrorCode(err) != store.Conflict {
				t.Errorf("a second open run: %v, want a conflict", err)
			}
		})
	})

	t.Run("messages queued together are in the outbox", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			db.SetClock(func() time.Time { return noon })
			p := storetest.Person(t, db)
			n := storetest.Nudge(t, db, p)
			list := []*store.Message{
				{SchemeID: p.SchemeID, PersonID: &p.ID, NudgeID: &n.ID, Channel: store.ChannelSMS, Address: *p.Phone, Kind: store.MessageNudge, Body: "one"},
				{SchemeID: p.SchemeID, PersonID: &p.ID, Channel: store.ChannelSMS, Address: *p.Phone, Kind: store.MessageNudge, Body: "two"},
			}
			mustOK(t, db.InTx(ctx, func(tx *store.Tx) error { return tx.QueueMessages(ctx, list) }))
			got, err := db.ClaimOutbox(ctx, noon.Add(time.Hour), "sender", time.Minute, 10)
			mustOK(t, err)
			if len(got) != 2 || got[0].Body != "one" || got[1].Body != "two" || got[0].NudgeID == nil || *got[0].NudgeID != n.ID || got[1].NudgeID != nil {
				t.Fatalf("outbox = %+v", got)
			}
		})
	})

	t.Run("planning nudges together leaves existing keys alone", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			p := storetest.Person(t, db)
			old := storetest.Nudge(t, db, p, func(n *store.Nudge) { n.Key = "same" })
			dk := "checkin"
			list := []*store.Nudge{
				{SchemeID: p.SchemeID, PersonID: p.ID, Kind: store.NudgeCheckin, Key: "same", DueAt: noon, DialogueKey: &dk},
				{SchemeID: p.SchemeID, PersonID: p.ID, Kind: store.NudgeCheckin, Key: "new", DueAt: noon},
			}
			var n int64
			mustOK(t, db.InTx(ctx, func(tx *store.Tx) error {
				var err error
				n, err = tx.PlanNudges(ctx, list)
				return err
			}))
			all, err := db.ListNudges(ctx, p.ID)
			mustOK(t, err)
			if n != 1 || len(all) != 2 || !all[0].DueAt.Equal(old.DueAt) && !all[1].DueAt.Equal(old.DueAt) {
				t.Fatalf("planned %d; nudges %+v", n, all)
			}
		})
	})

	t.Run("only the holder of a lease finishes or reschedules a nudge", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			p := storetest.Person(t, db)
			a := storetest.Nudge(t, db, p, func(n *store.Nudge) { n.DueAt = noon.Add(-time.Hour) })
			b := storetest.Nudge(t, db, p, func(n *store.Nudge) { n.DueAt = noon.Add(-time.Hour) })
			_, err := db.ClaimDueNudges(ctx, noon, "me", time.Minute, 10)
			mustOK(t, err)
			mustOK(t, db.InTx(ctx, func(tx *store.Tx) error {
				if n, err := tx.FinishNudges(ctx, []int64{a.ID}, "someone else", store.NudgeDone, ""); err != nil || n != 0 {
					t.Errorf("another owner finished %d: %v", n, err)
				}
				if n, err := tx.FinishNudges(ctx, []int64{a.ID}, "me", store.NudgeDone, ""); err != nil || n != 1 {
					t.Errorf("the owner finished %d: %v", n, err)
				}
				if n, err := tx.RescheduleNudges(ctx, []int64{b.ID}, "me", noon.Add(time.Hour)); err != nil || n != 1 {
					t.Errorf("the owner rescheduled %d: %v", n, err)
				}
				return nil
			}))
			got, err := db.GetNudge(ctx, b.ID)
			mustOK(t, err)
			if got.Status != store.NudgePlanned || !got.DueAt.Equal(noon.Add(time.Hour)) || got.LeaseOwner != nil {
				t.Errorf("rescheduled nudge = %+v", got)
			}
		})
	})

	t.Run("a provision gap can be escalated", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			p := storetest.Person(t, db)
			e := store.Escalation{SchemeID: p.SchemeID, PersonID: p.ID, Reason: store.ReasonProvisionGap, Urgency: store.Routine}
			mustOK(t, db.CreateEscalation(ctx, &e))
		})
	})
}
