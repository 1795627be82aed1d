package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestLoginFailuresAreCountedPerKeyInTheWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := noon
		db.SetClock(func() time.Time { return clock })
		var good []int64
		for i := range 3 {
			clock = noon.Add(time.Duration(i) * time.Second)
			mustOK(t, db.InTx(ctx, func(tx *store.Tx) error {
				ids, err := tx.RecordLoginAttempt(ctx, "email:a@b.c", "ip:10.0.0.1")
				good = ids
				return err
			}))
		}
		count := func(key string, since time.Time) store.LoginFailures {
			var f store.LoginFailures
			mustOK(t, db.View(ctx, func(tx *store.Tx) error {
				var err error
				f, err = tx.RecentLoginFailures(ctx, key, since)
				return err
			}))
			return f
		}
		if f := count("ip:10.0.0.1", noon.Add(-time.Minute)); f.Count != 3 || !f.Last.Equal(noon.Add(2*time.Second)) {
			t.Fatalf("failures from the address: %+v, want 3, the last at 12:00:02", f)
		}
		if f := count("email:a@b.c", noon.Add(time.Second)); f.Count != 1 {
			t.Fatalf("failures in the window: %+v, want 1", f)
		}
		if f := count("email:x@y.z", noon.Add(-time.Minute)); f.Count != 0 || !f.Last.IsZero() {
			t.Fatalf("failures of another key: %+v", f)
		}
		// The last attempt was good after all: it no longer counts.
		mustOK(t, db.InTx(ctx, func(tx *store.Tx) error { return tx.ForgetLoginAttempt(ctx, good...) }))
		if f := count("ip:10.0.0.1", noon.Add(-time.Minute)); f.Count != 2 || !f.Last.Equal(noon.Add(time.Second)) {
			t.Fatalf("after forgetting the good attempt: %+v, want 2", f)
		}
		mustOK(t, db.InTx(ctx, func(tx *store.Tx) error { return tx.ClearLoginFailures(ctx, "email:a@b.c", noon.Add(-time.Hour)) }))
		if f := count("email:a@b.c", noon.Add(-time.Minute)); f.Count != 0 {
			t.Fatalf("after clearing: %+v", f)
		}
		if f := count("ip:10.0.0.1", noon.Add(-time.Minute)); f.Count != 2 {
			t.Fatalf("clearing one key cleared another: %+v", f)
		}
	})
}

// Attempts at the same moment each see the ones before them: the limit is
// decided and recorded in one transaction under the key's lock.
func TestLoginAttemptsAtOnceAreCountedInTurn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.SetClock(func() time.Time { return noon })
		const limit = 5
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for range 40 {
			wg.Go(func() {
				errs <- db.InTx(ctx, func(tx *store.Tx) error {
					keys := []string{"ip:10.0.0.9", "email:many@b.c"}
					if err := tx.LockLoginKeys(ctx, keys...); err != nil {
						return err
					}
					f, err := tx.RecentLoginFailures(ctx, keys[1], noon.Add(-time.Hour))
					if err != nil || f.Count >= limit {
						return err
					}
					_, err = tx.RecordLoginAttempt(ctx, keys...)
					return err
				})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			mustOK(t, err)
		}
		var f store.LoginFailures
		mustOK(t, db.View(ctx, func(tx *store.Tx) error {
			var err error
			f, err = tx.RecentLoginFailures(ctx, "email:many@b.c", noon.Add(-time.Hour))
			return err
		}))
		if f.Count != limit {
			t.Fatalf("40 attempts at once recorded %d, want exactly %d", f.Count, limit)
		}
	})
}

func TestKnownDevicesAndEndingSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := noon
		db.SetClock(func() time.Time { return clock })
		s := storetest.Scheme(t, db)
		lw := storetest.LinkWorker(t, db, s.ID)
		other := storetest.LinkWorker(t, db, s.ID)
		token := strings.Repeat("ab", 32)
		known := func(email string) bool {
			var ok bool
			mustOK(t, db.View(ctx, func(tx *store.Tx) error {
				var err error
				ok, err = tx.IsKnownDevice(ctx, email, token)
				return err
			}))
			return ok
		}
		remember := func(w store.LinkWorker) {
			d := store.KnownDevice{SchemeID: w.SchemeID, LinkWorkerID: w.ID, TokenHash: token, ExpiresAt: clock.Add(24 * time.Hour)}
			mustOK(t, db.InTx(ctx, func(tx *store.Tx) error { return tx.RememberDevice(ctx, &d) }))
		}
		if known(*lw.Email) {
			t.Fatal("a new device is known")
		}
		remember(lw)
		remember(lw) // again: renewed, not refused
		if !known(strings.ToUpper(*lw.Email)) || known(*other.Email) {
			t.Fatal("the device is known for the wrong link workers")
		}
		clock = noon.Add(25 * time.Hour)
		if known(*lw.Email) {
			t.Fatal("an expired device is still known")
		}
		remember(lw)
		remember(other)
		mustOK(t, db.InTx(ctx, func(tx *store.Tx) error {
			n, err := tx.ForgetDevices(ctx, lw.ID)
			if err == nil && n != 1 {
				t.Errorf("forgot %d devices, want 1", n)
			}
			return err
		}))
		if known(*lw.Email) || !known(*other.Email) {
			t.Fatal("forgetting one link worker's devices")
		}

		var hashes []string
		for i := range 3 {
			sess := store.Session{SchemeID: s.ID, LinkWorkerID: lw.ID, TokenHash: strings.Repeat(string(rune('a'+i)), 64),
				CSRFToken: strings.Repeat("c", 32), ExpiresAt: clock.Add(time.Hour)}
			mustOK(t, db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateSession(ctx, &sess) }))
			hashes = append(hashes, sess.TokenHash)
		}
		mustOK(t, db.InTx(ctx, func(tx *store.Tx) error {
			n, err := tx.EndSessions(ctx, lw.ID, hashes[0])
			if err == nil && n != 2 {
				t.Errorf("ended %d sessions, want 2", n)
			}
			return err
		}))
		mustOK(t, db.View(ctx, func(tx *store.Tx) error {
			if _, _, err := tx.GetSession(ctx, hashes[0]); err != nil {
				t.Errorf("the session kept: %v", err)
			}
			_, _, err := tx.GetSession(ctx, hashes[1])
			wantCode(t, err, store.NotFound)
			return nil
		}))
	})
}

func TestSignInMigrationGoesDownAndUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustOK(t, db.MigrateDownTo(ctx, 41))
		mustOK(t, db.Migrate(ctx))
	})
}
