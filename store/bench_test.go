package store_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// BenchmarkClaimDueNudges measures one claim of 25 nudges from a table of
// 10,000 open nudges, the dispatcher's steady state.
func BenchmarkClaimDueNudges(b *testing.B) {
	dbs := map[string]func(testing.TB) *store.DB{"sqlite": storetest.SQLite}
	if os.Getenv(storetest.EnvURL) != "" {
		dbs["postgres"] = storetest.Postgres
	}
	for name, open := range dbs {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			db := open(b)
			p := storetest.Person(b, db)
			err := db.InTx(ctx, func(tx *store.Tx) error {
				for i := range 10000 {
					n := store.Nudge{SchemeID: p.SchemeID, PersonID: p.ID, Kind: store.NudgeCheckin,
						Key: fmt.Sprintf("bench:%d", i), DueAt: noon.Add(-time.Duration(i) * time.Second)}
					if err := tx.CreateNudge(ctx, &n); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			now := noon
			for b.Loop() {
				// Each claim comes after the last one's leases ran out, so
				// the table stays full of claimable rows.
				now = now.Add(2 * time.Minute)
				got, err := db.ClaimDueNudges(ctx, now, "bench", time.Minute, 25)
				if err != nil || len(got) != 25 {
					b.Fatalf("claimed %d: %v", len(got), err)
				}
			}
		})
	}
}
