package outcomes_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot/outcomes"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// Retention and erasure take away words and identities, never figures: the
// scheme's report is the same after the retention purge removes the words
// of expired records (exactly those whose support ended more than eight
// years before) and after two people are erased, who are still counted.
func TestPurgeAndErasureLeaveTheSchemeReportUnchanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := seedSmallScheme(t, db)
		q := outcomes.Query{SchemeID: s.scheme.ID, From: day(1, 1).Truncate(24 * time.Hour), To: day(4, 1).Truncate(24 * time.Hour)}
		report := func() *outcomes.Report {
			t.Helper()
			r, err := outcomes.SchemeReport(ctx, db, q)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		want := report()

		// Support ended 70 days after referral: p1 on 16 March 2026, p2 on
		// the 17th, p3 at noon on the 18th, … p6 on the 21st; p7 goes on.
		for _, purge := range []struct {
			at     time.Time
			people int64
		}{
			{day(3, 18).AddDate(8, 0, 0), 2},  // p1 and p2; p3 ended exactly 8 years before
			{day(3, 18).AddDate(8, 0, 0), 0},  // purged once
			{day(12, 31).AddDate(8, 0, 0), 4}, // p3 to p6
		} {
			rep, err := db.PurgeExpired(ctx, purge.at)
			if err != nil {
				t.Fatal(err)
			}
			if rep.People != purge.people {
				t.Errorf("purge at %s: %d people purged, want %d", purge.at.Format(time.DateOnly), rep.People, purge.people)
			}
			if got := report(); !reflect.DeepEqual(got, want) {
				t.Errorf("after the purge at %s the report changed:\n got %+v\nwant %+v", purge.at.Format(time.DateOnly), got, want)
			}
		}

		db.SetClock(func() time.Time { return day(12, 31).AddDate(8, 0, 1) })
		for _, p := range []store.Person{s.people[0], s.people[5]} { // with an NHS number and SWEMWBS; opted out with risk escalations
			if _, err := db.ErasePerson(ctx, p.ID, store.Erasure{Actor: "test", Reason: "asked to be forgotten"}); err != nil {
				t.Fatal(err)
			}
		}
		if got := report(); !reflect.DeepEqual(got, want) {
			t.Errorf("after erasing two people the report changed:\n got %+v\nwant %+v", got, want)
		}
	})
}
