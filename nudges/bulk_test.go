package nudges

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// bulkCheckins adds a scheme with the built-in ONS4 published, one link
// worker and n people by SMS, each with a recurring check-in due at due,
// in a few set-based statements on the PostgreSQL database at url.
func bulkCheckins(t testing.TB, db *store.DB, url string, n int, due time.Time) store.Scheme {
	t.Helper()
	ctx := context.Background()
	scheme := storetest.Scheme(t, db)
	worker := storetest.LinkWorker(t, db, scheme.ID)
	planner := NewPlanner()
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := planner.Versions.Published(ctx, tx, scheme.ID, KeyCheckin)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	raw, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	created := due.Add(-30 * 24 * time.Hour)
	for _, q := range []string{
		`INSERT INTO people (scheme_id, link_worker_id, name, phone, preferred_channel, referred_at, created_at)
			SELECT $1, $2, 'Person ' || g, '+4477' || lpad(g::text, 9, '0'), 'sms', $3, $3 FROM generate_series(1, $4) AS g
			WHERE $5::bigint > 0 AND $6::timestamptz IS NOT NULL`,
		`INSERT INTO nudges (scheme_id, person_id, kind, key, due_at, dialogue_key, status, created_at)
			SELECT scheme_id, id, 'checkin', 'checkin:every:ons4:' || id || ':' || $5::bigint, $6, 'ons4', 'planned', $3
			FROM people WHERE scheme_id = $1 AND $2::bigint > 0 AND $4::int > 0`,
		`ANALYZE people`, `ANALYZE nudges`,
	} {
		args := []any{scheme.ID, worker.ID, created, n, due.Unix(), due}
		if q[:7] == "ANALYZE" {
			args = nil
		}
		if _, err := raw.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("bulk load: %v", err)
		}
	}
	return scheme
}

// drainTogether runs loops claim loops against db at once until none finds
// anything due, and returns how many nudges each claimed.
func drainTogether(ctx context.Context, db *store.DB, loops, batch int, now func() time.Time) ([]int, error) {
	counts := make([]int, loops)
	errs := make([]error, loops)
	planner := NewPlanner()
	var wg sync.WaitGroup
	for i := range loops {
		wg.Go(func() {
			l := &Loop{DB: db, Planner: planner, Clock: now, Owner: fmt.Sprintf("loop-%d", i), Batch: batch}
			for {
				n, err := l.RunOnce(ctx)
				if err != nil {
					errs[i] = err
					return
				}
				if n == 0 {
					return
				}
				counts[i] += n
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return counts, err
		}
	}
	return counts, nil
}

func TestThreeClaimLoopsFireEachOfManyNudgesExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 100,000 nudges")
	}
	url := storetest.PostgresURL(t)
	db := storetest.Open(t, url)
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	const n = 100_000
	due := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) // Monday 10:00 GMT
	now := func() time.Time { return due.Add(time.Minute) }
	db.SetClock(now)
	bulkCheckins(t, db, url, n, due)
	start := time.Now() // only to log how long the drain took
	counts, err := drainTogether(ctx, db, 3, 500, now)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("3 loops carried out %v nudges in %s", counts, time.Since(start).Round(time.Millisecond))
	raw, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var got struct {
		Done     int `db:"done"`
		Open     int `db:"open"`
		Messages int `db:"messages"`
		Nudged   int `db:"nudged"`
		Twice    int `db:"twice"`
		Runs     int `db:"runs"`
	}
	err = raw.GetContext(ctx, &got, `SELECT
		(SELECT count(*) FROM nudges WHERE kind = 'checkin' AND status = 'done') AS done,
		(SELECT count(*) FROM nudges WHERE kind = 'checkin' AND due_at <= $1 AND status IN ('planned', 'claimed')) AS open,
		(SELECT count(*) FROM messages) AS messages,
		(SELECT count(DISTINCT nudge_id) FROM messages) AS nudged,
		(SELECT count(*) FROM (SELECT nudge_id FROM messages GROUP BY nudge_id HAVING count(*) <> 2) AS x) AS twice,
		(SELECT count(*) FROM dialogue_runs) AS runs`, due)
	if err != nil {
		t.Fatal(err)
	}
	if got.Done != n || got.Open != 0 || got.Nudged != n || got.Messages != 2*n || got.Twice != 0 || got.Runs != n {
		t.Errorf("after three loops: %+v; want %d nudges done, each with one run and exactly 2 messages", got, n)
	}
	if counts[0] == n || counts[1] == n || counts[2] == n {
		t.Errorf("one loop did all the work: %v", counts)
	}
}
