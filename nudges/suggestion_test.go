package nudges

import (
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestAGroupWithFivePlacesGetsAtMostFiveReferralsAWeek(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Time{})
		f.now = f.local(2026, 6, 2, 11, 0) // a Tuesday
		walk := storetest.Group(t, db, f.scheme.ID, func(g *store.Group) {
			g.Name, g.Tags, g.WeeklyCapacity, g.Schedule = "Riverside walk", store.Strings{"walking"}, storetest.Ptr(5), "Tuesdays 10:00–11:30"
		})
		garden := storetest.Group(t, db, f.scheme.ID, func(g *store.Group) {
			g.Name, g.Tags, g.WeeklyCapacity = "Community garden", store.Strings{"gardening", "outdoors"}, storetest.Ptr(3)
		})
		var people []store.Person
		for i := 0; i < 20; i++ {
			p := f.person(func(p *store.Person) { p.Interests = store.Strings{"walking", "outdoors"} })
			people = append(people, p)
			f.inTx(func(tx *store.Tx) error { return f.planner.PlanSuggestion(f.ctx, tx, p, f.now.Add(-24*time.Hour)) })
		}
		f.drain()
		offered := map[int64]int{}
		for _, p := range people {
			sent := f.sent(p.ID)
			if len(sent) == 0 {
				continue
			}
			if strings.Contains(sent[0].Body, "Riverside walk") {
				offered[walk.ID]++
				if !strings.Contains(sent[0].Body, "on Tuesdays at 10:00–11:30") {
					t.Errorf("suggestion = %q, want the group's day and time", sent[0].Body)
				}
			} else if strings.Contains(sent[0].Body, "Community garden") {
				offered[garden.ID]++
			}
			f.reply(p, "yes please")
		}
		// A day later, in the same week, more suggestions for the same people.
		f.now = f.now.Add(24 * time.Hour)
		for _, p := range people {
			f.inTx(func(tx *store.Tx) error {
				return f.planner.PlanSuggestion(f.ctx, tx, p, f.now.Add(-time.Hour*24+time.Minute))
			})
		}
		f.now = f.now.Add(time.Minute)
		f.drain()
		accepted := map[int64]int{}
		for _, p := range people {
			refs, err := db.ListReferrals(f.ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range refs {
				if r.AcceptedAt != nil {
					accepted[r.GroupID]++
				}
			}
		}
		if accepted[walk.ID] != 5 || accepted[garden.ID] != 3 {
			t.Errorf("accepted referrals: walk %d (capacity 5), garden %d (capacity 3); offered %v", accepted[walk.ID], accepted[garden.ID], offered)
		}
		gaps := 0
		for _, e := range f.escalations() {
			if e.Reason == store.ReasonProvisionGap {
				gaps++
			}
		}
		if gaps != 20-8+20 {
			// First round: 12 people found nothing. Second round: nobody
			// can be offered a group again this week (full, or already yes).
			t.Errorf("%d provision-gap escalations, want %d", gaps, 20-8+20)
		}
	})
}

func TestAnAcceptedSuggestionIsFollowedUpAndAttendanceRecorded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Time{})
		f.now = f.local(2026, 6, 2, 11, 0)
		storetest.Group(t, db, f.scheme.ID, func(g *store.Group) {
			g.Name, g.Tags, g.Place = "Knit and Natter", store.Strings{"knitting"}, "Todmorden Library"
		})
		p := f.person(func(p *store.Person) { p.Interests = store.Strings{"knitting"}; p.Area = "Todmorden" })
		c := storetest.Contact(t, db, p, func(c *store.Contact) { c.StartsAt = f.now.Add(-24 * time.Hour); c.Status = store.ContactDone })
		f.inTx(func(tx *store.Tx) error { return f.planner.PlanContact(f.ctx, tx, c) })
		f.drain()
		if sent := f.sent(p.ID); len(sent) != 1 || !strings.Contains(sent[0].Body, "Knit and Natter") {
			t.Fatalf("after a contact sent %v, want a suggestion of Knit and Natter", sent)
		}
		f.reply(p, "yes")
		f.now = f.now.Add(7 * 24 * time.Hour)
		f.drain()
		sent := f.sent(p.ID)
		if last := sent[len(sent)-1].Body; !strings.Contains(last, "did you go to Knit and Natter") {
			t.Fatalf("a week later sent %q, want the follow-up", last)
		}
		f.reply(p, "yes I did")
		refs, err := db.ListReferrals(f.ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(refs) != 1 || refs[0].AcceptedAt == nil || refs[0].AttendedAt == nil {
			t.Errorf("referral = %+v, want accepted and attended", refs)
		}
	})
}

func TestWhenNoGroupFitsTheLinkWorkerHearsOfTheGap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Date(2026, 6, 2, 11, 0, 0, 0, time.UTC))
		storetest.Group(t, db, f.scheme.ID, func(g *store.Group) { g.Tags = store.Strings{"football"} })
		p := f.person(func(p *store.Person) { p.Interests = store.Strings{"chess"} })
		f.inTx(func(tx *store.Tx) error { return f.planner.PlanSuggestion(f.ctx, tx, p, f.now.Add(-24*time.Hour)) })
		f.drain()
		if sent := f.sent(p.ID); len(sent) != 0 {
			t.Fatalf("sent %q though no group fits", sent[0].Body)
		}
		es := f.escalations()
		if len(es) != 1 || es[0].Reason != store.ReasonProvisionGap || es[0].Urgency != store.Routine {
			t.Fatalf("escalations = %+v, want one routine provision_gap", es)
		}
	})
}
