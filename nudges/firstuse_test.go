package nudges

import (
	"context"
	"sync"
	"testing"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// Fifty people referred at once to a new scheme: each start of support
// publishes the built-in welcome and check-in dialogues on first use, in
// its own transaction. All fifty succeed and the scheme ends with one
// published version of each.
func TestFiftyParallelFirstReferralsToANewSchemeAllSucceed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		scheme := storetest.Scheme(t, db)
		worker := storetest.LinkWorker(t, db, scheme.ID)
		planner := NewPlanner()
		const n = 50
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- db.InTx(ctx, func(tx *store.Tx) error {
					p := store.Person{SchemeID: scheme.ID, LinkWorkerID: &worker.ID, Name: "Referred", Phone: storetest.Ptr(storetest.Phone())}
					now := tx.Now()
					p.ConsentAt, p.ConsentBy = &now, &worker.ID
					if err := tx.CreatePerson(ctx, &p); err != nil {
						return err
					}
					return planner.StartSupport(ctx, tx, p)
				})
			}()
		}
		wg.Wait()
		close(errs)
		failed := 0
		for err := range errs {
			if err != nil {
				failed++
				t.Log(err)
			}
		}
		if failed > 0 {
			t.Fatalf("%d of %d parallel first referrals failed, want none", failed, n)
		}
		list, err := db.ListDialogues(ctx, scheme.ID)
		if err != nil {
			t.Fatal(err)
		}
		per := map[string]int{}
		for _, d := range list {
			per[d.Key]++
		}
		for key, c := range per {
			if c != 1 {
				t.Errorf("%d versions of %s, want 1", c, key)
			}
		}
		t.Logf("%d parallel first referrals: %d failed; versions per key %v", n, failed, per)
	})
}
