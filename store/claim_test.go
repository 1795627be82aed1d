package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// noon is the fixed "now" of the claim tests.
var noon = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func TestClaimDueNudges(t *testing.T) {
	ctx := context.Background()

	t.Run("a due nudge is claimed with a lease and a nudge not yet due is not", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			p := storetest.Person(t, db)
			due := storetest.Nudge(t, db, p, func(n *store.Nudge) { n.DueAt = noon.Add(-time.Minute) })
			storetest.Nudge(t, db, p, func(n *store.Nudge) { n.DueAt = noon.Add(time.Minute) })

			got, err := db.ClaimDueNudges(ctx, noon, "worker-a", 5*time.Minute, 10)
			mustOK(t, err)
			if len(got) != 1 || got[0].ID != due.ID {
				t.Fatalf("claimed %+v, want only nudge %d", got, due.ID)
			}
			n := got[0]
			if n.Status != store.NudgeClaimed || *n.LeaseOwner != "worker-a" || !n.LeaseUntil.Equal(noon.Add(5*time.Minute)) || n.Attempts != 1 {
				t.Errorf("claimed nudge: status %s owner %v until %v attempts %d", n.Status, *n.LeaseOwner, n.LeaseUntil, n.Attempts)
			}
			if !n.DueAt.Equal(due.DueAt) || n.Key != due.Key || n.DialogueKey == nil || *n.DialogueKey != "checkin" {
				t.Errorf("claimed nudge came back changed: %+v", n)
			}
		})
	})

	t.Run("a claimed nudge is not claimed again while its lease holds", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			p := storetest.Person(t, db)
			storetest.Nudge(t, db, p, func(n *store.Nudge) { n.DueAt = noon })
			first, err := db.ClaimDueNudges(ctx, noon, "worker-a", 5*time.Minute, 10)
			mustOK(t, err)
			again, err := db.ClaimDueNudges(ctx, noon.Add(4*time.Minute), "worker-b", 5*time.Minute, 10)
			mustOK(t, err)
			if len(first) != 1 || len(again) != 0 {
				t.Errorf("claims got %d then %d nudges, want 1 then 0", len(first), len(again))
			}
		})
	})

	t.Run("an expired lease is taken up again and the first claimer can no longer finish it", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			p := storetest.Person(t, db)
			n := storetest.Nudge(t, db, p, func(n *store.Nudge) { n.DueAt = noon })
			_, err := db.ClaimDueNudges(ctx, noon, "worker-a", 5*time.Minute, 10)
			mustOK(t, err)
			got, err := db.ClaimDueNudges(ctx, noon.Add(6*time.Minute), "worker-b", 5*time.Minute, 10)
			mustOK(t, err)
			if len(got) != 1 || got[0].ID != n.ID || *got[0].LeaseOwner != "worker-b" || got[0].Attempts != 2 {
				t.Fatalf("after the lease ran out, claimed %+v", got)
			}
			wantCode(t, db.FinishNudge(ctx, n.ID, "worker-a", store.NudgeDone, ""), store.Conflict)
			mustOK(t, db.FinishNudge(ctx, n.ID, "worker-b", store.NudgeDone, "sent"))
			later, err := db.ClaimDueNudges(ctx, noon.Add(time.Hour), "worker-c", 5*time.Minute, 10)
			mustOK(t, err)
			if len(later) != 0 {
				t.Errorf("a finished nudge was claimed again: %+v", later)
			}
			final, err := db.GetNudge(ctx, n.ID)
			mustOK(t, err)
			if final.Status != store.NudgeDone || final.FinishedAt == nil || final.LeaseOwner != nil || final.Note != "sent" {
				t.Errorf("finished nudge: %+v", final)
			}
		})
	})

	t.Run("claims take the oldest due nudges first, up to the limit", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			p := storetest.Person(t, db)
			var want []int64
			for i := range 5 {
				n := storetest.Nudge(t, db, p, func(n *store.Nudge) { n.DueAt = noon.Add(-time.Duration(i) * time.Minute) })
				want = append([]int64{n.ID}, want...)
			}
			got, err := db.ClaimDueNudges(ctx, noon, "w", time.Minute, 3)
			mustOK(t, err)
			if len(got) != 3 {
				t.Fatalf("claimed %d, want 3", len(got))
			}
			for i, n := range got {
				if n.ID != want[i] {
					t.Errorf("claim %d is nudge %d, want %d (oldest first)", i, n.ID, want[i])
				}
			}
		})
	})

	t.Run("a rescheduled nudge waits for its new time", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			p := storetest.Person(t, db)
			n := storetest.Nudge(t, db, p, func(n *store.Nudge) { n.DueAt = noon })
			_, err := db.ClaimDueNudges(ctx, noon, "w", time.Minute, 10)
			mustOK(t, err)
			mustOK(t, db.RescheduleNudge(ctx, n.ID, "w", noon.Add(21*time.Hour)))
			early, err := db.ClaimDueNudges(ctx, noon.Add(20*time.Hour), "w", time.Minute, 10)
			mustOK(t, err)
			onTime, err := db.ClaimDueNudges(ctx, noon.Add(21*time.Hour), "w", time.Minute, 10)
			mustOK(t, err)
			if len(early) != 0 || len(onTime) != 1 {
				t.Errorf("claimed %d before and %d at the new time, want 0 and 1", len(early), len(onTime))
			}
		})
	})

	t.Run("cancelling a person's nudges leaves nothing to claim", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			p := storetest.Person(t, db)
			other := storetest.Person(t, db)
			storetest.Nudge(t, db, p, func(n *store.Nudge) { n.DueAt = noon })
			storetest.Nudge(t, db, p, func(n *store.Nudge) { n.DueAt = noon.Add(time.Hour) })
			keep := storetest.Nudge(t, db, other, func(n *store.Nudge) { n.DueAt = noon })
			n, err := db.CancelNudges(ctx, p.ID, "opted out")
			mustOK(t, err)
			if n != 2 {
				t.Errorf("cancelled %d nudges, want 2", n)
			}
			got, err := db.ClaimDueNudges(ctx, noon.Add(24*time.Hour), "w", time.Minute, 10)
			mustOK(t, err)
			if len(got) != 1 || got[0].ID != keep.ID {
				t.Errorf("claimed %+v, want only the other person's nudge", got)
			}
		})
	})

	t.Run("claimers running at once never get the same nudge", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			const total, claimers = 2000, 6
			p := storetest.Person(t, db)
			mustOK(t, db.InTx(ctx, func(tx *store.Tx) error {
				for i := range total {
					n := store.Nudge{SchemeID: p.SchemeID, PersonID: p.ID, Kind: store.NudgeCheckin,
						Key: fmt.Sprintf("bulk:%d", i), DueAt: noon.Add(-time.Duration(i) * time.Second)}
					if err := tx.CreateNudge(ctx, &n); err != nil {
						return err
					}
				}
				return nil
			}))
			claimed := claimConcurrently(t, claimers, func(owner string) (ids []int64, err error) {
				got, err := db.ClaimDueNudges(ctx, noon, owner, time.Hour, 25)
				for _, n := range got {
					ids = append(ids, n.ID)
				}
				return ids, err
			})
			if len(claimed) != total {
				t.Errorf("claimed %d distinct nudges, want %d", len(claimed), total)
			}
		})
	})
}

// claimConcurrently runs claimers goroutines that call claim until it
// returns nothing, and returns how often each id was claimed. It fails the
// test if any id is claimed twice.
func claimConcurrently(t *testing.T, claimers int, claim func(owner string) ([]int64, error)) map[int64]string {
	t.Helper()
	var (
		mu      sync.Mutex
		claimed = map[int64]string{}
		wg      sync.WaitGroup
		start   = make(chan struct{})
	)
	for c := range claimers {
		owner := fmt.Sprintf("claimer-%d", c)
		wg.Go(func() {
			<-start
			for {
				ids, err := claim(owner)
				if err != nil {
					t.Error(err)
					return
				}
				if len(ids) == 0 {
					return
				}
				mu.Lock()
				for _, id := range ids {
					if prev, dup := claimed[id]; dup {
						t.Errorf("row %d claimed by %s and %s", id, prev, owner)
					}
					claimed[id] = owner
				}
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	return claimed
}

func TestClaimOutbox(t *testing.T) {
	ctx := context.Background()

	t.Run("a queued message is claimed once and sent", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			p := storetest.Person(t, db)
			m := storetest.Outbound(t, db, p, func(m *store.Message) { m.NextAttemptAt = &noon })
			got, err := db.ClaimOutbox(ctx, noon, "sender", time.Minute, 10)
			mustOK(t, err)
			if len(got) != 1 || got[0].ID != m.ID || got[0].Status != store.StatusSending || got[0].Body != m.Body {
				t.Fatalf("claimed %+v", got)
			}
			again, err := db.ClaimOutbox(ctx, noon, "other", time.Minute, 10)
			mustOK(t, err)
			if len(again) != 0 {
				t.Errorf("claimed a message being sent: %+v", again)
			}
			mustOK(t, db.MarkSent(ctx, m.ID, "sender", "SM123"))
			sent, err := db.GetMessage(ctx, m.ID)
			mustOK(t, err)
			if sent.Status != store.StatusSent || *sent.ProviderID != "SM123" || sent.SentAt == nil || sent.LeaseOwner != nil {
				t.Errorf("sent message: %+v", sent)
			}
		})
	})

	t.Run("a message queued for later waits for its time", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			p := storetest.Person(t, db)
			later := noon.Add(time.Hour)
			storetest.Outbound(t, db, p, func(m *store.Message) { m.NextAttemptAt = &later })
			got, err := db.ClaimOutbox(ctx, noon, "sender", time.Minute, 10)
			mustOK(t, err)
			if len(got) != 0 {
				t.Errorf("claimed a message before its time: %+v", got)
			}
		})
	})

	t.Run("a failed send comes back at its retry time and a permanent failure never", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			p := storetest.Person(t, db)
			retry := storetest.Outbound(t, db, p, func(m *store.Message) { m.NextAttemptAt = &noon })
			fail := storetest.Outbound(t, db, p, func(m *store.Message) { m.NextAttemptAt = &noon })
			_, err := db.ClaimOutbox(ctx, noon, "sender", time.Minute, 10)
			mustOK(t, err)
			retryAt := noon.Add(30 * time.Second)
			mustOK(t, db.MarkSendFailed(ctx, retry.ID, "sender", "429", "Too Many Requests", &retryAt))
			mustOK(t, db.MarkSendFailed(ctx, fail.ID, "sender", "21211", "Invalid 'To' Phone Number", nil))
			early, err := db.ClaimOutbox(ctx, noon.Add(10*time.Second), "sender", time.Minute, 10)
			mustOK(t, err)
			onTime, err := db.ClaimOutbox(ctx, noon.Add(2*time.Minute), "sender", time.Minute, 10)
			mustOK(t, err)
			if len(early) != 0 || len(onTime) != 1 || onTime[0].ID != retry.ID || onTime[0].Attempts != 2 || onTime[0].ErrorCode != "429" {
				t.Errorf("early %+v, on time %+v", early, onTime)
			}
			failed, err := db.GetMessage(ctx, fail.ID)
			mustOK(t, err)
			if failed.Status != store.StatusFailed || failed.ErrorCode != "21211" {
				t.Errorf("failed message: %+v", failed)
			}
		})
	})

	t.Run("a message whose sender vanished is taken up again after its lease", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			p := storetest.Person(t, db)
			m := storetest.Outbound(t, db, p, func(m *store.Message) { m.NextAttemptAt = &noon })
			_, err := db.ClaimOutbox(ctx, noon, "crashed", time.Minute, 10)
			mustOK(t, err)
			got, err := db.ClaimOutbox(ctx, noon.Add(2*time.Minute), "rescuer", time.Minute, 10)
			mustOK(t, err)
			if len(got) != 1 || got[0].ID != m.ID || *got[0].LeaseOwner != "rescuer" {
				t.Fatalf("claimed %+v", got)
			}
			wantCode(t, db.MarkSent(ctx, m.ID, "crashed", "SM1"), store.Conflict)
		})
	})

	t.Run("delivery reports arriving out of order leave the final status", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			p := storetest.Person(t, db)
			m := storetest.Outbound(t, db, p, func(m *store.Message) { m.NextAttemptAt = &noon })
			_, err := db.ClaimOutbox(ctx, noon, "sender", time.Minute, 10)
			mustOK(t, err)
			mustOK(t, db.MarkSent(ctx, m.ID, "sender", "SM9"))
			got, changed, err := db.UpdateDelivery(ctx, store.ChannelSMS, "SM9", store.StatusDelivered)
			mustOK(t, err)
			if !changed || got.Status != store.StatusDelivered || got.DeliveredAt == nil {
				t.Errorf("delivered report: changed %v, %+v", changed, got)
			}
			got, changed, err = db.UpdateDelivery(ctx, store.ChannelSMS, "SM9", store.StatusSent)
			mustOK(t, err)
			if changed || got.Status != store.StatusDelivered {
				t.Errorf("late sent report: changed %v, status %s", changed, got.Status)
			}
			_, _, err = db.UpdateDelivery(ctx, store.ChannelSMS, "SM-unknown", store.StatusDelivered)
			wantCode(t, err, store.NotFound)
		})
	})

	t.Run("senders running at once never get the same message", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			const total = 1000
			p := storetest.Person(t, db)
			mustOK(t, db.InTx(ctx, func(tx *store.Tx) error {
				for range total {
					m := store.Message{SchemeID: p.SchemeID, PersonID: &p.ID, Channel: store.ChannelSMS,
						Address: *p.Phone, Kind: store.MessageNudge, Body: "hello", NextAttemptAt: &noon}
					if err := tx.QueueMessage(ctx, &m); err != nil {
						return err
					}
				}
				return nil
			}))
			claimed := claimConcurrently(t, 6, func(owner string) (ids []int64, err error) {
				got, err := db.ClaimOutbox(ctx, noon, owner, time.Hour, 20)
				for _, m := range got {
					ids = append(ids, m.ID)
				}
				return ids, err
			})
			if len(claimed) != total {
				t.Errorf("claimed %d distinct messages, want %d", len(claimed), total)
			}
		})
	})
}
